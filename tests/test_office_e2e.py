"""The example's DOCX and XLSX opened for real in LibreOffice (issue 3 acceptance).

LibreOffice converts both to PDF; every page of the XLSX's PDF is A4 portrait and the longest
cell of Ⅲ is printed whole in both. Also ``--format pdf`` and its message without LibreOffice.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.layout import ir
from generator.pipeline import layout, load_all
from tests.office import pdf_pages, pdf_text, to_pdf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sources" / "asahikawa-kenkozoshin"
A4 = (595.3, 841.9)

pytestmark = pytest.mark.slow


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _longest_risk_cell(doc: ir.Document) -> ir.Cell:
    cells = [
        cell
        for part in doc.parts
        if part.id.startswith("s3-")
        for block in part.blocks
        if isinstance(block, ir.Table)
        for row in block.rows
        for cell in row.cells
    ]
    return max(cells, key=lambda c: len(c.text()))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ir.Document]:
    out = tmp_path_factory.mktemp("office")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "build",
            str(EXAMPLE),
            "--out",
            str(out),
            "-f",
            "docx,xlsx",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    reporter = Reporter()
    [loaded] = load_all([EXAMPLE], reporter)
    assert loaded.assessment is not None and not reporter.errors
    return out / EXAMPLE.name, layout(loaded.assessment)


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_libreoffice_prints_the_longest_risk_cell_whole(built, tmp_path: Path, suffix: str) -> None:
    folder, doc = built
    pdf = to_pdf(folder / f"{EXAMPLE.name}{suffix}", tmp_path)
    # page furniture (header 評価書名, footer page numbers) may stand between two pages of a cell
    lines = [
        line
        for line in pdf_text(pdf).splitlines()
        if line.strip() not in {doc.name} and not re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", line)
    ]
    printed = _squash("\n".join(lines))
    cell = _longest_risk_cell(doc)
    paragraphs = [_squash(p.text) for c in cell.content if isinstance(c, ir.TextContent) for p in c.flow]
    assert sum(map(len, paragraphs)) > 500, "the longest cell of Ⅲ should be a long text"
    missing = [p[:40] for p in paragraphs if p and p not in printed]
    assert not missing, f"{suffix}: paragraphs cut off in print: {missing}"
    assert paragraphs[-1][-30:] in printed


def test_xlsx_pdf_pages_are_a4_portrait(built, tmp_path: Path) -> None:
    folder, _ = built
    pages = pdf_pages(to_pdf(folder / f"{EXAMPLE.name}.xlsx", tmp_path))
    assert len(pages) >= 10
    wrong = [
        (i, size) for i, size in enumerate(pages, 1) if abs(size[0] - A4[0]) > 2 or abs(size[1] - A4[1]) > 2
    ]
    assert not wrong, f"pages not A4 portrait: {wrong[:5]}"


def test_format_pdf_prints_through_libreoffice(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "build",
            str(EXAMPLE),
            "--out",
            str(tmp_path),
            "-f",
            "pdf",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / EXAMPLE.name / f"{EXAMPLE.name}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "健康増進事業に関する事務" in pdf_text(pdf)


def test_format_pdf_without_libreoffice_says_how_to_install(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}  # no soffice on this PATH; python is called by its full path
    assert shutil.which("soffice", path=env["PATH"]) is None
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", str(EXAMPLE), "--out", str(out), "-f", "html,pdf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    assert "LibreOffice" in proc.stderr and "apt-get install" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.rglob("*.html")), "nothing is written when PDF cannot be made"
