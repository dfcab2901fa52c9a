"""The argparse layer of the ``hyoka`` command (generator.cli): its parsers, their messages in
Japanese and their layout. Imported only for a command line that generator.cli does not read
itself (a plain ``hyoka build`` is read without argparse)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from . import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from .cli import _Command

# argparse's own words, in Japanese: it looks each message up through the module-global gettext
# function ``_`` when printing, so replacing that function translates usage lines and errors.
_ARGPARSE_JA = {
    "usage: ": "使い方:   ",  # as long as "usage: ": argparse slices the wrapped usage by that length
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "この説明を表示して終了します。",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "the following arguments are required: %s": "次の引数を指定してください: %s",
    "unrecognized arguments: %s": "知らない引数です: %s",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "expected one argument": "値を 1 つ指定してください",
    "invalid choice: %(value)r (choose from %(choices)s)": "選べない値です: %(value)r（選べるのは %(choices)s）",
    "invalid %(type)s value: %(value)r": "%(type)s として読めない値です: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "あいまいなオプションです: %(option)s（候補: %(matches)s）",
    "not allowed with argument %s": "引数 %s と一緒には使えません",
}
argparse._ = lambda message: _ARGPARSE_JA.get(message, message)  # type: ignore[attr-defined]


def _columns() -> int:
    """``shutil.get_terminal_size().columns``: argparse asks it at every ``add_argument`` and
    imports shutil for it (with zlib, bz2 and lzma: 4 ms of every command's start)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, as wide as argparse makes it (the terminal less 2), found without shutil."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, _columns() - 2 if width is None else width
        )


class _RawDescriptionFormatter(_HelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


class _FullUsage:
    """The usage line ``parse_intermixed_args`` keeps for its messages (argparse formats it with
    every parse, ~0.6 ms of a run compiling its usage patterns), formatted only when a message
    (an error, --help) shows it: argparse puts ``usage % {"prog": …}`` in them. It is formatted
    by a parser made anew (``made``): mid-parse, argparse hides the positionals of the one parsing."""

    def __init__(self, made: Callable[[], argparse.ArgumentParser]) -> None:
        self.made = made

    def __mod__(self, values: dict) -> str:
        return self.made().format_usage()[7:] % values  # less "usage: " (its Japanese is as long)


class _Parser(argparse.ArgumentParser):
    """A command's parser; ``made`` makes it again."""

    def __init__(self, made: Callable[[], argparse.ArgumentParser], **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.made = made

    def parse_intermixed_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201 - argparse's
        if self.usage is not None:
            return super().parse_intermixed_args(args, namespace)
        self.usage = _FullUsage(self.made)  # type: ignore[assignment]
        try:
            return super().parse_intermixed_args(args, namespace)
        finally:
            self.usage = None


def command_parser(command: _Command) -> argparse.ArgumentParser:
    """The parser of one command, as its arguments are declared (``cli._Command``)."""
    parser = _Parser(
        command.parser,
        prog=command.prog,
        description=command.description,
        allow_abbrev=False,
        formatter_class=_HelpFormatter,
    )
    parser.set_defaults(handler=command.handler)
    for names, options in command._arguments:
        parser.add_argument(*names, **options)  # type: ignore[arg-type]
    return parser


def dispatcher(
    prog: str, description: str, commands: dict[str, str], top: bool = False
) -> argparse.ArgumentParser:
    """A parser of ``[options] COMMAND ARGS…``; the command's own parser reads ARGS, so that its
    options may stand between its arguments (``build a -f html b``), as with click."""
    listing = "\n".join(f"  {name:<10}{text}" for name, text in commands.items())
    epilog = f"コマンド:\n{listing}\n\n「{prog} COMMAND --help」でコマンドごとの説明を表示します。"
    if top:
        from .cli import EXIT_CODES

        codes = "\n".join(f"  {code:<5}{text}" for code, text in EXIT_CODES)
        epilog += f"\n\n終了コード:\n{codes}"
    parser = argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=_RawDescriptionFormatter,
        allow_abbrev=False,
    )
    if top:
        parser.add_argument(
            "--version", action="version", version=f"hyoka {__version__}", help="版を表示して終了します。"
        )
        parser.add_argument(
            "--traceback", action="store_true", help="内部エラーの詳細（開発者向け）を表示します。"
        )
    parser.add_argument("command", nargs="?", choices=list(commands), metavar="COMMAND", help="下のいずれか")
    parser.add_argument("args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _descriptions(commands: dict[str, _Command]) -> dict[str, str]:
    return {name: parser.description or "" for name, parser in commands.items()}


def parse(args: list[str], commands: dict[str, _Command]) -> argparse.Namespace | int:
    """The command's options, or the exit status after the help was shown (no command)."""
    from . import cli

    top = dispatcher(
        "hyoka", cli.DESCRIPTION, {**_descriptions(commands), "blocks": cli.BLOCKS_DESCRIPTION}, top=True
    )
    ns = top.parse_args(args)
    cli._state["traceback"] = ns.traceback
    if ns.command is None:  # no command: the help, as a usage error
        top.print_help()
        return 2
    rest = ns.args
    if ns.command == "blocks":
        commands = cli._blocks_commands()
        group = dispatcher("hyoka blocks", cli.BLOCKS_DESCRIPTION, _descriptions(commands))
        sub = group.parse_args(rest)
        if sub.command is None:
            group.print_help()
            return 2
        ns, rest = sub, sub.args
    return commands[ns.command].parser().parse_intermixed_args(rest)
