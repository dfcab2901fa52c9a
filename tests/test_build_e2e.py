"""End to end: ``hyoka build`` on the real sources, fidelity to the published seed, deterministic
bytes, escaping of hostile text, and the layout IR of the example.

The CLI runs in a subprocess from the repository root; outputs go to pytest's temporary folders.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import lxml.html
import openpyxl
import pytest

from generator import dates
from generator.diagnostics import Reporter
from generator.form import juten_sections as js
from generator.form import schema as s
from generator.layout import ir
from generator.layout.builder import FORM_GRID
from generator.model import Assessment
from generator.pipeline import layout, load_all
from tests.conftest import (
    EXAMPLE,
    EXAMPLE_NAME,
    SOURCES,
    copy_example,
    run_cli,
    set_value,
)

FORMATS = ("html", "docx", "xlsx")
EXAMPLE_ARG = f"sources/{EXAMPLE_NAME}"


def build(source: str | Path, out: Path, *extra: str, cwd: Path | None = None, **env: str | None) -> Path:
    """Build and return ``out``; fail with the CLI's output when the build fails."""
    result = run_cli("build", str(source), "--out", str(out), "--quiet", *extra, cwd=cwd, env=env)
    assert result.code == 0, result.describe()
    assert "Traceback" not in result.stderr, result.describe()
    return out


def outputs(folder: Path, name: str = EXAMPLE_NAME) -> dict[str, Path]:
    return {fmt: folder / name / f"{name}.{fmt}" for fmt in FORMATS}


@pytest.fixture(scope="module")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """html/docx/xlsx of the example, built from the repository's sources (with its blocks)."""
    out = build(EXAMPLE_ARG, tmp_path_factory.mktemp("example") / "out")
    files = outputs(out)
    for path in files.values():
        assert path.is_file() and path.stat().st_size > 0, path
    return files


# ---------------------------------------------------------------------------
# Every assessment of sources/


def _assessment_folders() -> list[Path]:
    # an assessment folder has a cover; sources/blocks (shared texts) has none
    return sorted(p for p in SOURCES.iterdir() if p.is_dir() and (p / "0_表紙.yaml").is_file())


def test_build_of_all_sources_writes_every_format_for_every_assessment(tmp_path: Path) -> None:
    folders = _assessment_folders()
    assert EXAMPLE in folders
    out = build("sources", tmp_path / "out")
    for folder in folders:
        files = outputs(out, folder.name)
        for fmt, path in files.items():
            assert path.is_file(), f"{folder.name}: no {fmt}"
        assert files["html"].read_bytes().lstrip().lower().startswith(b"<!doctype html")
        for fmt in ("docx", "xlsx"):
            assert zipfile.is_zipfile(files[fmt]), files[fmt]
            with zipfile.ZipFile(files[fmt]) as z:
                assert z.testzip() is None
    built = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert built == [f.name for f in folders]


# ---------------------------------------------------------------------------
# Fidelity to the published assessment (seed 001)


def _fidelity(fidelity: ModuleType, seed: str, path: Path) -> tuple[float, float, str]:
    recall, precision, missing = fidelity.measure(seed, fidelity.output_blocks([path]))
    missing = sorted(missing, key=len, reverse=True)
    report = f"recall {recall:.4f} precision {precision:.4f}; missing:\n" + "\n".join(
        m[:120] for m in missing[:15]
    )
    return recall, precision, report


def test_html_fidelity_to_seed_001(
    example_build: dict[str, Path], fidelity: ModuleType, seed_001: str
) -> None:
    recall, precision, report = _fidelity(fidelity, seed_001, example_build["html"])
    assert recall >= 0.99, report
    assert precision >= 0.95, report


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_office_fidelity_to_seed_001(
    example_build: dict[str, Path], fidelity: ModuleType, seed_001: str, fmt: str
) -> None:
    recall, _, report = _fidelity(fidelity, seed_001, example_build[fmt])
    assert recall >= 0.99, report


def test_fidelity_tool_tells_a_wrong_output_apart(
    fidelity: ModuleType, seed_001: str, tmp_path: Path
) -> None:
    # the measure itself can fail: an unrelated page scores far below the thresholds
    page = tmp_path / "other.html"
    page.write_text("<html><body><p>まったく別の文書です。</p></body></html>", encoding="utf-8")
    recall, precision, _ = _fidelity(fidelity, seed_001, page)
    assert recall < 0.1 and precision < 0.5


# ---------------------------------------------------------------------------
# Determinism


def test_two_builds_give_identical_bytes(example_build: dict[str, Path], tmp_path: Path) -> None:
    again = outputs(build(EXAMPLE_ARG, tmp_path / "again"))
    for fmt in FORMATS:
        assert again[fmt].read_bytes() == example_build[fmt].read_bytes(), fmt


def _core_dates(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
        stamps = {i.date_time for i in z.infolist()}
    found = set(re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core))
    assert len(stamps) == 1, stamps  # one time for every zip entry
    return found | {"zip:{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*stamps.pop())}


def test_source_date_epoch_sets_the_office_metadata(tmp_path: Path) -> None:
    epoch_a, iso_a = "1700000000", "2023-11-14T22:13:20Z"
    epoch_b, iso_b = "1600000000", "2020-09-13T12:26:40Z"
    a1 = outputs(build(EXAMPLE_ARG, tmp_path / "a1", SOURCE_DATE_EPOCH=epoch_a))
    a2 = outputs(build(EXAMPLE_ARG, tmp_path / "a2", SOURCE_DATE_EPOCH=epoch_a))
    b = outputs(build(EXAMPLE_ARG, tmp_path / "b", SOURCE_DATE_EPOCH=epoch_b))
    for fmt in FORMATS:
        assert a1[fmt].read_bytes() == a2[fmt].read_bytes(), f"{fmt}: same epoch, different bytes"
    for fmt in ("docx", "xlsx"):
        assert a1[fmt].read_bytes() != b[fmt].read_bytes(), f"{fmt}: the epoch does not reach the file"
        assert _core_dates(a1[fmt]) == {iso_a, "zip:" + iso_a[:-1]}
        assert _core_dates(b[fmt]) == {iso_b, "zip:" + iso_b[:-1]}


def test_without_source_date_epoch_the_metadata_date_is_the_publication_date(
    example_build: dict[str, Path],
) -> None:
    cover = (EXAMPLE / "0_表紙.yaml").read_text(encoding="utf-8")
    written = re.search(r"^公表日:\s*(\S+)", cover, re.M)
    assert written, "the example has a 公表日"
    iso = dates.parse_date(written.group(1)).iso() + "T00:00:00Z"
    for fmt in ("docx", "xlsx"):
        assert _core_dates(example_build[fmt]) == {iso, "zip:" + iso[:-1]}


# ---------------------------------------------------------------------------
# Hostile text: markup and spreadsheet formulas stay text

EVIL = "<script>alert(1)</script>"
FORMULA = "=1+1"


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    folder = copy_example(root)
    overview = folder / "2_ファイル概要_1.yaml"
    set_value(overview, "使用目的", f"がん検診 {EVIL} の管理")
    set_value(overview, "使用部署", FORMULA)
    set_value(overview, "事務担当部署", f"'{FORMULA}'")
    assert overview.read_text(encoding="utf-8").count(FORMULA) == 2
    return outputs(build(EXAMPLE_ARG, root / "out", cwd=root))


def test_script_in_a_text_field_is_escaped_in_html(hostile_build: dict[str, Path]) -> None:
    raw = hostile_build["html"].read_text(encoding="utf-8")
    assert EVIL not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    page = lxml.html.document_fromstring(raw)
    assert page.xpath("//script") == []
    assert EVIL in page.text_content()  # shown as text, where it was written
    assert "=1+1" in page.text_content()


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {
            n: z.read(n).decode("utf-8")
            for n in z.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        }


def test_formula_and_script_are_plain_strings_in_xlsx(hostile_build: dict[str, Path]) -> None:
    sheets = _sheet_xml(hostile_build["xlsx"])
    assert sheets
    for name, xml in sheets.items():
        assert not re.search(r"<f[\s>/]", xml), f"{name} has a formula"
    book = openpyxl.load_workbook(hostile_build["xlsx"])
    formula_cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert len(formula_cells) >= 2, "both fields with =1+1 are printed"
    assert all(c.data_type == "s" for c in formula_cells)
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any(EVIL in t for t in texts)


def test_hostile_text_in_docx_is_text(hostile_build: dict[str, Path]) -> None:
    with zipfile.ZipFile(hostile_build["docx"]) as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "<script>" not in document
    assert ">=1+1<" in document
    assert not re.search(r"<w:instrText[^>]*>[^<]*=1\+1", document)  # not a field code


# ---------------------------------------------------------------------------
# The HTML prints the whole form


def _labels(nodes: tuple[s.Node, ...]) -> Iterator[str]:
    for n in nodes:
        if isinstance(n, s.Item):
            yield n.label
        elif isinstance(n, s.RowGroup):
            yield n.label
            yield from _labels(((n.lead,) if n.lead else ()) + n.subs)
        elif isinstance(n, s.Head):
            yield n.label
            yield from _labels(n.children + n.flags)
        elif isinstance(n, s.Repeat):
            yield f"{n.member}1"
            yield from _labels(((n.title,) if n.title else ()) + n.children)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    "section", [js.SECTION3, js.SECTION2, js.SECTION1, js.SECTION4, js.SECTION5], ids=lambda x: x.id
)
def test_html_has_every_label_of_the_form(example_build: dict[str, Path], section: s.Section) -> None:
    page = lxml.html.document_fromstring(example_build["html"].read_text(encoding="utf-8"))
    cells = {_normal(c.text_content()) for c in page.iter("th", "td", "h1", "h2", "h3", "caption")}
    text = _normal(page.text_content())
    labels = sorted(set(_labels(section.children)))
    assert len(labels) >= 5
    missing = [label for label in labels if _normal(label) not in text]
    assert missing == [], missing
    assert _normal(section.title) in cells


# ---------------------------------------------------------------------------
# The layout IR of the example


@pytest.fixture(scope="module")
def example_ir() -> tuple[Assessment, ir.Document]:
    reporter = Reporter()
    (loaded,) = load_all([EXAMPLE], reporter)
    assert reporter.errors == [], [d.format() for d in reporter.errors]
    assert loaded.assessment is not None
    return loaded.assessment, layout(loaded.assessment, loaded.blocks)


def _rows(part: ir.Part) -> list[ir.Row]:
    return [row for block in part.blocks if isinstance(block, ir.Table) for row in block.rows]


def _part(doc: ir.Document, pid: str) -> ir.Part:
    return next(p for p in doc.parts if p.id == pid)


def _row_starting(part: ir.Part, label: str) -> ir.Row:
    rows = [r for r in _rows(part) if r.cells and r.cells[0].text() == label]
    assert len(rows) == 1, f"{len(rows)} rows start with 「{label}」 in {part.id}"
    return rows[0]


def _find_item(nodes: tuple[s.Node, ...], key: str) -> s.Item:
    for n in nodes:
        if isinstance(n, s.Item) and n.key == key:
            return n
        if isinstance(n, s.Head):
            try:
                return _find_item(n.children, key)
            except LookupError:
                pass
    raise LookupError(key)


def test_parts_are_in_the_order_of_the_form(example_ir: tuple[Assessment, ir.Document]) -> None:
    _, doc = example_ir
    assert [p.id for p in doc.parts] == ["cover", "s1", "s2-1", "annex1-1", "s3-1", "s4", "s5", "annex2"]
    assert [p.title for p in doc.parts] == [
        s.COVER.title,
        js.SECTION1.title,
        js.SECTION2.title,
        js.ANNEX1_TITLE,
        js.SECTION3.title,
        js.SECTION4.title,
        js.SECTION5.title,
        s.ANNEX2_TITLE,
    ]


def test_entrustment_count_is_derived_from_the_entrusted_items(
    example_ir: tuple[Assessment, ir.Document],
) -> None:
    assessment, doc = example_ir
    yaml_text = (EXAMPLE / "2_ファイル概要_1.yaml").read_text(encoding="utf-8")
    written = len(re.findall(r"^ +- 委託事項:", yaml_text, re.M))
    assert written == 2  # seed 001 lists two 委託事項
    assert (
        len(assessment.files[0].overview.records("特定個人情報ファイルの取扱いの委託", "委託事項")) == written
    )
    item = _find_item(js.SECTION2.children, "委託の有無")
    row = _row_starting(_part(doc, "s2-1"), item.label)
    text = "\n".join(c.text() for c in row.cells)
    assert "（ 2 ）件" in text
    assert "[ 委託する ]" in text


def test_provision_grid_is_derived_from_the_recipients(example_ir: tuple[Assessment, ir.Document]) -> None:
    assessment, doc = example_ir
    recipients = assessment.files[0].overview.records("特定個人情報の提供・移転", "提供先")
    transfers = assessment.files[0].overview.records("特定個人情報の提供・移転", "移転先")
    assert recipients and not transfers
    row = _row_starting(_part(doc, "s2-1"), "提供・移転の有無")
    grids = [c for cell in row.cells for c in cell.content if isinstance(c, ir.CheckGrid)]
    assert len(grids) == 1
    items = {i.label: i for i in grids[0].items if isinstance(i, ir.CheckItem)}
    assert list(items) == ["提供を行っている", "移転を行っている", "行っていない"]
    assert items["提供を行っている"].checked
    assert items["提供を行っている"].count == f"（ {len(recipients)} ）件"
    assert not items["移転を行っている"].checked
    assert not items["行っていない"].checked


def test_provision_grid_follows_edits(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    overview = folder / "2_ファイル概要_1.yaml"
    # one recipient block standing for 22 recipients
    text = overview.read_text(encoding="utf-8")
    text = re.sub(r"^(    - 提供先: .*)$", r"\1\n      件数: 22", text, count=1, flags=re.M)
    overview.write_text(text, encoding="utf-8")
    reporter = Reporter()
    (loaded,) = load_all([folder], reporter)
    assert reporter.errors == [], [d.format() for d in reporter.errors]
    assert loaded.assessment is not None
    doc = layout(loaded.assessment, loaded.blocks)
    row = _row_starting(_part(doc, "s2-1"), "提供・移転の有無")
    assert "[ ○ ] 提供を行っている （ 22 ）件" in row.cells[-1].text()

    set_value(overview, "提供先", "[]")
    reporter = Reporter()
    (loaded,) = load_all([folder], reporter)
    assert reporter.errors == [], [d.format() for d in reporter.errors]
    assert loaded.assessment is not None
    doc = layout(loaded.assessment, loaded.blocks)
    grid_text = _row_starting(_part(doc, "s2-1"), "提供・移転の有無").cells[-1].text()
    assert "[ ○ ] 行っていない" in grid_text
    assert "[ ] 提供を行っている" in grid_text


def test_unused_entrustment_groups_are_printed_collapsed(example_ir: tuple[Assessment, ir.Document]) -> None:
    _, doc = example_ir
    rows = _rows(_part(doc, "s2-1"))
    texts = [r.cells[0].text() if r.cells else "" for r in rows]
    i = texts.index("委託事項6～10")
    for offset, label in enumerate(("委託事項6～10", "委託事項11～15", "委託事項16～20")):
        row = rows[i + offset]
        assert row.kind == "heading"
        assert len(row.cells) == 1 and row.cells[0].text() == label
        assert row.cells[0].colspan == len(FORM_GRID)  # across the whole table
    # nothing of member 6 or later is printed; members 1 and 2 are
    assert "委託事項6" not in texts and "委託事項1" in texts and "委託事項2" in texts
    assert texts.index("委託事項2～5") < texts.index("委託事項2") < i


def test_re_entrustment_group_cell_is_vertical_over_three_rows(
    example_ir: tuple[Assessment, ir.Document],
) -> None:
    _, doc = example_ir
    cells = [
        c for r in _rows(_part(doc, "s2-1")) for c in r.cells if c.role == "group" and c.text() == "再委託"
    ]
    assert len(cells) == 2  # one per 委託事項
    for cell in cells:
        assert cell.vertical
        assert cell.rowspan == 3
