from __future__ import annotations

import calendar
import datetime

import pytest

from generator.dates import DateError, FormDate, days_in_month, parse_date, to_wareki

HINT = "2025-12-01 の形式か「令和7年12月1日」のような和暦で書いてください（月だけの場合は「平成28年1月」）。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-01", FormDate(2025, 12, 1)),
        ("2025-12", FormDate(2025, 12, None)),
        ("令和7年12月1日", FormDate(2025, 12, 1)),
        ("令和元年5月1日", FormDate(2019, 5, 1)),
        ("平成28年1月", FormDate(2016, 1, None)),
        ("平成２８年１月", FormDate(2016, 1, None)),
        ("令和 7 年 12 月 1 日", FormDate(2025, 12, 1)),
        ("　令和７年１２月１日　", FormDate(2025, 12, 1)),
        ("平成29年12月予定", FormDate(2017, 12, None, "予定")),
        ("平成29年12月 予定", FormDate(2017, 12, None, "予定")),
        ("令和8年4月1日予定", FormDate(2026, 4, 1, "予定")),
        ("２０２５－１２－０１", FormDate(2025, 12, 1)),
        ("㍻31年4月30日", FormDate(2019, 4, 30)),
        ("明治元年1月25日", FormDate(1868, 1, 25)),
        ("大正元年7月30日", FormDate(1912, 7, 30)),
        ("昭和元年12月25日", FormDate(1926, 12, 25)),
        ("令和6年2月29日", FormDate(2024, 2, 29)),
    ],
)
def test_parse_accepts(text: str, expected: FormDate) -> None:
    assert parse_date(text) == expected


def test_parse_accepts_yaml_dates() -> None:
    assert parse_date(datetime.date(2025, 12, 1)) == FormDate(2025, 12, 1)
    assert parse_date(datetime.datetime(2025, 12, 1, 9, 30)) == FormDate(2025, 12, 1)


def test_parse_accepts_what_pyyaml_loads() -> None:
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load("a: 2025-12-01\nb: 2025-12\nc: 令和7年12月1日\n")
    assert isinstance(data["a"], datetime.date)
    assert [parse_date(v).iso() for v in data.values()] == ["2025-12-01", "2025-12", "2025-12-01"]


@pytest.mark.parametrize(
    ("iso", "wareki"),
    [
        ("1868-01-25", "明治元年1月25日"),
        ("1912-07-29", "明治45年7月29日"),
        ("1912-07-30", "大正元年7月30日"),
        ("1926-12-24", "大正15年12月24日"),
        ("1926-12-25", "昭和元年12月25日"),
        ("1989-01-07", "昭和64年1月7日"),
        ("1989-01-08", "平成元年1月8日"),
        ("2019-04-30", "平成31年4月30日"),
        ("2019-05-01", "令和元年5月1日"),
        ("2020-01-01", "令和2年1月1日"),
        ("2025-12-01", "令和7年12月1日"),
        ("2016-01", "平成28年1月"),
        ("2019-04", "平成31年4月"),
        ("2019-05", "令和元年5月"),
    ],
)
def test_round_trip(iso: str, wareki: str) -> None:
    d = parse_date(iso)
    assert to_wareki(d) == wareki
    assert parse_date(wareki) == d
    assert d.iso() == iso


def test_round_trip_every_day_across_the_heisei_reiwa_boundary() -> None:
    day = datetime.date(2019, 4, 1)
    while day < datetime.date(2019, 6, 1):
        d = parse_date(day.isoformat())
        assert parse_date(to_wareki(d)).as_date() == day
        day += datetime.timedelta(days=1)


def test_month_in_two_eras_takes_the_era_at_its_end() -> None:
    # 1989-01 is 昭和64年1月 and 平成元年1月; both parse, the later era is printed.
    assert parse_date("昭和64年1月") == parse_date("平成元年1月") == FormDate(1989, 1, None)
    assert to_wareki(FormDate(1989, 1, None)) == "平成元年1月"


def test_to_wareki_prints_note() -> None:
    assert to_wareki(parse_date("2017-12予定")) == "平成29年12月予定"
    assert to_wareki(FormDate(2025, 12, 1, "予定")) == "令和7年12月1日予定"


def test_iso_and_as_date() -> None:
    assert FormDate(2025, 12, 1).iso() == "2025-12-01"
    assert FormDate(2016, 1, None).iso() == "2016-01"
    assert FormDate(2016, 1, None, "予定").iso() == "2016-01"
    assert FormDate(2016, 1, None).as_date() == datetime.date(2016, 1, 1)
    # 保有開始日 ≤ 使用開始日
    assert parse_date("平成28年1月").as_date() <= parse_date("2016-01-05").as_date()
    assert parse_date("令和元年5月1日").as_date() > parse_date("平成31年4月30日").as_date()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "令和7年13月1日",
            f'"令和7年13月1日" は日付として読めません（13月はありません。月は1〜12です）。{HINT}',
        ),
        (
            "令和7年0月1日",
            f'"令和7年0月1日" は日付として読めません（0月はありません。月は1〜12です）。{HINT}',
        ),
        ("令和7年2月30日", f'"令和7年2月30日" は日付として読めません（2月の日は1〜28日です）。{HINT}'),
        ("2025-02-29", f'"2025-02-29" は日付として読めません（2月の日は1〜28日です）。{HINT}'),
        ("2025-04-31", f'"2025-04-31" は日付として読めません（4月の日は1〜30日です）。{HINT}'),
        ("令和7年12月0日", f'"令和7年12月0日" は日付として読めません（12月の日は1〜31日です）。{HINT}'),
        ("2025/12/01", f'"2025/12/01" は日付として読めません。{HINT}'),
        ("R7.12.1", f'"R7.12.1" は日付として読めません。{HINT}'),
        ("令和7年", f'"令和7年" は日付として読めません。{HINT}'),
        ("令和7年12月1日頃", f'"令和7年12月1日頃" は日付として読めません。{HINT}'),
        ("未定", f'"未定" は日付として読めません。{HINT}'),
        ("", f"日付が書かれていません。{HINT}"),
        ("　", f"日付が書かれていません。{HINT}"),
        ("令和0年5月1日", '"令和0年5月1日" の年が0年です。和暦の年は1年（元年）から数えます。'),
        (
            "平成31年5月1日",
            '"平成31年5月1日" は平成の期間外です（平成は2019年4月30日まで）。「令和元年5月1日」と書いてください。',
        ),
        (
            "令和1年4月1日",
            '"令和1年4月1日" は令和の期間外です（令和は2019年5月1日から）。「平成31年4月1日」と書いてください。',
        ),
        (
            "令和元年4月30日",
            '"令和元年4月30日" は令和の期間外です（令和は2019年5月1日から）。「平成31年4月30日」と書いてください。',
        ),
        (
            "平成31年5月",
            '"平成31年5月" は平成の期間外です（平成は2019年4月30日まで）。「令和元年5月」と書いてください。',
        ),
        (
            "昭和64年1月8日",
            '"昭和64年1月8日" は昭和の期間外です（昭和は1989年1月7日まで）。「平成元年1月8日」と書いてください。',
        ),
        (
            "平成元年1月7日",
            '"平成元年1月7日" は平成の期間外です（平成は1989年1月8日から）。「昭和64年1月7日」と書いてください。',
        ),
        (
            "大正15年12月25日",
            '"大正15年12月25日" は大正の期間外です（大正は1926年12月24日まで）。「昭和元年12月25日」と書いてください。',
        ),
        ("明治元年1月1日", '"明治元年1月1日" は明治の期間外です（明治は1868年1月25日から）。'),
        (
            "平成32年1月1日",
            '"平成32年1月1日" は平成の期間外です（平成は2019年4月30日まで）。「令和2年1月1日」と書いてください。',
        ),
    ],
)
def test_parse_rejects_with_message(text: str, message: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert str(info.value) == message


def test_date_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_date("令和7年13月1日")


def test_parse_rejects_other_yaml_values() -> None:
    with pytest.raises(DateError, match="日付が書かれていません"):
        parse_date(None)  # type: ignore[arg-type]
    with pytest.raises(DateError, match='"2025" は日付として読めません'):
        parse_date(2025)  # type: ignore[arg-type]


def test_form_date_checks_the_calendar() -> None:
    with pytest.raises(DateError, match="13月はありません"):
        FormDate(2025, 13, None)
    with pytest.raises(DateError, match="2月の日は1〜28日です"):
        FormDate(2025, 2, 29)


def test_to_wareki_rejects_dates_before_meiji() -> None:
    with pytest.raises(DateError, match="1868-01-24 は和暦で表せません"):
        to_wareki(FormDate(1868, 1, 24))


def test_days_in_month_is_the_calendar_s() -> None:
    for year in (*range(1, 2101), 9999):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1], (year, month)


def test_dates_are_read_by_hand_as_the_patterns_read_them() -> None:
    # _iso and _wareki give the groups the patterns (compiled at every start before) found, and
    # the era names as alternatives (before that) with the lookup after
    import itertools
    import random
    import re

    from generator import dates

    names = [era.name for era in dates.ERAS]
    assert {len(name) for name in names} == {2}  # what the two characters of _wareki stand for
    iso = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?(?P<note>予定)?", re.ASCII)
    wareki = re.compile(r"(?P<era>..)(?P<y>元|\d+)年(?P<m>\d+)月(?:(?P<d>\d+)日)?(?P<note>予定)?", re.ASCII)
    alternatives = re.compile(
        "(?P<era>" + "|".join(names) + r")(?P<y>元|\d+)年(?P<m>\d+)月(?:(?P<d>\d+)日)?(?P<note>予定)?",
        re.ASCII,
    )
    eras = [*names, "明", "和令", "令和和", "ab", "\n令", "令\n", "", "平成平成", "予定", "年月"]
    rest = ["元年1月", "30年12月31日", "1年5月予定", "2年2月", "年1月", "1年1月1", "x1年1月", "1年1月1日予定",
            "１年1月", "1年1月日", "1年月", "元元年1月", "1年1月1日日", "1年1月予定予定", "1年1月\n", "٣年1月"]  # fmt: skip
    texts = [era + tail for era, tail in itertools.product(eras, rest)]
    rng = random.Random(5)
    texts += [
        "".join(rng.choice("0123456789-予定年月日元令和x\n٣") for _ in range(rng.randint(0, 14)))
        for _ in range(20000)
    ]
    digits = ["", "1", "12", "123", "2025", "20255", "0", "٣", "12予定"]
    texts += ["-".join(parts) for n in (1, 2, 3, 4) for parts in itertools.product(digits, repeat=n)]
    texts += [
        "2025-12-01",
        "2025-1-5予定",
        "2025-12",
        "12345-1-1",
        "2025-123",
        "2025--1",
        "2025-1-",
        "２025-1-1",
        "2025-1-1\n",
    ]
    for text in texts:
        found = wareki.fullmatch(text)
        expected = tuple(found.groups()) if found else None
        assert dates._wareki(text) == expected, text
        named = alternatives.fullmatch(text)
        by_name = dates._wareki(text) if expected and expected[0] in dates._ERA_BY_NAME else None
        assert by_name == (tuple(named.groups()) if named else None), text
        found = iso.fullmatch(text)
        assert dates._iso(text) == (tuple(found.groups()) if found else None), text
    assert (
        sum(dates._iso(t) is not None for t in texts) > 15  # both ways exercised
        and sum(dates._wareki(t) is not None for t in texts) > 40
    )


@pytest.mark.parametrize(
    "text", ["令和" + "1" * 4400 + "年10月1日", "2025-" + "0" * 5000 + "1-01", "１" * 50]
)
def test_a_date_too_long_to_be_one_is_refused_with_a_message(text: str) -> None:
    """int() refuses a number of over 4,300 digits: such a year ended `hyoka check` as an
    internal error."""
    with pytest.raises(DateError, match="長すぎます"):
        parse_date(text)
