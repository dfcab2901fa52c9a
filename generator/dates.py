"""Dates as the form prints them: Japanese era (和暦) dates, possibly month-only or 「予定」.

Sources may write a date as ISO (``2025-12-01``, month-only ``2025-12``), as a YAML date (PyYAML's
safe loader turns an unquoted ``2025-12-01`` into ``datetime.date``) or in 和暦 as the seeds print
it (``令和7年12月1日``, ``令和元年5月1日``, ``平成28年1月``, ``平成29年12月予定``). Full-width
digits and spaces are tolerated.

Eras start on the Gregorian dates below. Dates before 明治6年 were lunisolar; the form never
prints them, so 明治 years are counted from 1868-01-25 without converting the calendar.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from .records import dataclass


class DateError(ValueError):
    """A date that cannot be read or does not exist; the message is for the author (Japanese)."""


@dataclass(frozen=True, slots=True)
class Era:
    name: str
    start: datetime.date


ERAS: tuple[Era, ...] = (
    Era("明治", datetime.date(1868, 1, 25)),
    Era("大正", datetime.date(1912, 7, 30)),
    Era("昭和", datetime.date(1926, 12, 25)),
    Era("平成", datetime.date(1989, 1, 8)),
    Era("令和", datetime.date(2019, 5, 1)),
)
_ERA_BY_NAME = {e.name: e for e in ERAS}
assert all(len(name) == 2 for name in _ERA_BY_NAME), "_WAREKI takes an era name as two characters"

NOTES = ("予定",)  # suffixes the form prints after a date (「平成29年12月予定」)

_HINT = "2025-12-01 の形式か「令和7年12月1日」のような和暦で書いてください（月だけの場合は「平成28年1月」）。"
_NOTE = "(?P<note>" + "|".join(NOTES) + ")?"
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?" + _NOTE, re.ASCII)
# Every era's name is two characters: any two are matched and looked up after (the names as
# alternatives took 0.25 ms more to compile, at every start).
_WAREKI = re.compile(r"(?P<era>..)(?P<y>元|\d+)年(?P<m>\d+)月(?:(?P<d>\d+)日)?" + _NOTE, re.ASCII)


@dataclass(frozen=True, slots=True)
class FormDate:
    """A calendar date; ``day`` is None for a month-only date (「平成28年1月」)."""

    year: int
    month: int
    day: int | None
    note: str = ""  # printed after the date (「予定」)

    def __post_init__(self) -> None:
        problem = _calendar_problem(self.year, self.month, self.day)
        if problem:
            raise DateError(f'"{self.iso()}" は日付として読めません（{problem}）。')

    def iso(self) -> str:
        """ISO 8601 (``2025-12-01``, month-only ``2016-01``); the note is not part of it."""
        head = f"{self.year:04d}-{self.month:02d}"
        return head if self.day is None else f"{head}-{self.day:02d}"

    def as_date(self) -> datetime.date:
        """The date for comparisons; a month-only date counts as the 1st of its month."""
        return datetime.date(self.year, self.month, self.day or 1)


def parse_date(text: str | datetime.date) -> FormDate:
    """Read a date written as ISO, a YAML date or 和暦; raise DateError saying what is wrong."""
    if isinstance(text, datetime.date):  # also datetime.datetime, a subclass
        return FormDate(text.year, text.month, text.day)
    if text is None or (isinstance(text, str) and not text.strip()):
        raise DateError(f"日付が書かれていません。{_HINT}")
    if not isinstance(text, str):  # YAML may hand over a number (2025) or a list
        raise DateError(f'"{text}" は日付として読めません。{_HINT}')
    written = text.strip()
    # NFKC folds full-width digits and 「－」, and the one-character era signs (㍻, ㋿).
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", written))
    if m := _ISO.fullmatch(folded):
        year, month, day = int(m["y"]), int(m["m"]), _int_or_none(m["d"])
        _check_calendar(written, year, month, day)
        return _printable(written, FormDate(year, month, day, m["note"] or ""))
    if (m := _WAREKI.fullmatch(folded)) and m["era"] in _ERA_BY_NAME:
        era = _ERA_BY_NAME[m["era"]]
        era_year = 1 if m["y"] == "元" else int(m["y"])
        if era_year < 1:
            raise DateError(f'"{written}" の年が{era_year}年です。和暦の年は1年（元年）から数えます。')
        year, month, day = era.start.year + era_year - 1, int(m["m"]), _int_or_none(m["d"])
        _check_calendar(written, year, month, day)
        _check_era(written, era, year, month, day)
        return FormDate(year, month, day, m["note"] or "")
    raise DateError(f'"{written}" は日付として読めません。{_HINT}')


def _printable(written: str, d: FormDate) -> FormDate:
    """Every date is printed in 和暦, so one before 明治 is refused when read, not when printed."""
    try:
        era_of(d)
    except DateError:
        raise DateError(
            f'"{written}" は和暦で表せません（明治は{_kanji_date(ERAS[0].start)}から）。{_HINT}'
        ) from None
    return d


def to_wareki(d: FormDate) -> str:
    """The date as the form prints it: 「令和7年12月1日」, 「令和元年5月1日」, 「平成28年1月」."""
    era = era_of(d)
    era_year = d.year - era.start.year + 1
    text = f"{era.name}{'元' if era_year == 1 else era_year}年{d.month}月"
    if d.day is not None:
        text += f"{d.day}日"
    return text + d.note


def era_of(d: FormDate) -> Era:
    """The era of a date. A month-only date takes the era in force at the end of its month, so
    1989-01 prints as 「平成元年1月」, not 「昭和64年1月」."""
    day = d.day if d.day is not None else days_in_month(d.year, d.month)
    on = datetime.date(d.year, d.month, day)
    for era in reversed(ERAS):
        if on >= era.start:
            return era
    raise DateError(f"{d.iso()} は和暦で表せません（明治は{_kanji_date(ERAS[0].start)}から）。")


def _int_or_none(digits: str | None) -> int | None:
    return None if digits is None else int(digits)


def days_in_month(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]`` for a month 1–12 (calendar and the locale module it
    brings cost 2 ms of every start)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _calendar_problem(year: int, month: int, day: int | None) -> str:
    """Why year/month/day is no calendar date, or "" when it is one."""
    if not 1 <= year <= 9999:
        return "年は1〜9999です"
    if not 1 <= month <= 12:
        return f"{month}月はありません。月は1〜12です"
    last = days_in_month(year, month)
    if day is not None and not 1 <= day <= last:
        return f"{month}月の日は1〜{last}日です"
    return ""


def _check_calendar(written: str, year: int, month: int, day: int | None) -> None:
    if problem := _calendar_problem(year, month, day):
        raise DateError(f'"{written}" は日付として読めません（{problem}）。{_HINT}')


def _check_era(written: str, era: Era, year: int, month: int, day: int | None) -> None:
    """A date written in an era must fall inside it (平成31年5月1日 is 令和元年5月1日).

    A month-only date is accepted when any day of the month belongs to the era.
    """
    first = datetime.date(year, month, day or 1)
    last = first if day is not None else datetime.date(year, month, days_in_month(year, month))
    following = ERAS.index(era) + 1
    end = ERAS[following].start if following < len(ERAS) else None
    if last >= era.start and (end is None or first < end):
        return
    if end is None or first < era.start:
        period = f"{era.name}は{_kanji_date(era.start)}から"
    else:
        period = f"{era.name}は{_kanji_date(end - datetime.timedelta(days=1))}まで"
    message = f'"{written}" は{era.name}の期間外です（{period}）。'
    if first >= ERAS[0].start:
        message += f"「{to_wareki(FormDate(year, month, day))}」と書いてください。"
    raise DateError(message)


def _kanji_date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
