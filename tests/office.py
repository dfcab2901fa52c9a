"""LibreOffice and poppler, used for real: convert DOCX/XLSX to PDF and read the PDF back."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise RuntimeError(f"{tool} is not installed: run scripts/install-system-deps.sh (make test does)")
    return path


def to_pdf(document: Path, outdir: Path) -> Path:
    """Convert with soffice --headless as ``hyoka build --format pdf`` does (generator.pdf.convert:
    a private profile, which keeps parallel runs apart and substitutes the form's fonts)."""
    require("soffice")
    from generator.pdf import convert

    return convert(document, outdir)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        [require("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """Page sizes in points, one per page (pdfinfo -f 1 -l N)."""
    info = subprocess.run([require("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    sizes = subprocess.run(
        [require("pdfinfo"), "-f", "1", "-l", str(count), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes, re.M)
    return [(float(w), float(h)) for w, h in pages]
