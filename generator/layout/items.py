"""Every printed item of an assessment as data: its official path, ※ and text as printed.

This walks the form schema and the model in the builder's order and with the builder's
rendering (``Builder.flow`` for free text and block references, ``Builder.grid`` and
``Builder.derived`` for check boxes), so an item's text is what the document shows. The change
table (``generator.changes``) compares two such lists; search or reports could use them too.

Printed text, one string per item, in the compact style of the seeds' （別添２） cells:

* free text: the rendered paragraphs (block references as their text), separated by a blank
  line, list markers kept (「1. …」, 「・ …」);
* a choice: 「[委託する]」, followed by its count where the form prints one (「[委託する] 2件」);
* a check-box list: every option of the form in order, 「[○]本人又は本人の代理人
  [○]評価実施機関内の他部署（市民生活部市民課） []民間事業者 …」, as the seeds' 入手元 row does;
  nothing checked prints as "" (an empty item: 「(記載なし)」 in a change row);
* 提供・移転の有無: its three boxes with counts (「[○]提供を行っている 1件 []移転を行っている
  []行っていない」); the check boxes of a heading row (「[]委託しない」) always print, since
  their unchecked state is a statement too;
* dates in 和暦; （別添１） as its captions and items, one paragraph each.

The ``※`` and numbering spaces are left out of labels: 「Ⅱ 特定個人情報ファイルの概要
３．特定個人情報の入手・使用 ①入手元」. With several files the file name follows the section
title: 「Ⅱ 特定個人情報ファイルの概要 （がん検診台帳ファイル） …」.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .. import dates
from ..form import definition
from ..form import schema as s
from ..layout import ir
from ..model import Annex1Group, Assessment, Choice, DateValue, FileSections, Record, Text
from ..records import dataclass
from .builder import BlockText, Builder

Key = tuple[str, ...]

# the pseudo-item naming the form and its edition (compared like any item, so an edition change
# proposes a row; it is printed as the cover's mark)
EDITION_ITEM = "（様式）"
EDITION_LABEL = "様式"


@dataclass(frozen=True)
class Group:
    """A repeated part the item sits in: a numbered member (委託事項3) or a file's Ⅱ / Ⅲ."""

    key: Key  # ``repeat`` + the member's number
    repeat: Key  # the list it is a member of
    number: int
    label: str  # 「… ４．特定個人情報ファイルの取扱いの委託 委託事項3」
    title: str  # printed title (委託事項 text, システムの名称, ファイル名), to recognise it elsewhere
    placeholder: bool = False  # member 1 printed empty because the list is empty


@dataclass(frozen=True)
class PrintedItem:
    key: Key  # schema keys and member numbers: stable between revisions of the same structure
    label: str  # official path as the form names it
    star: bool  # ※: a change is a 重要な変更
    text: str  # as printed; "" when the item is empty
    groups: tuple[Group, ...] = ()  # outermost first
    counts: tuple[Key, ...] = ()  # lists whose size this item prints (委託の有無, 提供・移転の有無)
    base: str = ""  # the text without the counts (「[委託する]」); "" for wholly derived items
    source: Text | None = None  # a free-text item's value as written (Markdown and block references)


def printed_items(assessment: Assessment, block_text: BlockText | None = None) -> list[PrintedItem]:
    """The document's items in page order, （別添２） excluded (it records changes, it is none)."""
    builder = Builder(assessment) if block_text is None else Builder(assessment, block_text)
    return list(_Walker(builder).document())


def flow_plain(flow: ir.Flow) -> str:
    """A flow as text: paragraphs (with their list markers) separated by a blank line."""
    return "\n\n".join(ir.flow_text((p,)) for p in flow)


# the same form labels, for every printed item and its parents
clean_label = functools.lru_cache(maxsize=8192)(definition.clean_label)


def check_text(grid: ir.CheckGrid) -> str:
    """「[○]紙 []電子メール [○]その他（…）」; "" when nothing is checked."""
    boxes = [it for it in grid.items if isinstance(it, ir.CheckItem)]
    if not any(it.checked for it in boxes):
        return ""
    return " ".join(_box(it) for it in boxes)


def _box(it: ir.CheckItem) -> str:
    text = f"[{'○' if it.checked else ''}]{it.label}"
    if it.checked and it.detail:
        text += f"（{it.detail}）"
    if it.checked and it.count is not None:
        text += f" {it.count}"
    return text


@dataclass(frozen=True)
class _Place:
    key: Key
    labels: tuple[str, ...]
    star: bool
    groups: tuple[Group, ...]

    def label(self, *more: str) -> str:
        return " ".join(clean_label(p) for p in (*self.labels, *more) if clean_label(p))

    def down(self, key: str, label: str, star: bool = False) -> _Place:
        return _Place((*self.key, key), (*self.labels, label), self.star or star, self.groups)


class _Walker:
    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.a = builder.a
        self.form = builder.form
        self.section: s.Section = self.form.cover

    # -- document ---------------------------------------------------------

    def document(self) -> Iterator[PrintedItem]:
        a, form = self.a, self.form
        yield self.edition()
        many = len(a.files) > 1
        for sec in form.sections:
            if not sec.per_file:
                labels = (sec.path_title,) if sec.path_title else ()
                yield from self.section_items(sec, a.section(sec.id), _Place((sec.id,), labels, False, ()))
            elif sec is form.per_file_sections[0]:
                for f in a.files:
                    name = self.file_name(f) or f"{form.file_word}{f.number}"
                    for fsec in form.per_file_sections:
                        place = self.file_place(fsec, f.number, name, many)
                        yield from self.section_items(fsec, f.record(fsec.id), place)
                        if fsec.annex is not None:
                            yield self.annex(fsec.annex, f.annexes.get(fsec.id, []), place, name, many)

    def edition(self) -> PrintedItem:
        """The form and edition as printed (its mark): a change of edition is a 様式変更 row."""
        form = self.form
        text = f"{form.kind} {form.mark}"
        return PrintedItem((form.cover.id, EDITION_ITEM), EDITION_LABEL, False, text)

    def file_name(self, f: FileSections) -> str:
        key = self.form.file_name_key
        for sec in self.form.per_file_sections:
            if key and isinstance(f.record(sec.id).get(key), Text):
                return self.b.plain(f.record(sec.id).text(key))
        return ""

    def file_place(self, section: s.Section, number: int, name: str, many: bool) -> _Place:
        labels = (section.path_title, f"（{name}）") if many else (section.path_title,)
        group = Group((section.id, str(number)), (section.id,), number, " ".join(labels), name)
        return _Place(group.key, labels, False, (group,))

    def annex(
        self, annex: s.Annex, groups: list[Annex1Group], place: _Place, name: str, many: bool
    ) -> PrintedItem:
        paras: list[str] = []
        for g in groups:
            paras += [t for t in (g.caption, g.subcaption) if t]
            for text in (g.items, g.note):
                if text is not None and not text.empty:
                    paras.append(flow_plain(self.b.flow(text)))
        title = clean_label(annex.title) + (f" （{name}）" if many else "")
        return PrintedItem((*place.key, annex.key), title, False, "\n\n".join(paras), place.groups)

    def section_items(self, section: s.Section, record: Record, place: _Place) -> Iterator[PrintedItem]:
        self.section = section
        yield from self.nodes(section.children, record, place)

    # -- nodes (as Builder.rows) -----------------------------------------------

    def nodes(self, nodes: tuple[s.Node, ...], record: Record, place: _Place) -> Iterator[PrintedItem]:
        for n in nodes:
            if isinstance(n, s.Item):
                yield self.item(n, record, place, n.label)
            elif isinstance(n, s.RowGroup):
                if n.lead is not None:
                    yield self.item(n.lead, record, place, n.lead.label)
                # 「④使用の主体 使用者数」; numbered subs (④再委託の有無) name themselves
                prefix = n.lead.label if n.lead is not None else n.label
                for sub in n.subs:
                    numbered = sub.label[:1] in "①②③④⑤⑥⑦⑧⑨⑩"
                    yield self.item(sub, record, place, sub.label if numbered else f"{prefix} {sub.label}")
            elif isinstance(n, s.Head):
                yield from self.head(n, record, place)
            elif isinstance(n, s.Repeat):
                yield from self.repeat(n, record, place)

    def head(self, h: s.Head, record: Record, place: _Place) -> Iterator[PrintedItem]:
        if h.flat:  # its items sit in the parent mapping; the heading still names them
            child = record
            inner = _Place(place.key, (*place.labels, h.label), place.star or h.star, place.groups)
        else:
            value = record.values.get(h.key)
            child = value if isinstance(value, Record) else Record(record.loc)
            inner = place.down(h.key, h.label, h.star)
        if h.flags:
            line = " ".join(_box(ir.CheckItem(f.label, child.flag(f.key))) for f in h.flags)
            yield PrintedItem(
                (*inner.key, "（チェック欄）"),
                inner.label(),
                self.starred(inner, h.flags[0]),
                line,
                inner.groups,
            )
        yield from self.nodes(h.children, child, inner)

    def repeat(self, r: s.Repeat, record: Record, place: _Place) -> Iterator[PrintedItem]:
        listed = record.records(r.key)
        members = listed or [Record(record.loc)]  # member 1 is always printed
        repeat_key = (*place.key, r.key)
        for n, member in enumerate(members, 1):
            label = place.label(f"{r.member}{n}")
            title_item = r.title or next((c for c in r.children if isinstance(c, s.Item)), None)
            title = self.text(member.values.get(title_item.key)) if title_item else ""
            group = Group((*repeat_key, str(n)), repeat_key, n, label, title, placeholder=not listed)
            inner = _Place(group.key, (*place.labels, f"{r.member}{n}"), place.star, (*place.groups, group))
            if r.title is not None:
                value = member.values.get(r.title.key)
                yield PrintedItem(
                    (*group.key, r.title.key),
                    label,
                    self.starred(inner, r.title),
                    title,
                    inner.groups,
                    source=value if isinstance(value, Text) else None,
                )
            yield from self.nodes(r.children, member, inner)

    # -- items ------------------------------------------------------------

    def starred(self, place: _Place, item: s.Item) -> bool:
        section_star = self.section.star_all and item.key not in self.section.unstarred
        return item.star or place.star or section_star

    def item(self, item: s.Item, record: Record, place: _Place, label: str) -> PrintedItem:
        value = record.values.get(item.key)
        key = (*place.key, item.id)
        star = self.starred(place, item)
        full = place.label(label)
        if item.kind == "choice":
            chosen = value.value if isinstance(value, Choice) else None
            base = f"[{chosen}]" if chosen else ""
            if not item.count_of:
                return PrintedItem(key, full, star, base, place.groups)
            n = len(record.records(item.count_of))  # as the builder counts: list members
            text = f"{base or '[]'} {n}件" if n else base
            return PrintedItem(key, full, star, text, place.groups, ((*place.key, item.count_of),), base)
        if item.kind == "checks":
            return PrintedItem(key, full, star, check_text(self.b.grid(item, value)), place.groups)
        if item.kind == "derived":
            grid = self.b.derived(item, record)
            counted = tuple((*place.key, key) for _, key, _ in item.tally)
            return PrintedItem(key, full, star, self._derived_text(grid), place.groups, counted, "")
        if item.kind == "fixed":
            return PrintedItem(key, full, star, item.fixed, place.groups)
        source = value if isinstance(value, Text) else None
        return PrintedItem(key, full, star, self.text(value), place.groups, source=source)

    @staticmethod
    def _derived_text(grid: ir.CheckGrid) -> str:
        # 「（ 1 ）件」 as 「1件」, like 委託の有無; an unused count is not printed
        boxes = [
            ir.CheckItem(it.label, it.checked, count=f"{re.sub(r'[^0-9]', '', it.count or '')}件")
            if it.checked and it.count
            else ir.CheckItem(it.label, it.checked)
            for it in grid.items
            if isinstance(it, ir.CheckItem)
        ]
        return " ".join(_box(it) for it in boxes)

    def text(self, value: object) -> str:
        if isinstance(value, DateValue):
            return dates.to_wareki(value.date) if value.date else ""
        if isinstance(value, Text):
            return flow_plain(self.b.flow(value))
        return ""  # an item never written (the reader fills in empty values) prints nothing
