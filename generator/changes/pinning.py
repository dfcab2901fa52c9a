"""Block references in （別添２） rows: pinned to the version each side printed.

A changed item whose text uses shared blocks goes into ``9_変更箇所.yaml`` as its source parts —
the author's Markdown and ``{block: id, version: v}`` — rather than as a copy of the standard
text: the team keeps no standard text verbatim in the sources, and a pinned reference prints the
text as it stood on the change date (see ``generator.blocks``). Where a pinned reference would not
print the same text with the working tree's blocks (a version since removed), the row keeps the
printed text instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..blocks.library import Library, load_library, sources_root
from ..blocks.resolve import resolve
from ..blocks.usage import used_version
from ..diagnostics import Reporter
from ..layout.builder import BlockText, Builder
from ..layout.items import PrintedItem, flow_plain
from ..model import Assessment, BlockRef, Text
from ..records import replace


def has_blocks(text: Text | None) -> bool:
    return text is not None and any(isinstance(p, BlockRef) for p in text.parts)


def library_of(folder: Path) -> Library:
    """The blocks an assessment folder sees (its problems were reported when it was loaded)."""
    return load_library(sources_root(folder), Reporter())


def pin(text: Text, library: Library) -> Text:
    parts = []
    for part in text.parts:
        if isinstance(part, BlockRef):
            block = library.get(part.id)
            version = used_version(part, block) if block is not None else None
            if version is not None:
                part = replace(part, version=version.version)
        parts.append(part)
    return Text(tuple(parts), text.loc)


def pinned(items: list[PrintedItem], library: Library) -> list[PrintedItem]:
    """The items with every block reference in their source naming the version printed."""
    return [replace(it, source=pin(it.source, library)) if has_blocks(it.source) else it for it in items]  # type: ignore[arg-type]


def block_text(library: Library) -> BlockText:
    """Any reference's text from ``library`` (not only the assessment's own references)."""

    def text(ref: BlockRef) -> str:
        rendered = resolve(ref, library, Reporter())
        if rendered is None:
            raise LookupError(ref.id)
        return rendered

    return text


def printer(assessment: Assessment, folder: Path) -> Callable[[Text], str]:
    """How a text with any pinned reference prints with the working tree's blocks."""
    builder = Builder(assessment, block_text(library_of(folder)))
    return lambda text: flow_plain(builder.flow(text))
