"""Block texts as Jinja2 templates: sandboxed, strict, no escaping.

Only block texts are templates; a city's own text is never passed here, so 「{{ }}」 typed in an
assessment stays literal. The sandbox refuses attribute tricks (``''.__class__``) and
StrictUndefined turns a missing parameter into an error instead of an empty string. The output
is Markdown, escaped later by the writers, so autoescape is off.

A city's block file is input written by many hands, so a text may use only the part of Jinja a
wording needs: ``{{ 名前 }}``, ``{% if %}`` / ``elif`` / ``else`` with comparisons, ``~`` and a few
filters that cannot multiply text (no loops, calls, arithmetic, macros or assignments; checked on
the parsed template, before it is compiled). Work is then linear in the text and its parameters,
and the output is capped (``MAX_OUTPUT``), so no block can hang a build or fill its memory.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from jinja2 import Template, nodes
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["MAX_OUTPUT", "RenderError", "check_syntax", "render", "variables"]

MAX_OUTPUT = 200_000  # characters of one rendered block (the longest standard text: ~3,000)
MAX_NESTING = 32  # of {% if %} and expressions in one block text
MAX_TAGS = 500  # {{ }}, {% %} and {# #} in one block text (the standard texts: at most 6)
MAX_TEMPLATE_NODES = 2_000  # parsed pieces of one block text: bounds the compile time (~0.3 s)

# the parsed template's node types a block text may contain (jinja2.nodes class names)
_ALLOWED_NODES = frozenset(
    {"Template", "Output", "TemplateData", "Name", "Const", "If", "CondExpr", "Compare", "Operand"}
    | {"And", "Or", "Not", "Concat", "Filter", "Test", "List", "Tuple"}
)
_FILTERS = frozenset({"default", "d", "trim", "upper", "lower", "length", "string"})
_TESTS = frozenset({"defined", "undefined", "none", "string", "eq", "ne", "in"})
_ALLOWED_TEXT = (
    "使えるのは {{ 名前 }}、{% if 条件 %}～{% elif 条件 %}～{% else %}～{% endif %}（==、!=、in、and、or、not）、"
    f"~（つなぐ）、フィルタ {'・'.join(sorted(_FILTERS))} です"
)


class RenderError(Exception):
    """A block text that cannot be rendered; ``line`` counts from the text's first line (1)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


# ``{{ name }}``: the only Jinja syntax block texts use so far
_NAME = re.compile(r"\{\{[ \t]*(\w+)[ \t]*\}\}")
_DELIMITER = re.compile(r"(?=\{[{%#])")
# names Jinja reads as constants, operators or its own globals, not as parameters
_JINJA_NAMES = frozenset(
    {"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"}
    | {"range", "dict", "lipsum", "cycler", "joiner", "namespace"}
)


@functools.cache
def _simple(text: str) -> tuple[str, ...] | None:
    """The names of a text whose only Jinja syntax is ``{{ name }}`` (none for plain text), or None
    for any other text. Such a text renders by substitution, as Jinja would render it (a
    ``\\r`` aside, which Jinja turns into ``\\n``): most block texts skip Jinja's compiler,
    and a build whose blocks are all such skips its import too (25 ms)."""
    if len(text) > MAX_OUTPUT:  # could not render within the cap; refused before any work
        raise RenderError(f"長すぎます（{len(text):,} 文字。1 つのブロックは {MAX_OUTPUT:,} 文字まで）")
    if "\r" in text:
        return None
    found = list(_NAME.finditer(text))
    if [m.start() for m in found] != [m.start() for m in _DELIMITER.finditer(text)]:
        return None  # a statement, comment, filter, expression or stray delimiter
    names = tuple(m[1] for m in found)
    if any(not n.isidentifier() or n in _JINJA_NAMES for n in names):
        return None
    return names


@functools.cache
def _env() -> SandboxedEnvironment:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@functools.cache
def _parsed(text: str) -> nodes.Template:
    """The parsed text, checked against the allowed subset of Jinja (else RenderError)."""
    from jinja2 import TemplateSyntaxError

    tags = sum(text.count(d) for d in ("{{", "{%", "{#"))
    if tags > MAX_TAGS:  # before Jinja's lexer, which takes about a second per thousand tags
        raise RenderError(
            f"テンプレートが長すぎます（{{{{ }}}} や {{% %}} が {tags:,} 個。{MAX_TAGS:,} 個まで）"
        )
    try:
        tree = _env().parse(text)
    except TemplateSyntaxError as exc:
        raise RenderError(f"テンプレートの書き方に誤りがあります（{exc.message}）", exc.lineno) from None
    except (RecursionError, ValueError, MemoryError):  # thousands of nested brackets, a 5,000-digit number
        raise RenderError(
            "テンプレートの書き方に誤りがあります（入れ子が深すぎるか、数が大きすぎます）"
        ) from None
    _check_subset(tree)
    return tree


def _check_subset(tree: nodes.Template) -> None:
    stack: list[tuple[nodes.Node, int]] = [(tree, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_TEMPLATE_NODES:
            raise RenderError(
                f"テンプレートが長すぎます（{{{{ }}}} や {{% %}} の中身が {MAX_TEMPLATE_NODES:,} 個を超えています）"
            )
        kind = type(node).__name__
        line = getattr(node, "lineno", 0) or 0
        if depth > MAX_NESTING:
            raise RenderError(f"テンプレートの入れ子が深すぎます（{MAX_NESTING} 段まで）", line)
        refused = ""
        if kind not in _ALLOWED_NODES:
            refused = _describe(node)
        elif kind == "Filter" and node.name not in _FILTERS:  # type: ignore[attr-defined]
            refused = f"フィルタ「{node.name}」"  # type: ignore[attr-defined]
        elif kind == "Test" and node.name not in _TESTS:  # type: ignore[attr-defined]
            refused = f"テスト「is {node.name}」"  # type: ignore[attr-defined]
        elif kind in ("Filter", "Test") and (node.dyn_args or node.dyn_kwargs):  # type: ignore[attr-defined]
            refused = "「*」「**」の引数"
        if refused:
            raise RenderError(
                f"テンプレートの書き方に誤りがあります（{refused}は使えません。{_ALLOWED_TEXT}）", line
            )
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())


def _describe(node: nodes.Node) -> str:
    words = {
        "For": "{% for %}",
        "Macro": "{% macro %}",
        "Call": "関数の呼び出し",
        "Assign": "{% set %}",
        "AssignBlock": "{% set %}",
        "Include": "{% include %}",
        "Import": "{% import %}",
        "FromImport": "{% from %}",
        "Extends": "{% extends %}",
        "Block": "{% block %}",
        "Getitem": "「[ ]」での参照",
    }
    kind = type(node).__name__
    if kind == "Getattr":
        return f"「.{node.attr}」での属性の参照"  # type: ignore[attr-defined]
    if kind in words:
        return words[kind]
    if kind in ("Add", "Sub", "Mul", "Div", "FloorDiv", "Mod", "Pow", "Neg", "Pos"):
        return "計算"
    return kind


@functools.cache
def _template(text: str) -> Template:
    return _env().from_string(_parsed(text))


def check_syntax(text: str) -> None:
    if _simple(text) is None:
        _parsed(text)


@functools.cache
def variables(text: str) -> frozenset[str]:
    """The parameter names a block text uses (``{{ 団体 }}`` → 団体)."""
    names = _simple(text)
    if names is not None:
        return frozenset(names)
    from jinja2 import meta

    return frozenset(meta.find_undeclared_variables(_parsed(text)))


def render(text: str, params: Mapping[str, str]) -> str:
    names = _simple(text)
    if names is not None and all(n in params for n in names):  # (a missing one: Jinja's error)
        if not names:
            return text
        size = len(text) + sum(len(str(params[m[1]])) - len(m[0]) for m in _NAME.finditer(text))
        if size > MAX_OUTPUT:
            raise RenderError(_too_long(size))
        return _NAME.sub(lambda m: str(params[m[1]]), text)
    from jinja2 import TemplateError

    try:
        parts: list[str] = []
        size = 0
        for chunk in _template(text).generate(dict(params)):  # stop as soon as the cap is passed
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise RenderError(_too_long(size, more=True))
            parts.append(chunk)
        return "".join(parts)
    except RenderError:
        raise
    except TemplateError as exc:  # SecurityError, UndefinedError, filter errors
        raise RenderError(f"展開できません（{exc.message or type(exc).__name__}）") from None
    except Exception as exc:  # noqa: BLE001 - a template may raise anything (e.g. {{ 1/0 }})
        raise RenderError(f"展開できません（{type(exc).__name__}: {exc}）") from None


def _too_long(size: int, more: bool = False) -> str:
    over = "以上" if more else ""
    return f"展開すると長すぎます（{size:,} 文字{over}。1 つのブロックは {MAX_OUTPUT:,} 文字まで）"
