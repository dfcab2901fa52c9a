"""Search across the assessments: a character-bigram inverted index, built at site time.

Japanese has no spaces between words, so words cannot be split out; every two consecutive
characters are indexed instead. A query of two or more characters looks up its bigrams, keeps
the items that have all of them, and then checks that the query really stands in the item's
text (the bigrams of 「委託先」 may stand apart). Text and query are normalised the same way
here and in ``templates/site/search.js``: NFKC, lower case, white space removed, character by
character (a character with its combining marks), so 全角/半角 and line breaks inside a word do not
matter.

An item is one row of a form table (its id from the layout IR), or one paragraph of a part
without rows (（別添１）), linked to its part. Only what the assessment says is indexed: the
printed ＜選択肢＞ lists and unchecked boxes are the form's, in every assessment alike.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from ..layout import ir

GLOBAL = "HYOKA_SEARCH"  # the script sets window.HYOKA_SEARCH (file:// pages cannot fetch JSON)


@dataclass(frozen=True)
class Item:
    page: int  # index into the pages list
    anchor: str  # element id on the page
    label: str  # where: part and item label
    text: str  # what it says, white space collapsed


@dataclass(frozen=True)
class Page:
    href: str  # relative to the site root
    title: str  # 評価書名
    organisation: str  # 評価実施機関名


_JOINING = ("\uff9e", "\uff9f")  # half-width (han)dakuten: letters to NFKC, but they join the kana before


def _units(text: str) -> list[str]:
    """Characters with the marks that follow them (「ｶﾞ」, 「か」+U+3099): NFKC composes those."""
    units: list[str] = []
    for char in text:
        if units and (char in _JOINING or unicodedata.category(char).startswith("M")):
            units[-1] += char
        else:
            units.append(char)
    return units


def normalise(text: str) -> str:
    """Unit by unit (see ``_units``), exactly as search.js does it."""
    out = []
    for unit in _units(text):
        folded = unicodedata.normalize("NFKC", unit).lower()
        out.append("".join(c for c in folded if not c.isspace()))
    return "".join(out)


def bigrams(text: str) -> set[str]:
    norm = normalise(text)
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _content_text(content: ir.Content) -> str:
    if isinstance(content, ir.TextContent):
        return ir.flow_text(content.flow)
    if isinstance(content, ir.ChoiceValue):
        return content.value or ""
    if isinstance(content, ir.CheckGrid):
        return " ".join(
            f"{i.label} {i.detail or ''}" for i in content.items if isinstance(i, ir.CheckItem) and i.checked
        )
    return ""  # ir.Options: the form's own list of choices


def _cell_text(cell: ir.Cell) -> str:
    return _collapse(" ".join(_content_text(c) for c in cell.content))


def items(doc: ir.Document, page: int) -> list[Item]:
    """The searchable items of one document, in document order."""
    found: list[Item] = []
    for part in doc.parts:
        where = part.short_title
        heading = ""
        for block in part.blocks:
            if isinstance(block, ir.Paragraph):
                text = _collapse(ir.flow_text(block.flow))
                if text:
                    found.append(Item(page, part.id, where, text))
                continue
            if not isinstance(block, ir.Table):
                continue
            for row in block.rows:
                if not row.anchor:
                    continue
                labels = [
                    _cell_text(c) for c in row.cells if c.role in ("label", "sublabel", "group", "heading")
                ]
                if row.kind == "heading":
                    heading = " ".join(labels)
                    label = f"{where} › {heading}"
                else:
                    label = " › ".join(x for x in (where, heading, " ".join(labels)) if x)
                text = _collapse(" ".join(_cell_text(c) for c in row.cells))
                if text:
                    found.append(Item(page, row.anchor, label, text))
    return found


def index(pages: list[Page], all_items: list[Item]) -> dict[str, object]:
    """The index as plain data: pages, items, and for each bigram the items holding it."""
    postings: dict[str, list[int]] = {}
    for number, item in enumerate(all_items):
        for gram in sorted(bigrams(item.text)):
            postings.setdefault(gram, []).append(number)
    return {
        "pages": [[p.href, p.title, p.organisation] for p in pages],
        "items": [[i.page, i.anchor, i.label, i.text] for i in all_items],
        "grams": {g: _deltas(postings[g]) for g in sorted(postings)},
    }


def _deltas(numbers: list[int]) -> list[int]:
    """Ascending item numbers as gaps (smaller JSON); search.js adds them up again."""
    return [b - a for a, b in zip([0, *numbers], numbers, strict=False)]


def script(data: dict[str, object]) -> bytes:
    """The index as a script that sets ``window.HYOKA_SEARCH`` (deterministic bytes)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # "</" cannot end a <script> element in an inline copy; U+2028/9 are line ends in old JS
    body = body.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL}={body};\n".encode()
