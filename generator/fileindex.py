"""Content hashes remembered by stat, as git's index does: a build that has nothing to do reads no file.

``out/.hyoka-index`` holds, for each file a build or ``hyoka deps`` hashed (sources, block files,
templates, generator modules, outputs), its size, modification and change times (ns) and inode
with its SHA-256. A file whose stat is unchanged is not read again; within one run each file is
stat'ed and hashed once, however many outputs share it.

An entry is trusted only when the file had not been modified for ``RACY_NS`` when it was read:
an edit in the same clock tick as the read (same size, same times) would otherwise go unnoticed
(git's "racily clean" entries). An untrusted entry is hashed again by the next run.

The index also keeps records for the commands (``section``): the build's stamps per output
(``commands/build.py``) and ``hyoka deps``' per folder (``commands/deps.py``). Everything in it is
a cache: losing it, or an entry gone stale, costs reading and hashing again, never a wrong
answer. Several processes may update it at once (``make -j``): ``save`` re-reads it, merges its
own changes and replaces the file under a lock. It is written with ``marshal`` (plain data only:
loading it runs no code), and an unreadable or foreign file counts as empty.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import time
from pathlib import Path

from .output import OutputError, write_atomic

NAME = ".hyoka-index"
LOCK = ".hyoka-index.lock"
SCHEMA = 1
RACY_NS = 3_000_000_000  # longer than any file system's time granularity (FAT: 2 s)

# size, mtime_ns, ctime_ns, inode, sha256, trusted
Entry = tuple[int, int, int, int, str, bool]


def _sha_of_file(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class FileIndex:
    """The index of one output folder (``out``), loaded once per run."""

    def __init__(self, out: Path) -> None:
        self.path = out / NAME
        self.files: dict[str, Entry] = {}
        self.sections: dict[str, dict] = {}
        self._load()
        self._now: dict[str, str | None] = {}  # this run's answers, path → hash (None: no file)
        self._changed: dict[str, Entry] = {}
        self._section_changes: dict[str, dict[str, object]] = {}

    def _load(self) -> None:
        try:
            data = marshal.loads(self.path.read_bytes())
            if not isinstance(data, dict) or data.get("schema") != SCHEMA:
                return
            self.files = data["files"]
            self.sections = data["sections"]
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            self.files, self.sections = {}, {}

    # -- hashes

    def sha(self, path: str) -> str | None:
        """The SHA-256 of a regular file (None when there is none), read only when its stat
        changed since it was last read."""
        known = self._now.get(path, False)
        if known is not False:
            return known  # type: ignore[return-value]
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self._now[path] = None
            return None
        if not _regular(st.st_mode):
            self._now[path] = None
            return None
        entry = self.files.get(path)
        if (
            entry is not None
            and entry[5]
            and entry[:4] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        ):
            self._now[path] = entry[4]
            return entry[4]
        sha = _sha_of_file(path)
        self._remember(path, st, sha)
        return sha

    def exists(self, path: str) -> bool:
        """Whether ``path`` is a regular file (remembered for the run, as ``sha``)."""
        known = self._now.get(path, False)
        if known is not False:
            return known is not None
        try:
            return _regular(os.stat(path).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            self._now[path] = None
            return False

    def wrote(self, path: str, sha: str) -> None:
        """``path`` was just written with content hashing to ``sha``."""
        self._remember(path, os.stat(path), sha)

    def _remember(self, path: str, st: os.stat_result, sha: str) -> None:
        # by the modification time alone, as git does: an output published by a rename has a
        # new change time but its content's time, and a later edit moves the modification time
        trusted = time.time_ns() - st.st_mtime_ns > RACY_NS
        entry = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, sha, trusted)
        self._now[path] = sha
        if self.files.get(path) != entry:
            self.files[path] = entry
            self._changed[path] = entry

    # -- the commands' records

    def section(self, name: str) -> dict:
        return self.sections.setdefault(name, {})

    def put(self, name: str, key: str, value: object) -> None:
        """Set (or with None delete) a record; kept on ``save``."""
        section = self.section(name)
        value = _interned(value)
        if value is None:
            section.pop(key, None)
        else:
            section[key] = value
        self._section_changes.setdefault(name, {})[key] = value

    # -- saving

    @property
    def changed(self) -> bool:
        return bool(self._changed or self._section_changes)

    def save(self) -> None:
        """Merge this run's changes into the index on disk (others' changes stay)."""
        if not self.changed:
            return
        # a cache: a lock that cannot be taken (a link), a full disk only cost hashing again
        with contextlib.suppress(OSError, OutputError):
            self._save()
        self._changed.clear()
        self._section_changes.clear()

    def _save(self) -> None:
        from .manifest import locked

        target = self.path.parent
        with locked(target, LOCK):
            for tmp in target.glob(f".{NAME}.*.tmp"):  # left by a killed run (we hold the lock)
                tmp.unlink(missing_ok=True)
            disk = FileIndex.__new__(FileIndex)
            disk.path = self.path
            disk._load()
            disk.files.update(self._changed)
            for name, changes in self._section_changes.items():
                section = disk.sections.setdefault(name, {})
                for key, value in changes.items():
                    if value is None:
                        section.pop(key, None)
                    else:
                        section[key] = value
            data = {"schema": SCHEMA, "files": disk.files, "sections": disk.sections}
            write_atomic(self.path, marshal.dumps(data), sync=False)


def _regular(mode: int) -> bool:
    return (mode & 0o170000) == 0o100000


def _interned(value: object) -> object:
    """Equal strings made one object (marshal then writes them once: block ids recur in every
    folder's records)."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, tuple):
        return tuple(_interned(v) for v in value)
    return value
