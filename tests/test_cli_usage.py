"""Usage errors of the command line speak Japanese, exit 2 and show no traceback."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("build",), "次の引数を指定してください: PATHS"),
        (("build", "sources", "--bogus"), "知らない引数です: --bogus"),
        (("build", "sources", "--jobs", "0"), "1 以上の整数を指定してください"),
        (("blocks", "show"), "次の引数を指定してください: ID"),
    ],
)
def test_usage_errors_are_japanese(args: tuple[str, ...], expected: str) -> None:
    result = run_cli(*args)
    assert result.code == 2, result.describe()
    assert expected in result.stderr, result.describe()
    assert "使い方:" in result.stderr and "hyoka" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands_in_japanese() -> None:
    result = run_cli("--help")
    assert result.code == 0, result.describe()
    for command in ("check", "build", "deps", "site", "changes", "diff", "blocks"):
        assert f"  {command}" in result.stdout
    assert "この説明を表示して終了します。" in result.stdout
