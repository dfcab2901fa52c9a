"""``hyoka build``: sources → HTML / DOCX / XLSX (and PDF through LibreOffice) in out/."""

from __future__ import annotations

import sys
from pathlib import Path

from ..diagnostics import Reporter, UsageError
from ..output import write_atomic
from ..pipeline import layout, load_all
from ..sources import assessment_folders
from ..writers import WRITERS, writer

ALL_FORMATS = ("html", "docx", "xlsx")
KNOWN = (*ALL_FORMATS, "pdf")


def parse_formats(spec: str) -> list[str]:
    formats = [f.strip().lower() for f in spec.split(",") if f.strip()]
    for f in formats:
        if f not in KNOWN:
            raise UsageError(
                f"出力形式「{f}」には対応していません。使える形式: {', '.join(KNOWN)}（カンマ区切りで複数指定）"
            )
    return formats or list(ALL_FORMATS)


def run(paths: list[Path], out: Path, formats: list[str], quiet: bool = False) -> int:
    folders = assessment_folders(paths)
    reporter = Reporter()
    loaded = load_all(folders, reporter)
    reporter.print()
    reporter.raise_if_errors()
    if "pdf" in formats:
        from ..pdf import soffice_path

        soffice_path()  # fail before writing anything when LibreOffice is missing
    for item in loaded:
        assert item.assessment is not None
        doc = layout(item.assessment)
        target = out / item.assessment.name
        for fmt in formats:
            if fmt not in WRITERS:
                continue
            module = writer(fmt)
            path = target / f"{item.assessment.name}{module.EXTENSION}"
            write_atomic(path, module.render(doc))
            if not quiet:
                print(f"書き出しました: {path}", file=sys.stdout)
        if "pdf" in formats:
            from ..pdf import print_pdf

            path = print_pdf(doc, target / f"{item.assessment.name}.pdf")
            if not quiet:
                print(f"書き出しました: {path}", file=sys.stdout)
    return 0
