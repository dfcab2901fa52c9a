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
        str, typer.Option("--format", "-f", help="出力形式（カンマ区切り）: html, docx, xlsx, pdf, md")
    ] = "html,docx,xlsx",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="進み具合と書き出したファイルを表示しません。")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="同時に組版する評価書の数（既定: CPU の数）")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="最新の出力も作り直します。")] = False,
) -> None:
    """評価書を組版して out/<フォルダ名>/ に書き出します（変わったものだけ）。"""
    from .commands import build as command

    raise typer.Exit(command.run(paths, out, command.parse_formats(format), quiet, jobs, force))


blocks_app = typer.Typer(
    no_args_is_help=True,
    help="共通記載ブロック（中間サーバー、ガバメントクラウドなどの標準的な記載）を一覧・表示・更新します。",
)
app.add_typer(blocks_app, name="blocks")
SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources", "-s", help="市独自のブロック（blocks/）を含む sources フォルダ（既定: sources）"
    ),
]
UsagePaths = Annotated[
    list[Path] | None, typer.Argument(help="評価書のフォルダ（または sources/）。省略すると sources")
]


@blocks_app.command("list")
def blocks_list(sources: SourcesOption = None) -> None:
    """ブロックの ID、表題、最新版、様式の位置を一覧します（市独自のブロックには印を付けます）。"""
    from .commands import blocks as command

    raise typer.Exit(command.run_list(sources))


@blocks_app.command("show")
def blocks_show(
    block_id: Annotated[str, typer.Argument(metavar="ID", help="ブロックの ID（例: chukan-platform/hokan）")],
    version: Annotated[str | None, typer.Option("--version", "-v", help="表示する版（既定: 最新版）")] = None,
    sources: SourcesOption = None,
) -> None:
    """ブロックの本文、パラメータ、版の一覧を表示します。"""
    from .commands import blocks as command

    raise typer.Exit(command.run_show(block_id, version, sources))


@blocks_app.command("usage")
def blocks_usage(paths: UsagePaths = None) -> None:
    """どの評価書のどの項目がどのブロックのどの版を使っているかを表示します。"""
    from .commands import blocks as command

    raise typer.Exit(command.run_usage(paths or []))


@blocks_app.command("upgrade")
def blocks_upgrade(
    block_id: Annotated[str, typer.Argument(metavar="ID", help="更新するブロックの ID")],
    paths: UsagePaths = None,
) -> None:
    """ブロックへの参照の version を最新版に書き換えます（その行以外は変えません）。"""
    from .commands import blocks as command

    raise typer.Exit(command.run_upgrade(block_id, paths or []))


@app.command()
def deps(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", help="hyoka build の出力先フォルダ")] = Path("out"),
    format: Annotated[
        str, typer.Option("--format", "-f", help="出力形式（カンマ区切り）")
    ] = "html,docx,xlsx",
    output: Annotated[
        Path | None, typer.Option("--output", help="標準出力の代わりに書き出すファイル（例: out/deps.mk）")
    ] = None,
) -> None:
    """出力ファイルごとの依存関係を Makefile の規則で書き出します（make が変わったものだけ作り直すため）。"""
    from .commands import build as build_command
    from .commands import deps as command

    raise typer.Exit(command.run(paths, out, build_command.parse_formats(format), output))


@app.command()
def site(
    paths: Paths,
    out: Annotated[Path, typer.Option("--out", "-o", help="サイトの出力先フォルダ")] = Path("out/site"),
    build_dir: Annotated[
        Path, typer.Option("--build", help="DOCX・XLSX・PDF を組版する（してある）hyoka build の出力先")
    ] = Path("out"),
    profile: Annotated[
        Path | None,
        typer.Option("--profile", help="団体の情報（既定: 評価書フォルダを含むフォルダの city.yaml）"),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="書き出したファイルを表示しません。")] = False,
) -> None:
    """公開用のサイト（一覧、評価書ごとのページ、検索）を書き出します。"""
    from .commands import site as command

    raise typer.Exit(command.run(paths, out, build_dir, profile, quiet))


ChangePaths = Annotated[
    list[Path] | None, typer.Argument(help="評価書のフォルダ（または sources/）。省略すると sources")
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="比べる git のリビジョン（例: HEAD、v1.0、HEAD~3、コミット ID）")
]


@app.command()
def changes(
    paths: ChangePaths = None,
    since: SinceOption = None,
    date: Annotated[
        str | None, typer.Option("--date", help="変更日（2025-12-01 または 令和7年12月1日。既定: 今日）")
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="提案した行を 9_変更箇所.yaml に追記します。")
    ] = False,
) -> None:
    """リビジョンからの変更を項目ごとに求め、（別添２）変更箇所の行を提案します。"""
    from .commands import changes as command

    raise typer.Exit(command.run(paths or [Path("sources")], since, date, write))


@app.command()
def diff(
    paths: ChangePaths = None,
    since: SinceOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="出力先フォルダ")] = Path("out"),
) -> None:
    """リビジョンからの変更を、変わった文字に印を付けて確認するページ（out/<フォルダ名>/diff.html）を書き出します。"""
    from .commands import diff as command

    raise typer.Exit(command.run(paths or [Path("sources")], since, out))


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
