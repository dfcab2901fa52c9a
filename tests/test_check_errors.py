"""``hyoka check`` / ``hyoka build`` on broken copies of the example: every kind of bad input is
reported with its file, line, item label and what is allowed, with exit status 1 and no traceback.

Each test edits a private copy of ``sources/asahikawa-kenkozoshin`` and runs the CLI in a
subprocess from the copy's root, so the printed paths are ``sources/asahikawa-kenkozoshin/…``.
Expected lines are looked up in the edited file, never typed in.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.form import juten_sections as js
from generator.form import schema as s
from tests.conftest import (
    EXAMPLE_NAME,
    CliResult,
    Diag,
    copy_example,
    diagnostics,
    errors,
    insert_under,
    line_of,
    run_cli,
    set_value,
    spec_options,
)

COVER = "0_表紙.yaml"
BASIC = "1_基本情報.yaml"
OVERVIEW = "2_ファイル概要_1.yaml"
RISKS = "3_リスク対策_1.yaml"
DISCLOSURE = "4_開示請求・問合せ.yaml"
PROCEDURE = "5_評価実施手続.yaml"


# ---------------------------------------------------------------------------
# Helpers


def check(folder: Path, *extra: str) -> CliResult:
    """``hyoka check sources/<folder>`` run from the copy's root."""
    root = folder.parents[1]
    return run_cli("check", str(folder.relative_to(root)), *extra, cwd=root)


def shown(path: Path) -> str:
    """How the CLI prints a file of the copy: relative to the copy's root."""
    return str(path.relative_to(path.parents[2]))


def no_traceback(result: CliResult) -> None:
    assert "Traceback" not in result.stderr, result.describe()
    assert "Traceback" not in result.stdout, result.describe()
    assert "内部エラー" not in result.stderr, result.describe()


def expect_error(result: CliResult, path: Path, line: int, label_part: str | None, *fragments: str) -> Diag:
    """The run failed (1), without traceback, and printed an error at ``path:line`` whose
    「label」 contains ``label_part`` and whose message contains every fragment."""
    assert result.code == 1, result.describe()
    no_traceback(result)
    at_place = [d for d in errors(result) if d.file == shown(path) and d.line == line]
    assert at_place, f"no error at {shown(path)}:{line}\n{result.describe()}"
    for d in at_place:
        if (label_part is None or label_part in d.label) and all(f in d.raw for f in fragments):
            return d
    raise AssertionError(
        f"no error at {shown(path)}:{line} with label ⊃ {label_part!r} and {fragments}\n{result.describe()}"
    )


def find_item(nodes: tuple[s.Node, ...], key: str) -> s.Item:
    """The first schema item with ``key`` under ``nodes`` (depth first)."""
    for n in nodes:
        if isinstance(n, s.Item) and n.key == key:
            return n
        inner: tuple[s.Node, ...] = ()
        if isinstance(n, s.RowGroup):
            inner = ((n.lead,) if n.lead else ()) + n.subs
        elif isinstance(n, s.Head):
            inner = n.children + n.flags
        elif isinstance(n, s.Repeat):
            inner = ((n.title,) if n.title else ()) + n.children
        if inner:
            try:
                return find_item(inner, key)
            except LookupError:
                pass
    raise LookupError(key)


def in_order(text: str, words: list[str]) -> bool:
    positions = [text.find(w) for w in words]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


# ---------------------------------------------------------------------------
# The unmodified example is the control


def test_unmodified_example_passes(example_copy: Path) -> None:
    result = check(example_copy)
    assert result.code == 0, result.describe()
    assert diagnostics(result.stderr) == []
    assert "エラー 0 件、警告 0 件" in result.stdout
    no_traceback(result)


# ---------------------------------------------------------------------------
# Choices


def test_acceptance_near_miss_choice_lists_all_six_options_and_a_suggestion(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "使用者数", "10人以上")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "使用者数: 10人以上"), "使用者数", "「10人以上」")
    assert d.label.endswith("使用者数")
    assert d.raw.startswith(f"sources/{EXAMPLE_NAME}/{OVERVIEW}:")
    six = spec_options("OPT-人数")
    assert len(six) == 6
    assert in_order(d.message, six), d.raw
    assert "もしかして「10人以上50人未満」" in d.message
    # the column points at the value, after 「使用者数: 」
    text = path.read_text(encoding="utf-8").splitlines()[d.line - 1]
    assert text[d.col - 1 :].startswith("10人以上")


def test_choice_given_as_a_list(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "使用者数", "[10人未満]")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "使用者数: [10人未満]"), "使用者数", "1 つ")
    assert in_order(d.message, spec_options("OPT-人数")), d.raw


def test_consistency_error_entrustment_none_but_items_listed(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "委託の有無", "委託しない")
    members = len(re.findall(r"^ +- 委託事項:", path.read_text(encoding="utf-8"), re.M))
    assert members > 0, "the example has 委託事項"
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "委託の有無: 委託しない"), "委託の有無", "委託事項")
    assert f"{members} 件" in d.message


# ---------------------------------------------------------------------------
# Keys


def test_unknown_key_suggests_the_nearest_label(example_copy: Path) -> None:
    path = example_copy / BASIC
    insert_under(path, "特定個人情報ファイルを取り扱う事務", "事務の名前: 健康増進事業に関する事務")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "事務の名前"), "事務の名前", "もしかして「事務の名称」")
    head = next(
        n
        for n in js.SECTION1.children
        if isinstance(n, s.Head) and n.key == "特定個人情報ファイルを取り扱う事務"
    )
    allowed = [n.key for n in head.children if isinstance(n, s.Item)]
    assert allowed and all(k in d.message for k in allowed), d.raw


# ---------------------------------------------------------------------------
# Check-box lists


def test_unknown_check_box_option(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "入手方法", "\n- 紙\n- ファックス")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "ファックス"), "入手方法", "「ファックス」")
    options = find_item(js.SECTION2.children, "入手方法").options
    assert in_order(d.message, list(options)), d.raw


def test_parenthesised_text_on_an_option_without_a_field(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "入手方法", "\n- 紙: 郵送で受け付ける\n- 庁内連携システム")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "紙: 郵送"), "入手方法", "「紙」", "（ ）")
    assert "その他" in d.message  # where a （ ） field is allowed


def test_duplicate_check_box_option(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "入手方法", "\n- 紙\n- 庁内連携システム\n- 紙")
    result = check(example_copy)
    lines = [n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t == "    - 紙"]
    assert len(lines) == 2
    expect_error(result, path, lines[1], "入手方法", "「紙」", "2 回")


# ---------------------------------------------------------------------------
# Dates


def test_date_with_a_month_that_does_not_exist(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "保有開始日", "令和7年13月1日")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "令和7年13月1日"), "保有開始日", "令和7年13月1日")
    assert "13月" in d.message and "1〜12" in d.message
    assert "令和7年12月1日" in d.message  # how a date is written


def test_date_outside_its_era(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "使用開始日", "平成31年5月1日")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "平成31年5月1日"), "使用開始日", "平成31年5月1日")
    assert "期間外" in d.message
    assert "令和元年5月1日" in d.message


# ---------------------------------------------------------------------------
# Shapes of values


def test_text_given_as_a_mapping(example_copy: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "使用目的", "{目的: がん検診対象者の把握}")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "使用目的:"), "使用目的", "文章")
    assert "block" in d.message  # the other allowed shape: a list with block references


def test_too_many_members_in_a_repeated_block(example_copy: Path) -> None:
    path = example_copy / BASIC
    systems = "".join(f"\n- システムの名称: 追加システム{n}\n  システムの機能: 機能{n}" for n in range(1, 22))
    set_value(path, "特定個人情報ファイルを取り扱う事務において使用するシステム", systems)
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "追加システム21"), "システム21", "20 件まで")
    assert "21 件" in d.message
    assert len(errors(result)) == 1, result.describe()


def test_flag_that_is_not_a_boolean(example_copy: Path) -> None:
    path = example_copy / RISKS
    set_value(path, "委託しない", "たぶん")
    result = check(example_copy)
    expect_error(result, path, line_of(path, "委託しない: たぶん"), "委託しない", "true", "false")


def test_assessment_number_that_is_not_a_number(example_copy: Path) -> None:
    path = example_copy / COVER
    set_value(path, "評価書番号", "十五")
    result = check(example_copy)
    expect_error(result, path, line_of(path, "評価書番号: 十五"), "評価書番号", "「十五」", "数字")


def test_block_reference_to_an_unknown_id(example_copy: Path) -> None:
    path = example_copy / DISCLOSURE
    set_value(path, "請求方法", "\n- block: no-such-group/no-such-block")
    result = check(example_copy)
    expect_error(
        result, path, line_of(path, "no-such-group/no-such-block"), "請求方法", "no-such-group/no-such-block"
    )


# ---------------------------------------------------------------------------
# YAML itself


def test_yaml_syntax_error(example_copy: Path) -> None:
    path = example_copy / RISKS
    set_value(path, "ユーザ認証の管理", "行って: いる")
    result = check(example_copy)
    d = expect_error(result, path, line_of(path, "行って: いる"), None, "YAML の書き方に誤りがあります")
    assert d.col > 1
    # a file that cannot be parsed gives one message, not a cascade of follow-on errors
    assert len(errors(result)) == 1, result.describe()


def test_python_object_tag_is_an_error_and_runs_nothing(example_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "hacked"
    path = example_copy / COVER
    set_value(path, "評価実施機関名", f'!!python/object/apply:os.system ["touch {marker}"]')
    result = check(example_copy)
    assert not marker.exists(), "a YAML tag executed code"
    expect_error(result, path, line_of(path, "!!python"), None, "!!python/object/apply:os.system")


def test_file_that_is_not_utf8(example_copy: Path) -> None:
    path = example_copy / PROCEDURE
    path.write_bytes("# Ⅴ 評価実施手続\n基礎項目評価:\n  実施日: 令和7年12月1日\n".encode("cp932"))
    result = check(example_copy)
    expect_error(result, path, 1, None, "UTF-8")


# ---------------------------------------------------------------------------
# Files of the folder


def test_per_file_section_without_its_number(example_copy: Path) -> None:
    wrong = example_copy / "2_ファイル概要.yaml"
    (example_copy / OVERVIEW).rename(wrong)
    result = check(example_copy)
    d = expect_error(result, wrong, 0, None, "2_ファイル概要.yaml")
    assert "もしかして「2_ファイル概要_1.yaml」" in d.message
    # and the file 1 that is now missing its Ⅱ
    expect_error(result, example_copy / OVERVIEW, 0, None, "2_ファイル概要_1.yaml")


def test_file_name_of_no_section(example_copy: Path) -> None:
    wrong = example_copy / "6_その他.yaml"
    wrong.write_text("備考: なし\n", encoding="utf-8")
    result = check(example_copy)
    d = expect_error(result, wrong, 0, None, "「6_その他.yaml」")
    for name in (COVER, BASIC, OVERVIEW, RISKS, DISCLOSURE, PROCEDURE):
        assert name in d.message, d.raw  # the file names that can be used
    assert len(errors(result)) == 1, result.describe()


def test_missing_required_section_file(example_copy: Path) -> None:
    path = example_copy / DISCLOSURE
    path.unlink()
    result = check(example_copy)
    expect_error(result, path, 0, "Ⅳ", "4_開示請求・問合せ.yaml", "必須")


def test_overview_without_its_risk_section(example_copy: Path) -> None:
    shutil.copy(example_copy / OVERVIEW, example_copy / "2_ファイル概要_2.yaml")
    result = check(example_copy)
    missing = example_copy / "3_リスク対策_2.yaml"
    d = expect_error(result, missing, 0, None, "3_リスク対策_2.yaml")
    assert "Ⅲ" in d.message


# ---------------------------------------------------------------------------
# All problems in one run


def test_several_errors_in_different_files_are_all_reported(example_copy: Path) -> None:
    edits = [
        (COVER, "公表日", "令和7年2月30日"),
        (OVERVIEW, "使用者数", "10人以上"),
        (RISKS, "委託しない", "いいえ?"),
    ]
    expected = set()
    for name, key, value in edits:
        path = example_copy / name
        set_value(path, key, value)
        expected.add((shown(path), line_of(path, f"{key}: {value}")))
    insert_under(example_copy / PROCEDURE, "基礎項目評価", "実施者: 健康推進課")
    expected.add((shown(example_copy / PROCEDURE), line_of(example_copy / PROCEDURE, "実施者")))
    result = check(example_copy)
    assert result.code == 1, result.describe()
    no_traceback(result)
    found = {(d.file, d.line) for d in errors(result)}
    assert found == expected, result.describe()
    assert len(errors(result)) == 4
    assert "エラー 4 件" in result.stderr


def test_errors_in_two_assessments_are_reported_in_one_run(tmp_path: Path) -> None:
    first = copy_example(tmp_path, "first")
    second = copy_example(tmp_path, "second")
    set_value(first / OVERVIEW, "使用者数", "10人以上")
    set_value(second / COVER, "評価書番号", "十五")
    result = run_cli("check", "sources", cwd=tmp_path)
    expect_error(result, first / OVERVIEW, line_of(first / OVERVIEW, "10人以上"), "使用者数")
    expect_error(result, second / COVER, line_of(second / COVER, "十五"), "評価書番号")
    assert "2 件の評価書を検査しました: エラー 2 件" in result.stderr


# ---------------------------------------------------------------------------
# hyoka build refuses, hyoka on impossible arguments


def test_build_with_errors_writes_nothing(example_copy: Path, tmp_path: Path) -> None:
    path = example_copy / OVERVIEW
    set_value(path, "使用者数", "10人以上")
    out = tmp_path / "out"
    result = run_cli("build", "sources", "--out", str(out), cwd=tmp_path)
    expect_error(result, path, line_of(path, "使用者数: 10人以上"), "使用者数")
    assert "書き出しました" not in result.stdout
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))


def test_build_with_one_bad_assessment_writes_none_of_them(tmp_path: Path) -> None:
    good = copy_example(tmp_path, "good")
    bad = copy_example(tmp_path, "bad")
    assert good.is_dir()
    set_value(bad / COVER, "評価書番号", "十五")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("build", "sources", "--out", "out", cwd=tmp_path)
    expect_error(result, bad / COVER, line_of(bad / COVER, "十五"), "評価書番号")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("command", ["build", "check"])
def test_missing_folder_exits_2_with_a_japanese_message(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    args = [command, "sources/no-such-assessment"] + (["--out", str(out)] if command == "build" else [])
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 2, result.describe()
    no_traceback(result)
    assert "no-such-assessment" in result.stderr
    assert "フォルダがありません" in result.stderr
    assert not out.exists()


def test_folder_without_assessments_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("check", "empty", cwd=tmp_path)
    assert result.code == 2, result.describe()
    no_traceback(result)
    assert "見つかりません" in result.stderr


def test_unknown_format_exits_2_and_names_the_known_ones(example_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "sources", "--out", str(out), "--format", "html,pdfx", cwd=tmp_path)
    assert result.code == 2, result.describe()
    no_traceback(result)
    assert "「pdfx」" in result.stderr
    for known in ("html", "docx", "xlsx"):
        assert known in result.stderr
    assert not out.exists()
