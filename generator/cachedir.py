"""The per-user cache (``$XDG_CACHE_HOME/hyoka``, else ``~/.cache/hyoka``): what a later run may
reuse to start faster, never what it needs. Outputs never depend on it; a cache that cannot be
made or written (a read-only home, a sandbox) only means doing the work again."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    import jinja2


def cache_dir(name: str) -> Path | None:
    """``<cache>/hyoka/<name>``, both folders made private to the user (0700); None when it
    cannot be made or written, or when it or ``hyoka/`` is another user's: code read from it is
    run (generator.records), so only the user may have put it there. The user's own folder that
    others may write (an older hyoka made it with the umask) is made private and emptied."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
        root.mkdir(mode=0o700, parents=True, exist_ok=True)  # the XDG cache folder is 0700 too
        folder = root / "hyoka" / name
        for made in (folder.parent, folder):
            made.mkdir(mode=0o700, exist_ok=True)
            info = os.stat(made)
            if _own(info) and not _private(info):  # made by an older hyoka under umask 002
                os.chmod(made, 0o700)
                info = os.stat(made)
                if made == folder:  # what others could put in it is not kept: a cache, made again
                    _empty(folder)
            if not _private(info):
                return None
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


def _empty(folder: Path) -> None:
    import shutil

    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


def _own(info: os.stat_result) -> bool:
    """Whether a folder is the user's (where there are owners)."""
    getuid = getattr(os, "getuid", None)  # none on Windows: left to the folder's ACL
    return getuid is None or info.st_uid == getuid()


def _private(info: os.stat_result) -> bool:
    """Whether a folder is the user's and no one else may write it (where there are owners)."""
    return _own(info) and (not hasattr(os, "getuid") or not info.st_mode & 0o022)


def jinja_bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: Jinja checks each against its template's source (and
    its own and Python's version), so an edited template is compiled again. Compiling the HTML
    writer's templates costs 20 ms a run."""
    folder = cache_dir("jinja")
    if folder is None:
        return None
    import jinja2

    class _Quiet(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            # a full disk, a folder made read-only since: compiled again next time
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().load_bytecode(bucket)

    return _Quiet(str(folder))
