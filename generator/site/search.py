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
from collections.abc import Iterator

from ..layout import ir
from ..records import dataclass
from .names import clean
from .names import page_key as page_key  # a page's name in search/t/

GLOBAL = "HYOKA_SEARCH"  # search.js defines it; the index files call it (file:// pages cannot fetch JSON)


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


class _Folds(dict):
    """Character → its folded form (NFKC, lower case, no white space), computed once per
    character: ``str.translate`` then folds a text at C speed. Records the joining characters
    (marks, half-width dakuten) it meets, whose texts take the unit-by-unit path."""

    joining: set[str] = set()

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _JOINING or unicodedata.category(char).startswith("M"):
            self.joining.add(char)
        folded = _fold(char)
        self[code] = folded
        return folded


def _fold(unit: str) -> str:
    folded = unicodedata.normalize("NFKC", unit).lower()
    return "".join(c for c in folded if not c.isspace())


_FOLDS = _Folds()


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
    folded = text.translate(_FOLDS)
    if not _FOLDS.joining or _FOLDS.joining.isdisjoint(text):
        return folded  # every unit is one character
    return "".join(_fold(unit) for unit in _units(text))


def bigrams(text: str) -> set[str]:
    norm = normalise(text)
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def _collapse(text: str) -> str:
    return " ".join(clean(text).split())


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


# ---------------------------------------------------------------------------
# The index as files loaded in parts (search.js reads them with <script>, as file:// allows)
#
# search/meta.js        the number of gram shards and each page's key (page number → key)
# search/g/<n>.js       the postings of the bigrams whose hash is n (mod the number of shards)
# search/t/<key>-<k>.js a page's items k·CHUNK … k·CHUNK+CHUNK-1: its title and their texts
#
# A query reads meta.js, one shard per distinct bigram and the text files of the results it
# shows, whatever the number of pages. A posting is, for each page holding the bigram, in page
# order and separated by 「.」, the page number and the page's item numbers (count, then gaps),
# every number in base-64 VLQ (5 bits a character, the upper half of the alphabet marks "more
# follows"). A page's part stands alone (its number is not a gap from the page before), so a
# changed page's parts are replaced in place (``splice``) without decoding the others.

CHUNK = 32  # items per text file
SEP = "."  # between the pages' parts of a posting (not a VLQ character)
SHARD_BYTES = 12_000  # the postings aimed at per shard file
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def vlq(number: int) -> str:
    out = []
    while number >= 32:
        out.append(ALPHABET[32 + (number & 31)])
        number >>= 5
    out.append(ALPHABET[number])
    return "".join(out)


_SMALL = [vlq(n) for n in range(4096)]  # most gaps: a look-up instead of a call


def _vlq_fast(number: int) -> str:
    return _SMALL[number] if number < 4096 else vlq(number)


def page_postings(page_items: list[Item]) -> dict[str, str]:
    """Bigram → the page's item numbers holding it (count, first, gaps), VLQ-encoded."""
    local: dict[str, list[int]] = {}
    for number, item in enumerate(page_items):
        norm = normalise(item.text)
        for gram in {a + b for a, b in zip(norm, norm[1:], strict=False)}:
            found = local.get(gram)
            if found is None:
                local[gram] = [number]
            else:
                found.append(number)
    small = _SMALL
    out = {}
    for gram in sorted(local):
        numbers = local[gram]
        previous = 0
        parts = [_vlq_fast(len(numbers))]
        for n in numbers:
            gap = n - previous
            parts.append(small[gap] if gap < 4096 else vlq(gap))
            previous = n
        out[gram] = "".join(parts)
    return out


def shard_of(gram: str, shards: int) -> int:
    """FNV-1a over the UTF-16 code units, as search.js computes it."""
    h = 0x811C9DC5
    data = gram.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return h % shards


class Postings:
    """Every page's postings merged, page by page in page order, as compact byte strings."""

    def __init__(self) -> None:
        self.grams: dict[str, bytearray] = {}
        self.size = 0  # the postings' bytes, separators included

    def add(self, page: int, postings: dict[str, str]) -> None:
        grams = self.grams
        head = _vlq_fast(page)
        size = 0
        for gram, local in postings.items():
            piece = (head + local).encode("ascii")
            buf = grams.get(gram)
            if buf is None:
                grams[gram] = bytearray(piece)
            else:
                buf += b"."
                buf += piece
                size += 1
            size += len(piece)
        self.size += size

    def shard_count(self) -> int:
        return shard_count(self.size)

    def shards(self) -> Iterator[tuple[int, bytes]]:
        """(shard number, file bytes) for every shard, empty ones too (search.js asks for any)."""
        count = self.shard_count()
        members: list[list[str]] = [[] for _ in range(count)]
        for gram in self.grams:
            members[shard_of(gram, count)].append(gram)
        for number, grams in enumerate(members):
            yield number, shard_file(number, {g: self.grams[g].decode("ascii") for g in grams})


def shard_count(size: int) -> int:
    """Shards for postings of ``size`` bytes: a power of two, about SHARD_BYTES each."""
    count = 1
    while count * SHARD_BYTES < size:
        count *= 2
    return count


def _head(part: str) -> int:
    """The page number a posting's part starts with."""
    number, shift = 0, 0
    for char in part:
        v = ALPHABET.index(char)
        if v < 32:
            return number + (v << shift)
        number += (v - 32) << shift
        shift += 5
    raise ValueError(f"a posting's part without its page number: {part!r}")


def splice(posting: str, changes: dict[int, str | None]) -> str:
    """``posting`` with each changed page's part made ``local`` (its item numbers, as
    ``page_postings`` gives them), or removed (None), in one pass: the posting is split and joined
    once, and the other pages' parts are found by their page numbers alone (a binary search),
    not decoded."""
    parts = posting.split(SEP) if posting else []
    for page in sorted(changes, reverse=True):  # from the end: the places before stay put
        local = changes[page]
        lo, hi = 0, len(parts)
        while lo < hi:
            mid = (lo + hi) // 2
            if _head(parts[mid]) < page:
                lo = mid + 1
            else:
                hi = mid
        found = lo < len(parts) and _head(parts[lo]) == page
        if local is None:
            if found:
                del parts[lo]
        elif found:
            parts[lo] = vlq(page) + local
        else:
            parts.insert(lo, vlq(page) + local)
    return SEP.join(parts)


def read_shard(data: bytes, number: int) -> dict[str, str]:
    """The postings in a shard file's bytes (as ``shards`` wrote them)."""
    prefix = f"{GLOBAL}.grams({json.dumps(number)},".encode()
    if not data.startswith(prefix) or not data.endswith(b");\n"):
        raise ValueError(f"search/g/{number}.js is not a shard file")
    return json.loads(data[len(prefix) : -3])


def shard_file(number: int, grams: dict[str, str]) -> bytes:
    return _call("grams", number, {g: grams[g] for g in sorted(grams)})


def text_files(key: str, page: Page, page_items: list[Item]) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of the page's item texts, CHUNK items a file."""
    for k in range(0, max(1, len(page_items)), CHUNK):
        name = f"{key}-{k // CHUNK}"
        body = {
            "page": [page.href, clean(page.title), clean(page.organisation)],
            "items": [[i.anchor, i.label, i.text] for i in page_items[k : k + CHUNK]],
        }
        yield f"{name}.js", _call("texts", name, body)


def meta(shards: int, keys: list[str]) -> bytes:
    return _call("meta", 0, {"v": 2, "shards": shards, "chunk": CHUNK, "pages": keys})


def _call(method: str, name: int | str, body: object) -> bytes:
    """``HYOKA_SEARCH.<method>(name, body);`` (deterministic bytes)."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a <script> element in an inline copy; U+2028/9 are line ends in old JS
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{GLOBAL}.{method}({json.dumps(name)},{text});\n".encode()
