"""Changes → proposed （別添２） rows, worded as the seeds word them.

* 変更前/変更後の記載: the printed text; 「(記載なし)」 for an item printed empty (before or
  after), 「(新設)」 for what was not printed before, 「(削除)」 for what is no longer printed.
* 提出時期: 事前 when a ※ item changed (a 重要な変更), else 事後 — the form's rule; the author
  decides in the end (a 事後 change may be submitted 事前 voluntarily).
* A 様式変更 (a new edition of the form: its mark, a relabelled item) is 事後,
  「事後で足りるもの(様式変更に伴うもの)」, as the seeds word it.
* 提出時期に係る説明: a suggestion to edit, 「重要な変更に当たるため」 / 「重要な変更に当たらないため」,
  naming a count folded into the row (「（委託の有無の件数の変更を含む）」).
"""

from __future__ import annotations

import datetime

from .. import dates
from ..diagnostics import UsageError
from ..epoch import source_date_epoch
from ..model import Text
from ..records import dataclass
from .compare import Change

EMPTY = "(記載なし)"
NEW = "(新設)"
REMOVED = "(削除)"
PRIOR, LATER = "事前", "事後"
SIGNIFICANT = "重要な変更に当たるため"
FORM_CHANGE = "事後で足りるもの(様式変更に伴うもの)"
NOT_SIGNIFICANT = "重要な変更に当たらないため"


@dataclass(frozen=True)
class Row:
    date: dates.FormDate
    item: str
    before: str
    after: str
    timing: str
    reason: str
    sources: tuple[Text | None, Text | None] = (None, None)  # 変更前 / 変更後 as written (blocks pinned)

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes a row the same row again: 項目, 変更前, 変更後 (not the date)."""
        return (self.item, self.before, self.after)


def propose(changes: list[Change], date: dates.FormDate) -> list[Row]:
    return [row(c, date) for c in changes]


def row(change: Change, date: dates.FormDate) -> Row:
    if change.kind == "form":  # a new edition of the form: submitted afterwards unless the author chooses
        return Row(
            date, change.label, shown(change.before, NEW), shown(change.after, REMOVED), LATER, FORM_CHANGE
        )
    reason = SIGNIFICANT if change.star else NOT_SIGNIFICANT
    counted = [d.label.split(" ")[-1] for d in change.folded]
    if counted:
        reason += f"（{'、'.join(counted)}の件数の変更を含む）"
    return Row(
        date,
        change.label,
        shown(change.before, NEW),
        shown(change.after, REMOVED),
        PRIOR if change.star else LATER,
        reason,
        change.sources,
    )


def shown(text: str | None, absent: str) -> str:
    if text is None:
        return absent
    return text if text else EMPTY


def change_date(option: str | None) -> dates.FormDate:
    """--date, or today: the SOURCE_DATE_EPOCH day (UTC) when set, as builds do, else the local date."""
    if option is not None:
        try:
            return dates.parse_date(option)
        except dates.DateError as exc:
            raise UsageError(f"--date: {exc}") from None
    epoch = source_date_epoch()
    day = epoch.date() if epoch is not None else datetime.date.today()
    return dates.FormDate(day.year, day.month, day.day)
