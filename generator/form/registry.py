"""Every form and edition hyoka knows, and the lookup by the cover's 「様式:」 and 「版:」.

A module listed in ``MODULES`` exports ``FORMS``, its definitions; the first definition of a kind
is its current edition. ``get_form()`` without arguments is the current 重点項目評価書 (a folder whose
cover names no form). A lookup imports only the module of the kind asked for (a 基礎's build did
without the 重点's definitions: ~0.25 ms of its start).
"""

from __future__ import annotations

import importlib
import unicodedata
from functools import cache

from ..records import replace
from .definition import FormDefinition

# module → what the lookups need of its forms before it is imported: their kind (every edition of
# a kind in one module), short name and 様式 number (the names a cover may give), and the stems of
# their covers' files. tests/test_forms.py checks them against the modules' FORMS.
MODULES: dict[str, tuple[str, str, int, tuple[str, ...]]] = {
    "generator.form.juten": ("重点項目評価書", "重点", 3, ("0_表紙",)),
    "generator.form.kiso": ("基礎項目評価書", "基礎", 2, ("0_表紙",)),
}
DEFAULT_KIND = "重点項目評価書"


class UnknownForm(ValueError):
    """An unknown 様式 or 版; the message (Japanese) lists the known ones."""


@cache
def all_forms() -> tuple[FormDefinition, ...]:
    """Every definition, each with ``until`` set to the start of its kind's next edition."""
    return tuple(form for name in MODULES for form in module_forms(name))


@cache
def module_forms(name: str) -> tuple[FormDefinition, ...]:
    """The definitions of the module ``name`` (none when it is not there), as ``all_forms``."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # a module that is there but fails to import is a bug
            raise
        return ()
    found: tuple[FormDefinition, ...] = module.FORMS
    out: list[FormDefinition] = []
    for form in found:
        later = [f.since for f in found if f.kind == form.kind and f.since > form.since]
        out.append(replace(form, until=min(later)) if later else form)
    return tuple(out)


def cover_files() -> frozenset[str]:
    """The stems of every form's cover file, no form module imported."""
    return frozenset(stem for *_, stems in MODULES.values() for stem in stems)


def _forms_named(kind: str) -> tuple[FormDefinition, ...]:
    """The definitions a cover's 「様式:」 may mean: those of the module whose kind it names,
    else (no such module) every one."""
    key = _norm(kind)
    names = [
        name
        for name, (of_kind, short, number, _) in MODULES.items()
        if key in {_norm(of_kind), _norm(short), _norm(f"様式{number}")}
    ]
    return tuple(form for name in names for form in module_forms(name)) if names else all_forms()


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
    wanted = kind if kind is not None and kind.strip() else DEFAULT_KIND
    forms = _forms_named(wanted)
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
