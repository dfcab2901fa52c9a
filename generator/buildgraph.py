"""The build's dependency graph: what each output file is made from, as content hashes.

An output ``out/<name>/<name>.<ext>`` depends on

* the assessment's YAML files (``source:<file name>``),
* each shared-text block version it uses (``block:<id>@<version>``, or ``@*`` for a reference
  without a version, which follows the newest),
* the templates of its writer (``template:<format>/<file>``, everything under ``templates/<format>/``),
* the generator itself (``generator``: package version and a hash of the modules that shape
  output bytes) and ``SOURCE_DATE_EPOCH`` (``env:SOURCE_DATE_EPOCH``).

Every value is a content hash, never a file time. Sources, templates and the generator are cheap
to hash without parsing anything; block versions need the block files parsed, so a build records
each block file's hash beside (``BlockFile``) and parses a block file again only when its bytes
changed. ``hyoka deps`` turns the same graph into Makefile rules.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from .records import dataclass
from .sha import sha256_hex
from .shipped import PACKAGE, SHIPPED_BLOCKS, TEMPLATES
from .sources import CITY_BLOCKS, SUFFIXES

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .blocks.library import Library
    from .fileindex import FileIndex
    from .model import Assessment

ROOT = PACKAGE.parent  # resolved once, in shipped.py (a resolve took 0.1 ms)
GENERATOR = ROOT / "generator"

# Modules that never shape an output's bytes: working on the CLI, the site or the build's own
# bookkeeping must not rebuild every document. Everything else under generator/ counts.
_NOT_SHAPING = (
    "cli.py",
    "launch.py",
    "buildgraph.py",
    "manifest.py",
    "plainjson.py",
    "fileindex.py",
    "sha.py",
    "progress.py",
    "cachedir.py",
    "commands/",
    "site/",
)

# Writers whose bytes come from another format's writer (PDF is the XLSX printed by LibreOffice).
_TEMPLATE_FORMAT = {"pdf": "xlsx"}


def file_hash(path: Path) -> str:
    return sha256_hex(path.read_bytes())


# ---------------------------------------------------------------------------
# Inputs that need no parsing


def source_names(folder: Path | str) -> list[str]:
    """The YAML files the reader reads: every non-hidden .yaml/.yml file of the folder."""

    def regular(e: os.DirEntry[str]) -> bool:
        try:
            return e.is_file()
        except OSError:  # a link that loops: the reader names it with its own message
            return True

    with os.scandir(folder) as entries:
        return sorted(
            e.name for e in entries if e.name.endswith(SUFFIXES) and not e.name.startswith(".") and regular(e)
        )


def source_files(folder: Path) -> list[Path]:
    return [folder / name for name in source_names(folder)]


def template_files(fmt: str) -> list[Path]:
    return [TEMPLATES / name for name, _ in _templates(fmt)]


def _templates(fmt: str) -> list[tuple[str, str]]:
    """A format's template files as (name under templates/ with "/", path), in path order: the
    regular files under ``templates/<format>/`` but hidden ones, as ``Path.rglob("*")`` finds
    them (no linked folder followed), listed as strings."""
    root = str(TEMPLATES)
    found = []
    for folder, _, names in os.walk(os.path.join(root, _TEMPLATE_FORMAT.get(fmt, fmt))):
        parts = tuple(os.path.relpath(folder, root).split(os.sep))
        found += [
            (*parts, name)
            for name in names
            if not name.startswith(".") and os.path.isfile(os.path.join(folder, name))
        ]
    return [("/".join(parts), os.path.join(root, *parts)) for parts in sorted(found)]


def generator_files() -> list[Path]:
    """The modules that shape outputs, in path order."""
    return [GENERATOR / name for name, _ in _generator_modules()]


def _generator_modules() -> list[tuple[str, str]]:
    """The modules that shape outputs as (name under generator/ with "/", path), in path order;
    listed with os.scandir and kept as strings, as Path.rglob and Path objects took ~2 ms of every
    build."""
    root = str(GENERATOR)
    found: list[tuple[str, ...]] = []
    folders: list[tuple[tuple[str, ...], str]] = [((), root)]
    while folders:  # os.scandir: what os.walk does (no linked folder followed), at 0.6 the cost
        parts, folder = folders.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:  # unreadable: as os.walk, left out
            continue
        for entry in entries:
            if _is_dir(entry):
                if entry.name != "__pycache__" and not entry.is_symlink():
                    folders.append(((*parts, entry.name), entry.path))
            elif entry.name.endswith(".py"):
                found.append((*parts, entry.name))
    modules = []
    for parts in sorted(found):  # as the parts compare, so as Path.rglob's paths sort
        name = "/".join(parts)
        if not name.startswith(_NOT_SHAPING):
            modules.append((name, os.path.join(root, *parts)))
    return modules


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # as os.walk: a name it cannot tell is no folder
        return False


@cache
def generator_fingerprint() -> str:
    return Graph().generator_fingerprint()


@cache
def template_hashes(fmt: str) -> tuple[tuple[str, str], ...]:
    return Graph().template_hashes(fmt)


def static_inputs(folder: Path, fmt: str) -> dict[str, str]:
    """Every input of ``folder``'s ``fmt`` output except the blocks: hashes without parsing."""
    return Graph().static_inputs(folder, fmt)


class Graph:
    """The inputs of one run's outputs, each file listed, stat'ed and hashed once however many
    outputs share it; through ``index`` (``generator.fileindex``), a file whose stat did not
    change since an earlier run is not read at all."""

    def __init__(self, index: FileIndex | None = None) -> None:
        self.index = index
        self._hashes: dict[str, str | None] = {}
        self._templates: dict[str, tuple[tuple[str, str], ...]] = {}
        self._fingerprint: str | None = None
        self._located: dict[tuple[str, str], str | None] = {}
        self._blocks: dict[tuple[str, str], object] = {}
        self._roots: dict[Path, Path] = {}

    def sha(self, path: Path | str) -> str | None:
        """The content hash of a regular file; None when there is none."""
        key = str(path)
        if self.index is not None:
            return self.index.sha(key)
        if key not in self._hashes:
            try:
                self._hashes[key] = file_hash(Path(key)) if os.path.isfile(key) else None
            except FileNotFoundError:
                self._hashes[key] = None
        return self._hashes[key]

    def hash(self, path: Path | str) -> str:
        """As ``sha``, for a file that must be there."""
        sha = self.sha(path)
        if sha is None:
            raise FileNotFoundError(path)
        return sha

    def generator_fingerprint(self) -> str:
        if self._fingerprint is None:
            from . import __version__ as package

            sha = self.hash
            text = "".join(f"{name}\0{sha(path)}\0" for name, path in _generator_modules())
            self._fingerprint = f"{package}+{sha256_hex(text.encode())[:16]}"
        return self._fingerprint

    def template_hashes(self, fmt: str) -> tuple[tuple[str, str], ...]:
        if fmt not in self._templates:
            self._templates[fmt] = tuple(
                (f"template:{name}", self.hash(path)) for name, path in _templates(fmt)
            )
        return self._templates[fmt]

    def source_inputs(self, folder: Path, names: list[str] | None = None) -> dict[str, str]:
        base = str(folder)
        names = source_names(folder) if names is None else names
        if self.index is not None:  # the index straight: a no-op build does this for every file
            sha = self.index.sha
            found = {f"source:{name}": sha(os.path.join(base, name)) for name in names}
            if None not in found.values():
                return found  # type: ignore[return-value]
        return {f"source:{name}": self.hash(os.path.join(base, name)) for name in names}

    def static_inputs(self, folder: Path, fmt: str, sources: dict[str, str] | None = None) -> dict[str, str]:
        """Every input of ``folder``'s ``fmt`` output except the blocks: hashes without parsing."""
        inputs = dict(self.source_inputs(folder) if sources is None else sources)
        inputs.update(self.template_hashes(fmt))
        inputs["generator"] = self.generator_fingerprint()
        inputs["env:SOURCE_DATE_EPOCH"] = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        return inputs

    def root_of(self, folder: Path) -> Path:
        """The sources root of an assessment folder (``blocks.library.sources_root``), the
        parent resolved once for all its folders."""
        parent = self._roots.get(folder.parent)
        if parent is None:
            parent = self._roots[folder.parent] = folder.parent.resolve()
        if os.path.islink(folder):
            return folder.resolve().parent
        return parent

    def locate(self, block_id: str, root: Path) -> str | None:
        """The file a block is read from (``locate_block``), looked up once per run."""
        key = (block_id, str(root))
        if key not in self._located:
            self._located[key] = next(
                (str(p) for p in block_candidates(block_id, root) if self.exists(p)), None
            )
        return self._located[key]

    def exists(self, path: Path | str) -> bool:
        """Whether ``path`` is a regular file."""
        if self.index is not None:
            return self.index.exists(str(path))
        return os.path.isfile(path)

    def block(self, block_id: str, path: str):  # noqa: ANN201 - generator.blocks is imported only when needed
        """The block in ``path`` as its current bytes give it (parsed once per run and content)."""
        key = (path, self.hash(path))
        if key not in self._blocks:
            from .blocks.library import load_block
            from .diagnostics import Reporter

            self._blocks[key] = load_block(
                block_id, Path(path), SHIPPED_BLOCKS not in Path(path).parents, Reporter()
            )
        return self._blocks[key]


# ---------------------------------------------------------------------------
# Blocks (generator.blocks): block@version → the file it is read from


@dataclass(frozen=True)
class BlockFile:
    """A block file as a build read it: where, and the hash of its bytes."""

    id: str
    path: str
    sha256: str


def block_key(block_id: str, version: str | None) -> str:
    return f"block:{block_id}@{version or '*'}"


def block_candidates(block_id: str, sources_root: Path) -> list[Path]:
    """Where the library looks for a block, first match wins: the city's blocks, then shipped."""
    return [
        root / f"{block_id}{suffix}"
        for root in (sources_root / CITY_BLOCKS, SHIPPED_BLOCKS)
        for suffix in SUFFIXES
    ]


def locate_block(block_id: str, sources_root: Path) -> Path | None:
    return next((p for p in block_candidates(block_id, sources_root) if p.is_file()), None)


def used_blocks(
    assessment: Assessment, library: Library | None = None, further: Sequence[Assessment] = ()
) -> tuple[dict[str, str], list[BlockFile]]:
    """Inputs from the blocks an assessment uses (``block:id@version`` → version and content
    hash) and the block files read, from generator.blocks' usage records; ``library``: the one
    its references were resolved from (else it is loaded again); ``further``: the folder's other
    documents (a paired 基礎 references blocks of its own)."""
    from .blocks.library import sources_root
    from .blocks.usage import references

    if library is None:
        library = _library(sources_root(assessment.folder))
    inputs: dict[str, str] = {}
    files: dict[str, BlockFile] = {}
    for each in (assessment, *further):
        for used in references(each, library):
            key = block_key(used.id, used.version if used.pinned else None)
            inputs[key] = f"{used.version}:{used.digest}"
            path = used.block_file
            files[used.id] = BlockFile(used.id, str(path), file_hash(path))
    return inputs, sorted(files.values(), key=lambda f: f.id)


@cache
def _library(root: Path):  # noqa: ANN202 - generator.blocks is imported only when blocks are needed
    from .blocks.library import load_library
    from .diagnostics import Reporter

    # a build reports the library's problems through load_all; here they were seen already
    return load_library(root, Reporter(), lazy=True)


def current_block_inputs(
    recorded: dict[str, str], files: list[BlockFile], folder: Path, graph: Graph | None = None
) -> tuple[dict[str, str], list[BlockFile]] | None:
    """The current value of each recorded ``block:`` input, with the block files as now read;
    None when a block or version is gone (the build then reports it).

    A block file whose bytes and place are unchanged gives its recorded values back unparsed;
    only a changed file is parsed, so that editing one version leaves the other versions' users
    alone."""
    graph = graph or Graph()
    root = graph.root_of(folder)
    by_id = {f.id: f for f in files}
    keys = sorted(k for k in recorded if k.startswith("block:"))
    current = dict(recorded)
    now: dict[str, BlockFile] = {}
    for key in keys:
        block_id = key.removeprefix("block:").rpartition("@")[0]
        if block_id in now:
            continue
        path = graph.locate(block_id, root)
        sha = path and graph.sha(path)
        if not path or not sha:
            return None
        now[block_id] = BlockFile(block_id, path, sha)
    changed = {i for i, f in now.items() if by_id.get(i) != f}
    for key in keys:
        block_id, _, version = key.removeprefix("block:").rpartition("@")
        if block_id not in changed:
            continue
        # parse only the changed blocks' files, through the library's own reader
        block = graph.block(block_id, now[block_id].path)
        found = block and (block.newest if version == "*" else block.version(version))
        if not found:
            return None
        current[key] = f"{found.version}:{found.digest}"
    return current, sorted(now.values(), key=lambda f: f.id)


def all_block_files(folder: Path) -> list[Path]:
    """Every block file an assessment could use (for an assessment whose references are unknown)."""
    files = []
    for root in (folder.resolve().parent / CITY_BLOCKS, SHIPPED_BLOCKS):
        if root.is_dir():
            files.extend(sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
    return files
