"""Acknowledged findings and the issue's acceptance lines, through the CLI (``hyoka check``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, SOURCES, copy_example, diagnostics, line_of, replace_once, run_cli, set_value

RISKS = "3_リスク対策_1.yaml"
OVERVIEW = "2_ファイル概要_1.yaml"


def check(root: Path, *args: str):
    return run_cli("check", *args, cwd=root)


def test_shipped_examples_pass_strict_with_every_finding_acknowledged() -> None:
    result = check(REPO, "sources", "--strict")
    assert result.code == 0, result.describe()
    assert "エラー 0 件、警告 0 件" in result.stdout
    listed = [line for line in result.stdout.splitlines() if "（確認済み: " in line]
    assert listed, result.stdout  # listed, not counted
    assert all("公表" in line.split("（確認済み: ", 1)[1] for line in listed), listed


def test_a_finding_acknowledged_by_a_comment_on_its_line(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    set_value(folder / RISKS, "接続しない（入手）", "true")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin", "--strict")
    assert result.code == 1, result.describe()
    r05 = [d for d in diagnostics(result.stderr) if d.rule == "R05"]
    assert r05 and r05[0].line == line_of(folder / RISKS, "接続しない（入手）")
    set_value(folder / RISKS, "接続しない（入手）", "true  # hyoka: 確認済み R05 R06 公表版のとおり")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin", "--strict")
    assert not [d for d in diagnostics(result.stderr) if d.rule == "R05"], result.describe()
    assert "（確認済み: 公表版のとおり）" in result.stdout


def test_an_acknowledgement_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    set_value(folder / OVERVIEW, "ファイルの種類", "システム用ファイル  # hyoka: 確認済み R09 公表どおり")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin", "--strict")
    stale = [d for d in diagnostics(result.stderr) if d.rule == "A01"]
    assert result.code == 1 and stale, result.describe()
    assert stale[0].line == line_of(folder / OVERVIEW, "ファイルの種類")


def test_a_list_entry_that_no_longer_matches_is_reported(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    # the listed gap of the example filled in: its acknowledgement is now stale
    replace_once(
        folder / "1_基本情報.yaml", "  事務の名称:", "  対象人数: 10万人以上30万人未満\n  事務の名称:"
    )
    result = check(tmp_path, "sources/asahikawa-kenkozoshin", "--strict")
    stale = [d for d in diagnostics(result.stderr) if d.rule == "A01"]
    assert len(stale) == 1 and stale[0].file.endswith("確認済み.yaml"), result.describe()


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ("  - 規則: R05\n    場所: 3_リスク対策_1.yaml:3\n", "理由"),
        ("  - 規則: S\n    場所: 3_リスク対策_1.yaml:3\n    理由: x\n", "確認済みにできる"),
        ("  - 規則: R05\n    理由: x\n", "場所"),
    ],
)
def test_a_malformed_acknowledgement_is_an_error(tmp_path: Path, entry: str, fragment: str) -> None:
    folder = copy_example(tmp_path)
    path = folder / "確認済み.yaml"
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin")
    bad = [d for d in diagnostics(result.stderr) if d.rule == "A02"]
    assert result.code == 1 and bad and fragment in bad[0].message, result.describe()


def test_a_structural_error_cannot_be_acknowledged(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    set_value(folder / OVERVIEW, "使用者数", "10人以上  # hyoka: 確認済み S 公表どおり")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin")
    assert result.code == 1
    assert [d for d in diagnostics(result.stderr) if d.rule == "S" and d.level == "エラー"]


# ---------------------------------------------------------------------------
# Issue 13 acceptance: the four deletions and the Ⅲ-4 case, each an error naming the item


@pytest.mark.parametrize(
    ("file", "key", "label"),
    [
        ("0_表紙.yaml", "公表日", "公表日"),
        ("0_表紙.yaml", "評価実施機関名", "評価実施機関名"),
        (OVERVIEW, "ファイルの種類", "Ⅱ（ファイル1） ２．①ファイルの種類"),
        (OVERVIEW, "対象となる本人の数", "Ⅱ（ファイル1） ２．②対象となる本人の数"),
    ],
)
def test_acceptance_deleting_a_required_item_is_an_error(
    tmp_path: Path, file: str, key: str, label: str
) -> None:
    folder = copy_example(tmp_path)
    path = folder / file
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.strip().split(":")[0] != key]
    assert len(kept) == len(lines) - 1
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin")
    assert result.code == 1, result.describe()
    errors = [d for d in diagnostics(result.stderr) if d.level == "エラー" and d.rule == "C01"]
    assert [d for d in errors if d.label.endswith(label) and d.file.endswith(file)], result.describe()


def test_acceptance_risk_part_4_missing_while_entrusting(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / RISKS
    lines = path.read_text(encoding="utf-8").splitlines()
    start, end = lines.index("特定個人情報ファイルの取扱いの委託:"), lines.index("特定個人情報の提供・移転:")
    path.write_text("\n".join(lines[:start] + lines[end:]) + "\n", encoding="utf-8")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin")
    assert result.code == 1, result.describe()
    errors = [d for d in diagnostics(result.stderr) if d.level == "エラー"]
    assert [d for d in errors if "４．特定個人情報ファイルの取扱いの委託" in d.label and d.rule == "C01"]


def test_acceptance_provision_outside_the_network_while_box_checked(tmp_path: Path) -> None:
    folder = tmp_path / "sources" / "x"
    shutil.copytree(SOURCES / "asahikawa-kenkozoshin", folder)
    shutil.copytree(SOURCES / "blocks", tmp_path / "sources" / "blocks")
    text = (folder / OVERVIEW).read_text(encoding="utf-8")
    (folder / OVERVIEW).write_text(
        text.replace("        - 情報提供ネットワークシステム\n      時期", "        - 紙\n      時期"),
        encoding="utf-8",
    )
    result = check(tmp_path, "sources/x")
    errors = [d for d in diagnostics(result.stderr) if d.level == "エラー" and d.rule == "R08"]
    assert result.code == 1 and errors, result.describe()


def test_a_published_date_outside_the_edition_can_be_acknowledged(tmp_path: Path) -> None:
    """E01 (公表日 outside the form's edition) is a warning a city may keep: a document published on
    the older form during the change-over prints the date it was published."""
    folder = copy_example(tmp_path)
    cover = folder / "0_表紙.yaml"
    replace_once(cover, "公表日: 令和7年12月1日", "公表日: 令和3年4月1日")
    result = check(tmp_path, "sources/asahikawa-kenkozoshin", "--strict")
    e01 = [d for d in diagnostics(result.stderr) if d.rule == "E01"]
    assert result.code == 1 and e01 and e01[0].line == line_of(cover, "公表日"), result.describe()
    replace_once(
        cover, "公表日: 令和3年4月1日", "公表日: 令和3年4月1日  # hyoka: 確認済み E01 旧様式のまま公表"
    )
    result = check(tmp_path, "sources/asahikawa-kenkozoshin", "--strict")
    assert not [d for d in diagnostics(result.stderr) if d.rule in ("E01", "A02")], result.describe()
    assert "（確認済み: 旧様式のまま公表）" in result.stdout
