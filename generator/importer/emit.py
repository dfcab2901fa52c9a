"""The imported data written as the documented source format: one YAML file per part of the form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..output import write_atomic
from .assemble import FlowRef, Note, Result


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # lists indented under their key, as the documented examples write them
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _ref(dumper: yaml.SafeDumper, ref: FlowRef) -> yaml.MappingNode:
    data: dict[str, Any] = {"block": ref.block, "version": ref.version}
    if ref.params:
        data["params"] = ref.params
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(FlowRef, _ref)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2)


def write_folder(result: Result, out: Path, source: str) -> list[Path]:
    """Every section file of ``result`` into ``out`` (made if needed), each written whole."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, data in result.files.items():
        header = (
            f"# {source} から hyoka import で取り込みました。取り込み確認.md の項目を確かめてください。\n"
        )
        path = out / f"{stem}.yaml"
        write_atomic(path, (header + dump(data)).encode("utf-8"))
        written.append(path)
    review = out / "取り込み確認.md"
    write_atomic(review, review_markdown(result.notes, source).encode("utf-8"))
    written.append(review)
    return written


def review_markdown(notes: list[Note], source: str) -> str:
    lines = [f"# 取り込み確認: {source}", ""]
    if not notes:
        lines.append("確かめる項目はありません。")
        return "\n".join(lines) + "\n"
    lines.append(f"{len(notes)} 件の項目を確かめてください。")
    lines.append("")
    kinds: dict[str, list[Note]] = {}
    for n in notes:
        kinds.setdefault(n.kind, []).append(n)
    for kind, items in kinds.items():
        lines += [f"## {kind}（{len(items)} 件）", ""]
        for n in items:
            where = f"（入力の {n.where}）" if n.where else ""
            lines.append(f"- 「{n.label}」 {n.message}{where}".replace("\n", " "))
        lines.append("")
    return "\n".join(lines)
