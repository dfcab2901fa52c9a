"""The ``hyoka`` program's entry point (pyproject.toml's ``[project.scripts]``): generator.cli,
imported at the least cost, then run.

A build of the smallest example takes ~70 ms, a third of it in imports. While the CLI's modules
are imported here:

* the cyclic garbage collector is paused: its passes over what the imports make find nothing to
  free (~1 ms). It then runs as it did before; the objects the imports made are set aside for
  good (``gc.freeze``, as Python's documentation advises before forking without exec, which
  ``hyoka build`` does), so that no later pass goes over them again;
* two standard modules that the CLI's imports name but a run seldom calls are loaded when first
  called, as Python 3.13's pathlib does itself: ``urllib.parse`` (with ``ipaddress``, 2.5 ms),
  which pathlib 3.11 and 3.12 import for ``Path.as_uri`` alone, and ``gettext`` (0.7 ms), whose
  two functions argparse imports (cli.py replaces ``_`` with argparse's words in Japanese;
  ``ngettext`` loads gettext at its first plural message).
"""

from __future__ import annotations

import gc
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from types import ModuleType

# module → its functions that the CLI's imports take (``from module import function``)
DEFERRED = {"urllib.parse": ("quote_from_bytes",), "gettext": ("gettext", "ngettext")}


def cli() -> ModuleType:
    """generator.cli, imported as above."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return deferring("generator.cli")
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def deferring(name: str) -> ModuleType:
    """The module ``name``, imported with the ``DEFERRED`` modules loaded when first called (the
    CLI, and its argparse layer generator.cliparse, which a plain build does without)."""
    stand_ins = [
        _stand_in(deferred, functions)
        for deferred, functions in DEFERRED.items()
        if deferred not in sys.modules
    ]
    try:
        __import__(name)
        return sys.modules[name]
    finally:
        for stand_in in stand_ins:
            stand_in_name = stand_in.__name__
            if sys.modules.get(stand_in_name) is stand_in:
                del sys.modules[stand_in_name]
                # ``import urllib.parse`` found the stand-in, so the package never got its
                # ``parse``: the stand-in stays there, and loads the module when first used
                parent, _, child = stand_in_name.rpartition(".")
                if parent in sys.modules and not hasattr(sys.modules[parent], child):
                    setattr(sys.modules[parent], child, stand_in)


def entry() -> None:
    cli().entry()


def _stand_in(name: str, functions: tuple[str, ...]) -> ModuleType:
    """A module put in ``sys.modules`` for ``name`` (until the CLI is imported): each of its
    ``functions`` loads the module when called and calls its own; any other attribute asked for
    loads the module at once."""
    stand_in = type(sys)(name)

    def load() -> ModuleType:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        __import__(name)
        return sys.modules[name]

    def deferred(function: str):  # noqa: ANN202 - the module's function, whatever its signature
        def call(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            return getattr(load(), function)(*args, **kwargs)

        call.__name__ = call.__qualname__ = function
        return call

    def attribute(attr: str) -> object:
        if attr.startswith("__"):  # the import system's questions (``__path__``: a package?)
            raise AttributeError(attr)
        return getattr(load(), attr)

    for function in functions:
        setattr(stand_in, function, deferred(function))
    stand_in.__getattr__ = attribute  # type: ignore[method-assign]
    sys.modules[name] = stand_in
    return stand_in


if __name__ == "__main__":  # python -m generator.launch: as the console script runs it
    entry()
