"""Existing assessments (Excel, Word, PDF, text extractions) read into the source format.

cells (any input → rows of text cells) → walk (cells matched to the form's labels, in form order)
→ assemble (values as the source format writes them, shared blocks found, review notes) → emit.
"""

from __future__ import annotations

from pathlib import Path

from .assemble import Result, assemble
from .blockmatch import Matcher
from .cells import ImportInputError, Row, read_rows
from .walk import Walker, labels_found, merge_repeated_files

__all__ = ["ImportInputError", "Result", "import_files"]


def import_files(paths: list[Path], matcher: Matcher | None) -> Result:
    rows = []
    for path in paths:
        rows += read_rows(path)
    walker = _best_walk(rows)
    merge_repeated_files(walker)
    result = assemble(walker, matcher)
    if not any(result.files.get(k) for k in result.files if k != "0_表紙"):
        names = "、".join(p.name for p in paths)
        raise ImportInputError(
            f"「{names}」に評価書の様式の項目が見つかりませんでした（特定個人情報保護評価書ではないようです）。"
        )
    return result


def _best_walk(rows: list[Row]) -> Walker:
    """The document read as every known form and edition; the one whose labels it prints most."""
    from ..form.registry import all_forms

    best: Walker | None = None
    for form in all_forms():
        walker = Walker(form)
        walker.run(rows)
        if best is None or labels_found(walker) > labels_found(best):
            best = walker
    assert best is not None
    return best
