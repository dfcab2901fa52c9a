"""The two sides of a comparison: an assessment at a git revision, and in the working tree.

The revision's files are written to a temporary folder with the repository's layout and read
by the same pipeline as the working tree (reader, rules, block resolution), so both sides print
the same way. Written along are the assessment folder and the city's ``blocks/`` beside it (its
sources root); the shipped blocks (``templates/blocks``) are the installed tool's, which keep
every version a reference can pin. The assessment's own （別添２） is read too (it prints no item
to compare, but the folder's 確認済み may point into it).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath

from ..diagnostics import Diagnostic, HyokaError, Location, Reporter, Severity, UsageError, display_path
from ..layout.items import PrintedItem, printed_items
from ..pipeline import Loaded, load_all
from ..records import dataclass, replace
from ..sources import CITY_BLOCKS
from .git import Repository, TreeEntry
from .pinning import library_of, pinned


@dataclass(frozen=True)
class Side:
    """One side of the comparison, named for messages and the review page."""

    name: str  # 「HEAD（1a2b3c4）」, 「作業中のファイル」
    items: list[PrintedItem]


WORKING = "作業中のファイル"


def working_side(loaded: Loaded) -> Side:
    assert loaded.assessment is not None  # load_all's errors were raised before
    items = printed_items(loaded.assessment, loaded.blocks.text)
    return Side(WORKING, pinned(items, library_of(loaded.folder)))


def revision_side(repo: Repository, rev: str, commit: str, folder: Path) -> Side:
    """The assessment in ``folder`` as it was at ``commit`` (which ``rev`` names)."""
    rel = repo.relative(folder)
    # the whole folder, （別添２） included: it prints no item to compare (printed_items leaves it
    # out), but the folder's acknowledgements (確認済み) point into it and are checked as at the revision
    entries = list(repo.tree(commit, rel))
    if not entries:
        raise UsageError(
            f"{display_path(folder)}: リビジョン「{rev}」の時点には、この評価書（{rel}）がありません。"
            "評価書を追加する前のリビジョンとは比べられません。"
        )
    entries += repo.tree(commit, rel.parent / CITY_BLOCKS)
    name = f"{rev}（{commit[:7]}）"
    with tempfile.TemporaryDirectory(prefix="hyoka-rev-") as tmp:
        root = Path(tmp) / "tree"  # the repository's root; its parent stands for what is outside
        _materialise(repo, commit, entries, root, rev)
        if rel == PurePosixPath(".") and (folder.parent / CITY_BLOCKS).is_dir():
            # the assessment is the repository: its city blocks beside it are not in git, use them as they are
            shutil.copytree(folder.parent / CITY_BLOCKS, root.parent / CITY_BLOCKS)
        reporter = Reporter()
        [loaded] = load_all([root / rel], reporter)
        if reporter.errors:
            for d in reporter.sorted():
                if d.severity is Severity.ERROR:
                    print(_at_revision(d, root, rev).format(), file=sys.stderr)
            raise HyokaError(
                f"リビジョン「{rev}」の時点の評価書 {rel} にエラーがあるため、比べられません"
                "（上の場所は「リビジョン:ファイル」です）。"
            )
        assert loaded.assessment is not None  # a folder that could not be read has errors
        items = printed_items(loaded.assessment, loaded.blocks.text)
        return Side(name, pinned(items, library_of(loaded.folder)))


def _materialise(repo: Repository, commit: str, entries: list[TreeEntry], root: Path, rev: str) -> None:
    for entry in entries:
        if not entry.regular:
            # a link or submodule has no content of its own at the revision; say so, do not guess
            print(
                f"注意: {rev}:{entry.path} は通常のファイルではない（シンボリックリンクなど）ため、比較に含めていません。",
                file=sys.stderr,
            )
            continue
        target = root / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(repo.show(commit, entry.path))


def _at_revision(d: Diagnostic, root: Path, rev: str) -> Diagnostic:
    """A diagnostic in the temporary copy, pointed at 「REV:path」 instead."""
    try:
        rel = Path(d.location.file).resolve().relative_to(root.resolve())
    except ValueError:
        return d
    return replace(d, location=Location(f"{rev}:{rel.as_posix()}", d.location.line, d.location.column))
