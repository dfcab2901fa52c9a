"""``hyoka check``: validate sources and print every problem; exit 1 when any is an error."""

from __future__ import annotations

import sys
from pathlib import Path

from ..diagnostics import Reporter, Severity
from ..epoch import source_date_epoch
from ..pipeline import load_all
from ..sources import assessment_folders


def run(paths: list[Path], strict: bool = False) -> int:
    source_date_epoch()  # build reads it: a value it cannot use fails check too
    folders = assessment_folders(paths)
    reporter = Reporter()
    load_all(folders, reporter)
    reporter.print(sys.stderr, Severity.WARNING)
    errors = len(reporter.errors)
    warnings = len(reporter.warnings)
    acknowledged = reporter.acknowledged
    if acknowledged:
        print(f"確認済み（数えません）: {len(acknowledged)} 件", file=sys.stdout)
        for d in acknowledged:
            print(f"  {d.format()}", file=sys.stdout)
    summary = f"{len(folders)} 件の評価書を検査しました: エラー {errors} 件、警告 {warnings} 件"
    if acknowledged:
        summary += f"（確認済み {len(acknowledged)} 件は除く）"
    print(summary, file=sys.stderr if errors else sys.stdout)
    if errors or (strict and warnings):
        return 1
    return 0
