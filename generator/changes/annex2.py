"""Adding proposed rows to an assessment's ``9_変更箇所.yaml``, as text, idempotently.

The file is the author's: existing rows, comments and layout stay byte for byte, new rows are
appended at its end in the same style (one blank line, then ``  - 変更日: …``). A row whose
項目, 変更前 and 変更後 — as printed — equal an existing row's is not added again, so running
``hyoka changes --write`` twice adds nothing the second time.

Every value is written so that it reads back to the same string (plain when YAML allows it,
quoted or as a ``|-`` block otherwise) and prints the same text: cells are Markdown, so a text
that Markdown would read differently (``*``, ``1. ``) has its ASCII punctuation escaped. The
result is read back with the project's reader before the file is replaced; any difference is
an error and the file stays as it was. A text using shared blocks is written as its parts with
the references pinned (``generator.changes.pinning``), never as a copy of the standard text.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from .. import dates
from ..diagnostics import HyokaError, Reporter, display_path
from ..form.definition import ChangesAnnex, FormDefinition
from ..form.registry import get_form
from ..layout.builder import Builder
from ..layout.items import flow_plain
from ..markup import render_markdown
from ..model import Assessment, BlockRef, ChangeRow, Text, TextPart
from ..output import write_atomic
from ..reader import SUFFIXES, read_assessment
from ..records import dataclass
from ..yamlsource import YMap, YScalar, YSeq, load
from .pinning import has_blocks
from .rows import Row

Printed = Callable[[Text], str]  # a text as the document prints it (blocks resolved)
Value = str | tuple[TextPart, ...]  # a cell as written: Markdown, or a list of Markdown and block references
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def header(annex: ChangesAnnex) -> str:
    return f"# {annex.label}\n{annex.key}:\n"


def annex2_path(folder: Path, annex: ChangesAnnex | None = None) -> Path:
    annex = annex or get_form().changes
    for suffix in SUFFIXES:
        path = folder / f"{annex.file}{suffix}"
        if path.is_file():
            return path
    return folder / f"{annex.file}.yaml"


def recorded(assessment: Assessment, builder: Builder) -> set[tuple[str, str, str]]:
    """(項目, 変更前, 変更後) of the rows already in （別添２）, as printed."""
    return {
        (_printed(builder, r.item), _printed(builder, r.before), _printed(builder, r.after))
        for r in assessment.changes
    }


def _printed(builder: Builder, text: Text) -> str:
    return flow_plain(builder.flow(text))


def new_rows(rows: list[Row], already: set[tuple[str, str, str]]) -> list[Row]:
    """The rows not yet recorded, each once."""
    seen = set(already)
    out = []
    for r in rows:
        if r.identity not in seen:
            seen.add(r.identity)
            out.append(r)
    return out


@dataclass(frozen=True)
class _Written:
    """A row as it goes into the file."""

    date: dates.FormDate
    cells: tuple[Value, ...]  # 項目, 変更前, 変更後
    timing: str
    reason: str

    @property
    def signature(self) -> tuple:
        """What the reader gives back for it (see ``_signatures``)."""
        cells = (_parts_signature(c if isinstance(c, tuple) else (c,)) for c in self.cells)
        return (self.date, *cells, self.timing, (self.reason,))


def _written(r: Row, printed: Printed | None) -> _Written:
    before, after = (
        _cell(text, source, printed) for text, source in zip((r.before, r.after), r.sources, strict=True)
    )
    return _Written(r.date, (_markdown(r.item), before, after), r.timing, _markdown(r.reason))


def _cell(text: str, source: Text | None, printed: Printed | None) -> Value:
    """The source parts with pinned references when they print ``text``, else ``text`` as Markdown."""
    if printed is not None and source is not None and has_blocks(source):
        try:
            if printed(source) == text:
                return source.parts
        except LookupError:
            pass  # a pinned version the working tree's blocks no longer have: keep the printed text
    return _markdown(text)


def append_rows(
    folder: Path, rows: list[Row], printed: Printed | None = None, form: FormDefinition | None = None
) -> Path:
    """Append ``rows`` to the folder's 変更箇所 file (created when missing); verified first.

    ``printed`` renders a text with the working tree's blocks; without it, every cell is
    written as its printed text. ``form``: the folder's form (None: the current 重点).
    """
    form = form or get_form()
    annex = form.changes
    path = annex2_path(folder, annex)
    original = path.read_bytes().decode("utf-8") if path.is_file() else None
    existing = _read_rows(path, form) if original is not None else []
    written = [_written(r, printed) for r in rows]
    updated = _with_rows(path, original, written, annex)
    check = _read_rows_of(updated, form)
    if _signatures(check[: len(existing)]) != _signatures(existing) or len(check) != len(existing) + len(
        rows
    ):
        raise HyokaError(
            f"{display_path(path)}: 追記した結果を読み直すと行が一致しませんでした。ファイルは変更していません。"
            "（別添２）の書き方（「変更箇所:」の下の「- 変更日: …」のリスト）を確認してください。"
        )
    for got, w, r in zip(check[len(existing) :], written, rows, strict=True):
        if _signatures([got])[0] != w.signature:
            raise HyokaError(
                f"{display_path(path)}: 「{r.item}」の行を書き込むと内容が変わってしまうため、書き込みませんでした。"
                "ファイルは変更していません。"
            )
    write_atomic(path, updated.encode("utf-8"))
    return path


def rows_yaml(rows: list[Row], annex: ChangesAnnex | None = None) -> str:
    """The rows as printed text in the file's style (for showing them; blocks as their text)."""
    annex = annex or get_form().changes
    return "".join(_row_yaml(_written(r, None), 2, "\n", annex) for r in rows)


# -- text -------------------------------------------------------------------


def _with_rows(path: Path, original: str | None, rows: list[_Written], annex: ChangesAnnex) -> str:
    if original is None:
        return header(annex) + "".join(_row_yaml(r, 2, "\n", annex) for r in rows)
    newline = "\r\n" if "\r\n" in original else "\n"
    text = original if original.endswith(("\n", "\r")) or not original else original + newline
    reporter = Reporter()
    root = load(path, reporter)
    if reporter.errors or not isinstance(root, YMap):
        raise HyokaError(
            f"{display_path(path)}: YAML として読めないため、行を追記できません。hyoka check で確認してください。"
        )
    if annex.key not in root.items:
        text += f"{annex.key}:{newline}"
        indent = 2
    else:
        _, value = root.items[annex.key]
        if isinstance(value, YScalar) and value.is_null:
            indent = 2
        elif isinstance(value, YSeq) and _flow_start(text, value) is None:
            indent = value.loc.column - 1  # the column of the existing rows' 「-」
        elif isinstance(value, YSeq) and not value.items:
            text = _drop_empty_flow(text, value)  # 「変更箇所: []」 becomes a block list
            indent = 2
        else:
            raise HyokaError(
                f"{display_path(path)}:{value.loc.line}: 「{annex.key}」が「[ … ]」の形で書かれているため追記できません。"
                f"「{annex.key}:」の次の行から「  - 変更日: …」の形で書いてください。"
            )
    return text + "".join(_row_yaml(r, indent, newline, annex) for r in rows)


def _lines(text: str) -> list[str]:
    """Lines as YAML counts them (str.splitlines also breaks at form feeds and the like)."""
    return re.findall(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)", text)


def _flow_start(text: str, seq: YSeq) -> int | None:
    """The offset of a flow sequence's 「[」, or None for a block sequence."""
    lines = _lines(text)
    offset = sum(len(line) for line in lines[: seq.loc.line - 1]) + seq.loc.column - 1
    return offset if text[offset : offset + 1] == "[" else None


def _drop_empty_flow(text: str, seq: YSeq) -> str:
    start = _flow_start(text, seq)
    assert start is not None
    end = text.index("]", start) + 1
    return text[:start].rstrip(" ") + text[end:]


def _row_yaml(r: _Written, indent: int, newline: str, annex: ChangesAnnex) -> str:
    """One row, preceded by a blank line, its 「-」 at ``indent``."""
    item, before, after = r.cells
    values: tuple[Value, ...] = (dates.to_wareki(r.date), item, before, after, r.timing, r.reason)
    fields = tuple(zip((c.key for c in annex.columns), values, strict=True))
    lines = [""]
    for n, (key, value) in enumerate(fields):
        lead = " " * indent + ("- " if n == 0 else "  ")
        if isinstance(value, tuple):
            lines.append(f"{lead}{key}:")
            lines += [f"{' ' * (indent + 4)}-{_part(p, indent + 4)}" for p in value]
        else:
            lines.append(f"{lead}{key}:{_scalar(value, indent + 2)}")
    return newline.join("\n".join(lines).split("\n")) + newline


def _part(part: TextPart, item_indent: int) -> str:
    """One list item of a cell written as parts: Markdown, or ``{block: …, version: "…"}``."""
    if isinstance(part, str):
        return _scalar(part, item_indent)
    text = f" {{block:{_scalar(part.id, 0)}"
    if part.version is not None:
        text += f", version: {json.dumps(part.version, ensure_ascii=False)}"  # quoted, as authors write it
    if part.params:
        params = yaml.safe_dump(
            dict(part.params), allow_unicode=True, default_flow_style=True, sort_keys=False, width=1 << 30
        )
        text += f", params: {params.strip()}"
    return text + "}"


def _markdown(text: str) -> str:
    """``text`` as a cell's Markdown that prints exactly ``text``.

    Paragraphs that Markdown would print differently get their ASCII punctuation escaped
    (``\\*``); the others stay as they are, for the author to read and edit.
    """
    if _prints(text) == text:
        return text
    paragraphs = [p if _prints(p) == p else _ASCII_PUNCTUATION.sub(r"\\\1", p) for p in text.split("\n\n")]
    for candidate in ("\n\n".join(paragraphs), _ASCII_PUNCTUATION.sub(r"\\\1", text)):
        if _prints(candidate) == text:
            return candidate
    raise HyokaError(f"次の文章を（別添２）にそのまま印字される形で書けません: {text[:60]}")


def _prints(markdown: str) -> str:
    return flow_plain(render_markdown(markdown))


def _scalar(value: str, key_indent: int) -> str:
    """The text after 「key:」: plain or quoted on one line, a literal block for several lines."""
    if "\n" in value and all(_yaml_printable(c) for c in value):
        lines = value.split("\n")
        first = next((line for line in lines if line.strip()), "")
        # a first line starting with a space would be taken for indentation: say it is 2
        indicator = "2" if first.startswith(" ") else ""
        pad = " " * (key_indent + 2)
        return f" |{indicator}-\n" + "\n".join(pad + line if line else "" for line in lines)
    style = '"' if "\n" in value else None  # unprintable characters: escaped in double quotes
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_style=style)
    return " " + dumped.removesuffix("\n...\n").rstrip("\n")


def _yaml_printable(c: str) -> bool:
    o = ord(c)
    return (
        c in "\t\n"
        or 0x20 <= o <= 0x7E
        or o == 0x85
        or 0xA0 <= o <= 0xD7FF
        or 0xE000 <= o <= 0xFFFD
        or 0x10000 <= o <= 0x10FFFF
    ) and o != 0xFEFF


# -- reading back -----------------------------------------------------------


def _read_rows(path: Path, form: FormDefinition) -> list[ChangeRow]:
    return _read_rows_of(path.read_bytes().decode("utf-8"), form)


def _read_rows_of(text: str, form: FormDefinition) -> list[ChangeRow]:
    """The rows the project's reader finds in a 変更箇所 file with this text."""
    tmp = Path(tempfile.mkdtemp(prefix="hyoka-annex2-"))
    try:
        name = f"{form.changes.file}.yaml"
        (tmp / name).write_bytes(text.encode("utf-8"))
        reporter = Reporter()
        assessment = read_assessment(tmp, reporter, form)
        # the other parts are missing on purpose; only this file's problems matter here
        problems = [d for d in reporter.errors if d.location.file.endswith(name)]
        if assessment is None or problems:
            detail = problems[0].message if problems else "読み込めません"
            raise HyokaError(
                f"変更箇所のファイルを読み直せませんでした（{detail}）。ファイルは変更していません。"
            )
        return assessment.changes
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _parts_signature(parts: tuple[TextPart, ...]) -> tuple:
    return tuple((p.id, p.version, p.params) if isinstance(p, BlockRef) else p for p in parts)


def _signature(text: Text) -> tuple:
    return _parts_signature(text.parts)


def _signatures(rows: list[ChangeRow]) -> list[tuple]:
    return [
        (
            r.date.date,
            *(_signature(t) for t in (r.item, r.before, r.after)),
            r.timing.value,
            _signature(r.reason),
        )
        for r in rows
    ]
