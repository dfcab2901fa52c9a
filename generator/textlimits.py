"""Lengths the outputs can hold, checked with the sources so that ``check`` passing means ``build``
succeeds: an item's text is printed in one Excel cell, which holds at most 32,767 characters
(Excel repairs, that is truncates, a file with a longer one)."""

from __future__ import annotations

from collections.abc import Iterator

from . import records
from .diagnostics import Location, Reporter
from .model import Assessment, BlockRef, Checks, Record, Text

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from .blocks.resolve import Resolved

CELL_LIMIT = 32_767


def fits(text: Text, label: str, reporter: Reporter) -> Text:
    """``text`` as read; an error when its own parts are too long for a cell already."""
    size = sum(len(p) for p in text.parts if isinstance(p, str))
    if size > CELL_LIMIT:
        _too_long(text.loc, label, size, reporter)
    return text


def check_lengths(assessment: Assessment, resolved: Resolved, reporter: Reporter) -> None:
    """Texts with block references, once the references are rendered (the others: ``fits``)."""
    for loc, label, size in _sizes(assessment, resolved):
        if size > CELL_LIMIT:
            _too_long(loc, label, size, reporter)


def _too_long(loc: Location, label: str, size: int, reporter: Reporter) -> None:
    reporter.error(
        loc,
        label,
        f"文章が長すぎます（{size:,} 文字。共通記載ブロックの本文も含め、1 つの項目は {CELL_LIMIT:,} 文字まで"
        "です。Excel のセルに入る長さの上限）。文章を短くするか、別の項目に分けてください。",
    )


def _sizes(assessment: Assessment, resolved: Resolved) -> Iterator[tuple[Location, str, int]]:
    stack: list[object] = [assessment.sections, assessment.files, assessment.changes]
    while stack:
        node = stack.pop()
        if isinstance(node, Text):
            refs = [p for p in node.parts if isinstance(p, BlockRef)]
            if refs:
                size = sum(
                    len(p) if isinstance(p, str) else len(resolved.texts.get(p, "")) for p in node.parts
                )
                yield node.loc, refs[0].label, size
        elif isinstance(node, Checks):
            for option, detail in node.checked:
                yield node.loc, option, len(detail or "")
        elif isinstance(node, Record):
            stack.extend(node.values.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, str | Location):  # a place holds no text
            continue
        elif records.is_record(node) and not isinstance(node, type):
            stack.extend([getattr(node, f.name) for f in records.fields(node)])
