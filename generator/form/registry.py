"""Every form and edition hyoka knows, and the lookup by the cover's 「様式:」 and 「版:」.

A module listed in ``MODULES`` exports ``FORMS``, its definitions; the first definition of a kind
is its current edition. ``get_form()`` without arguments is the current 重点項目評価書 (a folder whose
cover names no form).
"""

from __future__ import annotations

import importlib
import unicodedata
from functools import cache

from ..records import replace
from .definition import FormDefinition

MODULES = ("generator.form.juten", "generator.form.kiso")
DEFAULT_KIND = "重点項目評価書"


class UnknownForm(ValueError):
    """An unknown 様式 or 版; the message (Japanese) lists the known ones."""


@cache
def all_forms() -> tuple[FormDefinition, ...]:
    """Every definition, each with ``until`` set to the start of its kind's next edition."""
    found: list[FormDefinition] = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a module that is there but fails to import is a bug
                raise
            continue
        found.extend(module.FORMS)
    out: list[FormDefinition] = []
    for form in found:
        later = [f.since for f in found if f.kind == form.kind and f.since > form.since]
        out.append(replace(form, until=min(later)) if later else form)
    return tuple(out)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("版", "").strip()


def _kind_matches(form: FormDefinition, kind: str) -> bool:
    key = _norm(kind)
    return key in {_norm(form.kind), _norm(form.short), _norm(f"様式{form.number}")}


def known_forms() -> str:
    """「重点項目評価書（版: 令和6年10月、平成30年5月）、…」"""
    kinds: dict[str, list[str]] = {}
    for form in all_forms():
        kinds.setdefault(form.kind, []).append(form.edition)
    return "、".join(f"{kind}（版: {'、'.join(eds)}）" for kind, eds in kinds.items())


def get_form(kind: str | None = None, edition: str | None = None) -> FormDefinition:
    """The definition of ``kind`` (None: 重点項目評価書) in ``edition`` (None: the current one)."""
    forms = all_forms()
    wanted = kind if kind is not None and kind.strip() else DEFAULT_KIND
    of_kind = [f for f in forms if _kind_matches(f, wanted)]
    if not of_kind:
        raise UnknownForm(f"様式「{wanted}」はありません。使える様式: {known_forms()}")
    if edition is None or not edition.strip():
        return of_kind[0]
    for form in of_kind:
        if _norm(form.edition) == _norm(edition):
            return form
    editions = "、".join(f.edition for f in of_kind)
    raise UnknownForm(
        f"{of_kind[0].kind}に版「{edition}」はありません。使える版: {editions}（書かなければ {of_kind[0].edition}）。"
        f" 使える様式: {known_forms()}"
    )


@cache  # asked for every block reference; the forms are fixed for the process
def changes_files() -> frozenset[str]:
    """File stems of every form's change list (（別添２）): history, pinned on purpose, no content."""
    return frozenset(f.changes.file for f in all_forms())
