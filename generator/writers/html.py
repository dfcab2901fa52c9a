"""HTML writer: one self-contained page per document (inline CSS, no scripts, no requests).

The Jinja2 templates in ``templates/html`` lay the page out in one pass. Python prepares what a
template cannot decide cheaply: unique ids, heading levels, ``<tbody>`` row groups, and each
cell's start tag (th or td, scope, spans) and text flow, the two things every one of a
document's thousand cells needs.
"""

from __future__ import annotations

import html
from functools import cache

import jinja2
from markupsafe import Markup

from generator.layout.ir import (
    CheckCaption,
    CheckGrid,
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
from generator.templating import html_environment

from ..records import dataclass

EXTENSION = ".html"
TEMPLATES = SHIPPED_TEMPLATES / "html"

_HEADER_ROLES = frozenset({"label", "sublabel", "group", "heading", "header"})
_END_TAGS = {"th": Markup("</th>"), "td": Markup("</td>")}
_ROW_SCOPES = {"label": "row", "sublabel": "row", "group": "row", "header": "col"}


# ---------------------------------------------------------------------------
# Views: the IR nodes plus what the template needs to know about their place


# Plain tuples, unpacked in the template's loops: a document has thousands of cells.
_CellView = tuple[Markup, tuple[Content, ...], Markup]  # start tag, content, end tag
_RowView = tuple[Markup, list[_CellView]]  # <tr …>, cells


@dataclass(frozen=True, slots=True)
class _TableView:
    table: Table
    widths: tuple[str, ...]  # CSS percentages for <col>
    head: tuple[_RowView, ...]
    bodies: tuple[tuple[_RowView, ...], ...]  # one <tbody> each


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
    blocks: tuple[_HeadingView | Paragraph | _TableView, ...]


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
def _start_tag(tag: str, role: str, vertical: bool, scope: str | None, colspan: int, rowspan: int) -> Markup:
    """A cell's start tag, without id (a form has a few dozen distinct ones)."""
    attrs = f'<{tag} class="{role} vertical"' if vertical else f'<{tag} class="{role}"'
    if scope:
        attrs += f' scope="{scope}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    return Markup(attrs + ">")


@cache
def _row_tag(kind: str, keep_together: bool) -> Markup:
    classes = ([] if kind == "item" else [kind]) + ([] if keep_together else ["split"])
    return Markup(f'<tr class="{" ".join(classes)}">' if classes else "<tr>")


def _with_id(start: Markup, anchor: str | None) -> Markup:
    return Markup(f'{start[:-1]} id="{html.escape(anchor)}">') if anchor else start


def _row_view(row: Row, ids: _Ids, *, head: bool, group_rows: int) -> _RowView:
    """``group_rows``: the rows of this row's <tbody> when the row opens it, else 0.

    Start tags are built here rather than in the template: a template spends a dozen calls on
    each tag's attributes, and a document has thousands of cells."""
    only_headers = all(c.role in _HEADER_ROLES for c in row.cells)
    cells = []
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
        if cell.anchor:
            start = _with_id(start, ids.claim(cell.anchor))
        cells.append((start, cell.content, _END_TAGS[tag]))
    start = _row_tag(row.kind, row.keep_together)
    if row.anchor:
        start = _with_id(start, ids.claim(row.anchor))
    return start, cells


def _table_view(table: Table, ids: _Ids) -> _TableView:
    head = tuple(_row_view(r, ids, head=True, group_rows=0) for r in table.rows[: table.header_rows])
    body = table.rows[table.header_rows :]
    bodies = tuple(
        tuple(
            _row_view(body[k], ids, head=False, group_rows=end - start if k == start else 0)
            for k in range(start, end)
        )
        for start, end in _row_groups(body)
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
# Filters


def _text_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _flow_html(flow: Flow) -> Markup:
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
    return Markup("\n".join(out))


def _css_string(text: str) -> Markup:
    """A CSS string literal (for the printed page header) that cannot end the string or the
    <style> element: everything but letters, digits and a few safe marks is a CSS escape."""
    body = "".join(c if c.isalnum() or c in " 　・（）「」" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{body}"')


@cache
def _environment() -> jinja2.Environment:
    env = html_environment(TEMPLATES)
    env.filters["flow"] = _flow_html
    env.filters["css_string"] = _css_string
    env.tests.update(
        {
            "heading": lambda b: isinstance(b, _HeadingView),
            "table": lambda b: isinstance(b, _TableView),
            "text": lambda c: isinstance(c, TextContent),
            "choice": lambda c: isinstance(c, ChoiceValue),
            "options": lambda c: isinstance(c, Options),
            "checks": lambda c: isinstance(c, CheckGrid),
            "caption": lambda c: isinstance(c, CheckCaption),
        }
    )
    env.globals["css"] = Markup((TEMPLATES / "style.css").read_text(encoding="utf-8"))
    return env


def render(doc: Document) -> bytes:
    parts, hidden_h1 = _part_views(doc)
    page = _environment().get_template("document.html.j2").render(doc=doc, parts=parts, hidden_h1=hidden_h1)
    return page.encode("utf-8")
