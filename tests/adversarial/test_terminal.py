"""Escape and control characters never reach the terminal raw: keys, values and folder names
from the sources are shown as ``\\x1b`` / ``\\u202e``."""

from __future__ import annotations

import shutil

import pytest

from .conftest import assert_untouched
from .harness import Root, assert_clean

RAW = ("\x1b", "\x07", "\r", "\u202e", "\x9b")

KEYS = {
    "title escape": '"\\e]0;pwned\\a": 1',
    "clear screen": '"\\e[2J\\e[H消えた": 1',
    "carriage return": '"見える\\r隠れる": 1',
    "bidi override": '"\\u202eabc": 1',
    "C1 CSI": '"\\x9b31m": 1',
}


@pytest.mark.parametrize("case", list(KEYS))
def test_a_hostile_key_is_shown_escaped_by_check(root: Root, case: str) -> None:
    cover = root.folder() / "0_表紙.yaml"
    cover.write_text(cover.read_text(encoding="utf-8") + KEYS[case] + "\n", encoding="utf-8")
    before = root.snapshot()
    run = root.run("check", "sources/c")
    assert_clean(run, 1)
    assert not [c for c in RAW if c in run.output], run.result.describe()
    assert "0_表紙.yaml:" in run.output, run.result.describe()
    assert any(shown in run.output for shown in ("U+", "\\x", "\\u")), run.result.describe()
    assert_untouched(root, before)


def test_a_folder_name_with_escapes_is_shown_escaped_by_build(root: Root) -> None:
    name = "c\x1b[31m"
    shutil.move(root.folder(), root.sources / name)
    run = root.run("build", f"sources/{name}", "--out", "out", "-f", "html")
    assert_clean(run, 0)
    assert "\x1b" not in run.output and "\\x1b[31m" in run.output, run.result.describe()
    assert (root.out / name / f"{name}.html").is_file()


def test_a_megabyte_key_or_value_does_not_flood_the_terminal(root: Root) -> None:
    cover = root.folder() / "0_表紙.yaml"
    cover.write_text(
        cover.read_text(encoding="utf-8") + "? " + "鍵" * 1_000_000 + "\n: 1\n", encoding="utf-8"
    )
    overview = root.folder() / "2_ファイル概要_1.yaml"
    text = overview.read_text(encoding="utf-8")
    overview.write_text(text.replace("  使用者数: ", "  使用者数: " + "x" * 2_000_000, 1), encoding="utf-8")
    run = root.run("check", "sources/c")
    assert_clean(run, 1)
    assert "項目名が長すぎます" in run.output and "200 文字まで" in run.output, run.result.describe()
    assert "文字を省略" in run.output
    assert len(run.output) < 20_000
