"""SHA-256 hex digests, without loading OpenSSL for a small build.

``hashlib`` loads OpenSSL (``_hashlib``: ~3 ms of every build's start, the smallest example's
whole build taking ~70 ms). Python's own SHA-256, which hashlib falls back to without OpenSSL
(``_sha256`` in 3.11, ``_sha2`` from 3.12), loads in 0.2 ms but hashes ~6× slower (300 MB/s
against 1.8 GB/s where the CPU has SHA instructions). So a process hashes with the builtin one
until it has hashed ``BUDGET`` bytes or is given one input over ``LARGE`` (an output of a large
document: the build will hash much more), and from then on through hashlib. A build of one of the
examples but atsugi never loads OpenSSL (89–640 kB hashed, the largest input 28–230 kB), and
whatever the build, the builtin's pace costs at most ~3 ms before it does. The digests are the
same either way (tests/test_sha.py).
"""

from __future__ import annotations

import os

# (no type stubs: they are private modules, but what hashlib itself falls back to)
try:
    from _sha256 import sha256 as _builtin  # type: ignore[import-not-found]  # Python 3.11
except ImportError:
    try:
        from _sha2 import sha256 as _builtin  # type: ignore[import-not-found]  # Python 3.12+
    except ImportError:  # a Python built without it: hashlib alone
        _builtin = None

# About the bytes the builtin hashes in the time hashlib takes to load (~1 MB at the gap above)
BUDGET = 1 << 20
# One input this large, and the build hashes more than BUDGET in all (a document's outputs come to
# ~3 times the largest of them: atsugi's 560 kB of 1.5 MB; kumagaya's 230 kB of 640 kB)
LARGE = 1 << 18
_left = [BUDGET if _builtin is not None else 0]  # what this process may still hash with the builtin


def _builtin_for(size: int) -> bool:
    """Whether ``size`` bytes go to the builtin (then taken off what is left of the budget)."""
    if _builtin is None or size > _left[0] or size > LARGE:  # (an empty input fits a budget of 0)
        _left[0] = 0  # from now on hashlib, loaded for this
        return False
    _left[0] -= size
    return True


def sha256_hex(data: bytes) -> str:
    if _builtin_for(len(data)):
        return _builtin(data).hexdigest()
    import hashlib

    return hashlib.sha256(data).hexdigest()


def file_sha256_hex(path: str) -> str:
    """The SHA-256 of a file's bytes."""
    with open(path, "rb") as fh:
        if _builtin_for(os.fstat(fh.fileno()).st_size):
            return _builtin(fh.read()).hexdigest()
        import hashlib

        return hashlib.file_digest(fh, "sha256").hexdigest()
