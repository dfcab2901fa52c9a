"""The XLSX writer's fast line count against ``wrap``, the reference it must agree with exactly:
on every text the writer measures in the examples and on seeded random texts at many widths.

A larger random run by hand: ``.venv/bin/python -m tests.test_xlsx_line_count 200000``.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.pipeline import layout, load_all
from generator.writers import xlsx as xw
from generator.writers import xlsx_metrics as xm

EXAMPLES = Path(__file__).resolve().parents[1] / "sources"
SIZES = (8.0, 9.0, 10.0, 12.0, 14.0)

KANA = "あいうえおかきくけこアイウエオ漢字仮名交文書評価個人情報保護特定"
WORDS = ("ID", "NIST", "800-88", "ISO/IEC27001", "https://example.jp/a/b?c=d", "e-Tax", "A", "x1")
MARKS = "".join(sorted(xm.NO_START | xm.NO_END))
# zero widths, spaces, half-width kana and marks, controls, one-em symbols
ODD = "\t\u3000\u202f\u2028\u200b\u0301\u3099ｱｲﾞ｢｣･Ａ１\x7f…‥①※○¢"


def random_text(rng: random.Random) -> str:
    """A text of kana and kanji, ASCII words (some longer than any line), runs of spaces, line
    breaks, kinsoku marks and characters of odd widths, in random proportions."""
    pieces: list[str] = []
    for _ in range(rng.randint(1, 40)):
        kind = rng.random()
        if kind < 0.35:
            pieces.append("".join(rng.choices(KANA, k=rng.randint(1, 30))))
        elif kind < 0.5:
            pieces.append(rng.choice(WORDS))
        elif kind < 0.55:
            pieces.append("".join(rng.choices("abcXYZ019-/.", k=rng.randint(20, 120))))
        elif kind < 0.65:
            pieces.append(" " * rng.choice((1, 1, 2, 3, 40)))
        elif kind < 0.85:
            pieces.append("".join(rng.choices(MARKS, k=rng.randint(1, 4))))
        elif kind < 0.92:
            pieces.append(rng.choice(ODD))
        else:
            pieces.append("\n" * rng.randint(1, 2))
    return "".join(pieces)


def random_width(rng: random.Random, size: float) -> float:
    """Cell widths as the writer makes them (grid columns), and widths whose line holds a whole
    number of 0.2 ems (where wrap's inexact sums of 0.6 decide), and any."""
    kind = rng.random()
    if kind < 0.3:
        return rng.randint(1, 24) * 3.0 * xm.UNIT_PT
    if kind < 0.6:
        return xm.CELL_INSET_PT + rng.randint(1, 300) * 0.2 * size
    if kind < 0.7:
        return rng.uniform(0.0, xm.CELL_INSET_PT + size)  # a line of one em
    return rng.uniform(xm.CELL_INSET_PT, 600.0)


def mismatches(count: int, seed: int) -> list[tuple[str, float, float, int, int]]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        text = random_text(rng)
        size = rng.choice(SIZES)
        width = random_width(rng, size)
        fast, reference = xm._count(text, width, size), len(xm.wrap(text, width, size))
        if fast != reference:
            found.append((text, width, size, fast, reference))
    return found


def test_one_em_characters_are_one_em_wide() -> None:
    """The runs the count crosses in one step hold characters char_em makes one em wide."""
    ranges = xm._FULL
    assert len(ranges) % 3 == 0 and set(ranges[1::3]) == {"-"}
    for low, high in zip(ranges[0::3], ranges[2::3], strict=True):
        for code in range(ord(low), ord(high) + 1):
            assert xm.char_em(chr(code)) == 1.0 and chr(code) > "~", hex(code)


def test_translated_text_has_the_classes_of_the_source() -> None:
    """Every code point is in _FULL, white space, printable ASCII and the space exactly when its
    translation (xm._classes) is in the class standing for it in _CLASS_SEGMENT: so that pattern
    finds in a translated text the segments _SEGMENT finds in the text."""
    every = "".join(map(chr, range(0x110000)))
    translated = every.translate(xm._classes())
    assert len(translated) == len(every)
    classes = [(f"[{xm._FULL}]", "[\xa0\xc0]"), (r"\s", r"\s"), ("[!-~]", "[!-~]"), (" ", " ")]
    for old, new in classes:
        found = [m.start() for m in re.finditer(old, every)]
        assert found == [m.start() for m in re.finditer(new, translated)], old
        assert found  # the class is not empty: the comparison says something
    assert xm._SEGMENT.replace(f"[{xm._FULL}]", "[\\xa0\\xc0]") == xm._CLASS_SEGMENT


@pytest.fixture(params=["translated", "as written"])
def segmenting(request, monkeypatch) -> str:
    """Each way of _segments for every text of a test: translated (the limit out of reach), or
    the text itself (the process past the limit)."""
    if request.param == "translated":
        monkeypatch.setattr(xm, "_TRANSLATE_LIMIT", 1 << 62)
        monkeypatch.setattr(xm, "_translated", [0])
    else:
        monkeypatch.setattr(xm, "_translated", [xm._TRANSLATE_LIMIT])
    return request.param


def test_segments_translated_or_not_are_segments(segmenting: str) -> None:
    """Both ways of _segments give _SEGMENT's matches, by their lengths and by which of their
    first two characters are ASCII (what _source_lines reads), on texts with every code point."""
    rng = random.Random(7)
    codes = list(range(0x110000))
    rng.shuffle(codes)
    texts = ["".join(map(chr, codes[i : i + 5000])) for i in range(0, len(codes), 5000)]
    texts += [random_text(rng) for _ in range(300)]
    texts += [
        "".join(rng.choices(KANA + "abc 1-\u3000\u202f\xa0\u2028ｱ①\U0002000b", k=80)) for _ in range(300)
    ]

    def shape(segments: list[str]) -> list[tuple[int, bool, bool]]:
        return [(len(s), s[:1].isascii(), s[1:2].isascii()) for s in segments]

    for text in texts:
        assert shape(xm._segments(text)) == shape(re.findall(xm._SEGMENT, text))
    assert (xm._translated[0] > 0) if segmenting == "translated" else xm._translated == [xm._TRANSLATE_LIMIT]


def test_a_process_translates_up_to_the_limit_then_matches_the_text(monkeypatch) -> None:
    monkeypatch.setattr(xm, "_translated", [xm._TRANSLATE_LIMIT - 10])
    xm._segments("あ" * 20)  # translated: the count was below the limit
    assert xm._translated == [xm._TRANSLATE_LIMIT + 10]
    xm._segments("あ" * 20)  # past it: the text itself, the count left
    assert xm._translated == [xm._TRANSLATE_LIMIT + 10]


def test_line_count_is_wraps_on_random_texts(segmenting: str) -> None:
    assert mismatches(4_000, seed=15) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("あ" * 10 + "。い", 2),
        ("あ" * 9 + "」。う", 2),
        ("a" * 40, 3),  # a word longer than a line, broken anywhere
        ("「" + "a" * 20, 2),  # an opening mark taken down with the word, which then breaks
        ("あ" * 8 + " " * 30 + "abc", 2),  # spaces hang at the line's end
        ("あ" * 9 + " 。", 2),  # a closing mark after spaces takes them down
        ("\u0301" * 50 + "あ" * 11, 2),  # zero widths
    ],
)
def test_line_count_at_the_edges(text: str, expected: int) -> None:
    width = 10 * 9 + xm.CELL_INSET_PT  # 10 ems at 9 pt
    assert len(xm.wrap(text, width, 9)) == expected
    assert xm._count(text, width, 9) == expected


def test_line_count_is_wraps_on_every_text_the_examples_measure(monkeypatch) -> None:
    measured: set[tuple[str, float, float]] = set()

    def record(text: str, width_pt: float, size_pt: float) -> int:
        measured.add((text, width_pt, size_pt))
        return len(xm.wrap(text, width_pt, size_pt))

    monkeypatch.setattr(xw, "line_count", record)
    folders = sorted(p for p in EXAMPLES.iterdir() if (p / "0_表紙.yaml").is_file())
    assert folders
    for loaded in load_all(folders, Reporter(), every_block=False):
        assert loaded.assessment is not None
        for document in loaded.documents:
            xw.render(layout(document.assessment, loaded.blocks))
    assert len(measured) > 1_000
    wrong = [(t, w, s) for t, w, s in measured if xm._count(t, w, s) != len(xm.wrap(t, w, s))]
    assert wrong == []


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    bad = mismatches(total, seed=int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    for case in bad[:10]:
        print(case)
    print(f"{total} random texts, {len(bad)} counts differ from wrap")
    sys.exit(1 if bad else 0)
