"""Existing assessments (Excel, Word, PDF, text extractions) read into the source format.

cells (any input → rows of text cells) → walk (cells matched to the form's labels, in form order)
→ assemble (values as the source format writes them, shared blocks found, review notes) → emit.
"""

from __future__ import annotations

from pathlib import Path

from ..form.definition import FormDefinition
from .assemble import Result, assemble
from .blockmatch import Matcher
from .cells import ImportInputError, Row, read_rows
from .labels import fold
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
    """The document read as the form whose edition mark it prints (「[令和6年10月 様式3]」); where it
    prints none, or marks of several forms, as each candidate form, keeping the one whose labels it
    prints most. The mark settles most documents in one walk instead of one per known form."""
    best: Walker | None = None
    for form in _candidates(rows):
        walker = Walker(form)
        walker.run(rows)
        if best is None or labels_found(walker) > labels_found(best):
            best = walker
    assert best is not None
    return best


def _candidates(rows: list[Row]) -> list[FormDefinition]:
    from ..form.registry import all_forms

    forms = all_forms()
    by_mark = {fold(f.mark): f for f in forms}
    marked = {  # 「様式」 survives fold (NFKC): the other cells need no folding
        id(f): f
        for row in rows
        for cell in row
        if "様式" in cell.text and (f := by_mark.get(fold(cell.text)))
    }
    return list(marked.values()) or list(forms)
