"""R17, R18: what the form's structure guarantees, checked on the model and the definition.

R17: repeated blocks (システム, 委託事項, 提供先, 移転先) have at most the form's limit of members
(the reader stops at the limit; a model made another way, e.g. by an importer, is checked here).
R18: Ⅲ is ※ throughout except 7.② (重大事故): （別添２）'s 提出時期 (R16) relies on these marks.
"""

from __future__ import annotations

from ..diagnostics import Reporter
from ..form.definition import FormDefinition, walk_items
from ..form.schema import Head, Node, Repeat
from ..model import Assessment, Record
from .registry import rule
from .sections import form_of, placed_sections, where


def _repeats(nodes: tuple[Node, ...], record: Record):
    for n in nodes:
        if isinstance(n, Repeat):
            yield n, record.records(n.key)
        elif isinstance(n, Head):
            child = record if n.flat else record.values.get(n.key)
            if isinstance(child, Record):
                yield from _repeats(n.children, child)


@rule("R17", title="繰り返しブロックの件数の上限")
def repeat_limits(a: Assessment, form: FormDefinition | None, report: Reporter) -> None:
    for placed in placed_sections(a, form_of(a, form)):
        for rep, members in _repeats(placed.section.children, placed.record):
            if len(members) > rep.limit:
                report.error(
                    where(members[rep.limit].loc, placed),
                    f"{placed.prefix} {rep.member}{rep.limit + 1}",
                    f"{rep.member}は様式上 {rep.limit} 件までです（{len(members)} 件あります）。",
                )


RISK_SECTION = "s3"
INCIDENT = "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか"


@rule("R18", title="Ⅲ の ※（７．②を除くすべて）")
def risk_stars(a: Assessment, form: FormDefinition | None, report: Reporter) -> None:
    definition = form_of(a, form)
    try:
        section = definition.section(RISK_SECTION)
    except KeyError:
        return
    keys = {i.key for i in walk_items(section.children)}
    wrong = not section.star_all or INCIDENT not in section.unstarred or not section.unstarred <= keys
    if wrong and a.files:
        report.error(
            a.files[0].overview.loc,
            section.title,
            f"様式「{definition.name}」の定義で Ⅲ の ※ が様式と違います（７．②を除くすべてが ※）。"
            "（別添２）の提出時期の検査ができません。様式の定義を直してください。",
        )
