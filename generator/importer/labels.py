"""Label text as the matcher compares it: numbering, ※ and widths folded away."""

from __future__ import annotations

import re
import unicodedata

# 「①」…「⑳」, 「１．」「1.」, 「(1)」, 「1)」 at the start of a label
_NUMBERING = re.compile(r"^(?:[\u2460-\u2473]|[0-9]+[.．]|\([0-9]+\)|[0-9]+\))\s*")
_MARKS = re.compile(r"[※\s]|【任意】")
_ROMAN = str.maketrans({"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"})


def fold(text: str) -> str:
    """NFKC, no white space: the form compared with any copy of it, whatever its widths."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.translate(_ROMAN)))


def label_key(text: str) -> str:
    """「①ファイルの種類　※」, 「1. ファイルの種類」, 「ファイルの種類※」 → 「ファイルの種類」."""
    t = unicodedata.normalize("NFKC", text.translate(_ROMAN)).strip()
    t = _NUMBERING.sub("", t)
    return _MARKS.sub("", t)
