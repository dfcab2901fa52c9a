"""XLSX writer: the layout IR as a workbook that prints like the official Excel form.

One sheet per IR part, as the official workbook has (表紙, Ⅰ, Ⅱ per file, 別添1, …): every part
then begins on a new printed page, each sheet carries its own page setup, and a part's table
header can repeat as the sheet's print titles. Every sheet is laid on a fixed grid of narrow
columns spanning the printable A4 width (in LibreOffice; Excel prints it a little narrower,
centred); each IR table maps its relative widths onto the grid, and a cell spanning grid columns
or rows becomes a merged range. Headings and paragraphs are rows merged across the grid.

Excel does not grow a row for text in a merged range, so row heights come from an estimate of
the wrapped text (``xlsx_metrics``). The rightmost cell of a row is stacked: a sheet row per
paragraph (check-box grid row, options box), bordered as one cell, the cells to its left merged
over the stack, so that printed pages break between paragraphs and never through a line. Any
other cell taller than Excel's largest row is merged over as many sheet rows as it needs, its
text whole in one cell.

The layout is plain data (``SheetLayout``); ``xlsx_xml`` writes it out, each sheet as one string.
"""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime

from generator.layout.ir import (
    Cell,
    CheckCaption,
    CheckGrid,
    CheckItem,
    ChoiceValue,
    Content,
    Document,
    Flow,
    Heading,
    Options,
    Para,
    Paragraph,
    Part,
    Table,
    TextContent,
    check_line,
)
from generator.writers import fonts, xmltext
from generator.writers import xlsx_xml as sml
from generator.writers.xlsx_metrics import (
    MAX_ROW_PT,
    ROW_PADDING_PT,
    UNIT_PT,
    band_heights,
    line_count,
    lines_height,
    sheet_rows_for,
    stacked_height,
)
from generator.writers.zipfix import zip_entries

from ..records import dataclass, field, replace

EXTENSION = ".xlsx"

# The form's Mincho (generator.writers.fonts); a PC without it substitutes a Japanese Mincho, as
# the Shift_JIS charset and roman family below ask for.
FONT_NAME = fonts.MINCHO
BODY_PT = 9.0
GRID_COLUMNS = 24
# The workbook's default font, whose digit width is the unit of column widths: Japanese Excel's
# own default, so Excel's unit is known (8 px = 6 pt); LibreOffice on Debian measures its DejaVu
# Sans substitute (7 pt).
DEFAULT_FONT_NAME = fonts.SHEET_DEFAULT
# Width units of the whole grid: 24 × 3 units × 7 pt = 504 pt in LibreOffice, the A4 width less the
# side margins (595 − 2 × 43 pt); Excel prints the grid at 432 pt, centred.
GRID_UNITS = 72.0
MARGIN_INCH = 0.6
GAP_PT = 6.0  # blank row between blocks
HEADER_LIMIT = 255  # Excel rejects header/footer strings over 255 characters, codes included
CELL_LIMIT = 32767  # Excel's most characters in a cell
# The printed page in LibreOffice (A4, top and bottom margins of 0.75 in holding the running head
# and foot): the height of sheet rows one page holds, a little held back for rounding.
PAGE_BODY_PT = 841.89 - 2 * 54.0 - 12.0
# A block of several sheet rows (a cell stacked a paragraph a row) taller than this share of a page
# is broken between its paragraphs rather than moved whole to the next page.
SPLIT_FRACTION = 0.2

FULL_SPACE = "　"
GREY = "F2F2F2"


@dataclass(frozen=True, slots=True)
class Look:
    """How a range prints: font, fill, alignment, border."""

    size: float = BODY_PT
    bold: bool = False
    fill: bool = False
    horizontal: str = "left"
    vertical: str = "top"
    stacked: bool = False  # text set vertically, one character under another
    boxed: bool = True  # a table cell with thin borders


KEEP_WITH_NEXT = frozenset({"title", "h2", "h3", "caption"})  # line looks kept with the block below

LOOKS: dict[str, Look] = {
    "label": Look(fill=True),
    "heading": Look(bold=True, fill=True),
    "header": Look(bold=True, fill=True, horizontal="center", vertical="center"),
    "value": Look(),
    "choice": Look(horizontal="center", vertical="center"),
    "title": Look(size=14.0, bold=True, horizontal="center", vertical="center", boxed=False),
    "h2": Look(size=12.0, bold=True, vertical="center", boxed=False),
    "h3": Look(size=10.0, bold=True, vertical="center", boxed=False),
    "body": Look(boxed=False),
    "caption": Look(bold=True, boxed=False),
    "note": Look(size=8.0, boxed=False),
}
ROLE_LOOKS = {
    "label": "label",
    "sublabel": "label",
    "group": "label",
    "heading": "heading",
    "header": "header",
    "value": "value",
    "options": "value",
    "checks": "value",
    "choice": "choice",
}
HEADING_LOOKS = {1: "title", 2: "h2"}


@functools.cache  # asked for every range and every piece of text: a few keys, frozen looks
def look_of(key: str) -> Look:
    """A look by key; ``label+stacked`` is the label look set vertically."""
    base, _, variant = key.partition("+")
    look = LOOKS[base]
    if variant == "stacked":
        look = replace(look, stacked=True, horizontal="center", vertical="center")
    return look


# ---------------------------------------------------------------------------
# Cell text


def para_line(para: Para) -> str:
    marker = para.marker + " " if para.marker else ""
    return FULL_SPACE * para.level + marker + para.text


def flow_lines(flow: Flow) -> str:
    return "\n".join(para_line(para) for para in flow)


def fits_line(text: str, width_pt: float | None) -> bool:
    return width_pt is None or line_count(text, width_pt, BODY_PT) == 1


def option_lines(numbered: list[str], columns: int, width_pt: float | None) -> list[str]:
    """Options ``columns`` to a line where they fit whole on it, else fewer: no option is ever
    broken between two lines while it fits on one."""
    lines: list[str] = []
    current: list[str] = []
    for option in numbered:
        joined = FULL_SPACE.join([*current, option])
        if current and (len(current) >= columns or not fits_line(joined, width_pt)):
            lines.append(FULL_SPACE.join(current))
            current = []
        current.append(option)
    if current:
        lines.append(FULL_SPACE.join(current))
    return lines


def split_long(text: str, limit: int = CELL_LIMIT) -> list[str]:
    """Text in pieces of at most ``limit`` characters (Excel's cell limit), cut at a line end, else
    after a sentence's 「。」, else anywhere."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut > 0:
            pieces.append(text[:cut])
            text = text[cut + 1 :]
            continue
        cut = text.rfind("。", 0, limit) + 1 or limit
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


def content_units(content: Content, width_pt: float | None = None) -> list[str]:
    """The pieces a cell's content is stacked in, one sheet row each: a paragraph, a check-box
    grid row (its caption included), the whole options box, the chosen value. ``width_pt`` is the
    cell's width, so that options are put side by side only where they fit."""
    if isinstance(content, TextContent):
        return [para_line(para) for para in content.flow]
    if isinstance(content, ChoiceValue):
        return [f"[ {content.value or FULL_SPACE} ]{content.suffix}"]
    if isinstance(content, Options):
        rows = option_lines(content.numbered(), max(1, content.columns), width_pt)
        return ["\n".join([content.heading, *rows])]
    if isinstance(content, CheckGrid):
        units: list[str] = []
        for row in content.rows():
            lines = [item.text for item in row if isinstance(item, CheckCaption)]
            items = [check_line(item) for item in row if isinstance(item, CheckItem)]
            if items:
                lines.extend(option_lines(items, len(items), width_pt))
            units.append("\n".join(lines))
        return units
    raise TypeError(f"未対応のセル内容です: {type(content).__name__}")


def cell_units(cell: Cell, width_pt: float | None = None) -> list[str]:
    """The cell's text in stackable pieces, never none (an empty cell is one empty piece), none
    longer than a cell may hold."""
    units: list[str] = []
    for content in cell.content:
        for unit in content_units(content, width_pt):
            unit = sml.clean(unit)  # control characters cannot be stored in XML
            if len(unit) > CELL_LIMIT:
                units.extend(piece for piece in split_long(unit) if piece)
            elif unit:
                units.append(unit)
    return units or [""]


def cell_text(cell: Cell) -> str:
    return "\n".join(cell_units(cell))


MIN_CHECK_COLUMN_PT = 8 * BODY_PT  # a check-box column narrower than 8 characters is too narrow


Grid = tuple[list[str], list[tuple[CheckItem, ...]], int]


def check_grid(cell: Cell, width_pt: float) -> Grid | None:
    """A check-box cell as the form prints it, its boxes in columns: its stacked units (captions
    and text a row each, a row of boxes a unit), the boxes of each unit (none for a caption) and
    the number of columns. As many columns as the form has, fewer where a box would wrap in its
    column (it would take more lines than the boxes flowing as text); None for a cell whose boxes
    fit no two columns (they flow as text, ``content_units``)."""
    grids = [c for c in cell.content if isinstance(c, CheckGrid)]
    if not grids:
        return None
    most = min(min((g.columns for g in grids), default=1), int(width_pt // MIN_CHECK_COLUMN_PT))
    for columns in range(most, 1, -1):
        grid = _grid_units(cell, width_pt, columns)
        # the last box of a row takes what the row leaves: it may wrap there
        if grid and all(
            fits_line(check_line(box), width_pt / columns) for row in grid[1] for box in row[:-1]
        ):
            return grid
    return None


def _grid_units(cell: Cell, width_pt: float, columns: int) -> Grid | None:
    units: list[str] = []
    items: list[tuple[CheckItem, ...]] = []
    for content in cell.content:
        if not isinstance(content, CheckGrid):
            for unit in content_units(content, width_pt):
                units.append(sml.clean(unit))
                items.append(())
            continue
        for row in content.rows():
            for caption in (i for i in row if isinstance(i, CheckCaption)):
                units.append(sml.clean(caption.text))
                items.append(())
            boxes = tuple(i for i in row if isinstance(i, CheckItem))
            for start in range(0, len(boxes), columns):
                chunk = boxes[start : start + columns]
                units.append(sml.clean(FULL_SPACE.join(check_line(i) for i in chunk)))
                items.append(chunk)
    if len("".join(units)) > CELL_LIMIT or not any(items):
        return None
    return units, items, columns


# ---------------------------------------------------------------------------
# Sheet names and the column grid

# Excel's forbidden characters and those XML cannot hold (xmltext.ILLEGAL, not a class of its own
# with the surrogates: that took 0.4 ms to compile), each replaced by "_"
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\\t\n\r", "_"))
SHEET_TITLE_MAX = 31


def sheet_chars(text: str) -> str:
    return xmltext.replace_illegal(text.translate(_SHEET_FORBIDDEN), "_")


def sheet_titles(parts: tuple[Part, ...]) -> list[str]:
    """Sheet names from the parts' short titles: Excel's forbidden characters replaced, ≤ 31
    characters, unique ignoring case (「History」 is reserved by Excel)."""
    used = {"history"}
    titles = []
    for number, part in enumerate(parts, 1):
        base = sheet_chars(part.short_title).strip().strip("'")[:SHEET_TITLE_MAX]
        base = base or f"Sheet{number}"
        title, n = base, 2
        while title.casefold() in used:
            suffix = f"({n})"
            title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
            n += 1
        used.add(title.casefold())
        titles.append(title)
    return titles


def grid_spans(widths: tuple[int, ...], grid: int) -> list[int]:
    """Sheet columns per logical column: proportional to ``widths``, each at least 1, summing to
    ``grid`` (largest remainders first, ties to the left)."""
    count = len(widths)
    if count == 0:
        return []
    if count > grid:
        raise ValueError(f"表の列数 {count} がシートの列数 {grid} を超えています")
    weights = widths if sum(widths) > 0 else (1,) * count
    ideal = [w * grid / sum(weights) for w in weights]
    spans = [max(1, math.floor(x)) for x in ideal]
    while sum(spans) < grid:
        i = max(range(count), key=lambda k: (ideal[k] - spans[k], -k))
        spans[i] += 1
    while sum(spans) > grid:
        i = min((k for k in range(count) if spans[k] > 1), key=lambda k: (ideal[k] - spans[k], k))
        spans[i] -= 1
    return spans


# ---------------------------------------------------------------------------
# Sheet layout: blocks placed as ranges on sheet rows, before any XML is written


Edges = str
# The borders of each edge kind (left, right, top, bottom): the rows of a stacked cell print as
# one box, open between them. A kind with a suffix (「top-l」, 「middle-」, 「bottom-r」) is a
# column of a row of check boxes: it has the left (l) and right (r) borders the suffix names.
EDGE_SIDES: dict[str, tuple[bool, bool, bool, bool]] = {
    "box": (True, True, True, True),
    "top": (True, True, True, False),
    "middle": (True, True, False, False),
    "bottom": (True, True, False, True),
}


def edge_sides(edges: Edges) -> tuple[bool, bool, bool, bool]:
    base, dash, sides = edges.partition("-")
    left, right, top, bottom = EDGE_SIDES[base]
    if dash:
        left, right = "l" in sides, "r" in sides
    return left, right, top, bottom


@dataclass(slots=True)
class Slot:
    """A cell of a block on logical rows, with its sheet columns. A ``stacked`` slot prints its
    units on consecutive sheet rows, one (or, for a unit taller than a row, several) each."""

    row: int
    rows: int
    left: int
    right: int
    units: list[str]
    look: str
    stacked: bool = False
    boxes: list[tuple[CheckItem, ...]] = field(default_factory=list)  # per unit, in columns
    columns: int = 1  # of the check boxes

    @property
    def text(self) -> str:
        return "\n".join(self.units)


@dataclass(slots=True)
class Range:
    """A cell placed on sheet rows and columns (1-based, inclusive)."""

    top: int
    left: int
    bottom: int
    right: int
    text: str
    look: str
    need: float  # height in points the text needs over rows top..bottom
    edges: Edges = "box"  # where it stands in a stacked cell


class SheetLayout:
    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.column_units = GRID_UNITS / columns
        self.ranges: list[Range] = []
        self.fixed: dict[int, float] = {}  # rows of a set height (gaps, bands)
        # the band rows of tall rows (see place), each with the row's first sheet row: a page may
        # end after them, between two printed lines of every top-aligned cell of the row
        self.bands: dict[int, int] = {}
        self.next_row = 1
        self.title_rows: tuple[int, int] | None = None
        # what a page break may not cut: (first row, last row, kept with the next block)
        self.blocks: list[tuple[int, int, bool]] = []
        # choice cells and check boxes (sheet row, column, the values offered as printed): a
        # pull-down in Excel, as the official workbook has
        self.choices: list[tuple[int, int, tuple[str, ...]]] = []

    # -- blocks

    def add_part(self, part: Part) -> None:
        tables = [i for i, b in enumerate(part.blocks) if isinstance(b, Table)]
        for i, block in enumerate(part.blocks):
            if i:
                self.fixed[self.next_row] = GAP_PT
                # a gap goes with what stands above it to the next page, like a heading
                self.blocks.append((self.next_row, self.next_row, True))
                self.next_row += 1
            if isinstance(block, Heading):
                self.add_line(block.text, HEADING_LOOKS.get(block.level, "h3"))
            elif isinstance(block, Paragraph):
                # a sheet row per paragraph, so that page breaks fall between paragraphs
                for para in block.flow or (Para(()),):
                    self.add_line(para_line(para), block.style)
            elif isinstance(block, Table):
                # Print titles repeat on every page of the sheet, so only the header of the last
                # table may repeat: above any later table it would be wrong.
                self.add_table(block, repeat_header=i == tables[-1])

    def add_line(self, text: str, look: str) -> None:
        pieces = split_long(sml.clean(text))
        first = self.next_row
        self.place([Slot(0, 1, 1, self.columns, pieces, look, len(pieces) > 1)], 1)
        self.blocks.append((first, self.next_row - 1, look in KEEP_WITH_NEXT))

    def add_table(self, table: Table, repeat_header: bool = False) -> None:
        if table.caption:
            self.add_line(table.caption, "caption")
        spans = grid_spans(table.widths, self.columns)
        starts = [1]
        for span in spans:
            starts.append(starts[-1] + span)
        count = len(table.rows)
        taken: list[set[int]] = [set() for _ in range(count)]
        slots: list[Slot] = []
        choice_slots: list[tuple[int, tuple[str, ...]]] = []  # (index in slots, options)
        for r, row in enumerate(table.rows):
            c = 0
            options = next(
                (x.options for cell in row.cells for x in cell.content if isinstance(x, Options)), None
            )
            for cell in row.cells:
                if options and any(isinstance(x, ChoiceValue) for x in cell.content):
                    choice_slots.append((len(slots), tuple(choice_value(o) for o in options)))
                while c in taken[r]:
                    c += 1
                last = c + cell.colspan - 1
                if last >= len(spans):
                    raise ValueError(f"表の {r + 1} 行目のセルが表の列数 {len(spans)} を超えています")
                rows = 1 if cell.rowspan == 1 else max(1, min(cell.rowspan, count - r))
                for rr in range(r + 1, r + rows):  # this row's own cells are left behind by c
                    taken[rr].update(range(c, last + 1))
                look = ROLE_LOOKS[cell.role] + ("+stacked" if cell.vertical else "")
                width = (starts[last + 1] - starts[c]) * self.column_units * UNIT_PT
                grid = check_grid(cell, width) if rows == 1 and last == len(spans) - 1 else None
                units = cell_units(cell, width) if grid is None else grid[0]
                # Only the rightmost cell of a row is stacked: read row by row (text extraction,
                # a city copying cells), the pieces of a cell with another to its right would
                # interleave with that cell's. Such a cell stays one range over all the rows,
                # unless it is longer than a cell may hold.
                stacked = rows == 1 and last == len(spans) - 1 and not cell.vertical and len(units) > 1
                stacked = stacked or grid is not None or sum(map(len, units)) + len(units) > CELL_LIMIT
                slot = Slot(r, rows, starts[c], starts[last + 1] - 1, units, look, stacked)
                if grid is not None:
                    slot.boxes, slot.columns = grid[1], grid[2]
                slots.append(slot)
                c = last + 1
        row_starts = self.place(slots, count)
        for index, options in choice_slots:
            slot = slots[index]
            self.choices.append((row_starts[slot.row], slot.left, options))
        for r, row in enumerate(table.rows):
            keep = row.kind in ("heading", "group", "header") or r < table.header_rows
            self.blocks.append((row_starts[r], row_starts[r + 1] - 1, keep))
        header = min(table.header_rows, count)
        if repeat_header and header:
            self.title_rows = (row_starts[0], row_starts[header] - 1)

    def place(self, slots: list[Slot], count: int) -> list[int]:
        """Put ``count`` logical rows of slots on sheet rows; returns each logical row's first sheet
        row (and the row after the last).

        A stacked cell takes a sheet row per unit; the cells to its left are merged over all of
        them. LibreOffice never splits a row across pages, so the page breaks fall between units
        and no printed line is cut in two. Each unit's row has its own padding (ROW_PADDING_PT):
        the small gap that sets paragraphs apart where one cell had none.

        A row with any other cell taller than a page's share is cut into bands (``banded_rows``):
        its cells are one range each over the bands, their text whole (cutting the text into a
        cell per sheet row gave a city copying the cell a fragment), and LibreOffice, printing a
        merged cell over a page break, goes on with its text on the next page; the bands end
        between two printed lines. A cell over several logical rows, and a single unit, taller
        than Excel's largest row is one range merged over as many sheet rows as it needs."""
        # a stacked slot's text is measured whole only where its row is banded (banded_rows)
        whole = [None if slot.stacked else self.need(slot.text, slot) for slot in slots]
        need = whole[0] if whole else None  # (a table of no row, a row of no cell: no slot)
        if count == 1 and len(slots) == 1 and need is not None and need <= PAGE_BODY_PT * SPLIT_FRACTION:
            # a row of one cell, neither stacked nor banded (a heading, a paragraph): the range
            # over the rows its text needs, what the steps below make of it
            slot, top = slots[0], self.next_row
            self.next_row = top + sheet_rows_for(need)
            self.ranges.append(
                Range(top, slot.left, self.next_row - 1, slot.right, slot.text, slot.look, need)
            )
            return [top, self.next_row]
        banded = self.banded_rows(slots, whole)
        # a stacked slot's pieces are its units; any other slot is one piece, its whole text
        pieces: list[list[str]] = []
        needs: list[list[float]] = []
        for slot, need in zip(slots, whole, strict=True):
            if slot.row in banded:
                slot.stacked = False  # one range over the bands, its text whole
                slot.boxes = []
            if slot.stacked:
                pieces.append(slot.units)
                needs.append([self.unit_need(slot, i) for i in range(len(slot.units))])
            else:
                text = slot.text
                pieces.append([text])
                needs.append([self.need(text, slot) if need is None else need])
        sheet_rows = [1] * count
        for r, bands in banded.items():
            sheet_rows[r] = len(bands) + 1
        for slot, piece_needs in zip(slots, needs, strict=True):
            if slot.stacked:
                stack = sum(sheet_rows_for(n) for n in piece_needs)
                sheet_rows[slot.row] = max(sheet_rows[slot.row], stack)
        # single-row cells first: a cell over several logical rows adds only what they still lack
        merged = [(slot, n[0]) for slot, n in zip(slots, needs, strict=True) if not slot.stacked]
        for slot, need in sorted(merged, key=lambda pair: pair[0].rows):
            if slot.rows == 1:
                missing = sheet_rows_for(need) - sheet_rows[slot.row]
                if missing > 0 and slot.row not in banded:
                    sheet_rows[slot.row] += missing
                continue
            span = range(slot.row, slot.row + slot.rows)
            missing = sheet_rows_for(need) - sum(sheet_rows[r] for r in span)
            if missing > 0:
                sheet_rows[span[-1]] += missing
        starts = [self.next_row]
        for n in sheet_rows:
            starts.append(starts[-1] + n)
        for slot, texts, piece_needs in zip(slots, pieces, needs, strict=True):
            top, bottom = starts[slot.row], starts[slot.row + slot.rows] - 1
            if not slot.stacked:  # one piece over all the rows
                self.ranges.append(
                    Range(top, slot.left, bottom, slot.right, texts[0], slot.look, piece_needs[0])
                )
                continue
            last = len(texts) - 1
            for i, (text, need) in enumerate(zip(texts, piece_needs, strict=True)):
                # the last piece takes any rows that a taller cell to the left added
                end = bottom if i == last else top + sheet_rows_for(need) - 1
                edges: Edges = "box"
                if slot.stacked and last:
                    edges = "top" if i == 0 else "bottom" if i == last else "middle"
                boxes = slot.boxes[i] if slot.stacked and slot.boxes else ()
                if boxes:
                    self.place_boxes(slot, boxes, top, end, need, edges)
                else:
                    self.ranges.append(Range(top, slot.left, end, slot.right, text, slot.look, need, edges))
                top = end + 1
        for r, bands in banded.items():
            for i, height in enumerate(bands):
                self.fixed[starts[r] + i] = height
                self.bands[starts[r] + i] = starts[r]
        self.next_row = starts[-1]
        return starts

    def box_columns(self, slot: Slot, count: int) -> tuple[tuple[int, int], ...]:
        """The sheet columns (first, last) of ``count`` check boxes side by side in the slot, each
        in its column, the last taking what the row leaves."""
        return box_columns(slot.left, slot.right, slot.columns, count)

    def unit_need(self, slot: Slot, index: int) -> float:
        boxes = slot.boxes[index] if slot.boxes else ()
        if not boxes:
            return self.need(slot.units[index], slot)
        size = look_of(slot.look).size
        return max(
            lines_height(line_count(check_line(box), self.span_pt(left, right), size), size)
            for box, (left, right) in zip(boxes, self.box_columns(slot, len(boxes)), strict=True)
        )

    def place_boxes(
        self, slot: Slot, boxes: tuple[CheckItem, ...], top: int, end: int, need: float, edges: Edges
    ) -> None:
        """A row of check boxes, each in its column; a pull-down offers a box ticked or not
        (not for one with a （ ） field or a count: its text is the city's)."""
        columns = self.box_columns(slot, len(boxes))
        for k, (box, (left, right)) in enumerate(zip(boxes, columns, strict=True)):
            sides = ("l" if k == 0 else "") + ("r" if k == len(boxes) - 1 else "")
            text = check_line(box)
            self.ranges.append(Range(top, left, end, right, text, slot.look, need, f"{edges}-{sides}"))
            if box.detail is None and box.count is None:  # the box is its label and tick alone
                states = (check_line(CheckItem(box.label, True)), check_line(CheckItem(box.label, False)))
                self.choices.append((top, left, states))

    def banded_rows(self, slots: list[Slot], whole: list[float | None]) -> dict[int, list[float]]:
        """The logical rows cut into bands (``band_heights``), with the heights of their bands: a
        row with a cell taller than a page's share (SPLIT_FRACTION) that would otherwise be one
        sheet row (or one range merged over several), moved whole to the next page when it does
        not fit. Its cells are one range each over the bands, their text whole; a page ends after
        a band, between two printed lines, as Writer splits a table row. A row stacked for its
        rightmost cell alone keeps its stack (pages end between paragraphs); one holding a cell
        too long for one cell stays stacked. ``whole``: each slot's need for its whole text, None
        for a stacked one, measured here (in place) where its row is banded."""
        tall = {
            slot.row
            for slot, need in zip(slots, whole, strict=True)
            if slot.rows == 1 and need is not None and need > PAGE_BODY_PT * SPLIT_FRACTION  # not stacked
        }
        if not tall:
            return {}
        tall -= {
            s.row
            for s in slots
            if s.stacked and s.row in tall and sum(len(u) + 1 for u in s.units) > CELL_LIMIT
        }
        heights: dict[int, float] = {}
        for i, slot in enumerate(slots):
            if slot.row in tall and slot.rows == 1:
                need = whole[i]
                if need is None:
                    need = whole[i] = self.need(slot.text, slot)
                heights[slot.row] = max(heights.get(slot.row, 0.0), need)
        return {r: band_heights(need) for r, need in heights.items()}

    def need(self, text: str, slot: Slot) -> float:
        """The height in points ``text`` needs in the slot's cell."""
        look = look_of(slot.look)
        if look.stacked:
            return stacked_height(text, look.size)
        return lines_height(line_count(text, self.width_pt(slot), look.size), look.size)

    def width_pt(self, slot: Slot) -> float:
        return self.span_pt(slot.left, slot.right)

    def span_pt(self, left: int, right: int) -> float:
        return (right - left + 1) * self.column_units * UNIT_PT

    # -- pages

    def page_breaks(self, heights: dict[int, float]) -> list[int]:
        """The rows after which a printed page ends: as many blocks as fit on a page, a heading,
        a group row or a table header never the last on it, a block taller than a page's share
        broken between its sheet rows (paragraphs of a stack, bands of a tall row) where no cell's
        printed lines are cut (``unsafe_breaks``). LibreOffice would break wherever the page is
        full; the writer knows which rows belong together."""
        unsafe = self.unsafe_breaks(heights)
        titles = 0.0
        breaks: list[int] = []
        used = 0.0
        page_first = 0  # index of the block that opens the page
        blocks = self.blocks
        for i, (first, last, _keep) in enumerate(blocks):
            height = heights[first] if first == last else sum(heights[r] for r in range(first, last + 1))
            capacity = PAGE_BODY_PT - (titles if breaks else 0.0)
            if used + height <= capacity:
                used += height
            elif (
                last > first and height > PAGE_BODY_PT * SPLIT_FRACTION and used + heights[first] <= capacity
            ):
                # a long cell fills the page and goes on on the next
                used = self.fill(range(first, last + 1), heights, used, capacity, titles, breaks, unsafe)
                page_first = i
            else:
                start = i
                # take the headings (and gaps) above along, unless they fill the page back to its top
                while start - 1 > page_first and blocks[start - 1][2]:
                    start -= 1
                if i > page_first:
                    breaks.append(blocks[start][0] - 1)
                    page_first = start
                used = sum(heights[r] for b in blocks[start:i] for r in range(b[0], b[1] + 1))
                capacity = PAGE_BODY_PT - titles
                if used + height <= capacity:
                    used += height
                else:  # taller than a page: break between its rows
                    used = self.fill(range(first, last + 1), heights, used, capacity, titles, breaks, unsafe)
                    page_first = i
            if self.title_rows and self.title_rows[1] <= last and not titles:
                titles = sum(heights[r] for r in range(self.title_rows[0], self.title_rows[1] + 1))
        return [b for b in breaks if b >= 1]

    @staticmethod
    def fill(
        rows: range,
        heights: dict[int, float],
        used: float,
        capacity: float,
        titles: float,
        breaks: list[int],
        unsafe: set[int],
    ) -> float:
        """Put ``rows`` (one block) on pages from ``used`` on, each page ending after the last row
        that fits and may end a page (else, with no such row on it, where the page is full);
        returns the height used on the last page."""
        safe, carried = rows.start - 1, 0.0  # the last row a page may end after; what follows it
        for r in rows:
            if used + heights[r] > capacity and used > 0:
                if carried < used and carried + heights[r] <= PAGE_BODY_PT - titles:
                    breaks.append(safe)
                    used = carried
                else:
                    breaks.append(r - 1)
                    used = carried = 0.0
                capacity = PAGE_BODY_PT - titles
            used += heights[r]
            carried += heights[r]
            if r not in unsafe:
                safe, carried = r, 0.0
        return used

    def unsafe_breaks(self, heights: dict[int, float]) -> set[int]:
        """Sheet rows after which a page may not end: a range over the boundary prints lines of
        its text across it. A band boundary falls between the lines of the row's top-aligned
        body text; elsewhere the text's extent (top-aligned from the range's top, else centred)
        is what a boundary must miss."""
        tops: dict[int, float] = {}
        y = 0.0
        for r in range(1, self.next_row + 1):
            tops[r] = y
            y += heights.get(r, 0.0)
        unsafe: set[int] = set()
        for rng in self.ranges:
            if rng.bottom == rng.top or not rng.text:
                continue
            look = look_of(rng.look)
            top, height = tops[rng.top], tops[rng.bottom + 1] - tops[rng.top]
            text = rng.need - ROW_PADDING_PT
            lo, hi = (0.0, text) if look.vertical == "top" else ((height - text) / 2, (height + text) / 2)
            aligned = look.vertical == "top" and look.size == BODY_PT and not look.stacked
            for r in range(rng.top, rng.bottom):
                if aligned and self.bands.get(r) == rng.top:
                    continue
                if lo < tops[r + 1] - top < hi:
                    unsafe.add(r)
        return unsafe

    # -- heights

    def row_heights(self) -> dict[int, float]:
        """Each sheet row's height: every range gets the height its text needs, a range over
        several rows spreading what its rows lack evenly (single rows first, so spans only add
        what is still missing)."""
        heights = dict.fromkeys(range(1, self.next_row), 0.0)
        fixed = self.fixed
        heights.update(fixed)
        # single rows first, by row and column; then spans by size, row and column
        singles = sorted((r for r in self.ranges if r.bottom == r.top), key=lambda r: (r.top, r.left))
        spans = sorted(
            (r for r in self.ranges if r.bottom != r.top), key=lambda r: (r.bottom - r.top, r.top, r.left)
        )
        for rng in singles:
            row = rng.top
            height = heights[row]
            deficit = rng.need - height
            if deficit <= 0.01:
                continue
            if deficit <= MAX_ROW_PT - height and row not in fixed:  # grow() in its one step
                heights[row] = height + deficit
            else:
                self.grow(rng, heights)
        for rng in spans:
            self.grow(rng, heights)
        floor = lines_height(1, BODY_PT)
        return {r: h if r in fixed else quantise(max(h, floor)) for r, h in heights.items()}

    def grow(self, rng: Range, heights: dict[int, float]) -> None:
        """Spread what the range's rows lack of its need evenly over those below MAX_ROW_PT."""
        rows = range(rng.top, rng.bottom + 1)
        deficit = rng.need - sum(heights[r] for r in rows)
        while deficit > 0.01:
            open_rows = [r for r in rows if heights[r] < MAX_ROW_PT and r not in self.fixed]
            if not open_rows:
                break  # not reached: place() gives every range enough rows of MAX_ROW_PT
            share = deficit / len(open_rows)
            for r in open_rows:
                grow = min(share, MAX_ROW_PT - heights[r])
                heights[r] += grow
                deficit -= grow


@functools.cache  # the same few check-box rows on every sheet
def box_columns(left: int, right: int, columns: int, count: int) -> tuple[tuple[int, int], ...]:
    spans = grid_spans((1,) * columns, right - left + 1)
    lefts = [left + sum(spans[:k]) for k in range(columns)]
    return tuple((lefts[k], lefts[k + 1] - 1 if k + 1 < count else right) for k in range(count))


def quantise(height: float) -> float:
    """Round a row height up to whole screen pixels (0.75 pt), the steps Excel keeps."""
    return min(MAX_ROW_PT, math.ceil(height / 0.75 - 1e-9) * 0.75)


# ---------------------------------------------------------------------------
# Writing: each sheet's XML in one pass (xlsx_xml), the package written whole

APPLICATION = "hyoka"  # docProps/app.xml: the program that wrote the file


class Formats:
    """The cell format of each look and edge kind, registered once in the workbook's styles."""

    def __init__(self) -> None:
        # The default font sets the unit of column widths (UNIT_PT).
        self.styles = sml.Styles(sml.Font(DEFAULT_FONT_NAME, 11.0, family=3))
        self.indices: dict[tuple[str, Edges], int] = {}

    def index(self, key: str, edges: Edges = "box") -> int:
        found = self.indices.get((key, edges))
        if found is None:
            look = look_of(key)
            found = self.indices[(key, edges)] = self.styles.index(
                sml.CellFormat(
                    name=f"hyoka {key}" if edges == "box" else f"hyoka {key} stack-{edges}",
                    font=sml.Font(FONT_NAME, look.size, look.bold),
                    fill=GREY if look.fill else None,
                    horizontal=look.horizontal,
                    vertical=look.vertical,
                    wrap=not look.stacked,  # LibreOffice sets wrapped stacked text flush left
                    rotation=255 if look.stacked else 0,
                    borders=edge_sides(edges) if look.boxed else (False, False, False, False),
                )
            )
        return found


def header_text(text: str, room: int = HEADER_LIMIT) -> str:
    """Text for a print header, at most ``room`` characters once escaped: ``&`` starts a code
    there, so a literal one is doubled (and never cut from its pair)."""
    out: list[str] = []
    used = 0
    for ch in sml.clean(text):
        piece = "&&" if ch == "&" else ch
        if used + len(piece) > room:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out)


# The running head: centred (&C), in the body font (&"name,style"), 9 pt (&9); the space keeps a
# name beginning with a digit from reading as part of the size.
RUNNING = f'&C&"{FONT_NAME},Regular"&9 '


CHOICE_SHEET = "選択肢"  # hidden: the option lists the pull-downs of choice cells offer


def choice_value(option: str) -> str:
    """An option as a choice cell prints it once chosen (what ``content_units`` writes)."""
    return f"[ {option} ]"


class ChoiceLists:
    """The distinct option lists of a workbook, a column each on the hidden sheet."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, ...], int] = {}

    def validations(self, layout: SheetLayout) -> str:
        by_list: dict[int, list[str]] = {}
        for row, col, options in layout.choices:
            column = self.columns.setdefault(options, len(self.columns) + 1)
            by_list.setdefault(column, []).append(f"{sml.column_letter(col)}{row}")
        return sml.validations_xml(
            [
                (
                    " ".join(refs),
                    f"{sml.quoted(CHOICE_SHEET)}!${sml.column_letter(column)}$1:"
                    f"${sml.column_letter(column)}${len(self.options(column))}",
                )
                for column, refs in sorted(by_list.items())
            ]
        )

    def options(self, column: int) -> tuple[str, ...]:
        return next(o for o, c in self.columns.items() if c == column)

    def sheet(self, strings: sml.SharedStrings, style: int) -> sml.SheetEntry:
        ranges = [
            (r, column, r, column, option, style, False)
            for options, column in self.columns.items()
            for r, option in enumerate(options, 1)
        ]
        count = max(len(self.columns), 1)
        setup = sml.PageSetup(margins=(MARGIN_INCH, MARGIN_INCH, 0.75, 0.75, 0.3, 0.3), header="", footer="")
        xml = sml.worksheet_xml(count, 40.0, {}, ranges, setup, strings)
        rows = max((len(o) for o in self.columns), default=1)
        return sml.SheetEntry(CHOICE_SHEET, xml, f"$A$1:${sml.column_letter(count)}${rows}", hidden=True)


def sheet_entry(
    title: str,
    layout: SheetLayout,
    formats: Formats,
    strings: sml.SharedStrings,
    doc: Document,
    first: bool,
    validations: str = "",
) -> sml.SheetEntry:
    index = formats.index
    ranges: list[sml.Placed] = [
        # every cell of a boxed range gets the border, or print shows it broken
        (
            rng.top,
            rng.left,
            rng.bottom,
            rng.right,
            rng.text,
            index(rng.look, rng.edges),
            look_of(rng.look).boxed,
        )
        for rng in layout.ranges
    ]
    setup = sml.PageSetup(
        margins=(MARGIN_INCH, MARGIN_INCH, 0.75, 0.75, 0.3, 0.3),
        header=RUNNING + header_text(doc.name, HEADER_LIMIT - len(RUNNING)),
        footer=RUNNING + "&P / &N",
    )
    heights = layout.row_heights()
    xml = sml.worksheet_xml(
        layout.columns,
        layout.column_units,
        heights,
        ranges,
        setup,
        strings,
        selected=first,
        breaks=layout.page_breaks(heights),
        validations=validations,
    )
    last = sml.column_letter(layout.columns)
    titles = f"${layout.title_rows[0]}:${layout.title_rows[1]}" if layout.title_rows else None
    return sml.SheetEntry(title, xml, f"$A$1:${last}${max(layout.next_row - 1, 1)}", titles)


def sheet_columns(part: Part) -> int:
    widest = max((len(b.widths) for b in part.blocks if isinstance(b, Table)), default=0)
    return max(GRID_COLUMNS, widest)


def render(doc: Document) -> bytes:
    formats = Formats()
    strings = sml.SharedStrings()
    sheets = []
    lists = ChoiceLists()
    for number, (part, title) in enumerate(zip(doc.parts, sheet_titles(doc.parts), strict=True)):
        layout = SheetLayout(sheet_columns(part))
        layout.add_part(part)
        validations = lists.validations(layout)
        sheets.append(
            sheet_entry(title, layout, formats, strings, doc, first=number == 0, validations=validations)
        )
    if lists.columns and CHOICE_SHEET not in {s.title for s in sheets}:
        sheets.append(lists.sheet(strings, formats.index("value")))
    if not sheets:  # a workbook needs a sheet
        sheets.append(sheet_entry("Sheet1", SheetLayout(GRID_COLUMNS), formats, strings, doc, first=True))

    when = datetime.fromisoformat(doc.timestamp.replace("Z", "+00:00"))
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    parts = sml.package(
        sheets,
        formats.styles,
        strings,
        doc.name,
        "hyoka",
        APPLICATION,
        when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        FONT_NAME,
    )
    return zip_entries(parts, doc.timestamp)
