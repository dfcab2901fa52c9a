"""PDF through LibreOffice: the XLSX is printed (Calc prints it ~10× faster than Writer a DOCX)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .diagnostics import HyokaError, ToolMissingError
from .layout import ir

INSTALL_HINT = (
    "PDF の出力には LibreOffice が必要です。Debian/Ubuntu では "
    "`sudo apt-get install libreoffice-calc-nogui fonts-ipaexfont`、"
    "Windows・macOS では https://www.libreoffice.org/ からインストールしてください。"
)


def soffice_path() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise ToolMissingError(INSTALL_HINT)
    return path


def print_pdf(doc: ir.Document, name: str) -> bytes:
    """The document's XLSX, saved as ``<name>.xlsx``, printed to PDF by LibreOffice."""
    from .writers import xlsx

    soffice = soffice_path()
    with tempfile.TemporaryDirectory() as work:
        src = Path(work) / (name + ".xlsx")
        src.write_bytes(xlsx.render(doc))
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{work}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                work,
                str(src),
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        pdf = Path(work) / (name + ".pdf")
        if proc.returncode != 0 or not pdf.exists():
            raise HyokaError(
                f"LibreOffice が PDF に変換できませんでした: {proc.stderr.strip() or proc.stdout.strip()}"
            )
        return pdf.read_bytes()
