"""The typed model of one assessment: values read and validated against the form schema.

Every value keeps the location it was read from, so later stages (consistency rules, block
resolution, change tables) can still point at the YAML line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dates import FormDate
from .diagnostics import Location


@dataclass(frozen=True)
class BlockRef:
    """A reference to a shared standard text: ``{block: id, version: v, params: {...}}``."""

    id: str
    version: str | None
    params: tuple[tuple[str, str], ...]
    loc: Location
    label: str = field(default="", compare=False)  # official item label, for messages and usage


TextPart = str | BlockRef


@dataclass(frozen=True)
class Text:
    parts: tuple[TextPart, ...]  # Markdown strings and block references, in order
    loc: Location

    @property
    def empty(self) -> bool:
        return not any(p.strip() if isinstance(p, str) else True for p in self.parts)


@dataclass(frozen=True)
class Choice:
    value: str | None
    loc: Location


@dataclass(frozen=True)
class Checks:
    checked: tuple[tuple[str, str | None], ...]  # (option label, （ ） text or None), in form order
    loc: Location

    def has(self, label: str) -> bool:
        return any(label == c for c, _ in self.checked)

    def detail(self, label: str) -> str | None:
        return next((d for c, d in self.checked if c == label), None)


@dataclass(frozen=True)
class DateValue:
    date: FormDate | None
    loc: Location


@dataclass(frozen=True)
class Flag:
    value: bool
    loc: Location


Value = Text | Choice | Checks | DateValue | Flag


@dataclass
class Record:
    """Values of one mapping of the form, keyed by YAML key; nested heads and lists inside."""

    loc: Location
    values: dict[str, Value | Record | list[Record]] = field(default_factory=dict)

    def get(self, *path: str) -> Value | Record | list[Record] | None:
        node: object = self
        for key in path:
            if not isinstance(node, Record):
                return None
            node = node.values.get(key)
        return node  # type: ignore[return-value]

    def text(self, *path: str) -> Text | None:
        v = self.get(*path)
        return v if isinstance(v, Text) else None

    def choice(self, *path: str) -> str | None:
        v = self.get(*path)
        return v.value if isinstance(v, Choice) else None

    def checks(self, *path: str) -> Checks | None:
        v = self.get(*path)
        return v if isinstance(v, Checks) else None

    def flag(self, *path: str) -> bool:
        v = self.get(*path)
        return v.value if isinstance(v, Flag) else False

    def records(self, *path: str) -> list[Record]:
        v = self.get(*path)
        return v if isinstance(v, list) else []


@dataclass(frozen=True)
class Annex1Group:
    """One group of （別添１）: caption, sub-caption, the items as printed, a footnote."""

    caption: str
    subcaption: str
    items: Text | None
    note: Text | None
    loc: Location


@dataclass(frozen=True)
class ChangeRow:
    """One row of （別添２） 変更箇所."""

    date: DateValue
    item: Text
    before: Text
    after: Text
    timing: Choice
    reason: Text
    loc: Location


@dataclass
class FileSections:
    """Ⅱ, （別添１） and Ⅲ of one 特定個人情報ファイル."""

    number: int
    overview: Record  # Ⅱ
    annex1: list[Annex1Group]
    risks: Record  # Ⅲ
    overview_file: Path
    risks_file: Path | None


@dataclass
class Assessment:
    folder: Path
    name: str  # folder name, used for output names
    cover: Record
    basic: Record  # Ⅰ
    files: list[FileSections]
    disclosure: Record  # Ⅳ
    procedure: Record  # Ⅴ
    changes: list[ChangeRow]
    sources: list[Path] = field(default_factory=list)

    @property
    def title(self) -> str:
        t = self.cover.text("評価書名")
        return "".join(p for p in t.parts if isinstance(p, str)).strip() if t else self.name
