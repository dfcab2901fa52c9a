"""``hyoka diff``: a review page per assessment of what changed since a git revision."""

from __future__ import annotations

from pathlib import Path

from ..changes import page
from ..changes.comparison import comparisons
from ..changes.rows import change_date, propose
from ..diagnostics import display_path
from ..output import inside, output_dir, write_atomic
from .changes import require_since

PAGE = "diff.html"


def run(paths: list[Path], since: str | None, out: Path) -> int:
    rev = require_since(since)
    for c in comparisons(paths, rev):
        rows = propose(c.changes, change_date(None))  # the page shows 提出時期 and 説明, no date
        html = page.render(
            title=c.assessment.title,
            folder=display_path(c.folder),
            before=c.before.name,
            after=c.after.name,
            changes=c.changes,
            rows=rows,
        )
        path = inside(out, output_dir(out, c.assessment.name) / PAGE)
        write_atomic(path, html)
        print(f"書き出しました: {path}（変更 {len(rows)} 件）")
    return 0
