"""``hyoka import`` and ``hyoka blocks find``: existing documents into sources, texts to blocks."""

from __future__ import annotations

import sys
from pathlib import Path

from ..blocks.library import load_library
from ..diagnostics import HyokaError, Reporter
from ..importer import ImportInputError, import_files
from ..importer.blockmatch import Matcher
from ..importer.emit import review_markdown, write_folder
from ..sources import SUFFIXES


class ImportFailed(HyokaError):
    """The input cannot be imported (or the output folder is not one to write): exit 1."""


def _matcher(sources: Path) -> Matcher:
    reporter = Reporter()
    library = load_library(sources, reporter, lazy=True)
    return Matcher(library)


def run_import(files: list[Path], out: Path, force: bool, sources: Path | None) -> int:
    if out.exists() and not out.is_dir():
        raise ImportFailed(
            f"「{out}」はフォルダではありません。取り込み先には新しいフォルダを指定してください。"
        )
    existing = [p for p in out.iterdir() if p.suffix in SUFFIXES] if out.is_dir() else []
    if existing and not force:
        raise ImportFailed(
            f"「{out}」にはもう YAML があります（{existing[0].name} など）。"
            "上書きするときは --force を付けてください（git で元に戻せることを確かめてから）。"
        )
    root = sources if sources is not None else out.resolve().parent
    try:
        result = import_files(files, _matcher(root))
    except ImportInputError as exc:
        raise ImportFailed(str(exc)) from None
    for stale in existing:  # --force: the folder becomes exactly what was imported
        if stale.stem not in result.files:
            stale.unlink()
    names = "、".join(p.name for p in files)
    write_folder(result, out, names)
    print(review_markdown(result.notes, names).rstrip())
    print(
        f"\n{len(result.files)} 個のファイルを {out} に書き出しました。確かめる項目: {len(result.notes)} 件（{out / '取り込み確認.md'}）"
    )
    return 0


def run_into(files: list[Path], folder: Path, force: bool) -> int:
    from ..importer.into import IntoError, apply, uncommitted

    if not folder.is_dir():
        raise ImportFailed(
            f"「{folder}」は評価書のフォルダではありません（--into には既存のフォルダを指定します）。"
        )
    dirty = uncommitted(folder)
    if dirty and not force:
        raise ImportFailed(
            f"「{folder}」にはコミットしていない変更があります（{dirty[0]} など）。"
            "先にコミットするか、上書きしてよければ --force を付けてください。"
        )
    try:
        result = import_files(files, _matcher(folder.resolve().parent))
        changes = apply(result, folder)
    except (ImportInputError, IntoError) as exc:
        raise ImportFailed(str(exc)) from None
    if not changes:
        print("変わった項目はありません。YAML は書き換えていません。")
        return 0
    for c in changes:
        print(f"{c.file}: 「{c.label}」")
        print(f"  変更前: {_one_line(c.before)}")
        print(f"  変更後: {_one_line(c.after)}")
    print(f"\n{len(changes)} 項目を書き換えました。git diff で確かめてください。")
    return 0


def _one_line(text: str, n: int = 80) -> str:
    text = text.replace("\n", " ") or "（空欄）"
    return text if len(text) <= n else text[:n] + "…"


def run_find(text_or_file: str, sources: Path, limit: int) -> int:
    path = Path(text_or_file)
    text = text_or_file
    try:
        is_file = "\n" not in text_or_file and path.is_file()
    except OSError:  # a long text is no file name
        is_file = False
    if is_file:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportFailed(f"「{path}」を読めません（{exc}）。") from None
    matcher = _matcher(sources)
    near = matcher.nearest(text, limit=limit, part=True)
    if not near:
        print("似ている共通記載ブロックはありません。")
        return 0
    for n in near:
        c = n.candidate
        print(f"{n.ratio:6.1%}  {c.block_id}  版 {c.version}（{c.effective} から）")
    best = near[0]
    print(
        f"\n最も近い {best.candidate.ref} との違い（[-ブロック-]{{+文章+}}、空白と全角・半角は比べません）:"
    )
    print(best.diff if best.ratio < 1 else "（違いはありません）")
    sys.stdout.flush()
    return 0
