"""``hyoka reference``: every key of each form, as Markdown (label, kind, options, ※).

Generated from the form definitions through ``generator.fields``, so it never drifts;
``docs/reference.md`` is this output checked in (a test keeps it current).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..fields import Field, source_files
from ..form.registry import all_forms
from ..output import write_atomic

KINDS = {
    "text": "文章",
    "choice": "選択肢",
    "checks": "チェック項目（リスト）",
    "date": "日付",
    "flag": "チェック欄（true / false）",
    "number": "数",
    "map": "見出し（下の項目を字下げして書く）",
    "list": "リスト",
    "fixed": "様式が印字（書かない）",
    "derived": "自動（書かない）",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(fields: tuple[Field, ...], prefix: str) -> list[str]:
    rows: list[str] = []
    for f in fields:
        key = f"{prefix}{f.key}"
        kind = KINDS.get(f.kind, f.kind)
        if f.kind == "list" and f.limit:
            kind += f"（{f.limit} 件まで）"
        options = " / ".join(o + ("（「- " + o + ": 内容」）" if o in f.detail else "") for o in f.options)
        label = f.label or f.path
        if f.note:
            label += f"（{f.note}）"
        if f.fixed:
            label += f"（「{f.fixed}」）"
        rows.append(f"| `{key}` | {_cell(label)} | {kind} | {_cell(options)} | {'※' if f.star else ''} |")
        if f.children:
            rows += _rows(f.children, f"{key}[]." if f.kind == "list" else f"{key}.")
    return rows


def markdown() -> str:
    out = [
        "# 評価書の項目一覧",
        "",
        "hyoka が読む YAML のキーを様式・版ごとに、様式の項目名、種類、選択肢、※（変更が重要な変更になる項目）と",
        "ともに示します。`hyoka reference` が様式の定義から作る一覧です（手で直さないでください）。",
        "キーの `.` は字下げ（見出しの下）、`[]` はリストの各要素を表します。",
        "",
    ]
    for form in all_forms():
        out += [f"## {form.name}", ""]
        for source in source_files(form):
            name = (
                source.first_name.replace("_1.yaml", "_1.yaml, _2.yaml …")
                if source.per_file
                else source.first_name
            )
            out += [f"### `{name}` {source.title}", ""]
            out += ["| キー | 項目名 | 種類 | 選択肢 | ※ |", "| --- | --- | --- | --- | --- |"]
            out += _rows(source.fields, "")
            out.append("")
    return "\n".join(out)


def run(output: Path | None) -> int:
    text = markdown()
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, text.encode("utf-8"))
    return 0
