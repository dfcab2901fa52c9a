"""The block library: block files, their versions, lookup by id.

A block file is ``<root>/<id>.yaml``; the id may contain 「/」 (``chukan-platform/hokan``). Shipped
blocks live in ``templates/blocks``; a city's own in ``<sources root>/blocks`` (the folder that
holds the assessment folders), and a city block with a shipped id replaces the shipped one.

Versions are dated revisions of one text; the newest is the one with the latest effective date.
A wording that differs between cities at the same time is a separate id, not a version.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from pathlib import Path

from ..diagnostics import Location, Reporter, in_rule_scope
from ..reader import suggest
from ..records import dataclass, field
from ..sha import sha256_hex
from ..shipped import SHIPPED_BLOCKS
from ..sources import CITY_BLOCKS, SUFFIXES
from ..yamlsource import SourceFileError, YMap, YNode, YScalar, YSeq, load, read_source

SHIPPED = SHIPPED_BLOCKS

_TOP_KEYS = ("title", "where", "params", "versions")
_VERSION_KEYS = ("version", "effective", "note", "text")


@dataclass(frozen=True)
class BlockVersion:
    version: str
    effective: datetime.date
    note: str
    text: str
    loc: Location  # the version's entry in the block file
    text_line: int  # line of the text's first line in the block file

    @property
    def digest(self) -> str:
        """Content hash of the text: what a build depending on block@version must watch."""
        return sha256_hex(self.text.encode("utf-8"))


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    where: str
    params: dict[str, str]  # name → description, in file order
    versions: tuple[BlockVersion, ...]  # newest first
    path: Path
    city: bool  # from the sources' own blocks folder

    @property
    def newest(self) -> BlockVersion:
        return self.versions[0]

    def version(self, name: str) -> BlockVersion | None:
        return next((v for v in self.versions if v.version == name), None)

    def describe_versions(self) -> str:
        """「2025-08（2025-08-04 から、最新）、2017-06（2017-06-01 から）」."""
        parts = []
        for i, v in enumerate(self.versions):
            latest = "、最新" if i == 0 else ""
            parts.append(f"{v.version}（{v.effective.isoformat()} から{latest}）")
        return "、".join(parts)

    def describe_params(self) -> str:
        if not self.params:
            return "ありません"
        return "、".join(f"{k}（{d}）" if d else k for k, d in self.params.items())


@dataclass
class Library:
    blocks: dict[str, Block] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # ids whose file has errors (already reported)
    # a lazy library's files not read yet (id → path, city's): read, and their problems reported
    # to ``reporter``, when first asked for
    pending: dict[str, tuple[Path, bool]] = field(default_factory=dict)
    reporter: Reporter = field(default_factory=Reporter)
    # a lazy library's folders (folder, city's), listed into ``pending`` when a block is first
    # asked for: a document that uses none does without listing them (~0.8 ms)
    unlisted: list[tuple[Path, bool]] = field(default_factory=list)

    def get(self, block_id: str) -> Block | None:
        if self.unlisted:
            self._list()
        key = unicodedata.normalize("NFC", block_id.strip())
        if key in self.pending:
            self._read(key)
        return self.blocks.get(key)

    def _read(self, block_id: str) -> None:
        path, city = self.pending.pop(block_id)
        block = load_block(block_id, path, city, self.reporter)
        if block is None:
            self.broken.add(block_id)
        else:
            self.blocks[block_id] = block

    def _list(self) -> None:
        roots, self.unlisted = self.unlisted, []
        for root, city in roots:
            for block_id, path in block_files(root).items():
                self.pending[block_id] = (path, city)  # the city's file replaces the shipped one

    def ids(self) -> list[str]:
        if self.unlisted:
            self._list()
        for block_id in list(self.pending):  # only for hints: a broken file is no usable id
            self._read(block_id)
        return sorted(self.blocks)

    def suggest(self, block_id: str) -> str:
        return suggest(block_id, self.ids())


def sources_root(assessment_folder: Path) -> Path:
    """The folder holding the assessment folders; its ``blocks/`` holds the city's blocks."""
    return assessment_folder.resolve().parent


def block_files(root: Path) -> dict[str, Path]:
    """Block files under ``root`` by id (path without suffix, 「/」 between folders), in path
    order; hidden files and folders are left out, a linked folder is not followed (as rglob)."""
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    files: list[tuple[tuple[str, ...], Path]] = []
    folders: list[tuple[tuple[str, ...], Path]] = [((), root)]
    while folders:  # os.scandir: one call a folder, where rglob and is_file stat every entry
        parts, folder = folders.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(((*parts, name), folder / name))
            elif name.endswith(SUFFIXES) and _is_file(entry):
                files.append(((*parts, name), folder / name))
    for parts, path in sorted(files):
        stem = parts[-1][: parts[-1].rfind(".")]
        found[unicodedata.normalize("NFC", "/".join((*parts[:-1], stem)))] = path
    return found


def _is_file(entry: os.DirEntry[str]) -> bool:
    # a link's target as Path.is_file sees it: a dangling link or a loop is no file, not an error
    return Path(entry.path).is_file() if entry.is_symlink() else entry.is_file(follow_symlinks=False)


def load_library(
    sources: Path | None, reporter: Reporter, shipped: Path | None = None, *, lazy: bool = False
) -> Library:
    """Shipped blocks (``templates/blocks`` unless given), then the city's from
    ``<sources>/blocks``, overriding by id.

    Every file is read and checked now, unless ``lazy``: then the folders are listed when a block
    is first asked for and a block's file is read when it is, so a build reads the few dozen
    blocks it uses, not all of them (and reports the problems of those files only), and lists
    none for a document that uses none."""
    library = Library(reporter=reporter)
    roots: list[tuple[Path, bool]] = [(shipped or SHIPPED, False)]
    if sources is not None:
        roots.append((sources / CITY_BLOCKS, True))
    if lazy:
        library.unlisted = roots
        return library
    for root, city in roots:
        for block_id, path in block_files(root).items():
            block = load_block(block_id, path, city, reporter)
            if block is None:
                library.broken.add(block_id)
                library.blocks.pop(block_id, None)
            else:
                library.broken.discard(block_id)
                library.blocks[block_id] = block
    return library


# Block files read before in this process, by their content: a build worker renders many
# assessments, which use mostly the same blocks; each file is parsed and checked once, its
# problems reported again to every reporter that asks for it.
_READ: dict[tuple[str, str, bool, str, bytes], tuple[Block | None, Reporter]] = {}
_READ_MAX = 256  # files (the shipped library: about 100)


@in_rule_scope("B")  # 共通記載ブロック (README「検査」)
def load_block(block_id: str, path: Path, city: bool, reporter: Reporter) -> Block | None:
    """One block file, every problem reported at its line; None when it cannot be used."""
    try:
        data = read_source(path)
    except SourceFileError:
        data = None  # reported by the reader below, which reads it again
    key = (block_id, str(path), city, os.getcwd(), data) if data is not None else None
    found = _READ.get(key) if key is not None else None
    if found is None:
        local = Reporter()
        block = _BlockReader(block_id, path, city, local).read(data)
        found = (None if local.errors else block, local)
        if key is not None:
            if len(_READ) >= _READ_MAX:
                _READ.clear()
            _READ[key] = found
    reporter.extend(found[1])
    return found[0]


class _BlockReader:
    def __init__(self, block_id: str, path: Path, city: bool, reporter: Reporter) -> None:
        self.id = block_id
        self.path = path
        self.city = city
        self.reporter = reporter
        self.where = f"共通記載ブロック「{block_id}」"
        self._data: bytes | None = None  # the file as read for parsing
        self._lines: list[str] | None = None

    def error(self, loc: Location, message: str) -> None:
        self.reporter.error(loc, self.where, message)

    def read(self, data: bytes | None = None) -> Block | None:
        self._data = data
        root = load(self.path, self.reporter, data=data)
        if root is None:
            return None
        if not isinstance(root, YMap):
            self.error(
                root.loc, "ブロックのファイルには title、versions などの「項目名: 値」を書いてください。"
            )
            return None
        for key, (loc, _) in root.items.items():
            if key not in _TOP_KEYS:
                self.error(
                    loc,
                    f"「{key}」はブロックのファイルに書ける項目ではありません。{suggest(key, _TOP_KEYS)}"
                    f" 書ける項目: {'、'.join(_TOP_KEYS)}",
                )
        title = self.scalar(root, "title", required=True)
        where = self.scalar(root, "where") or ""
        params = self.params(root)
        versions = self.versions(root, params)
        if title is None or versions is None:
            return None
        return Block(self.id, title, where, params, versions, self.path, self.city)

    def scalar(self, ymap: YMap, key: str, required: bool = False) -> str | None:
        if key not in ymap.items:
            if required:
                self.error(ymap.loc, f"「{key}」がありません。")
            return None
        node = ymap.items[key][1]
        if isinstance(node, YScalar) and not node.is_null and node.text.strip():
            return node.text.strip() if key != "text" else node.text
        self.error(node.loc, f"「{key}」には文字列を 1 つ書いてください。")
        return None

    def params(self, root: YMap) -> dict[str, str]:
        if "params" not in root.items:
            return {}
        node = root.items["params"][1]
        if isinstance(node, YScalar) and node.is_null:
            return {}
        if not isinstance(node, YMap):
            self.error(node.loc, "params には「パラメータ名: 説明」の組を書いてください。")
            return {}
        result: dict[str, str] = {}
        for name, (loc, value) in node.items.items():
            if not name.isidentifier():
                self.error(
                    loc,
                    f"パラメータ名「{name}」は使えません。空白や記号を含まない名前にしてください（例: 団体）。",
                )
                continue
            result[name] = value.text.strip() if isinstance(value, YScalar) and not value.is_null else ""
        return result

    def versions(self, root: YMap, params: dict[str, str]) -> tuple[BlockVersion, ...] | None:
        if "versions" not in root.items:
            self.error(
                root.loc,
                "「versions」がありません。版（version、effective、text）を 1 つ以上書いてください。",
            )
            return None
        node = root.items["versions"][1]
        if not isinstance(node, YSeq) or not node.items:
            self.error(node.loc, "versions は「- version: …」で始まる版のリストで書いてください。")
            return None
        result: list[BlockVersion] = []
        for entry in node.items:
            v = self.version(entry, params)
            if v is None:
                continue
            clash = next((o for o in result if o.version == v.version), None)
            if clash is not None:
                self.error(v.loc, f"版「{v.version}」が 2 回書かれています（最初は {clash.loc.line} 行目）。")
                continue
            same_day = next((o for o in result if o.effective == v.effective), None)
            if same_day is not None:
                self.error(
                    v.loc,
                    f"版「{v.version}」と版「{same_day.version}」の effective が同じ日です。どちらが最新か決まらないので、"
                    "日付を分けてください（同時期の別の文言なら別のブロック ID にします）。",
                )
                continue
            result.append(v)
        if len(result) != len(node.items):
            return None
        return tuple(sorted(result, key=lambda v: v.effective, reverse=True))

    def version(self, entry: YNode, params: dict[str, str]) -> BlockVersion | None:
        if not isinstance(entry, YMap):
            self.error(
                entry.loc, "各版は version、effective、note、text の「項目名: 値」の組で書いてください。"
            )
            return None
        for key, (loc, _) in entry.items.items():
            if key not in _VERSION_KEYS:
                self.error(
                    loc,
                    f"「{key}」は版に書ける項目ではありません。{suggest(key, _VERSION_KEYS)} 書ける項目: {'、'.join(_VERSION_KEYS)}",
                )
        name = self.scalar(entry, "version", required=True)
        effective = self.effective(entry)
        note = self.scalar(entry, "note") or ""
        text = self.scalar(entry, "text", required=True)
        if name is None or effective is None or text is None:
            return None
        text_node = entry.items["text"][1]
        # a block scalar (「|」) starts on the line after its indicator
        block_scalar = text_node.loc.line != entry.items["text"][0].line or self._is_block_scalar(text_node)
        text_line = text_node.loc.line + (1 if block_scalar else 0)
        version = BlockVersion(name, effective, note, text, entry.loc, text_line)
        return version if self.template_ok(version, params) else None

    def _is_block_scalar(self, node: YNode) -> bool:
        try:
            if self._lines is None:  # the bytes parsed (decoded already once), not a second read
                text = (
                    self._data.decode("utf-8")
                    if self._data is not None
                    else self.path.read_text(encoding="utf-8")
                )
                self._lines = text.splitlines()
            line = self._lines[node.loc.line - 1]
        except (OSError, IndexError, UnicodeDecodeError):
            return False
        return line[node.loc.column - 1 : node.loc.column].strip() in ("|", ">")

    def effective(self, entry: YMap) -> datetime.date | None:
        if "effective" not in entry.items:
            self.error(entry.loc, "「effective」（この版が効力を持った日、例: 2025-08-04）がありません。")
            return None
        node = entry.items["effective"][1]
        text = node.text.strip() if isinstance(node, YScalar) else ""
        try:
            return datetime.date.fromisoformat(unicodedata.normalize("NFKC", text))
        except ValueError:
            self.error(
                node.loc, f"effective「{text}」は日付として読めません。2025-08-04 のように書いてください。"
            )
            return None

    def template_ok(self, v: BlockVersion, params: dict[str, str]) -> bool:
        from . import render  # here: a build whose assessments use no block reads none (0.4 ms)

        try:
            used = render.variables(v.text)
            undeclared = sorted(used - set(params))
            if undeclared:
                names = "、".join(f"{{{{ {n} }}}}" for n in undeclared)
                self.error(
                    Location(v.loc.file, v.text_line + _line_of_name(v.text, undeclared[0]), 1),
                    f"版「{v.version}」の本文で使う {names} が params に宣言されていません。"
                    "params に名前と説明を書いてください。",
                )
                return False
            # a trial render with the names as values: sandbox violations and bad filters show
            # here, at the block file, not first in some assessment
            render.render(v.text, {name: name for name in params})
        except render.RenderError as exc:
            line = v.text_line + exc.line - 1 if exc.line else v.text_line
            self.error(Location(v.loc.file, line, 1), f"版「{v.version}」の本文は{exc}。")
            return False
        return True


def _line_of_name(text: str, name: str) -> int:
    """0-based line of the first ``{{ … name … }}`` in a block text (0 when not found)."""
    pattern = re.compile(r"\{[{%][^}]*(?<![\w.])" + re.escape(name) + r"(?!\w)")
    return next((i for i, line in enumerate(text.split("\n")) if pattern.search(line)), 0)
