"""``hyoka schema --out DIR``: JSON Schema of every source file, for yaml-language-server.

One schema per file name (``0_表紙.schema.json``, ``2_ファイル概要.schema.json`` …) built from the
form definitions through ``generator.fields``: the official labels as descriptions, choice
options as enums, check-box lists, block references, dates. A file name that several forms or
editions share (the cover, （別添２）) accepts any of them (``anyOf``); a key none of them has, a
choice none of them offers and a malformed date are still errors. ``settings()`` maps the schemas
onto ``sources/*/…yaml`` for ``.vscode/settings.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..dates import ERAS, NOTES
from ..diagnostics import display_path
from ..fields import Field, SourceFile, source_files
from ..form.registry import all_forms
from ..output import write_atomic
from ..shipped import SHIPPED_BLOCKS

DRAFT = "http://json-schema.org/draft-07/schema#"

_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_ISO = rf"[0-9]{{4}}-{_MONTH}(?:-{_DAY})?"
_WAREKI = rf"(?:{'|'.join(e.name for e in ERAS)})(?:元|[0-9]{{1,2}})年{_MONTH}月(?:{_DAY}日)?"
DATE_PATTERN = rf"^(?:{_ISO}|{_WAREKI})(?:{'|'.join(NOTES)})?$"

_NULL: dict[str, Any] = {"type": "null"}


def _block_ids() -> list[str]:
    return sorted(
        p.relative_to(SHIPPED_BLOCKS).with_suffix("").as_posix() for p in SHIPPED_BLOCKS.rglob("*.yaml")
    )


def block_ref() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "共通記載ブロックの参照（block: ID、任意で version: 版、params: パラメータ）",
        "required": ["block"],
        "properties": {
            "block": {
                "type": "string",
                "description": "ブロックの ID（hyoka blocks list）",
                "examples": _block_ids(),
            },
            "version": {"type": "string", "description": "版（省略すると最新版）"},
            "params": {"type": "object", "additionalProperties": {"type": ["string", "number", "null"]}},
        },
        "additionalProperties": False,
    }


def _description(f: Field) -> str:
    parts = [f.path]
    if f.note:
        parts.append(f.note)
    if f.options:
        parts.append("選択肢: " + " / ".join(f.options))
    if f.star:
        parts.append("※ 変更は重要な変更")
    return "\n".join(parts)


def field_schema(f: Field, blocks: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any]
    match f.kind:
        case "map":
            out = {"type": ["object", "null"], **_members(f.children, blocks)}
        case "list":
            member = {"type": "object", **_members(f.children, blocks)}
            out = {"type": ["array", "null"], "items": member}
            if f.limit:
                out["maxItems"] = f.limit
        case "choice":
            out = {"enum": [*f.options, None]}
        case "checks":
            detail = {
                "type": "object",
                "properties": {o: {"type": ["string", "number", "null"]} for o in f.options if o in f.detail},
                "additionalProperties": False,
                "minProperties": 1,
                "maxProperties": 1,
            }
            out = {"type": ["array", "null"], "items": {"anyOf": [{"enum": list(f.options)}, detail]}}
        case "date":
            out = {"anyOf": [{"type": "string", "pattern": DATE_PATTERN}, _NULL]}
        case "flag":
            out = {"type": ["boolean", "null"]}
        case "number":
            out = {
                "anyOf": [
                    {"type": "integer", "minimum": 0},
                    {"type": "string", "pattern": "^[0-9０-９]+$"},
                    _NULL,
                ]
            }
        case _:  # text: a scalar, or a list of texts and block references
            parts = {"type": "array", "items": {"anyOf": [{"type": ["string", "number"]}, blocks]}}
            out = {"anyOf": [{"type": ["string", "number", "boolean", "null"]}, parts]}
    out["title"] = f.label or f.key
    out["description"] = _description(f)
    return out


def _members(fields: tuple[Field, ...], blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "properties": {f.key: field_schema(f, blocks) for f in fields if f.written},
        "additionalProperties": False,
    }


def file_schema(source: SourceFile) -> dict[str, Any]:
    return {"type": ["object", "null"], "title": source.title, **_members(source.fields, block_ref())}


def schemas() -> dict[str, dict[str, Any]]:
    """File stem → schema; a stem several forms or editions write accepts any of them."""
    variants: dict[str, list[dict[str, Any]]] = {}
    for form in all_forms():
        for source in source_files(form):
            one = file_schema(source)
            one["title"] = f"{form.name} {source.title}"
            found = variants.setdefault(source.stem, [])
            if not any(_same(one, other) for other in found):
                found.append(one)
    out: dict[str, dict[str, Any]] = {}
    for stem, found in variants.items():
        body = found[0] if len(found) == 1 else {"anyOf": found}
        out[stem] = {"$schema": DRAFT, "$id": f"hyoka:{stem}", **body}
    return out


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    strip = lambda d: {k: v for k, v in d.items() if k != "title"}  # noqa: E731
    return strip(a) == strip(b)


def patterns(sources: str = "sources") -> dict[str, list[str]]:
    """Schema file name → the source files it describes (globs relative to the repository)."""
    names: dict[str, list[str]] = {}
    for form in all_forms():
        for source in source_files(form):
            glob = f"{sources}/*/{source.stem}{'_*' if source.per_file else ''}.yaml"
            names.setdefault(f"{source.stem}.schema.json", [])
            if glob not in names[f"{source.stem}.schema.json"]:
                names[f"{source.stem}.schema.json"].append(glob)
    return names


def settings(schema_dir: str, sources: str = "sources") -> dict[str, Any]:
    """The ``yaml.schemas`` entry of ``.vscode/settings.json``."""
    return {f"./{schema_dir}/{name}": globs for name, globs in patterns(sources).items()}


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, schema in schemas().items():
        path = out / f"{stem}.schema.json"
        write_atomic(path, (json.dumps(schema, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        written.append(path)
    return written


def run(out: Path) -> int:
    written = write(out)
    print(f"{display_path(out)} に JSON Schema を {len(written)} 個書き出しました。")
    return 0
