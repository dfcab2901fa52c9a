"""Completeness (審査の観点6: 様式で求められる全ての項目について検討し、記載しているか).

Walks the form definition, not a list of items: every item of the form is required except

* a heading marked 【任意】 in the form (Ⅴ-2, Ⅴ-3 of the 重点 form) and what is under it;
* an item marked ``if_any`` in the definition (備考, その他の措置の内容 …: asked only if there is
  something to say) — an empty value is an answer there;
* an item with ``when`` (再委託の許諾方法 only when 再委託する): the condition is checked by R09;
* rows emptied by a heading's check box: a single box (委託しない, 提供・移転しない) empties the
  heading's rows; with several boxes (接続しない（入手）, 接続しない（提供）) box *i* empties the
  heading's *i*-th sub-heading (リスク１, リスク２), and all boxes together empty every row;
* ``fixed``, ``derived`` and ``flag`` items (printed by the form, counted, or a yes/no box).

A part with nothing written at all (a new folder) gets one warning instead. Severity by kind
(README「検査」): an empty text, choice, date or number is an error (the form
prints an unanswered cell, 「[ ]」); an empty check-box list is a warning (nothing checked can be
the answer); a repeated block (システム) with no member is an error unless a sibling counts it
(委託事項 counted by 委託の有無, 提供先 by 提供・移転の有無), where none is an answer.
"""

from __future__ import annotations

from ..diagnostics import Location, Reporter, Severity, display_path
from ..form.definition import FormDefinition
from ..form.schema import Head, Item, Node, Repeat, RowGroup
from ..model import Assessment, Checks, Choice, DateValue, Flag, Record, Text
from .registry import rule
from .sections import Placed, clean, form_of, join, placed_sections, short_head, where

OPTIONAL = "【任意】"
_SKIPPED_KINDS = ("fixed", "derived", "flag")


@rule("C01", forms=("重点項目評価書", "基礎項目評価書"), title="様式が求める項目の記入漏れ")
def completeness(a: Assessment, form: FormDefinition | None, report: Reporter) -> None:
    definition = form_of(a, form)
    # a file the YAML reader could not read, or a value it refused, is reported once by the reader
    refused = [d for d in report.diagnostics if d.rule in ("Y", "S") and d.severity >= Severity.ERROR]
    unreadable = {d.location.file for d in refused if d.rule == "Y"}
    for placed in placed_sections(a, definition):
        if placed.source is None or OPTIONAL in placed.section.title:
            continue
        if display_path(placed.source) in unreadable:
            continue
        if not _written(placed.record):
            # a part not begun (a new folder from ``hyoka new``): one warning, not an error per item
            report.warning(
                Location(display_path(placed.source), 1, 1),
                placed.prefix if placed.file else placed.section.path_title or placed.section.title,
                "この部分はまだ何も書かれていません（下書き）。様式が求める項目を書いてください。",
            )
            continue
        walk = _Walk(placed, report, {d.location for d in refused})
        walk.nodes(placed.section.children, placed.record, placed.prefix)


def _written(record: Record) -> bool:
    """Anything at all written in the part (a value, a list member, a checked box)."""
    for value in record.values.values():
        if isinstance(value, Record):
            if _written(value):
                return True
        elif isinstance(value, list):
            if any(_written(m) for m in value if isinstance(m, Record)):
                return True  # an empty member (a skeleton's 「- システムの名称:」) is not writing
        elif isinstance(value, Flag):
            if value.value:
                return True
        elif not is_empty(value):
            return True
    return False


def is_empty(value: object) -> bool:
    if isinstance(value, Text):
        return value.empty
    if isinstance(value, Choice | DateValue):
        return (value.value if isinstance(value, Choice) else value.date) is None
    if isinstance(value, Checks):
        return not value.checked
    return value is None


def _counted(nodes: tuple[Node, ...], key: str) -> bool:
    """A sibling prints how many members the list has, so an empty list is an answer."""
    for n in nodes:
        if isinstance(n, Item) and (n.count_of == key or any(t[1] == key for t in n.tally)):
            return True
    return False


class _Walk:
    def __init__(self, placed: Placed, report: Reporter, refused: set[Location]) -> None:
        self.placed = placed
        self.report = report
        self.refused = refused  # places the reader already reported (a value it could not take)

    def nodes(self, nodes: tuple[Node, ...], record: Record, path: str) -> list[str]:
        """Check ``nodes``; return the labels of the required items found empty."""
        missing: list[str] = []
        for n in nodes:
            if isinstance(n, Item):
                missing += self.item(n, record, path)
            elif isinstance(n, RowGroup):
                if n.lead is not None:
                    missing += self.item(n.lead, record, path)
                    group = join(path, clean(n.lead.label))
                else:
                    group = join(path, clean(n.label))
                for sub in n.subs:
                    missing += self.item(sub, record, group)
            elif isinstance(n, Head):
                missing += self.head(n, record, path)
            elif isinstance(n, Repeat):
                missing += self.repeat(n, nodes, record, path)
        return missing

    def item(self, item: Item, record: Record, path: str) -> list[str]:
        if item.kind in _SKIPPED_KINDS or item.if_any or item.when or OPTIONAL in item.label:
            return []
        value = record.values.get(item.key)
        if not is_empty(value):
            return []
        label = join(path, clean(item.label))
        loc = where(getattr(value, "loc", record.loc), self.placed)
        if loc in self.refused:
            return []
        if item.kind == "checks":
            self.report.warning(
                loc,
                label,
                "どの選択肢にもチェックがありません。該当するものを書いてください（様式の全項目の検討）。",
            )
            return []  # a warning of its own; not part of a heading left unwritten
        what = {"choice": "選択肢を 1 つ", "date": "日付を", "number": "番号を"}.get(item.kind, "内容を")
        self.report.error(loc, label, f"記入されていません。{what}書いてください（様式が求める項目です）。")
        return [label]

    def head(self, head: Head, record: Record, path: str) -> list[str]:
        if OPTIONAL in head.label:
            return []
        here = join(path, short_head(head.label))
        child = record if head.flat else record.values.get(head.key)
        if not isinstance(child, Record):
            return []
        checked = [f for f in head.flags if child.flag(f.key)]
        if checked and (len(head.flags) == 1 or len(checked) == len(head.flags)):
            return []  # 委託しない: the heading's rows stay empty
        emptied = {
            sub.key
            for flag, sub in zip(head.flags, [c for c in head.children if isinstance(c, Head)], strict=False)
            if flag in checked
        }
        children = tuple(c for c in head.children if not (isinstance(c, Head) and c.key in emptied))
        mark = len(self.report.diagnostics)
        missing = self.nodes(children, child, here)
        required = _required_count(children)
        if head.flags and missing and len(missing) == required and required > 1:
            # nothing written under the heading: one message instead of one per row
            del self.report.diagnostics[mark:]
            boxes = "」「".join(f.key for f in head.flags)
            label = join(path, clean(head.label))
            self.report.error(
                where(child.loc, self.placed),
                label,
                f"この見出しの項目が書かれていません（{required} 項目）。書くか、該当しない場合は見出しの「{boxes}」を true にしてください。",
            )
            return [label]
        return missing

    def repeat(self, rep: Repeat, siblings: tuple[Node, ...], record: Record, path: str) -> list[str]:
        members = record.records(rep.key)
        if not members:
            if _counted(siblings, rep.key):
                return []
            label = join(path, f"{rep.member}1")
            self.report.error(
                where(record.loc, self.placed),
                label,
                f"{rep.member}が 1 件も書かれていません。「{rep.key}」のリストに 1 件以上書いてください。",
            )
            return [label]
        missing: list[str] = []
        children = ((rep.title,) if rep.title else ()) + rep.children
        for i, m in enumerate(members, 1):
            missing += self.nodes(children, m, join(path, f"{rep.member}{i}"))
        return missing


def _required_count(nodes: tuple[Node, ...]) -> int:
    """How many required non-check-box items ``nodes`` hold (repeats and check boxes not counted)."""
    count = 0
    for n in nodes:
        items: tuple[Item, ...] = ()
        if isinstance(n, Item):
            items = (n,)
        elif isinstance(n, RowGroup):
            items = ((n.lead,) if n.lead else ()) + n.subs
        elif isinstance(n, Head) and OPTIONAL not in n.label and not n.flags:
            count += _required_count(n.children)
        count += sum(
            1 for i in items if i.kind not in (*_SKIPPED_KINDS, "checks") and not i.if_any and not i.when
        )
    return count
