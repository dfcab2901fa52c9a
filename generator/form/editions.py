"""Whether an assessment's 公表日 fits the edition of the form it is written in.

An edition is printed from the day it came into force until the next edition did: a 公表日 before
its first day names a form that did not exist yet; one on or after the next edition's first day is
a new publication on an outdated form. Both are warnings (the 版 may be right and the date wrong).
"""

from __future__ import annotations

import datetime

from .. import dates
from ..diagnostics import Reporter
from ..model import DateValue
from .definition import EDITION_KEY

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from ..model import Assessment

RULE_ID = "E01"


def _wareki(day: datetime.date) -> str:
    return dates.to_wareki(dates.FormDate(day.year, day.month, day.day))


def check_edition(assessment: Assessment, reporter: Reporter) -> None:
    form = assessment.form
    key = form.cover_keys.published
    published = assessment.cover.get(key)
    if not isinstance(published, DateValue) or published.date is None:
        return
    day = published.date.as_date()
    if form.fits(day):
        return
    if day < form.since:
        why = f"この版の様式は{_wareki(form.since)}からのものです"
    else:
        assert form.until is not None
        why = f"{_wareki(form.until)}からは新しい版の様式を使います"
    message = (
        f"公表日（{dates.to_wareki(published.date)}）が様式の版に合いません: {form.name}。{why}。"
        f"表紙の「{EDITION_KEY}:」か公表日を確かめてください。"
    )
    reporter.warning(published.loc, f"表紙 {key}", message, rule=RULE_ID)
