"""How much of a published assessment's text a rendered output reproduces (the project's own
measure; ported from the team's ``tools/fidelity.py`` so that the suite needs nothing beside it).

Usage: ``python -m tests.fidelity REFERENCE.txt OUTPUT [OUTPUT ...] [--min 0.99] [--show 20]``

REFERENCE is a plain-text extraction of a published assessment (``tests/reference/seeds/``).
OUTPUT is a rendered .html, .docx or .xlsx file, or a folder of them (their texts are joined).

The reference is cut into units (its lines and tab-separated cells, further cut after each
「。」); each unit and the output are normalised the same way (NFKC, no white space, no layout
marks such as brackets and check-box glyphs, HTML tags of the extraction removed).

recall    = characters of reference units found verbatim in the output / all unit characters
precision = characters of output blocks (table cells, paragraphs) found in the reference
            / all output block characters

A text-fidelity measure, not a layout one: it says nothing about cell geometry, fonts or pages.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

MIN_UNIT = 6  # shorter units are mostly layout debris ("[ ○", "）件")

_TAGS = re.compile(r"</?(?:p|div|ul|ol|li|input|br|span|table|tr|td|th|b|i|u|strong|em)\b[^>]*>", re.I)
_LAYOUT = re.compile(r"[\s\[\]［］【】()（）<>＜＞○〇◯●◎□■☐☑✓✔|｜\"'“”‘’、,，.．。:：;；]")
_DASHES = str.maketrans(dict.fromkeys("－—–―‐ｰ−", "-"))
_NOISE = ("[illegible]",)


def normalise(text: str) -> str:
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return _LAYOUT.sub("", text)


def reference_units(raw: str) -> list[str]:
    raw = _TAGS.sub("\n", raw)
    for noise in _NOISE:
        raw = raw.replace(noise, "\n")
    units: list[str] = []
    for line in raw.replace("\t", "\n").splitlines():
        for piece in re.split(r"(?<=。)", line):
            unit = normalise(piece)
            if len(unit) >= MIN_UNIT:
                units.append(unit)
    return units


class _Blocks(HTMLParser):
    BLOCK = {
        *("td", "th", "p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("caption", "dt", "dd", "br", "tr", "section", "table"),
    }
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = [""]
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCK:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.blocks[-1] += data


def html_blocks(path: Path) -> list[str]:
    parser = _Blocks()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.blocks


def docx_blocks(path: Path) -> list[str]:
    import docx  # python-docx

    document = docx.Document(str(path))
    blocks: list[str] = []

    def walk(container: Any) -> None:
        for paragraph in container.paragraphs:
            blocks.append(paragraph.text)
        for table in container.tables:
            for row in table.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    walk(cell)

    walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            walk(part)
    return blocks


def xlsx_blocks(path: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    blocks: list[str] = []
    for sheet in book.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue  # hyoka's hidden option lists: never printed
        for row in sheet.iter_rows(values_only=True):
            blocks.extend(str(v) for v in row if v not in (None, ""))
    return blocks


READERS: dict[str, Callable[[Path], list[str]]] = {
    ".html": html_blocks,
    ".htm": html_blocks,
    ".docx": docx_blocks,
    ".xlsx": xlsx_blocks,
}


def output_blocks(paths: list[Path]) -> list[str]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in READERS))
        else:
            files.append(path)
    if not files:
        raise ValueError("fidelity: no .html, .docx or .xlsx output found")
    blocks: list[str] = []
    for file in files:
        reader = READERS.get(file.suffix.lower())
        if reader is None:
            raise ValueError(f"fidelity: cannot read {file} (want .html, .docx or .xlsx)")
        blocks.extend(reader(file))
    return blocks


def measure(reference: str, blocks: list[str]) -> tuple[float, float, list[str]]:
    units = reference_units(reference)
    text = "".join(normalise(b) for b in blocks)
    found = [u for u in units if u in text]
    missing = [u for u in units if u not in text]
    recall = sum(map(len, found)) / max(1, sum(map(len, units)))

    ref_text = normalise(_TAGS.sub("", reference))
    out_units = [n for n in (normalise(b) for b in blocks) if len(n) >= MIN_UNIT]
    hit = sum(len(u) for u in out_units if u in ref_text)
    precision = hit / max(1, sum(map(len, out_units)))
    return recall, precision, missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("reference", type=Path)
    ap.add_argument("outputs", type=Path, nargs="+")
    ap.add_argument("--min", type=float, default=0.99, help="lowest passing recall (default 0.99)")
    ap.add_argument("--show", type=int, default=15, help="how many missing units to list")
    args = ap.parse_args(argv)

    reference = args.reference.read_text(encoding="utf-8")
    recall, precision, missing = measure(reference, output_blocks(args.outputs))
    missing.sort(key=len, reverse=True)
    for unit in missing[: args.show]:
        print(f"missing: {unit[:120]}")
    if len(missing) > args.show:
        print(f"... and {len(missing) - args.show} more missing units")
    print(f"recall {recall:.4f}  precision {precision:.4f}  ({args.reference.name})")
    return 0 if recall >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
