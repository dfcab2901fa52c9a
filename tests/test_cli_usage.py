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


def test_version_and_exit_codes_in_help() -> None:
    from generator import __version__

    result = run_cli("--version")
    assert result.code == 0, result.describe()
    assert result.stdout.strip() == f"hyoka {__version__}"
    helptext = run_cli("--help").stdout
    assert "コマンド:" in helptext and "commands:" not in helptext
    assert "終了コード:" in helptext
    for code in ("0", "1", "2", "3", "130"):
        assert f"\n  {code} " in helptext, code


def test_output_piped_into_head_ends_quietly() -> None:
    """``hyoka blocks usage | head -1``: the reader is gone before hyoka writes; hyoka ends with
    the status of a tool stopped by SIGPIPE (141) and prints no traceback or message."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "blocks", "usage", "sources"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as head does after its lines
    err = proc.stderr.read().decode("utf-8")
    code = proc.wait(timeout=120)
    assert err == "", err
    assert code == 141, code
