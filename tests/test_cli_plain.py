"""A plain ``hyoka build`` command line is read without argparse (cli._plain_build): it must
read exactly what argparse reads, and leave every other command line to argparse."""

from __future__ import annotations

import pytest

from generator import cli, cliparse

PLAIN = [
    ("build", "a"),
    ("build", "a", "b", "c"),
    (
        "build",
        "sources/mihon-jidofuyo",
        "--format",
        "html,docx,xlsx",
        "--out",
        "/tmp/o",
        "--force",
        "--quiet",
    ),
    ("build", "-q", "a", "-o", "x", "b", "-j", "2", "-f", "html", "--rules"),
    ("build", "a", "--out", "x", "--out", "y", "-j", "3", "--jobs", " 4"),  # the last one counts
    ("build", "a", "-f", "PDF,md", "--quiet", "-q", "--force", "--force"),
    ("build", "a b", "日本語/フォルダ", "a"),
]
DECLINED = [
    (),
    ("build",),
    ("build", "--quiet"),
    ("check", "a"),
    ("--traceback", "build", "a"),
    ("build", "a", "--out=x"),
    ("build", "a", "-ox"),
    ("build", "a", "-qf", "html"),
    ("build", "a", "-j", "0"),
    ("build", "a", "-j", "x"),
    ("build", "a", "-j"),
    ("build", "a", "-o", "-x"),
    ("build", "a", "--", "b"),
    ("build", "a", "-h"),
    ("build", "a", "--help"),
    ("build", "a", "--bogus"),
    ("build", "a", "--for", "html"),
    ("build", "-1"),
    ("build", "-", "a"),  # argparse's: "-" is a path to it (stdin to some tools); left to it
]


def _argparse_reads(args: tuple[str, ...]) -> dict:
    options = cliparse.parse(list(args), cli._commands())
    assert not isinstance(options, int)
    return vars(options)


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_a_plain_build_line_reads_as_argparse_reads_it(args: tuple[str, ...]) -> None:
    plain = cli._plain_build(list(args), cli._commands()["build"])
    assert plain is not None
    assert vars(plain) == _argparse_reads(args)


@pytest.mark.parametrize("args", DECLINED, ids=" ".join)
def test_any_other_line_is_left_to_argparse(args: tuple[str, ...]) -> None:
    assert cli._plain_build(list(args), cli._commands()["build"]) is None


def test_a_plain_build_imports_no_argparse() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from generator import cli\n"
        "cli._build = lambda options: 0\n"
        "cli.run(['build', 'a', '-q', '-j', '2'])\n"
        "print('argparse' in sys.modules)\n"
        "cli.run(['build', 'a', '--out=x'])\n"
        "print('argparse' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
