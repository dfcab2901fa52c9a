"""Text for the terminal: control and escape characters shown as escapes, never sent raw.

Keys, values, block titles and folder names come from files written by many hands; printed raw,
an ESC sequence could recolour, retitle or rewrite the user's terminal, a carriage return or a
bidirectional override could hide part of a message. Everything the CLI prints passes through
``escape`` (``EscapingStream`` wraps stdout and stderr); line feeds and tabs stay.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import TextIO

# C0 controls but tab and line feed, DEL, C1 controls, bidirectional formatting, line/paragraph
# separators, and lone surrogates (which a terminal's encoder cannot even write); compiled at the
# first use by re's cache (0.5 ms), only for a text that may hold one: each is a character
# str.isprintable refuses (a test checks every one), so a text it accepts without its line feeds,
# tabs and ideographic spaces has none
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


def _code(match: re.Match[str]) -> str:
    o = ord(match[0])
    return f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}"


def escape(text: str) -> str:
    """``text`` with every unsafe character written as ``\\x1b`` / ``\\u202e``."""
    if text.replace("\n", "").replace("\t", "").replace("\u3000", "").isprintable():
        return text
    return re.sub(_UNSAFE, _code, text)


class EscapingStream:
    """A text stream that escapes what is written to it; ``raw`` is the stream underneath (for a
    progress bar that writes its own escape sequences)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(escape(text))

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def fileno(self) -> int:
        return self.raw.fileno()

    def __getattr__(self, name: str) -> object:  # flush, isatty, encoding, buffer …
        return getattr(self.raw, name)


LINE_LIMIT = 2_000  # characters of one diagnostic line: a value quoted whole could be megabytes


def shorten(line: str, limit: int = LINE_LIMIT) -> str:
    """``line`` cut to ``limit`` characters, saying how much was left out."""
    if len(line) <= limit:
        return line
    return f"{line[:limit]}…（以下 {len(line) - limit:,} 文字を省略）"
