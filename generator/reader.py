"""Read an assessment folder: YAML files → typed model, every problem reported with its place.

The schema (``generator.form.schema``) drives the reading; nothing here knows a particular item.
All problems of all files are collected before the caller decides to fail.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import dates
from .diagnostics import Location, Reporter, display_path
from .form import schema as s
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
from .sources import SUFFIXES, section_files  # noqa: F401 - SUFFIXES: imported from here elsewhere
from .yamlsource import Budget, YMap, YNode, YScalar, YSeq, load, scalar_bool

_PER_FILE = re.compile(r"^(?P<stem>.+)_(?P<n>[0-9]+)$")
_NUMBER_DIGITS = 9
_NUMBER = re.compile(f"[0-9０-９]{{1,{_NUMBER_DIGITS}}}")


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
    close = difflib.get_close_matches(key, list(normal), n=1, cutoff=0.5)
    return f" もしかして「{normal[close[0]]}」？" if close else ""


def numbered(options: tuple[str, ...]) -> str:
    return " ".join(f"{i}) {o}" for i, o in enumerate(options, 1))


@dataclass(frozen=True)
class Ctx:
    section: s.Section
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
    m = re.match(r"^([０-９0-9]+．)", label)
    if m:
        return m.group(1)
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
            if n.extra_count:
                self._at_least_one(member.text(n.extra_count), m_ctx.label(n.extra_count), n.member)

    def _at_least_one(self, count: Text | None, label: str, member: str) -> None:
        """A member standing for 0 others would print 「行っていない」 above itself."""
        written = "".join(p for p in count.parts if isinstance(p, str)) if count else ""
        if written and int(written) < 1:
            self.reporter.error(
                count.loc,  # type: ignore[union-attr]
                label,
                f"件数は 1 以上を書いてください（この{member}がいくつを表すか。1 つなら件数は書きません）。",
            )

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
        if not _NUMBER.fullmatch(text):
            # NFKC would read 「①」 as 1 and str.isdigit 「²」 as a digit; the writers and the site
            # need a number they can count and sort, so only the digits 0–9 (half or full width)
            self.reporter.error(
                sc.loc,
                label,
                f"「{_excerpt(text)}」は番号として読めません。数字（0～9）だけで {_NUMBER_DIGITS} 桁まで書いてください（例: 15）。",
            )
            return Text((), sc.loc)
        return Text((text,), sc.loc)


# ---------------------------------------------------------------------------
# Whole assessment


def _section_files(folder: Path, reporter: Reporter) -> dict[str, list[tuple[int, Path]]]:
    """Files by section stem; per-file sections keep their number (2_ファイル概要_1 → 1)."""
    known = {sec.file: sec for sec in s.SECTIONS} | {s.ANNEX2_FILE: None}
    found: dict[str, list[tuple[int, Path]]] = {}
    for path in section_files(folder, reporter):
        stem = unicodedata.normalize("NFC", path.stem)
        m = _PER_FILE.match(stem)
        per_file = {sec.file for sec in s.SECTIONS if sec.per_file}
        if m and m.group("stem") in per_file:
            found.setdefault(m.group("stem"), []).append((int(m.group("n")), path))
        elif stem in known and stem not in per_file:
            found.setdefault(stem, []).append((0, path))
        else:
            names = [sec.file + ("_1" if sec.per_file else "") + ".yaml" for sec in s.SECTIONS] + [
                s.ANNEX2_FILE + ".yaml"
            ]
            reporter.error(
                Location(display_path(path)),
                "",
                f"ファイル名「{path.name}」はどの様式の部分にも当たりません。{suggest(path.name, names)} 使えるファイル名: {'、'.join(names)}"
                "（ファイルごとの部分は _1、_2 … と番号を付けます）",
            )
    return found


def read_assessment(folder: Path, reporter: Reporter) -> Assessment | None:
    if not folder.is_dir():
        reporter.error(Location(display_path(folder)), "", "評価書のフォルダがありません。")
        return None
    files = _section_files(folder, reporter)
    reader = SectionReader(reporter)
    sources: list[Path] = []

    def section(sec: s.Section, path: Path | None, ymap: YMap | None = None) -> Record:
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

    def single(sec: s.Section) -> Record:
        entries = files.get(sec.file, [])
        if not entries:
            reporter.error(
                Location(display_path(folder / f"{sec.file}.yaml")),
                sec.path_title or sec.title,
                f"「{sec.file}.yaml」がありません。様式のこの部分は必須です。",
            )
            return section(sec, None)
        return section(sec, entries[0][1])

    cover = single(s.COVER)
    basic = single(s.SECTION1)
    file_sections = _read_files(folder, files, reader, reporter, sources)
    disclosure = single(s.SECTION4)
    procedure = single(s.SECTION5)
    changes: list[ChangeRow] = []
    if s.ANNEX2_FILE in files:
        path = files[s.ANNEX2_FILE][0][1]
        sources.append(path)
        changes = _read_changes(path, reader, reporter)
    return Assessment(
        folder=folder,
        name=folder.resolve().name,
        cover=cover,
        basic=basic,
        files=file_sections,
        disclosure=disclosure,
        procedure=procedure,
        changes=changes,
        sources=sources,
    )


def _read_files(
    folder: Path,
    files: dict[str, list[tuple[int, Path]]],
    reader: SectionReader,
    reporter: Reporter,
    sources: list[Path],
) -> list[FileSections]:
    overviews = dict(files.get(s.SECTION2.file, []))
    risks = dict(files.get(s.SECTION3.file, []))
    numbers = sorted(set(overviews) | set(risks))
    if not numbers:
        reporter.error(
            Location(display_path(folder / f"{s.SECTION2.file}_1.yaml")),
            s.SECTION2.path_title,
            f"特定個人情報ファイルが 1 つもありません。「{s.SECTION2.file}_1.yaml」と「{s.SECTION3.file}_1.yaml」を作ってください。",
        )
    result: list[FileSections] = []
    for expected, n in enumerate(numbers, 1):
        if n != expected:
            where = overviews.get(n) or risks[n]
            reporter.error(
                Location(display_path(where)),
                "",
                f"ファイルの番号は 1 から順に付けてください（{expected} がなく {n} があります）。",
            )
        ov_path = overviews.get(n)
        rk_path = risks.get(n)
        for missing, sec in ((ov_path, s.SECTION2), (rk_path, s.SECTION3)):
            if missing is None:
                reporter.error(
                    Location(display_path(folder / f"{sec.file}_{n}.yaml")),
                    sec.path_title,
                    f"「{sec.file}_{n}.yaml」がありません。ファイル {n} には Ⅱ と Ⅲ の両方が必要です。",
                )
        overview = Record(Location(display_path(ov_path) if ov_path else "", 1, 1))
        annex1: list[Annex1Group] = []
        if ov_path is not None:
            sources.append(ov_path)
            root = load(ov_path, reporter, reader.budget)
            ctx = Ctx(s.SECTION2, (f"Ⅱ（ファイル{n}）",))
            ymap = reader.mapping(root, ctx, ctx.label("")) if root is not None else None
            if ymap is not None and s.ANNEX1_KEY in ymap.items:
                _, annex_node = ymap.items.pop(s.ANNEX1_KEY)
                annex1 = _read_annex1(annex_node, reader, reporter)
            reader.read(s.SECTION2.children, ymap, ctx, overview)
        risk = Record(Location(display_path(rk_path) if rk_path else "", 1, 1))
        if rk_path is not None:
            sources.append(rk_path)
            root = load(rk_path, reporter, reader.budget)
            ctx = Ctx(s.SECTION3, (f"Ⅲ（ファイル{n}）",))
            ymap = reader.mapping(root, ctx, ctx.label("")) if root is not None else None
            reader.read(s.SECTION3.children, ymap, ctx, risk)
        result.append(FileSections(n, overview, annex1, risk, ov_path or folder, rk_path))
    return result


_ANNEX1_KEYS = ("見出し", "小見出し", "項目", "注記")


def _read_annex1(node: YNode, reader: SectionReader, reporter: Reporter) -> list[Annex1Group]:
    label = "（別添１） 特定個人情報ファイル記録項目"
    if isinstance(node, YScalar) and node.is_null:
        return []
    if not isinstance(node, YSeq):
        reporter.error(
            node.loc, label, "記録項目は「- 見出し: 【識別情報】」のようなリストで書いてください。"
        )
        return []
    groups: list[Annex1Group] = []
    for entry in node.items:
        if not isinstance(entry, YMap):
            reporter.error(
                entry.loc,
                label,
                f"各グループは「項目名: 値」の組で書いてください（{'、'.join(_ANNEX1_KEYS)}）。",
            )
            continue
        for key, (loc, _) in entry.items.items():
            if key not in _ANNEX1_KEYS:
                reporter.error(
                    loc,
                    label,
                    f"「{key}」は記録項目のグループに書けません。{suggest(key, _ANNEX1_KEYS)} 書ける項目: {'、'.join(_ANNEX1_KEYS)}",
                )

        def scalar_text(key: str, entry: YMap = entry) -> str:
            if key not in entry.items:
                return ""
            v = entry.items[key][1]
            if isinstance(v, YScalar):
                return "" if v.is_null else v.text.strip()
            reporter.error(v.loc, label, f"「{key}」には文字列を書いてください。")
            return ""

        items = reader.text(entry.items["項目"][1], label) if "項目" in entry.items else None
        note = reader.text(entry.items["注記"][1], label) if "注記" in entry.items else None
        groups.append(Annex1Group(scalar_text("見出し"), scalar_text("小見出し"), items, note, entry.loc))
    return groups


def _read_changes(path: Path, reader: SectionReader, reporter: Reporter) -> list[ChangeRow]:
    label = "（別添２） 変更箇所"
    root = load(path, reporter, reader.budget)
    ctx = Ctx(s.COVER, (label,))
    ymap = reader.mapping(root, ctx, label) if root is not None else None
    if ymap is None:
        return []
    reader.unknown_keys(ymap, {s.ANNEX2_KEY}, [s.ANNEX2_KEY], ctx)
    if s.ANNEX2_KEY not in ymap.items:
        return []
    _, rows = ymap.items[s.ANNEX2_KEY]
    if isinstance(rows, YScalar) and rows.is_null:
        return []
    if not isinstance(rows, YSeq):
        reporter.error(rows.loc, label, "変更箇所は「- 変更日: …」で始まる行のリストで書いてください。")
        return []
    result: list[ChangeRow] = []
    for i, row in enumerate(rows.items, 1):
        row_ctx = ctx.down(f"{i}行目")
        record = Record(row.loc)
        ymap_row = reader.mapping(row, row_ctx, row_ctx.label(""))
        reader.read(s.ANNEX2_COLUMNS, ymap_row, row_ctx, record)
        v = record.values
        result.append(
            ChangeRow(
                v["変更日"],
                v["項目"],
                v["変更前の記載"],
                v["変更後の記載"],
                v["提出時期"],
                v["提出時期に係る説明"],
                row.loc,
            )  # type: ignore[arg-type]
        )
    return result
