"""``hyoka portfolio``: the city's 評価計画管理書 (HTML and XLSX) and its deadlines."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from ..dates import parse_date
from ..diagnostics import Location, Reporter, Severity, UsageError
from ..output import write_atomic
from ..reader import read_assessment
from ..sources import assessment_folders


def parse_today(text: str | None) -> datetime.date:
    if not text:
        return datetime.date.today()
    try:
        return parse_date(text).as_date()
    except ValueError as exc:
        raise UsageError(
            f"--today「{text}」を日付として読めません（例: 2026-04-01、令和8年4月1日）: {exc}"
        ) from exc


def run(
    paths: list[Path], out: Path, today_text: str | None = None, formats: tuple[str, ...] = ("html", "xlsx")
) -> int:
    from ..blocks.library import sources_root
    from ..portfolio import layout, register
    from ..writers import writer

    today = parse_today(today_text)
    folders = assessment_folders(paths)
    reporter = Reporter()
    entries = []
    for folder in folders:
        own = Reporter()
        a = read_assessment(folder, own)
        if a is None or own.errors:
            reporter.error(
                own.errors[0].location if own.errors else Location(str(folder)),
                "",
                "評価書を読めないため、管理書に載せていません。hyoka check で確かめてください。",
                rule="P00",
            )
            continue
        entries.append(register.entry(folder, a, reporter))
    roots = sorted({sources_root(f) for f in folders})
    incidents = [i for root in roots for i in register.read_incidents(root, reporter)]
    register.judge(entries, incidents, today, reporter)
    entries.sort(key=lambda e: (int(e.number) if e.number.isdigit() else 10**9, e.number, e.folder.name))
    doc = layout.document(entries, today)
    for fmt in formats:
        target = out / f"portfolio.{fmt}"
        write_atomic(target, writer(fmt).render(doc))
        print(f"書き出しました: {target}")
    for e in entries:
        deadline = register.wareki(e.deadline) if e.deadline and not e.ended else "（終了）"
        print(
            f"{e.number or '-':>4} {e.title}  {e.forms}  再実施の期限 {deadline}  見直し {register.wareki(e.review_due)}"
        )
    reporter.print(sys.stderr, Severity.WARNING)
    errors, warnings = len(reporter.errors), len(reporter.warnings)
    print(
        f"{len(entries)} 件の事務: エラー {errors} 件、警告 {warnings} 件（{register.wareki(today)}現在）",
        file=sys.stderr if errors else sys.stdout,
    )
    return 1 if errors else 0
