"""Block texts as Jinja2 templates: sandboxed, strict, no escaping.

Only block texts are templates; a city's own text is never passed here, so 「{{ }}」 typed in an
assessment stays literal. The sandbox refuses attribute tricks (``''.__class__``) and
StrictUndefined turns a missing parameter into an error instead of an empty string. The output
is Markdown, escaped later by the writers, so autoescape is off.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["RenderError", "check_syntax", "render", "variables"]


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
def _template(text: str) -> Template:
    from jinja2 import TemplateSyntaxError

    try:
        return _env().from_string(text)
    except TemplateSyntaxError as exc:
        raise RenderError(f"テンプレートの書き方に誤りがあります（{exc.message}）", exc.lineno) from None


def check_syntax(text: str) -> None:
    if _simple(text) is None:
        _template(text)


@functools.cache
def variables(text: str) -> frozenset[str]:
    """The parameter names a block text uses (``{{ 団体 }}`` → 団体)."""
    names = _simple(text)
    if names is not None:
        return frozenset(names)
    from jinja2 import TemplateSyntaxError, meta

    try:
        return frozenset(meta.find_undeclared_variables(_env().parse(text)))
    except TemplateSyntaxError as exc:
        raise RenderError(f"テンプレートの書き方に誤りがあります（{exc.message}）", exc.lineno) from None


def render(text: str, params: Mapping[str, str]) -> str:
    names = _simple(text)
    if names is not None and all(n in params for n in names):  # (a missing one: Jinja's error)
        return _NAME.sub(lambda m: str(params[m[1]]), text) if names else text
    from jinja2 import TemplateError

    try:
        return _template(text).render(dict(params))
    except RenderError:
        raise
    except TemplateError as exc:  # SecurityError, UndefinedError, filter errors
        raise RenderError(f"展開できません（{exc.message or type(exc).__name__}）") from None
    except Exception as exc:  # noqa: BLE001 - a template may raise anything (e.g. {{ 1/0 }})
        raise RenderError(f"展開できません（{type(exc).__name__}: {exc}）") from None
