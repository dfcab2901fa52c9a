"""The ``hyoka`` command: a thin typer layer over generator.commands.*."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .diagnostics import HyokaError, SourceError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="特定個人情報保護評価書（重点項目評価書）を YAML から HTML・DOCX・XLSX に組版します。",
)
_state = {"traceback": False}


@app.callback()
def _options(
    traceback: Annotated[
        bool, typer.Option("--traceback", help="内部エラーの詳細（開発者向け）を表示します。")
    ] = False,
) -> None:
    _state["traceback"] = traceback


Paths = Annotated[list[Path], typer.Argument(help="評価書のフォルダ（または評価書フォルダを含む sources/）")]


@app.command()
def check(
    paths: Paths,
    strict: Annotated[bool, typer.Option("--strict", help="警告もエラーとして扱います。")] = False,
) -> None:
    """評価書の YAML を検査し、問題をすべて表示します。"""
    from .commands import check as command

    raise typer.Exit(command.run(paths, strict))


@app.command()
def build(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", help="出力先フォルダ")] = Path("out"),
    format: Annotated[
        str, typer.Option("--format", "-f", help="出力形式（カンマ区切り）: html, docx, xlsx, pdf")
    ] = "html,docx,xlsx",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="書き出したファイルを表示しません。")] = False,
) -> None:
    """評価書を組版して out/<フォルダ名>/ に書き出します。"""
    from .commands import build as command

    raise typer.Exit(command.run(paths, out, command.parse_formats(format), quiet))


def main() -> None:
    try:
        # without standalone mode click returns typer.Exit's code instead of exiting
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except HyokaError as exc:
        if _state["traceback"]:
            raise
        if not isinstance(exc, SourceError):
            print(f"エラー: {exc}", file=sys.stderr)
        else:
            print(str(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("中断しました。", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: never show a traceback unless asked
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click's usage errors (vendored by typer)
            exc.show()
            sys.exit(exc.exit_code)
        if _state["traceback"]:
            raise
        print(
            f"内部エラー: {type(exc).__name__}: {exc}\n詳しくは --traceback を付けて実行し、開発者に知らせてください。",
            file=sys.stderr,
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
