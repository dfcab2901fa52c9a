"""YAML with positions: every mapping key and value keeps its file, line and column.

Only PyYAML's safe loader is used (``compose`` with ``CSafeLoader``/``SafeLoader``): no Python objects, no
custom tags. Scalars keep their source text, so ``15`` stays 「15」 and a date stays as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import Location, Reporter, display_path, in_rule_scope

# libyaml's safe loader composes ~15× faster than the pure-Python one, with the same marks.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YNode:
    loc: Location


@dataclass
class YScalar(YNode):
    text: str  # the scalar's source text (for block scalars: the content)
    tag: str  # resolved YAML tag (str, int, bool, null, timestamp, float)

    @property
    def is_null(self) -> bool:
        return self.tag.endswith(":null")


@dataclass
class YSeq(YNode):
    items: list[YNode] = field(default_factory=list)


@dataclass
class YMap(YNode):
    # key → (location of the key, value node); insertion order is the file's order
    items: dict[str, tuple[Location, YNode]] = field(default_factory=dict)


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def scalar_bool(node: YScalar) -> bool | None:
    if node.tag.endswith(":bool"):
        return _BOOL[node.text.lower()]
    return None


@in_rule_scope("Y")  # YAML の書き方 (README「検査」)
def load(path: Path, reporter: Reporter) -> YNode | None:
    """Compose one YAML file; syntax errors and duplicate keys go to the reporter."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        reporter.error(
            Location(shown, 1, 1), "", f"UTF-8 として読めません（{exc.reason}）。UTF-8 で保存してください。"
        )
        return None
    except OSError as exc:
        reporter.error(Location(shown), "", f"ファイルを読めません: {exc.strerror}")
        return None
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and any(
            e in (exc.problem or "") for e in ("end of stream", "<stream end>")
        ):
            mark = exc.context_mark  # an unclosed quote or bracket: point where it opens, not at the end
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "構文エラー"
        reporter.error(
            Location(shown, line, col),
            "",
            f"YAML の書き方に誤りがあります（{problem}）。字下げ、「:」の後の空白、引用符の閉じ忘れを確認してください。",
        )
        return None
    except yaml.YAMLError as exc:
        reporter.error(Location(shown, 1, 1), "", f"YAML として読めません（{exc}）。")
        return None
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _NULL):
        return YMap(Location(shown, 1, 1))  # an empty file (or an empty 「---」 document)
    return _convert(root, shown, reporter)


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError:
        # libyaml reports some errors (unclosed brackets) at a later mark than the Python parser;
        # errors are rare, so parse again with the Python loader for its more helpful position.
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _loc(node: yaml.Node, shown: str) -> Location:
    return Location(shown, node.start_mark.line + 1, node.start_mark.column + 1)


# Tags the safe loader resolves plain values to. Any other tag (``!!python/object/apply:…``,
# ``!!binary``, ``!custom``) is reported and its value dropped: nothing is ever constructed.
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "value", "merge")
)
_NULL = _CORE + "null"


def _bad_tag(node: yaml.Node, shown: str, reporter: Reporter) -> bool:
    if node.tag in _ALLOWED_TAGS:
        return False
    tag = node.tag.replace(_CORE, "!!", 1)
    reporter.error(
        _loc(node, shown),
        "",
        f"YAML のタグ「{tag}」は使えません（安全のため、タグの付いた値は読みません）。タグを消して値だけを書いてください。",
    )
    return True


def _convert(node: yaml.Node, shown: str, reporter: Reporter) -> YNode:
    loc = _loc(node, shown)
    if _bad_tag(node, shown, reporter):
        return YScalar(loc, "", _NULL)
    if isinstance(node, yaml.ScalarNode):
        return YScalar(loc, node.value, node.tag)
    if isinstance(node, yaml.SequenceNode):
        return YSeq(loc, [_convert(n, shown, reporter) for n in node.value])
    result = YMap(loc)
    for key_node, value_node in node.value:
        key_loc = _loc(key_node, shown)
        if _bad_tag(key_node, shown, reporter):
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            reporter.error(
                key_loc, "", "項目名には文字列を書いてください（リストや対応表は項目名になりません）。"
            )
            continue
        key = key_node.value.strip()
        if key == "<<":
            reporter.error(key_loc, "", "「<<」（マージキー）は使えません。項目をそのまま書いてください。")
            continue
        if key in result.items:
            first = result.items[key][0]
            reporter.error(
                key_loc,
                key,
                f"同じ項目が 2 回書かれています（最初は {first.line} 行目）。1 つにまとめてください。",
            )
            continue
        result.items[key] = (key_loc, _convert(value_node, shown, reporter))
    return result
