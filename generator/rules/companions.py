"""R9, R10: a choice and the texts it asks for (form-items §11).

R09 walks the form definition: an item marked ``when`` (its sibling choice and the values under
which the form asks for it: 規定の内容 when 定めている, 再委託の許諾方法 when 再委託する, その内容
when 発生あり, ②法令上の根拠 when 実施する …) must be filled when its condition holds.
R10 adds the reverse for the incident: 発生なし leaves その内容 and 再発防止策の内容 empty (or 「－」).
"""

from __future__ import annotations

from ..diagnostics import Reporter
from ..form.definition import FormDefinition
from ..form.schema import Head, Item, Node, Repeat, RowGroup
from ..model import Assessment, Choice, Record
from .registry import rule
from .sections import clean, form_of, join, placed_sections, short_head, where
from .values import blank

INCIDENT = (
    "特定個人情報の保管・消去",
    "リスク",
    "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
)
INCIDENT_TEXTS = ("その内容", "再発防止策の内容")


@rule("R09", title="選択肢とそれが求める記載（定めている ⇒ 規定の内容 など）")
def companions(a: Assessment, form: FormDefinition | None, report: Reporter) -> None:
    for placed in placed_sections(a, form_of(a, form)):
        if placed.source is not None:
            _nodes(placed.section.children, placed.record, placed.prefix, report, placed)


def _nodes(nodes: tuple[Node, ...], record: Record, path: str, report: Reporter, placed) -> None:
    for n in nodes:
        if isinstance(n, Item):
            _item(n, record, path, report, placed)
        elif isinstance(n, RowGroup):
            for item in ((n.lead,) if n.lead else ()) + n.subs:
                _item(item, record, path, report, placed)
        elif isinstance(n, Head):
            child = record if n.flat else record.values.get(n.key)
            if isinstance(child, Record):
                _nodes(n.children, child, join(path, short_head(n.label)), report, placed)
        elif isinstance(n, Repeat):
            children = ((n.title,) if n.title else ()) + n.children
            for i, m in enumerate(record.records(n.key), 1):
                _nodes(children, m, join(path, f"{n.member}{i}"), report, placed)


def _item(item: Item, record: Record, path: str, report: Reporter, placed) -> None:
    if not item.when:
        return
    key, values = item.when
    choice = record.values.get(key)
    if not isinstance(choice, Choice) or choice.value not in values:
        return
    value = record.values.get(item.key)
    if value is None or blank(value):  # type: ignore[arg-type]
        report.warning(
            where(choice.loc, placed),  # the choice that asks for it (an absent item has no line)
            join(path, clean(item.label)),
            f"「{choice.value}」を選んだ場合は、この項目を書いてください。",
        )


@rule("R10", title="重大事故「発生なし」なら その内容・再発防止策は空欄")
def incident(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        choice = f.risks.get(*INCIDENT)
        if not isinstance(choice, Choice) or choice.value != "発生なし":
            continue
        for key in INCIDENT_TEXTS:
            text = f.risks.text(*INCIDENT[:-1], key)
            if text is not None and not blank(text):
                report.warning(
                    text.loc,
                    f"Ⅲ（ファイル{f.number}） ７．② {key}",
                    "「発生なし」なら、この項目は空欄（または「－」）にしてください。",
                )
