"""``hyoka blocks``: list, show, find the users of and upgrade shared standard texts."""

from __future__ import annotations

import sys
from pathlib import Path

from ..blocks.library import SHIPPED, Block, Library, block_files, load_library, sources_root
from ..blocks.resolve import LIST_HINT, resolve_assessment
from ..blocks.upgrade import Edit, Skipped, apply, plan_file
from ..blocks.usage import references
from ..diagnostics import HyokaError, Reporter, SourceError, UsageError, display_path
from ..reader import SUFFIXES, read_assessment
from ..sources import assessment_folders, is_assessment

DEFAULT_SOURCES = Path("sources")
BEHIND = "最新ではありません"


class BlockNotFound(HyokaError):
    """The command line names a block (or version) the library does not have."""


def _root(sources: Path | None) -> Path | None:
    """The sources root for the city's blocks: given, or ``sources/`` when it exists."""
    if sources is None:
        return DEFAULT_SOURCES if DEFAULT_SOURCES.is_dir() else None
    if not sources.is_dir():
        raise UsageError(
            f"{sources}: フォルダがありません。評価書フォルダを含む sources/ を指定してください。"
        )
    return sources_root(sources) if is_assessment(sources) else sources


def _library(root: Path | None) -> Library:
    reporter = Reporter()
    library = load_library(root, reporter)
    reporter.print()
    reporter.raise_if_errors()
    return library


def _mark(block: Block, shipped_ids: set[str]) -> str:
    if not block.city:
        return ""
    return "［市独自・標準を置換］" if block.id in shipped_ids else "［市独自］"


def _find(library: Library, block_id: str) -> Block:
    block = library.get(block_id)
    if block is None:
        raise BlockNotFound(
            f"共通記載ブロック「{block_id}」はありません。{library.suggest(block_id).strip()} {LIST_HINT}"
        )
    return block


# -- list / show ----------------------------------------------------------


def run_list(sources: Path | None) -> int:
    library = _library(_root(sources))
    shipped_ids = set(block_files(SHIPPED))
    width = max((len(i) for i in library.ids()), default=0)
    for block_id in library.ids():
        block = library.blocks[block_id]
        mark = _mark(block, shipped_ids)
        where = f"（{block.where}）" if block.where else ""
        print(f"{block_id.ljust(width)}  {block.newest.version}  {block.title}{where}{mark}")
    city = sum(1 for b in library.blocks.values() if b.city)
    print(
        f"\n共通記載ブロック {len(library.blocks)} 件（うち市独自 {city} 件）。"
        "本文は「hyoka blocks show ID」、使われている箇所は「hyoka blocks usage」で表示します。"
    )
    return 0


def run_show(block_id: str, version: str | None, sources: Path | None) -> int:
    library = _library(_root(sources))
    block = _find(library, block_id)
    shown = block.newest if version is None else block.version(version)
    if shown is None:
        raise BlockNotFound(
            f"共通記載ブロック「{block.id}」に版「{version}」はありません。版: {block.describe_versions()}"
        )
    mark = _mark(block, set(block_files(SHIPPED)))
    print(f"{block.id}  {block.title}{mark}")
    if block.where:
        print(f"様式の位置: {block.where}")
    print(f"ファイル: {display_path(block.path)}")
    print(f"パラメータ: {block.describe_params()}")
    print("版:")
    for i, v in enumerate(block.versions):
        pointer = "*" if v is shown else " "
        latest = "（最新）" if i == 0 else ""
        note = f"  {v.note}" if v.note else ""
        print(f" {pointer} {v.version}{latest}  {v.effective.isoformat()} から{note}")
    print(f"\n--- 版 {shown.version} の本文 ---")
    print(shown.text.rstrip("\n"))
    return 0


# -- usage ----------------------------------------------------------------


def run_usage(paths: list[Path]) -> int:
    folders = assessment_folders(paths or [DEFAULT_SOURCES])
    reporter = Reporter()
    libraries: dict[Path, Library] = {}
    total = behind = 0
    for folder in folders:
        root = sources_root(folder)
        if root not in libraries:
            libraries[root] = load_library(root, reporter)
        assessment = read_assessment(folder, reporter)
        if assessment is None:
            continue
        resolve_assessment(assessment, libraries[root], reporter)  # reports unknown ids and versions
        used = references(assessment, libraries[root])
        print(f"{assessment.name}（{assessment.title}）: 参照 {len(used)} 件")
        for u in used:
            how = "版指定" if u.pinned else "最新版を使用"
            state = ""
            if u.history and u.version != u.newest:
                state = f"  （別添２）の記録のため固定（最新: {u.newest}）"
            elif u.behind:
                state = f"  {BEHIND}（最新: {u.newest}）"
            print(f"  {u.file}:{u.line}  {u.id}  {u.version}（{how}）  「{u.label}」{state}")
        total += len(used)
        behind += sum(1 for u in used if u.behind)
    reporter.print()
    hint = "「hyoka blocks upgrade ID」で最新版に移せます。" if behind else ""
    print(f"\n参照 {total} 件（うち最新版でないもの {behind} 件）。{hint}")
    if reporter.errors:
        raise SourceError(reporter)
    return 0


# -- upgrade --------------------------------------------------------------


def run_upgrade(block_id: str, paths: list[Path]) -> int:
    folders = assessment_folders(paths or [DEFAULT_SOURCES])
    reporter = Reporter()
    by_root: dict[Path, list[Path]] = {}
    for folder in folders:
        by_root.setdefault(sources_root(folder), []).append(folder)
    edits: list[Edit] = []
    skipped: list[Skipped] = []
    for root, group in by_root.items():
        library = load_library(root, reporter)
        block = _find(library, block_id)
        print(
            f"{block.id} の最新版は {block.newest.version}（{block.newest.effective.isoformat()} から）です。"
        )
        for folder in group:
            for path in sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()):
                plan = plan_file(path, block.id, block.newest.version, reporter)
                edits += plan.edits
                skipped += plan.skipped
    reporter.print()
    if reporter.errors:
        raise SourceError(reporter)
    for path in sorted({e.path for e in edits}):
        apply(path, [e for e in edits if e.path == path])
    for e in edits:
        print(f"更新しました: {display_path(e.path)}:{e.line}  {e.old} → {e.new}")
    for sk in skipped:
        print(f"そのまま: {display_path(sk.path)}:{sk.line}  {sk.reason}")
    print(
        f"{len(edits)} 件の参照を更新しました。" if edits else "更新が必要な参照はありません。",
        file=sys.stdout,
    )
    return 0
