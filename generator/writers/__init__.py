"""Writers: one module per output format, each rendering a layout IR ``Document`` to bytes.

A writer module exposes ``EXTENSION`` (".html") and ``render(doc: Document) -> bytes``. It knows
nothing of the form: everything it prints comes from the IR. Modules are imported lazily, so a
build for one format does not pay for the others' libraries.
"""

from __future__ import annotations

import importlib
from types import ModuleType

WRITERS: dict[str, str] = {
    "html": "generator.writers.html",
    "docx": "generator.writers.docx",
    "xlsx": "generator.writers.xlsx",
    "md": "generator.writers.markdown",
}


def writer(fmt: str) -> ModuleType:
    return importlib.import_module(WRITERS[fmt])
