"""Build progress: a rich progress bar on a terminal, plain lines otherwise, nothing when quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .terminal import escape

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import Protocol

    class Progress(Protocol):
        def done(self, name: str) -> None:
            """One assessment laid out and rendered."""

        def line(self, text: str) -> None:
            """A line for the log (a file written); kept above the bar on a terminal."""


class _Quiet:
    def done(self, name: str) -> None:
        pass

    def line(self, text: str) -> None:
        pass


class _Plain:
    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0

    def done(self, name: str) -> None:
        self.count += 1
        print(f"組版しました ({self.count}/{self.total}): {name}", flush=True)

    def line(self, text: str) -> None:
        print(text, flush=True)


class _Bar:
    def __init__(self, progress, task) -> None:  # noqa: ANN001 - rich types, imported lazily
        self.progress = progress
        self.task = task

    def done(self, name: str) -> None:
        self.progress.update(self.task, advance=1, description=f"組版中 {escape(name)}", refresh=True)

    def line(self, text: str) -> None:
        self.progress.console.print(escape(text), highlight=False, markup=False)
        self.progress.refresh()


@contextmanager
def progress(total: int, quiet: bool) -> Iterator[Progress]:
    if quiet:
        yield _Quiet()
        return
    if not sys.stderr.isatty():
        yield _Plain(total)
        return
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress
    except ImportError:  # rich is a dependency; a stripped install still gets plain lines
        yield _Plain(total)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # the stream under the CLI's escaping one: the bar's own escape sequences must get through
    console = Console(file=getattr(sys.stderr, "raw", sys.stderr))
    # drawn when a folder is done, without rich's refresh thread: a thread running would keep the
    # one-folder build from forking (commands/spread.py available)
    with RichProgress(*columns, console=console, transient=False, auto_refresh=False) as bar:
        yield _Bar(bar, bar.add_task("組版中", total=total))
