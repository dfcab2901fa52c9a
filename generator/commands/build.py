"""``hyoka build``: sources → HTML / DOCX / XLSX (and PDF through LibreOffice) in out/.

Incremental: an output is rebuilt only when an input it was built from changed (see
``generator.buildgraph`` and ``generator.manifest``). The check hashes files and parses nothing,
so a build with nothing to do imports neither the reader nor a writer's libraries; and through
the file index (``generator.fileindex``) it reads no file whose stat is unchanged: each output's
stamp (a hash of every input file's hash) is checked from the index alone, the manifest read
only for an output whose stamp no longer holds.

Stale assessments are read, checked, laid out and rendered in a process pool (``-j``), each
worker writing its outputs to temp files beside their places and returning their hashes, so no
process holds more than one assessment's outputs. Nothing is published unless every assessment
is free of errors: then the temp files replace the outputs in a fixed order, so the outputs do
not depend on ``-j``; else they are deleted.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from ..buildgraph import BlockFile, Graph, source_names
from ..diagnostics import Diagnostic, Reporter, UsageError
from ..epoch import source_date_epoch
from ..fileindex import FileIndex, Stat, interned, settled, stat_key
from ..records import dataclass, field
from ..sha import sha256_hex
from ..sources import assessment_folders
from ..writers import WRITERS

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    import threading
    from multiprocessing.pool import Pool

ALL_FORMATS = ("html", "docx", "xlsx")
KNOWN = (*WRITERS, "pdf")
STAMPS = "outputs"  # the file index's section: output path → Stamp
DOCUMENTS = "documents"  # the file index's section: folder → (sources digest, document suffixes)
CHECKS = "folders"  # the shared piece's section: folder and formats → Check


def parse_formats(spec: str) -> list[str]:
    formats = [f.strip().lower() for f in spec.split(",") if f.strip()]
    for f in formats:
        if f not in KNOWN:
            raise UsageError(
                f"出力形式「{f}」には対応していません。使える形式: {', '.join(KNOWN)}（カンマ区切りで複数指定）"
            )
    return list(dict.fromkeys(formats)) or list(ALL_FORMATS)


def output_name(name: str, fmt: str, suffix: str = "") -> str:
    """Every writer's extension is its format name (checked when it renders); ``suffix`` names
    a folder's further document (「-基礎」, see ``generator.documents``)."""
    return f"{name}{suffix}.{fmt}"


@dataclass(frozen=True)
class Task:
    folder: Path
    target: Path  # out/<name>
    formats: tuple[tuple[str, str], ...]  # the stale ones: (document suffix, format)


@dataclass
class Rendered:
    folder: Path
    diagnostics: list[Diagnostic]
    # (document suffix, format) → (temp file, sha256)
    outputs: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    block_inputs: dict[str, str] = field(default_factory=dict)
    block_files: list[BlockFile] = field(default_factory=list)


def render(task: Task, spread: int = 1) -> Rendered:
    """Read, check, lay out and render one assessment (in a worker process), each output into a
    temp file beside its place; nothing is written when the assessment has errors. ``spread``:
    the processes that may render its outputs (``commands.spread``)."""
    from ..buildgraph import used_blocks
    from ..output import write_temp
    from ..pipeline import layout, load_all
    from ..writers import writer
    from .spread import LEAST_SHARE, render_spread

    reporter = Reporter()
    # only the blocks used: a broken block file that no assessment uses is hyoka check's to report
    (loaded,) = load_all([task.folder], reporter, every_block=False)
    if reporter.errors or loaded.assessment is None:
        return Rendered(task.folder, reporter.diagnostics)
    laid = []  # (suffix, format, laid-out document) of every output asked for
    for document in loaded.documents:  # the folder's 重点 and its paired 基礎 (generator.documents)
        wanted = [fmt for s, fmt in task.formats if s == document.suffix]
        doc = layout(document.assessment, loaded.blocks) if wanted else None
        laid += [(document.suffix, fmt, doc) for fmt in wanted]

    def one(item: tuple) -> tuple[tuple[str, str], str, str]:
        suffix, fmt, doc = item
        if fmt == "pdf":
            from ..pdf import print_pdf

            data = print_pdf(doc, task.folder.name + suffix)
        else:
            module = writer(fmt)
            if f".{fmt}" != module.EXTENSION:
                raise RuntimeError(f"writer {fmt}: EXTENSION {module.EXTENSION!r} is not '.{fmt}'")
            data = module.render(doc)
        # not synced here: the parent syncs it while the workers go on (see run)
        temp = write_temp(task.target / output_name(task.folder.name, fmt, suffix), data, sync=False)
        return (suffix, fmt), str(temp), sha256_hex(data)

    # PDF goes through LibreOffice, one at a time: not shared out
    ways = 1 if any(fmt == "pdf" for _, fmt, _ in laid) else spread
    done = {key: (temp, sha) for key, temp, sha in render_spread(laid, _cost, ways, one, LEAST_SHARE)}
    # in the order asked for: the publishing order and the index do not depend on -j
    outputs = {(s, f): done[s, f] for s, f, _ in laid}
    block_inputs, block_files = used_blocks(
        loaded.assessment, loaded.library, [d.assessment for d in loaded.documents[1:]]
    )
    return Rendered(task.folder, reporter.diagnostics, outputs, block_inputs, block_files)


def _cost(item: tuple) -> float:
    """An output's expected rendering cost: its format's, times its document's size in blocks
    and rows (what every writer goes through)."""
    from ..layout.ir import Table
    from .spread import FORMAT_COST

    _, fmt, doc = item
    size = sum(len(b.rows) if isinstance(b, Table) else 1 for part in doc.parts for b in part.blocks)
    return FORMAT_COST.get(fmt, 2.0) * size


class _Workers:
    """The process pool of ``-j``, forked when planning finds a second stale folder: the
    workers then copy a parent that holds next to nothing yet (what a fork copies counts in
    every worker's memory), and a build of one folder renders it in this process."""

    def __init__(self, jobs: int, spread: int = 1) -> None:
        self.jobs = jobs
        self.spread = spread  # processes for one folder's outputs, when the build has one folder
        self.pool: Pool | None = None

    def need(self, tasks: int) -> None:
        if self.pool is None and self.jobs > 1 and tasks > 1:
            import multiprocessing  # 20 ms of imports a one-process build skips

            # Ctrl+C reaches the whole process group: workers leave it to this process, which
            # ends them (terminate). A worker stopped by it at a random point printed its
            # traceback, and one stopped holding the pool's queue lock hung terminate for good.
            self.pool = multiprocessing.Pool(self.jobs, initializer=_leave_interrupts)

    def rendered(self, tasks: list[Task]) -> Iterator[Rendered]:
        """Results in task order, each as soon as it and those before it are done; the workers
        keep going meanwhile. Results are small (the outputs are in temp files)."""
        if self.pool is None:
            spread = self.spread if len(tasks) == 1 else 1
            yield from (render(task, spread) for task in tasks)
            return
        chunk = max(1, min(4, len(tasks) // (self.jobs * 8)))  # fewer round trips, still balanced
        yield from self.pool.imap(render, tasks, chunk)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()  # every result is in (or the build failed)
            self.pool.join()
            self.pool = None


def _leave_interrupts() -> None:
    """A pool worker's start: SIGINT ignored (see ``_Workers.need``)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


# ---------------------------------------------------------------------------
# What is stale


@dataclass
class Plan:
    tasks: list[Task] = field(default_factory=list)
    sources: dict[Path, dict[str, str]] = field(default_factory=dict)  # a stale folder's YAML hashes
    documents: dict[Path, tuple[str, ...]] = field(default_factory=dict)  # its document suffixes
    current: int = 0  # outputs left as they are
    held: dict[str, Stamp] = field(default_factory=dict)  # output path → its record, by a folder check
    found: dict[Path, tuple[str, ...]] = field(default_factory=dict)  # every folder's document suffixes
    workers: _Workers | None = None  # told each stale folder found


# The file index's record of an output: its hash, the stamp of its inputs when it was built, the
# blocks it used and the hash of its folder's sources (``hyoka deps`` takes the blocks from it).
Stamp = tuple[str, str, tuple[str, ...], str]


class Stamps:
    """Each output's inputs as one hash, from the file index: a no-op build checks these alone.

    The stamp covers every file the output was built from (sources, the files its blocks were
    read from, its templates, the generator) by content hash, and ``SOURCE_DATE_EPOCH``. A
    block's file is looked up again (a city block may come to replace a shipped one)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._formats: dict[str, str] = {}
        # (root, block ids) → one hash of the block files: folders share their lists of blocks
        self._block_lists: dict[tuple[Path, tuple[str, ...]], str | None] = {}
        self._blocks: dict[tuple[Path, str], str | None] = {}  # (root, id) → "id=file:hash"
        self._root: tuple[Path | None, Path | None] = (None, None)  # the last folder's
        self._shared: dict[tuple, tuple] = {}  # see one
        self._contexts: dict[tuple[str, str], tuple[str, str]] = {}  # one object per context

    def one(self, value: tuple) -> tuple:
        """One object for equal tuples of the folders' checks (marshal then writes it once)."""
        value = interned(value)  # type: ignore[assignment]
        return self._shared.setdefault(value, value)

    def sources_digest(self, sources: dict[str, str]) -> str:
        return _digest(f"{k}={v}" for k, v in sources.items())

    def stamp(
        self,
        fmt: str,
        folder: Path,
        sources_digest: str,
        block_ids: tuple[str, ...],
        block_shas: dict[str, tuple[str, str]] | None = None,
    ) -> str | None:
        """None when a block's file is gone. ``block_shas``: id → (file, hash) as a worker read
        them (the stamp of what was built); else the files as they are now."""
        if block_shas is None:
            context = self.context(fmt, folder, block_ids)
            if context is None:
                return None
            return _digest([context[0], sources_digest, context[1]])
        root = self._root_of(folder)
        parts = []
        for block_id in block_ids:
            read, sha = block_shas[block_id]
            parts.append(f"{block_id}={read}:{sha}" if read == self.graph.locate(block_id, root) else None)
        if None in parts:
            return None
        return _digest([self.format(fmt), sources_digest, _digest(parts)])  # type: ignore[arg-type]

    def context(self, fmt: str, folder: Path, block_ids: tuple[str, ...]) -> tuple[str, str] | None:
        """What an output's stamp holds besides its folder's sources, as it is now: the format's
        digest (templates, generator, ``SOURCE_DATE_EPOCH``) and its block files' (None when a
        block's file is gone). Both are computed once per run and shared by the folders."""
        key = (self._root_of(folder), block_ids)
        try:
            blocks = self._block_lists[key]
        except KeyError:
            parts = [self._block(key[0], i) for i in block_ids]
            blocks = self._block_lists[key] = None if None in parts else _digest(parts)  # type: ignore[arg-type]
        if blocks is None:
            return None
        try:
            return self._contexts[fmt, blocks]
        except KeyError:
            context = self._contexts[fmt, blocks] = (self.format(fmt), blocks)
            return context

    def _root_of(self, folder: Path) -> Path:
        if self._root[0] is not folder:
            self._root = (folder, self.graph.root_of(folder))
        return self._root[1]  # type: ignore[return-value]

    def format(self, fmt: str) -> str:
        if fmt not in self._formats:
            graph = self.graph
            env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
            self._formats[fmt] = _digest(
                [
                    fmt,
                    env,
                    graph.generator_fingerprint(),
                    *(f"{k}={v}" for k, v in graph.template_hashes(fmt)),
                ]
            )
        return self._formats[fmt]

    def _block(self, root: Path, block_id: str) -> str | None:
        key = (root, block_id)
        if key not in self._blocks:
            path = self.graph.locate(block_id, root)
            sha = path and self.graph.sha(path)
            self._blocks[key] = f"{block_id}={path}:{sha}" if sha else None
        return self._blocks[key]


def _digest(parts) -> str:  # noqa: ANN001 - any iterable of str
    return sha256_hex("\0".join(parts).encode("utf-8", "surrogatepass"))


def plan(
    folders: list[Path],
    out: Path,
    formats: list[str],
    force: bool,
    say: Callable[[str], None],
    stamps: Stamps | None = None,
    workers: _Workers | None = None,
    held: bool = False,
) -> Plan:
    """Which outputs are stale. Hashes files only (and through ``index`` reads none whose stat is
    unchanged): parses no source, imports no writer. ``held``: the folder checks keep the
    outputs' records, and those of the folders whose checks hold are given (``Plan.held``), with
    every folder's documents (``Plan.found``)."""
    stamps = stamps or Stamps(Graph(FileIndex(out)))
    graph = stamps.graph
    index = graph.index
    assert index is not None
    result = Plan(workers=workers)
    kind = ",".join(formats)
    checks: dict[str, Check] = index.section(CHECKS, shared=True)
    out_abs = os.path.abspath(out)
    for folder in folders:
        name = folder.name  # a folder's name: never "", "." or ".." (sources.assessment_folders)
        base = os.path.join(out_abs, name)
        key = f"{os.path.abspath(folder)}\0{kind}"
        check = None if force else checks.get(key)
        if check is not None and _valid_holds(check, folder, name, base, stamps, held):
            result.current += len(check[1])
            if held:
                result.held.update(_held(check, name, base))
                result.found[folder] = tuple(dict.fromkeys(suffix for suffix, _, _, _ in check[1]))
            continue
        target = out / name  # checked by output_dir before anything is written there
        index.focus(folder)
        records: dict[str, Stamp] = index.section(STAMPS)
        folder_stat = _settled_stat(folder)  # before the listing: a change after it moves the stat
        names = source_names(folder)
        sources = graph.source_inputs(folder, names)
        digest = stamps.sources_digest(sources)
        stale = []
        documents = _documents(folder, digest, index)
        if held:
            result.found[folder] = documents
        for suffix, fmt in ((s, f) for s in documents for f in formats):
            path = os.path.join(base, output_name(folder.name, fmt, suffix))
            record = None if force else records.get(path)
            if (
                record is not None
                and record[3] == digest
                and stamps.stamp(fmt, folder, digest, record[2]) == record[1]
                and graph.sha(path) == record[0]
            ):
                result.current += 1
            else:
                stale.append((suffix, fmt))
        if stale:
            _check_manifest(folder, target, stale, sources, force, say, graph, stamps, result)
            if folder in result.sources:  # a task
                result.documents[folder] = documents
        if folder not in result.sources:
            fresh = _check(
                folder, base, folder_stat, names, digest, documents, formats, records, stamps, held
            )
            if fresh != check:
                index.put(CHECKS, key, fresh, shared=True)
        elif check is not None:  # a task: its record no longer describes it
            index.put(CHECKS, key, None, shared=True)
        # a stale folder's records are saved when its outputs are published: a failed build
        # leaves out/ as it was
        index.release(folder, save=folder not in result.sources)
    return result


# The shared piece's record of a folder whose outputs were all current (one per list of formats),
# checked before anything else, in a compact form (a no-op build loads every folder's):
#
# * its YAML files' names (one object for the folders with the same names),
# * per output its document suffix, format, block ids and the parts of its stamp besides the
#   sources (``Stamps.context``), as one object for the folders with the same ones,
# * the stats (size, mtime_ns, ctime_ns, inode) of the folder, of its YAML files and of the
#   outputs, in one flat tuple. The folder's stat stands for its list of names (a file added,
#   removed or renamed moves it), so the check lists no folder; the files' are the stats of
#   entries the file index trusts, so that the same stats mean the same hashes, hence the same
#   stamps: while the check holds, so do the outputs' records. Every stat is one taken longer
#   than the racy window after its modification (``fileindex.settled``),
# * when asked for (``hyoka site`` takes them from here): the sources' digest and each output's
#   hash and stamp, as bytes; else None.
Check = tuple[tuple[str, ...], tuple[tuple, ...], tuple[int, ...], tuple | None]


def _settled_stat(folder: Path) -> Stat | None:
    """The folder's stat, when it can stand for its list of names (not modified in the racy window)."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return stat_key(st) if settled(st) else None


def _valid_holds(check: Check, folder: Path, name: str, base: str, stamps: Stamps, held: bool) -> bool:
    """``held``: and the check keeps the outputs' records."""
    try:
        return (not held or check[3] is not None) and _holds(check, folder, name, base, stamps)
    except (TypeError, ValueError, IndexError):  # a record of another shape: the index is a cache
        return False
    except OSError:  # a file gone (or worse): the full check says what
        return False


def _holds(check: Check, folder: Path, name: str, base: str, stamps: Stamps) -> bool:
    """Whether nothing the folder's outputs were checked against has changed since (any doubt:
    no, and the full check runs)."""
    names, outputs, stats, _ = check
    now = list(stat_key(os.stat(folder)))
    if now != list(stats[:4]):  # a file added, removed or renamed: the names are not the checked ones
        return False
    sources = f"{folder}{os.sep}"
    for source in names:
        now += stat_key(os.stat(sources + source))
    base += os.sep
    last = blocks = None
    for suffix, fmt, block_ids, context in outputs:
        now += stat_key(os.stat(base + output_name(name, fmt, suffix)))
        if block_ids is not last:  # a folder's outputs share one list (one object when loaded)
            last, blocks = block_ids, stamps.context(fmt, folder, block_ids)
        if blocks is None or context != (stamps.format(fmt), blocks[1]):
            return False
    return tuple(now) == stats


def _held(check: Check, name: str, base: str) -> Iterator[tuple[str, Stamp]]:
    """The outputs' records in a check that holds (taken with ``held``)."""
    _, outputs, _, records = check
    assert records is not None
    digest, hashes = records
    digest = digest.hex()
    for (suffix, fmt, block_ids, _), (sha, stamp) in zip(outputs, hashes, strict=True):
        yield base + os.sep + output_name(name, fmt, suffix), (sha.hex(), stamp.hex(), block_ids, digest)


def _check(
    folder: Path,
    base: str,
    folder_stat: Stat | None,
    names: list[str],
    digest: str,
    documents: tuple[str, ...],
    formats: list[str],
    records: dict[str, Stamp],
    stamps: Stamps,
    held: bool,
) -> Check | None:
    """The folder's record for ``_holds``, when its outputs were all found current and every
    stat in it is one the file index trusts (else None: the full check runs next time)."""
    index = stamps.graph.index
    assert index is not None
    if folder_stat is None:
        return None
    stats = list(folder_stat)
    for name in names:
        stat = index.trusted_stat(os.path.join(str(folder), name))
        if stat is None:
            return None
        stats += stat
    outputs, hashes = [], []
    for suffix, fmt in ((s, f) for s in documents for f in formats):
        path = os.path.join(base, output_name(folder.name, fmt, suffix))
        record = records.get(path)
        stat = index.trusted_stat(path)
        if record is None or stat is None or record[3] != digest:
            return None
        context = stamps.context(fmt, folder, record[2])
        if context is None:
            return None
        stats += stat
        outputs.append((suffix, fmt, stamps.one(record[2]), stamps.one(context)))
        hashes.append((bytes.fromhex(record[0]), bytes.fromhex(record[1])))
    kept = (bytes.fromhex(digest), tuple(hashes)) if held else None
    return stamps.one(tuple(names)), stamps.one(tuple(outputs)), tuple(stats), kept


def relinked(index: FileIndex, out: Path, moved: dict[str, tuple[Stat, Stat]]) -> None:
    """Outputs in ``out`` were linked elsewhere, their content unchanged (path → stat before and
    now, ``FileIndex.relinked``): the folder checks that hold their old stats take the new ones,
    so that the next build's checks still hold (the stat maps to the same hash as before)."""
    if not moved:
        return
    out_abs = os.path.abspath(out)
    for key, check in list(index.section(CHECKS, shared=True).items()):
        try:
            updated = _restat(check, os.path.join(out_abs, os.path.basename(key.split("\0")[0])), moved)
        except (TypeError, ValueError, IndexError):  # a record of another shape: the next build replaces it
            continue
        if updated is not None:
            index.put(CHECKS, key, updated, shared=True)


def _restat(check: Check, base: str, moved: dict[str, tuple[Stat, Stat]]) -> Check | None:
    names, outputs, stats, records = check
    name = os.path.basename(base)
    now = list(stats)
    at = 4 + 4 * len(names)  # the outputs' stats follow the folder's and the YAML files'
    for suffix, fmt, _, _ in outputs:
        change = moved.get(os.path.join(base, output_name(name, fmt, suffix)))
        if change is not None and tuple(now[at : at + 4]) == change[0]:
            now[at : at + 4] = change[1]
        at += 4
    return None if now == list(stats) else (names, outputs, tuple(now), records)


def _documents(folder: Path, digest: str, index: FileIndex) -> tuple[str, ...]:
    """The folder's documents (their output-name suffixes, ``generator.documents``): a function of
    its YAML files' names, so the same as recorded while its sources digest is (a no-op build
    does not import the form definitions to find them)."""
    key = os.path.abspath(folder)
    record = index.section(DOCUMENTS).get(key)
    if record is not None and record[0] == digest:
        return record[1]
    from ..documents import suffixes

    found = tuple(suffixes(folder))
    index.put(DOCUMENTS, key, (digest, found))
    return found


def _check_manifest(
    folder: Path,
    target: Path,
    formats: list[tuple[str, str]],  # (document suffix, format)
    sources: dict[str, str],
    force: bool,
    say: Callable[[str], None],
    graph: Graph,
    stamps: Stamps,
    result: Plan,
) -> None:
    """The outputs whose stamps did not hold, checked against the manifest by content (a touched
    file, or another version of a block edited, leaves an output current)."""
    from .. import manifest  # only when a stamp did not hold: a no-op build skips its imports
    from ..output import output_dir

    target = output_dir(target.parent, folder.name)
    names = [output_name(folder.name, fmt, suffix) for suffix, fmt in formats]
    for leftover in manifest.remove_leftovers(target, names):
        say(f"前回中断したビルドの一時ファイルを削除しました: {leftover}")
    entries = {} if force else manifest.load(target)
    refreshed = {}
    stale = []
    digest = stamps.sources_digest(sources)
    for (suffix, fmt), name in zip(formats, names, strict=True):
        entry = entries.get(name)  # none under --force: nothing to hash for it
        if entry is not None:
            static = graph.static_inputs(folder, fmt, sources)
            entry = manifest.current(folder, fmt, target / name, entry, static, graph)
        if entry is None:
            stale.append((suffix, fmt))
            continue
        result.current += 1
        if entry.blocks != entries[name].blocks:  # a block file changed, not the versions used
            refreshed[name] = entry
        block_ids = tuple(b.id for b in entry.blocks)
        stamp = stamps.stamp(fmt, folder, digest, block_ids)
        if stamp is not None:
            path = os.path.abspath(target / name)
            graph.index.put(STAMPS, path, (entry.sha256, stamp, block_ids, digest))  # type: ignore[union-attr]
    manifest.update(target, refreshed)
    if stale:
        result.tasks.append(Task(folder, target, tuple(stale)))
        result.sources[folder] = {sys.intern(k): v for k, v in sources.items()}  # names recur
        if result.workers is not None:
            result.workers.need(len(result.tasks))


# ---------------------------------------------------------------------------
# The build


@contextlib.contextmanager
def _cycle_collection(paused: bool) -> Iterator[None]:
    """Python's cyclic garbage collector paused (``paused``) or running, as it was again after.
    A one-folder build makes next to no cyclic garbage (none found after a folder is rendered,
    once warm), yet the collector's passes over its young objects took ~8 ms of mihon's build and
    17 of atsugi's; its forked children keep it paused and copy fewer pages for it. A build of
    many folders runs it: the little each folder leaves adds up in a pool worker (N=1000 paused:
    255 MiB a worker; running: ~45)."""
    was = gc.isenabled()
    (gc.disable if paused else gc.enable)()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def run(
    paths: list[Path],
    out: Path,
    formats: list[str],
    quiet: bool = False,
    jobs: int | None = None,
    force: bool = False,
    rules: bool = False,
    held: dict[str, Stamp] | None = None,
    index: FileIndex | None = None,
    documents: dict[Path, tuple[str, ...]] | None = None,
    found: bool = False,
) -> int:
    """``rules``: then write each folder's rules for make (``out/<name>/.hyoka-deps.mk``, see
    ``commands/deps.py``) again from this build's records, as make's rule for the folder asks;
    ``held``: filled with the records of the outputs whose folder checks held (``Plan.held``);
    ``index``: the file index of ``out`` when the caller has it loaded already; ``documents``
    (with ``held``): filled with each folder's documents, their output-name suffixes; ``found``:
    ``paths`` are the assessment folders ``sources.assessment_folders`` gave (``hyoka site``
    has them: not listed and stat'ed again)."""
    source_date_epoch()  # an unusable value fails here, before any work
    # what the plan relies on of assessment_folders' answer (a folder has a name), kept whoever calls
    given = found and all(p.name not in ("", ".", "..") for p in paths)
    folders = paths if given else assessment_folders(paths)
    with _cycle_collection(paused=len(folders) == 1):
        return _run(folders, out, formats, quiet, jobs, force, rules, held, index, documents)


def _run(
    folders: list[Path],
    out: Path,
    formats: list[str],
    quiet: bool,
    jobs: int | None,
    force: bool,
    rules: bool,
    held: dict[str, Stamp] | None,
    index: FileIndex | None,
    documents: dict[Path, tuple[str, ...]] | None,
) -> int:
    _check_names(folders)
    say: Callable[[str], None] = (lambda text: None) if quiet else (lambda text: print(text, flush=True))
    stamps = Stamps(Graph(index or FileIndex(out)))
    jobs = jobs or os.cpu_count() or 1
    workers = _Workers(min(jobs, len(folders)), jobs)  # no idle workers forked
    try:
        todo = plan(folders, out, formats, force, say, stamps, workers, held is not None)
        if held is not None:
            held.update(todo.held)
        if documents is not None:
            documents.update(todo.found)
        written = _build(todo, out, quiet, workers, stamps) if todo.tasks else 0
    finally:
        workers.close()
    index = stamps.graph.index
    assert index is not None
    if rules:
        from .deps import write_rules

        write_rules(folders, out, formats, index)
    index.save()  # entries hashed again (a touched file) are not hashed a third time
    if not todo.tasks:
        say(f"すべて最新です（{todo.current} ファイル）。書き出したファイルはありません。")
        return 0
    if todo.current:
        say(f"{written} ファイルを書き出しました（{todo.current} ファイルは最新のためそのままです）。")
    return 0


def _build(todo: Plan, out: Path, quiet: bool, workers: _Workers, stamps: Stamps) -> int:
    """Render the stale folders and publish their outputs when none has errors; the count of
    files written."""
    from ..progress import progress

    if any(fmt == "pdf" for t in todo.tasks for _, fmt in t.formats):
        from ..pdf import soffice_path

        soffice_path()  # fail before any work when LibreOffice is missing

    results: list[Rendered] = []
    # output folders that do not exist yet: made for the temp files, removed again if left empty
    fresh = [out / t.folder.name for t in todo.tasks if not (out / t.folder.name).exists()]
    syncing = _Syncer(threads=len(todo.tasks) > 1)
    try:
        with progress(len(todo.tasks), quiet) as shown:
            shared: dict = {}
            for task, result in zip(todo.tasks, workers.rendered(todo.tasks), strict=True):
                results.append(_small(result, task, shared))
                syncing.add(temp for temp, _ in result.outputs.values())
                shown.done(result.folder.name)
            reporter = _diagnostics(results)
            reporter.print()
            reporter.raise_if_errors()
            syncing.wait()  # every output on disk before any replaces its old file
            written = _publish(results, todo, out, stamps, shown.line)
    except BaseException:  # an interrupt between a folder's rendering and its result kept here
        from ..output import temp_files

        workers.close()  # no worker writes a temp file after they are deleted

        for task in todo.tasks:
            names = [output_name(task.folder.name, fmt, suffix) for suffix, fmt in task.formats]
            for leftover in temp_files(task.target, names):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        syncing.stop()  # its threads end on an error too (a later build in this process forks)
        for result in results:  # what was not published (an error, an interrupt)
            for temp, _ in result.outputs.values():
                Path(temp).unlink(missing_ok=True)
        for folder in fresh:
            with contextlib.suppress(OSError):  # not empty: something was published there
                folder.rmdir()
    return written


class _Syncer:
    """fsync of the workers' temp files in threads, overlapping the rendering (an fsync waits on
    the disk, 5–20 ms a file here, and would otherwise hold a worker). Plain threads and a queue:
    concurrent.futures would bring logging with it, 5 ms of every build's start. ``threading``
    is imported with the first file (a build with nothing to write does without it: 1 ms).

    Without ``threads`` (a build of one folder: its files come all at once, after it is
    rendered, and are waited for at once) the files are synced in ``wait``, in the building
    thread: no later on the wall clock (mihon, A/B of 40 fresh builds each), with less CPU
    and without importing threading (1.5 ms); none is synced when the build fails first."""

    def __init__(self, threads: bool = True) -> None:
        self._queue: _Queue | None = None
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []  # raised in the building thread, the first one
        self._held: list[str] | None = None if threads else []  # synced by wait, without threads

    def add(self, temps: Iterator[str]) -> None:
        if self._held is not None:
            self._held.extend(temps)
            return
        for temp in temps:
            if self._queue is None:
                self._queue, self._threads = _Queue(), []
            self._queue.put(temp)
            if len(self._threads) < 4:  # a thread per file handed in, up to 4: none idle (~0.1 ms each)
                import threading

                thread = threading.Thread(target=self._work, args=(self._queue,), daemon=True)
                self._threads.append(thread)
                thread.start()
        if self._errors:
            raise self._errors[0]

    def _work(self, queue: _Queue) -> None:
        while (path := queue.get()) is not None:
            try:
                _fsync(path)
            except BaseException as exc:  # handed to the building thread
                self._errors.append(exc)

    def wait(self) -> None:
        held = self._held or []
        while held:
            _fsync(held[0])
            del held[0]
        self.stop()
        if self._errors:
            raise self._errors[0]

    def stop(self) -> None:
        """Every file handed in synced, the threads ended (but for a thread whose start was cut
        short: an interrupted build, whose files are deleted); again is a no-op. A thread whose
        ``start`` an interrupt cut short is not joined (``join`` raises on a thread not started:
        Ctrl+C then ended a build as an internal error); if it runs after all, it takes one of
        the end marks, one per thread listed. Files held for ``wait`` are let go unsynced."""
        if self._held:
            self._held.clear()
        if self._queue is not None:
            for _ in self._threads:
                self._queue.put(None)
            for thread in self._threads:
                if thread.is_alive():
                    thread.join()
            self._queue = None  # the threads are ended (kept for a look at them)


class _Queue:
    """``queue.SimpleQueue``'s put and get, from a deque (its appends and pops are thread-safe)
    and a semaphore counting what it holds: the queue module (heapq and four queue classes with
    it) cost 0.6 ms of every build's start."""

    def __init__(self) -> None:
        import threading

        self._items: deque[str | None] = deque()
        self._held = threading.Semaphore(0)

    def put(self, item: str | None) -> None:
        self._items.append(item)
        self._held.release()

    def get(self) -> str | None:
        self._held.acquire()
        return self._items.popleft()


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _small(result: Rendered, task: Task, shared: dict) -> Rendered:
    """The result as the parent keeps it until the end: only the diagnostics a build prints
    (not the acknowledged ones), the task's folder, and the blocks used one object for every
    folder that uses the same ones (``shared``), so that memory hardly grows with the number of
    folders."""
    result.diagnostics = [d for d in result.diagnostics if d.shown()]
    result.folder = task.folder
    key = (tuple(result.block_inputs.items()), tuple(result.block_files))
    result.block_inputs, result.block_files = shared.setdefault(
        key, (result.block_inputs, result.block_files)
    )
    return result


def _publish(
    results: list[Rendered], todo: Plan, out: Path, stamps: Stamps, line: Callable[[str], None]
) -> int:
    """Move the temp files into place in task order; record manifests, hashes and stamps."""
    from .. import manifest
    from ..output import inside, output_dir

    index = stamps.graph.index
    assert index is not None
    written = 0
    for result in results:
        index.focus(result.folder)
        target = output_dir(out, result.folder.name)
        block_ids = tuple(b.id for b in result.block_files)
        block_shas = {b.id: (b.path, b.sha256) for b in result.block_files}
        sources = todo.sources.pop(result.folder)
        digest = stamps.sources_digest(sources)
        index.put(DOCUMENTS, os.path.abspath(result.folder), (digest, todo.documents.pop(result.folder)))
        entries = {}
        for (suffix, fmt), (temp, sha) in list(result.outputs.items()):
            path = inside(out, target / output_name(result.folder.name, fmt, suffix))
            os.replace(temp, path)
            del result.outputs[suffix, fmt]
            written += 1
            static = stamps.graph.static_inputs(result.folder, fmt, sources)
            entries[path.name] = manifest.Entry(fmt, sha, static | result.block_inputs, result.block_files)
            line(f"書き出しました: {path}")
            key = os.path.abspath(path)
            index.wrote(key, sha)
            stamp = stamps.stamp(fmt, result.folder, digest, block_ids, block_shas)
            index.put(STAMPS, key, None if stamp is None else (sha, stamp, block_ids, digest))
        manifest.update(target, entries)
        index.release(result.folder)
    index.save()
    return written


def _diagnostics(results: list[Rendered]) -> Reporter:
    """All workers' diagnostics in folder order; the shared block library's come once, not once
    per assessment."""
    reporter = Reporter()
    seen: set[Diagnostic] = set()
    for result in results:
        for d in result.diagnostics:
            if d not in seen:
                seen.add(d)
                reporter.diagnostics.append(d)
    return reporter


def _check_names(folders: list[Path]) -> None:
    seen: dict[str, Path] = {}
    for folder in folders:
        other = seen.setdefault(folder.name, folder)
        if other != folder:
            raise UsageError(
                f"{other} と {folder} は同じ名前です。出力先 out/{folder.name}/ が重なるので、"
                "フォルダ名を変えてください。"
            )
