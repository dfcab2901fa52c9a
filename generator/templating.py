"""The Jinja2 environment of the HTML pages (the writer's document, the site's pages): one set of
options, so that every page escapes, trims and ends the same way, and one compiled-template cache."""

from __future__ import annotations

from pathlib import Path

import jinja2

from generator.cachedir import jinja_bytecode_cache


def html_environment(folder: Path) -> jinja2.Environment:
    """An environment for the templates in ``folder``: autoescaped, undefined names are errors,
    block tags leave no blank lines, the templates are read once (no reload checks) and kept
    compiled in the user's cache. Callers add their filters and tests and cache the result."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=jinja_bytecode_cache(),
    )
