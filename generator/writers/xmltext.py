"""Text in XML and HTML markup: the escapes every writer shares, with no import (``xml.sax.saxutils``
brings urllib and http, 40 ms; the ``html`` module its entity tables, 3 ms)."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold: controls other than tab and line ends, surrogates, U+FFFE and
# U+FFFF; the only characters a writer may drop. Listed, not as the complement of the legal
# ranges: that class takes 5–7 ms to compile (this one 0.7 ms, so it is compiled, through re's
# cache, only for a text that may hold one: each is a character str.isprintable refuses and none
# is a line end, tab, ideographic or no-break space (a test checks every code point), so a text it
# accepts once those are taken out has none — nearly every text; HTML does without).
ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"


def may_be_illegal(text: str) -> bool:
    """False when ``text`` surely holds no ``ILLEGAL`` character (without compiling it)."""
    if text.isprintable():
        return False
    bare = (
        text.replace("\n", "").replace("\t", "").replace("\r", "").replace("\u3000", "").replace("\xa0", "")
    )
    return not bare.isprintable()


def has_illegal(text: str) -> bool:
    return may_be_illegal(text) and re.search(ILLEGAL, text) is not None


def replace_illegal(text: str, by: str = "") -> str:
    """``text`` with each character XML cannot hold replaced by ``by`` (dropped by default)."""
    return re.sub(ILLEGAL, by, text) if may_be_illegal(text) else text


def escape(text: str) -> str:
    """& < > as entities: an element's text as lxml and ``xml.sax.saxutils.escape`` write it, and
    what an HTML escape does first (each adds its own quotes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str) -> str:
    """An attribute's value in double quotes: ``escape`` and 「"」 as &quot;."""
    return escape(text).replace('"', "&quot;")
