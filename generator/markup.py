"""Free text of a form cell, written in Markdown (CommonMark), as a layout IR flow.

Authors write cells as plain Japanese text; Markdown only adds paragraphs (blank lines), ``**bold**``
and lists. The form has no headings, italics, tables or pictures inside cells, so those come out
as plain text. Raw HTML is off: ``<b>`` and ``<script>`` stay literal text.

Every line break inside a paragraph is kept as ``\\n``: the form writes bullet lines as 「・…」
text, not as Markdown lists, and 「・」 is no list marker in CommonMark, so such lines stay lines.
Full-width numbering (「（1）」, 「①」, 「１．」, 「1　」 with a full-width space) and 「(1) 受診勧奨」
are no Markdown syntax and come out untouched.

CommonMark reads some plain text as syntax. Decisions, so that official wording survives:

* ``1. foo`` and ``1) foo`` at the start of a line are ordered lists, ``- foo``, ``* foo`` and
  ``+ foo`` bullet lists. Items become paragraphs with a marker: the number with its delimiter
  as written, counted from the list's first number as every Markdown preview does (``3.``
  ``3.`` prints 3. 4.), and 「・」 for bullets.
* A dash alone, the seeds' 'not applicable' placeholder, is an empty bullet item for CommonMark
  and ``---`` (or ``***``, ``___``) a thematic break. An empty list item therefore prints its
  marker as literal text (``-`` → 「-」, ``1.`` → 「1.」) and a thematic break its source line
  (「---」), so no placeholder vanishes. 「－」, 「—」, 「―」 are plain text anyway.
* A line of ``---`` or ``===`` right under a line of text makes that text a (setext) heading: it
  comes out as a plain paragraph and the underline is dropped. Leave a blank line before the
  dashes to keep them. ``# 見出し`` (ATX heading) is deliberate and comes out bold.
* ``*注*`` and ``_注_`` are emphasis: the asterisks are dropped and the text stays plain (the form
  has no italics). ``**`` next to Japanese brackets follows CommonMark's flanking rules:
  「**番号法**」 is bold, ``**「番号法」**という`` is not and keeps its asterisks literally.
* A backslash before ASCII punctuation is an escape and disappears (``\\*`` → ``*``); other
  backslashes stay (``C:\\Users``). Entities decode (``&amp;`` → ``&``).
* Block quotes lose their ``>``, code blocks and fences their fences and indentation: their text
  comes out as plain paragraphs.
* A link prints its text, followed by `` (URL)`` when the URL differs from the text; an image
  prints its alt text.
* CommonMark trims a paragraph's leading whitespace, which would drop the full-width space
  (「　」) Japanese text uses to indent a paragraph; it is put back.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from generator.layout.ir import Flow, Para, Run, flow_text

from .records import dataclass

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["plain_text", "render_markdown"]

_THEMATIC_BREAK = r"([-*_])(?:[ \t]*\1){2,}[ \t]*$"  # compiled at its first use by re's cache
_IDEOGRAPHIC_SPACE = "\u3000"


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # 25 ms of imports, for the few texts with Markdown syntax

    # The commonmark preset has no tables, strikethrough or linkify; html=False keeps tags as text.
    return MarkdownIt("commonmark", {"html": False, "breaks": True})


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> Flow:
    """The text's paragraphs and list items as a flow; () for empty or blank text.

    Cached: a flow is immutable, and block texts recur in every file of an assessment."""
    if not text or not text.strip():
        return ()
    # as markdown-it normalises (re.sub(r"\r\n?", "\n", …)), so token line maps match
    source = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    if not _has_syntax(source):
        return _plain_flow(source)
    if source.strip(" \n") == "-":  # the seeds' placeholder alone: its marker as text (see above)
        return _PLACEHOLDER
    return _FlowBuilder(source).build(_parser().parse(source))


# Anything CommonMark (as configured above) could read as syntax, so that most cells, plain
# Japanese text, take the short way of ``_plain_flow`` (tests/test_markup.py checks it against
# markdown-it on generated and example texts):
# - escapes, code spans, 「*」 emphasis, tabs and NUL anywhere;
# - 「_」 unless inside a word (「国保_被保険者」: an underscore between letters can neither open
#   nor close emphasis);
# - a bracket only where it closes into a link, a reference or a definition (「](」「][」「]:」;
#   「[○]」 alone is text);
# - 「<」 only as an autolink (a scheme or an address: raw HTML is off), 「&」 only as an entity;
# - the block markers only where a block can start, at a line's start after at most three
#   spaces (lists, headings, setext underlines, quotes, fences: 「800-88」 inside a line is text;
#   the preset has no tables or strikethrough), a line indented four spaces (code), and an
#   ordered list's 「1.」 「1)」 followed by a space or the line's end (「1.個人番号」 is text).
# ``_has_syntax`` lets two of these pass where CommonMark reads them as text: a lone underscore
# (emphasis takes two delimiter runs), and a list number other than 1 on the line right under a
# line of text (only a list starting at 1 may interrupt a paragraph: 「Ⅲ リスク対策\n6. 情報提供…」
# is one paragraph).
# Compiled (0.5 ms) at its first use by re's cache, only for a text ``_may_have_syntax`` lets
# through: most texts have neither a character nor a line start that any of it begins with.
_MAYBE_SYNTAX = (
    r"[\\`*\t\0]|(?<![^\W_])_|_(?![^\W_])|\][(\[:]|<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:|[^\s<>@]*@)"
    r"|&(?:#|[A-Za-z0-9]+;)|^ {0,3}[-+=#>~]|^ {4}|^ {0,3}(?P<number>[0-9]{1,9})[.)](?=[ \t]|$)"
)
_SYNTAX_CHARACTERS = frozenset("\\`*\t\0_]<&")  # where a match can start inside a line
_SYNTAX_LINE_STARTS = frozenset(" -+=#>~")  # and at a line's start (the ^ alternatives)
_DIGITS = frozenset("0123456789")


def _may_have_syntax(source: str) -> bool:
    """False when ``_MAYBE_SYNTAX`` surely finds nothing in ``source``."""
    if not _SYNTAX_CHARACTERS.isdisjoint(source):
        return True
    return any(
        line[:1] in _SYNTAX_LINE_STARTS or (line[:1] in _DIGITS and ("." in line or ")" in line))
        for line in source.split("\n")
    )


def _has_syntax(source: str) -> bool:
    if not _may_have_syntax(source):
        return False
    for found in re.finditer(_MAYBE_SYNTAX, source, re.M):
        if found[0] == "_" and source.count("_") == 1:
            continue
        number = found["number"]
        if number is not None and int(number) != 1:
            above = source.rfind("\n", 0, max(found.start() - 1, 0))
            if found.start() > 0 and source[above + 1 : found.start() - 1].strip(" \t"):
                continue  # the paragraph above goes on (every line before passed as text)
        return True
    return False


_PLACEHOLDER: Flow = (Para((Run("-"),)),)


def _plain_flow(source: str) -> Flow:
    """What markdown-it and ``_FlowBuilder`` make of text without syntax: one paragraph per run of
    non-blank lines, the paragraph trimmed (full-width indentation put back) and each line break
    kept, without the ASCII spaces around it."""
    lines = source.split("\n")
    builder = _FlowBuilder(source)
    paras: list[Para] = []
    start = None
    for i, line in enumerate([*lines, ""]):
        if line.strip(" ") and start is None:
            start = i
        elif not line.strip(" ") and start is not None:
            content = "\n".join(lines[start:i]).strip()
            if content:
                text = "\n".join(part.strip(" ") for part in content.split("\n"))
                indent = builder._leading_ideographic_space(start, content)
                paras.append(Para((Run(indent + text),)))
            start = None
    return tuple(paras)


def plain_text(flow: Flow) -> str:
    """The flow as plain text (markers kept), e.g. for search and diffs."""
    return flow_text(flow)


@dataclass
class _List:
    ordered: bool
    number: int  # number of the next item of an ordered list
    delimiter: str  # "." or ")" for ordered lists


@dataclass
class _Item:
    marker: str
    level: int
    marker_used: bool = False


class _FlowBuilder:
    def __init__(self, source: str) -> None:
        self.lines = source.split("\n")
        self.paras: list[Para] = []
        self.lists: list[_List] = []
        self.items: list[_Item] = []

    def build(self, tokens: Sequence[Token]) -> Flow:
        for i, tok in enumerate(tokens):
            kind = tok.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                self._open_list(tok)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self._open_item(tok, empty=tokens[i + 1].type == "list_item_close")
            elif kind == "list_item_close":
                self.items.pop()
            elif kind == "inline":
                self._inline_block(tok, opener=tokens[i - 1])
            elif kind == "hr":
                self._place([Run(self._thematic_break_text(tok))])
            elif kind in ("fence", "code_block", "html_block"):
                self._place([Run(tok.content.rstrip("\n"))])
            # paragraph/heading/blockquote open and close tokens carry no text
        return tuple(self.paras)

    def _open_list(self, tok: Token) -> None:
        if self.items and not self.items[-1].marker_used:
            # An item that starts with a nested list ("- - a") still prints its own marker.
            self._place([])
        start = tok.attrGet("start")
        self.lists.append(
            _List(tok.type == "ordered_list_open", int(start) if start is not None else 1, tok.markup)
        )

    def _open_item(self, tok: Token, *, empty: bool) -> None:
        lst = self.lists[-1]
        level = len(self.lists) - 1
        if lst.ordered:
            marker = f"{lst.number}{lst.delimiter}"
            lst.number += 1
        else:
            marker = "・"
        self.items.append(_Item(marker, level))
        if empty:
            # "-" alone is an empty item for CommonMark, but a placeholder for the author.
            self.items[-1].marker_used = True
            self.paras.append(Para((Run(tok.info + tok.markup),), level=level))

    def _inline_block(self, tok: Token, opener: Token) -> None:
        runs = _inline_runs(tok.children or [])
        if opener.type == "heading_open" and opener.markup.startswith("#"):
            runs = [Run(r.text, strong=True) for r in runs]
        elif opener.type in ("paragraph_open", "heading_open") and opener.map:
            indent = self._leading_ideographic_space(opener.map[0], tok.content)
            if indent:
                runs.insert(0, Run(indent))
        self._place(runs)

    def _place(self, runs: list[Run]) -> None:
        """Append a paragraph; inside a list item the first one carries the item's marker and
        later ones are indented one level further."""
        merged = _merge(runs)
        marker, level = "", 0
        if self.items:
            item = self.items[-1]
            if item.marker_used:
                level = item.level + 1
            else:
                marker, level = item.marker, item.level
                item.marker_used = True
        if merged or marker:
            self.paras.append(Para(merged, marker=marker, level=level))

    def _leading_ideographic_space(self, line_no: int, content: str) -> str:
        """The full-width indentation CommonMark trimmed from a paragraph's first line."""
        line = self.lines[line_no].rstrip()
        first = content.split("\n", 1)[0].rstrip()
        if not first or not line.endswith(first):
            return ""
        prefix = line[: len(line) - len(first)]
        blank = prefix[len(prefix.rstrip()) :]
        start = blank.find(_IDEOGRAPHIC_SPACE)
        return blank[start:] if start >= 0 else ""

    def _thematic_break_text(self, tok: Token) -> str:
        line = self.lines[tok.map[0]] if tok.map else ""
        found = re.search(_THEMATIC_BREAK, line)
        return found.group(0).strip() if found else "---"


def _inline_runs(children: Sequence[Token]) -> list[Run]:
    runs: list[Run] = []
    strong = 0
    links: list[tuple[int, str]] = []  # (index of the link's first run, URL)

    def add(text: str) -> None:
        if text:
            runs.append(Run(text, strong=strong > 0))

    for tok in children:
        kind = tok.type
        if kind in ("text", "text_special", "code_inline", "html_inline"):
            add(tok.content)
        elif kind in ("softbreak", "hardbreak"):
            add("\n")
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "link_open":
            href = str(tok.attrGet("href") or "")
            links.append((len(runs), _parser().normalizeLinkText(href)))
        elif kind == "link_close" and links:
            start, url = links.pop()
            label = "".join(r.text for r in runs[start:])
            if url and label not in (url, url.removeprefix("mailto:")):
                add(f" ({url})")
        elif kind == "image":
            add("".join(r.text for r in _inline_runs(tok.children or [])))
        # em_open / em_close: the form has no italics, the text stays plain
    return runs


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    """Join neighbouring runs of the same weight, so writers get few, long runs."""
    out: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if out and out[-1].strong == run.strong:
            out[-1] = Run(out[-1].text + run.text, strong=run.strong)
        else:
            out.append(run)
    return tuple(out)
