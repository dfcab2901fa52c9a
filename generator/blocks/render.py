"""Block texts as Jinja2 templates: sandboxed, strict, no escaping.

Only block texts are templates; a city's own text is never passed here, so 「{{ }}」 typed in an
assessment stays literal. The sandbox refuses attribute tricks (``''.__class__``) and
StrictUndefined turns a missing parameter into an error instead of an empty string. The output
is Markdown, escaped later by the writers, so autoescape is off.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["RenderError", "check_syntax", "render", "variables"]


class RenderError(Exception):
    """A block text that cannot be rendered; ``line`` counts from the text's first line (1)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@functools.cache
def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@functools.cache
def _template(text: str) -> Template:
    try:
        return _env().from_string(text)
    except TemplateSyntaxError as exc:
        raise RenderError(f"テンプレートの書き方に誤りがあります（{exc.message}）", exc.lineno) from None


def check_syntax(text: str) -> None:
    _template(text)


@functools.cache
def variables(text: str) -> frozenset[str]:
    """The parameter names a block text uses (``{{ 団体 }}`` → 団体)."""
    try:
        return frozenset(meta.find_undeclared_variables(_env().parse(text)))
    except TemplateSyntaxError as exc:
        raise RenderError(f"テンプレートの書き方に誤りがあります（{exc.message}）", exc.lineno) from None


def render(text: str, params: Mapping[str, str]) -> str:
    try:
        return _template(text).render(dict(params))
    except RenderError:
        raise
    except TemplateError as exc:  # SecurityError, UndefinedError, filter errors
        raise RenderError(f"展開できません（{exc.message or type(exc).__name__}）") from None
    except Exception as exc:  # noqa: BLE001 - a template may raise anything (e.g. {{ 1/0 }})
        raise RenderError(f"展開できません（{type(exc).__name__}: {exc}）") from None
