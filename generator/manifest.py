"""The build manifest: per output file, the hashes of the inputs it was built from.

``out/<name>/.hyoka-manifest.json`` holds one entry per output file of the folder. An output is
current when its entry's inputs equal the inputs now (``generator.buildgraph``) *and* the file's
bytes still hash to what the build wrote. The second check makes the manifest safe to lose or
race: an entry that is lost or left behind only costs a rebuild, never a stale file.

Several processes may update one folder's manifest at once (``make -j`` runs one ``hyoka build``
per output): an update re-reads, merges its own entries and replaces the file under a lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import plainjson
from .buildgraph import BlockFile, Graph, current_block_inputs
from .buildgraph import file_hash as file_hash  # for hyoka site
from .output import temp_files, write_atomic
from .records import dataclass, field

NAME = ".hyoka-manifest.json"
LOCK = ".hyoka-manifest.lock"
SCHEMA = 1


@dataclass
class Entry:
    format: str
    sha256: str  # of the output file as written
    inputs: dict[str, str]
    blocks: list[BlockFile] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "format": self.format,
            "sha256": self.sha256,
            "inputs": dict(sorted(self.inputs.items())),
            "block_files": [[b.id, b.path, b.sha256] for b in self.blocks],
        }

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        return cls(
            str(data["format"]),
            str(data["sha256"]),
            {str(k): str(v) for k, v in data["inputs"].items()},
            [BlockFile(str(i), str(p), str(h)) for i, p, h in data.get("block_files", [])],
        )


def load(target: Path) -> dict[str, Entry]:
    """Entries by output file name; an unreadable or foreign manifest counts as empty."""
    try:
        data = plainjson.loads((target / NAME).read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            return {}
        return {name: Entry.from_json(e) for name, e in data["outputs"].items()}
    # AttributeError: JSON not an object; RecursionError: nested deeper than json reads
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return {}


def current(
    folder: Path,
    fmt: str,
    output: Path,
    entry: Entry | None,
    static: dict[str, str] | None = None,
    graph: Graph | None = None,
) -> Entry | None:
    """``entry`` (its block files refreshed) when ``output`` is current, else None.

    ``static``: the inputs other than blocks, when the caller has hashed them already;
    ``graph``: the run's hashes (each file hashed once a run)."""
    if entry is None or entry.format != fmt:
        return None
    graph = graph or Graph()
    if not graph.exists(output):
        return None
    recorded = {k: v for k, v in entry.inputs.items() if not k.startswith("block:")}
    if (static if static is not None else graph.static_inputs(folder, fmt)) != recorded:
        return None
    blocks = current_block_inputs(entry.inputs, entry.blocks, folder, graph)
    if blocks is None or blocks[0] != entry.inputs:
        return None
    if graph.sha(output) != entry.sha256:
        return None
    return Entry(entry.format, entry.sha256, entry.inputs, blocks[1])


def update(target: Path, entries: dict[str, Entry]) -> None:
    """Merge ``entries`` into the folder's manifest (others' entries stay)."""
    if not entries:
        return
    with locked(target):
        merged = load(target)
        merged.update(entries)
        data = {"schema": SCHEMA, "outputs": {n: merged[n].to_json() for n in sorted(merged)}}
        text = plainjson.dumps(data) + "\n"  # as json.dumps(ensure_ascii=False, indent=1, sort_keys=True)
        # not synced: a manifest lost or left old by a crash costs a rebuild (see above), and an
        # fsync waits on the disk in every build
        write_atomic(target / NAME, text.encode("utf-8"), sync=False)


@contextmanager
def locked(target: Path, name: str = LOCK) -> Iterator[None]:
    """An exclusive lock on the folder's manifest, or the file ``name`` in it (advisory; POSIX
    only, elsewhere none: a lost update there costs a rebuild, see above)."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:
        yield
        return
    # never through a link: a lock file linked elsewhere must not create or open a file there
    fd = os.open(target / name, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_leftovers(target: Path, names: list[str]) -> list[Path]:
    """Delete temp files that a killed build left (``write_atomic``'s ``.<name>.*.tmp``) for the
    given output names and for the manifest; returns what was deleted.

    Only this build writes those outputs, and manifest writers hold the lock while their temp
    file exists, so no live writer loses its file."""
    if not target.is_dir():
        return []
    with locked(target):
        removed = temp_files(target, [*names, NAME])
        for tmp in removed:
            tmp.unlink(missing_ok=True)
    return removed
