"""YAML with positions: every mapping key and value keeps its file, line and column.

A file is read by ``yamlblock`` (block-style YAML, the sources' kind, without importing PyYAML) or,
where that declines, by PyYAML's safe parser (the events of ``CSafeLoader``/``SafeLoader``), to the
same tree: no Python objects, no custom tags. Scalars keep their source text, so ``15`` stays
「15」 and a date stays as written. ``yaml`` is imported only when PyYAML reads a file.

A source file is untrusted input: it is read only when it is a regular file of bounded size, and
the tree is built without recursion under limits of depth, node count and alias expansion, each
refusal naming the file and the limit.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from pathlib import Path

from .diagnostics import Location, Reporter, display_path, in_rule_scope
from .records import dataclass, field

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import NoReturn

    import yaml
    from yaml._yaml import Mark as _CMark

    _Mark = yaml.Mark | _CMark | None  # the Python parser's or libyaml's


@functools.cache
def safe_loader() -> type:
    """libyaml's safe loader where PyYAML has it: it composes ~15× faster than the pure-Python
    one, with the same marks."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Limits of one source file, far above any assessment (the largest example file: 90 KB, 1,300
# nodes, 6 levels), so that a hostile or broken file is refused with a message in well under a
# second instead of hanging or exhausting memory.
MAX_BYTES = 4 * 1024 * 1024
MAX_NODES = 20_000  # scalars, lists and mappings, aliases counted with their whole subtree
MAX_FOLDER_NODES = 60_000  # of all files of one assessment folder (see Budget; examples: ≤ 2,733)
MAX_DEPTH = 64
MAX_ALIASES = 10_000
MAX_KEY = 200  # characters of a key (the longest item name of the forms: under 60)
_REPARSE_LIMIT = 256 * 1024  # re-parse a broken file with the (slow) Python parser up to this size


@dataclass
class YNode:
    loc: Location


@dataclass
class YScalar(YNode):
    text: str  # the scalar's source text (for block scalars: the content)
    tag: str  # resolved YAML tag (str, int, bool, null, timestamp, float)

    @property
    def is_null(self) -> bool:
        return self.tag.endswith(":null")


@dataclass
class YSeq(YNode):
    items: list[YNode] = field(default_factory=list)


@dataclass
class YMap(YNode):
    # key → (location of the key, value node); insertion order is the file's order
    items: dict[str, tuple[Location, YNode]] = field(default_factory=dict)


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def scalar_bool(node: YScalar) -> bool | None:
    if node.tag.endswith(":bool"):
        return _BOOL[node.text.lower()]
    return None


@dataclass
class Budget:
    """Nodes left for the files read together (one assessment folder), so that many files each
    under the limit of one file cannot add up to minutes of work."""

    nodes: int = MAX_FOLDER_NODES


@in_rule_scope("Y")  # YAML の書き方 (README「検査」)
def load(
    path: Path, reporter: Reporter, budget: Budget | None = None, *, data: bytes | None = None
) -> YNode | None:
    """Compose one YAML file; syntax errors, duplicate keys and refused input go to the reporter.
    ``data``: the file's bytes when the caller has read them already (with ``read_source``)."""
    shown = display_path(path)
    try:
        text = (read_source(path) if data is None else data).decode("utf-8")
    except SourceFileError as exc:
        reporter.error(Location(shown, 1, 1), "", str(exc))
        return None
    except UnicodeDecodeError as exc:
        reporter.error(
            Location(shown, 1, 1), "", f"UTF-8 として読めません（{exc.reason}）。UTF-8 で保存してください。"
        )
        return None
    return load_text(text, shown, reporter, budget)


def load_text(
    text: str, shown: str, reporter: Reporter, budget: Budget | None = None, *, loader: type | None = None
) -> YNode | None:
    """Compose YAML text read from ``shown`` (the file name used in messages). ``loader``: a PyYAML
    loader to read with; by default ``yamlblock``, and where it declines libyaml's where PyYAML has
    it (the pure-Python one gives the same tree and messages: tests run all three)."""
    # A leading BOM is not content; libyaml would skip a second one as an encoding mark and shift
    # the columns of the first line, the Python parser would make it part of the first key.
    text = text.removeprefix("\ufeff")
    budget = budget or Budget()
    if loader is None:
        from .yamlblock import Declined, read

        try:  # over a node limit: declined, and reported as PyYAML's path reports it
            root, nodes = read(text, shown, min(MAX_NODES, budget.nodes))
        except Declined:
            loader = safe_loader()
        else:
            budget.nodes -= nodes
            return _document(root, shown)
    import yaml

    try:
        root = _compose(text, shown, reporter, budget, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and (
            any(e in (exc.problem or "") for e in ("end of stream", "<stream end>"))
            or (exc.problem_mark is not None and exc.problem_mark.index >= len(text))  # libyaml's words
        ):
            mark = exc.context_mark  # an unclosed quote or bracket: point where it opens, not at the end
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "構文エラー"
        reporter.error(
            Location(shown, line, col),
            "",
            f"YAML の書き方に誤りがあります（{problem}）。字下げ、「:」の後の空白、引用符の閉じ忘れを確認してください。",
        )
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (libyaml: at a byte offset)
        if not isinstance(exc.character, int):  # a decoding error: a str is never decoded here
            reporter.error(Location(shown, 1, 1), "", f"YAML として読めません（{exc}）。")
            return None
        line, col = _position(text, text.find(chr(exc.character)))
        reporter.error(
            Location(shown, line, col),
            "",
            f"YAML に書けない文字（制御文字 U+{exc.character:04X}）があります。消してください。",
        )
        return None
    except yaml.YAMLError as exc:
        reporter.error(Location(shown, 1, 1), "", f"YAML として読めません（{exc}）。")
        return None
    except _Refused:
        return None  # reported where the limit was reached
    return _document(root, shown)


def _document(root: YNode | None, shown: str) -> YNode:
    if root is None or (isinstance(root, YScalar) and root.is_null):
        return YMap(Location(shown, 1, 1))  # an empty file (or an empty 「---」 document)
    return root


# the line breaks of YAML 1.1, which both parsers count in their marks (compiled, through re's
# cache, only for a file with a bad character: 0.13 ms of every start otherwise)
_BREAK = "\r\n|[\r\n\x85\u2028\u2029]"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]`` as the parsers' marks count them."""
    line, start = 1, 0
    for found in re.compile(_BREAK).finditer(text, 0, max(index, 0)):
        line, start = line + 1, found.end()
    return line, max(index, 0) - start + 1


def _compose(text: str, shown: str, reporter: Reporter, budget: Budget, loader: type) -> YNode | None:
    """The tree, its problems reported only once the parse ends: on a syntax error, that error
    alone is reported (as PyYAML's composer did); on a refusal, everything found up to it."""
    import yaml

    left = budget.nodes
    found = Reporter(current_rule=reporter.current_rule)
    try:
        try:
            root = _Builder(text, shown, found, loader, budget).build()
        except yaml.MarkedYAMLError as error:
            if loader is yaml.SafeLoader or len(text) > _REPARSE_LIMIT:
                raise
            # libyaml words some errors less helpfully (「did not find expected key」 where the
            # Python parser names what it found) and refuses a few the Python parser reads (an
            # unknown directive; a surrogate escape, which the check of characters then reports):
            # errors are rare, so parse again with the Python parser for its message.
            budget.nodes = left
            found = Reporter(current_rule=reporter.current_rule)
            try:
                root = _Builder(text, shown, found, yaml.SafeLoader, budget).build()
            except yaml.MarkedYAMLError as again:
                if not _same_place(again, error):
                    # the Python parser stops elsewhere on what libyaml reads (a tab between words,
                    # after a value, before a comment): libyaml's error is the real one
                    raise error from None
                raise
    except _Refused:
        reporter.extend(found)
        raise
    reporter.extend(found)
    return root


def _same_place(error: yaml.MarkedYAMLError, libyamls: yaml.MarkedYAMLError) -> bool:
    """Whether the Python parser's ``error`` is libyaml's found at the same place: the same
    character, or further on the same line (libyaml points at the 「\\」 of a bad escape)."""
    mark, other = error.problem_mark or error.context_mark, libyamls.problem_mark or libyamls.context_mark
    if mark is None or other is None:
        return False
    return mark.index == other.index or (mark.line == other.line and mark.index > other.index)


# Tags the safe loader resolves plain values to. Any other tag (``!!python/object/apply:…``,
# ``!!binary``, ``!custom``) is reported and its value dropped: nothing is ever constructed.
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "value", "merge")
)
_NULL = _CORE + "null"
_STR = _CORE + "str"
_SEQ, _MAP = _CORE + "seq", _CORE + "map"  # what PyYAML's resolver gives a list and a mapping
# characters no output can hold: C0 controls but tab, line feed and carriage return (XML 1.0
# refuses them), DEL and C1 controls, bidirectional overrides (they disguise what a page shows),
# noncharacters U+FFFE/U+FFFF and lone surrogates (only a "\ud800" escape can make one)
UNPRINTABLE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
_unprintable: re.Pattern[str] | None = None  # UNPRINTABLE compiled, once a text needs it


def find_unprintable(text: str) -> re.Match[str] | None:
    """The first character of ``text`` no output can hold (``UNPRINTABLE``), if any.

    Each of them is one ``str.isprintable`` refuses (categories Cc, Cf, Cs, Cn; a test checks
    every one), so a text it accepts once its line breaks and ideographic spaces are taken out
    holds none: the pattern, 0.6 ms to compile (its ranges make a table of 64k characters), is
    compiled only for a text it does not accept, and the check is as fast as a search."""
    global _unprintable
    if text.replace("\n", "").replace("\u3000", "").isprintable():
        return None
    if _unprintable is None:
        _unprintable = re.compile(UNPRINTABLE)
    return _unprintable.search(text)


def new_key(name: str, items: dict[str, tuple[Location, YNode]]) -> bool:
    """Whether the key ``name`` (stripped) is taken into a mapping's ``items`` as it is: not
    there yet, of a usual length and not a merge key (「<<」). The PyYAML path reports any other
    (``_Builder._entry``); ``yamlblock`` declines it, for that path to report it."""
    return name not in items and len(name) <= MAX_KEY and name != "<<"


_REFUSED = ""  # the tag of a value dropped for its tag (read as null)


class _Refused(Exception):
    """A limit was reached; the reporter has the message."""


@dataclass(slots=True)
class _Open:
    """A sequence or mapping being built, with what its next event completes."""

    node: YSeq | YMap
    tag: str
    anchor: str | None
    first: int  # the node count when it opened: its size, for aliases of it, is the difference
    is_seq: bool
    key: YNode | None = None  # a mapping's key waiting for its value
    key_tag: str = ""


class _Builder:
    """Builds the YNode tree from the parser's events, without recursion, counting as it goes.

    A YAML alias stands for its anchor's whole subtree; it is shared, not copied, but counts
    with the size of that subtree, so that nested aliases (a 「billion laughs」) reach the node
    limit after a few hundred events instead of expanding exponentially downstream."""

    def __init__(self, text: str, shown: str, reporter: Reporter, loader: type, budget: Budget) -> None:
        self.text = text
        self.budget = budget
        self.shown = shown
        self.reporter = reporter
        self.loader = loader
        self.nodes = 0
        self.aliases = 0
        self.anchors: dict[str, tuple[YNode, str, int]] = {}  # name → node, tag, size

    # the parsers' events always carry marks (libyaml's or the Python parser's); the stubs allow None
    def refuse(self, mark: _Mark, message: str) -> NoReturn:
        self.reporter.error(self._at(mark), "", message)
        raise _Refused

    def _at(self, mark: _Mark) -> Location:
        if mark is None:
            return Location(self.shown)
        return Location(self.shown, mark.line + 1, mark.column + 1)

    def build(self) -> YNode | None:
        parser = self.loader(self.text)
        try:
            return self._events(parser)
        finally:
            parser.dispose()

    def _events(self, parser) -> YNode | None:  # noqa: ANN001, C901 - a PyYAML loader (C or Python)
        # The loop runs for every scalar of every file read by PyYAML, so the common cases are
        # inlined: a plain or quoted scalar, attached to a list or as a mapping's new key or value;
        # anything unusual takes the methods below.
        import yaml

        _SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent  # noqa: N806 - constants of the loop
        _MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent  # noqa: N806
        _SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent  # noqa: N806
        resolver = yaml.resolver.Resolver()
        # The first characters the resolver's implicit patterns look at (「」 for the empty value): a
        # plain scalar starting with any other character resolves to a string without a pattern.
        resolved_first = frozenset(resolver.yaml_implicit_resolvers)
        assert None not in resolved_first and not resolver.yaml_path_resolvers  # no pattern for all
        stack: list[_Open] = []
        root: YNode | None = None
        documents = 0
        get_event = parser.get_event
        shown = self.shown
        budget = self.budget
        # a value can hold a character no output can hold only if the text has one or an escape
        check_chars = "\\" in self.text or find_unprintable(self.text) is not None
        while True:
            event = get_event()
            kind = type(event)  # PyYAML's event classes are not subclassed
            if kind is _SCALAR:
                mark = event.start_mark
                self.nodes += 1
                budget.nodes -= 1
                if budget.nodes < 0 or self.nodes > MAX_NODES:
                    self._count(mark, 0)  # refuses, as counting one more node did
                value = event.value
                if check_chars and (bad := find_unprintable(value)):
                    self._unprintable(event, bad[0])
                tag = event.tag
                if tag is None or tag == "!":
                    implicit = event.implicit
                    if not implicit[0]:  # quoted: a string
                        tag = _STR
                    elif value[:1] in resolved_first:
                        tag = resolver.resolve(yaml.ScalarNode, value, implicit)
                    else:  # no implicit resolver starts with this character: a string
                        tag = _STR
                done: YNode = YScalar(Location(shown, mark.line + 1, mark.column + 1), value, tag)
                if event.anchor is not None or tag not in _ALLOWED_TAGS:
                    done, tag = self._finish(done, tag, event.anchor, 1)
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                closed = stack.pop()
                done, tag = closed.node, closed.tag
                if closed.anchor is not None or tag not in _ALLOWED_TAGS:
                    done, tag = self._finish(done, tag, closed.anchor, self.nodes - closed.first)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                mark = event.start_mark
                self.nodes += 1
                budget.nodes -= 1
                if budget.nodes < 0 or self.nodes > MAX_NODES:
                    self._count(mark, 0)
                if len(stack) >= MAX_DEPTH:
                    self.refuse(
                        mark,
                        f"入れ子が深すぎます（{MAX_DEPTH} 段まで）。字下げやかっこの対応を確認してください。",
                    )
                is_seq = kind is _SEQUENCE_START
                tag = event.tag
                if tag is None or tag == "!":  # what the resolver gives a collection (no path resolvers)
                    tag = _SEQ if is_seq else _MAP
                loc = Location(shown, mark.line + 1, mark.column + 1)
                node: YSeq | YMap = YSeq(loc) if is_seq else YMap(loc)
                stack.append(_Open(node, tag, event.anchor, self.nodes - 1, is_seq))
                continue
            elif kind is _ALIAS:
                done, tag = self._alias(event)
            elif event is None or kind is yaml.StreamEndEvent:
                return root
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:  # as PyYAML's composer says it
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        None,
                        "but found another document",
                        event.start_mark,
                    )
                continue
            else:  # the stream's start, a document's end
                continue
            if not stack:
                root = done
                continue
            parent = stack[-1]
            if parent.is_seq:
                parent.node.items.append(done)  # type: ignore[union-attr]
            elif parent.key is None:
                parent.key, parent.key_tag = done, tag
            else:
                key, parent.key = parent.key, None
                if parent.key_tag == _REFUSED:  # a refused tag on the key is reported already
                    continue
                items: dict[str, tuple[Location, YNode]] = parent.node.items  # type: ignore[assignment]
                if type(key) is YScalar:  # a new key of a usual length: taken here, else checked below
                    name = key.text.strip()
                    if new_key(name, items):
                        items[name] = (key.loc, done)
                        continue
                self._entry(parent.node, key, done)  # type: ignore[arg-type]

    def _unprintable(self, event: yaml.ScalarEvent, char: str) -> None:
        where = event.value.index(char) + 1
        self.reporter.error(
            self._at(event.start_mark),
            "",
            f"印刷できない文字（制御文字 U+{ord(char):04X}）が {where} 文字目にあります。"
            "HTML・DOCX・XLSX に書けないため、消してください（「\\」で始まるエスケープで書いていないかも確認してください）。",
        )

    def _count(self, mark: _Mark, size: int = 1) -> None:
        self.nodes += size
        self.budget.nodes -= size
        if self.budget.nodes < 0:
            self.refuse(
                mark,
                f"評価書フォルダのファイル全体で項目や値が多すぎます（{MAX_FOLDER_NODES:,} 個まで）。"
                "ここで読むのをやめました。",
            )
        if self.nodes > MAX_NODES:
            self.refuse(
                mark,
                f"項目や値が多すぎます（1 つのファイルに {MAX_NODES:,} 個まで。別名「*」で参照した部分も数えます）。",
            )

    def _finish(self, node: YNode, tag: str, anchor: str | None, size: int) -> tuple[YNode, str]:
        if tag not in _ALLOWED_TAGS:
            shown = tag.replace(_CORE, "!!", 1)
            self.reporter.error(
                node.loc,
                "",
                f"YAML のタグ「{shown}」は使えません（安全のため、タグの付いた値は読みません）。タグを消して値だけを書いてください。",
            )
            node, tag = YScalar(node.loc, "", _NULL), _REFUSED
        if anchor is not None:
            self.anchors[anchor] = (node, tag, size)
        return node, tag

    def _alias(self, event: yaml.AliasEvent) -> tuple[YNode, str]:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            self.refuse(
                event.start_mark, f"別名「*」の参照が多すぎます（1 つのファイルに {MAX_ALIASES:,} 個まで）。"
            )
        if event.anchor not in self.anchors:
            self.refuse(
                event.start_mark,
                f"別名「*{event.anchor}」の元（「&{event.anchor}」）がこれより前にありません。",
            )
        node, tag, size = self.anchors[event.anchor]
        self._count(event.start_mark, size)
        return node, tag

    def _entry(self, mapping: YMap, key_node: YNode, value: YNode) -> None:
        key_loc = key_node.loc
        if not isinstance(key_node, YScalar):
            self.reporter.error(
                key_loc, "", "項目名には文字列を書いてください（リストや対応表は項目名になりません）。"
            )
            return
        key = key_node.text.strip()
        if len(key) > MAX_KEY:
            self.reporter.error(
                key_loc,
                "",
                f"項目名が長すぎます（{len(key):,} 文字。{MAX_KEY} 文字まで）。「項目名: 値」の形か確認してください。",
            )
            return
        if key == "<<":
            self.reporter.error(
                key_loc, "", "「<<」（マージキー）は使えません。項目をそのまま書いてください。"
            )
            return
        if key in mapping.items:
            first = mapping.items[key][0]
            self.reporter.error(
                key_loc,
                key,
                f"同じ項目が 2 回書かれています（最初は {first.line} 行目）。1 つにまとめてください。",
            )
            return
        mapping.items[key] = (key_loc, value)


# ---------------------------------------------------------------------------
# Reading a source file: regular files only, bounded


class SourceFileError(Exception):
    """A source file that is refused before parsing; the message (Japanese) says why."""


def read_source(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Opened without following a FIFO's writer (O_NONBLOCK) and checked with fstat on the open
    descriptor, so a FIFO, a device (a link to /dev/zero), a folder or a symlink loop is refused
    at once instead of blocking or reading without end."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SourceFileError(
                "シンボリックリンクが循環していて開けません。リンク先を確認してください。"
            ) from None
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise SourceFileError("シンボリックリンクのリンク先がありません。") from None
        raise SourceFileError(f"ファイルを読めません（{exc.strerror}）。") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(
                f"普通のファイルではありません（{_kind(info.st_mode)}）。YAML のファイルだけを置いてください。"
            )
        if info.st_size > limit:
            raise SourceFileError(_too_big(info.st_size, limit))
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # grew while being read
                raise SourceFileError(_too_big(size, limit))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise SourceFileError(f"ファイルを読めません（{exc.strerror}）。") from None
    finally:
        os.close(fd)


def _too_big(size: int, limit: int) -> str:
    return (
        f"ファイルが大きすぎます（{size:,} バイト。1 つのファイルは {limit:,} バイトまで）。"
        "評価書の部分ごとにファイルを分けてあるか確認してください。"
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "フォルダ"
    if stat.S_ISFIFO(mode):
        return "名前付きパイプ"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "デバイス"
    if stat.S_ISSOCK(mode):
        return "ソケット"
    return "特殊なファイル"
