"""Reading a printed assessment back (pdftotext) and checking it prints like the form (issue 12).

Each check returns the offending places, so a failing test names them; none knows the form: the
options, headings and cell widths come from the layout IR.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator.layout import ir
from generator.writers.xlsx_metrics import text_em
from tests.office import require

CLOSING = "。、）」』"
_SPACE = re.compile(r"\s+")
_FURNITURE = re.compile(r"^\d+ / \d+$")


def squash(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def pdf_layout_pages(pdf: Path) -> list[str]:
    """The text of each page as pdftotext lays it out (-layout keeps columns side by side)."""
    out = subprocess.run(
        [require("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_lines(pdf: Path) -> list[str]:
    """Printed lines in reading order (raw pdftotext): a cell's lines stay apart from its neighbours'."""
    out = subprocess.run(
        [require("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.replace("\f", "\n").split("\n") if line.strip()]


@dataclass(frozen=True)
class OptionBox:
    options: tuple[str, ...]  # numbered, as printed
    width_em: float  # the cell's width in ems of the body text


def option_boxes(doc: ir.Document, em_per_percent: float) -> list[OptionBox]:
    """Every ＜選択肢＞ box with the width of its cell (``em_per_percent``: ems of body text in 1 %
    of a table's width)."""
    boxes = []
    for part in doc.parts:
        for block in part.blocks:
            if not isinstance(block, ir.Table):
                continue
            for row in block.rows:
                col = 0
                for cell in row.cells:
                    width = sum(block.widths[col : col + cell.colspan])
                    col += cell.colspan
                    for content in cell.content:
                        if isinstance(content, ir.Options):
                            boxes.append(OptionBox(tuple(content.numbered()), width * em_per_percent))
    return boxes


def split_options(boxes: list[OptionBox], lines: list[str], slack_em: float = 2.0) -> list[str]:
    """Options that fit their cell on one line but are not printed whole on one line."""
    squashed = [squash(line) for line in lines]
    missing = []
    for box in boxes:
        for option in box.options:
            if text_em(option) > box.width_em - slack_em:
                continue  # longer than its cell is wide: it must wrap
            needle = squash(option)
            if not any(needle in line for line in squashed):
                missing.append(option)
    return sorted(set(missing))


_SEGMENT_START = re.compile(r"(?:^|(\S?)\s{2,}|^\s+)([" + CLOSING + "])")


def lines_starting_with_closing(pages: list[str]) -> list[str]:
    """Printed lines (in -layout text, a cell's line is a segment set apart by 2+ spaces) that begin
    with a closing mark. An empty field 「（　　）」 prints its 「）」 after spaces; that is no line start."""
    bad = []
    for page in pages:
        for line in page.split("\n"):
            for match in _SEGMENT_START.finditer(line):
                if match.group(1) not in ("（", "("):
                    bad.append(line.strip())
                    break
    return bad


def heading_texts(doc: ir.Document) -> set[str]:
    """The squashed text of every sub heading and heading/group row (kept with what follows).
    Part titles are left out: a part starts a page, and the cover lists them. A heading over a row
    that prints nothing (anywhere in the document) cannot be told from a stranded one: left out."""
    texts, blank = set(), set()
    for part in doc.parts:
        for block in part.blocks:
            if isinstance(block, ir.Heading) and block.level > 2:
                texts.add(squash(block.text))
            elif isinstance(block, ir.Table):
                rows = block.rows
                for row, after in zip(rows, rows[1:], strict=False):
                    # a heading over a row that prints nothing cannot be told from a stranded one
                    if row.kind in ("heading", "group"):
                        text = squash(" ".join(c.text() for c in row.cells))
                        filled = squash(" ".join(c.text() for c in after.cells))
                        (texts if filled else blank).add(text)
    return texts - blank - {""}


def part_titles(doc: ir.Document) -> set[str]:
    return {squash(b.text) for part in doc.parts for b in part.blocks if isinstance(b, ir.Heading)}


def _body(page: str, running: str) -> list[str]:
    return [
        squash(line)
        for line in page.split("\n")
        if squash(line) and not _FURNITURE.match(line.strip()) and squash(line) != running
    ]


def pages_ending_with_heading(pages: list[str], doc: ir.Document) -> list[int]:
    """Pages (1-based) whose last printed body line is a heading row, unless the heading ends its
    part (the next page opens a new part: its rows below print empty). The running head and page
    number are not body lines."""
    headings, titles, running = heading_texts(doc), part_titles(doc), squash(doc.name)
    bad = []
    bodies = [_body(page, running) for page in pages]
    for number, body in enumerate(bodies[:-1], 1):
        following = bodies[number]
        if body and body[-1] in headings and not (following and following[0] in titles):
            bad.append(number)
    return bad
