"""Publish-quality print (issue 12): every example printed to PDF by both routes and read back,
identical PDF bytes from identical sources, openxml-audit on every DOCX and XLSX, Excel's limits.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator import pdf, records
from generator.diagnostics import Reporter
from generator.layout import ir
from generator.pipeline import layout, load_all
from generator.writers import docx as docx_writer
from generator.writers import xlsx as xlsx_writer
from tests import pdf_checks
from tests.ir_sample import sample_document
from tests.office import require

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "sources").iterdir() if (p / "0_表紙.yaml").exists())
# the DOCX's text area (A4 less 15 mm margins) and the XLSX grid in LibreOffice, in ems of 9 pt text
# per 1 % of a table's width
EM_PER_PERCENT = {"docx": (11906 - 2 * 851) / 20 / 9 / 100, "xlsx": 496 / 9 / 100}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def example_documents() -> dict[str, ir.Document]:
    """Every document ``make build`` prints from sources/: each folder's, its paired 基礎 too."""
    reporter = Reporter()
    loaded = load_all(EXAMPLES, reporter)
    assert not reporter.errors
    return {
        folder.folder.name + document.suffix: layout(document.assessment, folder.blocks)
        for folder in loaded
        for document in folder.documents
    }


@pytest.fixture(scope="module")
def documents() -> dict[str, ir.Document]:
    docs = example_documents()
    assert len(docs) > len(EXAMPLES)  # the paired 基礎 are among them
    return docs


@pytest.fixture(scope="module")
def printed(documents, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every example printed by both routes: {(name, route): pdf}."""
    out = tmp_path_factory.mktemp("print")
    paths = {}
    for name, doc in documents.items():
        for route in ("docx", "xlsx"):
            path = out / f"{name}-{route}.pdf"
            path.write_bytes(pdf.print_pdf(doc, name, route))
            paths[(name, route)] = path
    return paths


def _pages(path: Path) -> list[str]:
    return pdf_checks.pdf_layout_pages(path)


# ---------------------------------------------------------------------------
# Read back


@pytest.mark.slow
@pytest.mark.parametrize("route", ["docx", "xlsx"])
def test_no_option_is_split_over_two_lines(printed, documents, route: str) -> None:
    for name, doc in documents.items():
        boxes = pdf_checks.option_boxes(doc, EM_PER_PERCENT[route])
        assert sum(len(b.options) for b in boxes) > 20  # the check reads real options
        lines = pdf_checks.pdf_lines(printed[(name, route)])
        assert pdf_checks.split_options(boxes, lines) == [], (name, route)


@pytest.mark.slow
@pytest.mark.parametrize("route", ["docx", "xlsx"])
def test_no_printed_line_starts_with_a_closing_mark(printed, documents, route: str) -> None:
    """Japanese line breaking in both routes: Writer applies it; Calc only through the flat ODS
    whose default cell style turns it on (generator.pdf.with_kinsoku)."""
    for name in documents:
        pages = _pages(printed[(name, route)])
        assert pdf_checks.lines_starting_with_closing(pages) == [], (name, route)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (  # as LibreOffice 7.4 writes it
            '<style:style style:name="Default" style:family="table-cell">'
            '<style:text-properties fo:font-size="9pt"/></style:style>',
            '<style:style style:name="Default" style:family="table-cell">'
            '<style:paragraph-properties style:line-break="strict"/>'
            '<style:text-properties fo:font-size="9pt"/></style:style>',
        ),
        (  # other attribute order, empty element
            '<style:style style:family="table-cell" style:name="Default" />',
            '<style:style style:family="table-cell" style:name="Default">'
            '<style:paragraph-properties style:line-break="strict"/></style:style>',
        ),
        (  # paragraph properties already there, line breaking off: one element, turned on
            '<style:style style:name="Default" style:family="table-cell">'
            '<style:paragraph-properties fo:text-align="start" style:line-break="normal"/></style:style>',
            '<style:style style:name="Default" style:family="table-cell">'
            '<style:paragraph-properties fo:text-align="start" style:line-break="strict"/></style:style>',
        ),
    ],
)
def test_kinsoku_is_turned_on_in_the_default_cell_style_however_it_is_written(
    style: str, expected: str
) -> None:
    other = '<style:style style:name="Default" style:family="graphic"/>'  # not the cell style
    assert pdf.with_kinsoku(other + style + "<rest/>") == other + expected + "<rest/>"


def test_a_flat_ods_without_a_default_cell_style_is_a_clear_error() -> None:
    with pytest.raises(pdf.HyokaError, match="既定のセルスタイル"):
        pdf.with_kinsoku('<style:style style:name="Default" style:family="graphic"/>')


def test_the_check_finds_lines_starting_with_a_closing_mark() -> None:
    pages = ["本文の行です。\n。で始まる行\n左のセル    、で始まるセルの行\n空欄（　　）は行頭でない"]
    assert pdf_checks.lines_starting_with_closing(pages) == ["。で始まる行", "左のセル    、で始まるセルの行"]


@pytest.mark.slow
@pytest.mark.parametrize("route", ["docx", "xlsx"])
def test_no_page_ends_with_a_heading(printed, documents, route: str) -> None:
    for name, doc in documents.items():
        assert pdf_checks.heading_texts(doc)  # the check knows headings to look for
        pages = _pages(printed[(name, route)])
        assert pdf_checks.pages_ending_with_heading(pages, doc) == [], (name, route)


# Issue 12: the XLSX route prints at most 10 % more pages than the DOCX route. Measured
# (LibreOffice 7.4, IPAex) in generator/pdf.py's notes.
XLSX_PAGES_BOUND = 1.10


@pytest.mark.slow
def test_xlsx_route_prints_few_more_pages_than_the_docx_route(printed, documents) -> None:
    for name in documents:
        counts = {route: len(_pages(printed[(name, route)])) for route in ("docx", "xlsx")}
        print(f"{name}: DOCX route {counts['docx']} pages, XLSX route {counts['xlsx']} pages")
        assert counts["xlsx"] <= counts["docx"] * XLSX_PAGES_BOUND, (name, counts)


@pytest.mark.slow
def test_published_pdf_has_embedded_fonts_title_and_language(printed, documents) -> None:
    import pikepdf

    name, doc = next(iter(documents.items()))
    path = printed[(name, pdf.ROUTE)]
    fonts = subprocess.run(
        [require("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(re.search(r"\byes\b\s+yes\b", row) for row in rows), fonts  # embedded, subset
    assert all("IPAex" in row for row in rows), fonts  # the form's Mincho replaced by IPAex明朝
    with pikepdf.open(path) as read:
        assert str(read.docinfo["/Title"]) == doc.name
        assert str(read.Root.Lang) == "ja"
        assert str(read.docinfo["/CreationDate"]) == pdf.pdf_date(doc.timestamp)


@pytest.mark.slow
def test_two_builds_of_the_pdf_give_identical_bytes(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764547200"}
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "generator.cli",
                "build",
                str(EXAMPLES[0]),
                "--out",
                str(out),
                "-f",
                "pdf",
                "-q",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append((out / EXAMPLES[0].name / f"{EXAMPLES[0].name}.pdf").read_bytes())
    assert outputs[0][:5] == b"%PDF-"
    assert outputs[0] == outputs[1]
    assert b"D:20251201000000Z" in outputs[0]  # SOURCE_DATE_EPOCH, not the time of the build


# ---------------------------------------------------------------------------
# openxml-audit: what Excel and Word would repair


def _audit(data: bytes, suffix: str, tmp_path: Path) -> list[str]:
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    path = tmp_path / f"audit{suffix}"
    path.write_bytes(data)
    result = OpenXmlValidator(max_errors=0).validate(str(path))
    return [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR]


def _fixtures() -> dict[str, ir.Document]:
    from tests.test_writer_xlsx import long_document, tricky_document

    return {
        "sample": sample_document(),
        "long": long_document(rows=40),
        "tricky": tricky_document(),
        "limits": limits_document(),
    }


@pytest.mark.parametrize("writer", [docx_writer, xlsx_writer], ids=["docx", "xlsx"])
def test_openxml_audit_finds_no_error_in_any_example_or_fixture(documents, writer, tmp_path: Path) -> None:
    for name, doc in {**documents, **_fixtures()}.items():
        errors = _audit(writer.render(doc), writer.EXTENSION, tmp_path)
        assert errors == [], (name, errors[:5])


def test_openxml_audit_catches_a_missing_theme(tmp_path: Path) -> None:
    """The audit is real: the package without its theme (as before issue 12) is an error."""
    data = xlsx_writer.render(sample_document())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/theme/theme1.xml":
                continue
            if item.filename == "xl/_rels/workbook.xml.rels":
                body = re.sub(rb'<Relationship [^>]*theme1.xml"/>', b"", body)
            if item.filename == "[Content_Types].xml":
                body = re.sub(rb'<Override PartName="/xl/theme/theme1.xml"[^>]*/>', b"", body)
            dst.writestr(item, body)
    errors = _audit(out.getvalue(), ".xlsx", tmp_path)
    assert any("theme" in e for e in errors), errors


# ---------------------------------------------------------------------------
# Excel's limits

HUGE = 40_000


def limits_document() -> ir.Document:
    """A 40,000-character cell (no line breaks) and a 200-character 評価書名 of 「&」."""
    base = sample_document()
    huge = "".join(f"第{i}文。" for i in range(1, 10_000))[:HUGE]
    table = ir.Table((30, 70), (ir.Row((ir.text_cell("巨大な記載", "label"), ir.text_cell(huge))),))
    part = ir.Part("huge", "巨大", "巨大", (table,))
    return records.replace(base, name="&" * 200, parts=(*base.parts, part))


def test_a_40000_character_cell_and_a_200_ampersand_name_stay_within_excels_limits() -> None:
    doc = limits_document()
    data = xlsx_writer.render(doc)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        strings = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
        texts = ["".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t")) for si in strings]
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            sheet = ElementTree.fromstring(z.read(name))
            for tag in ("oddHeader", "oddFooter"):
                for element in sheet.iter(f"{{{MAIN}}}{tag}"):
                    assert len(element.text or "") <= 255, (name, tag, len(element.text or ""))
        header = ElementTree.fromstring(z.read(sheets[0])).find(f".//{{{MAIN}}}oddHeader").text
        core = z.read("docProps/core.xml").decode()
    assert max(len(t) for t in texts) <= 32_767
    # the huge text is all there, in order, over several cells
    huge = doc.parts[-1].blocks[0].rows[0].cells[1].text()
    first = next(i for i, t in enumerate(texts) if t.startswith("第1文。"))
    pieces = [t for t in texts[first:] if t in huge]
    assert len(pieces) >= 2 and "".join(pieces) == huge
    assert all(p.endswith("。") for p in pieces[:-1])  # cut between sentences
    # the name's & doubled, never cut from its pair, as much of it as fits
    name = header.removeprefix(xlsx_writer.RUNNING)
    assert set(name) == {"&"} and len(name) % 2 == 0 and len(header) > 240
    assert "<dc:title>" + "&amp;" * 200 + "</dc:title>" in core
