"""Markdown writer: the document as CommonMark with GFM pipe tables (``hyoka build --format md``).

For reading a document as plain text, diffing it, and feeding it to other tools (the benchmark
converts it with pandoc). Markdown has no cell spans: a cell spanning columns or rows prints its
content in its first grid cell and leaves the others empty; a line break inside a cell is
``<br>``, as GitHub and pandoc read it. Everything else is text, escaped so that no Markdown or
HTML syntax comes out of the document's own characters.
"""

from __future__ import annotations

import re

from generator.layout.ir import (
    Cell,
    CheckCaption,
    CheckGrid,
    ChoiceValue,
    Content,
    Document,
    Flow,
    Heading,
    Options,
    Para,
    Paragraph,
    Table,
    TextContent,
    check_line,
)

EXTENSION = ".md"

_INLINE = re.compile(r"([\\`*_\[\]<>|&~])")
# what would start a block at the beginning of a line: heading, quote, list item, rule, fence
_LINE_START = re.compile(r"^(\s*)(\d*)([#>+\-=.)~`])", re.M)
_INDENT = "\u3000"  # a nested list item's indent, printed (Markdown would drop spaces)


def _escape(text: str) -> str:
    return _INLINE.sub(r"\\\1", text)


def _guard_lines(text: str) -> str:
    """A backslash before the mark that would make a line a block (「1.」→「1\\.」, 「- 」→「\\- 」)."""

    def guard(m: re.Match[str]) -> str:
        indent, digits, mark = m.groups()
        if digits and mark not in ".)":
            return m.group(0)
        return f"{indent}{digits}\\{mark}"

    return _LINE_START.sub(guard, text)


def _para(para: Para) -> str:
    """One paragraph; its lines keep their breaks (a trailing backslash is a hard break)."""
    runs = []
    for run in para.runs:
        text = "\\\n".join(_escape(line) for line in run.text.split("\n"))
        runs.append(f"**{text}**" if run.strong and text.strip() else text)
    text = "".join(runs)
    if para.marker:
        text = f"{_INDENT * para.level}{_escape(para.marker)} {text}"
    return _guard_lines(text)


def _flow(flow: Flow, bold: bool = False) -> str:
    return "\n\n".join(f"**{_para(p)}**" if bold else _para(p) for p in flow)


# ---------------------------------------------------------------------------
# Tables


def _content_lines(content: Content) -> list[str]:
    if isinstance(content, TextContent):
        lines = []
        for para in content.flow:
            marker = (_INDENT * para.level + para.marker + " ") if para.marker else ""
            lines.extend((marker + para.text).split("\n"))
        return lines
    if isinstance(content, ChoiceValue):
        return [f"[ {content.value or '　'} ]{content.suffix}"]
    if isinstance(content, Options):
        return [content.heading, *content.numbered()]
    if isinstance(content, CheckGrid):
        return [it.text if isinstance(it, CheckCaption) else check_line(it) for it in content.items]
    return []


def _cell(cell: Cell) -> str:
    lines = [line for c in cell.content for line in _content_lines(c)]
    return "<br>".join(_escape(line) for line in lines)


def _table(table: Table) -> str:
    columns = len(table.widths)
    grid: list[list[str]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    for row in table.rows:
        line = [""] * columns
        col = 0
        cells = iter(row.cells)
        while col < columns:
            if pending.get(col, 0) > 0:
                pending[col] -= 1
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            line[col] = _cell(cell)
            for c in range(col, min(col + cell.colspan, columns)):
                if cell.rowspan > 1:
                    pending[c] = cell.rowspan - 1
            col += cell.colspan
        grid.append(line)
    head = grid[: table.header_rows][-1:] if table.header_rows else [[""] * columns]
    body = grid[table.header_rows :]

    def pipe(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    out = []
    if table.caption:
        out += [f"**{_escape(table.caption)}**", ""]
    out.append(pipe(head[0]))
    out.append(pipe(["---"] * columns))
    out += [pipe(r) for r in body]
    return "\n".join(out)


def render(doc: Document) -> bytes:
    blocks: list[str] = []
    for part in doc.parts:
        for block in part.blocks:
            if isinstance(block, Heading):
                blocks.append("#" * min(max(block.level, 1), 6) + " " + _escape(block.text))
            elif isinstance(block, Paragraph):
                text = _flow(block.flow, bold=block.style in ("caption", "title"))
                if text:
                    blocks.append(text)
            elif isinstance(block, Table):
                blocks.append(_table(block))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
