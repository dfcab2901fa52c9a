"""The document's items as printed (labels, ※, text) for the rules that compare texts.

Block references print with the working tree's library; a reference that does not resolve prints
as nothing here (its error is reported by the block checks, once).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache

from ..blocks.library import Library, load_library, sources_root
from ..layout.builder import Builder
from ..layout.items import PrintedItem, flow_plain, printed_items
from ..model import Assessment, BlockRef, Text

_last: list[tuple[Assessment, Printed]] = []  # the rules of one run share one walk of the document
# the block texts load_all resolved for the assessment its rules check (``blocks_resolved``)
_resolved: list[tuple[Assessment, Mapping[BlockRef, str]]] = []


@contextmanager
def blocks_resolved(a: Assessment, texts: Mapping[BlockRef, str]) -> Iterator[None]:
    """Inside, the walk of ``a`` prints its block references with ``texts`` (references that
    resolved, as the load resolved them) rather than resolving every one again."""
    _resolved[:] = [(a, texts)]
    try:
        yield
    finally:
        _resolved.clear()


def printed(a: Assessment) -> Printed:
    """The printed items of ``a``, walked once for all the rules that need them."""
    if _last and _last[0][0] is a:
        return _last[0][1]
    _last[:] = [(a, Printed(a))]
    return _last[0][1]


class Printed:
    """Printed items of one assessment and a printer for other texts (（別添２） cells)."""

    def __init__(self, a: Assessment) -> None:
        self.folder = a.folder
        self._library: Library | None = None
        self._texts = _resolved[0][1] if _resolved and _resolved[0][0] is a else {}
        self.builder = Builder(a, self.block_text)
        self.items: list[PrintedItem] = printed_items(a, self.block_text)

    def block_text(self, ref: BlockRef) -> str:
        """A reference's text as printed; one that does not resolve prints as nothing."""
        text = self._texts.get(ref)
        if text is not None:
            return text
        from ..blocks.resolve import resolve
        from ..diagnostics import Reporter

        if self._library is None:
            # only the blocks asked for are read; their problems are reported by the load
            self._library = load_library(sources_root(self.folder), Reporter(), lazy=True)
        return resolve(ref, self._library, Reporter()) or ""

    def text(self, value: Text | None) -> str:
        return flow_plain(self.builder.flow(value)) if value is not None else ""

    def by_path(self) -> dict[str, list[PrintedItem]]:
        """Items by normalised path; an item of a per-file section also under its path without
        the file's name, since a one-file document's rows do not name it."""
        out: dict[str, list[PrintedItem]] = {}
        for it in self.items:
            for key in {path_key(it.label), path_key(re.sub(r"（[^（）]*ファイル[^（）]*）", "", it.label))}:
                out.setdefault(key, []).append(it)
        return out


_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ"}


@lru_cache(maxsize=4096)
def path_key(label: str) -> str:
    """An item path as written in （別添２） rows, reduced to what identifies it: NFKC, no spaces,
    no heading numbers (「2.」「２．」「6」), no section numeral, no trailing box characters."""
    text = unicodedata.normalize("NFKC", label).strip()
    text = re.sub(r"^(III|II|IV|V|I|Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|[1-5])(?=[\s\u3000]|[^\sA-Za-z0-9])", "", text)
    text = re.sub(r"(?<![0-9])[0-9]{1,2}\s*\.+", "", text)  # 「2.」「10.」 heading numbers
    text = re.sub(r"(?<=\s)[0-9]{1,2}(?=\s)", "", f" {text} ")  # 「6 基本情報」
    text = re.sub(r"[\s□口()（）]", "", text)
    return text


def normal_text(text: str) -> str:
    """Texts compared as printed, ignoring width, spaces and line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
