"""Existing assessments (Excel, Word, PDF, text extractions) read into the source format.

cells (any input → rows of text cells) → walk (cells matched to the form's labels, in form order)
→ assemble (values as the source format writes them, shared blocks found, review notes) → emit.
"""

from __future__ import annotations

from pathlib import Path

from .assemble import Result, assemble
from .blockmatch import Matcher
from .cells import ImportInputError, read_rows
from .walk import Walker

__all__ = ["ImportInputError", "Result", "import_files"]


def import_files(paths: list[Path], matcher: Matcher | None) -> Result:
    rows = []
    for path in paths:
        rows += read_rows(path)
    walker = Walker()
    walker.run(rows)
    result = assemble(walker, matcher)
    if not any(result.files.get(k) for k in result.files if k != "0_表紙"):
        names = "、".join(p.name for p in paths)
        raise ImportInputError(
            f"「{names}」に評価書の様式の項目が見つかりませんでした（特定個人情報保護評価書ではないようです）。"
        )
    return result
