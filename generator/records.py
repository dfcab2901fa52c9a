"""Records: the part of ``dataclasses`` hyoka uses, at a fraction of its cost at import.

``@dataclass`` compiles five or six methods per class and asks ``inspect`` for a signature as it
defines the class: 0.7–0.95 ms a class, ~90 ms for the 116 classes a build imports, most of which
a given build never makes. This module's ``@dataclass`` takes the same arguments and gives the same
classes (typed as dataclasses through ``dataclass_transform``; the same name, so a module moves
here by its import line alone), but compiles a class's ``__init__``, ``__eq__``,
``__hash__`` and ordering methods each at its first call, and shares one
``__repr__`` and one frozen ``__setattr__`` among all; compiled code is kept in the user's cache
for the next run, as Python keeps a module's in .pyc files. The compiled methods are those
``dataclasses`` writes (Python 3.11), so comparing and hashing records cost what they did, and
building one no more: a frozen record's ``__init__`` fills its ``__dict__`` at once, 3× faster
than ``object.__setattr__`` per field (``slots=True`` makes the class again, as ``dataclasses``
does: slots exist only from a class's creation).

Supported: ``frozen``, ``eq``, ``order``, ``slots``; ``field(default=, default_factory=, init=,
repr=, compare=)``; class-level defaults; ``ClassVar`` annotations (not fields); fields inherited
from a record base; ``__post_init__``; methods the class defines itself are kept; pickling (frozen
slots records get ``__getstate__``/``__setstate__``); ``replace``, ``fields``, ``is_record``.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import reprlib  # imported at start-up already (by collections)
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType
    from typing import Any, TypeVar, dataclass_transform, overload

    _T = TypeVar("_T")


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
_FACTORY: Any = type("_Factory", (), {"__slots__": (), "__repr__": lambda self: "<factory>"})()


class Field:
    """One field of a record (what ``fields`` returns)."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "compare")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, compare: bool) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, compare={self.compare!r})"


if TYPE_CHECKING:

    @overload
    def field(*, default: _T, init: bool = ..., repr: bool = ..., compare: bool = ...) -> _T: ...
    @overload
    def field(
        *, default_factory: Callable[[], _T], init: bool = ..., repr: bool = ..., compare: bool = ...
    ) -> _T: ...
    @overload
    def field(*, init: bool = ..., repr: bool = ..., compare: bool = ...) -> Any: ...


def field(  # type: ignore[misc]  # the overloads above are the typed face
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field's options, as ``dataclasses.field``."""
    return Field(default, default_factory, init, repr, compare)


if TYPE_CHECKING:

    @overload
    @dataclass_transform(field_specifiers=(field, Field))
    def dataclass(cls: type[_T], /) -> type[_T]: ...
    @overload
    def dataclass(
        *, frozen: bool = False, eq: bool = True, order: bool = False, slots: bool = False
    ) -> Callable[[type[_T]], type[_T]]: ...


def dataclass(  # type: ignore[misc]  # the overloads above are the typed face
    cls: Any = None, /, *, frozen: bool = False, eq: bool = True, order: bool = False, slots: bool = False
) -> Any:
    """Make ``cls`` a record: what ``dataclasses.dataclass`` with the same arguments makes of it."""

    def wrap(cls: type) -> type:
        return _process(cls, frozen, eq, order, slots)

    return wrap if cls is None else wrap(cls)


def fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a record or record class, in order (``ClassVar`` excluded)."""
    cls: Any = obj if isinstance(obj, type) else type(obj)
    try:
        return cls.__record_fields__
    except AttributeError:
        raise TypeError("must be called with a record type or instance") from None


def is_record(obj: Any) -> bool:
    cls = obj if isinstance(obj, type) else type(obj)
    return hasattr(cls, "__record_fields__")


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with ``changes`` (through ``__init__``, so checks run again)."""
    for f in fields(obj):
        if not f.init:
            if f.name in changes:
                raise ValueError(
                    f"field {f.name} is declared with init=False, it cannot be specified with replace()"
                )
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):  # from __future__ import annotations (most fields: no ClassVar)
        return "ClassVar" in annotation and annotation.replace(" ", "").split("[", 1)[0] in (
            "ClassVar",
            "typing.ClassVar",
            "t.ClassVar",
        )
    typing = sys.modules.get("typing")
    return typing is not None and (
        annotation is typing.ClassVar or getattr(annotation, "__origin__", None) is typing.ClassVar
    )


def _process(cls: Any, frozen: bool, eq: bool, order: bool, slots: bool) -> type:
    found: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        for f in base.__dict__.get("__record_fields__", ()):
            found[f.name] = f
    own = cls.__dict__.get("__annotations__", {})
    for name, annotation in own.items():
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            f = value
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        else:
            f = Field(value, MISSING, True, True, True)
        f.name, f.type = name, annotation
        if isinstance(f.default, (list, dict, set)):  # one object shared by every record: refused
            raise ValueError(
                f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory"
            )
        found[name] = f  # a field a base has too keeps its place, as in dataclasses
    all_fields = tuple(found.values())
    defaulted = False
    for f in all_fields:
        if not f.init:
            continue
        if f.default is not MISSING or f.default_factory is not MISSING:
            defaulted = True
        elif defaulted:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")

    if slots:
        cls = _with_slots(cls, all_fields)
    cls.__record_fields__ = all_fields
    body = cls.__dict__
    lazy = ["__init__"]
    if eq:
        lazy.append("__eq__")
        explicit_hash = body.get("__hash__", MISSING)
        if explicit_hash is MISSING or (explicit_hash is None and "__eq__" in body):
            if frozen:
                lazy.append("__hash__")
            else:
                cls.__hash__ = None
    if order:
        lazy += ["__lt__", "__le__", "__gt__", "__ge__"]
    for name in lazy:
        if name not in body or name == "__hash__":  # (a __hash__ here is the None that __eq__ implies)
            setattr(cls, name, _stub(cls, name))
    if "__repr__" not in body:
        cls.__repr__ = _repr
    if frozen:
        if "__setattr__" in body or "__delattr__" in body:
            raise TypeError(f"cannot overwrite attribute __setattr__ or __delattr__ in class {cls.__name__}")
        cls.__setattr__ = _frozen_setattr
        cls.__delattr__ = _frozen_delattr
        if slots:
            cls.__getstate__ = _getstate
            cls.__setstate__ = _setstate
    if "__match_args__" not in body:
        cls.__match_args__ = tuple(f.name for f in all_fields if f.init)  # type: ignore[misc]
    return cls


def _with_slots(cls: Any, all_fields: tuple[Field, ...]) -> Any:
    """The class made again with ``__slots__`` (slots exist only from a class's creation)."""
    body = dict(cls.__dict__)
    inherited = {s for base in cls.__mro__[1:-1] for s in base.__dict__.get("__slots__", ())}
    names = tuple(f.name for f in all_fields)
    body["__slots__"] = tuple(n for n in names if n not in inherited)
    for name in names:
        body.pop(name, None)  # a class-level default would clash with the slot; __init__ has it
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    qualname = cls.__qualname__
    made = type(cls)(cls.__name__, cls.__bases__, body)
    made.__qualname__ = qualname
    return made


def _stub(cls: Any, name: str) -> Callable[..., Any]:
    """Stands for a method until its first call, which compiles the method ``dataclasses`` would
    write and puts it in the stub's place."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        if cls.__dict__[name] is method:  # not yet compiled (a caller may hold the stub itself)
            _compile(cls, name)
        return cls.__dict__[name](self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


def _compile(cls: Any, name: str) -> None:
    names: dict[str, Any] = {"_FACTORY": _FACTORY, "_set": object.__setattr__}
    all_fields: tuple[Field, ...] = cls.__record_fields__
    if name == "__init__":
        source = _init_source(cls, all_fields, names)
    else:
        compared = [f.name for f in all_fields if f.compare]
        mine = "(" + "".join(f"self.{n}," for n in compared) + ")"
        theirs = "(" + "".join(f"other.{n}," for n in compared) + ")"
        if name == "__hash__":
            source = f"def __hash__(self):\n return hash({mine})"
        else:
            source = (
                f"def {name}(self, other):\n"
                f" if other.__class__ is self.__class__: return {mine} {_COMPARISONS[name]} {theirs}\n"
                " return NotImplemented"
            )
    exec(_code(source), names)  # noqa: S102 - the source is made here from field names only
    method = names[name]
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, method)


def _init_source(cls: Any, all_fields: tuple[Field, ...], names: dict[str, Any]) -> str:
    """The source of ``__init__``; the defaults, factories and slot setters it names go in ``names``."""
    frozen = cls.__setattr__ is _frozen_setattr
    slotted = frozen and "__slots__" in cls.__dict__
    # a frozen record's fields go into its __dict__ at once: object.__setattr__ for each took
    # 0.1 µs a field (20 for a form item); not where a field's name is a descriptor's it sets
    in_dict = frozen and not slotted and not any(_sets(cls, f.name) for f in all_fields)
    params, lines, stored = ["self"], [], []
    for f in all_fields:
        n = f.name
        if f.default_factory is not MISSING:
            names[f"_f_{n}"] = f.default_factory
            value = f"_f_{n}() if {n} is _FACTORY else {n}" if f.init else f"_f_{n}()"
        elif f.init:
            value = n
        elif f.default is not MISSING:
            value = f"_d_{n}"
        else:
            continue
        if f.init:
            if f.default_factory is not MISSING:
                params.append(f"{n}=_FACTORY")
            elif f.default is not MISSING:
                params.append(f"{n}=_d_{n}")
            else:
                params.append(n)
        if f.default is not MISSING:
            names[f"_d_{n}"] = f.default
        if slotted:
            names[f"_s_{n}"] = getattr(cls, n).__set__  # the slot may be a record base's
            lines.append(f"_s_{n}(self, {value})")
        elif in_dict:
            stored.append(f"{n!r}: {value}")
        elif frozen:
            lines.append(f"_set(self, {n!r}, {value})")
        else:
            lines.append(f"self.{n} = {value}")
    if stored:
        lines.append(f"self.__dict__.update({{{', '.join(stored)}}})")
    if hasattr(cls, "__post_init__"):
        lines.append("self.__post_init__()")
    return "\n".join([f"def __init__({', '.join(params)}):", *(f" {line}" for line in lines or ["pass"])])


def _sets(cls: type, name: str) -> bool:
    """Whether ``name`` is a data descriptor of the class (its ``__set__`` would take the value)."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return hasattr(type(klass.__dict__[name]), "__set__")
    return False


_COMPARISONS = {"__eq__": "==", "__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}


# -- compiled methods kept between runs ---------------------------------------------------
# Compiling a method costs 0.1–0.2 ms, and a build makes ~70 kinds of record: the code objects are
# kept in the user's cache, keyed by their source (as .pyc files keep a module's), one file per
# Python version. The cache only spares compiling: the same source gives the same code.

_codes: dict[str, CodeType] | None = None
_used: set[str] = set()  # the sources this process asked for
_compiled: list[str] = []  # those it compiled, not found in the cache


def _code(source: str) -> CodeType:
    global _codes
    if _codes is None:
        _codes = _read_codes()
    _used.add(source)
    code = _codes.get(source)
    if code is None:
        code = _codes[source] = compile(source, "<record>", "exec")
        if not _compiled:
            import atexit

            atexit.register(_write_codes)
        _compiled.append(source)
    return code


def _codes_file() -> str | None:
    from .cachedir import cache_dir

    folder = cache_dir("records")
    return None if folder is None else os.path.join(folder, f"methods-{sys.hexversion:x}.marshal")


def _read_codes() -> dict[str, CodeType]:
    path = _codes_file()
    try:
        with open(path or "", "rb") as fh:
            codes = marshal.loads(fh.read())  # marshal.load reads a file in small pieces: 2 ms here
    except Exception:  # noqa: BLE001 - none yet, unreadable or damaged: compiled again
        return {}
    return codes if isinstance(codes, dict) else {}


def _write_codes() -> None:
    """At exit, when this process compiled a method the cache lacked; written whole and replaced,
    so that a reader never sees half a file (the last of concurrent writers wins)."""
    path = _codes_file()
    if path is None or _codes is None:
        return
    codes = _codes if len(_codes) <= _MAX_CODES else {s: _codes[s] for s in _used}
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temp, "wb") as fh:
            fh.write(marshal.dumps(codes))
        os.replace(temp, path)
    except OSError:  # a full disk, a read-only cache: compiled again next time
        with contextlib.suppress(OSError):
            os.remove(temp)


_MAX_CODES = 5000  # beyond: the file keeps only what the last run used (edited classes pile up)


@reprlib.recursive_repr()  # a record that holds itself shows 「...」 there, as dataclasses' does
def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__ if f.repr)
    return f"{self.__class__.__qualname__}({shown})"


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name) for f in self.__record_fields__]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(self.__record_fields__, state, strict=True):
        object.__setattr__(self, f.name, value)
