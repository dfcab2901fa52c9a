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
assert all(len(name) == 2 for name in _ERA_BY_NAME), "_wareki takes an era name as two characters"

NOTES = ("予定",)  # suffixes the form prints after a date (「平成29年12月予定」)

_HINT = "2025-12-01 の形式か「令和7年12月1日」のような和暦で書いてください（月だけの場合は「平成28年1月」）。"

# A date is read by hand, not by patterns (compiling the two cost 0.4 ms of every start); each
# function returns the groups of the pattern in its comment as ``fullmatch(text)`` finds them, or
# None where it does not match (a test compares them).


def _iso(text: str) -> tuple[str, str, str | None, str | None] | None:
    r"""``(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?P<note>予定)?``, ``\d`` ASCII."""
    body, note = _note(text)
    parts = body.split("-")
    if not 2 <= len(parts) <= 3 or len(parts[0]) != 4 or not all(1 <= len(p) <= 2 for p in parts[1:]):
        return None
    if not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None, note


def _wareki(text: str) -> tuple[str, str, str, str | None, str | None] | None:
    r"""``(?P<era>..)(?P<y>元|\d+)年(?P<m>\d+)月(?:(?P<d>\d+)日)?(?P<note>予定)?``, ``\d`` ASCII:
    any two characters for the era, looked up after (the names as alternatives took longer)."""
    body, note = _note(text)
    era, rest = body[:2], body[2:]
    year, found, rest = rest.partition("年")
    if len(era) != 2 or "\n" in era or not found or not (year == "元" or _digits(year)):
        return None
    month, found, rest = rest.partition("月")
    if not found or not _digits(month) or (rest and not (rest[-1] == "日" and _digits(rest[:-1]))):
        return None
    return era, year, month, rest[:-1] or None, note


def _note(text: str) -> tuple[str, str | None]:
    """The text without the note it ends with, and the note (the patterns' ``(?P<note>…)?``: no
    digit, 「日」 or 「月」 before it can end with one)."""
    for note in NOTES:
        if text.endswith(note):
            return text[: -len(note)], note
    return text, None


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()  # ``\d+`` in ASCII: 0-9, at least one


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
    folded = "".join(unicodedata.normalize("NFKC", written).split())  # as re.sub(r"\s+", "", …)
    if len(folded) > _LONGEST:  # int() refuses over 4,300 digits, and no date is this long
        raise DateError(f'"{written[:40]}…" は日付として読めません（長すぎます）。{_HINT}')
    if iso := _iso(folded):
        y, m, d, note = iso
        year, month, day = int(y), int(m), _int_or_none(d)
        _check_calendar(written, year, month, day)
        return _printable(written, FormDate(year, month, day, note or ""))
    if (wareki := _wareki(folded)) and wareki[0] in _ERA_BY_NAME:
        name, y, m, d, note = wareki
        era = _ERA_BY_NAME[name]
        era_year = 1 if y == "元" else int(y)
        if era_year < 1:
            raise DateError(f'"{written}" の年が{era_year}年です。和暦の年は1年（元年）から数えます。')
        year, month, day = era.start.year + era_year - 1, int(m), _int_or_none(d)
        _check_calendar(written, year, month, day)
        _check_era(written, era, year, month, day)
        return FormDate(year, month, day, note or "")
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


# no date is longer (「令和10年12月31日予定」 is 14 characters): past it none is read
_LONGEST = 40


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
