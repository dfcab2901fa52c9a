"""The site's templates (``templates/site``): the Jinja2 environment and the static files."""

from __future__ import annotations

import html
from functools import cache

import jinja2
from markupsafe import Markup

from ..buildgraph import TEMPLATES
from ..templating import html_environment
from .names import STATIC as STATIC  # copied to the site's root as they are

FOLDER = TEMPLATES / "site"


def _lines(text: str) -> Markup:
    """Text with its line breaks kept (連絡先 on several lines)."""
    return Markup("<br>\n".join(html.escape(line) for line in text.splitlines()))


@cache
def environment() -> jinja2.Environment:
    env = html_environment(FOLDER)
    env.filters["lines"] = _lines
    return env


def static_file(name: str) -> bytes:
    return (FOLDER / name).read_bytes()
