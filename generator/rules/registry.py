"""The rule registry: every check of a loaded assessment is a function registered with an id.

    @rule("R05", forms=("重点項目評価書",), title="Ⅲ-6 接続しない と 入手方法・提供方法")
    def network_boxes(a: Assessment, form: FormDefinition | None, report: Reporter) -> None: ...

``run_rules`` runs the rules whose ``forms`` include the form's kind; every message a rule adds
carries its id (the registry sets it on the Reporter), so a rule never spells its own id.
Rule modules are the modules of this package; they are imported on first use, so a new module
registers its rules by existing (kiso's ``threshold.py`` needs no line here). ``MODULE_FORMS``
only spares a form's checks the modules with no rule for it.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
from collections.abc import Callable, Iterable

from ..diagnostics import Reporter
from ..records import dataclass

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from ..model import Assessment

    RuleFunc = Callable[[Assessment, Any, Reporter], None]

DEFAULT_KIND = "重点項目評価書"  # a folder whose cover names no form

# The forms the rules of a module are registered for, so that checking a form imports only the
# modules with rules for it: a 基礎 runs 3 rules of 2 modules, and importing the 重点's 12 others
# (and their helpers) was 1.2 ms of its build. A module not listed is imported for every form (a
# new module needs no line); a test checks each line against the rules its module registers.
MODULE_FORMS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("printed", "sections", "values"), ()),  # no rules: imported by their users
    **dict.fromkeys(
        ("checkboxes", "chronology", "companions", "entrustment", "history", "names", "network",
         "procedure", "provision", "records", "structure", "wording"),
        (DEFAULT_KIND,),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Rule:
    id: str
    forms: tuple[str, ...]
    title: str
    func: RuleFunc

    @property
    def module(self) -> str:
        return self.func.__module__


_RULES: dict[str, Rule] = {}
_loaded = False  # every rule module imported


def rule(
    id: str, *, forms: tuple[str, ...] = (DEFAULT_KIND,), title: str = ""
) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` as rule ``id`` for the forms named (their ``FormDefinition.kind``)."""
    if isinstance(forms, str):  # ("重点項目評価書") without the comma is a string, not a tuple
        forms = (forms,)

    def register(func: RuleFunc) -> RuleFunc:
        known = _RULES.get(id)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"rule id {id} registered twice: {known.module} and {func.__module__}")
        _RULES[id] = Rule(id, tuple(forms), title, func)
        return func

    return register


def _load_rule_modules(kind: str | None = None) -> None:
    """Import the rule modules with rules for ``kind`` (None: every one), once per kind."""
    global _loaded
    if _loaded or kind in _kinds_loaded:
        return
    package = __name__.rsplit(".", 1)[0]
    if not _names:  # the package's folder read once (a build checks a form for every folder)
        _names.extend(_module_names(importlib.import_module(package).__path__))
    for name in _names:
        if name != "registry" and (kind is None or kind in MODULE_FORMS.get(name, (kind,))):
            importlib.import_module(f"{package}.{name}")
    _loaded = kind is None
    if kind is not None:
        _kinds_loaded.add(kind)


_names: list[str] = []  # the rule modules' names
_kinds_loaded: set[str] = set()  # the forms whose rule modules are imported


def _module_names(path: Iterable[str]) -> list[str]:
    """The names ``pkgutil.iter_modules`` gives for a package's folders, sorted; read here because
    pkgutil imports ``inspect`` for it (9 ms of every build's start)."""
    suffixes = importlib.machinery.all_suffixes()
    names = set()
    for folder in path:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                if entry.name.isidentifier() and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                    names.add(entry.name)
                continue
            stem = next((entry.name[: -len(s)] for s in suffixes if entry.name.endswith(s)), "")
            if stem.isidentifier() and stem != "__init__":
                names.add(stem)
    return sorted(names)


def all_rules() -> tuple[Rule, ...]:
    _load_rule_modules()
    return tuple(sorted(_RULES.values(), key=lambda r: r.id))


def get_rule(id: str) -> Rule:
    _load_rule_modules()
    return _RULES[id]


def form_kind(form: object | None) -> str:
    """The name rules register for: the definition's rule set (its kind unless it says otherwise)."""
    return getattr(form, "rules", None) or getattr(form, "kind", None) or DEFAULT_KIND


def rules_for(form: object | None) -> tuple[Rule, ...]:
    kind = form_kind(form)
    _load_rule_modules(kind)
    return tuple(r for r in sorted(_RULES.values(), key=lambda r: r.id) if kind in r.forms)


def run_rules(
    a: Assessment, form: object | None, reporter: Reporter, *, only: set[str] | None = None
) -> None:
    """Run every rule of ``form`` (None: the default 重点 form) over ``a``, each under its id."""
    for r in rules_for(form):
        if only is not None and r.id not in only:
            continue
        with reporter.rule_scope(r.id):
            r.func(a, form, reporter)
