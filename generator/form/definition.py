"""A form in one edition as data: everything the pipeline needs to read, check, print and compare it.

The reader, layout builder, printed-item walker (change tables), blocks usage and the rules take a
``FormDefinition``; none of them names a particular form's sections or items. The node types
(``Item``, ``RowGroup``, ``Head``, ``Repeat``, ``Section``, ``Annex``) live in ``schema``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

from ..records import dataclass, field, replace
from .schema import Annex, Head, Item, Node, Repeat, RowGroup, Section

# Cover keys that say which form and edition a folder is written in (read before the cover's items).
FORM_KEY = "様式"
EDITION_KEY = "版"
# The file of a 重点's folder with the paired 基礎's own items (generator.form.pairing): here, for a
# build to look for it without importing the pairing and both forms' items.
PAIRED_FILE = "8_基礎項目"


@dataclass(frozen=True)
class ChangesAnnex:
    """The list of changes (（別添２） / （別添）変更箇所): its own file, one row per change."""

    id: str  # part id
    file: str  # file name stem
    key: str  # YAML key of the row list
    title: str  # as printed
    short: str  # for sheet names and tables of contents
    columns: tuple[Item, ...]  # 変更日, 項目, 変更前の記載, 変更後の記載, 提出時期, 提出時期に係る説明

    @property
    def label(self) -> str:
        """The title as messages name it: 「（別添２） 変更箇所」."""
        return " ".join(self.title.split())


@dataclass(frozen=True)
class CoverKeys:
    """Which cover items the document's metadata (headers, file properties, site lists) come from."""

    number: str = "評価書番号"
    name: str = "評価書名"
    organisation: str = "評価実施機関名"
    published: str = "公表日"


@dataclass(frozen=True)
class FormDefinition:
    kind: str  # 「重点項目評価書」
    short: str  # 「重点」
    number: int  # 様式 number (様式3)
    edition: str  # 「令和6年10月」
    since: datetime.date  # the first 公表日 the edition fits
    title: str  # printed on the cover: 「特定個人情報保護評価書（重点項目評価書）」
    sections: tuple[Section, ...]  # print order, cover first; per-file sections repeat per file
    toc: tuple[str, ...]  # 項目一覧 printed on the cover
    changes: ChangesAnnex
    cover_keys: CoverKeys = CoverKeys()
    file_name_key: str = ""  # item naming a file in its per-file sections (titles of groups)
    toc_caption: str = "項目一覧"
    file_word: str = "ファイル"  # 「Ⅱ（ファイル1）」, 「ファイル 1 には …」
    file_noun: str = "特定個人情報ファイル"  # what the per-file sections are repeated for
    # names older code uses for sections (``assessment.basic`` → "s1"); per-file ones on FileSections
    accessors: tuple[tuple[str, str], ...] = ()
    companions: tuple[str, ...] = ()  # file stems in the folder that a paired form reads, not this one
    rule_set: str = ""  # the rules registered for this name apply (default: ``kind``)
    until: datetime.date | None = field(default=None, compare=False)  # set by the registry: next edition

    # -- identity ---------------------------------------------------------

    @property
    def mark(self) -> str:
        """The edition mark printed on the form, as published documents carry it."""
        return f"[{self.edition} 様式{self.number}]"

    @property
    def name(self) -> str:
        """「重点項目評価書（令和6年10月版）」, for messages and lists of known forms."""
        return f"{self.kind}（{self.edition}版）"

    @property
    def rules(self) -> str:
        return self.rule_set or self.kind

    # -- sections -----------------------------------------------------------

    @property
    def cover(self) -> Section:
        return self.sections[0]

    def section(self, section_id: str) -> Section:
        for sec in self.sections:
            if sec.id == section_id:
                return sec
        raise KeyError(section_id)

    @property
    def single_sections(self) -> tuple[Section, ...]:
        return tuple(sec for sec in self.sections if not sec.per_file)

    @property
    def per_file_sections(self) -> tuple[Section, ...]:
        return tuple(sec for sec in self.sections if sec.per_file)

    def file_names(self) -> list[str]:
        """Source file names of the form, as a message lists them."""
        names = [sec.file + ("_1" if sec.per_file else "") + ".yaml" for sec in self.sections]
        return names + [self.changes.file + ".yaml"]

    def fits(self, published: datetime.date) -> bool:
        return published >= self.since and (self.until is None or published < self.until)

    def accessor(self, name: str) -> str | None:
        return dict(self.accessors).get(name)


# ---------------------------------------------------------------------------
# Editions are derived from one another by replacing items


def map_nodes(nodes: tuple[Node, ...], fn: Callable[[Item], Item]) -> tuple[Node, ...]:
    """``nodes`` with every item (leads, titles, flags and subs included) passed through ``fn``."""
    out: list[Node] = []
    for n in nodes:
        if isinstance(n, Item):
            out.append(fn(n))
        elif isinstance(n, RowGroup):
            lead = fn(n.lead) if n.lead is not None else None
            out.append(replace(n, lead=lead, subs=tuple(fn(i) for i in n.subs)))
        elif isinstance(n, Head):
            out.append(replace(n, children=map_nodes(n.children, fn), flags=tuple(fn(f) for f in n.flags)))
        elif isinstance(n, Repeat):
            title = fn(n.title) if n.title is not None else None
            out.append(replace(n, title=title, children=map_nodes(n.children, fn)))
    return tuple(out)


def replace_items(
    sections: tuple[Section, ...], section_id: str, changes: dict[str, Callable[[Item], Item]]
) -> tuple[Section, ...]:
    """Sections with the items of ``section_id`` whose id is in ``changes`` replaced; every
    change must hit (an edition that names an item the form lacks is a mistake)."""
    hit: set[str] = set()

    def edit(item: Item) -> Item:
        if item.id in changes:
            hit.add(item.id)
            return changes[item.id](item)
        return item

    out = tuple(
        replace(sec, children=map_nodes(sec.children, edit)) if sec.id == section_id else sec
        for sec in sections
    )
    missing = set(changes) - hit
    if missing:
        raise ValueError(f"{section_id}: no items {sorted(missing)}")
    return out


def walk_items(nodes: tuple[Node, ...]) -> Iterator[Item]:
    """Every item under ``nodes`` in print order (for listings: JSON Schema, reference pages)."""
    for n in nodes:
        if isinstance(n, Item):
            yield n
        elif isinstance(n, RowGroup):
            if n.lead is not None:
                yield n.lead
            yield from n.subs
        elif isinstance(n, Head):
            yield from n.flags
            yield from walk_items(n.children)
        elif isinstance(n, Repeat):
            if n.title is not None:
                yield n.title
            yield from walk_items(n.children)


# ---------------------------------------------------------------------------
# Printed labels, read by hand (their patterns cost 0.1–0.15 ms each to compile, at every start)

_LABEL_DIGITS = frozenset("0123456789０１２３４５６７８９")


def label_number(label: str) -> str:
    """The number a heading's label starts with, with its 「．」 (「３．特定個人情報の入手」 →
    「３．」); "" when none: what ``re.match(r"^([０-９0-9]+．)", label)`` finds."""
    end = 0
    while end < len(label) and label[end] in _LABEL_DIGITS:
        end += 1
    return label[: end + 1] if end and label[end : end + 1] == "．" else ""


def clean_label(label: str) -> str:
    """A printed label without ※ and with single half-width spaces, trimmed (「①ファイルの種類　※」
    → 「①ファイルの種類」): what ``re.sub(r"[ \u3000]+", " ", …).strip()`` makes of it."""
    words = label.replace("※", "").replace("\u3000", " ").split(" ")
    return " ".join(word for word in words if word).strip()


__all__ = [
    "EDITION_KEY",
    "FORM_KEY",
    "PAIRED_FILE",
    "Annex",
    "ChangesAnnex",
    "CoverKeys",
    "FormDefinition",
    "clean_label",
    "label_number",
    "map_nodes",
    "replace_items",
    "walk_items",
]
