"""``check`` passing means ``build`` succeeds: odd values that once passed check and then failed
build (exit 3) are refused by both with the file and item, or accepted by both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import set_value

from .conftest import assert_untouched
from .harness import MULTI, Root, assert_clean, assert_error

COVER = "0_表紙.yaml"
FILE1 = "2_ファイル概要_1.yaml"

# (file, key, value written, expected: a needle of the error, or None when both must succeed)
VALUES = {
    "公表日 before 明治": (COVER, "公表日", "1800-01-01", "和暦で表せません"),
    "公表日 year 1": (COVER, "公表日", "0001-01-01", "和暦で表せません"),
    "公表日 9999-12-31": (COVER, "公表日", "9999-12-31", None),
    "公表日 1975 (before zip times)": (COVER, "公表日", "1975-01-01", None),
    "保有開始日 before 明治": (FILE1, "保有開始日", "1800-01-01", "和暦で表せません"),
    "評価書番号 ①": (COVER, "評価書番号", "①", "番号として読めません"),
    "評価書番号 5,000 digits": (COVER, "評価書番号", "9" * 5000, "9 桁まで"),
    "評価書番号 ²": (COVER, "評価書番号", "²", "番号として読めません"),
    "評価書番号 full width": (COVER, "評価書番号", "１５", None),
}


def _both(root: Root, needle: str | None, file: str, item: str) -> None:
    before = root.snapshot()
    check = root.run("check", "sources/c")
    build = root.run("build", "sources/c", "--out", "out", "-f", "html,docx,xlsx", "-j", "1")
    if needle is None:
        assert_clean(check, 0)
        assert_clean(build, 0)
        return
    for run in (check, build):
        assert_error(run, f"c/{file}", needle, item)
    assert not root.out.exists()
    assert_untouched(root, before)


@pytest.mark.parametrize("case", list(VALUES))
def test_an_odd_value_fails_check_and_build_alike(root: Root, case: str) -> None:
    file, key, value, needle = VALUES[case]
    set_value(root.folder() / file, key, value)
    _both(root, needle, file, key)


@pytest.fixture
def multi(tmp_path: Path) -> Root:
    """The example whose first file has a 提供先 standing for 22 (``件数: 22``)."""
    return Root.make(tmp_path / "multi", MULTI)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("①", "番号として読めません"),
        ("9" * 5000, "9 桁まで"),
        ("0", "1 以上"),
        ("-1", "番号として読めません"),
    ],
)
def test_an_odd_count_fails_check_and_build_alike(multi: Root, value: str, needle: str) -> None:
    path = multi.folder() / FILE1
    text, n = re.subn(r"^(\s+件数:) 22$", rf"\1 {value}", path.read_text(encoding="utf-8"), flags=re.M)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    _both(multi, needle, FILE1, "件数")


@pytest.mark.parametrize("epoch", ["99999999999999999999999", "-1", "1e9", "abc", "253402300800"])
def test_an_unusable_source_date_epoch_is_exit_1_in_check_and_build(root: Root, epoch: str) -> None:
    before = root.snapshot()
    for command in (("check", "sources/c"), ("build", "sources/c", "--out", "out", "-f", "docx")):
        run = root.run(*command, env={"SOURCE_DATE_EPOCH": epoch})
        assert_clean(run, 1)
        assert "SOURCE_DATE_EPOCH" in run.output, run.result.describe()
    assert_untouched(root, before)


def test_the_largest_source_date_epoch_builds(root: Root) -> None:
    run = root.run(
        "build", "sources/c", "--out", "out", "-f", "docx,xlsx", env={"SOURCE_DATE_EPOCH": "253402300799"}
    )
    assert_clean(run, 0)


def test_a_control_character_in_a_value_is_refused_before_any_output(root: Root) -> None:
    set_value(root.folder() / COVER, "評価書名", '"健康\\0増進\\x1b[31m事業"')
    _both(root, "U+0000", COVER, "")
