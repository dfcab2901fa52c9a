"""How tall a spreadsheet cell's text prints: wrapped-line estimation for the XLSX writer.

Neither Excel nor LibreOffice grows a row for text in a merged range, and a cell cut off in print
loses text silently, so the writer sets every row height itself from these estimates. They err on
the tall side: they take Excel's narrower column unit (LibreOffice prints the same cell in fewer
lines) and a line pitch a little looser than LibreOffice's, and they break lines as Japanese is
broken (kinsoku), which leaves some lines short.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from functools import cache
from itertools import accumulate

# One column-width unit in points as LibreOffice prints it: the 72-unit grid measured 496 pt wide
# in its PDF (LibreOffice 7.4, the default font replaced by IPAexGothic). The rows are sized to
# LibreOffice's print, which publishes the form; Excel's unit is narrower (ＭＳ Ｐゴシック 11 pt,
# 8 px = 6 pt), so Excel wraps long cells into more lines than these rows were sized for.
UNIT_PT = 496.0 / 72
CELL_INSET_PT = 6.0  # left + right padding inside a cell
# Line pitch / font size, measured in LibreOffice 7.4: IPAexMincho 9 pt prints a line every 9.0 pt.
# Pages of the three examples (XLSX route / DOCX route): 1.3 and Excel's 6 pt unit gave 42 / 121 /
# 64 against 22 / 76 / 37 (rows far taller than their text); 1.1 gave 31 / 98 / 53; 1.0 with
# LibreOffice's unit gave 26 / 80 / 43; tall rows cut into bands (band_heights) and rows 2.25 pt over
# their lines (ROW_PADDING_PT) give 24 / 80 / 38.
LINE_FACTOR = 1.0
# Top + bottom padding of a row: LibreOffice's last line of n ends 1.0 + 8.986 n pt below the
# cell's top, its descenders (g, p, y) 0.7 pt lower (measured, see PRINT_PITCH_PT); n lines at
# 9 pt + 2.25 leave them 0.5 pt, and a whole pixel step (0.75 pt) less than 3 per row.
ROW_PADDING_PT = 2.25
MAX_ROW_PT = 409.0  # Excel's largest row height
# A cell taller than MAX_ROW_PT is merged over ceil(need / SHEET_ROW_PT) sheet rows: as few as
# will do, with room left under MAX_ROW_PT for rounding heights up to whole pixels.
SHEET_ROW_PT = 400.0
NARROW_EM = 0.6  # Latin letters and digits, a little wider than half an em for proportional fonts

# A run of printable ASCII wraps as a word, and LibreOffice breaks no line next to it either: the
# character on each side goes with it, and runs joined by one character are one word (measured:
# it printed 「…システム／は、ID/パスワード…」 and 「…NIST／800-88、ISO/IEC27001等…」, one line
# more than breaking beside the runs gave). A run of spaces hangs at a line's end; anything else
# (kana, kanji, full-width punctuation) may break before any character. (wrap is the reference
# that the writer's line count follows; compiled through re's cache when it first runs.)
_TOKEN = r"(?s)[^\s!-~]?(?:[!-~]+[^\s!-~]?)+| +|."
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


# Japanese line breaking (kinsoku, JIS X 4051): characters that may not begin a line, and those
# that may not end one. A line that would break before a closing mark gives its last character to
# the next line, and an opening bracket at a line's end goes down with what it opens.
NO_START = frozenset("。、，．,.）」』】〕〉》］｝〙〗)]}：；:;！？!?・ー…‥々ゝゞ％%")
NO_END = frozenset("（「『【〔〈《［｛〘〖([{")


def wrap(text: str, width_pt: float, size_pt: float) -> list[str]:
    """The lines ``text`` takes in a cell ``width_pt`` wide (the cell's full width, padding included),
    broken as Japanese is: kinsoku pushes a character down rather than let a line begin with 「。」
    or end with 「（」. A run of printable ASCII (a word, a number) is never broken, unless it is
    longer than a line."""
    capacity = max(1.0, (width_pt - CELL_INSET_PT) / size_pt)
    lines: list[str] = []
    for source in text.split("\n"):
        if len(source) <= capacity:  # no character is wider than an em: the line fits as it is
            lines.append(source)
            continue
        current: list[str] = []
        used = 0.0
        for token in re.findall(_TOKEN, source):
            em = _EM.get(token)  # most tokens are one character, met before
            if em is None:
                em = text_em(token)
            if used + em <= capacity or token[0] == " ":
                current.append(token)
                used += em
                continue
            if current:
                carried: list[str] = []
                # kinsoku: the line may not end with an opening mark, nor the next begin with a
                # closing one; take characters down with the token (never the whole line)
                while len(current) > 1 and (
                    current[-1][-1] in NO_END or (carried or [token])[0][0] in NO_START
                ):
                    carried.insert(0, current.pop())
                lines.append("".join(current))
                current = carried
                used = sum(text_em(t) for t in current)
            if used + em <= capacity:
                current.append(token)
                used += em
                continue
            for ch in token:  # a word longer than the line breaks anywhere, as Excel does
                ch_em = char_em(ch)
                if used + ch_em > capacity and current:
                    lines.append("".join(current))
                    current, used = [], 0.0
                current.append(ch)
                used += ch_em
        lines.append("".join(current))
    return lines


# The count of wrap's lines without making them, a line at a time rather than a token at a time.
# _SEGMENT is _TOKEN with a run of one-em characters (a token each) as one match, a run leaving
# out a character an ASCII word takes along. A run is crossed in one step while the line's width is
# whole ems (its sums are exact); otherwise widths are summed in C (accumulate) in the order wrap
# adds them, so that every sum is the very float wrap compares (0.6 em is inexact: sums of it begun
# elsewhere round otherwise), and bisect finds the token that overflows. wrap's kinsoku steps run
# at each break only.
#
# Characters one em wide, none ASCII and none that _TOKEN takes along with others: Japanese text is
# runs of them (the tests check each against char_em).
_FULL = (
    "\u2010-\u2027\u202f-\u205f\u2100-\u218b\u2190-\u2426\u2440-\u244a\u2460-\u27e5\u27ee-\u27ff"
    "\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u2ff0-\u2ffb\u3000-\u3029\u302e-\u303f\u3041-\u3096"
    "\u309b-\u30ff\u3200-\u321e\u3220-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9"
    "\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6"
)
_SEGMENT = rf"(?s)[^\s!-~]?(?:[!-~]+[^\s!-~]?)+| +|(?:[{_FULL}](?![!-~]))+|."
# _FULL covers 35,000 code points, and re compiles a class one code point at a time (1.3 ms, the
# dearest pattern of a build). So a process that measures little text finds the same segments
# in the text translated to the few classes _SEGMENT tells apart (_classes), with a pattern of
# one small class for _FULL (_CLASS_SEGMENT); from _TRANSLATE_LIMIT characters on, as much as
# translating costs (~27 ns a character), it compiles _SEGMENT and matches the text itself.
_CLASS_SEGMENT = r"(?s)[^\s!-~]?(?:[!-~]+[^\s!-~]?)+| +|(?:[\xa0\xc0](?![!-~]))+|."
# what a character of each class becomes: latin-1 characters, so the table is one str of bytes
_AS_FULL, _AS_FULL_SPACE, _AS_SPACE, _AS_OTHER = 0xC0, 0xA0, 0x85, 0xC1
# the white space re's \s matches beyond ASCII
_SPACES = "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_TRANSLATE_LIMIT = 50_000
_translated = [0]  # characters this process translated


@cache
def _classes() -> str:
    """The translation table (~20 µs): ASCII as it is; below U+10000 a character of _FULL as
    U+00C0 (U+00A0 if white space), other white space as U+0085, any other as U+00C1; above,
    characters are left as they are, each then of the last class too."""
    table = bytearray([_AS_OTHER]) * 0x10000
    table[:128] = bytes(range(128))
    for low, high in zip(_FULL[0::3], _FULL[2::3], strict=True):
        table[ord(low) : ord(high) + 1] = bytes([_AS_FULL]) * (ord(high) - ord(low) + 1)
    for ch in _SPACES:
        table[ord(ch)] = _AS_FULL_SPACE if table[ord(ch)] == _AS_FULL else _AS_SPACE
    return table.decode("latin-1")


def _segments(source: str) -> list[str]:
    """_SEGMENT's matches in ``source``, or their translations: the same lengths, each character
    ASCII where the source's is."""
    if _translated[0] >= _TRANSLATE_LIMIT:
        return re.findall(_SEGMENT, source)
    _translated[0] += len(source)
    return re.findall(_CLASS_SEGMENT, source.translate(_classes()))


class _TokenEms(dict[str, float]):
    """text_em of the tokens met before (characters, ASCII words, runs of spaces)."""

    def __missing__(self, token: str) -> float:
        if len(self) > 20_000:
            self.clear()
        em = self[token] = text_em(token)
        return em


_TOKEN_EM = _TokenEms()
_RUN = -1.0  # the width of a segment that is a run of one-em characters, each a token


def _overflow(ems: list[float], start: int, used: float, capacity: float) -> tuple[int, float]:
    """The first of ``ems[start:]`` that no longer fits, each added to ``used`` in turn: (its
    index, the sum before it); (len(ems), the sum) when all fit."""
    window = int(capacity / NARROW_EM) + 2  # more than a line holds, but of zero widths
    end = len(ems)
    while start < end:
        sums = list(accumulate(ems[start : start + window], initial=used))
        i = bisect_right(sums, capacity, 1)  # sums[1:] never decrease: no width is negative
        if i < len(sums):
            return start + i - 1, sums[i - 1]
        used = sums[-1]
        start += window
    return end, used


def _run_fit(used: float, count: int, capacity: float) -> tuple[int, float]:
    """How many of ``count`` one-em tokens fit after ``used``, added one at a time as wrap adds
    them, and the sum with them."""
    if used.is_integer():  # whole ems: every sum is exact, no need to add them one by one
        fit = min(count, max(0, int(capacity - used)))
        while fit and used + fit > capacity:
            fit -= 1
        while fit < count and used + fit + 1 <= capacity:
            fit += 1
        return fit, used + fit
    fit, used = _overflow([1.0] * min(count, int(capacity) + 2), 0, used, capacity)
    return fit, used


def _source_lines(source: str, capacity: float) -> int:
    """``len(wrap(source))`` for text without a newline, by the same steps at each break."""
    # segments of the source: (start, end, width; _RUN for a run of one-em tokens)
    found = _segments(source)
    if len(found) == 1 and source[0] > "~" and source[1] > "~":
        return _run_lines(source, capacity)
    segments: list[tuple[int, int, float]] = []
    starts: dict[int, int] = {}  # end → start of the tokens other than a run's characters
    at = 0
    for segment in found:
        n = len(segment)
        if n > 1 and segment[0] > "~" and segment[1] > "~":
            segments.append((at, at + n, _RUN))
        else:
            segments.append((at, at + n, _TOKEN_EM[source[at : at + n] if n > 1 else source[at]]))
            starts[at + n] = at
        at += n
    count = 0
    # wrap's current line: head (what a break carried down, or the end of a word broken
    # anywhere) then the tokens from line to pos; used is its width summed as wrap sums it
    head: list[str] = []
    head_ems: list[float] = []
    line = pos = 0
    used = 0.0
    index = 0  # the segment holding pos
    last_index = len(segments)
    while True:
        # on to the first token that does not fit
        while index < last_index:
            start, end, em = segments[index]
            if em == _RUN:
                if used.is_integer() and used + (end - pos) <= capacity:
                    used += end - pos  # whole ems: the sum is exact, as wrap's one at a time
                    pos = end
                    index += 1
                    continue
                fit, used = _run_fit(used, end - pos, capacity)
                pos += fit
                if pos == end:
                    index += 1
                    continue
                token, em, token_end = source[pos], 1.0, pos + 1
                break
            if used + em <= capacity or source[start] == " ":  # spaces hang at the line's end
                used += em
                pos = end
                index += 1
                continue
            token, token_end = source[start:end], end
            break
        else:
            return count + 1
        carried: list[str] = []
        carried_ems: list[float] = []
        if head or pos > line:  # the line ends: kinsoku takes characters down with the token
            kept, first, down = len(head), token[0], pos
            popped: list[str] = []  # the line's tokens taken down, last first
            while True:
                if down > line:
                    prior = starts.get(down, down - 1)
                    if not kept and prior == line:
                        break  # the line's only token stays
                    last = source[prior:down]
                elif kept > 1:
                    last = head[kept - 1]
                else:
                    break
                if last[-1] not in NO_END and first not in NO_START:
                    break
                first = last[0]
                if down > line:
                    popped.append(last)
                    down = prior
                else:
                    kept -= 1
            count += 1
            if kept < len(head) or popped:
                carried = [*head[kept:], *reversed(popped)]
                carried_ems = [*head_ems[kept:], *(_TOKEN_EM[t] for t in reversed(popped))]
            used = float(sum(carried_ems))
        line = pos = token_end
        if pos == segments[index][1]:
            index += 1
        if used + em <= capacity:
            head, head_ems = [*carried, token], [*carried_ems, em]
            used += em
            continue
        # a word longer than the line breaks anywhere
        char_ems = [char_em(ch) for ch in token]
        chunk = p = 0  # chunk: where the word's last line begins
        if not carried:  # the first character goes on the empty line, however wide
            used += char_ems[0]
            p = 1
        while True:
            q, used = _overflow(char_ems, p, used, capacity)
            if q >= len(char_ems):
                break
            count += 1
            carried, carried_ems = [], []
            used = char_ems[q]
            chunk, p = q, q + 1
        head, head_ems = [*carried, *token[chunk:]], [*carried_ems, *char_ems[chunk:]]


def _run_lines(source: str, capacity: float) -> int:
    """``_source_lines`` of a line of one-em characters only: every line holds as many as its
    whole ems, less what kinsoku takes down to the next (never the line's last character)."""
    fit = int(capacity)  # capacity >= 1: the sums 1, 2, … are exact
    count = start = 0
    while start + fit < len(source):
        end = start + fit  # the character that does not fit
        while end - start > 1 and (source[end - 1] in NO_END or source[end] in NO_START):
            end -= 1
        count += 1
        start = end
    return count + 1


def _count(text: str, width_pt: float, size_pt: float) -> int:
    capacity = max(1.0, (width_pt - CELL_INSET_PT) / size_pt)
    if len(text) <= capacity:
        return text.count("\n") + 1
    return sum(
        1 if len(source) <= capacity else _source_lines(source, capacity) for source in text.split("\n")
    )


# line counts of texts met before: (text, width, size) → count; bounded in entries and text length
_COUNTS: dict[tuple[str, float, float], int] = {}
_COUNTS_MAX = 2_000
_COUNTED_TEXT_MAX = 4_000  # characters: no few huge cells fill the memory


def line_count(text: str, width_pt: float, size_pt: float) -> int:
    """How many lines ``wrap`` breaks ``text`` into (counted by ``_source_lines``). Cached: a
    document asks for the same text in the same width again and again (an options line tried
    whole, then in its cell; a companion document repeating cells of another; the same block
    text in every document a build worker renders)."""
    key = (text, width_pt, size_pt)
    count = _COUNTS.get(key)
    if count is None:
        count = _count(text, width_pt, size_pt)
        if len(text) <= _COUNTED_TEXT_MAX:
            if len(_COUNTS) >= _COUNTS_MAX:
                _COUNTS.clear()
            _COUNTS[key] = count
    return count


def line_pt(size_pt: float) -> float:
    return size_pt * LINE_FACTOR


def lines_height(count: int, size_pt: float) -> float:
    """Row height in points for ``count`` lines of text."""
    return count * line_pt(size_pt) + ROW_PADDING_PT


# Where LibreOffice prints the lines of a top-aligned 9 pt cell (IPAexMincho at 9 pt, measured in
# its PDF): the first line's em box begins 1.0 pt below the cell's top and a line follows every
# 3.17 mm (8.986 pt, LibreOffice's 1/100 mm steps), whatever the row heights. A page break 1.3 pt
# below that line grid falls between two lines: under the descenders of the line above (g, p, y),
# above the ink of the line below.
PRINT_PITCH_PT = 3.17 / 25.4 * 72
BREAK_OFFSET_PT = 1.3
BAND_LINES = 4  # lines of a band: a tall row is cut in sheet rows this tall, where pages may end


def band_heights(need_pt: float) -> list[float]:
    """The sheet rows a row needing ``need_pt`` is cut into, each ending between two printed lines
    of its 9 pt text, all but the last (which takes the rest): to the 1/20 pt (twip) LibreOffice
    keeps, each boundary placed from the row's top so that no error adds up."""
    heights: list[float] = []
    done = 0.0
    k = 1
    while True:
        boundary = round((BREAK_OFFSET_PT + PRINT_PITCH_PT * BAND_LINES * k) * 20) / 20
        if boundary >= need_pt - ROW_PADDING_PT:
            return heights
        heights.append(round(boundary - done, 2))
        done = boundary
        k += 1


def sheet_rows_for(need_pt: float) -> int:
    """How many sheet rows a cell needing ``need_pt`` points is merged over."""
    return max(1, math.ceil(need_pt / SHEET_ROW_PT))


def stacked_height(text: str, size_pt: float) -> float:
    """Height of vertically set text (one character under another), its longest line deciding."""
    longest = max((len(line) for line in text.split("\n")), default=0)
    return longest * size_pt * 1.1 + ROW_PADDING_PT * 2
