"""The XLSX writer: workbook structure read back with openpyxl, raw sheet XML, and LibreOffice print."""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from generator import records
from generator.layout.ir import (
    Cell,
    Document,
    Heading,
    Para,
    Paragraph,
    Part,
    Row,
    Run,
    Table,
    TextContent,
    plain,
    text_cell,
)
from generator.writers import writer
from generator.writers import xlsx as xw
from generator.writers import xlsx_metrics as xm
from generator.writers.xlsx_metrics import (
    BAND_LINES,
    BREAK_OFFSET_PT,
    MAX_ROW_PT,
    PRINT_PITCH_PT,
    ROW_PADDING_PT,
    SHEET_ROW_PT,
    lines_height,
    wrap,
)
from tests.ir_sample import FORM, sample_document
from tests.office import pdf_pages, pdf_text, to_pdf

LONG_LABEL = "長文の記載"
LONG_NAME = "合成評価書"
LONG_RIGHT = "右隣の欄"
LONG_TABLE = "長文の表"
STACK_LABEL = "段落の多い記載"
HUGE_LABEL = "巨大な段落を含む記載"
HUGE_BEFORE = "前置きの段落。"
HUGE_AFTER = "結びの段落。"
TALL_LABEL = "二つの段落の横に立つ長い見出し。" * 12


def long_text(length: int = 3000, counter: str = "項") -> str:
    """Japanese prose with explicit line breaks; every sentence numbered, so any slice is unique."""
    sentences = []
    i = 0
    while sum(map(len, sentences)) < length:
        i += 1
        sentences.append(
            f"第{i}{counter}として特定個人情報ファイルの取扱いに係る安全管理措置を講じ記録を{i}年間保存する。"
        )
        if i % 9 == 0:
            sentences.append("\n")
    return "".join(sentences)[:length].rstrip("\n")


LONG = long_text()
# one paragraph taller than Excel's largest row, its lines broken by hand
HUGE = long_text(counter="節")
# paragraphs of one to four sentences, together well over two printed pages
STACK_PARAS = tuple(
    f"第{i}段落。" + f"段落{i}では職員への研修を行い、受講の記録を文書で保存する。" * (1 + i % 4)
    for i in range(1, 61)
)


def paras(*texts: str) -> Cell:
    return Cell((TextContent(tuple(Para((Run(t),)) for t in texts)),), colspan=2)


def long_document(rows: int = 0) -> Document:
    """A 3,000-character cell of several paragraphs between a label and another cell; rightmost
    cells of 60 paragraphs, of one huge paragraph between two short ones, and of two short
    paragraphs beside a tall label; a tall group label over two rows; then ``rows`` rows."""
    body = [
        Row((text_cell(LONG_TABLE, "heading", colspan=4),), kind="heading"),
        Row(
            (
                text_cell(LONG_LABEL, "label", colspan=2),
                text_cell(LONG.replace("\n", "\n\n")),  # a paragraph per line
                text_cell(LONG_RIGHT),
            )
        ),
        Row((text_cell(STACK_LABEL, "label", colspan=2), paras(*STACK_PARAS))),
        Row((text_cell(HUGE_LABEL, "label", colspan=2), paras(HUGE_BEFORE, HUGE, HUGE_AFTER))),
        Row((text_cell(TALL_LABEL, "label", colspan=2), paras("短い一。", "短い二。"))),
        Row(
            (
                text_cell("縦に長い区分" * 20, "group", rowspan=2),
                text_cell("小項目", "sublabel"),
                text_cell("短い値", colspan=2),
            )
        ),
        Row((text_cell("小項目二", "sublabel"), text_cell("値二", colspan=2))),
    ]
    for i in range(rows):
        body.append(
            Row(
                (
                    text_cell(f"項目{i}", "label", colspan=2),
                    text_cell(f"行{i}の記載。" + "事務の内容を説明する文章。" * (i % 12)),
                    text_cell(f"備考{i}"),
                )
            )
        )
    part = Part(
        id="long",
        title="長文",
        short_title="長文",
        blocks=(
            Heading("長文", 2),
            Paragraph(plain("説明の段落。")),
            Table(FORM, tuple(body), header_rows=1),
        ),
    )
    return Document(
        title="特定個人情報保護評価書（重点項目評価書）",
        name=LONG_NAME,
        number="1",
        organisation="試験市長",
        published="令和7年1月1日",
        parts=(part,),
        timestamp="2025-01-01T00:00:00Z",
    )


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def find(ws, text: str):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not found in sheet {ws.title}")


def merged_range_of(ws, cell):
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return rng
    return None


def fidelity_tool():
    from tests import fidelity

    return fidelity


def printed(book: openpyxl.Workbook) -> list:
    """The sheets of the form's parts: the hidden option lists are no part of the print."""
    return [ws for ws in book.worksheets if ws.sheet_state == "visible"]


@pytest.fixture(scope="module")
def sample() -> Document:
    return sample_document()


@pytest.fixture(scope="module")
def sample_bytes(sample: Document) -> bytes:
    return xw.render(sample)


@pytest.fixture(scope="module")
def book(sample_bytes: bytes) -> openpyxl.Workbook:
    return load(sample_bytes)


# ---------------------------------------------------------------------------
# Structure


def test_registry_and_extension() -> None:
    assert writer("xlsx") is xw
    assert xw.EXTENSION == ".xlsx"


def test_one_sheet_per_part(book, sample) -> None:
    assert [ws.title for ws in printed(book)] == [p.short_title for p in sample.parts]
    # the option lists of the choice cells' pull-downs: a sheet of their own, hidden, never printed
    assert book.sheetnames[-1] == xw.CHOICE_SHEET and book[xw.CHOICE_SHEET].sheet_state == "hidden"


def test_sheet_titles_sanitised_and_unique() -> None:
    parts = tuple(
        Part(id=f"p{i}", title=t, short_title=t, blocks=())
        for i, t in enumerate(["Ⅱ [ファイル]: A/B*?", "重複", "重複", "x" * 40, "history", "'"])
    )
    titles = xw.sheet_titles(parts)
    assert titles[0] == "Ⅱ _ファイル__ A_B__"
    assert titles[1:3] == ["重複", "重複(2)"]
    assert titles[3] == "x" * 31
    assert titles[4] == "history(2)"
    assert titles[5] == "Sheet6"
    assert all(len(t) <= 31 and not re.search(r"[\[\]:*?/\\]", t) for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)


def test_grid_spans_cover_the_grid() -> None:
    assert xw.grid_spans((18, 18, 40, 24), 24) == [4, 4, 10, 6]
    assert xw.grid_spans((100,), 24) == [24]
    spans = xw.grid_spans((1, 1, 98), 24)
    assert sum(spans) == 24 and min(spans) == 1
    assert sum(xw.grid_spans((12, 20, 24, 24, 6, 14), 24)) == 24
    with pytest.raises(ValueError):
        xw.grid_spans((1,) * 25, 24)


def test_colspan_and_rowspan_become_merged_ranges(book) -> None:
    ws = book["Ⅰ 基本情報"]
    spans = xw.grid_spans(FORM, 24)
    label = find(ws, "①事務の名称")
    rng = merged_range_of(ws, label)
    assert (rng.min_col, rng.max_col, rng.min_row, rng.max_row) == (
        1,
        spans[0] + spans[1],
        label.row,
        label.row,
    )
    heading = find(ws, "１．特定個人情報ファイルを取り扱う事務")
    assert merged_range_of(ws, heading).max_col == 24
    group = find(ws, "④使用の主体")
    rng = merged_range_of(ws, group)
    assert (rng.min_col, rng.max_col, rng.max_row - rng.min_row) == (1, spans[0], 1)
    # the row below starts after the group column
    assert find(ws, "使用者数").column == spans[0] + 1
    assert find(ws, "使用者数").row == group.row + 1


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def raw_borders(data: bytes, sheet: int) -> dict[str, tuple[str | None, ...]]:
    """Each written cell's border sides (left, right, top, bottom) as stored in the file: openpyxl
    rebuilds the borders of merged cells on loading, so it cannot show what was written."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = ElementTree.fromstring(z.read("xl/styles.xml"))
        xml = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml"))
    borders = []
    for border in styles.find("m:borders", NS):
        borders.append(
            tuple(
                (side.get("style") if (side := border.find(f"m:{name}", NS)) is not None else None)
                for name in ("left", "right", "top", "bottom")
            )
        )
    xfs = [int(xf.get("borderId", 0)) for xf in styles.find("m:cellXfs", NS)]
    return {c.get("r"): borders[xfs[int(c.get("s", 0))]] for c in xml.iter(f"{{{NS['m']}}}c")}


# The sample's rightmost cells of several units, each stacked on a sheet row per unit
S1_STACKS = {
    "②事務の内容": (
        "本市では健康増進法に基づきがん検診を実施している。",
        "(1) 受診勧奨",
        "　1. 一行目\n二行目 <script>alert(1)</script>",
        "強調と普通",
    ),
    "③他のシステムとの接続": (
        "[ ○ ] 情報提供ネットワークシステム　[ ] 庁内連携システム",
        "[ ] 住民基本台帳ネットワークシステム　[ ○ ] 既存住民基本台帳システム",
        "[ ○ ] その他 （ 中間サーバーコネクタ ）",
    ),
}


def stack_rows(ws, label: str, units: tuple[str, ...]) -> range:
    """The sheet rows of a stacked cell: its units one to a row, in order, in the same columns
    reaching the right edge, the label merged over exactly those rows."""
    cells = [find(ws, unit) for unit in units]
    top = cells[0].row
    rows = range(top, top + len(units))
    assert [c.row for c in cells] == list(rows), label
    for cell in cells:
        rng = merged_range_of(ws, cell)
        assert (rng.min_row, rng.max_row, rng.max_col) == (cell.row, cell.row, 24), (label, cell.value)
        assert cell.column == cells[0].column
    head = find(ws, label)
    rng = merged_range_of(ws, head)
    assert (head.row, rng.min_row, rng.max_row) == (top, top, rows[-1]), label
    assert rng.max_col == cells[0].column - 1  # the label stands right beside the stack
    return rows


def test_rightmost_cell_stacks_a_unit_per_row(book) -> None:
    ws = book["Ⅰ 基本情報"]
    for label, units in S1_STACKS.items():
        stack_rows(ws, label, units)
    # every unit stands alone in its cell: no stacked text is left whole anywhere
    whole = "\n".join(S1_STACKS["②事務の内容"])
    assert not any(c.value == whole for row in ws.iter_rows() for c in row)
    # the choice and options of one item stay two cells on one row
    assert find(ws, "[ 10万人以上30万人未満 ]").row == find(ws, "③対象人数").row


def test_check_boxes_stand_in_columns_with_a_pull_down(book, sample_bytes) -> None:
    """主な記録項目 as the form prints it: each caption a row, the boxes under it in columns, a
    box to a cell, the columns open between them; a box without a （ ） field offers ticked and
    not ticked in a pull-down."""
    ws = book["Ⅰ 基本情報"]
    caption = find(ws, "・識別情報")
    first, second = find(ws, "[ ○ ] 個人番号"), find(ws, "[ ] 個人番号対応符号")
    assert first.row == second.row == caption.row + 1
    left, right = merged_range_of(ws, first), merged_range_of(ws, second)
    assert left.min_col == caption.column and right.min_col == left.max_col + 1 and right.max_col == 24
    assert find(ws, "・業務関係情報").row == first.row + 1
    other = find(ws, "[ ] その他 （  ）")
    assert other.row == find(ws, "[ ] 国税関係情報").row == first.row + 2
    label = merged_range_of(ws, find(ws, "主な記録項目　※"))
    assert (label.min_row, label.max_row) == (caption.row, other.row)
    written = raw_borders(sample_bytes, 2)
    letter = openpyxl.utils.get_column_letter
    # (left, right, top, bottom): the box's outer edges only
    assert written[f"{letter(left.max_col)}{first.row}"][1] is None
    assert written[f"{letter(right.min_col)}{first.row}"][0] is None
    assert written[f"{letter(left.min_col)}{first.row}"][0] == "thin"
    assert written[f"{letter(24)}{first.row}"][1] == "thin"
    offered: dict[str, list[str]] = {}
    lists = book[xw.CHOICE_SHEET]
    for dv in ws.data_validations.dataValidation:
        column = dv.formula1.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
        for ref in str(dv.sqref).split():
            offered[ref] = [c.value for c in lists[column] if c.value]
    assert offered[first.coordinate] == ["[ ○ ] 個人番号", "[ ] 個人番号"]
    assert offered[second.coordinate] == ["[ ○ ] 個人番号対応符号", "[ ] 個人番号対応符号"]
    assert other.coordinate not in offered  # its （ ） text is the city's to write


def test_paragraph_block_is_a_row_per_paragraph(book) -> None:
    ws = book["表紙"]
    first, second = find(ws, "・ Ⅰ　基本情報"), find(ws, "Ⅱ　特定個人情報ファイルの概要")
    assert second.row == first.row + 1
    for cell in (first, second):
        rng = merged_range_of(ws, cell)
        assert (rng.min_col, rng.max_col, rng.min_row, rng.max_row) == (1, 24, cell.row, cell.row)


def test_table_cells_have_thin_borders_and_stacks_print_as_one_box(book, sample_bytes) -> None:
    ws = book["Ⅰ 基本情報"]
    table_top = find(ws, "１．特定個人情報ファイルを取り扱う事務").row
    written = raw_borders(sample_bytes, 2)
    # a stack's columns, row by row: open at the top below its first row, at the bottom above its last
    open_sides: dict[int, tuple[int, bool, bool]] = {}
    for label, units in S1_STACKS.items():
        rows = stack_rows(ws, label, units)
        left = find(ws, units[0]).column
        for row in rows:
            open_sides[row] = (left, row != rows[0], row != rows[-1])
    thin = "thin"
    # the check boxes in columns: test_check_boxes_stand_in_columns_with_a_pull_down
    grid = find(ws, "・識別情報")
    grid_rows = range(grid.row, find(ws, "[ ] その他 （  ）").row + 1)
    for row in range(table_top, ws.max_row + 1):
        for col in range(1, 25):
            if row in grid_rows and col >= grid.column:
                continue
            coordinate = f"{openpyxl.utils.get_column_letter(col)}{row}"
            left, open_top, open_bottom = open_sides.get(row, (25, False, False))
            expected = (thin,) * 4
            if col >= left:
                expected = (thin, thin, None if open_top else thin, None if open_bottom else thin)
            assert written.get(coordinate) == expected, coordinate
    # first, middle and last row of the four-paragraph stack, as the reader sees them
    rows = stack_rows(ws, "②事務の内容", S1_STACKS["②事務の内容"])
    column = openpyxl.utils.get_column_letter(find(ws, S1_STACKS["②事務の内容"][0]).column)
    assert written[f"{column}{rows[0]}"] == (thin, thin, thin, None)
    assert written[f"{column}{rows[1]}"] == (thin, thin, None, None)
    assert written[f"X{rows[2]}"] == (thin, thin, None, None)
    assert written[f"{column}{rows[-1]}"] == (thin, thin, None, thin)
    assert written["A1"] == (None,) * 4  # the part heading above the table


def test_cell_looks(book) -> None:
    ws = book["Ⅰ 基本情報"]
    label = find(ws, "①事務の名称")
    assert label.fill.fgColor.rgb.endswith("F2F2F2")
    assert label.alignment.wrap_text and label.alignment.vertical == "top"
    assert "明朝" in label.font.name and 9 <= label.font.sz <= 10
    value = find(ws, "健康増進事業に関する事務")
    assert value.fill.fill_type is None
    choice = find(ws, "[ 10万人以上30万人未満 ]")
    assert choice.alignment.vertical == "center"
    stacked = find(ws, "再委託")
    assert stacked.alignment.textRotation == 255
    assert stacked.fill.fgColor.rgb.endswith("F2F2F2")
    assert find(ws, "１．特定個人情報ファイルを取り扱う事務").fill.fgColor.rgb.endswith("F2F2F2")
    assert book["別添2 変更箇所"]["A3"].fill.fgColor.rgb.endswith("F2F2F2")


def test_cell_text_from_content(book) -> None:
    ws = book["Ⅰ 基本情報"]
    find(
        ws,
        # two options do not fit one line of this cell whole: one option a line
        "＜選択肢＞\n1） 1,000人未満\n2） 1,000人以上1万人未満\n3） 1万人以上10万人未満\n4） 10万人以上30万人未満",
    )
    find(ws, "[ 委託する ]（ 2 ）件")
    find(ws, "[ 　 ]")
    find(ws, "健康増進事業に関する事務")


def test_values_are_strings_never_formulas(sample_bytes, book) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.value is None or isinstance(cell.value, str), cell.coordinate
                assert cell.data_type in ("s", "n"), cell.coordinate  # "n" only for empty cells
    assert find(book["Ⅰ 基本情報"], "=1+1").data_type == "s"
    assert find(book["別添2 変更箇所"], "+SUM(A1)").data_type == "s"
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 4  # the three parts and the hidden option lists
        xml_of = {name: z.read(name).decode() for name in sheets}
    for name, xml in xml_of.items():
        assert "<f>" not in xml and "<f " not in xml, name
        for c in ElementTree.fromstring(xml).iter(f"{{{NS['m']}}}c"):
            if len(c):  # a cell with a value: a shared or inline string
                assert c.get("t") in ("s", "inlineStr"), (name, c.get("r"))
    strings = parts_of(sample_bytes)["xl/sharedStrings.xml"].decode()
    assert "<si><t>=1+1</t></si>" in strings
    assert "<si><t>+SUM(A1)</t></si>" in strings


def test_page_setup(book, sample) -> None:
    for ws in printed(book):
        setup = ws.page_setup
        assert int(setup.paperSize) == 9
        assert setup.orientation == "portrait"
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_options.horizontalCentered
        assert 0.5 <= ws.page_margins.left <= 0.8 and 0.5 <= ws.page_margins.right <= 0.8
        assert sample.name in ws.oddHeader.center.text
        assert ws.oddFooter.center.text == "&P / &N"
        assert ws.print_area.endswith(f"!$A$1:$X${ws.max_row}")
    # the header row of 別添2's table repeats: heading, gap row, then the header
    assert book["別添2 変更箇所"].print_title_rows == "$3:$3"
    assert book["表紙"].print_title_rows is None  # a later table follows the one with a header


def test_header_escapes_ampersand() -> None:
    doc = records.replace(sample_document(), name="A&B事務")
    assert xw.header_text(doc.name) == "A&&B事務"
    with zipfile.ZipFile(io.BytesIO(xw.render(doc))) as z:
        xml = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    header = xml.find("m:headerFooter/m:oddHeader", NS).text
    assert header.startswith("&C") and header.endswith("A&&B事務")


def test_deterministic(sample) -> None:
    first = xw.render(sample)
    assert xw.render(sample_document()) == first
    props = load(first).properties
    assert props.creator == "hyoka" and props.lastModifiedBy == "hyoka"
    assert props.title == sample.name
    assert props.created.isoformat().startswith("2000-01-01T00:00:00")
    assert props.modified == props.created
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_deterministic_across_processes(sample_bytes) -> None:
    """Bytes do not depend on Python's per-process hash seed (no set or dict order leaks out)."""
    script = (
        "import hashlib, sys; from tests.ir_sample import sample_document; "
        "from generator.writers.xlsx import render; "
        "sys.stdout.write(hashlib.sha256(render(sample_document())).hexdigest())"
    )
    root = Path(__file__).resolve().parent.parent
    expected = hashlib.sha256(sample_bytes).hexdigest()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout == expected


# ---------------------------------------------------------------------------
# The package, written as XML text


CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_package_parts_are_declared_related_and_consistent(sample_bytes) -> None:
    """What Excel checks before it offers to repair a file: every part well-formed XML with a
    content type, every relationship's target present, every sheet related once, every index
    into styles.xml in range and every count right."""
    parts = parts_of(sample_bytes)
    assert next(iter(parts)) == "[Content_Types].xml"
    trees = {name: ElementTree.fromstring(data) for name, data in parts.items()}
    types = trees["[Content_Types].xml"]
    overrides = {o.get("PartName") for o in types.iter(f"{CT}Override")}
    defaults = {d.get("Extension") for d in types.iter(f"{CT}Default")}
    assert overrides <= {f"/{name}" for name in parts}
    for name in parts:
        if name != "[Content_Types].xml":
            assert f"/{name}" in overrides or name.rsplit(".", 1)[-1] in defaults, name
    for rels, base in (("_rels/.rels", ""), ("xl/_rels/workbook.xml.rels", "xl/")):
        for rel in trees[rels]:
            assert base + rel.get("Target") in parts, rel.get("Target")
    related = {rel.get("Id") for rel in trees["xl/_rels/workbook.xml.rels"]}
    sheets = list(trees["xl/workbook.xml"].find("m:sheets", NS))
    assert [s.get("sheetId") for s in sheets] == [str(i) for i in range(1, len(sheets) + 1)]
    ids = [s.get(R_ID) for s in sheets]
    assert len(set(ids)) == len(ids) and set(ids) <= related
    styles = trees["xl/styles.xml"]
    for group in styles:
        if group.get("count") is not None:
            assert int(group.get("count")) == len(group), group.tag
    size = {tag: len(styles.find(f"m:{tag}", NS)) for tag in ("fonts", "fills", "borders", "cellStyleXfs")}
    for tag in ("cellStyleXfs", "cellXfs"):
        for xf in styles.find(f"m:{tag}", NS):
            assert int(xf.get("fontId")) < size["fonts"] and int(xf.get("fillId")) < size["fills"]
            assert int(xf.get("borderId")) < size["borders"]
            assert int(xf.get("xfId", 0)) < size["cellStyleXfs"]
    formats = len(styles.find("m:cellXfs", NS))
    for name, tree in trees.items():
        if name.startswith("xl/worksheets/"):
            assert all(int(c.get("s", 0)) < formats for c in tree.iter(f"{{{NS['m']}}}c")), name


@pytest.mark.parametrize("which", ["sample", "long"])
def test_workbook_holds_exactly_the_layout(which, sample, book, long_bytes) -> None:
    """Read back, each sheet is its layout and nothing more: a value at the top left of each range
    and nowhere else, a merged range for each range over several cells and no other, each row's
    height, each column's width, the print area over every row."""
    doc, workbook = (sample, book) if which == "sample" else (long_document(), load(long_bytes))
    for part, ws in zip(doc.parts, printed(workbook), strict=True):
        layout = xw.SheetLayout(xw.sheet_columns(part))
        layout.add_part(part)
        values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
        assert values == {(r.top, r.left): r.text for r in layout.ranges if r.text}
        merged = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        spans = {(r.top, r.left, r.bottom, r.right) for r in layout.ranges}
        assert merged == {s for s in spans if s[:2] != s[2:]}
        assert merged  # the sample's tables and headings are merged ranges
        heights = layout.row_heights()
        assert sorted(heights) == list(range(1, layout.next_row))
        assert {row: ws.row_dimensions[row].height for row in heights} == heights
        letters = [openpyxl.utils.get_column_letter(c) for c in range(1, layout.columns + 1)]
        assert {ws.column_dimensions[c].width for c in letters} == {layout.column_units}
        assert ws.print_area.endswith(f"!$A$1:${letters[-1]}${layout.next_row - 1}")


TRICKY = (
    "A&B <c> \"q\" 'a' &amp;",
    "  前後に空白  ",
    "\u3000全角空白で始まる",
    "制御\x01文字\x0bと\ufffe不正な文字",
    "_x0041_ は文字どおり",
    "-1",
    "@SUM(A1)",
    "=A1&B1",
    "絵文字\U0001f600も",
)
TRICKY_SHEET = "A&B's <表>"
TRICKY_NAME = 'A&B <評価書> "1"'
TRICKY_WIDTHS = (30, 70)


def tricky_document() -> Document:
    rows = tuple(Row((text_cell(f"項目{i}", "label"), text_cell(text))) for i, text in enumerate(TRICKY))
    part = Part(
        id="tricky",
        title="記号",
        short_title=TRICKY_SHEET,
        blocks=(Table(TRICKY_WIDTHS, rows, header_rows=0),),
    )
    return records.replace(sample_document(), name=TRICKY_NAME, parts=(part,))


@pytest.fixture(scope="module")
def tricky_bytes() -> bytes:
    return xw.render(tricky_document())


def test_text_is_escaped_and_read_back_whole(tricky_bytes) -> None:
    """Markup characters, whitespace at either end, text that looks like a formula and characters
    outside the BMP come back as written; characters XML cannot hold are dropped."""
    ws = load(tricky_bytes).active
    column = xw.grid_spans(TRICKY_WIDTHS, 24)[0] + 1
    values = [ws.cell(row, column).value for row in range(1, len(TRICKY) + 1)]
    expected = list(TRICKY)
    expected[3] = "制御文字と不正な文字"
    expected[4] = "_x0041_ は文字どおり"  # as Excel shows it: the escape below undone
    assert values == expected
    assert all(ws.cell(row, column).data_type == "s" for row in range(1, len(TRICKY) + 1))
    assert ws.title == TRICKY_SHEET
    assert ws.print_area == f"'A&B''s <表>'!$A$1:$X${len(TRICKY)}"
    assert load(tricky_bytes).properties.title == TRICKY_NAME
    xml = parts_of(tricky_bytes)["xl/worksheets/sheet1.xml"].decode()
    strings = parts_of(tricky_bytes)["xl/sharedStrings.xml"].decode()
    # a literal & doubled; the quotes are text (openpyxl's header parser takes them for a font's)
    header = ElementTree.fromstring(xml).find("m:headerFooter/m:oddHeader", NS).text
    assert header == f'{xw.RUNNING}A&&B <評価書> "1"'
    # Excel reads _xHHHH_ as an escaped character: a literal one has its underscore escaped
    assert "<t>_x005F_x0041_ は文字どおり</t>" in strings
    assert '<t xml:space="preserve">  前後に空白  </t>' in strings
    assert "<f>" not in xml


def test_document_without_parts_is_one_empty_sheet() -> None:
    book = load(xw.render(records.replace(sample_document(), parts=())))
    assert book.sheetnames == ["Sheet1"]
    assert book.active.max_row == 1 and book.active["A1"].value is None


def test_a_table_of_no_row_and_a_row_of_no_cell_render() -> None:
    """The IR allows both (forms are data): place() indexed its first slot before looking."""
    for table in (Table((100,), ()), Table((100,), (Row(()), text_cell_row("後")))):
        part = Part("p", "見出し", "見出し", (Heading("前", 2, "h"), table))
        doc = records.replace(sample_document(), parts=(part,))
        sheet = load(xw.render(doc)).active
        assert "前" in [c.value for row in sheet.iter_rows() for c in row]


def text_cell_row(text: str) -> Row:
    return Row((text_cell(text),))


# ---------------------------------------------------------------------------
# Row heights


def test_wrap_fills_lines_to_the_capacity() -> None:
    """A line holds (width − inset) / size ems: full-width characters 1 em, Latin 0.6."""
    width = 10 * 9 + 6  # 10 ems at 9 pt
    assert wrap("あ" * 10, width, 9) == ["あ" * 10]
    assert wrap("あ" * 11, width, 9) == ["あ" * 10, "あ"]
    assert wrap("a" * 16, width, 9) == ["a" * 16]  # 9.6 ems: longer than 10 characters, it fits
    assert wrap("a" * 17, width, 9) == ["a" * 16, "a"]  # a word wider than a line breaks anywhere
    assert wrap("あ" * 8 + " abc", width, 9) == ["あ" * 8 + " ", "abc"]  # spaces hang at the end
    assert wrap("一\n\n二", width, 9) == ["一", "", "二"]
    # kinsoku: no line begins with 「。」 or 「）」, none ends with 「（」; the character before goes down
    assert wrap("あ" * 10 + "。い", width, 9) == ["あ" * 9, "あ。い"]
    assert wrap("あ" * 9 + "（い）", width, 9) == ["あ" * 9, "（い）"]
    assert wrap("あ" * 9 + "」。う", width, 9) == ["あ" * 8, "あ」。う"]


def test_line_counts_are_wraps_lines_and_kept_only_for_texts_of_bounded_size() -> None:
    width = 10 * 9 + 6
    texts = ["あ" * 11, "a" * 17, "あ" * 10 + "。い", "一\n\n二", "", "あ" * (xm._COUNTED_TEXT_MAX + 1)]
    for text in texts:
        assert xm.line_count(text, width, 9) == len(wrap(text, width, 9))
        assert xm.line_count(text, width, 9) == len(wrap(text, width, 9))  # the second time cached
    assert ("あ" * 11, width, 9) in xm._COUNTS
    assert ("あ" * (xm._COUNTED_TEXT_MAX + 1), width, 9) not in xm._COUNTS


def check_heights(ws) -> None:
    """Every cell's rows are at least as tall as its estimated text."""
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, 25)]
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or cell.alignment.textRotation == 255:
                continue
            rng = spans.get((cell.row, cell.column))
            cols = range(rng.min_col, rng.max_col + 1) if rng else [cell.column]
            rows = range(rng.min_row, rng.max_row + 1) if rng else [cell.row]
            width = sum(widths[c - 1] for c in cols) * xw.UNIT_PT
            need = lines_height(len(wrap(cell.value, width, cell.font.sz)), cell.font.sz)
            have = sum(ws.row_dimensions[r].height for r in rows)
            assert have >= need - 0.05, (ws.title, cell.coordinate)


def test_row_heights_fit_the_estimated_text(book) -> None:
    for ws in printed(book):
        check_heights(ws)


@pytest.fixture(scope="module")
def long_bytes() -> bytes:
    return xw.render(long_document())


def test_long_cell_with_a_cell_to_its_right_is_one_cell_over_several_rows(tmp_path, long_bytes) -> None:
    """Not stacked, though of many paragraphs: the cell to its right would come between them."""
    data = long_bytes
    ws = load(data).active
    cell = find(ws, LONG)
    holders = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and LONG[:40] in c.value]
    assert holders == [cell]  # the whole text, in one cell and nowhere else
    assert LONG.count("\n") >= 5  # ... of several paragraphs
    rng = merged_range_of(ws, cell)
    rows = range(rng.min_row, rng.max_row + 1)
    assert len(rows) >= 2
    heights = [ws.row_dimensions[r].height for r in rows]
    assert all(h <= MAX_ROW_PT for h in heights), heights
    width = sum(
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
        for c in range(rng.min_col, rng.max_col + 1)
    )
    need = lines_height(len(wrap(LONG, width * xw.UNIT_PT, 9)), 9)
    assert need > MAX_ROW_PT and sum(heights) >= need
    # cut in bands of BAND_LINES printed lines, where a page may end between two lines
    assert len(rows) == math.ceil((need - ROW_PADDING_PT) / (PRINT_PITCH_PT * BAND_LINES))
    ends = list(itertools.accumulate(heights))[:-1]
    for k, end in enumerate(ends, 1):
        assert end == pytest.approx(BREAK_OFFSET_PT + PRINT_PITCH_PT * BAND_LINES * k, abs=0.03), k
    assert cell.alignment.vertical == "top" and cell.alignment.wrap_text
    # the label to the left and the cell to the right span the same sheet rows
    for text in (LONG_LABEL, LONG_RIGHT):
        other = merged_range_of(ws, find(ws, text))
        assert (other.min_row, other.max_row) == (rng.min_row, rng.max_row), text
    assert find(ws, LONG_RIGHT).column == rng.max_col + 1
    # read row by row, as the fidelity tool reads a workbook, the text comes whole and in order
    path = tmp_path / "long.xlsx"
    path.write_bytes(data)
    blocks = fidelity_tool().xlsx_blocks(path)
    assert blocks.index(LONG_LABEL) < blocks.index(LONG) < blocks.index(LONG_RIGHT)
    # a tall group label over two rows gets their height between them
    group = find(ws, "縦に長い区分" * 20)
    rng = merged_range_of(ws, group)
    width = sum(ws.column_dimensions[c].width for c in "ABCD") * xw.UNIT_PT
    need = lines_height(len(wrap(group.value, width, 9)), 9)
    assert sum(ws.row_dimensions[r].height for r in range(rng.min_row, rng.max_row + 1)) >= need
    assert ws.print_title_rows == "$5:$5"


def test_stacked_rows_take_their_units_heights(long_bytes) -> None:
    ws = load(long_bytes).active
    rows = stack_rows(ws, STACK_LABEL, STACK_PARAS)
    first = find(ws, STACK_PARAS[0])
    width = sum(
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(first.column, 25)
    )
    floor = lines_height(1, 9)
    for row, text in zip(rows, STACK_PARAS, strict=True):
        need = lines_height(len(wrap(text, width * xw.UNIT_PT, 9)), 9)
        assert ws.row_dimensions[row].height == xw.quantise(max(need, floor)), text
    assert sum(ws.row_dimensions[r].height for r in rows) > 2 * xw.PAGE_BODY_PT  # more than two pages
    # a label taller than its stack spreads what the stack lacks over the stack's rows
    label = find(ws, TALL_LABEL)
    rng = merged_range_of(ws, label)
    short = [ws.row_dimensions[r].height for r in range(rng.min_row, rng.max_row + 1)]
    assert len(short) == 2 and short[0] == short[1] > lines_height(1, 9) + 1
    check_heights(ws)


def test_huge_paragraph_in_a_stack_is_one_cell_over_several_rows(long_bytes) -> None:
    data = long_bytes
    ws = load(data).active
    before, huge, after = find(ws, HUGE_BEFORE), find(ws, HUGE), find(ws, HUGE_AFTER)
    rng = merged_range_of(ws, huge)
    width = sum(
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
        for c in range(rng.min_col, rng.max_col + 1)
    )
    need = lines_height(len(wrap(HUGE, width * xw.UNIT_PT, 9)), 9)
    assert rng.max_row - rng.min_row + 1 == math.ceil(need / SHEET_ROW_PT) >= 2
    assert before.row == rng.min_row - 1 and after.row == rng.max_row + 1
    label = merged_range_of(ws, find(ws, HUGE_LABEL))
    assert (label.min_row, label.max_row) == (before.row, after.row)
    # the huge paragraph is the middle of the box: open above and below
    written = raw_borders(data, 1)
    column = openpyxl.utils.get_column_letter(rng.min_col)
    for row in range(rng.min_row, rng.max_row + 1):
        assert written[f"{column}{row}"] == ("thin", "thin", None, None), row
    assert written[f"{column}{before.row}"] == ("thin", "thin", "thin", None)
    assert written[f"{column}{after.row}"] == ("thin", "thin", None, "thin")


def test_row_by_row_reading_gives_the_label_then_the_units_in_order(
    tmp_path, sample_bytes, long_bytes
) -> None:
    reader = fidelity_tool().xlsx_blocks
    path = tmp_path / "sample.xlsx"
    path.write_bytes(sample_bytes)
    blocks = reader(path)
    for label, units in S1_STACKS.items():
        start = blocks.index(label)
        assert blocks[start : start + 1 + len(units)] == [label, *units], label
    path = tmp_path / "long.xlsx"
    path.write_bytes(long_bytes)
    blocks = reader(path)
    start = blocks.index(STACK_LABEL)
    assert blocks[start : start + 1 + len(STACK_PARAS)] == [STACK_LABEL, *STACK_PARAS]
    start = blocks.index(HUGE_LABEL)
    assert blocks[start : start + 4] == [HUGE_LABEL, HUGE_BEFORE, HUGE, HUGE_AFTER]


def test_many_rows_render() -> None:
    """2,000 rows of a long table: every row written, the last one whole (the sheet is written in
    one pass, so no step grows with the ranges already placed)."""
    ws = load(xw.render(long_document(rows=2000))).active
    assert ws.max_row > 2000
    last = find(ws, "項目1999")
    assert find(ws, "備考1999").row == last.row
    assert merged_range_of(ws, last).max_col == sum(xw.grid_spans(FORM, 24)[:2])


# ---------------------------------------------------------------------------
# Text read back: the fidelity tool and LibreOffice


def test_fidelity_tool_reads_every_cell(tmp_path, sample) -> None:
    fidelity = fidelity_tool()
    path = tmp_path / "sample.xlsx"
    path.write_bytes(xw.render(sample))
    reference = []
    for part in sample.parts:
        for block in part.blocks:
            if isinstance(block, Table):
                reference.extend(cell.text() for row in block.rows for cell in row.cells)
    recall, _, missing = fidelity.measure("\n".join(reference), fidelity.xlsx_blocks(path))
    assert recall == 1.0, missing


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_libreoffice_prints_a4_portrait(tmp_path, sample_bytes) -> None:
    path = tmp_path / "sample.xlsx"
    path.write_bytes(sample_bytes)
    pdf = to_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) >= 3  # every sheet starts a page
    for width, height in pages:
        assert abs(width - 595) <= 2 and abs(height - 842) <= 2
    text = compact(pdf_text(pdf))
    for expected in (
        "①事務の名称",
        "[10万人以上30万人未満]",
        "=1+1",
        "+SUM(A1)",
        "旭川市健康保健部健康推進課",
    ):
        assert expected in text


@pytest.mark.slow
def test_libreoffice_prints_escaped_text_as_written(tmp_path, tricky_bytes) -> None:
    path = tmp_path / "tricky.xlsx"
    path.write_bytes(tricky_bytes)
    text = compact(pdf_text(to_pdf(path, tmp_path)))
    for expected in ("A&B<c>\"q\"'a'&amp;", "前後に空白", "_x0041_は文字どおり", "=A1&B1", "@SUM(A1)"):
        assert expected in text
    assert "制御文字と不正な文字" in text and "x005F" not in text
    assert compact(TRICKY_NAME) in text  # the running head


@pytest.mark.slow
def test_libreoffice_prints_a_3000_character_cell_over_pages(tmp_path) -> None:
    """Every sentence of the long cell prints, in order, on A4 portrait pages.

    pdftotext also reports glyphs the PDF clips: LibreOffice draws a merged cell on each page it
    reaches and clips it there, so lines near a page break come out twice. Sentences are therefore
    looked for in order, not as one run. That the lines show (and none is split at a break) is not
    visible to this test."""
    path = tmp_path / "long.xlsx"
    path.write_bytes(xw.render(long_document(rows=40)))
    pdf = to_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) >= 3  # the cell alone is taller than a page
    for width, height in pages:
        assert abs(width - 595) <= 2 and abs(height - 842) <= 2
    text = compact(pdf_text(pdf))
    assert LONG_RIGHT in text and "行39の記載。" in text
    # what prints beside the cell or on each page falls between its lines in the extracted text
    for noise in (LONG_NAME, LONG_TABLE, LONG_LABEL, LONG_RIGHT):
        text = text.replace(noise, "")
    text = re.sub(r"\d+/\d+", "", text)
    sentences = [compact(s) for s in re.split(r"(?<=。)", LONG) if compact(s)]
    assert len(sentences) > 60
    position = 0
    for number, sentence in enumerate(sentences):
        found = text.find(sentence, position)
        assert found >= 0, (number, sentence)
        position = found + len(sentence)


@pytest.mark.slow
def test_libreoffice_prints_a_stacked_cell_with_pages_breaking_between_paragraphs(
    tmp_path, long_bytes
) -> None:
    """Every paragraph of the 60-paragraph cell prints exactly once, whole and in order.

    LibreOffice draws a merged cell on each page it reaches and clips it there, and pdftotext
    reports the clipped glyphs too: a line cut by a page break comes out twice. A stacked cell
    breaks between its rows, so no paragraph text repeats."""
    path = tmp_path / "long.xlsx"
    path.write_bytes(long_bytes)
    pdf = to_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) >= 4  # the stacked cell alone is over two pages
    for width, height in pages:
        assert abs(width - 595) <= 2 and abs(height - 842) <= 2
    text = compact(pdf_text(pdf))
    position = 0
    for number, paragraph in enumerate(STACK_PARAS):
        found = text.find(compact(paragraph), position)
        assert found >= 0, (number, paragraph)
        assert text.count(compact(paragraph)) == 1, (number, paragraph)
        position = found + len(compact(paragraph))
    # the stack spans pages: its label's page is not its last paragraph's
    page_texts = [compact(t) for t in pdf_text(pdf).split("\f")]
    first = next(i for i, t in enumerate(page_texts) if compact(STACK_PARAS[0]) in t)
    last = next(i for i, t in enumerate(page_texts) if compact(STACK_PARAS[-1]) in t)
    assert last - first >= 2
