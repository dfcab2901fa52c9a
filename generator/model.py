"""The typed model of one assessment: values read and validated against its form definition.

Every value keeps the location it was read from, so later stages (consistency rules, block
resolution, change tables) can still point at the YAML line.
"""

from __future__ import annotations

from pathlib import Path

from .dates import FormDate
from .diagnostics import Location
from .records import dataclass, field

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from .form.definition import FormDefinition


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
    """The per-file sections of one 特定個人情報ファイル (Ⅱ, （別添１） and Ⅲ of the 重点 form).

    ``records`` and ``paths`` are keyed by section id, ``annexes`` by the id of the section whose
    file holds the annex. Older names (``overview``, ``risks``, ``annex1``, ``overview_file``) are
    looked up through the form's accessors."""

    number: int
    records: dict[str, Record]
    annexes: dict[str, list[Annex1Group]] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    accessors: tuple[tuple[str, str], ...] = ()

    def record(self, section_id: str) -> Record:
        return self.records[section_id]

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("records", "annexes", "paths", "accessors"):
            raise AttributeError(name)
        names = dict(self.accessors)
        if name in names:
            return self.records[names[name]]
        if name.endswith("_file") and name[: -len("_file")] in names:
            return self.paths.get(names[name[: -len("_file")]])
        if name == "annex1":  # the first (in the 重点 form, only) annex of the file
            return next(iter(self.annexes.values()), [])
        raise AttributeError(name)


@dataclass
class Assessment:
    """One assessment read against its form: single sections by id, the per-file ones per file."""

    folder: Path
    name: str  # folder name, used for output names
    form: FormDefinition
    sections: dict[str, Record]
    files: list[FileSections]
    changes: list[ChangeRow]
    sources: list[Path] = field(default_factory=list)

    def section(self, section_id: str) -> Record:
        return self.sections[section_id]

    @property
    def cover(self) -> Record:
        return self.sections[self.form.cover.id]

    def __getattr__(self, name: str):
        # older callers name sections (``assessment.basic``); the form says which section that is
        if name.startswith("__") or name in ("form", "sections"):
            raise AttributeError(name)
        section_id = self.form.accessor(name)
        if section_id is None or section_id not in self.sections:
            raise AttributeError(name)
        return self.sections[section_id]

    @property
    def title(self) -> str:
        t = self.cover.text(self.form.cover_keys.name)
        return "".join(p for p in t.parts if isinstance(p, str)).strip() if t else self.name
