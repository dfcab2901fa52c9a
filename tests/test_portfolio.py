"""``hyoka portfolio``: the 評価計画管理書 with its deadlines, duplicates and the incident register."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator.portfolio.register import add_months, add_years
from tests.conftest import SOURCES, diagnostics, replace_once, run_cli

ASAHIKAWA = "asahikawa-kenkozoshin"
# 旭川市: Ⅴ １．①実施日 令和7年12月1日 → the 5-year 再実施 deadline is the day before 令和12年12月1日
DEADLINE = datetime.date(2030, 11, 30)


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    shutil.copytree(SOURCES / ASAHIKAWA, root / ASAHIKAWA)
    shutil.copytree(SOURCES / "blocks", root / "blocks")
    return root


def portfolio(sources: Path, today: datetime.date):
    return run_cli("portfolio", "sources", "--out", "out", "--today", today.isoformat(), cwd=sources.parent)


def rules(result) -> list[str]:
    return [d.rule for d in diagnostics(result.stderr)]


def test_before_the_deadline_the_portfolio_is_written_and_clean(sources: Path) -> None:
    result = portfolio(sources, datetime.date(2026, 6, 1))
    assert result.code == 0, result.describe()
    assert "令和12年11月30日" in result.stdout  # the deadline printed
    html = (sources.parent / "out" / "portfolio.html").read_text(encoding="utf-8")
    assert "特定個人情報保護評価計画管理書" in html and "健康増進事業に関する事務" in html
    sheet = load_workbook(sources.parent / "out" / "portfolio.xlsx").worksheets[0]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert any("令和12年11月30日" in c for c in cells), cells
    assert not rules(result)


def test_within_six_months_of_the_deadline_is_a_warning(sources: Path) -> None:
    result = portfolio(sources, add_months(DEADLINE, -5))
    assert result.code == 0, result.describe()
    assert "P02" in rules(result) and "P01" not in rules(result)


def test_past_the_deadline_is_an_error(sources: Path) -> None:
    result = portfolio(sources, DEADLINE + datetime.timedelta(days=1))
    assert result.code == 1, result.describe()
    assert "P01" in rules(result)
    assert "令和12年11月30日" in result.stderr


def test_yearly_review_overdue_is_a_warning(sources: Path) -> None:
    result = portfolio(sources, add_years(datetime.date(2025, 12, 1), 1) + datetime.timedelta(days=1))
    assert "P03" in rules(result) and result.code == 0, result.describe()


def test_the_same_number_in_two_folders_of_one_organisation_is_an_error(sources: Path) -> None:
    shutil.copytree(sources / ASAHIKAWA, sources / "copy")
    result = portfolio(sources, datetime.date(2026, 6, 1))
    assert result.code == 1 and rules(result).count("P04") == 2, result.describe()
    # another 機関 may use the same number in its own 計画管理書
    replace_once(
        sources / "copy" / "0_表紙.yaml", "評価実施機関名: 旭川市長", "評価実施機関名: 旭川市教育委員会"
    )
    assert "P04" not in rules(portfolio(sources, datetime.date(2026, 6, 1)))


def test_ended_assessment_is_kept_three_years_and_has_no_deadline(sources: Path) -> None:
    replace_once(
        sources / ASAHIKAWA / "0_表紙.yaml",
        "評価書名: 健康増進事業に関する事務",
        "評価書名: 健康増進事業に関する事務【令和8年3月31日 終了】",
    )
    result = portfolio(sources, DEADLINE + datetime.timedelta(days=1))
    assert result.code == 0 and "P01" not in rules(result), result.describe()
    html = (sources.parent / "out" / "portfolio.html").read_text(encoding="utf-8")
    assert "令和11年3月31日まで公表" in html


def test_an_incident_rejudges_the_threshold_for_a_year(sources: Path) -> None:
    replace_once(
        sources / ASAHIKAWA / "1_基本情報.yaml",
        "  事務の名称:",
        "  対象人数: 10万人以上30万人未満\n  事務の名称:",
    )
    (sources / "重大事故.yaml").write_text(
        "重大事故:\n  - 発生日: 令和8年1月10日\n    評価実施機関: 旭川市長\n    内容: 試験用の記載（公表資料ではありません）\n",
        encoding="utf-8",
    )
    within = portfolio(sources, datetime.date(2026, 6, 1))
    assert within.code == 1 and "P05" in rules(within), within.describe()
    assert "全項目評価" in within.stderr
    after = portfolio(sources, datetime.date(2027, 1, 11))
    assert "P05" not in rules(after), after.describe()
