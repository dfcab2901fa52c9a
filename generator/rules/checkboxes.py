"""R14: a checked 「その他」 box says what (its （ ） text), for every check-box list of the form."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..form.definition import FormDefinition
from ..form.schema import Head, Item, Node, Repeat, RowGroup
from ..model import Assessment, Checks, Record
from .registry import rule
from .sections import clean, form_of, join, placed_sections, short_head

OTHER = "その他"


@rule("R14", title="「その他」のチェックと（ ）の記入")
def other_box(a: Assessment, form: FormDefinition | None, report: Reporter) -> None:
    for placed in placed_sections(a, form_of(a, form)):
        if placed.source is not None:
            _nodes(placed.section.children, placed.record, placed.prefix, report)


def _nodes(nodes: tuple[Node, ...], record: Record, path: str, report: Reporter) -> None:
    for n in nodes:
        if isinstance(n, Item):
            _item(n, record, path, report)
        elif isinstance(n, RowGroup):
            for item in ((n.lead,) if n.lead else ()) + n.subs:
                _item(item, record, path, report)
        elif isinstance(n, Head):
            child = record if n.flat else record.values.get(n.key)
            if isinstance(child, Record):
                _nodes(n.children, child, join(path, short_head(n.label)), report)
        elif isinstance(n, Repeat):
            for i, m in enumerate(record.records(n.key), 1):
                _nodes(n.children, m, join(path, f"{n.member}{i}"), report)


def _item(item: Item, record: Record, path: str, report: Reporter) -> None:
    value = record.values.get(item.key)
    if item.kind != "checks" or OTHER not in item.detail or not isinstance(value, Checks):
        return
    if value.has(OTHER) and not (value.detail(OTHER) or "").strip():
        report.warning(
            value.loc,
            join(path, clean(item.label)),
            f"「{OTHER}」にチェックがありますが（ ）内が空です。「- {OTHER}: 内容」と書いてください。",
        )
