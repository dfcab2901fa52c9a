"""The city's portfolio (特定個人情報保護評価計画管理書): one row per 事務, with its deadlines.

Read from the assessment folders (guidelines.md §2.2, §2.3, §5):

* 評価書番号, 評価書名, 評価実施機関名, 公表日 from the cover; the forms held (「基礎＋重点」 for a 重点
  folder with its paired 基礎, 「基礎」 for a standalone 基礎 …);
* 対象人数 / 取扱者数 / 重大事故 with their 「いつ時点の計数か」, found by item key in whatever form
  the folder holds (the 重点 Ⅰ-1 ③, the 基礎 Ⅱ), so a form added later needs nothing here;
* しきい値判断結果 and the last 再実施: Ⅴ-1 ①実施日 of a 重点 (the proxy guidelines.md §2.2 names)
  or the 公表日;
* 5-year 再実施 deadline (規則第15条, 努力義務): the day before 5 years after the last 再実施;
* yearly review (努力義務): the latest of 公表日 and （別添２） 変更日, plus one year;
* 終了: 「【令和7年3月31日 終了】」 in 評価書名; the document stays published 3 years after it.

Diagnostics (ids P…, README「評価計画管理書」): a deadline already past is an error (P01), one within
6 months a warning (P02); an overdue yearly review a warning (P03); the same 評価書番号 in two
folders an error (P04); a 重大事故 of the incident register within the last year that makes a
事務's current form too low for its しきい値 an error (P05); a folder that cannot be read (P00).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from ..dates import FormDate, parse_date, to_wareki
from ..diagnostics import Location, Reporter, display_path
from ..model import Assessment, Choice, DateValue, Record, Text
from ..records import dataclass, field

WARN_BEFORE_MONTHS = 6
REASSESS_YEARS = 5
KEEP_ENDED_YEARS = 3
INCIDENT_REACH_YEARS = 1  # the しきい値 counts 重大事故 of the past year (指針 第5の2)
_ENDED = re.compile(r"【\s*(?P<date>[^【】]+?)\s*終了\s*】")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def wareki(day: datetime.date | None) -> str:
    return to_wareki(FormDate(day.year, day.month, day.day)) if day else ""


@dataclass
class Count:
    """A しきい値 input with the date it was counted (「いつ時点の計数か」)."""

    value: str = ""
    as_of: str = ""


@dataclass
class Entry:
    folder: Path
    number: str
    title: str
    organisation: str
    forms: str
    people: Count
    staff: Count
    incident: Count
    threshold: str
    published: datetime.date | None
    last_assessed: datetime.date | None
    deadline: datetime.date | None
    reviewed: datetime.date | None
    review_due: datetime.date | None
    ended: datetime.date | None
    keep_until: datetime.date | None
    level: int | None = None  # the form held: 1 基礎, 2 重点, 3 全項目
    notes: list[str] = field(default_factory=list)
    loc: Location = field(default_factory=lambda: Location(""))


# ---------------------------------------------------------------------------
# Reading the folders


def _plain(value: object) -> str:
    if isinstance(value, Text):
        return "".join(p for p in value.parts if isinstance(p, str)).strip()
    if isinstance(value, Choice):
        return value.value or ""
    if isinstance(value, DateValue):
        return to_wareki(value.date) if value.date else ""
    return ""


def _records(record: Record) -> Iterator[Record]:
    yield record
    for v in record.values.values():
        if isinstance(v, Record):
            yield from _records(v)


def find_count(records: list[Record], word: str) -> Count:
    """The first value whose key names ``word`` (「対象人数」), with a sibling 「…時点…」 date."""
    for top in records:
        for rec in _records(top):
            for key, value in rec.values.items():
                if word in key and not isinstance(value, Record | list) and _plain(value):
                    as_of = next((_plain(v) for k, v in rec.values.items() if "時点" in k), "")
                    return Count(_plain(value), as_of)
    return Count()


def _date(value: object) -> datetime.date | None:
    if isinstance(value, DateValue) and value.date is not None:
        return value.date.as_date()
    return None


def _sections(a: Assessment) -> list[Record]:
    # every form's sections (a 基礎 has no 「basic」 or 「procedure」)
    return [*a.sections.values(), *[r for f in a.files for r in f.records.values()]]


def _documents(folder: Path, a: Assessment, reporter: Reporter) -> list[Assessment]:
    """The folder's documents (its paired 基礎 too, once ``generator.documents`` provides them)."""
    try:
        from ..documents import documents  # the per-folder document list (helper kiso)
    except ImportError:
        return [a]
    return [d.assessment for d in documents(folder, a, Reporter())]


def _kind(a: Assessment) -> str:
    form = getattr(a, "form", None)
    return getattr(form, "kind", "") or "重点項目評価書"


_LEVELS = {"基礎項目評価書": 1, "重点項目評価書": 2, "全項目評価書": 3}


def entry(folder: Path, a: Assessment, reporter: Reporter) -> Entry:
    docs = _documents(folder, a, reporter)
    kinds = sorted({_kind(d) for d in docs}, key=lambda k: _LEVELS.get(k, 9))
    forms = "＋".join(k.removesuffix("評価書").removesuffix("項目") for k in kinds)
    records = [r for d in docs for r in _sections(d)]
    title = _plain(a.cover.get("評価書名"))
    ended_match = _ENDED.search(unicodedata.normalize("NFKC", title).replace(" ", ""))
    ended = None
    if ended_match:
        try:
            ended = parse_date(ended_match.group("date")).as_date()
        except ValueError:
            reporter.warning(
                a.cover.loc,
                "表紙 評価書名",
                f"終了日「{ended_match.group('date')}」を日付として読めません。",
                rule="P00",
            )
    published = _date(a.cover.get("公表日"))
    procedure = getattr(a, "procedure", None)  # the 重点's Ⅴ; a 基礎 has no 実施日 of its own
    assessed = (
        _date(procedure.get("基礎項目評価", "実施日")) if isinstance(procedure, Record) else None
    ) or published
    changed = [row.date.date.as_date() for row in a.changes if row.date.date]
    reviewed = max([d for d in (published, *changed) if d], default=None)
    threshold = find_count(records, "しきい値判断結果").value
    return Entry(
        folder=folder,
        number=_plain(a.cover.get("評価書番号")),
        title=_ENDED.sub("", title).strip(),
        organisation=_plain(a.cover.get("評価実施機関名")),
        forms=forms,
        people=find_count(records, "対象人数"),
        staff=find_count(records, "取扱者数は"),
        incident=find_count(records, "特定個人情報に関する重大事故"),
        threshold=threshold,
        published=published,
        last_assessed=assessed,
        deadline=add_years(assessed, REASSESS_YEARS) - datetime.timedelta(days=1) if assessed else None,
        reviewed=reviewed,
        review_due=add_years(reviewed, 1) if reviewed else None,
        ended=ended,
        keep_until=add_years(ended, KEEP_ENDED_YEARS) if ended else None,
        level=max((_LEVELS.get(k, 0) for k in kinds), default=None),
        loc=Location(display_path(folder / "0_表紙.yaml"), 1, 1),
    )


# ---------------------------------------------------------------------------
# Incident register: sources/重大事故.yaml


INCIDENT_FILE = "重大事故"


@dataclass(frozen=True)
class Incident:
    date: datetime.date
    organisation: str  # 評価実施機関名; "" = every 機関 of the sources
    summary: str
    loc: Location


def read_incidents(root: Path, reporter: Reporter) -> list[Incident]:
    """``重大事故:`` entries (発生日, 評価実施機関, 内容) of ``root/重大事故.yaml``, if the file exists."""
    from ..yamlsource import YMap, YScalar, YSeq, load

    path = next(
        (root / f"{INCIDENT_FILE}{s}" for s in (".yaml", ".yml") if (root / f"{INCIDENT_FILE}{s}").is_file()),
        None,
    )
    if path is None:
        return []
    out: list[Incident] = []
    with reporter.rule_scope("P00"):
        node = load(path, reporter)
        entries = node.items.get("重大事故") if isinstance(node, YMap) else None
        if entries is None or not isinstance(entries[1], YSeq):
            reporter.error(
                Location(display_path(path), 1, 1),
                "重大事故",
                "「重大事故:」の下に「- 発生日: …」のリストを書いてください。",
            )
            return []
        for item in entries[1].items:
            if not isinstance(item, YMap):
                reporter.error(
                    item.loc,
                    "重大事故",
                    "各重大事故は「発生日」「評価実施機関」「内容」の組で書いてください。",
                )
                continue
            values = {
                k: v.text.strip()
                for k, (_, v) in item.items.items()
                if isinstance(v, YScalar) and not v.is_null
            }
            try:
                day = parse_date(values.get("発生日", "")).as_date()
            except ValueError:
                reporter.error(
                    item.loc, "重大事故 発生日", "発生日を日付で書いてください（例: 令和7年4月1日）。"
                )
                continue
            out.append(Incident(day, values.get("評価実施機関", ""), values.get("内容", ""), item.loc))
    return out


# ---------------------------------------------------------------------------
# Judging the portfolio


def judge(entries: list[Entry], incidents: list[Incident], today: datetime.date, reporter: Reporter) -> None:
    warn_from = add_months(today, WARN_BEFORE_MONTHS)
    with reporter.rule_scope("P"):
        for e in entries:
            label = f"{e.number} {e.title}".strip()
            if e.ended:
                if e.keep_until and e.keep_until <= today:
                    e.notes.append(
                        f"終了から3年を過ぎました（{wareki(e.keep_until)}まで公表）。公表を終えられます。"
                    )
                continue
            if e.deadline:
                if e.deadline < today:
                    reporter.error(
                        e.loc,
                        label,
                        f"5年経過前の再実施の期限（{wareki(e.deadline)}）を過ぎています。再実施してください。",
                        rule="P01",
                    )
                    e.notes.append("再実施の期限切れ")
                elif e.deadline < warn_from:
                    reporter.warning(
                        e.loc,
                        label,
                        f"5年経過前の再実施の期限（{wareki(e.deadline)}）まで6か月を切っています。",
                        rule="P02",
                    )
                    e.notes.append("再実施の期限が近い")
            if e.review_due and e.review_due < today:
                reporter.warning(
                    e.loc,
                    label,
                    f"年1回の見直しの目安（{wareki(e.review_due)}）を過ぎています（最後の見直し {wareki(e.reviewed)}）。",
                    rule="P03",
                )
                e.notes.append("見直しの時期")
        _duplicates(entries, reporter)
        _incidents(entries, incidents, today, reporter)


def _duplicates(entries: list[Entry], reporter: Reporter) -> None:
    # numbers come from each 機関's own 計画管理書: the same number at two 機関 is no clash
    by_number: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        if e.number:
            key = (unicodedata.normalize("NFKC", e.organisation), unicodedata.normalize("NFKC", e.number))
            by_number.setdefault(key, []).append(e)
    for (_, number), same in by_number.items():
        if len(same) > 1:
            names = "、".join(e.folder.name for e in same)
            for e in same:
                reporter.error(
                    e.loc,
                    "表紙 評価書番号",
                    f"評価書番号 {number} が複数のフォルダにあります（{names}）。同じ評価実施機関の計画管理書で、番号は事務ごとに一つです。",
                    rule="P04",
                )


# The 指針's しきい値 when a 重大事故 of the past year counts (guidelines.md §2.1): the lowest level
# obligatory for a 対象人数 class. [K] for 1万–10万 (基礎 + 重点). helper kiso's
# ``generator/form/kiso_threshold.py`` holds the whole table; use it here once it is on main.
_WITH_INCIDENT = ((1_000, 0), (10_000, 1), (100_000, 2), (float("inf"), 3))
LEVEL_NAMES = {
    0: "評価の義務なし",
    1: "基礎項目評価",
    2: "基礎項目評価及び重点項目評価",
    3: "基礎項目評価及び全項目評価",
}
_BOUND = re.compile(r"([0-9,]+)(万)?人(以上|未満)")


def lowest_count(label: str) -> float | None:
    """The class's lower bound: 「1万人以上10万人未満」 → 10000, 「1,000人未満」 → 0."""
    found = _BOUND.findall(unicodedata.normalize("NFKC", label))
    if not found:
        return None
    lows = [float(n.replace(",", "")) * (10_000 if man else 1) for n, man, side in found if side == "以上"]
    return max(lows, default=0.0)


def level_with_incident(people: str) -> int | None:
    low = lowest_count(people)
    if low is None:
        return None
    return next(level for limit, level in _WITH_INCIDENT if low < limit)


def _incidents(
    entries: list[Entry], incidents: list[Incident], today: datetime.date, reporter: Reporter
) -> None:
    recent = [i for i in incidents if i.date <= today < add_years(i.date, INCIDENT_REACH_YEARS)]
    for e in entries:
        if e.ended:
            continue
        hits = [i for i in recent if not i.organisation or i.organisation == e.organisation]
        needed = level_with_incident(e.people.value)
        if not hits or needed is None:
            continue
        if e.level is not None and needed > e.level:
            i = hits[0]
            reporter.error(
                e.loc,
                f"{e.number} {e.title}".strip(),
                f"重大事故（{wareki(i.date)}{'、' + i.summary if i.summary else ''}）から1年間は、対象人数「{e.people.value}」の"
                f"この事務に{LEVEL_NAMES[needed]}が義務付けられます（今は{e.forms}）。しきい値判断をやり直してください。",
                rule="P05",
            )
            e.notes.append(f"重大事故によりしきい値判断のやり直し（{LEVEL_NAMES[needed]}）")
