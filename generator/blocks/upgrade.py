"""Moving references to a block's newest version by editing only their ``version:`` text.

The edit is textual: PyYAML's marks give each version scalar's exact span (block or flow style,
quoted or plain), only that span is replaced and everything else — comments, order, indentation,
line endings — stays byte for byte. References in （別添２） record the text as it stood on a
change date and are left alone.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

from ..diagnostics import HyokaError, Location, Reporter, display_path
from ..form.registry import changes_files
from ..output import write_atomic
from ..records import dataclass


@dataclass(frozen=True)
class Edit:
    path: Path
    line: int  # 1-based, of the version value
    column: int
    start: int  # character span of the version scalar in the file's text
    end: int
    old: str  # version as written (without quotes)
    new: str
    replacement: str  # the scalar's new source text, quoted like the old one


@dataclass(frozen=True)
class Skipped:
    """A reference left alone: history in （別添２）, or no version written (uses the newest)."""

    path: Path
    line: int
    reason: str


@dataclass
class Plan:
    edits: list[Edit]
    skipped: list[Skipped]


def _same_id(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a.strip()) == unicodedata.normalize("NFC", b.strip())


def _quoted(source: str, value: str) -> str:
    """``value`` written in the quoting style of ``source`` (the old scalar's text)."""
    if source.startswith('"'):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if source.startswith("'"):
        return "'" + value.replace("'", "''") + "'"
    try:
        plain_ok = yaml.safe_load(f"k: {value}") == {"k": value}
    except yaml.YAMLError:
        plain_ok = False
    return value if plain_ok else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _references(node: yaml.Node, in_list: bool = False):
    """Block-reference mappings (``{block: …}`` items of a list) anywhere under ``node``."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _references(item, in_list=True)
    elif isinstance(node, yaml.MappingNode):
        keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if in_list and "block" in keys and isinstance(keys["block"], yaml.ScalarNode):
            yield node, keys
        for _, value in node.value:
            yield from _references(value)


def plan_file(path: Path, block_id: str, newest: str, reporter: Reporter) -> Plan:
    plan = Plan([], [])
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reporter.error(
            Location(shown), "", f"読めないため更新できません（{exc}）。「hyoka check」で確認してください。"
        )
        return plan
    if root is None:
        return plan
    history = unicodedata.normalize("NFC", path.stem) in changes_files()
    for ref, keys in _references(root):
        if not _same_id(keys["block"].value, block_id):
            continue
        line = ref.start_mark.line + 1
        version = keys.get("version")
        if version is None:
            plan.skipped.append(Skipped(path, line, "版の指定がなく、すでに最新版を使っています"))
            continue
        vline = version.start_mark.line + 1
        if history:
            plan.skipped.append(Skipped(path, vline, "（別添２）は変更当時の記載なので版を変えません"))
            continue
        if not isinstance(version, yaml.ScalarNode) or version.start_mark.line != version.end_mark.line:
            reporter.error(
                Location(shown, vline, version.start_mark.column + 1),
                "",
                'version は 1 行に 1 つの値で書いてください（例: version: "2025-08"）。この参照は更新していません。',
            )
            continue
        if version.value.strip() == newest:
            continue
        start, end = version.start_mark.index, version.end_mark.index
        source = text[start:end]
        plan.edits.append(
            Edit(
                path,
                vline,
                version.start_mark.column + 1,
                start,
                end,
                version.value.strip(),
                newest,
                _quoted(source, newest),
            )
        )
    return plan


def apply(path: Path, edits: list[Edit]) -> None:
    """Rewrite one file's version spans (atomically); refuses if anything else would change."""
    before = path.read_bytes().decode("utf-8")
    after = before
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        after = after[: edit.start] + edit.replacement + after[edit.end :]
    expected = _shape(yaml.compose(before, Loader=yaml.SafeLoader), edits)
    if _shape(yaml.compose(after, Loader=yaml.SafeLoader), []) != expected:
        raise HyokaError(
            f"{display_path(path)}: 版の書き換えを確認できませんでした（ファイルは変更していません）"
        )
    write_atomic(path, after.encode("utf-8"))


def _shape(node: yaml.Node | None, edits: list[Edit]) -> object:
    """The document's content, with the edited versions replaced by their new values."""
    spans = {e.start: e.new for e in edits}

    def walk(n: yaml.Node | None) -> object:
        if n is None:
            return None
        if isinstance(n, yaml.ScalarNode):
            return spans.get(n.start_mark.index, n.value)
        if isinstance(n, yaml.SequenceNode):
            return ("seq", tuple(walk(i) for i in n.value))
        return ("map", tuple((walk(k), walk(v)) for k, v in n.value))

    return walk(node)
