"""``hyoka new NAME [--form …]``: a new assessment folder with every key of its form.

Each key is written empty (an empty value is a blank item) under a comment with the item's
official label and, for choices and check boxes, its options; lists carry one member to copy.
The folder passes ``hyoka check`` except for what the author still has to write.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import UsageError, display_path
from ..fields import Field, SourceFile, source_files
from ..form.definition import EDITION_KEY, FORM_KEY, FormDefinition
from ..form.registry import DEFAULT_KIND, UnknownForm, get_form
from ..output import write_atomic

HOW = {
    "text": "文章",
    "choice": "選択肢から 1 つをそのまま",
    "checks": "チェックする選択肢のリスト",
    "date": "日付（2025-12-01 または 令和7年12月1日）",
    "flag": "チェックするとき true",
    "number": "数",
}


def describe(field: Field) -> str:
    """The comment above a key: label, what to write, the options."""
    label = " ".join(filter(None, (field.group, field.label))) or field.path
    parts = [f"{label}: {HOW.get(field.kind, '')}".rstrip(": ")]
    if field.note:
        parts.append(field.note)
    if field.options:
        options = [
            o + ("（「- " + o + ": 内容」と書くと（ ）に印字）" if o in field.detail else "")
            for o in field.options
        ]
        parts.append("選択肢: " + " / ".join(options))
    return "。".join(parts)


def _lines(fields: tuple[Field, ...], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for f in fields:
        if not f.written:
            what = f"「{f.fixed}」と様式が印字します" if f.fixed else "ほかの項目から数えて印字します"
            out.append(f"{pad}# {f.label or f.key}: {what}（書きません）")
            continue
        if f.kind == "map":
            out.append(f"{pad}# {f.label}")
            out.append(f"{pad}{f.key}:")
            out += _lines(f.children, indent + 2)
        elif f.kind == "list":
            many = f"{f.limit} 件まで。" if f.limit else ""
            out.append(
                f"{pad}# {f.label}: {many}1 件ごとに「- 」から書きます（2 件目からはこの組を写して書き足します）"
            )
            out.append(f"{pad}{f.key}:")
            member = _lines(f.children, indent + 4)
            first = next(i for i, line in enumerate(member) if not line.lstrip().startswith("#"))
            member[first] = f"{pad}  - {member[first].lstrip()}"
            out += member
        else:
            out.append(f"{pad}# {describe(f)}")
            out.append(f"{pad}{f.key}:")
    return out


def render(source: SourceFile, form: FormDefinition, name: str) -> str:
    head = [
        f"# {source.title}" + ("（ファイル 1。2 つ目からは _2, _3 … のファイル）" if source.per_file else ""),
        f"# {form.name} の雛形（hyoka new {name}）。値を書いていない項目は空欄として扱います。",
        "# 各項目の上の行が様式の項目名と、選択肢・チェック項目の選択肢です。文章は Markdown で、共通記載は",
        "# 文章の代わりに「- block: ID」のリストで書けます（README の「共通記載ブロック」）。",
        "",
    ]
    fields = tuple(f for f in source.fields if f.key not in (FORM_KEY, EDITION_KEY))
    if len(fields) < len(source.fields):  # the cover: which form and edition, unless the defaults
        named = {f.key: f for f in source.fields}
        current = get_form(form.kind)
        for key, value, default in (
            (FORM_KEY, form.kind, form.kind == DEFAULT_KIND),
            (EDITION_KEY, form.edition, form.edition == current.edition),
        ):
            head.append(f"# {describe(named[key])}")
            head.append(f"{'# ' if default else ''}{key}: {value}")
    return "\n".join(head + _lines(fields, 0)) + "\n"


def run(name: Path, form_name: str | None, edition: str | None) -> int:
    try:
        form = get_form(form_name, edition)
    except UnknownForm as exc:
        raise UsageError(str(exc)) from None
    folder = name
    if len(name.parts) == 1 and Path("sources").is_dir():
        folder = Path("sources") / name  # 「hyoka new kenko」 in a city's repository
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(
            f"{display_path(folder)} はすでにあり、空ではありません。別の名前を指定してください。"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for source in source_files(form):
        write_atomic(folder / source.first_name, render(source, form, str(name)).encode("utf-8"))
    print(f"{display_path(folder)} に {form.name} の雛形を作りました。")
    print(
        f"書いたら「hyoka check {display_path(folder)}」で検査し、「hyoka build {display_path(folder)}」で組版します。"
    )
    return 0
