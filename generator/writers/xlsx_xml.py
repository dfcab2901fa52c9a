"""SpreadsheetML for the XLSX writer: the whole package written as XML text, each sheet in one pass.

Through openpyxl's object API the largest example's 32,000 cells (most of them the blank cells
that carry a merged range's borders) took 1.4 s to build and save; here each sheet is one string of rows and cells referencing cell formats
defined once in styles.xml, and the package (workbook, styles, relationships, properties) is a
handful of short fixed parts. Nothing here knows the form: ``generator.writers.xlsx`` lays the
sheets out and says what each range looks like.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

from generator.writers import xmltext

from ..records import dataclass

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Excel reads "_x" + four hex digits + "_" in any string as an escaped character (_x000D_ is a
# CR), so a literal one has its underscore escaped as _x005F_ (compiled by re's cache, for the
# rare text with "_x").
_EXCEL_ESCAPE = "_(?=x[0-9A-Fa-f]{4}_)"


def clean(text: str) -> str:
    return xmltext.replace_illegal(text)


def escape(text: str) -> str:
    """Element text: illegal characters dropped, markup characters escaped."""
    return xmltext.escape(clean(text))


def attribute(text: str) -> str:
    return xmltext.quote(clean(text))


@cache  # every sheet asks for the same few
def column_letter(column: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters, rest = "", column
    while rest > 0:
        rest, digit = divmod(rest - 1, 26)
        letters = chr(65 + digit) + letters
    return letters


def number(value: float) -> str:
    """A size as Excel writes it: 3, 20.25, 2.88."""
    return format(value, ".10g")


def text_xml(text: str) -> str:
    """A string's <t> element: text is text, never a formula, whatever it begins with."""
    text = escape(text)
    if "_x" in text:
        text = re.sub(_EXCEL_ESCAPE, "_x005F_", text)
    # openpyxl's rule: keep the whitespace at either end (Python's strip knows U+3000)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{text}</t>"


class SharedStrings:
    """xl/sharedStrings.xml: every cell text stored once, cells refer to it by index. Excel
    rewrites inline strings into this table on its first save, so the package starts with it."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0  # references, as Excel counts them

    def ref(self, text: str) -> int:
        self.count += 1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self) -> str:
        items = "".join(f"<si>{text_xml(text)}</si>" for text in self.index)
        return (
            f'{_DECLARATION}<sst xmlns="{MAIN_NS}" count="{self.count}" uniqueCount="{len(self.index)}">'
            f"{items}</sst>"
        )


# ---------------------------------------------------------------------------
# Styles


@dataclass(frozen=True, slots=True)
class Font:
    name: str
    size: float
    bold: bool = False
    charset: int = 128  # Shift_JIS: steers Excel's substitute for a missing font to a Japanese one
    family: int = 1  # 1 roman (明朝), 3 modern (ゴシック)

    def xml(self) -> str:
        bold = "<b/>" if self.bold else ""
        return (
            f'<font>{bold}<sz val="{number(self.size)}"/><name val="{attribute(self.name)}"/>'
            f'<family val="{self.family}"/><charset val="{self.charset}"/></font>'
        )


@dataclass(frozen=True, slots=True)
class CellFormat:
    """A named cell style, and the format of every cell that has it."""

    name: str  # shown in Excel's cell style gallery
    font: Font
    fill: str | None = None  # RGB of a solid fill
    horizontal: str = "left"
    vertical: str = "top"
    wrap: bool = True
    rotation: int = 0  # 255: characters set one under another
    borders: tuple[bool, bool, bool, bool] = (False, False, False, False)  # thin left, right, top, bottom


class Styles:
    """styles.xml: fonts, fills, borders and cell formats, each defined once, numbered in order of
    first use. Every format is also a named cell style, so a city can restyle all cells of a kind."""

    def __init__(self, default_font: Font) -> None:
        self.fonts: dict[Font, int] = {default_font: 0}
        self.fills: dict[str | None, int] = {None: 0}  # 1 is Excel's reserved gray125
        self.borders: dict[tuple[bool, bool, bool, bool], int] = {(False, False, False, False): 0}
        self.formats: dict[CellFormat, int] = {}

    def index(self, fmt: CellFormat) -> int:
        """The format's cellXfs index (0 is the Normal style), as a cell's ``s``."""
        found = self.formats.get(fmt)
        if found is None:
            self.fonts.setdefault(fmt.font, len(self.fonts))
            self.fills.setdefault(fmt.fill, len(self.fills) + 1)
            self.borders.setdefault(fmt.borders, len(self.borders))
            found = self.formats[fmt] = len(self.formats) + 1
        return found

    def _xf(self, fmt: CellFormat, style_id: int | None) -> str:
        font, fill, border = self.fonts[fmt.font], self.fills[fmt.fill], self.borders[fmt.borders]
        # a cell format repeats its style's parts and says it applies them
        link = "" if style_id is None else f' xfId="{style_id}" applyFont="1" applyFill="1" applyBorder="1"'
        align = f'horizontal="{fmt.horizontal}" vertical="{fmt.vertical}"'
        if fmt.wrap:
            align += ' wrapText="1"'
        if fmt.rotation:
            align += f' textRotation="{fmt.rotation}"'
        return (
            f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="{border}"{link} applyAlignment="1">'
            f"<alignment {align}/></xf>"
        )

    def xml(self) -> str:
        fonts = "".join(font.xml() for font in self.fonts)
        fills = [
            '<fill><patternFill patternType="none"/></fill>',
            '<fill><patternFill patternType="gray125"/></fill>',
        ]
        for rgb in list(self.fills)[1:]:
            fills.append(
                f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
                '<bgColor indexed="64"/></patternFill></fill>'
            )
        borders = []
        for sides in self.borders:
            parts = [
                f'<{side} style="thin"/>' if on else f"<{side}/>"
                for side, on in zip(("left", "right", "top", "bottom"), sides, strict=True)
            ]
            borders.append(f"<border>{''.join(parts)}<diagonal/></border>")
        normal = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        style_xfs = normal + "".join(self._xf(fmt, None) for fmt in self.formats)
        cell_xfs = normal.replace("/>", ' xfId="0"/>') + "".join(
            self._xf(fmt, i) for fmt, i in self.formats.items()
        )
        cell_styles = '<cellStyle name="Normal" xfId="0" builtinId="0"/>' + "".join(
            f'<cellStyle name="{attribute(fmt.name)}" xfId="{i}"/>' for fmt, i in self.formats.items()
        )
        count = len(self.formats) + 1
        return (
            f'{_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
            f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
            f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
            f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
            f'<cellStyleXfs count="{count}">{style_xfs}</cellStyleXfs>'
            f'<cellXfs count="{count}">{cell_xfs}</cellXfs>'
            f'<cellStyles count="{count}">{cell_styles}</cellStyles>'
            '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
        )


# ---------------------------------------------------------------------------
# Worksheets


# A range of cells with its text in the top-left cell, as a plain 7-tuple:
#   top, left, bottom, right  its rows and columns, 1-based and inclusive
#   text                      the top-left cell's text ("" for none)
#   style                     the cellXfs index of its format (Styles.index)
#   every_cell                each cell of a merged range gets the format, as borders need:
#                             Excel and LibreOffice draw a merged range's border from its cells'
# Not a NamedTuple: a sheet has thousands, and one cost 0.25 ms to define and 0.2 µs a range to
# make (a fifth of a millisecond on a small assessment, 0.8 ms on the largest example).
Placed = tuple[int, int, int, int, str, int, bool]


@dataclass(frozen=True, slots=True)
class PageSetup:
    """What varies of the print setup; every sheet prints on A4 portrait (paperSize 9), scaled to
    the page's width and as many pages tall as it takes, centred, without grid lines."""

    margins: tuple[float, float, float, float, float, float]  # inches: left right top bottom header footer
    header: str  # header/footer codes (&C, &P …), unescaped
    footer: str


def worksheet_xml(
    columns: int,
    column_width: float,
    heights: Mapping[int, float],
    ranges: Iterable[Placed],
    setup: PageSetup,
    strings: SharedStrings,
    selected: bool = False,
    breaks: Iterable[int] = (),
    validations: str = "",
) -> str:
    """A sheet in one pass: cells are gathered per row as runs, then each row's runs sorted by
    column, so the cells come in the order Excel requires whatever order the ranges came in."""
    letters = [""] + [column_letter(c) for c in range(1, columns + 1)]
    runs: dict[int, list[tuple[int, str]]] = {}
    merges: list[str] = []
    # A boxed range's blank cells on a row, as the pieces between that row's numbers: those
    # right of its first cell on its top row, all of them on the rows below (the same few column
    # ranges and styles recur on every row of a table: each made once per sheet).
    blank_runs: dict[tuple[int, int, int], tuple[list[str], list[str]]] = {}
    ref = strings.ref
    for top, left, bottom, right, text, s, every_cell in ranges:
        column = letters[left]
        if bottom != top or right != left:
            merges.append(f'<mergeCell ref="{column}{top}:{letters[right]}{bottom}"/>')
        if text:
            first = f'<c r="{column}{top}" s="{s}" t="s"><v>{ref(text)}</v></c>'
        else:
            first = f'<c r="{column}{top}" s="{s}"/>'
        cells = runs.get(top)
        if cells is None:
            cells = runs[top] = []
        if not every_cell or (right == left and bottom == top):
            cells.append((left, first))
            continue
        key = (left, right, s)
        blanks = blank_runs.get(key)
        if blanks is None:
            under = [f'<c r="{column}'] + [
                f'" s="{s}"/><c r="{letters[c]}' for c in range(left + 1, right + 1)
            ]
            under.append(f'" s="{s}"/>')
            beside = [f'<c r="{letters[left + 1]}', *under[2:]] if right > left else []
            blanks = blank_runs[key] = (beside, under)
        beside, under = blanks
        cells.append((left, first + str(top).join(beside) if beside else first))
        for row in range(top + 1, bottom + 1):
            below = runs.get(row)
            if below is None:
                below = runs[row] = []
            below.append((left, str(row).join(under)))
    rows = []
    row_attributes: dict[float, str] = {}  # a few heights recur on most rows
    for row in sorted(heights.keys() | runs.keys()):
        height = heights.get(row)
        attrs = "" if height is None else row_attributes.get(height, "")
        if height is not None and not attrs:
            attrs = row_attributes[height] = f' ht="{number(height)}" customHeight="1"'
        cells = runs.get(row)
        if cells is None:
            rows.append(f'<row r="{row}"{attrs}></row>')
            continue
        if len(cells) > 1:
            cells.sort()
        rows.append(f'<row r="{row}"{attrs}>{"".join([run for _, run in cells])}</row>')
    last_row = max(max(heights, default=1), max(runs, default=1))
    merged = f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' if merges else ""
    m_left, m_right, m_top, m_bottom, m_header, m_footer = (number(m) for m in setup.margins)
    view = ' tabSelected="1"' if selected else ""
    # manual page breaks after these rows (the writer paginates: headings kept with what follows)
    after = sorted(set(breaks))
    row_breaks = (
        f'<rowBreaks count="{len(after)}" manualBreakCount="{len(after)}">'
        + "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in after)
        + "</rowBreaks>"
        if after
        else ""
    )
    # a <col> per column, not one over all: openpyxl reads a span as its first column only
    width = number(column_width)
    cols = "".join(
        f'<col min="{c}" max="{c}" width="{width}" customWidth="1"/>' for c in range(1, columns + 1)
    )
    return (
        f'{_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{letters[columns]}{last_row}"/>'
        f'<sheetViews><sheetView showGridLines="0"{view} workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"<cols>{cols}</cols>"
        f"<sheetData>{''.join(rows)}</sheetData>{merged}{validations}"
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{m_left}" right="{m_right}" top="{m_top}" bottom="{m_bottom}" header="{m_header}" footer="{m_footer}"/>'
        '<pageSetup paperSize="9" orientation="portrait" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddHeader>{escape(setup.header)}</oddHeader>"
        f"<oddFooter>{escape(setup.footer)}</oddFooter></headerFooter>{row_breaks}</worksheet>"
    )


# ---------------------------------------------------------------------------
# The package


def validations_xml(lists: list[tuple[str, str]]) -> str:
    """Pull-down lists: (cells as ``"H6 H7"``, the list's range as a formula)."""
    if not lists:
        return ""
    items = "".join(
        f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
        f'errorTitle="選択肢" error="選択肢から選んでください。" sqref="{cells}">'
        f"<formula1>{escape(formula)}</formula1></dataValidation>"
        for cells, formula in lists
    )
    return f'<dataValidations count="{len(lists)}">{items}</dataValidations>'


@dataclass(frozen=True, slots=True)
class SheetEntry:
    title: str  # already a valid sheet name
    xml: str
    print_area: str  # $A$1:$X$99
    print_titles: str | None = None  # rows, $3:$3
    hidden: bool = False  # a helper sheet (the option lists of the pull-downs), never printed


def quoted(title: str) -> str:
    return _quoted(title)


def _quoted(title: str) -> str:
    """A sheet name in a reference: always quoted, an apostrophe doubled."""
    return "'" + title.replace("'", "''") + "'"


def workbook_xml(sheets: list[SheetEntry]) -> str:
    hidden = ' state="hidden"'
    listed = "".join(
        f'<sheet name="{attribute(s.title)}" sheetId="{i}"{hidden if s.hidden else ""} r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    # Excel keeps defined names sorted by name, then sheet
    names = [
        f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">{escape(_quoted(s.title))}!{s.print_area}</definedName>'
        for i, s in enumerate(sheets)
        if not s.hidden
    ] + [
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{escape(_quoted(s.title))}!{s.print_titles}</definedName>'
        for i, s in enumerate(sheets)
        if s.print_titles
    ]
    return (
        f'{_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{listed}</sheets>"
        + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")  # never empty
        + "</workbook>"
    )


def _relationships(targets: list[tuple[str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, 1)
    )
    return f'{_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>'


_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-"


def content_types_xml(sheet_count: int) -> str:
    overrides = [
        ("/xl/workbook.xml", f"{_CT}officedocument.spreadsheetml.sheet.main+xml"),
        ("/xl/styles.xml", f"{_CT}officedocument.spreadsheetml.styles+xml"),
        ("/xl/theme/theme1.xml", f"{_CT}officedocument.theme+xml"),
        ("/xl/sharedStrings.xml", f"{_CT}officedocument.spreadsheetml.sharedStrings+xml"),
        *(
            (f"/xl/worksheets/sheet{i}.xml", f"{_CT}officedocument.spreadsheetml.worksheet+xml")
            for i in range(1, sheet_count + 1)
        ),
        ("/docProps/core.xml", f"{_CT}package.core-properties+xml"),
        ("/docProps/app.xml", f"{_CT}officedocument.extended-properties+xml"),
    ]
    return (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{_CT}package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
        + "</Types>"
    )


def core_xml(title: str, creator: str, when: str) -> str:
    """Core properties; ``when`` is a W3CDTF UTC time (2025-08-26T00:00:00Z)."""
    return (
        f"{_DECLARATION}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(creator)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(creator)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>'
    )


def app_xml(application: str) -> str:
    return (
        f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{escape(application)}</Application></Properties>"
    )


def theme_xml(minor_font: str) -> str:
    """A minimal Office theme: Excel and the Open XML schema expect a workbook to have one. Its
    colours are Office's defaults; its body font is the workbook's, so nothing changes on open."""
    colours = (
        ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
        ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
        ("dk2", '<a:srgbClr val="44546A"/>'),
        ("lt2", '<a:srgbClr val="E7E6E6"/>'),
        ("accent1", '<a:srgbClr val="4472C4"/>'),
        ("accent2", '<a:srgbClr val="ED7D31"/>'),
        ("accent3", '<a:srgbClr val="A5A5A5"/>'),
        ("accent4", '<a:srgbClr val="FFC000"/>'),
        ("accent5", '<a:srgbClr val="5B9BD5"/>'),
        ("accent6", '<a:srgbClr val="70AD47"/>'),
        ("hlink", '<a:srgbClr val="0563C1"/>'),
        ("folHlink", '<a:srgbClr val="954F72"/>'),
    )
    scheme = "".join(f"<a:{name}>{colour}</a:{name}>" for name, colour in colours)
    font = attribute(minor_font)
    fonts = f'<a:latin typeface="{font}"/><a:ea typeface="{font}"/><a:cs typeface=""/>'
    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350" cap="flat" cmpd="sng" algn="ctr">{solid}<a:prstDash val="solid"/></a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return (
        f'{_DECLARATION}<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="hyoka">'
        f'<a:themeElements><a:clrScheme name="Office">{scheme}</a:clrScheme>'
        f'<a:fontScheme name="hyoka"><a:majorFont>{fonts}</a:majorFont><a:minorFont>{fonts}</a:minorFont></a:fontScheme>'
        f'<a:fmtScheme name="Office"><a:fillStyleLst>{solid * 3}</a:fillStyleLst>'
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst><a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{solid * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements>"
        "<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )


def package(
    sheets: list[SheetEntry],
    styles: Styles,
    strings: SharedStrings,
    title: str,
    creator: str,
    application: str,
    when: str,
    theme_font: str,
) -> list[tuple[str, bytes]]:
    """The package's parts, in the order they go into the zip (content types first)."""
    count = len(sheets)
    workbook_rels = [(f"{_OFFICE_REL}worksheet", f"worksheets/sheet{i}.xml") for i in range(1, count + 1)]
    workbook_rels.append((f"{_OFFICE_REL}styles", "styles.xml"))
    workbook_rels.append((f"{_OFFICE_REL}theme", "theme/theme1.xml"))
    workbook_rels.append((f"{_OFFICE_REL}sharedStrings", "sharedStrings.xml"))
    root_rels = [
        (f"{_OFFICE_REL}officeDocument", "xl/workbook.xml"),
        (f"{PKG_REL_NS}/metadata/core-properties", "docProps/core.xml"),
        (f"{_OFFICE_REL}extended-properties", "docProps/app.xml"),
    ]
    parts = [
        ("[Content_Types].xml", content_types_xml(count)),
        ("_rels/.rels", _relationships(root_rels)),
        ("docProps/app.xml", app_xml(application)),
        ("docProps/core.xml", core_xml(title, creator, when)),
        ("xl/workbook.xml", workbook_xml(sheets)),
        ("xl/_rels/workbook.xml.rels", _relationships(workbook_rels)),
        ("xl/styles.xml", styles.xml()),
        ("xl/theme/theme1.xml", theme_xml(theme_font)),
        *((f"xl/worksheets/sheet{i}.xml", s.xml) for i, s in enumerate(sheets, 1)),
        ("xl/sharedStrings.xml", strings.xml()),
    ]
    return [(name, text.encode("utf-8")) for name, text in parts]
