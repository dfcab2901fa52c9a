"""Where the shipped templates and standard blocks are.

In a checkout they are the top-level ``templates/`` folder; a wheel carries that folder as
``generator/templates`` (setup.py maps it in), so an installed hyoka builds from any folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_INSTALLED = PACKAGE / "templates"
TEMPLATES = _INSTALLED if _INSTALLED.is_dir() else PACKAGE.parent / "templates"
SHIPPED_BLOCKS = TEMPLATES / "blocks"
