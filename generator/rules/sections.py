"""Where a form's sections live in the model, and how messages name their items.

Single sections are ``Assessment.sections[id]``, per-file ones ``FileSections.records[id]``.
Rules that walk the whole form (completeness, 「その他」 boxes, R09) go through here instead of
naming sections.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..diagnostics import Location, display_path
from ..form.definition import FormDefinition, clean_label, label_number
from ..form.schema import Section
from ..model import Assessment, FileSections, Record
from ..records import dataclass


@dataclass(frozen=True)
class Placed:
    """One section's record in one document (per-file sections once per file)."""

    section: Section
    record: Record
    prefix: str  # 「Ⅱ（ファイル1）」, 「Ⅰ」, 「表紙」
    file: FileSections | None
    source: Path | None  # the YAML file, None when it is missing (the reader said so)


def form_of(a: Assessment, form: FormDefinition | None) -> FormDefinition:
    """The definition to walk: the one given, else the folder's own (the reader sets it), else
    the current 重点 form."""
    if form is not None and hasattr(form, "sections"):
        return form
    own = getattr(a, "form", None)
    if own is not None:
        return own
    from ..form.registry import get_form

    return get_form()


def placed_sections(a: Assessment, form: FormDefinition) -> Iterator[Placed]:
    for sec in form.sections:
        head = sec.path_title.split()[0] if sec.path_title else "表紙"
        if sec.per_file:
            for f in a.files:
                record = f.records.get(sec.id)
                if isinstance(record, Record):
                    yield Placed(sec, record, f"{head}（{form.file_word}{f.number}）", f, f.paths.get(sec.id))
        else:
            record = a.sections.get(sec.id)
            if isinstance(record, Record):
                yield Placed(sec, record, head, None, _source(a, sec.file))


def _source(a: Assessment, stem: str) -> Path | None:
    """The section's file, None when the folder lacks it (the reader reported that)."""
    return next((p for p in a.sources if p.stem == stem), None)


clean = clean_label  # a printed label without ※ and with single spaces: 「①ファイルの種類」


def short_head(label: str) -> str:
    """「３．特定個人情報の入手・使用」 → 「３．」 and 「リスク１：　目的外…」 → 「リスク１」, as the
    reader names the items under a heading."""
    number = label_number(label)
    if number:
        return number
    if "：" in label:
        return label.split("：", 1)[0]
    return clean(label)


def join(*parts: str) -> str:
    out = ""
    for part in parts:
        if not part:
            continue
        out += part if (not out or out.endswith("．")) else " " + part
    return out


def where(loc: Location, placed: Placed) -> Location:
    """``loc``, or the section's file when the value was never written anywhere."""
    if loc.file:
        return loc
    if placed.source is not None:
        return Location(display_path(placed.source), 1, 1)
    return loc
