"""Publishing the site whole: written into a temp folder beside it, then swapped in.

A reader of the published folder (or the web server) sees the old site or the new one, never a
mixture; an interrupted run leaves the old site as it was and nothing in it, only a hidden temp
folder beside it (``.<name>.hyoka-tmp-…``), which the next run deletes. Files that did not change
are hard-linked from the old site (copied where links are not possible), so a run that changes
one assessment writes about one assessment's files.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from pathlib import Path

_TMP = ".hyoka-tmp-"
_OLD = ".hyoka-old-"


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


class Stage:
    """The new site, being written."""

    def __init__(self, out: Path) -> None:
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        for leftover in out.parent.glob(f".{_glob_escape(out.name)}.hyoka-*"):
            if leftover.name.startswith((f".{out.name}{_TMP}", f".{out.name}{_OLD}")):
                shutil.rmtree(leftover, ignore_errors=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{out.name}{_TMP}", dir=out.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.root, 0o777 & ~umask)  # mkdtemp's 0700 would hide the site from a web server

    def path(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, rel: str, data: bytes) -> None:
        self.path(rel).write_bytes(data)

    def link(self, source: str | os.PathLike[str], rel: str) -> None:
        """``source``'s bytes at ``rel``: a hard link when possible (same file system)."""
        target = self.path(rel)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)

    def publish(self) -> None:
        """Swap the new site in for the old one; delete the old one."""
        if not self.out.exists():
            os.rename(self.root, self.out)
            return
        if _exchange(self.root, self.out):
            shutil.rmtree(self.root)  # the old site, now under the temp name
            return
        old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}{_OLD}", dir=self.out.parent))
        os.rename(self.out, old / "site")
        os.rename(self.root, self.out)
        shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False where unavailable."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
