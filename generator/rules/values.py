"""How rules read values: plain text of an item, 「空欄」 as the form prints it, NFKC comparison."""

from __future__ import annotations

import unicodedata

from ..model import Text

# what seeds print for 「該当なし」 in a cell that must otherwise stay empty (form-items §1.5)
DASHES = frozenset({"-", "－", "—", "―", "‐", "ー", "なし", "該当なし"})


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def plain(text: Text | None) -> str:
    """The text typed in the source, without block references."""
    if text is None:
        return ""
    return "".join(p for p in text.parts if isinstance(p, str)).strip()


def blank(text: Text | None) -> bool:
    """Empty, or only a dash: nothing said (a block reference says something)."""
    if text is None or text.empty:
        return True
    return (
        len(text.parts) == 1
        and isinstance(text.parts[0], str)
        and nfkc(text.parts[0]) in DASHES | {nfkc(d) for d in DASHES}
    )
