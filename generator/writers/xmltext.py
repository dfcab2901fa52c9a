"""Text in XML and HTML markup: the escapes every writer shares, with no import (``xml.sax.saxutils``
brings urllib and http, 40 ms; the ``html`` module its entity tables, 3 ms)."""

from __future__ import annotations

# Characters XML 1.0 cannot hold: controls other than tab and line ends, surrogates, U+FFFE and
# U+FFFF; the only characters a writer may drop. Listed, not as the complement of the legal
# ranges: that class takes 5–7 ms to compile (this one 0.4 ms: compiled by the writers that use
# it, once, through re's cache; HTML does without).
ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"


def escape(text: str) -> str:
    """& < > as entities: an element's text as lxml and ``xml.sax.saxutils.escape`` write it, and
    what an HTML escape does first (each adds its own quotes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str) -> str:
    """An attribute's value in double quotes: ``escape`` and 「"」 as &quot;."""
    return escape(text).replace('"', "&quot;")
