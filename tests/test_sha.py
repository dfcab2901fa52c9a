"""generator.sha: the same digests as hashlib, whichever implementation hashes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from generator import sha
from tests.conftest import bare_python

INPUTS = [b"", b"a", b"abc", "評価書\0".encode(), bytes(range(256)) * 37, os.urandom(64), os.urandom(100_003)]


@pytest.mark.parametrize("left", [sha.BUDGET, 0], ids=["builtin", "hashlib"])
def test_digests_are_hashlibs(left: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sha, "_left", [left])
    for i, data in enumerate(INPUTS):
        expected = hashlib.sha256(data).hexdigest()
        assert sha.sha256_hex(data) == expected
        path = tmp_path / f"f{i}"
        path.write_bytes(data)
        assert sha.file_sha256_hex(str(path)) == expected
    assert sha._left[0] == (left - 2 * sum(map(len, INPUTS)) if left else 0)


def test_a_hash_over_the_budget_goes_to_hashlib_and_so_does_every_later_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sha, "_left", [10])
    assert sha.sha256_hex(b"12345") == hashlib.sha256(b"12345").hexdigest()
    assert sha._left == [5]
    assert sha.sha256_hex(b"123456") == hashlib.sha256(b"123456").hexdigest()
    assert sha._left == [0]
    assert sha.sha256_hex(b"1") == hashlib.sha256(b"1").hexdigest()
    assert sha._left == [0]


def test_one_large_input_goes_to_hashlib_with_budget_left(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sha, "_left", [sha.BUDGET])
    data = os.urandom(sha.LARGE + 1)
    assert sha.sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert sha._left == [0]


def test_hashlib_is_loaded_only_past_the_budget() -> None:
    probe = (
        "import sys\n"
        "from generator import sha\n"
        "assert sha._builtin is not None\n"
        "sha.sha256_hex(b'x' * 1000)\n"
        "print('hashlib' in sys.modules, end=' ')\n"
        "sha.sha256_hex(b'x' * (sha.BUDGET + 1))\n"
        "print('hashlib' in sys.modules)\n"
    )
    assert bare_python(probe) == "False True\n"


def test_without_the_builtin_every_input_goes_to_hashlib(tmp_path, monkeypatch) -> None:
    """A Python built without _sha256/_sha2 (some distributions): an empty input called None."""
    import hashlib

    monkeypatch.setattr(sha, "_builtin", None)
    monkeypatch.setattr(sha, "_left", [0])
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha.sha256_hex(b"") == hashlib.sha256(b"").hexdigest()
    assert sha.file_sha256_hex(str(empty)) == hashlib.sha256(b"").hexdigest()
    assert sha.sha256_hex(b"x") == hashlib.sha256(b"x").hexdigest()
