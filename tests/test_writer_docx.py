"""DOCX writer: structure read back with python-docx, determinism, LibreOffice for real, fidelity."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Twips

from generator.layout.ir import (
    Cell,
    CheckGrid,
    CheckItem,
    Document,
    Heading,
    Options,
    Para,
    Paragraph,
    Part,
    Row,
    Run,
    Table,
    TextContent,
    text_cell,
)
from generator.writers import docx as writer
from generator.writers import writer as writer_for
from generator.writers.zipfix import zip_time
from tests import fidelity
from tests.conftest import REPO
from tests.ir_sample import sample_document
from tests.office import pdf_pages, pdf_text, to_pdf

STYLE_NAMES = (
    "評価書 表題",
    "評価書 見出し",
    "評価書 本文",
    "評価書 ラベル",
    "評価書 選択肢",
    "評価書 表本文",
)
SENTENCES = (
    "特定個人情報ファイルの取扱いにおいては、目的外の入手が行われないよう措置を講じている。",
    "委託先には定期的に報告を求め、必要に応じて立入検査を実施する。",
    "システムへのアクセスは生体認証と職員番号により制限し、操作履歴を記録している。",
    "不要となった特定個人情報は、保存期間の経過後に速やかに消去する。",
)
TAIL = "以上の措置により適正な取扱いを確保する末尾確認"


def long_text(length: int = 1500) -> str:
    """~``length`` Japanese characters ending in a known tail, so truncation shows."""
    body = ""
    i = 0
    while len(body) < length - len(TAIL):
        body += SENTENCES[i % len(SENTENCES)]
        i += 1
    return body[: length - len(TAIL)] + TAIL


def document(*parts: Part, name: str = "合成評価書", timestamp: str = "2000-01-01T00:00:00Z") -> Document:
    return Document(
        title="特定個人情報保護評価書（重点項目評価書）",
        name=name,
        number="1",
        organisation="テスト市長",
        published="令和7年1月1日",
        parts=parts,
        timestamp=timestamp,
    )


def long_document(rows: int = 2000, long_cell: str = "") -> Document:
    """A table of ``rows`` items, optionally with one very tall cell in a narrow column first."""
    body: list[Row] = [
        Row((text_cell("項目", "header", colspan=2), text_cell("内容", "header", colspan=2)), kind="header")
    ]
    if long_cell:
        body.append(Row((text_cell("長文欄", "label", colspan=2), text_cell(long_cell), text_cell(""))))
    for i in range(rows):
        body.append(
            Row(
                (
                    text_cell(f"項目{i}", "label", colspan=2),
                    text_cell(f"第{i}行の記載内容。" + SENTENCES[i % len(SENTENCES)]),
                    Cell((Options(("する", "しない"), 2),), role="options"),
                )
            )
        )
    part = Part(
        "s1",
        "Ⅰ　基本情報",
        "Ⅰ 基本情報",
        (Heading("Ⅰ　基本情報", 2), Table((18, 18, 40, 24), tuple(body), header_rows=1)),
    )
    return document(part)


def spans_document() -> Document:
    """Row spans in the first, middle and last grid columns, a short row, a part starting with a table."""
    c = text_cell
    rows = (
        Row((c("A", rowspan=3), c("B"), c("C", rowspan=2), c("D"))),
        Row((c("E"), c("F"))),
        Row((c("G"), c("H"), c("I"))),
        Row((c("J", colspan=2), c("K", colspan=2, rowspan=2))),
        Row((c("L"), c("M"))),
        Row((c("N"), c("O"), c("P"), c("Q", "group", rowspan=2, vertical=True))),
        Row((c("R"), c("S"), c("T"))),
        Row((c("U"),), keep_together=False),
    )
    first = Part("a", "甲", "甲", (Paragraph((Para((Run("前置き"),)),)),))
    second = Part("b", "乙", "乙", (Table((25, 25, 25, 25), rows), Table((100,), (Row((c("次の表"),)),))))
    return document(first, second)


def grid_of(tbl) -> list[list[tuple[int, int, str | None, str]]]:
    """Each row as (grid column, span, vMerge value or None, text) per w:tc."""
    rows = []
    for tr in tbl.iter(qn("w:tr")):
        col = 0
        cells = []
        for tc in tr.iter(qn("w:tc")):
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            merge_el = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            merge = None if merge_el is None else merge_el.get(qn("w:val"), "continue")
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            cells.append((col, span, merge, text))
            col += span
        after = tr.find(f"{qn('w:trPr')}/{qn('w:gridAfter')}")
        cells.append((col + (int(after.get(qn("w:val"))) if after is not None else 0), 0, None, ""))
        rows.append(cells)
    return rows


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def style_of(paragraph) -> str:
    return paragraph.style.name


def para_props(paragraph, tag: str):
    ppr = paragraph._p.pPr
    return None if ppr is None else ppr.find(qn(tag))


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return writer.render(sample_document())


@pytest.fixture(scope="module")
def sample(sample_bytes):
    return read(sample_bytes)


# ---------------------------------------------------------------------------
# Interface and package


def test_registered_and_interface(sample_bytes):
    assert writer_for("docx") is writer
    assert writer.EXTENSION == ".docx"
    assert sample_bytes[:2] == b"PK"


def test_a4_portrait_and_margins(sample):
    section = sample.sections[0]
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))
    for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        assert 14.9 <= margin.mm <= 20.1


def test_deterministic(sample_bytes):
    assert writer.render(sample_document()) == sample_bytes
    again = long_document(rows=50)
    assert writer.render(again) == writer.render(again)


def test_deterministic_across_processes(sample_bytes):
    """Another interpreter with another hash seed writes the same bytes (no set or dict order leaks)."""
    code = (
        "import sys; from generator.writers import docx; from tests.ir_sample import sample_document; "
        "sys.stdout.buffer.write(docx.render(sample_document()))"
    )
    root = Path(__file__).resolve().parent.parent
    env = {"PYTHONHASHSEED": "12345", "PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=root, env=env, check=True)
    assert proc.stdout == sample_bytes


def test_metadata_from_timestamp():
    data = writer.render(document(Part("p", "甲", "甲", ()), timestamp="2025-12-01T09:00:00+09:00"))
    props = read(data).core_properties
    when = datetime(2025, 12, 1, 0, 0, tzinfo=UTC)
    assert (props.created, props.modified, props.last_printed) == (when, when, when)
    assert (props.author, props.title, props.revision) == ("hyoka", "合成評価書", 1)
    assert "python-docx" not in props.comments + props.last_modified_by
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {zip_time("2025-12-01T09:00:00+09:00")}
        # nothing left from the template that would disagree with the document
        assert not any("thumbnail" in n or "stylesWithEffects" in n for n in z.namelist())


# ---------------------------------------------------------------------------
# Styles and fonts


def test_named_styles_exist_and_are_used(sample):
    styles = sample.styles
    for name in STYLE_NAMES:
        assert styles[name].type == docx.enum.style.WD_STYLE_TYPE.PARAGRAPH, name
    assert styles["評価書 表"].type == docx.enum.style.WD_STYLE_TYPE.TABLE
    used = {style_of(p) for p in sample.paragraphs}
    assert {"評価書 表題", "評価書 見出し", "評価書 本文"} <= used
    for table in sample.tables:
        assert table.style.name == "評価書 表"
    # the part heading shows in Word's navigation pane
    heading = styles["評価書 見出し"].element
    assert heading.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == "0"


def test_east_asian_font_and_language(sample):
    root = sample.styles.element
    defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    places = [
        defaults,
        sample.styles["Normal"].element.find(qn("w:rPr")),
        sample.styles["評価書 表"].element.find(qn("w:rPr")),
    ]
    for rpr in places:
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "ＭＳ 明朝"
        assert fonts.get(qn("w:asciiTheme")) is None  # a theme font would override the named one
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "ja-JP"
    table_sizes = {sample.styles[n].font.size.pt for n in ("評価書 表本文", "評価書 ラベル", "評価書 選択肢")}
    assert all(9 <= s <= 10.5 for s in table_sizes)


def test_table_style_borders_and_fixed_layout(sample):
    tblpr = sample.styles["評価書 表"].element.find(qn("w:tblPr"))
    borders = tblpr.find(qn("w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert borders.find(qn(f"w:{side}")).get(qn("w:val")) == "single"
    for table in sample.tables:
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


# ---------------------------------------------------------------------------
# Body


def test_header_and_page_number_footer(sample):
    section = sample.sections[0]
    assert section.header.paragraphs[0].text == "健康増進事業に関する事務"
    fields = [f.get(qn("w:instr")).strip() for f in section.footer._element.iter(qn("w:fldSimple"))]
    assert "PAGE" in fields


def test_each_part_after_the_first_starts_a_page(sample):
    breaks = [p.text for p in sample.paragraphs if para_props(p, "w:pageBreakBefore") is not None]
    assert breaks == ["Ⅰ　基本情報", "（別添２）　変更箇所"]
    title = sample.paragraphs[0]
    assert (title.text, style_of(title)) == ("特定個人情報保護評価書（重点項目評価書）", "評価書 表題")


def test_part_starting_with_table_gets_a_break_and_tables_never_touch():
    body = read(writer.render(spans_document())).element.body
    children = [el.tag for el in body]
    assert children[-1] == qn("w:sectPr") and children[-2] == qn("w:p")
    first_table = children.index(qn("w:tbl"))
    assert body[first_table - 1].find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
    # Word would merge two adjacent tables into one
    assert all(not (a == b == qn("w:tbl")) for a, b in zip(children, children[1:], strict=False))


def test_tables_spans_and_header_rows(sample):
    assert len(sample.tables) == 4
    cover, _, s1, annex = sample.tables
    assert cover.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert cover.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert annex.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    xml = s1._tbl.xml
    assert 'w:gridSpan w:val="4"' in xml and 'w:vMerge w:val="restart"' in xml
    # the group label spans two rows, read back as one cell by python-docx
    owner = next(i for i, r in enumerate(s1.rows) if r.cells[1].text == "使用部署")
    assert s1.cell(owner, 0).text == s1.cell(owner + 1, 0).text == "④使用の主体"
    assert s1.cell(owner + 1, 1).text == "使用者数"
    vertical = next(i for i, r in enumerate(s1.rows) if r.cells[0].text == "再委託")
    tc = s1.cell(vertical, 0)._tc
    assert tc.tcPr.find(qn("w:textDirection")).get(qn("w:val")) == "tbRlV"
    assert s1.cell(vertical + 1, 1).text == "⑤再委託の許諾方法"


def test_every_row_fills_the_grid_and_continuations_line_up():
    tbl = read(writer.render(spans_document())).tables[0]._tbl
    ncols = len(tbl.tblGrid.findall(qn("w:gridCol")))
    grid = grid_of(tbl)
    for cells in grid:
        assert cells[-1][0] == ncols
    texts = [[t for _, _, m, t in row[:-1] if m != "continue"] for row in grid]
    assert texts == [
        list("ABCD"),
        list("EF"),
        list("GHI"),
        list("JK"),
        list("LM"),
        list("NOPQ"),
        list("RST"),
        ["U"],
    ]
    for above, below in zip(grid, grid[1:], strict=False):
        starts = {col: (span, merge) for col, span, merge, _ in above}
        for col, span, merge, _ in below:
            if merge == "continue":
                assert col in starts and starts[col][0] == span and starts[col][1] in ("restart", "continue")
    shapes = [[(col, span, merge) for col, span, merge, _ in row[:-1]] for row in grid]
    assert shapes[1] == [(0, 1, "continue"), (1, 1, None), (2, 1, "continue"), (3, 1, None)]
    assert shapes[4] == [(0, 1, None), (1, 1, None), (2, 2, "continue")]
    assert shapes[6] == [(0, 1, None), (1, 1, None), (2, 1, None), (3, 1, "continue")]


def test_cells_shading_and_keep_together(sample):
    s1 = sample.tables[2]

    def fill(cell):
        shd = cell._tc.tcPr.find(qn("w:shd"))
        return None if shd is None else shd.get(qn("w:fill"))

    name_row = next(r for r in s1.rows if r.cells[0].text == "①事務の名称")
    assert fill(name_row.cells[0]) == "F2F2F2" and fill(name_row.cells[2]) is None
    assert name_row._tr.trPr.find(qn("w:cantSplit")) is not None

    grid_rows = read(writer.render(spans_document())).tables[0].rows
    assert grid_rows[-1]._tr.trPr is None or grid_rows[-1]._tr.trPr.find(qn("w:cantSplit")) is None
    # a row taller than half a page may break: Word cuts off an unbreakable row that cannot fit
    tall = read(writer.render(long_document(rows=1, long_cell=long_text()))).tables[0].rows[1]
    assert tall.cells[2].text.endswith(TAIL)
    assert tall._tr.trPr is None or tall._tr.trPr.find(qn("w:cantSplit")) is None


def test_cell_content_kinds(sample):
    s1 = sample.tables[2]
    content = next(r for r in s1.rows if r.cells[0].text == "②事務の内容").cells[2]
    paragraphs = content.paragraphs
    assert [p.text for p in paragraphs[:2]] == [
        "本市では健康増進法に基づきがん検診を実施している。",
        "(1)\t受診勧奨",
    ]
    nested = paragraphs[2]
    assert nested.text.startswith("1.\t一行目\n二行目 <script>alert(1)</script>")
    assert (
        nested._p.xpath(".//w:br")
        and nested.paragraph_format.left_indent > paragraphs[1].paragraph_format.left_indent
    )
    assert [(r.text, bool(r.bold)) for r in paragraphs[3].runs] == [("強調", True), ("と普通", False)]

    count = next(r for r in s1.rows if r.cells[0].text == "③対象人数")
    assert count.cells[2].text == "[ 10万人以上30万人未満 ]"
    options = [p.text for p in count.cells[3].paragraphs]
    assert options[0] == "＜選択肢＞" and {style_of(p) for p in count.cells[3].paragraphs} == {
        "評価書 選択肢"
    }
    assert (
        "".join(options[1:]).replace("\t", "").replace("\xa0", " ")  # an option's spaces do not break
        == "1） 1,000人未満2） 1,000人以上1万人未満3） 1万人以上10万人未満4） 10万人以上30万人未満"
    )

    empty = next(r for r in s1.rows if r.cells[1].text.startswith("④再委託の有無"))
    assert empty.cells[2].text == "[ 　 ]"
    entrust = next(r for r in s1.rows if r.cells[0].text.startswith("委託の有無"))
    assert entrust.cells[2].text == "[ 委託する ]（ 2 ）件"
    # two columns do not fit in the narrow options cell at 9 pt: one option a line
    assert [p.text.replace("\xa0", " ") for p in entrust.cells[3].paragraphs] == [
        "＜選択肢＞",
        "1） 委託する",
        "2） 委託しない",
    ]

    items = next(r for r in s1.rows if r.cells[0].text.startswith("主な記録項目")).cells[2]
    # the check boxes as the form's grid: a borderless table of columns, a caption spanning them
    [grid] = items.tables
    cells = [
        ["".join(t.text or "" for t in tc.iter(qn("w:t"))).replace("\xa0", " ") for tc in tr.tc_lst]
        for tr in grid._tbl.tr_lst
    ]
    assert cells == [
        ["・識別情報"],
        ["[ ○ ] 個人番号", "[ ] 個人番号対応符号"],
        ["・業務関係情報"],
        ["[ ] 国税関係情報", "[ ] その他 （  ）"],
    ]
    assert grid._tbl.tr_lst[0].tc_lst[0].grid_span == len(grid._tbl.tblGrid.gridCol_lst)
    assert grid._tbl.xpath(".//w:r/w:rPr/w:b")  # the captions are bold
    assert s1.rows[-1].cells[0].text == "=1+1"
    empty_value = next(r for r in s1.rows if r.cells[1].text == "⑤再委託の許諾方法").cells[2]
    assert len(empty_value.paragraphs) == 1 and empty_value.text == ""


def test_check_grid_is_a_table_of_columns_and_falls_back_to_lines_when_too_wide():
    # items with a （ ） field may not wrap (Writer would start a line with its 「）」)
    wide = CheckGrid(
        tuple(CheckItem(f"とても長い選択肢の名前その{i}番目の項目", i == 0, detail="") for i in range(4)),
        columns=3,
    )
    narrow = CheckGrid(tuple(CheckItem(f"短{i}", False) for i in range(4)), columns=2)
    options = Options(("する", "しない", "不明"), 2)
    rows = (Row((Cell((wide,), role="checks"), Cell((narrow, options), role="checks"))),)
    cells = (
        read(writer.render(document(Part("p", "甲", "甲", (Table((50, 50), rows),))))).tables[0].rows[0].cells
    )
    # entries too wide for three columns stand one a line, each whole
    assert not cells[0].tables
    assert [p.text.replace("\xa0", " ") for p in cells[0].paragraphs][:2] == [
        "[ ○ ] とても長い選択肢の名前その0番目の項目 （  ）",
        "[ ] とても長い選択肢の名前その1番目の項目 （  ）",
    ]
    # long items without a field keep the form's columns, each wrapping within its own
    long = CheckGrid(
        tuple(CheckItem(f"とても長い選択肢の名前その{i}番目の項目", False) for i in range(3)), columns=3
    )
    [kept] = (
        read(
            writer.render(
                document(Part("p", "甲", "甲", (Table((100,), (Row((Cell((long,), role="checks"),)),)),)))
            )
        )
        .tables[0]
        .rows[0]
        .cells[0]
        .tables
    )
    assert len(kept.columns) == 3
    # short ones in two columns of a borderless table
    [grid] = cells[1].tables
    assert [[c.text.replace("\xa0", " ") for c in r.cells] for r in grid.rows] == [
        ["[ ] 短0", "[ ] 短1"],
        ["[ ] 短2", "[ ] 短3"],
    ]
    texts = [p.text.replace("\xa0", " ") for p in cells[1].paragraphs if p.text]
    assert texts == ["＜選択肢＞", "1） する\t2） しない", "3） 不明"]
    stops = next(p for p in cells[1].paragraphs if "\t" in p.text)._p.pPr.find(qn("w:tabs"))
    assert stops is not None and len(stops) == 1


def test_illegal_xml_characters_are_dropped_and_the_rest_kept():
    text = "前\x00半\x0bと\ud800後半\x1f。\r\n改行"
    data = writer.render(
        document(Part("p", "甲", "甲", (Paragraph((Para((Run(text),)),)),)), name="名\x07前")
    )
    result = read(data)
    assert result.paragraphs[0].text == "前半と後半。\n改行"
    assert result.sections[0].header.paragraphs[0].text == "名前"


def test_empty_text_content_still_has_a_paragraph():
    rows = (Row((Cell((TextContent(()),)), Cell(()))),)
    table = read(writer.render(document(Part("p", "甲", "甲", (Table((50, 50), rows),))))).tables[0]
    assert [len(c.paragraphs) for c in table.rows[0].cells] == [1, 1]


def test_two_thousand_rows_are_complete():
    # speed is measured in bench/, not asserted here
    doc = long_document(rows=2000)
    print(f"2,000 rows: {_timed(doc) * 1000:.0f} ms")
    table = read(writer.render(doc)).tables[0]
    assert len(table.rows) == 2001
    assert table.cell(2000, 2).text.startswith("第1999行の記載内容。")


def _timed(doc: Document) -> float:
    start = time.perf_counter()
    writer.render(doc)
    return time.perf_counter() - start


# ---------------------------------------------------------------------------
# The fidelity reader (tests/fidelity.py) gets every cell back


def _ir_texts(doc: Document) -> list[str]:
    texts: list[str] = []
    for part in doc.parts:
        for block in part.blocks:
            if isinstance(block, Heading):
                texts.append(block.text)
            elif isinstance(block, Paragraph):
                texts.extend(p.text for p in block.flow)
            elif isinstance(block, Table):
                texts.extend(cell.text() for row in block.rows for cell in row.cells)
    return texts


def test_fidelity_reader_finds_every_cell(sample_bytes, tmp_path):
    path = tmp_path / "sample.docx"
    path.write_bytes(sample_bytes)
    blocks = fidelity.docx_blocks(path)
    joined = "".join(fidelity.normalise(b) for b in blocks)
    texts = _ir_texts(sample_document())
    missing = [t for t in texts if fidelity.normalise(t) not in joined]
    assert not missing
    assert "健康増進事業に関する事務" in blocks  # the header is read too


def test_fidelity_script_reports_full_recall(sample_bytes, tmp_path):
    path = tmp_path / "sample.docx"
    path.write_bytes(sample_bytes)
    reference = tmp_path / "reference.txt"
    reference.write_text("\n".join(_ir_texts(sample_document())), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fidelity", str(reference), str(path), "--min", "1.0"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "recall 1.0000" in proc.stdout


# ---------------------------------------------------------------------------
# LibreOffice, for real


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_libreoffice_renders_sample_on_a4(sample_bytes, tmp_path):
    path = tmp_path / "sample.docx"
    path.write_bytes(sample_bytes)
    pdf = to_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) == 3  # one page per part
    for width, height in pages:
        assert abs(width - 595.3) <= 2 and abs(height - 841.9) <= 2
    text = _squash(pdf_text(pdf))
    for expected in (
        "特定個人情報保護評価書（重点項目評価書）",
        "④使用の主体",
        "[10万人以上30万人未満]",
        "<script>alert(1)</script>",
        "=1+1",
    ):
        assert _squash(expected) in text, expected
    assert "1/3" in text  # the page number field


@pytest.mark.slow
def test_libreoffice_keeps_the_longest_cell_whole(tmp_path):
    path = tmp_path / "long.docx"
    path.write_bytes(writer.render(long_document(rows=150, long_cell=long_text())))
    pdf = to_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) > 2
    for width, height in pages:
        assert abs(width - 595.3) <= 2 and abs(height - 841.9) <= 2
    text = _squash(pdf_text(pdf))
    assert long_text()[-20:] in text
    assert "第149行の記載内容。" in text
