"""A command's options between its arguments (``build a -f html b``), and the usage line its
messages show: cli.py formats that line only when a message shows it, and every message, exit
code and parsed value must be what argparse's own ``parse_intermixed_args`` gives."""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import pytest

from generator import cli, cliparse

CASES = [
    ("build", "a", "-f", "html", "b", "--quiet"),
    ("build", "-q", "a", "--out", "x", "b", "-j", "2"),
    ("build",),
    ("build", "a", "--bogus"),
    ("build", "a", "-j", "0"),
    ("build", "a", "--format"),
    ("build", "-h"),
    ("build", "a", "--help", "b"),
    ("check", "--strict", "a", "--nope", "b"),
    ("new",),
    ("serve", "--port", "x"),
    ("blocks", "show"),
    ("blocks", "find", "text", "--limit", "y"),
    ("blocks", "upgrade", "-h"),
]


def _outcome(argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> tuple:
    """(exit code, stdout, stderr, parsed options) of the command line, its handler not run."""
    parsed: list[dict] = []
    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as m:
        m.setenv("COLUMNS", "60")  # narrow: the usage wraps
        for command in [*cli._commands().values(), *cli._blocks_commands().values()]:
            m.setattr(cli, command.handler.__name__, _recorder(parsed), raising=True)
        code = None
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.run(list(argv))
            except SystemExit as exc:
                code = exc.code
    return code, out.getvalue(), err.getvalue(), parsed


def _recorder(parsed: list[dict]):  # noqa: ANN202
    def handler(options: argparse.Namespace) -> int:
        parsed.append({k: v for k, v in vars(options).items() if k != "handler"})
        return 0

    return handler


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_messages_and_values_are_argparses(argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _outcome(argv, monkeypatch)
    monkeypatch.setattr(
        cliparse, "_Parser", lambda made, **options: argparse.ArgumentParser(**options)
    )  # argparse's, usage formatted at once
    theirs = _outcome(argv, monkeypatch)
    assert ours == theirs
    code, stdout, stderr, _ = ours
    if code:
        assert code == 2 and "使い方:" in stderr and "エラー" in stderr
    elif stdout:
        assert stdout.startswith("使い方:")


def test_options_between_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, _, parsed = _outcome(CASES[1], monkeypatch)
    assert code == 0
    assert parsed == [
        {
            "paths": [Path("a"), Path("b")],
            "out": Path("x"),
            "format": "html,docx,xlsx",
            "quiet": True,
            "jobs": 2,
            "force": False,
            "rules": False,
        }
    ]


def test_the_usage_is_formatted_only_for_a_message() -> None:
    parser = cli._commands()["build"].parser()
    formatted = []
    parser.format_usage = lambda: formatted.append(1) or argparse.ArgumentParser.format_usage(parser)  # type: ignore[method-assign]
    parser.parse_intermixed_args(["a", "-q", "b"])
    assert formatted == []
    assert parser.usage is None
