"""WordprocessingML for the DOCX writer: the named styles and the document body, as XML text.

The body of a long assessment has thousands of table rows; building them with python-docx's
object API costs about 0.6 ms a row, so the body is written here as one string and parsed once.
Nothing here knows the form: cells are placed by the IR's grid, spans and roles only.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from unicodedata import east_asian_width

from generator.layout.ir import (
    Block,
    Cell,
    CheckCaption,
    CheckGrid,
    CheckItem,
    ChoiceValue,
    Content,
    Document,
    Heading,
    Options,
    Para,
    Paragraph,
    Row,
    Table,
    TextContent,
    check_line,
)
from generator.writers.xmltext import escape, has_illegal, replace_illegal

from ..records import dataclass

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from generator.layout.ir import CellRole

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Fonts: ＭＳ 明朝 is what Japanese Word users expect of an official form; LibreOffice on Linux
# asks fontconfig for it with the ja-JP language and gets a Mincho face (Noto Serif CJK JP or
# IPAex明朝), so Japanese text never falls back to tofu.
LATIN_FONT = "ＭＳ 明朝"
EAST_ASIAN_FONT = "ＭＳ 明朝"


def fonts_xml() -> str:
    return (
        f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" '
        f'w:eastAsia="{EAST_ASIAN_FONT}" w:cs="{LATIN_FONT}"/>'
    )


LANG_XML = '<w:lang w:val="en-US" w:eastAsia="ja-JP" w:bidi="ar-SA"/>'

# ---------------------------------------------------------------------------
# Styles


@dataclass(frozen=True, slots=True)
class StyleSpec:
    """A paragraph style the city can restyle in Word; ``size`` in half-points, spacing in twips."""

    style_id: str  # ASCII, so that every consumer resolves it
    name: str  # shown in Word's style gallery
    size: int
    bold: bool = False
    align: str | None = None  # w:jc value
    outline: int | None = None  # 0 = level 1 in the navigation pane
    keep_next: bool = False
    before: int = 0
    after: int = 0
    exact_line: int | None = None  # fixed line height (spacer paragraphs)

    def ppr_xml(self) -> str:
        keep = "<w:keepNext/>" if self.keep_next else ""
        if self.exact_line is not None:
            spacing = f'<w:spacing w:before="{self.before}" w:after="{self.after}" w:line="{self.exact_line}" w:lineRule="exact"/>'
        else:
            spacing = (
                f'<w:spacing w:before="{self.before}" w:after="{self.after}" w:line="240" w:lineRule="auto"/>'
            )
        jc = f'<w:jc w:val="{self.align}"/>' if self.align else ""
        outline = f'<w:outlineLvl w:val="{self.outline}"/>' if self.outline is not None else ""
        return f"<w:pPr>{keep}{spacing}{jc}{outline}</w:pPr>"

    def rpr_xml(self) -> str:
        bold = "<w:b/><w:bCs/>" if self.bold else ""
        return f'<w:rPr>{bold}<w:sz w:val="{self.size}"/><w:szCs w:val="{self.size}"/></w:rPr>'


TITLE = StyleSpec("HyokaTitle", "評価書 表題", 28, bold=True, align="center", after=240)
PART_HEADING = StyleSpec("HyokaHeading", "評価書 見出し", 22, bold=True, outline=0, keep_next=True, after=120)
SUB_HEADING = StyleSpec(
    "HyokaSubheading", "評価書 小見出し", 21, bold=True, outline=1, keep_next=True, before=120, after=60
)
BODY = StyleSpec("HyokaBody", "評価書 本文", 21, after=60)
NOTE = StyleSpec("HyokaNote", "評価書 注記", 18, after=60)
CAPTION = StyleSpec("HyokaCaption", "評価書 表題目", 21, bold=True, keep_next=True, before=120, after=60)
CELL_TEXT = StyleSpec("HyokaCellText", "評価書 表本文", 18)
LABEL = StyleSpec("HyokaLabel", "評価書 ラベル", 18)
CELL_HEADING = StyleSpec("HyokaCellHeading", "評価書 表見出し", 18, bold=True)
OPTIONS = StyleSpec("HyokaOptions", "評価書 選択肢", 18)
RUNNING = StyleSpec("HyokaRunning", "評価書 柱", 18)
SPACER = StyleSpec("HyokaSpacer", "評価書 間隔", 8, exact_line=120)

PARAGRAPH_STYLES = (
    TITLE,
    PART_HEADING,
    SUB_HEADING,
    BODY,
    NOTE,
    CAPTION,
    CELL_TEXT,
    LABEL,
    CELL_HEADING,
    OPTIONS,
    RUNNING,
    SPACER,
)

TABLE_STYLE_ID = "HyokaTable"
TABLE_STYLE_NAME = "評価書 表"
CELL_MARGIN = 57  # twips left and right of a cell's text (1 mm): the form's cells are tight
BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def table_style_xml() -> str:
    """pPr, rPr, tblPr of the table style: thin single borders, tight cells, the form's fonts."""
    borders = "".join(BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'<w:rPr>{fonts_xml()}<w:sz w:val="18"/><w:szCs w:val="18"/>{LANG_XML}</w:rPr>'
        f'<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="17" w:type="dxa"/><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:bottom w:w="17" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    )


ROLE_STYLE: dict[CellRole, StyleSpec] = {
    "label": LABEL,
    "sublabel": LABEL,
    "group": LABEL,
    "heading": CELL_HEADING,
    "header": CELL_HEADING,
    "value": CELL_TEXT,
    "choice": CELL_TEXT,
    "options": OPTIONS,
    "checks": CELL_TEXT,
}
SHADED_ROLES = frozenset({"label", "sublabel", "group", "heading", "header"})
SHADE = '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
CENTRED_ROLES = frozenset({"group", "header"})  # text centred across the cell
MIDDLE_ROLES = frozenset({"label", "sublabel", "group", "header", "choice"})  # centred top to bottom
CENTRE = '<w:jc w:val="center"/>'

BLOCK_STYLE = {"body": BODY, "caption": CAPTION, "note": NOTE, "title": TITLE}

KEEP_NEXT = "<w:keepNext/>"

LEVEL_INDENT = 360  # twips per list nesting level (two characters at 9 pt)

# ---------------------------------------------------------------------------
# Text

_BREAKS = r"(\n|\t)"  # compiled at its first use by re's cache: most texts never get that far


def is_plain(text: str) -> bool:
    """Nothing makes ``text`` more than one plain w:t: no line break or tab (w:br, w:tab), no
    character to clean away; most texts of a document have none. (The C0 controls are ILLEGAL's
    and these three: a class of their own with the surrogates took 0.4 ms to compile.)"""
    return not ("\n" in text or "\t" in text or "\r" in text or has_illegal(text))


def clean(text: str) -> str:
    return replace_illegal(text.replace("\r\n", "\n").replace("\r", "\n"))


@lru_cache(maxsize=4096)  # a form repeats its labels, options and boxes in every document
def run_xml(text: str, bold: bool = False) -> str:
    """One w:r; a newline becomes w:br and a tab w:tab, so no text is lost to whitespace rules."""
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    if text and is_plain(text):  # the short way, the same XML
        return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    text = clean(text)
    if not text:
        return ""
    parts = []
    for piece in re.split(_BREAKS, text):
        if piece == "\n":
            parts.append("<w:br/>")
        elif piece == "\t":
            parts.append("<w:tab/>")
        elif piece:
            parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def paragraph_xml(style: StyleSpec, runs: str, ppr: str = "") -> str:
    """``ppr`` holds further pPr children, already in schema order (after pStyle)."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style.style_id}"/>{ppr}</w:pPr>{runs}</w:p>'


def tabs_xml(positions: list[int]) -> str:
    if not positions:
        return ""
    return "<w:tabs>" + "".join(f'<w:tab w:val="left" w:pos="{p}"/>' for p in positions) + "</w:tabs>"


@lru_cache(maxsize=4096)  # the same options, markers and check items in every cell of a kind
def _em_width(text: str) -> float:
    """Width in ems; ambiguous characters (①, ○, ※) count full, as ＭＳ 明朝 draws them."""
    return sum(1.0 if east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def para_xml(para: Para, style: StyleSpec, *, lead: str = "", jc: str = "") -> str:
    """A flow paragraph: the marker, then a tab to a hanging indent so wrapped lines align.

    ``lead`` holds pPr children that come before tabs in schema order (keepNext, pageBreakBefore).
    """
    runs = "".join([run_xml(r.text, r.strong) for r in para.runs])
    left = para.level * LEVEL_INDENT
    if not para.marker:
        ind = f'<w:ind w:left="{left}"/>' if left else ""
        return paragraph_xml(style, runs, lead + ind + jc)
    em = style.size * 10  # twips per em: half-points × 10
    hang = math.ceil((_em_width(para.marker) + 0.5) * em)
    marker = run_xml(para.marker + "\t")
    ppr = lead + tabs_xml([left + hang]) + f'<w:ind w:left="{left + hang}" w:hanging="{hang}"/>' + jc
    return paragraph_xml(style, marker + runs, ppr)


# ---------------------------------------------------------------------------
# Cells


def _fit_columns(texts: list[str], width: int, columns: int, em: int) -> int:
    """The most columns, up to ``columns``, in which every text fits on one line.

    A tab past its stop would jump to the next default stop and run the entries together, so
    entries that do not fit side by side stand one under another instead.
    """
    inner = width - 2 * CELL_MARGIN
    widest = max((_em_width(t) for t in texts), default=0.0) * em + em // 2
    columns = max(1, columns)
    while columns > 1 and widest > inner / columns:
        columns -= 1
    return columns


def _column_tabs(width: int, columns: int) -> str:
    inner = width - 2 * CELL_MARGIN
    return tabs_xml([inner * k // columns for k in range(1, columns)])


NBSP = "\u00a0"


MIN_GRID_COLUMN_EMS = 8


def _unbroken(text: str) -> str:
    """An option or check item held together: its spaces (「1） 」, 「（ 1 ）件」, the blank of an
    empty count) do not break, so no line of it begins with 「）」."""
    return text.replace(" ", NBSP).replace("\u3000", NBSP * 3)


NO_BORDERS = "".join(
    f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _grid_table_xml(
    rows: list[list[tuple[str, bool]]], width: int, columns: int, style: StyleSpec, keep: str
) -> str:
    """Check boxes as the form prints them: a borderless table of ``columns`` equal columns inside
    the cell, an item wrapping within its column; a row of one entry (a caption, a wide item) spans
    them all."""
    inner = width - 2 * CELL_MARGIN
    col = inner // columns
    grid = "".join(f'<w:gridCol w:w="{col}"/>' for _ in range(columns))
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{col * columns}" w:type="dxa"/><w:tblBorders>{NO_BORDERS}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    for entries in rows:
        cells = []
        for i, (text, bold) in enumerate(entries):
            span = columns - len(entries) + 1 if i == len(entries) - 1 else 1
            grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            para = paragraph_xml(style, run_xml(text, bold), keep)
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{col * span}" w:type="dxa"/>{grid_span}</w:tcPr>{para}</w:tc>'
            )
        out.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _content_xml(
    content: Content, role: CellRole, width: int, jc: str, keep: str, xml: list[str], lines: list[str]
) -> None:
    """Appends the content's paragraphs to ``xml`` and its plain text (to estimate the row's
    height) to ``lines``; ``keep`` starts every paragraph's properties (keepNext)."""
    style = ROLE_STYLE[role]
    if isinstance(content, TextContent):
        for para in content.flow:
            runs = para.runs
            if len(runs) == 1 and not para.marker and not para.level:  # most paragraphs: as para_xml
                xml.append(paragraph_xml(style, run_xml(runs[0].text, runs[0].strong), keep + jc))
                lines.append(" " + runs[0].text)
            else:
                xml.append(para_xml(para, style, lead=keep, jc=jc))
                lines.append(para.marker + " " + para.text)
    elif isinstance(content, ChoiceValue):
        text = f"[ {content.value or '　'} ]{content.suffix}"
        xml.append(paragraph_xml(style, run_xml(text), keep + jc))
        lines.append(text)
    elif isinstance(content, Options):
        xml.append(paragraph_xml(OPTIONS, run_xml(content.heading), keep))
        lines.append(content.heading)
        numbered = [_unbroken(o) for o in content.numbered()]
        columns = _fit_columns(numbered, width, content.columns, OPTIONS.size * 10)
        tabs = keep + _column_tabs(width, columns)
        for i in range(0, len(numbered), columns):
            line = "\t".join(numbered[i : i + columns])
            xml.append(paragraph_xml(OPTIONS, run_xml(line), tabs))
            lines.append(line)
    elif isinstance(content, CheckGrid):
        # as many columns as the form has, an item wrapping within its column; fewer where a
        # column would be narrower than MIN_GRID_COLUMN_EMS, or an item with a （ ） field would
        # wrap (Writer breaks its blanks apart and starts a line with the 「）」)
        em = style.size * 10
        fields = [
            check_line(it)
            for it in content.items
            if isinstance(it, CheckItem) and (it.detail is not None or it.count is not None)
        ]
        columns = _fit_columns(fields, width, content.columns, em) if fields else max(1, content.columns)
        columns = max(1, min(columns, (width - 2 * CELL_MARGIN) // (MIN_GRID_COLUMN_EMS * em)))
        rows: list[list[tuple[str, bool]]] = []
        for grid_row in content.rows():
            entries: list[tuple[str, bool]] = []
            for item in grid_row:
                if isinstance(item, CheckCaption):
                    rows.append([(item.text, True)])  # a caption heads its row of boxes
                    lines.append(item.text)
                else:
                    entries.append((_unbroken(check_line(item)), False))
            # a row's items in the columns (a wide item alone spans them)
            for i in range(0, len(entries), columns):
                rows.append(entries[i : i + columns])
                lines.append("\t".join(text for text, _ in entries[i : i + columns]))
        if columns == 1:
            for entries in rows:
                xml.append(paragraph_xml(style, "".join(run_xml(t, b) for t, b in entries), keep))
        else:
            xml.append(_grid_table_xml(rows, width, columns, style, keep))
            xml.append(paragraph_xml(SPACER, "", keep))  # a cell must end with a paragraph


@cache  # a form has a few dozen distinct cell properties
def _tc_start(role: CellRole, width: int, span: int, merge: str, vertical: bool) -> str:
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    shade = SHADE if role in SHADED_ROLES else ""
    direction = '<w:textDirection w:val="tbRlV"/>' if vertical else ""
    valign = "center" if role in MIDDLE_ROLES or vertical else "top"
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{merge}{shade}{direction}'
        f'<w:vAlign w:val="{valign}"/></w:tcPr>'
    )


def _lines_count(lines: list[str], per_line: int) -> int:
    """Printed lines of the text, counting every character as full width (an upper bound)."""
    count = 0
    for line in lines:
        for piece in line.split("\n"):
            count += max(1, -(-len(piece) // per_line))
    return count


# ---------------------------------------------------------------------------
# Tables


@dataclass(slots=True)
class _Span:
    """A cell spanning rows: the rows still to cover below, and how it looks there."""

    remaining: int
    colspan: int
    role: CellRole
    vertical: bool


def grid_widths(widths: tuple[int, ...], text_width: int) -> list[int]:
    """Relative widths → twips summing exactly to the text width."""
    total = sum(widths) or 1
    edges = [round(text_width * sum(widths[: i + 1]) / total) for i in range(len(widths))]
    return [b - a for a, b in zip([0, *edges[:-1]], edges, strict=True)]


class BodyWriter:
    """Emits the body of a document on a text area of ``text_width`` × ``text_height`` twips."""

    def __init__(self, text_width: int, text_height: int) -> None:
        self.text_width = text_width
        # A row taller than this may break across pages: Word cuts off a cantSplit row that
        # does not fit on one page, and a whole cell of text must never be lost.
        self.keep_limit = text_height // 2
        self.out: list[str] = []
        self.page_break_pending = False
        self._bookmark = 0
        self._bookmarks: set[str] = set()

    # -- blocks

    def document(self, doc: Document) -> str:
        for i, part in enumerate(doc.parts):
            self.page_break_pending = i > 0
            for block in part.blocks:
                self.block(block)
        if self._after_table():
            self.spacer()  # the body must end with a paragraph before sectPr
        return f'<w:body xmlns:w="{W_NS}">' + "".join(self.out) + "</w:body>"

    def block(self, block: Block) -> None:
        if isinstance(block, Heading):
            style = TITLE if block.level <= 1 else PART_HEADING if block.level == 2 else SUB_HEADING
            runs = self._bookmarked(block.anchor, run_xml(block.text))
            self.out.append(paragraph_xml(style, runs, self._break()))
        elif isinstance(block, Paragraph):
            style = BLOCK_STYLE.get(block.style, BODY)
            for para in block.flow:
                self.out.append(para_xml(para, style, lead=self._break()))
        elif isinstance(block, Table):
            if block.caption:
                self.out.append(paragraph_xml(CAPTION, run_xml(block.caption), self._break()))
            elif self.page_break_pending or self._after_table():
                self.spacer()  # carries the page break; adjacent tables would merge in Word
            self.table(block)

    def _after_table(self) -> bool:
        return bool(self.out) and self.out[-1] == "</w:tbl>"

    def spacer(self) -> None:
        self.out.append(paragraph_xml(SPACER, "", self._break()))

    def _break(self) -> str:
        if not self.page_break_pending:
            return ""
        self.page_break_pending = False
        return "<w:pageBreakBefore/>"

    def _bookmarked(self, anchor: str | None, runs: str) -> str:
        if not anchor:
            return runs
        name = re.sub(r"\W", "_", anchor, flags=re.ASCII)[:40]
        if not name[:1].isalpha():
            name = ("h" + name)[:40]
        if name in self._bookmarks:
            return runs
        self._bookmarks.add(name)
        self._bookmark += 1
        n = self._bookmark
        return f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>{runs}<w:bookmarkEnd w:id="{n}"/>'

    # -- tables

    def table(self, table: Table) -> None:
        grid = grid_widths(table.widths, self.text_width) if table.widths else [self.text_width]
        out = self.out
        out.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{TABLE_STYLE_ID}"/>'
            f'<w:tblW w:w="{sum(grid)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        )
        out.append("".join(f'<w:gridCol w:w="{w}"/>' for w in grid))
        out.append("</w:tblGrid>")
        spans: dict[int, _Span] = {}
        for index, row in enumerate(table.rows):
            out.append(self.row(row, grid, spans, header=index < table.header_rows))
        out.append("</w:tbl>")

    def row(self, row: Row, grid: list[int], spans: dict[int, _Span], header: bool) -> str:
        ncols = len(grid)
        # a heading row is kept on the page of the row below: every paragraph keeps with the next
        keep = KEEP_NEXT if header or row.kind in ("heading", "group") else ""
        fits = True  # every cell's text within keep_limit (checked only where it decides)
        check_fit = row.keep_together or header
        cells: list[str] = []
        col = 0
        pending = row.cells
        i = 0
        while True:
            if col in spans:  # a cell from a row above continues here
                span = spans[col]
                width = sum(grid[col : col + span.colspan])
                empty = paragraph_xml(ROLE_STYLE[span.role], "", keep)
                cells.append(_tc_start(span.role, width, span.colspan, "<w:vMerge/>", span.vertical))
                cells.append(empty)
                cells.append("</w:tc>")
                span.remaining -= 1
                if span.remaining == 0:
                    del spans[col]
                col += span.colspan
                continue
            if i < len(pending):
                cell = pending[i]
                i += 1
                colspan = cell.colspan
                if colspan != 1:  # up to the next spanning cell or the grid's end
                    next_span = min((c for c in spans if c > col), default=ncols)
                    colspan = max(1, min(colspan, max(1, next_span - col)))
            elif any(c > col for c in spans):
                # a gap before a spanning cell: fill it so the grid stays rectangular
                cell = Cell(())
                colspan = min(c for c in spans if c > col) - col
            else:
                break
            width = sum(grid[col : col + colspan]) or grid[-1]
            role = cell.role
            jc = CENTRE if role in CENTRED_ROLES or cell.vertical else ""
            merge = ""
            if cell.rowspan > 1:
                merge = '<w:vMerge w:val="restart"/>'
                spans[col] = _Span(cell.rowspan - 1, colspan, role, cell.vertical)
            cells.append(_tc_start(role, width, colspan, merge, cell.vertical))
            start = len(cells)
            lines: list[str] = []
            for content in cell.content:
                _content_xml(content, role, width, jc, keep, cells, lines)
            if len(cells) == start:  # Word requires a paragraph in every cell
                cells.append(paragraph_xml(ROLE_STYLE[role], "", keep))
            cells.append("</w:tc>")
            if check_fit and fits and lines and not cell.vertical and cell.rowspan == 1:
                fits = self._fits(lines, width, ROLE_STYLE[role].size * 10)
            col += colspan
        props = []
        if col < ncols:
            props.append(f'<w:gridAfter w:val="{ncols - col}"/>')
        if check_fit and fits:
            props.append("<w:cantSplit/>")
        if header:
            props.append("<w:tblHeader/>")
        trpr = f"<w:trPr>{''.join(props)}</w:trPr>" if props else ""
        return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"

    def _fits(self, lines: list[str], width: int, em: int) -> bool:
        """Whether the cell's text needs at most ``keep_limit`` twips (see ``_lines_count``): most
        cells are decided from their length alone, a bound on the count of lines."""
        per_line = max(1, (width - 2 * CELL_MARGIN) // em)
        text = "\n".join(lines)
        pieces = text.count("\n") + 1
        bound = (len(text) - pieces + 1) // per_line + pieces
        if bound * em * 13 // 10 <= self.keep_limit:
            return True
        return _lines_count(lines, per_line) * em * 13 // 10 <= self.keep_limit
