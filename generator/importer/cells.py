"""Any input document as rows of text cells in reading order, each cell knowing where it came from.

The importer finds items by the form's own labels, so every kind of input is reduced to the one
shape the matcher reads: rows (a table row, a sheet row, a line of a text extraction) of cells
(the text of one table cell, left to right). Merged cells appear once, at their first position.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from ..records import dataclass


class ImportInputError(Exception):
    """The input cannot be read as a document (corrupt, encrypted, another kind, no text)."""


@dataclass(frozen=True)
class Cell:
    text: str
    where: str  # 「Ⅱ 概要!H35」, 「表 3 の 5 行目」, 「12 行目」: for the review list
    col: int = 0  # column in the row's grid: lines a value up with the header above it


Row = list[Cell]

SUPPORTED = (".xlsx", ".xlsm", ".docx", ".pdf", ".txt", ".html", ".htm")


def read_rows(path: Path) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ImportInputError(
            f"「{path.name}」は取り込めない種類のファイルです。取り込めるのは {'、'.join(SUPPORTED)} です。"
        )
    if not path.is_file():
        raise ImportInputError(f"「{path}」がありません（ふつうのファイルを指定してください）。")
    if suffix in (".xlsx", ".xlsm", ".docx"):
        _check_zip(path)
    readers = {
        ".xlsx": _xlsx,
        ".xlsm": _xlsx,
        ".docx": _docx,
        ".pdf": _pdf,
        ".txt": _text,
        ".html": _text,
        ".htm": _text,
    }
    rows = readers[suffix](path)
    # writers keep an option's words together with no-break spaces: they are spaces to the form
    rows = [
        [Cell(c.text.replace("\xa0", " "), c.where, c.col) for c in row if c.text.strip()] for row in rows
    ]
    rows = [row for row in rows if row]
    if not rows:
        raise ImportInputError(
            f"「{path.name}」から文字を読み取れませんでした（空のファイルか、文字のない画像だけの PDF です）。"
        )
    return rows


def _check_zip(path: Path) -> None:
    # Office files are zip packages; an encrypted workbook is an OLE compound file instead.
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportInputError(
            f"「{path.name}」はパスワードで保護されているか、古い形式（.xls/.doc）です。"
            "保護を外して .xlsx / .docx で保存し直してから取り込んでください。"
        )
    if not zipfile.is_zipfile(path):
        raise ImportInputError(f"「{path.name}」は壊れているか、{path.suffix} のファイルではありません。")


def _xlsx(path: Path) -> list[Row]:
    import openpyxl

    try:
        # read-only: no styles or merge bookkeeping (10 s for a 300-row form otherwise)
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise ImportInputError(f"「{path.name}」を Excel のブックとして読めませんでした（{exc}）。") from None
    rows: list[Row] = []
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue  # a helper sheet (hyoka's option lists), not part of the printed form
        for row in ws.iter_rows():
            cells = [
                Cell(_cell_text(c.value), f"{ws.title}!{c.coordinate}", c.column)
                for c in row
                if c.value is not None
            ]
            rows.append(cells)
    wb.close()
    return rows


def _cell_text(value: object) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    return str(value).replace("\r\n", "\n")


def _docx(path: Path) -> list[Row]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise ImportInputError(f"「{path.name}」を Word の文書として読めませんでした（{exc}）。") from None
    rows: list[Row] = []
    n_table = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(block, document).text
            rows.append([Cell(text, f"本文の段落（表 {n_table} の後）")])
        elif tag == "tbl":
            n_table += 1
            _docx_table(Table(block, document), n_table, rows)
    return rows


def _docx_table(table, n_table: int, rows: list[Row]) -> None:  # noqa: ANN001 - python-docx type
    for r, row in enumerate(table.rows, 1):
        cells: Row = []
        seen: list[object] = []  # the row's cell elements read so far (kept alive: identity compares)
        for c, cell in enumerate(row.cells, 1):
            tc = cell._tc
            # a merged cell repeats across the columns it spans, and python-docx hands the cell
            # of a vertical merge to every row it spans: read each once, in its own row
            if tc.getparent() is not row._tr or any(tc is x for x in seen):
                continue
            seen.append(tc)
            if cell.tables:  # a check-box grid nested in the value cell
                texts = ["\n".join(p.text for p in cell.paragraphs if p.text.strip())]
                for inner in cell.tables:
                    for irow in inner.rows:
                        texts.append("\u3000".join(ic.text for ic in irow.cells if ic.text.strip()))
                text = "\n".join(t for t in texts if t)
            else:
                # a paragraph of the cell is a paragraph of the text; line breaks stay in p.text
                text = "\n\n".join(p.text for p in cell.paragraphs)
            cells.append(Cell(text, f"表 {n_table} の {r} 行 {c} 列", c))
        rows.append(cells)


def _pdf(path: Path) -> list[Row]:
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ImportInputError(
            "PDF の取り込みには pdfplumber が必要です（pip install pdfplumber）。"
        ) from None
    pages: list[list[tuple[float, list[Row], str]]] = []  # per page: (top, rows, running-text key)
    try:
        with pdfplumber.open(str(path)) as pdf:
            for p, page in enumerate(pdf.pages, 1):
                tables = page.find_tables()
                outside = page
                for t in tables:
                    outside = outside.outside_bbox(t.bbox)
                pieces: list[tuple[float, list[Row], str]] = []
                for line in outside.extract_text_lines():
                    text = line["text"]
                    pieces.append((line["top"], [[Cell(text, f"{p} ページ")]], _running_key(text)))
                words = page.extract_words() if tables else []  # once a page, for every table
                for t in tables:
                    pieces += _table_pieces(words, t, p)
                pages.append(sorted(pieces, key=lambda x: x[0]))
    except ImportInputError:
        raise
    except Exception as exc:
        raise ImportInputError(f"「{path.name}」を PDF として読めませんでした（{exc}）。") from None
    # running heads and page numbers: the same line (numbers aside) outside the tables of most pages
    counts: dict[str, int] = {}
    for pieces in pages:
        for key in {k for _, _, k in pieces if k}:
            counts[key] = counts.get(key, 0) + 1
    running = {k for k, n in counts.items() if len(pages) >= 3 and n * 2 >= len(pages)}
    return [row for pieces in pages for _, rows, key in pieces if key not in running for row in rows]


def _table_pieces(words: list[dict], table, p: int) -> list[tuple[float, list[Row], str]]:  # noqa: ANN001 - pdfplumber's
    """A table's rows, each at its top, with the text inside the table that no cell holds: where
    a rule line is missing (a row printed without its right border, a cell without its top)
    pdfplumber finds no cell there, and that text would be lost. Such text joins the row beside
    it, in the column it stands in, or else comes as a row of its own at its place."""
    rows = [
        [Cell(text, f"{p} ページの表の {r} 行", c) for c, text in enumerate(row) if text is not None]
        for r, row in enumerate(table.extract(), 1)
    ]
    spans = [_span(row.cells) for row in table.rows]
    columns = sorted({cell[0] for cell in table.cells})
    pieces: list[tuple[float, list[Row], str]] = []
    joined: dict[tuple[int, int], list[str]] = {}  # (row, column) → its lines, as extract() joins a cell's
    for top, bottom, x0, text in _orphan_lines(words, table):
        middle = (top + bottom) / 2
        # the last row whose span holds it: a cell merged down stretches the rows above over it
        at = max((i for i, (t, b) in enumerate(spans) if t <= middle <= b), default=None)
        col = max((c for c, x in enumerate(columns) if x <= x0 + 1), default=0)
        if at is None:
            pieces.append((top, [[Cell(text, f"{p} ページの表の罫線の外れた行", col)]], ""))
        else:
            joined.setdefault((at, col), []).append(text)
    for (at, col), lines in joined.items():
        cell = Cell("\n".join(lines), f"{p} ページの表の {at + 1} 行", col)
        rows[at] = sorted([*rows[at], cell], key=lambda c: c.col)
    pieces += [(spans[i][0], [row], "") for i, row in enumerate(rows)]
    return pieces


def _span(cells: list) -> tuple[float, float]:  # noqa: ANN001 - pdfplumber's cell boxes
    boxes = [c for c in cells if c is not None]
    return min(b[1] for b in boxes), max(b[3] for b in boxes)


def _orphan_lines(page_words: list[dict], table) -> list[tuple[float, float, float, str]]:  # noqa: ANN001
    """Lines of the page's words inside ``table``'s box that lie in none of its cells: (top,
    bottom, left, text), a gap wider than two characters starting a new piece of the line."""
    left, top, right, bottom = table.bbox

    def orphan(word: dict) -> bool:
        x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        if not (left <= x <= right and top <= y <= bottom):
            return False
        return not any(c[0] <= x <= c[2] and c[1] <= y <= c[3] for c in table.cells)

    words = [w for w in page_words if orphan(w)]
    rows: list[list[dict]] = []  # words on one line: tops within half a character
    for word in sorted(words, key=lambda w: w["top"]):
        if rows and abs(rows[-1][0]["top"] - word["top"]) < (word["bottom"] - word["top"]) / 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines: list[list[dict]] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        lines.append([row[0]])
        for word in row[1:]:
            size = word["bottom"] - word["top"]
            if word["x0"] - lines[-1][-1]["x1"] < 2 * size:
                lines[-1].append(word)
            else:
                lines.append([word])
    return [
        (line[0]["top"], max(w["bottom"] for w in line), line[0]["x0"], " ".join(w["text"] for w in line))
        for line in lines
    ]


def _running_key(text: str) -> str:
    return re.sub(r"[0-9０-９]+", "#", re.sub(r"\s+", "", text))


_TAG = re.compile(r"<[^>]*>")
_CHECKBOX = re.compile(r"<input\b[^>]*type=\"?checkbox\"?[^>]*>", re.I)
_PARAGRAPH_END = re.compile(r"</p\s*>", re.I)
_BREAKS = re.compile(r"</?(?:p|div|br|li|tr)\b[^>]*>", re.I)
_CHOICES_MARK = re.compile(r"<選択肢>")


def _text(path: Path) -> list[Row]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportInputError(
            f"「{path.name}」の文字コードを読めません（UTF-8 か Shift_JIS で保存してください）。"
        )
    if "\x00" in text:
        raise ImportInputError(f"「{path.name}」は文章のファイルではありません。")
    rows: list[Row] = []
    # cells: tab-separated, or (PDF text laid out in columns) separated by a run of 2+ spaces
    splitter = re.compile(r"\t" if "\t" in text else r"(?<=\S) {2,}(?=\S)")
    for n, line in enumerate(text.splitlines(), 1):
        rows.append(
            [Cell(_strip_markup(cell), f"{n} 行目", c) for c, cell in enumerate(splitter.split(line))]
        )
    return rows


def _strip_markup(cell: str) -> str:
    """HTML-like markup of an extraction → text: a checked box becomes ○, an unknown one ？."""
    cell = _CHOICES_MARK.sub("＜選択肢＞", cell)

    def box(m: re.Match[str]) -> str:
        return " ○ " if re.search(r"\bchecked\b", m.group(0), re.I) else " ？ "

    cell = _CHECKBOX.sub(box, cell)
    cell = _PARAGRAPH_END.sub("\n\n", cell)
    cell = _BREAKS.sub("\n", cell)
    cell = _TAG.sub("", cell)
    cell = html.unescape(cell)
    lines = [ln.strip() for ln in cell.split("\n")]
    # an empty line between two lines of text is a paragraph break (「</p> <p>」)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
