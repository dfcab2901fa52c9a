"""Read an assessment folder: YAML files → typed model, every problem reported with its place.

The form definition (``generator.form.definition``, chosen by the cover's 「様式:」 and 「版:」) drives
the reading; nothing here knows a particular form, section or item.
All problems of all files are collected before the caller decides to fail.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from . import dates
from .acknowledge import ACK_FILE
from .diagnostics import Location, Reporter, display_path
from .form import registry
from .form import schema as s
from .form.definition import EDITION_KEY, FORM_KEY, ChangesAnnex, FormDefinition, label_number
from .form.editions import check_edition
from .form.registry import UnknownForm
from .form.schema import Annex, Section
from .model import (
    Annex1Group,
    Assessment,
    BlockRef,
    ChangeRow,
    Checks,
    Choice,
    DateValue,
    FileSections,
    Flag,
    Record,
    Text,
    TextPart,
)
from .records import dataclass
from .sources import SUFFIXES, section_files
from .textlimits import fits
from .yamlsource import Budget, YMap, YNode, YScalar, YSeq, load, scalar_bool

_NUMBER_DIGITS = 9
_NUMBER_CHARS = frozenset("0123456789０１２３４５６７８９")  # a number: 1 to _NUMBER_DIGITS of them


def _excerpt(text: str, limit: int = 40) -> str:
    """A value quoted in a message: a 5,000-character value is shown by its start."""
    return text if len(text) <= limit else f"{text[:limit]}…（{len(text):,} 文字）"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("　", "")


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """「もしかして」 for a near miss, compared after NFKC so 全角/半角 differences still match."""
    normal = {_norm(c): c for c in choices}
    key = _norm(word)
    # a label typed short (「10人以上」 → 「10人以上50人未満」) is the likeliest near miss
    starts = [c for n, c in normal.items() if key and n.startswith(key)]
    if starts:
        return f" もしかして「{starts[0]}」？"
    import difflib  # only for a misspelt key: a build without one skips its import

    close = difflib.get_close_matches(key, list(normal), n=1, cutoff=0.5)
    return f" もしかして「{normal[close[0]]}」？" if close else ""


def numbered(options: tuple[str, ...]) -> str:
    return " ".join(f"{i}) {o}" for i, o in enumerate(options, 1))


@dataclass(frozen=True)
class Ctx:
    section: s.Section | None
    path: tuple[str, ...]  # printed label parts, for messages

    def label(self, item_label: str) -> str:
        # 「Ⅱ（ファイル1） ３．④使用の主体 使用者数」: a number like 「３．」 runs into what follows
        out = ""
        for part in (*self.path, item_label):
            if not part:
                continue
            out += part if (not out or out.endswith("．")) else " " + part
        return out

    def down(self, part: str) -> Ctx:
        return Ctx(self.section, (*self.path, part))


def short_head(label: str) -> str:
    """「３．特定個人情報の入手・使用」 → 「３．」; 「リスク１：　目的外…」 → 「リスク１」."""
    number = label_number(label)
    if number:
        return number
    if "：" in label:
        return label.split("：", 1)[0]
    return label


class SectionReader:
    """Reads one YAML mapping against schema nodes into a Record."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.budget = Budget()  # of the files of one assessment folder, read by this reader

    # -- structure --------------------------------------------------------

    def mapping(self, node: YNode | None, ctx: Ctx, where: str) -> YMap | None:
        if node is None or (isinstance(node, YScalar) and node.is_null):
            return None
        if not isinstance(node, YMap):
            self.reporter.error(node.loc, where, "ここには「項目名: 値」の組（対応表）を書いてください。")
            return None
        return node

    def read(self, nodes: tuple[s.Node, ...], ymap: YMap | None, ctx: Ctx, record: Record) -> None:
        used: set[str] = set()
        self._read_nodes(nodes, ymap, ctx, record, used)
        if ymap is not None:
            self.unknown_keys(ymap, used, self._keys(nodes), ctx)

    def _keys(self, nodes: tuple[s.Node, ...]) -> list[str]:
        keys: list[str] = []
        for n in nodes:
            if isinstance(n, s.Item):
                if n.kind not in ("fixed", "derived"):
                    keys.append(n.key)
            elif isinstance(n, s.RowGroup):
                keys += [
                    i.key
                    for i in ((n.lead,) if n.lead else ()) + n.subs
                    if i.kind not in ("fixed", "derived")
                ]
            elif isinstance(n, s.Head):
                keys += self._keys(n.children) + [f.key for f in n.flags] if n.flat else [n.key]
            elif isinstance(n, s.Repeat):
                keys.append(n.key)
        return keys

    def unknown_keys(self, ymap: YMap, used: set[str], allowed: list[str], ctx: Ctx) -> None:
        for key, (loc, _) in ymap.items.items():
            if key not in used:
                if self.reporter.full(loc.file):  # not shown: spare the suggestion (thousands of keys)
                    self.reporter.error(
                        loc, ctx.label(key), f"「{key}」はこの位置に書ける項目ではありません。"
                    )
                    continue
                hint = suggest(key, allowed)
                listed = "、".join(allowed)
                self.reporter.error(
                    loc,
                    ctx.label(key),
                    f"「{key}」はこの位置に書ける項目ではありません。{hint} 書ける項目: {listed}",
                )

    def _read_nodes(
        self, nodes: tuple[s.Node, ...], ymap: YMap | None, ctx: Ctx, record: Record, used: set[str]
    ) -> None:
        for n in nodes:
            if isinstance(n, s.Item):
                self._read_item(n, ymap, ctx, record, used)
            elif isinstance(n, s.RowGroup):
                sub_ctx = ctx.down(n.label) if n.lead is None else ctx
                if n.lead is not None:
                    self._read_item(n.lead, ymap, ctx, record, used)
                    sub_ctx = ctx.down(n.lead.label)
                for item in n.subs:
                    self._read_item(item, ymap, sub_ctx, record, used)
            elif isinstance(n, s.Head):
                head_ctx = ctx.down(short_head(n.label))
                if n.flat:
                    self._read_nodes(n.children, ymap, head_ctx, record, used)
                    continue
                child = Record(ymap.loc if ymap else Location(""))
                sub = None
                if ymap is not None and n.key in ymap.items:
                    used.add(n.key)
                    key_loc, value = ymap.items[n.key]
                    child.loc = key_loc
                    sub = self.mapping(value, head_ctx, head_ctx.label(""))
                self.read(n.children + n.flags, sub, head_ctx, child)
                record.values[n.key] = child
            elif isinstance(n, s.Repeat):
                self._read_repeat(n, ymap, ctx, record, used)

    def _read_repeat(self, n: s.Repeat, ymap: YMap | None, ctx: Ctx, record: Record, used: set[str]) -> None:
        members: list[Record] = []
        record.values[n.key] = members
        if ymap is None or n.key not in ymap.items:
            return
        used.add(n.key)
        key_loc, value = ymap.items[n.key]
        if isinstance(value, YScalar) and value.is_null:
            return
        if not isinstance(value, YSeq):
            self.reporter.error(
                value.loc,
                ctx.label(n.member),
                f"「{n.key}」は「- 」で始まるリストで書いてください（{n.member}1、{n.member}2 … の順）。",
            )
            return
        if len(value.items) > n.limit:
            self.reporter.error(
                value.items[n.limit].loc,
                ctx.label(f"{n.member}{n.limit + 1}"),
                f"{n.member}は様式上 {n.limit} 件までです（{len(value.items)} 件書かれています）。",
            )
        children = ((n.title,) if n.title else ()) + n.children
        if n.extra_count:
            children = children + (s.Item(n.extra_count, n.extra_count, "number"),)
        for i, item in enumerate(value.items[: n.limit], 1):
            m_ctx = ctx.down(f"{n.member}{i}")
            member = Record(item.loc)
            ymember = self.mapping(item, m_ctx, m_ctx.label(""))
            self.read(children, ymember, m_ctx, member)
            members.append(member)

    # -- values -----------------------------------------------------------

    def _read_item(self, item: s.Item, ymap: YMap | None, ctx: Ctx, record: Record, used: set[str]) -> None:
        if item.kind in ("fixed", "derived"):
            return
        label = ctx.label(item.label)
        if ymap is None or item.key not in ymap.items:
            loc = ymap.loc if ymap is not None else Location("")
            record.values[item.key] = self.empty(item, loc)
            return
        used.add(item.key)
        _, node = ymap.items[item.key]
        record.values[item.key] = self.value(item, node, label)

    def empty(self, item: s.Item, loc: Location):
        match item.kind:
            case "choice":
                return Choice(None, loc)
            case "checks":
                return Checks((), loc)
            case "date":
                return DateValue(None, loc)
            case "flag":
                return Flag(False, loc)
            case _:
                return Text((), loc)

    def value(self, item: s.Item, node: YNode, label: str):
        match item.kind:
            case "choice":
                return self.choice(item, node, label)
            case "checks":
                return self.checks(item, node, label)
            case "date":
                return self.date(node, label)
            case "flag":
                return self.flag(node, label)
            case "number":
                return self.number(node, label)
            case _:
                return self.text(node, label)

    def scalar(self, node: YNode, label: str, what: str, allowed: str = "") -> YScalar | None:
        if isinstance(node, YScalar):
            return node
        self.reporter.error(
            node.loc, label, f"ここには{what}を 1 つ書いてください（リストや対応表は書けません）。{allowed}"
        )
        return None

    def text(self, node: YNode, label: str) -> Text:
        return fits(self._text(node, label), label, self.reporter)

    def _text(self, node: YNode, label: str) -> Text:
        if isinstance(node, YScalar):
            return Text(() if node.is_null else (node.text,), node.loc)
        items = node.items if isinstance(node, YSeq) else [node]
        parts: list[TextPart] = []
        for part in items:
            if isinstance(part, YScalar):
                if not part.is_null:
                    parts.append(part.text)
            elif isinstance(part, YMap) and "block" in part.items:
                ref = self.block_ref(part, label)
                if ref:
                    parts.append(ref)
            else:
                self.reporter.error(
                    part.loc,
                    label,
                    "文章の項目には、文章か、文章と共通記載ブロック参照（{block: ID}）のリストを書いてください。",
                )
        return Text(tuple(parts), node.loc)

    def block_ref(self, node: YMap, label: str) -> BlockRef | None:
        allowed = ("block", "version", "params")
        ok = True
        for key, (loc, _) in node.items.items():
            if key not in allowed:
                self.reporter.error(
                    loc,
                    label,
                    f"ブロック参照に「{key}」は書けません。書けるのは block、version、params です。",
                )
                ok = False
        _, id_node = node.items["block"]
        if not isinstance(id_node, YScalar) or id_node.is_null or not id_node.text.strip():
            self.reporter.error(
                id_node.loc, label, "block にはブロックの ID を書いてください（例: chukan-platform/hokan）。"
            )
            return None
        version = None
        if "version" in node.items:
            v = node.items["version"][1]
            if isinstance(v, YScalar) and not v.is_null:
                version = v.text.strip()
            else:
                self.reporter.error(v.loc, label, "version には版（例: 2025-08）を 1 つ書いてください。")
        params: list[tuple[str, str]] = []
        if "params" in node.items:
            p = node.items["params"][1]
            if isinstance(p, YMap):
                for k, (kloc, pv) in p.items.items():
                    if isinstance(pv, YScalar):
                        params.append((k, "" if pv.is_null else pv.text))
                    else:
                        self.reporter.error(kloc, label, f"パラメータ「{k}」には文字列を書いてください。")
            else:
                self.reporter.error(p.loc, label, "params には「名前: 値」の組を書いてください。")
        if not ok:
            return None
        return BlockRef(id_node.text.strip(), version, tuple(params), node.loc, label)

    def choice(self, item: s.Item, node: YNode, label: str) -> Choice:
        sc = self.scalar(node, label, "選択肢", f"選択肢: {numbered(item.options)}")
        if sc is None:
            return Choice(None, node.loc)
        if sc.is_null or not sc.text.strip():
            return Choice(None, sc.loc)
        text = sc.text.strip()
        by_norm = {_norm(opt): opt for opt in item.options}
        if _norm(text) in by_norm:
            return Choice(by_norm[_norm(text)], sc.loc)
        self.reporter.error(
            sc.loc,
            label,
            f"「{text}」は選べません。選択肢: {numbered(item.options)}。選択肢の文言をそのまま書いてください。{suggest(text, item.options)}",
        )
        return Choice(None, sc.loc)

    def checks(self, item: s.Item, node: YNode, label: str) -> Checks:
        if isinstance(node, YScalar) and node.is_null:
            return Checks((), node.loc)
        entries = node.items if isinstance(node, YSeq) else None
        if entries is None:
            self.reporter.error(
                node.loc,
                label,
                "チェックする選択肢を「- 」で始まるリストで書いてください（（ ）に書く文言は「- その他: 文言」）。"
                f" 選択肢: {'、'.join(item.options)}",
            )
            return Checks((), node.loc)
        by_norm = {_norm(opt): opt for opt in item.options}
        chosen: dict[str, str | None] = {}
        for entry in entries:
            detail: str | None = None
            if isinstance(entry, YScalar) and not entry.is_null:
                name = entry.text.strip()
            elif isinstance(entry, YMap) and len(entry.items) == 1:
                name, (_, dnode) = next(iter(entry.items.items()))
                if not isinstance(dnode, YScalar):
                    self.reporter.error(
                        dnode.loc, label, f"「{name}」の（ ）内には文言を 1 つ書いてください。"
                    )
                    continue
                detail = "" if dnode.is_null else dnode.text.strip()
            else:
                self.reporter.error(
                    entry.loc,
                    label,
                    "リストの各行には選択肢を 1 つ（または「選択肢: （ ）内の文言」）書いてください。",
                )
                continue
            canonical = by_norm.get(_norm(name))
            if canonical is None:
                self.reporter.error(
                    entry.loc,
                    label,
                    f"「{name}」はこの項目の選択肢にありません。選択肢: {'、'.join(item.options)}。{suggest(name, item.options)}",
                )
                continue
            if canonical in chosen:
                self.reporter.error(entry.loc, label, f"「{canonical}」が 2 回書かれています。")
                continue
            if detail is not None and canonical not in item.detail:
                self.reporter.error(
                    entry.loc,
                    label,
                    f"「{canonical}」には（ ）の記入欄がありません。記入欄があるのは {'、'.join(sorted(item.detail, key=item.options.index)) or 'ありません'}。",
                )
                detail = None
            if canonical in item.detail and detail is None:
                detail = ""
            chosen[canonical] = detail
        ordered = tuple((opt, chosen[opt]) for opt in item.options if opt in chosen)
        return Checks(ordered, node.loc)

    def date(self, node: YNode, label: str) -> DateValue:
        sc = self.scalar(node, label, "日付")
        if sc is None or sc.is_null or not sc.text.strip():
            return DateValue(None, node.loc)
        try:
            return DateValue(dates.parse_date(sc.text.strip()), sc.loc)
        except dates.DateError as exc:
            self.reporter.error(sc.loc, label, str(exc))
            return DateValue(None, sc.loc)

    def flag(self, node: YNode, label: str) -> Flag:
        sc = self.scalar(node, label, "true か false")
        value = scalar_bool(sc) if sc is not None else None
        if sc is not None and sc.is_null:
            return Flag(False, sc.loc)
        if value is None:
            self.reporter.error(
                node.loc, label, "チェックする場合は true、しない場合は false と書いてください。"
            )
            return Flag(False, node.loc)
        return Flag(value, node.loc)

    def number(self, node: YNode, label: str) -> Text:
        sc = self.scalar(node, label, "番号")
        if sc is None or sc.is_null:
            return Text((), node.loc)
        text = sc.text.strip()
        if not (0 < len(text) <= _NUMBER_DIGITS and _NUMBER_CHARS.issuperset(text)):
            # NFKC would read 「①」 as 1 and str.isdigit 「²」 as a digit; the writers and the site
            # need a number they can count and sort, so only the digits 0–9 (half or full width)
            self.reporter.error(
                sc.loc,
                label,
                f"「{_excerpt(text)}」は番号として読めません。数字（0～9）だけで {_NUMBER_DIGITS} 桁まで書いてください（例: 15）。",
            )
        return Text((text,), sc.loc)


# ---------------------------------------------------------------------------
# Whole assessment


def _section_files(
    folder: Path, form: FormDefinition, reporter: Reporter
) -> dict[str, list[tuple[int, Path]]]:
    """Files by section stem; per-file sections keep their number (2_ファイル概要_1 → 1)."""
    per_file = {sec.file for sec in form.per_file_sections}
    known = {sec.file for sec in form.single_sections} | {form.changes.file}
    found: dict[str, list[tuple[int, Path]]] = {}
    for path in section_files(folder, reporter):
        if path.stem == ACK_FILE:
            continue  # 確認済み.yaml: acknowledgements, read by generator.acknowledge
        stem = unicodedata.normalize("NFC", path.stem)
        m = _per_file(stem)
        if m and m[0] in per_file:
            found.setdefault(m[0], []).append((int(m[1]), path))
        elif stem in known:
            found.setdefault(stem, []).append((0, path))
        elif stem not in form.companions:
            names = form.file_names()
            per_file_hint = "（ファイルごとの部分は _1、_2 … と番号を付けます）" if per_file else ""
            reporter.error(
                Location(display_path(path)),
                "",
                f"ファイル名「{path.name}」はどの様式の部分にも当たりません（{form.name}）。{suggest(path.name, names)} 使えるファイル名: {'、'.join(names)}"
                + per_file_hint,
            )
    return found


def _per_file(stem: str) -> tuple[str, str] | None:
    """A per-file part's stem and number (「2_ファイル概要_12」 → 「2_ファイル概要」, 「12」): what
    ``re.match(r"^(?P<stem>.+)_(?P<n>[0-9]+)$", stem)`` finds, read by hand (0.1 ms to compile)."""
    head, found, n = stem.removesuffix("\n").rpartition("_")  # 「$」 takes a line break at the end
    if found and head and "\n" not in head and n.isascii() and n.isdigit():
        return head, n
    return None


def _cover_path(folder: Path) -> Path | None:
    stems = registry.cover_files()
    for path in sorted(folder.iterdir()):
        if path.suffix in SUFFIXES and unicodedata.normalize("NFC", path.stem) in stems:
            return path
    return None


def _form_of(cover: YMap | None, reporter: Reporter) -> FormDefinition | None:
    """The definition the cover's 「様式:」 and 「版:」 name (both absent: the current 重点); the two
    keys are taken out of the cover, which the form's items then read. None after an error."""
    words: dict[str, tuple[str | None, Location]] = {}
    for key in (FORM_KEY, EDITION_KEY):
        if cover is None or key not in cover.items:
            continue
        key_loc, node = cover.items.pop(key)
        if isinstance(node, YScalar):
            words[key] = (None if node.is_null else node.text.strip(), node.loc)
        else:
            reporter.error(node.loc, f"表紙 {key}", f"「{key}」には 1 つの名前を書いてください。")
            return None
    kind, kind_loc = words.get(FORM_KEY, (None, None))
    edition, edition_loc = words.get(EDITION_KEY, (None, None))
    try:
        return registry.get_form(kind, edition)
    except UnknownForm as exc:
        loc = edition_loc if _is_edition_error(kind) and edition_loc else (kind_loc or edition_loc)
        assert loc is not None  # only a written 様式 or 版 can be unknown
        reporter.error(loc, f"表紙 {FORM_KEY if loc is kind_loc else EDITION_KEY}", str(exc))
        return None


def _is_edition_error(kind: str | None) -> bool:
    """Whether the kind is known (so it was the 版 that failed)."""
    try:
        registry.get_form(kind)
    except UnknownForm:
        return False
    return True


def read_assessment(
    folder: Path, reporter: Reporter, form: FormDefinition | None = None
) -> Assessment | None:
    """Read ``folder`` against ``form`` (None: the form its cover names)."""
    if not folder.is_dir():
        reporter.error(Location(display_path(folder)), "", "評価書のフォルダがありません。")
        return None
    reader = SectionReader(reporter)
    sources: list[Path] = []
    cover_path = _cover_path(folder)
    cover_map: YMap | None = None
    if cover_path is not None:
        sources.append(cover_path)
        root = load(cover_path, reporter, reader.budget)
        cover_map = reader.mapping(root, Ctx(None, ()), "表紙") if root is not None else None
    named = _form_of(cover_map, reporter)
    if form is None:
        if named is None:
            return None
        form = named
    files = _section_files(folder, form, reporter)

    def section(sec: Section, path: Path | None, ymap: YMap | None = None) -> Record:
        record = Record(
            Location(display_path(path) if path else display_path(folder / (sec.file + ".yaml")), 1, 1)
        )
        if path is not None and ymap is None:
            sources.append(path)
            root = load(path, reporter, reader.budget)
            ymap = reader.mapping(root, Ctx(sec, ()), sec.path_title) if root is not None else None
        reader.read(
            sec.children, ymap, Ctx(sec, (sec.path_title.split()[0],) if sec.path_title else ()), record
        )
        return record

    def single(sec: Section) -> Record:
        entries = files.get(sec.file, [])
        if not entries:
            reporter.error(
                Location(display_path(folder / f"{sec.file}.yaml")),
                sec.path_title or sec.title,
                f"「{sec.file}.yaml」がありません。様式のこの部分は必須です。",
            )
            return section(sec, None)
        path = entries[0][1]
        if path == cover_path:
            return section(sec, path, cover_map) if cover_map is not None else section(sec, None)
        return section(sec, path)

    sections: dict[str, Record] = {}
    file_sections: list[FileSections] = []
    for sec in form.sections:
        if not sec.per_file:
            sections[sec.id] = single(sec)
        elif not file_sections and sec is form.per_file_sections[0]:
            file_sections = _read_files(folder, form, files, reader, reporter, sources)
    changes: list[ChangeRow] = []
    if form.changes.file in files:
        path = files[form.changes.file][0][1]
        sources.append(path)
        changes = _read_changes(path, form, reader, reporter)
    assessment = Assessment(
        folder=folder,
        name=folder.resolve().name,
        form=form,
        sections=sections,
        files=file_sections,
        changes=changes,
        sources=sources,
    )
    check_edition(assessment, reporter)
    return assessment


def _read_files(
    folder: Path,
    form: FormDefinition,
    files: dict[str, list[tuple[int, Path]]],
    reader: SectionReader,
    reporter: Reporter,
    sources: list[Path],
) -> list[FileSections]:
    secs = form.per_file_sections
    by_section = {sec.id: dict(files.get(sec.file, [])) for sec in secs}
    numbers = sorted({n for paths in by_section.values() for n in paths})
    first = secs[0]
    if not numbers:
        names = "」と「".join(f"{sec.file}_1.yaml" for sec in secs)
        reporter.error(
            Location(display_path(folder / f"{first.file}_1.yaml")),
            first.path_title,
            f"{form.file_noun}が 1 つもありません。「{names}」を作ってください。",
        )
    numerals = " と ".join(sec.path_title.split()[0] for sec in secs)
    word = form.file_word
    result: list[FileSections] = []
    for expected, n in enumerate(numbers, 1):
        if n != expected:
            where = next(paths[n] for paths in by_section.values() if n in paths)
            reporter.error(
                Location(display_path(where)),
                "",
                f"{word}の番号は 1 から順に付けてください（{expected} がなく {n} があります）。",
            )
        records: dict[str, Record] = {}
        annexes: dict[str, list[Annex1Group]] = {}
        paths: dict[str, Path] = {}
        for sec in secs:
            path = by_section[sec.id].get(n)
            if path is None:
                both = "の両方" if len(secs) == 2 else "のすべて"
                reporter.error(
                    Location(display_path(folder / f"{sec.file}_{n}.yaml")),
                    sec.path_title,
                    f"「{sec.file}_{n}.yaml」がありません。{word} {n} には {numerals}{both}が必要です。",
                )
            record = Record(Location(display_path(path) if path else "", 1, 1))
            if path is not None:
                paths[sec.id] = path
                sources.append(path)
                root = load(path, reporter, reader.budget)
                ctx = Ctx(sec, (f"{sec.path_title.split()[0]}（{word}{n}）",))
                ymap = reader.mapping(root, ctx, ctx.label("")) if root is not None else None
                if sec.annex is not None:
                    annexes[sec.id] = []
                    if ymap is not None and sec.annex.key in ymap.items:
                        _, annex_node = ymap.items.pop(sec.annex.key)
                        annexes[sec.id] = _read_annex1(annex_node, sec.annex, reader, reporter)
                reader.read(sec.children, ymap, ctx, record)
            elif sec.annex is not None:
                annexes[sec.id] = []
            records[sec.id] = record
        result.append(FileSections(n, records, annexes, paths, form.accessors))
    return result


def _read_annex1(node: YNode, annex: Annex, reader: SectionReader, reporter: Reporter) -> list[Annex1Group]:
    label = " ".join(annex.title.split())
    keys = annex.fields
    caption_key, subcaption_key, items_key, note_key = keys
    if isinstance(node, YScalar) and node.is_null:
        return []
    if not isinstance(node, YSeq):
        reporter.error(
            node.loc, label, f"{annex.key}は「- {caption_key}: 【識別情報】」のようなリストで書いてください。"
        )
        return []
    groups: list[Annex1Group] = []
    for entry in node.items:
        if not isinstance(entry, YMap):
            reporter.error(
                entry.loc,
                label,
                f"各グループは「項目名: 値」の組で書いてください（{'、'.join(keys)}）。",
            )
            continue
        for key, (loc, _) in entry.items.items():
            if key not in keys:
                reporter.error(
                    loc,
                    label,
                    f"「{key}」は{annex.key}のグループに書けません。{suggest(key, keys)} 書ける項目: {'、'.join(keys)}",
                )

        def scalar_text(key: str, entry: YMap = entry) -> str:
            if key not in entry.items:
                return ""
            v = entry.items[key][1]
            if isinstance(v, YScalar):
                return "" if v.is_null else v.text.strip()
            reporter.error(v.loc, label, f"「{key}」には文字列を書いてください。")
            return ""

        items = reader.text(entry.items[items_key][1], label) if items_key in entry.items else None
        note = reader.text(entry.items[note_key][1], label) if note_key in entry.items else None
        groups.append(
            Annex1Group(scalar_text(caption_key), scalar_text(subcaption_key), items, note, entry.loc)
        )
    return groups


def _read_changes(
    path: Path, form: FormDefinition, reader: SectionReader, reporter: Reporter
) -> list[ChangeRow]:
    annex = form.changes
    label = annex.label
    root = load(path, reporter, reader.budget)
    ctx = Ctx(None, (label,))
    ymap = reader.mapping(root, ctx, label) if root is not None else None
    if ymap is None:
        return []
    reader.unknown_keys(ymap, {annex.key}, [annex.key], ctx)
    if annex.key not in ymap.items:
        return []
    _, rows = ymap.items[annex.key]
    return read_change_rows(rows, annex, reader, reporter)


def read_change_rows(
    rows: YNode, annex: ChangesAnnex, reader: SectionReader, reporter: Reporter
) -> list[ChangeRow]:
    """The rows of a change list (the value of its key), wherever the list is written."""
    label = annex.label
    ctx = Ctx(None, (label,))
    if isinstance(rows, YScalar) and rows.is_null:
        return []
    if not isinstance(rows, YSeq):
        reporter.error(
            rows.loc,
            label,
            f"{annex.key}は「- {annex.columns[0].key}: …」で始まる行のリストで書いてください。",
        )
        return []
    result: list[ChangeRow] = []
    for i, row in enumerate(rows.items, 1):
        row_ctx = ctx.down(f"{i}行目")
        record = Record(row.loc)
        ymap_row = reader.mapping(row, row_ctx, row_ctx.label(""))
        reader.read(annex.columns, ymap_row, row_ctx, record)
        # the columns in their order: 変更日, 項目, 変更前の記載, 変更後の記載, 提出時期, 提出時期に係る説明
        date, item, before, after, timing, reason = (record.values[c.key] for c in annex.columns)
        result.append(ChangeRow(date, item, before, after, timing, reason, row.loc))  # type: ignore[arg-type]
    return result
