"""Diagnostics as data, collected over a whole run before failing (after docutils' Reporter).

A message names the file, line and column, the rule id, the official item label and what is
allowed; the CLI prints ``file:line:col レベル [R01] 「項目」 メッセージ``. Exceptions map to exit codes.

Rule ids (documented in README「検査」): ``Y`` YAML の書き方, ``S`` 様式との照合 (reader), ``B`` 共通記載
ブロック, ``C`` 記入漏れ (completeness), ``R01``–``R18`` form-items §11, ``G`` 指針による文書の検査,
``T`` しきい値, ``A`` 確認済み（acknowledgement）の管理. A diagnostic made inside a registered rule carries
that rule's id without the rule saying so (``Reporter.rule_scope``).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .records import dataclass, field
from .terminal import escape, shorten

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any, ClassVar, TextIO, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])


class Severity(int):
    """How grave a finding is: ``INFO`` < ``WARNING`` < ``ERROR``, ints that compare and sort (an
    ``IntEnum`` before: making the enum class cost 0.2 ms of every start)."""

    __slots__ = ()
    INFO: ClassVar[Severity]
    WARNING: ClassVar[Severity]
    ERROR: ClassVar[Severity]

    @property
    def word(self) -> str:
        return ("情報", "警告", "エラー")[self]

    @property
    def name(self) -> str:
        return ("INFO", "WARNING", "ERROR")[self]

    def __repr__(self) -> str:
        return f"<Severity.{self.name}: {int(self)}>"

    def __str__(self) -> str:
        return int.__repr__(self)  # 「2」, as an IntEnum's (and in an f-string)

    def __reduce__(self) -> tuple[Callable[[int], Severity], tuple[int]]:
        return _severity, (int(self),)  # unpickled (a build's worker) as the same one of the three


# the only three: a Severity is one of them (``d.severity is Severity.ERROR``)
_SEVERITIES = Severity.INFO, Severity.WARNING, Severity.ERROR = Severity(0), Severity(1), Severity(2)


def _severity(value: int) -> Severity:
    return _SEVERITIES[value]


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0  # 1-based; 0 when the whole file is meant
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    location: Location
    label: str  # official item label (「Ⅱ ３．④使用の主体 使用者数」); empty for file-level messages
    message: str
    rule: str = ""  # rule id (「R05」, 「S」, 「C01」); empty only for messages outside any check
    acknowledged: str = ""  # the author's reason when acknowledged (generator/acknowledge.py)

    def shown(self, minimum: Severity = Severity.WARNING) -> bool:
        """Whether a report shows it (and counts it): an acknowledged finding is only listed."""
        return self.severity >= minimum and not self.acknowledged

    def format(self) -> str:
        label = f"「{self.label}」 " if self.label else ""
        rule = f"[{self.rule}] " if self.rule else ""
        text = f"{self.location} {self.severity.word} {rule}{label}{self.message}"
        return text + (f" （確認済み: {self.acknowledged}）" if self.acknowledged else "")


MAX_PER_FILE = 100  # messages kept per file: thousands from one file are one mistake repeated
_MORE = "このファイルにはほかにも問題があります（表示は 1 ファイル {n} 件まで）。上の問題から直してください。"


@dataclass
class Reporter:
    """Collects diagnostics; nothing is raised until the caller asks ``raise_if_errors``."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    current_rule: str = ""  # id given to messages that name none (set by ``rule_scope``)
    # per file: how many kept, and the index of the 「ほかにも」 line once the cap is reached
    _kept: dict[str, int] = field(default_factory=dict, repr=False)
    _more: dict[str, int] = field(default_factory=dict, repr=False)

    def add(
        self, severity: Severity, location: Location, label: str, message: str, *, rule: str = ""
    ) -> None:
        self._keep(Diagnostic(severity, location, label, message, rule or self.current_rule))

    def _keep(self, d: Diagnostic) -> None:
        location, severity = d.location, d.severity
        kept = self._kept.get(location.file, 0)
        if kept < MAX_PER_FILE:
            self._kept[location.file] = kept + 1
            self.diagnostics.append(d)
            return
        # past the cap: one line for the rest, as severe as the worst of them
        more = Diagnostic(severity, location, "", _MORE.format(n=MAX_PER_FILE), d.rule)
        index = self._more.get(location.file)
        if index is None:
            self._more[location.file] = len(self.diagnostics)
            self.diagnostics.append(more)
        elif self.diagnostics[index].severity < severity:
            self.diagnostics[index] = more

    def full(self, file: str) -> bool:
        """Whether messages about ``file`` are no longer shown (callers may stop looking)."""
        return self._kept.get(file, 0) >= MAX_PER_FILE

    def error(self, location: Location, label: str, message: str, *, rule: str = "") -> None:
        self.add(Severity.ERROR, location, label, message, rule=rule)

    def warning(self, location: Location, label: str, message: str, *, rule: str = "") -> None:
        self.add(Severity.WARNING, location, label, message, rule=rule)

    def info(self, location: Location, label: str, message: str, *, rule: str = "") -> None:
        self.add(Severity.INFO, location, label, message, rule=rule)

    @contextmanager
    def rule_scope(self, rule: str) -> Iterator[None]:
        """Messages added inside carry ``rule`` unless they name their own id."""
        outer, self.current_rule = self.current_rule, rule
        try:
            yield
        finally:
            self.current_rule = outer

    def extend(self, other: Reporter) -> None:
        for d in other.diagnostics:
            self._keep(d)  # as it is (its rule id, an acknowledgement), under this reporter's cap

    @property
    def errors(self) -> list[Diagnostic]:
        """Errors that count (an acknowledged finding is listed, not counted)."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR and not d.acknowledged]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING and not d.acknowledged]

    @property
    def acknowledged(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.acknowledged]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=lambda d: (d.location, -d.severity))

    def print(self, stream: TextIO | None = None, minimum: Severity = Severity.WARNING) -> None:
        stream = stream or sys.stderr
        for d in self.sorted():
            if d.shown(minimum):
                print(escape(shorten(d.format())), file=stream)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise SourceError(self)


class HeldReporter(Reporter):
    """Diagnostics held as given (no cap) to be passed on later with ``Reporter.extend``: work
    done early whose messages belong after others keeps the order, and the cap, of doing it late."""

    def _keep(self, d: Diagnostic) -> None:
        self.diagnostics.append(d)


def in_rule_scope(rule: str) -> Callable[[F], F]:
    """Decorate a function taking ``reporter``: what it reports without an id carries ``rule``."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def scoped(*args: Any, **kwargs: Any) -> Any:
            reporter = kwargs.get("reporter") or next((x for x in args if isinstance(x, Reporter)), None)
            if reporter is None:
                return func(*args, **kwargs)
            with reporter.rule_scope(rule):
                return func(*args, **kwargs)

        return scoped  # type: ignore[return-value]

    return wrap


class HyokaError(Exception):
    """Base of the errors the CLI turns into a message and an exit status (no traceback)."""

    exit_code = 1


class SourceError(HyokaError):
    """The sources have errors; the reporter holds them all."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        count = len(reporter.errors)
        super().__init__(f"{count} 件のエラーがあります。出力は書き込んでいません。")


class UsageError(HyokaError):
    """The command line asks for something impossible (unknown format, missing folder)."""

    exit_code = 2


class ToolMissingError(HyokaError):
    """An external program (LibreOffice, git) is needed and not installed."""


def display_path(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when inside it."""
    folder, name = (path, "") if path.name in ("", ".", "..") else (path.parent, path.name)
    inside = _folder_inside(os.getcwd(), folder)
    if inside is not None:
        return str(inside / name) if name else str(inside)
    try:  # a folder outside the working directory, and so a file in it, may still be inside
        return str(_resolved(path).relative_to(_resolved_cwd(os.getcwd())))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=512)
def _folder_inside(cwd: str, folder: Path) -> Path | None:
    """``folder`` resolved, relative to the working directory ``cwd``; None when not inside it.
    Kept for the process: a build names every file it reads, most in a few folders, and each
    resolve costs a look at every component of the path."""
    try:
        return folder.resolve().relative_to(_resolved_cwd(cwd))
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _resolved_cwd(cwd: str) -> Path:
    """The working folder resolved once per folder (every source file's name is shown relative
    to it: resolving it each time was half the cost of a name)."""
    return Path(cwd).resolve()


def _resolved(path: Path) -> Path:
    """The folder resolved, the name kept: a message about a link names the link (a dangling
    link or a symlink loop has no target to name)."""
    if path.name in ("", ".", ".."):
        return path.resolve()
    return path.parent.resolve() / path.name
