"""The ``hyoka`` command: a thin argparse layer over generator.commands.*.

argparse, not typer: typer (0.2x) validates every option through pydantic TypeAdapters, which
cost about 0.25 s on every run (imports and schema building), a third of an HTML build. A
command's module, and so its libraries, is imported only when that command runs. The parsers
are in generator.cliparse; a plain ``hyoka build`` line is read here without them (``_plain_build``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

from .diagnostics import HyokaError, SourceError, UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    import argparse
    from types import ModuleType

DESCRIPTION = "特定個人情報保護評価書（重点項目評価書）を YAML から HTML・DOCX・XLSX に組版します。"
BLOCKS_DESCRIPTION = (
    "共通記載ブロック（中間サーバー、ガバメントクラウドなどの標準的な記載）を一覧・表示・更新します。"
)
PATHS_HELP = "評価書のフォルダ（または評価書フォルダを含む sources/）"
OPTIONAL_PATHS_HELP = "評価書のフォルダ（または sources/）。省略すると sources"
SOURCES_HELP = "市独自のブロック（blocks/）を含む sources フォルダ（既定: sources）"
SINCE_HELP = "比べる git のリビジョン（例: HEAD、v1.0、HEAD~3、コミット ID）"

# One table for `hyoka --help` and the README: what a script calling hyoka can rely on.
EXIT_CODES = (
    (0, "成功（check: エラーなし）"),
    (1, "評価書にエラーがある（check --strict では警告も）、必要な外部プログラムがない"),
    (2, "コマンドの使い方の誤り（知らないオプション、ないフォルダ、知らない出力形式など）"),
    (3, "内部エラー（hyoka の不具合。--traceback で詳細）"),
    (130, "Ctrl+C で中断"),
)

Handler = Callable[["argparse.Namespace"], int]
_state = {"traceback": False, "ending": False}  # ending: the process ends after the command (entry)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
        problem = f"「{text}」は整数ではありません。"
    else:
        problem = "1 以上の整数を指定してください。"
    if value < 1:
        from argparse import ArgumentTypeError  # argparse reads the line then (cli._plain_build)

        raise ArgumentTypeError(problem)
    return value


class _Command:
    """A command's parser as its arguments are declared, made only when that command runs: a
    run reads one command's arguments, and making all the parsers took ~9 ms of every run."""

    def __init__(self, prog: str, description: str, handler: Handler) -> None:
        self.prog = prog
        self.description = description
        self.handler = handler
        self._arguments: list[tuple[tuple, dict]] = []

    def add_argument(self, *names: str, **options: object) -> None:
        self._arguments.append((names, options))

    def parser(self) -> argparse.ArgumentParser:
        return _cliparse().command_parser(self)


def _cliparse() -> ModuleType:
    """generator.cliparse, argparse's gettext loaded only when called (``launch.DEFERRED``)."""
    from .launch import deferring

    return deferring("generator.cliparse")


def _parser(prog: str, description: str, handler: Handler) -> _Command:
    return _Command(prog, description, handler)


# -- commands: each imports its module only when it runs --------------------------------


def check_targets(paths: list[Path]) -> list[Path]:
    """Folders to check for the paths given: a YAML file stands for its assessment folder, and a
    file of the city's blocks (``sources/blocks/…``) or ``sources/city.yaml`` for every assessment
    of that sources folder; so that pre-commit can pass the files a commit changes."""
    from .sources import CITY_BLOCKS, SUFFIXES

    out: list[Path] = []
    for path in paths:
        if path.suffix in SUFFIXES and path.is_file():
            parts = path.parent.parts
            if CITY_BLOCKS in parts:  # a block may be used by any assessment beside it
                path = Path(".").joinpath(*parts[: parts.index(CITY_BLOCKS)])
            else:  # an assessment's file, or city.yaml: the sources folder
                path = path.parent
        if path not in out:
            out.append(path)
    # a folder inside another one given is checked with it
    return [p for p in out if not any(o != p and o.resolve() in p.resolve().parents for o in out)]


def _check(a: argparse.Namespace) -> int:
    from .commands import check

    return check.run(check_targets(a.paths), a.strict)


def _build(a: argparse.Namespace) -> int:
    # The build's modules are imported with the cyclic collector paused: they make no cyclic
    # garbage, and the collector's passes over them took ~1 ms (commands/build.py ``run`` keeps it
    # paused for one folder and runs it for many). When the process ends after it (``entry``) the collector stays paused: its first pass
    # would go over every object the build made (3 ms after mihon's), to free what exit frees.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .commands import build

        return build.run(a.paths, a.out, build.parse_formats(a.format), a.quiet, a.jobs, a.force, a.rules)
    finally:
        if collecting and not _state["ending"]:
            gc.enable()


def _deps(a: argparse.Namespace) -> int:
    from .commands import build, deps

    return deps.run(a.paths, a.out, build.parse_formats(a.format), a.output)


def _site(a: argparse.Namespace) -> int:
    from .commands import site

    return site.run(a.paths, a.out, a.build_dir, a.profile, a.quiet, a.jobs)


def _changes(a: argparse.Namespace) -> int:
    from .commands import changes

    return changes.run(a.paths or [Path("sources")], a.since, a.date, a.write)


def _diff(a: argparse.Namespace) -> int:
    from .commands import diff

    return diff.run(a.paths or [Path("sources")], a.since, a.out)


def _portfolio(a: argparse.Namespace) -> int:
    from .commands import portfolio

    return portfolio.run(a.paths, a.out, a.today)


def _init(a: argparse.Namespace) -> int:
    from .commands import init

    return init.run(a.folder, a.city)


def _new(a: argparse.Namespace) -> int:
    from .commands import new

    return new.run(a.name, a.form, a.edition)


def _schema(a: argparse.Namespace) -> int:
    from .commands import schema

    return schema.run(a.out)


def _reference(a: argparse.Namespace) -> int:
    from .commands import reference

    return reference.run(a.output)


def _serve(a: argparse.Namespace) -> int:
    from .commands import serve

    return serve.run(a.paths or [Path("sources")], a.port, a.interval)


def _blocks_list(a: argparse.Namespace) -> int:
    from .commands import blocks

    return blocks.run_list(a.sources)


def _blocks_show(a: argparse.Namespace) -> int:
    from .commands import blocks

    return blocks.run_show(a.block_id, a.version, a.sources)


def _blocks_usage(a: argparse.Namespace) -> int:
    from .commands import blocks

    return blocks.run_usage(a.paths)


def _blocks_upgrade(a: argparse.Namespace) -> int:
    from .commands import blocks

    return blocks.run_upgrade(a.block_id, a.paths)


def _blocks_find(a: argparse.Namespace) -> int:
    from .commands import importer

    return importer.run_find(a.text, a.sources, a.limit)


def _import(a: argparse.Namespace) -> int:
    from .commands import importer

    if a.into is not None:
        return importer.run_into(a.files, a.into, a.force)
    if a.out is None:
        raise UsageError("--out（新しいフォルダ）か --into（既存のフォルダ）を指定してください。")
    return importer.run_import(a.files, a.out, a.force, a.sources)


# -- parsers --------------------------------------------------------------------------


def _commands() -> dict[str, _Command]:
    commands: dict[str, _Command] = {}

    p = commands["check"] = _parser("hyoka check", "評価書の YAML を検査し、問題をすべて表示します。", _check)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATHS", help=PATHS_HELP)
    p.add_argument("--strict", action="store_true", help="警告もエラーとして扱います。")

    p = commands["build"] = _parser(
        "hyoka build", "評価書を組版して out/<フォルダ名>/ に書き出します（変わったものだけ）。", _build
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATHS", help=PATHS_HELP)
    p.add_argument("--out", "-o", type=Path, default=Path("out"), help="出力先フォルダ")
    p.add_argument(
        "--format",
        "-f",
        default="html,docx,xlsx",
        help="出力形式（カンマ区切り）: html, docx, xlsx, pdf, md（既定: html,docx,xlsx）",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="進み具合と書き出したファイルを表示しません。")
    p.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        help="組版に使うプロセスの数（既定: CPU の数）。フォルダが 1 つなら、その文書と形式を分けて組版します",
    )
    p.add_argument("--force", action="store_true", help="最新の出力も作り直します。")
    p.add_argument(
        "--rules",
        action="store_true",
        help="make の規則（out/<フォルダ名>/.hyoka-deps.mk、hyoka deps を参照）も書き直します（make が使います）。",
    )

    p = commands["import"] = _parser(
        "hyoka import",
        "Excel・Word・PDF・テキストの評価書を読み取り、評価書のフォルダ（YAML）を作ります。"
        "確かめる項目の一覧を表示し、取り込み確認.md にも書きます。",
        _import,
    )
    p.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help=".xlsx .docx .pdf .txt .html（複数なら順に続けて読みます）",
    )
    p.add_argument("--out", "-o", type=Path, default=None, help="作る評価書のフォルダ（例: sources/kenko）")
    p.add_argument(
        "--into",
        type=Path,
        default=None,
        help="既存の評価書のフォルダ: 編集された Excel などから、変わった項目だけを YAML に書き戻します",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="YAML があっても（--into ではコミット前の変更があっても）書き換えます。",
    )
    p.add_argument(
        "--sources",
        type=Path,
        default=None,
        help="市独自のブロックを含む sources フォルダ（既定: --out の親）",
    )

    p = commands["deps"] = _parser(
        "hyoka deps",
        "出力ファイルごとの依存関係を Makefile の規則で書き出します（make が変わったものだけ作り直すため）。",
        _deps,
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATHS", help=PATHS_HELP)
    p.add_argument("--out", "-o", type=Path, default=Path("out"), help="hyoka build の出力先フォルダ")
    p.add_argument("--format", "-f", default="html,docx,xlsx", help="出力形式（カンマ区切り）")
    p.add_argument("--output", type=Path, help="標準出力の代わりに書き出すファイル（例: out/deps.mk）")

    p = commands["site"] = _parser(
        "hyoka site", "公開用のサイト（一覧、評価書ごとのページ、検索）を書き出します。", _site
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATHS", help=PATHS_HELP)
    p.add_argument("--out", "-o", type=Path, default=Path("out/site"), help="サイトの出力先フォルダ")
    p.add_argument(
        "--build",
        dest="build_dir",
        type=Path,
        default=Path("out"),
        help="DOCX・XLSX・PDF を組版する（してある）hyoka build の出力先",
    )
    p.add_argument(
        "--profile", type=Path, help="団体の情報（既定: 評価書フォルダを含むフォルダの city.yaml）"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="書き出したファイルを表示しません。")
    p.add_argument("--jobs", "-j", type=_jobs, help="同時に組版する評価書の数（既定: CPU の数）")

    p = commands["changes"] = _parser(
        "hyoka changes",
        "リビジョンからの変更を項目ごとに求め、（別添２）変更箇所の行を提案します。",
        _changes,
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATHS", help=OPTIONAL_PATHS_HELP)
    p.add_argument("--since", help=SINCE_HELP)
    p.add_argument("--date", help="変更日（2025-12-01 または 令和7年12月1日。既定: 今日）")
    p.add_argument("--write", action="store_true", help="提案した行を 9_変更箇所.yaml に追記します。")

    p = commands["diff"] = _parser(
        "hyoka diff",
        "リビジョンからの変更を、変わった文字に印を付けて確認するページ（out/<フォルダ名>/diff.html）を書き出します。",
        _diff,
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATHS", help=OPTIONAL_PATHS_HELP)
    p.add_argument("--since", help=SINCE_HELP)
    p.add_argument("--out", "-o", type=Path, default=Path("out"), help="出力先フォルダ")

    p = commands["portfolio"] = _parser(
        "hyoka portfolio",
        "市の評価計画管理書（事務ごとの評価書、しきい値、再実施の期限）を HTML と XLSX に書き出します。",
        _portfolio,
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATHS", help=PATHS_HELP)
    p.add_argument(
        "--out", "-o", type=Path, default=Path("out"), help="出力先フォルダ（portfolio.html, portfolio.xlsx）"
    )
    p.add_argument("--today", help="期限を判断する日（既定: 今日。例: 2026-04-01）")

    p = commands["init"] = _parser(
        "hyoka init",
        "団体の評価書リポジトリを始めます（sources/、Makefile、CI、pre-commit、エディタの設定、README）。",
        _init,
    )
    p.add_argument("folder", type=Path, metavar="DIR", help="作るフォルダ（空か、まだないフォルダ）")
    p.add_argument("--city", help="団体名（例: 旭川市）。省略すると尋ねます")

    p = commands["new"] = _parser(
        "hyoka new",
        "新しい評価書のフォルダを、様式の全項目（項目名と選択肢のコメント付き）で作ります。",
        _new,
    )
    p.add_argument("name", type=Path, metavar="NAME", help="評価書のフォルダ（名前だけなら sources/ の下に）")
    p.add_argument("--form", help="様式（重点項目評価書・基礎項目評価書。既定: 重点項目評価書）")
    p.add_argument("--edition", help="様式の版（既定: 最新の版）")

    p = commands["schema"] = _parser(
        "hyoka schema",
        "エディタ（VS Code の YAML 拡張など）の入力補完・検査用の JSON Schema を書き出します。",
        _schema,
    )
    p.add_argument(
        "--out", "-o", type=Path, default=Path(".hyoka/schema"), help="出力先フォルダ（既定: .hyoka/schema）"
    )

    p = commands["reference"] = _parser(
        "hyoka reference",
        "様式ごとの全項目（キー、項目名、種類、選択肢、※）の一覧を Markdown で表示します。",
        _reference,
    )
    p.add_argument("--output", "-o", type=Path, help="標準出力の代わりに書き出すファイル")

    p = commands["serve"] = _parser(
        "hyoka serve",
        "HTML を組版して 127.0.0.1 で表示し、保存するたびに組み直してページを読み込み直します。",
        _serve,
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATHS", help=OPTIONAL_PATHS_HELP)
    p.add_argument(
        "--port", "-p", type=int, default=8000, help="ポート番号（既定: 8000。0 なら空いている番号）"
    )
    p.add_argument("--interval", type=float, default=0.5, help="変更を調べる間隔（秒。既定: 0.5）")
    return commands


def _blocks_commands() -> dict[str, _Command]:
    commands: dict[str, _Command] = {}
    p = commands["list"] = _parser(
        "hyoka blocks list",
        "ブロックの ID、表題、最新版、様式の位置を一覧します（市独自のブロックには印を付けます）。",
        _blocks_list,
    )
    p.add_argument("--sources", "-s", type=Path, help=SOURCES_HELP)

    p = commands["show"] = _parser(
        "hyoka blocks show", "ブロックの本文、パラメータ、版の一覧を表示します。", _blocks_show
    )
    p.add_argument("block_id", metavar="ID", help="ブロックの ID（例: chukan-platform/hokan）")
    p.add_argument("--version", "-v", help="表示する版（既定: 最新版）")
    p.add_argument("--sources", "-s", type=Path, help=SOURCES_HELP)

    p = commands["usage"] = _parser(
        "hyoka blocks usage",
        "どの評価書のどの項目がどのブロックのどの版を使っているかを表示します。",
        _blocks_usage,
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATHS", help=OPTIONAL_PATHS_HELP)

    p = commands["find"] = _parser(
        "hyoka blocks find",
        "文章に最も近い共通記載ブロックの版を、一致率と文字の違いとともに表示します。",
        _blocks_find,
    )
    p.add_argument("text", metavar="TEXT|FILE", help="探す文章、または文章のファイル")
    p.add_argument("--sources", type=Path, default=Path("sources"), help=SOURCES_HELP)
    p.add_argument("--limit", type=int, default=5, help="表示する数（既定: 5）")

    p = commands["upgrade"] = _parser(
        "hyoka blocks upgrade",
        "ブロックへの参照の version を最新版に書き換えます（その行以外は変えません）。",
        _blocks_upgrade,
    )
    p.add_argument("block_id", metavar="ID", help="更新するブロックの ID")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATHS", help=OPTIONAL_PATHS_HELP)
    return commands


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: the command line) and run its command; returns the exit status.
    A usage error exits with status 2 (argparse), after printing the usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    commands = _commands()
    plain = _plain_build(args, commands["build"])
    if plain is not None:
        return plain.handler(plain)
    options = _cliparse().parse(args, commands)  # any other command line: argparse's, with its messages
    if isinstance(options, int):
        return options
    return options.handler(options)


def _plain_build(args: list[str], command: _Command) -> SimpleNamespace | None:
    """The options of a plain ``hyoka build`` command line, read without argparse (its import and
    parse, with the regular expressions it compiles, took ~2 ms of every build): paths and the
    build's options as separate words (``-o DIR``, not ``-oDIR`` or ``--out=DIR``), no value
    that starts with "-". None for anything else, which argparse reads (tests/test_cli_plain.py
    checks that both read alike)."""
    if not args or args[0] != "build":
        return None
    options: dict[str, object] = {"paths": []}
    takes: dict[str, tuple[str, Callable[[str], object] | None]] = {}
    for names, spec in command._arguments:
        if not names[0].startswith("-"):
            continue
        dest = names[0].removeprefix("--")
        action = spec.get("action")
        if action not in (None, "store_true") or {"dest", "nargs", "choices"} & spec.keys():
            return None  # an option this reading does not know how to take: argparse's
        options[dest] = False if action == "store_true" else spec.get("default")
        for name in names:
            takes[name] = (dest, None if action == "store_true" else spec.get("type", str))  # type: ignore[arg-type]
    words = iter(args[1:])
    for word in words:
        if not word.startswith("-"):
            options["paths"].append(Path(word))  # type: ignore[attr-defined]
            continue
        if word not in takes:
            return None
        dest, kind = takes[word]
        if kind is None:
            options[dest] = True
            continue
        value = next(words, None)
        if value is None or value.startswith("-"):
            return None
        try:
            options[dest] = kind(value)
        except Exception:  # noqa: BLE001 - argparse says what is wrong with it
            return None
    if not options["paths"]:
        return None
    _state["traceback"] = False
    return SimpleNamespace(**options, handler=command.handler)


def main(argv: Sequence[str] | None = None) -> None:
    from .terminal import EscapingStream

    # every line printed may hold text from the sources (keys, titles, folder names)
    sys.stdout = EscapingStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = EscapingStream(sys.stderr)  # type: ignore[assignment]
    try:
        sys.exit(run(argv))
    except HyokaError as exc:
        if _state["traceback"]:
            raise
        if not isinstance(exc, SourceError):
            print(f"エラー: {exc}", file=sys.stderr)
        else:
            print(str(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # the reader went away (`hyoka reference | head`): end quietly, as a Unix tool killed by
        # SIGPIPE does; stdout goes to /dev/null so that flushing it at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except OSError as exc:  # the file system refused (permissions, a full disk, a file where a folder goes)
        if _state["traceback"]:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"エラー: {where}ファイルを読み書きできません（{exc.strerror or exc}）。", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last resort: never show a traceback unless asked
        if _state["traceback"]:
            raise
        print(
            f"内部エラー: {type(exc).__name__}: {exc}\n詳しくは --traceback を付けて実行し、開発者に知らせてください。",
            file=sys.stderr,
        )
        sys.exit(3)


def entry() -> None:
    """The ``hyoka`` program (console script, ``python -m generator.cli``): ``main``, then the
    process ends as Python would end it (the exit handlers run: the records' compiled-method
    cache is written; stdout and stderr are flushed) but without freeing every object one by
    one first, which took 15–30 ms of each build (a third of it after a small one). Every file
    a command writes is closed, and every worker joined, before ``main`` returns."""
    import atexit
    import signal  # here: an import is long enough for Ctrl+C to land in it

    code: int | None = 0
    _state["ending"] = True
    try:
        try:
            main()
        except SystemExit as exc:
            if not (exc.code is None or isinstance(exc.code, int)):
                raise
            code = exc.code
    except KeyboardInterrupt:  # Ctrl+C as main ended (its own handler done): as main says it
        print("中断しました。", file=sys.stderr)
        code = 130
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the work is done or stopped: exit undisturbed
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's; else end as usual
    if run_exit_handlers is None:
        sys.exit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    entry()
