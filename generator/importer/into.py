"""``hyoka import --into``: an edited workbook back into an existing folder, touching only what changed.

The workbook is imported whole into a scratch folder beside the target; both are read and their
printed items compared (so a block reference that still prints the same text stays a reference).
Each changed item is then rewritten in place in its YAML file: the key's line and value are
replaced, every other line (comments, order, other references) stays byte for byte.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Reporter
from ..output import write_atomic
from ..records import dataclass
from .assemble import Result
from .emit import dump, write_folder

Key = tuple[str, ...]
YamlPath = tuple[str | int, ...]  # a key path in a YAML file: list members by index


@dataclass(frozen=True)
class Change:
    label: str  # official path of the item
    before: str
    after: str
    file: str


class IntoError(Exception):
    pass


def uncommitted(folder: Path) -> list[str]:
    """Files of ``folder`` with changes git has not committed ([] outside a repository)."""
    try:
        proc = subprocess.run(
            ["git", "status", "--porcelain", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    return [line[3:] for line in proc.stdout.splitlines() if line.strip()]


def _printed(folder: Path) -> tuple[dict[Key, Any], Any]:
    from ..layout.items import printed_items
    from ..pipeline import load_all

    reporter = Reporter()
    [loaded] = load_all([folder], reporter, every_block=False)
    # only what keeps the folder from being read stops the comparison; findings of the rules
    # (a blank the published original has too) are the author's business, as in the folder itself
    unread = [d for d in reporter.errors if d.rule[:1] in ("Y", "S", "B")]
    if loaded.assessment is None or unread:
        raise IntoError("\n".join(d.format() for d in unread) or f"「{folder}」を読めません。")
    return {i.key: i for i in printed_items(loaded.assessment, loaded.blocks.text)}, loaded.assessment


def apply(result: Result, folder: Path) -> list[Change]:
    """Rewrite in ``folder`` the items whose printed text differs from ``result``'s."""
    scratch = Path(tempfile.mkdtemp(prefix=".hyoka-import-", dir=folder.parent))
    try:
        write_folder(result, scratch, "into")
        before, assessment = _printed(folder)
        after, _ = _printed(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    form = assessment.form
    changes: list[Change] = []
    whole: set[tuple[str, YamlPath]] = set()  # (file stem, YAML path) of lists replaced whole
    edits: dict[str, list[tuple[YamlPath, Any]]] = {}
    for key in [*before, *[k for k in after if k not in before]]:
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.text == new.text:
            continue
        either = old if old is not None else new
        assert either is not None  # the key came from one of them
        if either.counts and not either.base:
            continue  # wholly derived from lists (提供・移転の有無): follows them
        if old is not None and new is not None and old.counts and old.base == new.base:
            continue  # only the count of a list changed: the list's own change carries it
        stem, path = _yaml_path(form, key)
        member = _member_list(path) if (old is None or new is None) else None
        if member is not None:
            if (stem, member) in whole:
                continue
            whole.add((stem, member))
            path = member
        data = result.files.get(stem, {})
        if path and path[-1] == "（チェック欄）":  # the check boxes of a heading row: one key each
            parent = _lookup(data, path[:-1])
            for flag, state in parent.items() if isinstance(parent, dict) else []:
                if isinstance(state, bool):
                    edits.setdefault(stem, []).append(((*path[:-1], flag), state))
        else:
            edits.setdefault(stem, []).append((path, _lookup(data, path)))
        label = either.label
        changes.append(Change(label, old.text if old else "", new.text if new else "", f"{stem}.yaml"))
    for stem, items in edits.items():
        target = _file(folder, stem)
        text = target.read_text(encoding="utf-8") if target.exists() else ""
        for path, value in items:
            text = replace_value(text, path, value)
        write_atomic(target, text.encode("utf-8"))
    return changes


def _file(folder: Path, stem: str) -> Path:
    for suffix in (".yaml", ".yml"):
        if (folder / f"{stem}{suffix}").exists():
            return folder / f"{stem}{suffix}"
    return folder / f"{stem}.yaml"


def _yaml_path(form: Any, key: Key) -> tuple[str, YamlPath]:
    """A printed item's key → (file stem, path in that file's mapping; member numbers 0-based)."""
    sec = form.section(key[0])
    rest = key[1:]
    stem = sec.file
    if sec.per_file:
        stem = f"{sec.file}_{rest[0]}"
        rest = rest[1:]
    path: list[str | int] = []
    for part in rest:
        path.append(int(part) - 1 if part.isdigit() else part)
    return stem, tuple(path)


def _member_list(path: YamlPath) -> YamlPath | None:
    """The list a member item belongs to (…, 委託事項, 2, 委託内容 → …, 委託事項)."""
    for i in range(len(path) - 1, -1, -1):
        if isinstance(path[i], int):
            return path[:i]
    return None


def _lookup(data: Any, path: YamlPath) -> Any:
    node = data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return ""
    return node


# ---------------------------------------------------------------------------
# In-place YAML edits


def replace_value(text: str, path: YamlPath, value: Any) -> str:
    """``text`` with the value at ``path`` replaced by ``value`` (or the key added to its
    mapping); the rest of the text untouched."""
    root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    if root is None:
        return text + _fragment(path[-1], value, 0)
    parent: yaml.Node = root
    for i, part in enumerate(path[:-1]):
        child = _child(parent, part)
        if child is None:
            # the mapping on the way is missing: add it with the rest of the path inside
            nested: Any = value
            for p in reversed(path[i + 1 :]):
                nested = {p: nested} if isinstance(p, str) else [nested]
            return _insert(text, parent, part, nested)
        parent = child
    last = path[-1]
    if isinstance(last, int):
        raise ValueError("a list member is replaced through its list")
    for key_node, value_node in parent.value if isinstance(parent, yaml.MappingNode) else []:
        if key_node.value == last:
            start = key_node.start_mark.index
            end = _line_end(text, value_node.end_mark.index)
            old = text[start:end]
            indent = key_node.start_mark.column
            new = _fragment(last, value, indent).lstrip(" ").rstrip("\n")
            if old.endswith("\n"):
                new += "\n"
            return text[:start] + new + text[end:]
    return _insert(text, parent, last, value)


def _line_end(text: str, end: int) -> int:
    """A block node ends where the next key starts: back up over that key's indentation."""
    line_start = text.rfind("\n", 0, end) + 1
    if text[line_start:end].strip() == "" and line_start > 0:
        return line_start
    return end


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(part, int):
        if isinstance(node, yaml.SequenceNode) and part < len(node.value):
            return node.value[part]
        return None
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == part:
                return v
    return None


def _insert(text: str, parent: yaml.Node, key: str | int, value: Any) -> str:
    if not isinstance(parent, yaml.MappingNode) or not isinstance(key, str) or not parent.value:
        raise IntoError(f"「{key}」を書き足す位置が分かりません。手で書いてください。")
    indent = parent.value[0][0].start_mark.column
    end = _line_end(text, parent.value[-1][1].end_mark.index)
    before = text[:end]
    sep = "" if before.endswith("\n") else "\n"
    return before + sep + _fragment(key, value, indent) + text[end:]


def _fragment(key: str | int, value: Any, indent: int) -> str:
    dumped = dump({key: value})  # type: ignore[dict-item]  # a list index is a key too
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in dumped.splitlines(keepends=True))
