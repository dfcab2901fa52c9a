"""HTML writer: one self-contained page per document (inline CSS, no scripts, no requests).

The page is written in one pass in Python: unique ids, heading levels, ``<tbody>`` row groups,
and the markup of every row (th or td, scope, spans, the cells' content). It was a Jinja2
template until the rows moved here (a document has a thousand cells, and a template spends a
dozen calls and as many escapes on each); the frame left in it, 60 lines, cost every process
that writes HTML the import of jinja2 (~30 ms, a quarter of a small build). The page's styles are
``templates/html/style.css``; every text is escaped as Jinja's autoescape did (``_escape``).
"""

from __future__ import annotations

from functools import cache

from generator.layout.ir import (
    CheckCaption,
    CheckGrid,
    CheckItem,
    ChoiceValue,
    Content,
    Document,
    Flow,
    Heading,
    Options,
    Paragraph,
    Part,
    Row,
    Table,
    TextContent,
)
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES
from generator.writers.xmltext import escape as _escape_markup
from generator.writers.xmltext import quote

from ..records import dataclass

EXTENSION = ".html"
TEMPLATES = SHIPPED_TEMPLATES / "html"

_HEADER_ROLES = frozenset({"label", "sublabel", "group", "heading", "header"})
_END_TAGS = {"th": "</th>\n", "td": "</td>\n"}
_ROW_SCOPES = {"label": "row", "sublabel": "row", "group": "row", "header": "col"}


# ---------------------------------------------------------------------------
# Views: the IR nodes plus what the template needs to know about their place


@dataclass(frozen=True, slots=True)
class _TableView:
    table: Table
    widths: tuple[str, ...]  # CSS percentages for <col>
    head: str  # the rows of <thead>; empty when there is none
    bodies: tuple[str, ...]  # the rows of each <tbody>


@dataclass(frozen=True, slots=True)
class _HeadingView:
    text: str
    level: int  # 1–6, one h1 per page and no skipped levels
    id: str | None


@dataclass(frozen=True, slots=True)
class _PartView:
    part: Part
    id: str
    label_id: str | None  # the heading that names the <section>
    blocks: tuple[_HeadingView | _TableView | Heading | Paragraph, ...]  # a Heading without a view: none


class _Ids:
    """Hands out each id once: an IR anchor that is already taken gets no id (HTML ids are unique)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, anchor: str | None) -> str | None:
        if not anchor:
            return None
        anchor = "-".join(anchor.split())  # ids may not contain white space
        if anchor in self._used:
            return None
        self._used.add(anchor)
        return anchor

    def fresh(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self._used:
            candidate, n = f"{base}-{n}", n + 1
        self._used.add(candidate)
        return candidate


def _heading_levels(doc: Document) -> tuple[list[int], bool]:
    """Printed levels of the headings in document order, and whether the IR has a level-1 one.

    There is one h1 (later level-1 headings print as h2; without any, the page gets a hidden h1 of
    the document title) and no skipped level (h2 → h4 prints h3)."""
    headings = [b for part in doc.parts for b in part.blocks if isinstance(b, Heading)]
    has_h1 = any(h.level <= 1 for h in headings)
    h1_used = not has_h1
    previous = 0 if has_h1 else 1
    levels = []
    for heading in headings:
        level = min(max(heading.level, 1), 6)
        if h1_used:
            level = max(level, 2)
        if previous:
            level = min(level, previous + 1)
        h1_used = h1_used or level == 1
        levels.append(level)
        previous = level
    return levels, has_h1


def _percentages(widths: tuple[int, ...]) -> tuple[str, ...]:
    total = sum(widths)
    if total <= 0:
        widths, total = (1,) * len(widths), len(widths)
    return tuple(f"{w * 100 / total:.3f}".rstrip("0").rstrip(".") + "%" for w in widths)


def _row_groups(rows: tuple[Row, ...]) -> list[tuple[int, int]]:
    """Split body rows into <tbody> ranges: a group cell's rows get their own, so that its
    scope="rowgroup" covers exactly them. A range never cuts a rowspan (the browser would clip it)."""
    starts = [0]
    reach = -1  # last row covered by a rowspan seen so far
    group_end = -1  # first row after the open group's range; -1 when no group is open
    for k, row in enumerate(rows):
        span = longest = 0
        for cell in row.cells:
            longest = max(longest, cell.rowspan)
            if cell.role == "group":
                span = max(span, cell.rowspan)
        if reach < k and (span or 0 <= group_end <= k):
            if k:
                starts.append(k)
            group_end = k + span if span else -1
        reach = max(reach, k + longest - 1)
    return list(zip(starts, [*starts[1:], len(rows)], strict=True)) if rows else []


@cache
def _start_tag(tag: str, role: str, vertical: bool, scope: str | None, colspan: int, rowspan: int) -> str:
    """A cell's start tag, without id (a form has a few dozen distinct ones)."""
    attrs = f'<{tag} class="{role} vertical"' if vertical else f'<{tag} class="{role}"'
    if scope:
        attrs += f' scope="{scope}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    return attrs + ">"


@cache
def _row_tag(kind: str, keep_together: bool) -> str:
    classes = ([] if kind == "item" else [kind]) + ([] if keep_together else ["split"])
    return f'<tr class="{" ".join(classes)}">' if classes else "<tr>"


def _with_id(start: str, anchor: str | None) -> str:
    if not anchor:
        return start
    quoted = quote(anchor).replace("'", "&#x27;")  # as html.escape(anchor), quotes included
    return f'{start[:-1]} id="{quoted}">'


def _row_html(row: Row, ids: _Ids, out: list[str], *, head: bool, group_rows: int) -> None:
    """Appends the row's markup to ``out``; ``group_rows``: the rows of this row's <tbody> when
    the row opens it, else 0."""
    at = len(out)
    out.append("")  # the <tr>: its id is claimed after its cells' (an id goes to the first claimant)
    only_headers = all(c.role in _HEADER_ROLES for c in row.cells)
    for cell in row.cells:
        role = cell.role
        if role not in _HEADER_ROLES:
            tag, scope = "td", None
        elif head:
            tag, scope = "th", "col"
        elif role == "heading":
            # a heading across the row heads the rows below; beside a value it heads that value
            tag, scope = "th", "colgroup" if only_headers else "row"
        elif role == "group" and cell.rowspan == group_rows:
            tag, scope = "th", "rowgroup"
        else:
            tag, scope = "th", _ROW_SCOPES[role]
        start = _start_tag(tag, role, cell.vertical, scope, cell.colspan, cell.rowspan)
        out.append((_with_id(start, ids.claim(cell.anchor)) if cell.anchor else start) + "\n")
        for content in cell.content:
            _content_html(content, out)
        out.append(_END_TAGS[tag])
    start = _row_tag(row.kind, row.keep_together)
    out[at] = (_with_id(start, ids.claim(row.anchor)) if row.anchor else start) + "\n"
    out.append("</tr>\n")


def _content_html(c: Content, out: list[str]) -> None:
    if isinstance(c, TextContent):
        if c.flow:
            out.append(_flow_str(c.flow) + "\n")
    elif isinstance(c, ChoiceValue):
        # the empty box keeps its width: non-breaking spaces
        box = f"[ {_escape(c.value)} ]" if c.value else "[&nbsp;&nbsp;&nbsp;&nbsp;]"
        out.append(f'<span class="choice">{box}</span>{_escape(c.suffix)}\n')
    elif isinstance(c, Options):
        out.append(
            f'<div class="options">\n<div class="options-heading">{_escape(c.heading)}</div>\n'
            f'<div class="options-grid" style="--cols:{c.columns}">\n'
        )
        out.extend(f"<div>{_escape(option)}</div>\n" for option in c.numbered())
        out.append("</div>\n</div>\n")
    elif isinstance(c, CheckGrid):
        out.append(f'<div class="checks" style="--cols:{c.columns}">\n')
        for line in c.rows():
            out.append('<div class="check-row">\n')
            for item in line:
                if isinstance(item, CheckCaption):
                    out.append(f'<div class="check-caption">{_escape(item.text)}</div>\n')
                else:
                    out.append(_check_html(item, item.label in c.wide))
            out.append("</div>\n")
        out.append("</div>\n")


def _check_html(item: CheckItem, wide: bool) -> str:
    # the ○ glyph carries the state; aria-label says it in words
    box = (
        '<span class="box" role="img" aria-label="選択">[ ○ ]</span>'
        if item.checked
        else '<span class="box" role="img" aria-label="未選択">[ ]</span>'
    )
    detail = f' （ <span class="detail">{_escape(item.detail)}</span> ）' if item.detail is not None else ""
    count = f" {_escape(item.count)}" if item.count is not None else ""
    return f'<div class="check{" wide" if wide else ""}">{box} {_escape(item.label)}{detail}{count}</div>\n'


def _escape(text: str) -> str:
    """Text as markupsafe.escape (Jinja's autoescape) writes it: & < > ' " as entities."""
    return _escape_markup(text).replace("'", "&#39;").replace('"', "&#34;")


def _rows_html(rows: tuple[Row, ...], ids: _Ids, *, head: bool, group_start: int = -1) -> str:
    out: list[str] = []
    for k, row in enumerate(rows):
        _row_html(row, ids, out, head=head, group_rows=len(rows) if k == group_start else 0)
    return "".join(out)


def _table_view(table: Table, ids: _Ids) -> _TableView:
    head = _rows_html(table.rows[: table.header_rows], ids, head=True)
    body = table.rows[table.header_rows :]
    bodies = tuple(
        _rows_html(body[start:end], ids, head=False, group_start=0) for start, end in _row_groups(body)
    )
    return _TableView(table, _percentages(table.widths), head, bodies)


def _part_views(doc: Document) -> tuple[list[_PartView], bool]:
    """Views of all parts, and whether the page needs a (hidden) h1 of its own."""
    ids = _Ids()
    level_list, has_h1 = _heading_levels(doc)
    levels = iter(level_list)
    # sections and headings claim their ids before any row or cell does
    heads: list[tuple[str, str | None, dict[int, _HeadingView]]] = []
    for part in doc.parts:
        part_id = ids.claim(part.id) or ids.fresh(part.id or "part")
        label_id = None
        views: dict[int, _HeadingView] = {}
        for i, block in enumerate(part.blocks):
            if isinstance(block, Heading):
                hid = ids.claim(block.anchor)
                if label_id is None:
                    hid = label_id = hid or ids.fresh(f"{part_id}-title")
                views[i] = _HeadingView(block.text, next(levels), hid)
        heads.append((part_id, label_id, views))
    parts = []
    for part, (part_id, label_id, views) in zip(doc.parts, heads, strict=True):
        blocks = tuple(
            views[i] if i in views else _table_view(b, ids) if isinstance(b, Table) else b
            for i, b in enumerate(part.blocks)
        )
        parts.append(_PartView(part, part_id, label_id, blocks))
    return parts, not has_h1


# ---------------------------------------------------------------------------
# Text


def _text_html(text: str) -> str:
    return _escape_markup(text).replace("\n", "<br>")  # as html.escape(text, quote=False)


def _flow_str(flow: Flow) -> str:
    """Paragraphs as <p>; a list item keeps its marker as text (no <ol>: numbers must survive)."""
    out = []
    for para in flow:
        runs = "".join(
            f"<strong>{_text_html(r.text)}</strong>" if r.strong else _text_html(r.text) for r in para.runs
        )
        if not para.marker:
            out.append(f"<p>{runs}</p>")
            continue
        level = f' style="--level:{para.level}"' if para.level else ""
        out.append(f'<p class="li"{level}><span class="marker">{_text_html(para.marker)}</span> {runs}</p>')
    return "\n".join(out)


def _css_string(text: str) -> str:
    """A CSS string literal (for the printed page header) that cannot end the string or the
    <style> element: everything but letters, digits and a few safe marks is a CSS escape."""
    body = "".join(c if c.isalnum() or c in " 　・（）「」" else f"\\{ord(c):x} " for c in text)
    return f'"{body}"'


@cache
def _css() -> str:
    """templates/html/style.css, read once a process."""
    return (TEMPLATES / "style.css").read_text(encoding="utf-8")


def _table_html(tv: _TableView, out: list[str]) -> None:
    table = tv.table
    out.append(f'<table class="{_escape(table.style)}">\n')
    if table.caption:
        out.append(f"<caption>{_escape(table.caption)}</caption>\n")
    out.append("<colgroup>\n")
    out += [f'<col style="width:{_escape(width)}">\n' for width in tv.widths]
    out.append("</colgroup>\n")
    if tv.head:
        out += ("<thead>\n", tv.head, "</thead>\n")
    for body in tv.bodies:
        out += ("<tbody>\n", body, "</tbody>\n")
    out.append("</table>\n")


def render(doc: Document) -> bytes:
    parts, hidden_h1 = _part_views(doc)
    out = [
        f'<!DOCTYPE html>\n<html lang="{_escape(doc.lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(doc.name)} — {_escape(doc.title)}</title>\n<style>\n{_css()}\n"
        f"@page {{ @top-right {{ content: {_css_string(doc.name)}; }} }}\n</style>\n</head>\n<body>\n<main>\n"
    ]
    if hidden_h1:
        out.append(f'<h1 class="vh">{_escape(doc.title)}</h1>\n')
    for pv in parts:
        named = (
            f' aria-labelledby="{_escape(pv.label_id)}"'
            if pv.label_id
            else f' aria-label="{_escape(pv.part.title)}"'
        )
        out.append(f'<section id="{_escape(pv.id)}" class="part"{named}>\n')
        for block in pv.blocks:
            if isinstance(block, _HeadingView):
                hid = f' id="{_escape(block.id)}"' if block.id else ""
                out.append(f"<h{block.level}{hid}>{_escape(block.text)}</h{block.level}>\n")
            elif isinstance(block, _TableView):
                _table_html(block, out)
            elif isinstance(block, Paragraph):
                out.append(f'<div class="para {_escape(block.style)}">\n{_flow_str(block.flow)}\n</div>\n')
            else:
                raise TypeError(f"HTML writer: no markup for {type(block).__name__}")
        out.append("</section>\n")
    out.append("</main>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")
