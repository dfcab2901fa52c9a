"""generator.terminal: what the CLI prints is escaped where it could act on the terminal."""

from __future__ import annotations

import re

from generator import terminal


def test_every_character_the_terminal_is_not_sent_is_one_isprintable_refuses() -> None:
    # terminal.escape skips its pattern for a text str.isprintable accepts once its line feeds,
    # tabs and ideographic spaces are out: exact only if isprintable refuses every unsafe character
    unsafe = re.compile(terminal._UNSAFE)
    matched = [chr(c) for c in range(0x110000) if unsafe.match(chr(c))]
    assert len(matched) > 2048 + 60
    assert [c for c in matched if c.isprintable() or c in "\n\t\u3000"] == []
    for c in matched:
        assert (
            terminal.escape(f"日本\u3000語\n\t{c}x") == f"日本\u3000語\n\t{terminal._code(unsafe.match(c))}x"
        )
    assert terminal.escape("日本\u3000語\n\t\xa0 x") == "日本\u3000語\n\t\xa0 x"
