"""Content hashes remembered by stat, as git's index does: a build that has nothing to do reads no file.

The index holds, for each file a build or ``hyoka deps`` hashed (sources, block files, templates,
generator modules, outputs), its size, modification and change times (ns) and inode with its
SHA-256. A file whose stat is unchanged is not read again; within one run each file is stat'ed and
hashed once, however many outputs share it.

It is kept in pieces, so that a run reads and holds only what it looks at, whatever the number of
folders: ``out/<name>/.hyoka-index`` for the files of one assessment folder and of its output
folder (with the commands' records for them), ``out/.hyoka-index`` for the files every folder
shares (generator modules, templates, block files). A command ``focus``\\es the index on the folder
it works on and ``release``\\s it when done: the folder's piece is then saved and dropped.

An entry is trusted only when the file had not been modified for ``RACY_NS`` when it was read:
an edit in the same clock tick as the read (same size, same times) would otherwise go unnoticed
(git's "racily clean" entries). An untrusted entry is hashed again by the next run.

The pieces also keep records for the commands (``section``): the build's stamps per output
(``commands/build.py``) and ``hyoka deps``' per folder (``commands/deps.py``). Everything in the
index is a cache: losing it, or an entry gone stale, costs reading and hashing again, never a wrong
answer. Several processes may update a piece at once (``make -j``): ``save`` re-reads it, merges
its own changes and replaces the file under a lock. It is written with ``marshal`` (plain data
only: loading it runs no code), and an unreadable or foreign file counts as empty.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import time
from pathlib import Path

from .sha import file_sha256_hex

NAME = ".hyoka-index"
LOCK = ".hyoka-index.lock"
SCHEMA = 2
RACY_NS = 3_000_000_000  # longer than any file system's time granularity (FAT: 2 s)

# size, mtime_ns, ctime_ns, inode, sha256, trusted
Entry = tuple[int, int, int, int, str, bool]
Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stat_key(st: os.stat_result) -> Stat:
    """What of a file's stat stands for its content (``Stat``)."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class _Piece:
    """One file of the index: its entries and records, and this run's changes to them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files: dict[str, Entry] = {}
        self.sections: dict[str, dict] = {}
        self.now: dict[str, str | None] = {}  # this run's answers, path → hash (None: no file)
        self.changed: dict[str, Entry] = {}
        self.section_changes: dict[str, dict[str, object]] = {}
        self.files, self.sections = _load(path)

    def save(self) -> None:
        """Merge this run's changes into the file on disk (others' changes stay). Not when the
        folder is gone or a link: a cache is never worth a folder of its own."""
        if not (self.changed or self.section_changes):
            return
        folder = self.path.parent
        if os.path.isdir(folder) and not os.path.islink(folder):
            # a cache: a lock that cannot be taken (a link), a full disk only cost hashing again
            from .output import OutputError

            with contextlib.suppress(OSError, OutputError):
                self._save(folder)
        self.changed.clear()
        self.section_changes.clear()

    def _save(self, folder: Path) -> None:
        from .manifest import locked
        from .output import temp_files, write_atomic

        with locked(folder, LOCK):
            for tmp in temp_files(folder, [NAME]):  # left by a killed run (we hold the lock)
                tmp.unlink(missing_ok=True)
            files, sections = _load(self.path)
            files.update(self.changed)
            for name, changes in self.section_changes.items():
                section = sections.setdefault(name, {})
                for key, value in changes.items():
                    if value is None:
                        section.pop(key, None)
                    else:
                        section[key] = value
            data = {"schema": SCHEMA, "files": files, "sections": sections}
            write_atomic(self.path, marshal.dumps(data), sync=False)


def _load(path: Path) -> tuple[dict[str, Entry], dict[str, dict]]:
    try:
        with open(path, "rb") as fh:
            data = marshal.loads(fh.read())  # marshal.load reads a file in small pieces: 50× slower
        if isinstance(data, dict) and data.get("schema") == SCHEMA:
            files, sections = data["files"], data["sections"]
            if isinstance(files, dict) and isinstance(sections, dict):
                return files, sections
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        pass
    return {}, {}


class FileIndex:
    """The index of one output folder (``out``): the shared piece, loaded once per run, and the
    piece of the folder in focus."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.shared = _Piece(out / NAME)
        self._pieces: dict[str, _Piece] = {}
        self._piece: _Piece | None = None  # in focus
        # entries hashed for a folder released unsaved: right whatever the command then does
        self._kept: dict[str, dict[str, Entry]] = {}
        self._inside: tuple[str, ...] = ()  # path prefixes of the files that go to it

    # -- pieces

    def focus(self, folder: Path) -> None:
        """Keep the entries of files in ``folder`` and in ``out/<its name>`` in that folder's
        piece, and its records (``section``, ``put``), until another folder is in focus."""
        name = folder.name
        piece = self._pieces.get(name)
        if piece is None:
            piece = self._pieces[name] = _Piece(self.out / name / NAME)
            kept = self._kept.pop(name, None)
            if kept:
                piece.files.update(kept)
                piece.changed.update(kept)
        self._piece = piece
        dirs = {str(folder), os.path.abspath(folder), str(self.out / name), os.path.abspath(self.out / name)}
        self._inside = tuple(d.rstrip(os.sep) + os.sep for d in dirs)

    def release(self, folder: Path, save: bool = True) -> None:
        """Save the folder's piece and drop it (a run holds one folder's entries at a time);
        ``save=False``: drop this run's changes to its records (it is saved later, or not at
        all), but keep the files it hashed for its next ``focus`` (a stale folder's sources are
        hashed when planning and saved when its outputs are published)."""
        piece = self._pieces.pop(folder.name, None)
        if piece is None:
            return
        if save:
            piece.save()
        elif piece.changed:
            self._kept[folder.name] = dict(piece.changed)
        if piece is self._piece:
            self._piece, self._inside = None, ()

    def _of(self, path: str) -> _Piece:
        if self._piece is not None and path.startswith(self._inside):
            return self._piece
        return self.shared

    # -- hashes

    def sha(self, path: str) -> str | None:
        """The SHA-256 of a regular file (None when there is none), read only when its stat
        changed since it was last read."""
        piece = self._of(path)
        known = piece.now.get(path, False)
        if known is not False:
            return known  # type: ignore[return-value]
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            piece.now[path] = None
            return None
        if not _regular(st.st_mode):
            piece.now[path] = None
            return None
        entry = piece.files.get(path)
        if entry is not None and entry[5] and entry[:4] == stat_key(st):
            piece.now[path] = entry[4]
            return entry[4]
        sha = file_sha256_hex(path)
        self._remember(piece, path, st, sha)
        return sha

    def exists(self, path: str) -> bool:
        """Whether ``path`` is a regular file (remembered for the run, as ``sha``)."""
        piece = self._of(path)
        known = piece.now.get(path, False)
        if known is not False:
            return known is not None
        try:
            return _regular(os.stat(path).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            piece.now[path] = None
            return False

    def relinked(self, folder: str) -> dict[str, tuple[Stat, Stat]]:
        """Files under ``folder`` (in the piece in focus) were linked or unlinked elsewhere by
        this run (``hyoka site`` hard-links the outputs it publishes), which moves their change
        times: each entry whose stat moved is hashed again now (a link cannot be told from an
        edit that kept the modification time), so that the next run need not. Returns, of those
        whose content is the same, path → (stat before, stat now): a command's records of the
        old stat may follow (``commands/build.py``'s folder checks)."""
        piece = self._piece
        moved: dict[str, tuple[Stat, Stat]] = {}
        if piece is None:
            return moved
        prefix = folder.rstrip(os.sep) + os.sep
        for path, entry in list(piece.files.items()):
            if not path.startswith(prefix):
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            now = stat_key(st)
            if _regular(st.st_mode) and entry[:4] != now:
                sha = file_sha256_hex(path)
                self._remember(piece, path, st, sha)
                if sha == entry[4] and entry[5] and piece.files[path][5]:
                    moved[path] = (entry[:4], now)
        return moved

    def wrote(self, path: str, sha: str) -> None:
        """``path`` was just written with content hashing to ``sha``."""
        self._remember(self._of(path), path, os.stat(path), sha)

    @staticmethod
    def _remember(piece: _Piece, path: str, st: os.stat_result, sha: str) -> None:
        # by the modification time alone, as git does: an output published by a rename has a
        # new change time but its content's time, and a later edit moves the modification time
        entry = (*stat_key(st), sha, settled(st))
        piece.now[path] = sha
        if piece.files.get(path) != entry:
            piece.files[path] = entry
            piece.changed[path] = entry

    def trusted_stat(self, path: str) -> Stat | None:
        """The stat (size, mtime_ns, ctime_ns, inode) the entry of ``path`` was hashed at, when the
        entry is trusted (not racily clean): a command may then take that stat for the hash."""
        entry = self._of(path).files.get(path)
        if entry is None or not entry[5]:
            return None
        return entry[:4]

    # -- the commands' records (in the piece in focus; ``shared``: in the shared piece)

    def section(self, name: str, shared: bool = False) -> dict:
        piece = self.shared if shared else (self._piece or self.shared)
        return piece.sections.setdefault(name, {})

    def put(self, name: str, key: str, value: object, shared: bool = False) -> None:
        """Set (or with None delete) a record; kept on ``save``."""
        piece = self.shared if shared else (self._piece or self.shared)
        section = piece.sections.setdefault(name, {})
        value = interned(value)
        if value is None:
            section.pop(key, None)
        else:
            section[key] = value
        piece.section_changes.setdefault(name, {})[key] = value

    # -- saving

    @property
    def changed(self) -> bool:
        return any(p.changed or p.section_changes for p in (self.shared, *self._pieces.values()))

    def save(self) -> None:
        """Merge this run's changes into the index on disk (others' changes stay)."""
        for piece in (*self._pieces.values(), self.shared):
            piece.save()


def settled(st: os.stat_result) -> bool:
    """Whether a stat taken now can be trusted to change with the file: it was not modified
    within ``RACY_NS`` (an edit in the same clock tick would keep its times)."""
    return time.time_ns() - st.st_mtime_ns > RACY_NS


def _regular(mode: int) -> bool:
    return (mode & 0o170000) == 0o100000


def interned(value: object) -> object:
    """Equal strings made one object (marshal then writes them once: block ids recur in every
    output's records)."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, tuple):
        items = tuple(interned(v) for v in value)
        # the same tuple when nothing changed: a tuple shared by records is then written once
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
