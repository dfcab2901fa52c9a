"""Match a document's cells to the form's labels, in the form's order, and collect each item's text.

The document is read row by row. A cell whose text is a section title switches the section; a
cell whose text is one of the section's labels (numbering, ※ and widths folded) becomes the
current item; other cells are values of the label beside them in their row (nearest on the
left, else on the right), of the labels above them when the row before was a header row of
several labels (「評価書番号 | 評価書名」), or continue the current item (a wide value printed
below its label, paragraphs on rows of their own).

Labels repeat across the form (「リスクに対する措置の内容」), so a label is looked for forward from
the current position within the section, preferring slots not filled yet; a member of a
repeated block (委託事項2) is entered only through its own row or a label after it.
"""

from __future__ import annotations

import re

from ..form import schema as s
from ..form.definition import FormDefinition
from ..records import dataclass, field
from .cells import Cell, Row
from .labels import fold, label_key
from .slots import Slot, section_slots

# an annex has no item labels: its rows are read by position
ANNEX1 = "annex1"
ANNEX2 = "annex2"


@dataclass
class Found:
    slot: Slot
    cells: list[tuple[int, Cell]] = field(default_factory=list)  # (row number, cell)
    where: str = ""  # of the label cell
    adopted: int = 0  # cells placed here by guess (text that did not fit the item before it)


@dataclass
class Part:
    """One section file of the result: a section (and file number for per-file sections)."""

    section: s.Section | str  # a Section, or ANNEX1 / ANNEX2
    number: int  # per-file sections: 1, 2, …; else 0
    found: dict[int, Found] = field(default_factory=dict)  # slot index → texts
    rows: list[list[tuple[str, Cell]]] = field(default_factory=list)  # annex rows: (column key, cell)
    orphans: list[tuple[int, Cell]] = field(default_factory=list)  # values before any label


@dataclass
class Unplaced:
    cell: Cell
    section: str
    row: int = 0


@dataclass
class _Title:
    key: str
    target: s.Section | str


TOC = "toc"


def _titles(form: FormDefinition) -> list[_Title]:
    out = [_Title(label_key(sec.title.split("※")[0]), sec) for sec in form.sections]
    out.append(_Title(label_key(form.toc_caption), TOC))
    for sec in form.per_file_sections:
        if sec.annex is not None:
            out.append(_Title(label_key(sec.annex.title), ANNEX1))
    out.append(_Title(label_key(form.changes.title), ANNEX2))
    return out


_GROUP_ROW = re.compile(r"^(.+?)\d+~\d+$")
_COUNT = re.compile(r"^\(\d*\)件$")
_CHOICES = re.compile(r"^[<＜]選択肢[>＞]")


class Walker:
    def __init__(self, form: FormDefinition) -> None:
        self.form = form
        self.titles = _titles(form)
        self.slots = {sec.id: section_slots(sec) for sec in form.sections}
        self.by_key = {sec.id: _index(self.slots[sec.id]) for sec in form.sections}  # label key → slots
        self.parts: list[Part] = []
        self.unplaced: list[Unplaced] = []
        self.counts: dict[tuple[int, int], int] = {}  # (part index, slot index) → printed 「（ n ）件」
        self._file_no: dict[str, int] = {}
        self._seen_file_section = False
        self.part: Part | None = None
        self.section: s.Section | str = form.cover
        self.pointer = -1
        self.current: Found | None = None
        self.entered: set[tuple[str, int]] = set()
        self.header: list[tuple[int, Found]] | None = None  # the row before: several labels, no values
        self.annex2_columns: list[tuple[int, str]] = []
        self.toc: s.Section | str | None = None  # inside 項目一覧
        self.toc_seen: list[s.Section | str] = []
        self.pending: list[tuple[int, Cell]] = []
        self.floating: list[tuple[int, Cell]] = []  # text that fitted no item yet
        from ..form.registry import all_forms

        self.marks = {fold(f.mark) for f in all_forms()}
        self.fixed = {
            fold(slot.item.fixed)
            for slots in self.slots.values()
            for slot in slots
            if slot.item is not None and slot.item.kind == "fixed" and slot.item.fixed
        }
        self.mark_seen = ""

    # -- sections ------------------------------------------------------------------------

    def _switch(self, target: s.Section | str) -> None:
        for r, cell in self.floating:
            self.unplaced.append(Unplaced(cell, getattr(self.section, "path_title", ""), r))
        self.floating = []
        if isinstance(target, s.Section) and target.per_file:
            self._seen_file_section = True
            self.part = None  # a file starts at its file-name label
        elif target == ANNEX1:
            if not self._seen_file_section:
                self.part = None  # the table of contents
            else:
                n = self._file_no.get(ANNEX1, 0) + 1
                self._file_no[ANNEX1] = n
                self._open(Part(ANNEX1, n))
        elif target == ANNEX2:
            self._open(Part(ANNEX2, 0))
            self.annex2_columns = []
        else:
            self._open(next((p for p in self.parts if p.section is target), None) or Part(target, 0))
        self.section = target
        self.pointer = -1
        self.current = None
        self.entered = set()

    def _open(self, part: Part) -> None:
        if part not in self.parts:
            self.parts.append(part)
        self.part = part

    def _new_file(self, sec: s.Section) -> None:
        n = self._file_no.get(sec.id, 0) + 1
        self._file_no[sec.id] = n
        self._open(Part(sec, n, orphans=self.pending))
        self.pending = []
        self.pointer = -1
        self.entered = set()

    def _title_of(self, cell: Cell, first: bool) -> s.Section | str | None:
        if not first:
            return None
        key = label_key(cell.text)
        for t in self.titles:
            if key == t.key or (
                key.startswith(t.key) and len(key) <= len(t.key) + 14 and "\n" not in cell.text
            ):
                return t.target
        return None

    # -- the walk ------------------------------------------------------------------------

    def run(self, rows: list[Row]) -> None:
        self.section = self.form.cover
        self._open(Part(self.form.cover, 0))
        for r, row in enumerate(self._unwrap(rows)):
            self._row(r, row)

    def _unwrap(self, rows: list[Row]) -> list[Row]:
        """A label a PDF wrapped over two lines (「6.情報提供ネットワークシステ」「ムとの接続」),
        each line a row of one cell, is joined back into one."""
        keys = {k for sec in self.form.sections for k in self.by_key[sec.id]} | {t.key for t in self.titles}
        out: list[Row] = []
        i = 0
        while i < len(rows):
            row = rows[i]
            if len(row) == 1 and i + 1 < len(rows) and len(rows[i + 1]) == 1:
                a, b = row[0], rows[i + 1][0]
                joined = label_key(a.text + b.text)
                if joined in keys and label_key(a.text) not in keys and "\n" not in a.text + b.text:
                    out.append([Cell(a.text + b.text, a.where, a.col)])
                    i += 2
                    continue
            out.append(row)
            i += 1
        return out

    def _row(self, r: int, row: Row) -> None:
        target = self._title_of(row[0], True)
        if self.toc is not None:
            # 項目一覧 lists the titles (in a scrambled extraction, in any order): a title listed
            # twice is the real one; after the list without one, the form goes on with its Ⅰ
            if target is not None and target not in self.toc_seen:
                self.toc_seen.append(target)
                return
            self.toc = None
            self._switch(target if target is not None else self.form.sections[1])
            if target is not None:
                row = row[1:]
                if not row:
                    return
        elif target is TOC:
            self.toc = TOC
            self.toc_seen = []
            return
        elif target is not None and (len(row) == 1 or self.section not in (ANNEX2,)):
            self._switch(target)
            row = row[1:]
            if not row:
                return
        if self.section in (ANNEX1, ANNEX2):
            self._annex_row(r, row)
            return
        assert isinstance(self.section, s.Section)
        labels: list[tuple[int, Found]] = []  # position in row → label found
        values: list[tuple[int, Cell]] = []
        for cell in row:
            pos = cell.col
            folded = fold(cell.text)
            if _GROUP_ROW.match(folded) or _CHOICES.match(folded):
                continue
            if folded in self.fixed:  # a note the form itself prints (「２）又は３）を選択した…」)
                continue
            if folded in self.marks:  # 「[令和6年10月 様式3]」: the form's edition mark, no value
                self.mark_seen = folded
                continue
            if _COUNT.match(folded):
                if self.current is not None and self.part is not None:
                    count = int(folded[1:-2] or 0)
                    self.counts[(self.parts.index(self.part), self.current.slot.index)] = count
                continue
            found = self._label(cell)
            if found is not None:
                labels.append((pos, found))
                continue
            split = self._label_prefix(cell)
            if split is not None:
                found, rest = split
                labels.append((pos, found))
                values.append((pos, Cell(rest, cell.where, cell.col)))
                continue
            values.append((pos, cell))
        if labels:
            for pos, cell in values:
                left = [f for p, f in labels if p <= pos]
                target_found = left[-1] if left else labels[0][1]
                target_found.cells.append((r, cell))
            self.header = labels if len(labels) >= 2 and not values else None
            return
        if self.header:
            if len(values) == 1 and len(self.header) > 1:
                # one cell under a header of several labels: its words, left to right
                pos, cell = values[0]
                words = cell.text.split(maxsplit=len(self.header) - 1)
                if len(words) == len(self.header):
                    values = [
                        (p, Cell(w, cell.where, p)) for (p, _), w in zip(self.header, words, strict=True)
                    ]
            for pos, cell in values:
                cols = [f for p, f in self.header if p <= pos]
                (cols[-1] if cols else self.header[0][1]).cells.append((r, cell))
            self.header = None
            return
        for _, cell in values:
            if self.current is not None and not _fits(self.current.slot, cell.text):
                self.floating.append((r, cell))  # e.g. sentences under a choice: a later text's
            elif self.current is not None:
                self.current.cells.append((r, cell))
            elif self.part is not None:
                self.part.orphans.append((r, cell))  # text before the part's first label
            elif isinstance(self.section, s.Section) and self.section.per_file:
                self.pending.append((r, cell))  # before the file's first label: the file adopts it
            else:
                self.unplaced.append(Unplaced(cell, getattr(self.section, "path_title", ""), r))

    def _candidates(self, key: str) -> list[int]:
        sec = self.section
        assert isinstance(sec, s.Section)
        return self.by_key[sec.id].get(key, [])

    def _label(self, cell: Cell) -> Found | None:
        key = label_key(cell.text)
        if not key or len(key) > 200:
            return None
        indexes = self._candidates(key)
        if not indexes:
            other = self._section_of(key)
            if other is None:
                return None
            self._switch(other)  # a label of another part: its title was lost or printed elsewhere
            indexes = self._candidates(key)
        return self._enter(self._choose(indexes), cell)

    def _section_of(self, key: str) -> s.Section | None:
        """The next part of the form (after the current one, else before) that has this label;
        short labels (「方法」) say too little to leave the current part for."""
        if len(key) < 6:
            return None
        sections = list(self.form.sections)
        here = sections.index(self.section) if self.section in sections else 0
        for sec in sections[here + 1 :] + sections[:here]:
            if key in self.by_key[sec.id]:
                return sec
        return None

    def _label_prefix(self, cell: Cell) -> tuple[Found, str] | None:
        """A label and its value in one cell (「①事務の名称 国民健康保険に関する事務」)."""
        sec = self.section
        assert isinstance(sec, s.Section)
        text = cell.text.strip()
        first_line = text.split("\n", 1)[0]
        slots = self.slots[sec.id]
        for i in range(max(self.pointer + 1, 0), min(self.pointer + 8, len(slots))):
            slot = slots[i]
            if len(slot.key) < 3 or slot.item is None:
                continue
            for end in range(len(slot.key), min(len(first_line), len(slot.key) * 2 + 8) + 1):
                if label_key(first_line[:end]) == slot.key:
                    rest = text[end:].strip()
                    if rest and label_key(rest[:1]) not in ("",):
                        return self._enter(i, cell), rest
                    break
        return None

    def _choose(self, indexes: list[int]) -> int:
        """The slot a label cell stands for: the next one forward, not yet filled, not in a member
        of a repeated block that has not begun; else the nearest before (scrambled order)."""
        part = self.part
        filled = part.found if part is not None else {}
        slots = self.slots[self.section.id]  # type: ignore[union-attr]

        def ok(i: int) -> bool:
            slot = slots[i]
            if slot.member is not None and not slot.starts_member and slot.member not in self.entered:
                return slot.member[1] == 0  # member 1 needs no row of its own (システム1 is optional)
            return True

        ahead = [i for i in indexes if i > self.pointer and ok(i) and i not in filled]
        if ahead:
            return ahead[0]
        behind = [i for i in indexes if i not in filled and ok(i)]
        if behind:
            return min(behind, key=lambda i: abs(i - self.pointer))
        usable = [i for i in indexes if ok(i)] or indexes
        return min(usable, key=lambda i: (abs(i - self.pointer), i))

    def _enter(self, index: int, cell: Cell) -> Found:
        sec = self.section
        assert isinstance(sec, s.Section)
        slot = self.slots[sec.id][index]
        if sec.per_file and (self.part is None or (index == 0 and 0 in self.part.found)):
            self._new_file(sec)
        assert self.part is not None
        if slot.member is not None:
            self.entered.add(slot.member)
        self.pointer = index
        found = self.part.found.get(index)
        if found is None:
            found = Found(slot, where=cell.where)
            self.part.found[index] = found
        if self.floating and slot.item is not None and slot.item.kind == "text":
            found.cells[:0] = self.floating
            found.adopted += len(self.floating)
            self.floating = []
        self.current = found
        return found

    # -- annexes -------------------------------------------------------------------------

    def _annex_row(self, r: int, row: Row) -> None:
        assert self.part is not None
        if self.section == ANNEX2:
            names = [(c.col, label_key(c.text)) for c in row]
            columns = [label_key(i.label) for i in self.form.changes.columns]
            if sum(n in columns for _, n in names) >= 3:
                self.annex2_columns = [(p, n) for p, n in names if n in columns]
                return
            if not self.annex2_columns:
                return
            mapped: list[tuple[str, Cell]] = []
            for cell in row:
                cols = [n for p, n in self.annex2_columns if p <= cell.col] or [self.annex2_columns[0][1]]
                mapped.append((cols[-1], cell))
            self.part.rows.append(mapped)
        else:
            self.part.rows.append([("", c) for c in row])


def _index(slots: tuple[Slot, ...]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for slot in slots:
        out.setdefault(slot.key, []).append(slot.index)
    return out


def labels_found(walker: Walker) -> tuple[bool, int]:
    """Whether the document prints this form's edition mark, and how many of its labels it
    prints: picks the form and edition."""
    return walker.mark_seen == fold(walker.form.mark), sum(len(p.found) for p in walker.parts)


def merge_repeated_files(walker: Walker) -> None:
    """A file-name label printed again with the same name (a page header of a PDF, a scrambled
    extraction) continues that file; only a new name starts the next file."""
    merged: list[Part] = []
    for part in walker.parts:
        sec = part.section
        prev = (
            next((p for p in reversed(merged) if p.section is sec), None)
            if isinstance(sec, s.Section)
            else None
        )
        if prev is not None and sec.per_file and _file_name(part) in ("", _file_name(prev)):  # type: ignore[union-attr]
            for index, found in part.found.items():
                if index == 0:
                    continue
                if index in prev.found:
                    prev.found[index].cells.extend(found.cells)
                else:
                    prev.found[index] = found
            continue
        merged.append(part)
    # number the files of each section again, in order
    counters: dict[str, int] = {}
    for part in merged:
        sec = part.section
        if isinstance(sec, s.Section) and sec.per_file:
            counters[sec.id] = counters.get(sec.id, 0) + 1
            part.number = counters[sec.id]
    walker.parts = merged


def _file_name(part: Part) -> str:
    found = part.found.get(0)
    return fold(" ".join(c.text for _, c in found.cells)) if found else ""


_DATE_LIKE = re.compile(r"(令和|平成|昭和|[0-9]{4}[-/年])")


def _fits(slot: Slot, text: str) -> bool:
    """Whether a value cell can belong to the item: a choice shows brackets or its options,
    a date a date; sentences under them (a scrambled extraction) belong elsewhere."""
    item = slot.item
    if item is None:
        return bool(slot.flags) and "[" in text
    folded = fold(text)
    match item.kind:
        case "choice":
            return (
                "[" in folded
                or "<選択肢>" in folded
                or bool(_COUNT.match(folded))
                or any(fold(o) in folded for o in item.options)
            )
        case "checks" | "flag":
            return "[" in folded
        case "date":
            return bool(_DATE_LIKE.search(folded))
        case "number":
            return folded.isdigit()
        case _:
            return True
