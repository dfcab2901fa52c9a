"""``hyoka changes``: proposed （別添２） rows for what changed since a git revision.

Without ``--write`` the rows are printed in the YAML form of ``9_変更箇所.yaml``, shared blocks
as their text (``--write`` records them as pinned references, which print the same); rows
already recorded there (same 項目, 変更前 and 変更後 as printed) are left out.
"""

from __future__ import annotations

from pathlib import Path

from ..changes.annex2 import append_rows, new_rows, recorded, rows_yaml
from ..changes.comparison import comparisons
from ..changes.pinning import printer
from ..changes.rows import change_date, propose
from ..diagnostics import UsageError, display_path
from ..layout.builder import Builder


def require_since(since: str | None) -> str:
    if since is None or not since.strip():
        raise UsageError(
            "--since で比べる git のリビジョンを指定してください（例: --since HEAD、--since v1.0）。"
        )
    return since.strip()


def run(paths: list[Path], since: str | None, date: str | None = None, write: bool = False) -> int:
    rev = require_since(since)
    day = change_date(date)
    for c in comparisons(paths, rev):
        rows = propose(c.changes, day)
        already = recorded(c.assessment, Builder(c.assessment, c.loaded.blocks.text))
        fresh = new_rows(rows, already)
        where = display_path(c.folder)
        skipped = len(rows) - len(fresh)
        note = f"（うち {skipped} 件は（別添２）に記載済み）" if skipped else ""
        if not rows:
            print(f"{where}: {c.before.name} から変更はありません。")
            continue
        print(f"{where}: {c.before.name} と{c.after.name}の違い {len(rows)} 件{note}")
        if write:
            if fresh:
                path = append_rows(c.folder, fresh, printer(c.assessment, c.folder), c.assessment.form)
                print(
                    f"{display_path(path)} に {len(fresh)} 行を追記しました。内容と提出時期を確認してください。"
                )
            else:
                print("追記する行はありません。")
        elif fresh:
            annex = c.assessment.form.changes
            print(
                f"変更箇所の案（--write で {annex.file}.yaml に追記します）:\n{rows_yaml(fresh, annex)}",
                end="",
            )
    return 0
