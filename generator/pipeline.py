"""Sources → model → checks → layout IR, shared by the commands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Reporter
from .layout import ir
from .model import Assessment
from .reader import read_assessment
from .rules import check_consistency


@dataclass
class Loaded:
    folder: Path
    assessment: Assessment | None


def load_all(folders: list[Path], reporter: Reporter) -> list[Loaded]:
    """Read and check every folder, collecting every problem before anyone fails."""
    loaded = []
    for folder in folders:
        assessment = read_assessment(folder, reporter)
        if assessment is not None:
            check_consistency(assessment, reporter)
        loaded.append(Loaded(folder, assessment))
    return loaded


def layout(assessment: Assessment) -> ir.Document:
    from .layout.builder import build_document

    return build_document(assessment)
