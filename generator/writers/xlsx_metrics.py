"""How tall a spreadsheet cell's text prints: wrapped-line estimation for the XLSX writer.

Neither Excel nor LibreOffice grows a row for text in a merged range, and a cell cut off in print
loses text silently, so the writer sets every row height itself from these estimates. They err on
the tall side: they take Excel's narrower column unit and looser line pitch (LibreOffice prints
the same cell in fewer lines), and Japanese line breaking (kinsoku) leaves lines short.
"""

from __future__ import annotations

import math
import re
import unicodedata

# One column-width unit in points: the digit width of the workbook's default font, ＭＳ Ｐゴシック
# 11 pt, in Excel (8 px at 96 dpi). LibreOffice's unit is wider (7 pt), so it wraps less.
UNIT_PT = 6.0
CELL_INSET_PT = 6.0  # left + right padding inside a cell
LINE_FACTOR = 1.3  # line pitch / font size: Excel's Japanese fonts; LibreOffice's IPAex is 1.0
ROW_PADDING_PT = 4.0  # top + bottom padding of a row
MAX_ROW_PT = 409.0  # Excel's largest row height
# A cell taller than MAX_ROW_PT is merged over ceil(need / SHEET_ROW_PT) sheet rows: as few as
# will do, with room left under MAX_ROW_PT for rounding heights up to whole pixels.
SHEET_ROW_PT = 400.0
NARROW_EM = 0.6  # Latin letters and digits, a little wider than half an em for proportional fonts

# A run of printable ASCII wraps as a word; a run of spaces hangs at a line's end; anything else
# (kana, kanji, full-width punctuation) may break before any character.
_TOKEN = re.compile(r"[!-~]+| +|.", re.S)
_EM: dict[str, float] = {}


def char_em(ch: str) -> float:
    """Advance width of one character in ems (full-width 1, Latin and half-width kana narrow)."""
    em = _EM.get(ch)
    if em is None:
        if unicodedata.category(ch) in ("Cc", "Cf", "Mn"):
            em = 0.0
        elif unicodedata.east_asian_width(ch) in ("Na", "H"):
            em = NARROW_EM
        else:
            em = 1.0
        _EM[ch] = em
    return em


def text_em(text: str) -> float:
    return sum(char_em(ch) for ch in text)


def wrap(text: str, width_pt: float, size_pt: float) -> list[str]:
    """The lines ``text`` takes in a cell ``width_pt`` wide (the cell's full width, padding included).

    One em is held back from every line for kinsoku: a 「。」 or 「）」 that may not begin a line
    pulls the character before it down, so real lines end up to a character shorter.

    Lines fill greedily, token by token, the width summed in floating point in token order. Runs
    of full-width characters are taken a line's worth at a time while the sum is a whole number
    (then adding ems of 1 is exact, so the result is the same as one token at a time).
    """
    capacity = max(1.0, (width_pt - CELL_INSET_PT) / size_pt - 1.0)
    whole = int(capacity)
    lines: list[str] = []
    for source in text.split("\n"):
        if len(source) <= capacity:  # no character is wider than an em: the line fits as it is
            lines.append(source)
            continue
        start = 0  # the line so far is source[start:at]
        used = 0.0
        end = 0
        for segment in _SEGMENT.findall(_classes(source)):
            at = end
            end += len(segment)
            if segment[0] == "W":  # full-width characters, each a token of 1 em
                while at < end:
                    if used.is_integer():
                        take = min(whole - int(used), end - at)
                        if take > 0:
                            used += take
                            at += take
                            continue
                        lines.append(source[start:at])  # the line is not empty: 0 + 1 fits
                        start, used = at, 0.0
                    elif used + 1.0 <= capacity:
                        used += 1.0
                        at += 1
                    else:
                        lines.append(source[start:at])
                        start, used = at, 1.0
                        at += 1
                continue
            token = source[at:end]
            em = _EM.get(token)  # most tokens are one character, met before
            if em is None:
                em = _word_em(token)
            if used + em <= capacity or token[0] == " ":  # spaces hang past the end of a line
                used += em
                continue
            if start < at:
                lines.append(source[start:at])
                start, used = at, 0.0
            if em <= capacity:
                used = em
                continue
            for i, ch in enumerate(token, at):  # a word longer than the line breaks anywhere, as Excel does
                ch_em = char_em(ch)
                if used + ch_em > capacity and start < i:
                    lines.append(source[start:i])
                    start, used = i, 0.0
                used += ch_em
        lines.append(source[start:])
    return lines


# Each character's class, for finding tokens: "a" printable ASCII (runs of them are words), " " a
# space, "W" one em, "N" narrow, "Z" no width. Filled as characters are met.
_CLASS: dict[int, str] = {c: "a" for c in range(ord("!"), ord("~") + 1)} | {ord(" "): " "}
_CLASS_OF_EM = {1.0: "W", NARROW_EM: "N", 0.0: "Z"}
_UNCLASSED = re.compile(r"[^aWNZ ]")
_SEGMENT = re.compile(r"a+| +|W+|.", re.S)


def _classes(source: str) -> str:
    classes = source.translate(_CLASS)
    if _UNCLASSED.search(classes):
        for ch in set(source):
            if ord(ch) not in _CLASS:
                _CLASS[ord(ch)] = _CLASS_OF_EM[char_em(ch)]
        classes = source.translate(_CLASS)
    return classes


_WORD_EM: dict[str, float] = {}  # words and runs of spaces (bounded below)


def _word_em(token: str) -> float:
    em = _WORD_EM.get(token)
    if em is None:
        em = text_em(token)
        if len(_WORD_EM) > 50_000:
            _WORD_EM.clear()
        _WORD_EM[token] = em
    return em


def line_pt(size_pt: float) -> float:
    return size_pt * LINE_FACTOR


def lines_height(count: int, size_pt: float) -> float:
    """Row height in points for ``count`` lines of text."""
    return count * line_pt(size_pt) + ROW_PADDING_PT


def sheet_rows_for(need_pt: float) -> int:
    """How many sheet rows a cell needing ``need_pt`` points is merged over."""
    return max(1, math.ceil(need_pt / SHEET_ROW_PT))


def stacked_height(text: str, size_pt: float) -> float:
    """Height of vertically set text (one character under another), its longest line deciding."""
    longest = max((len(line) for line in text.split("\n")), default=0)
    return longest * size_pt * 1.1 + ROW_PADDING_PT * 2
