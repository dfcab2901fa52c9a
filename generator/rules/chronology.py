"""R15: dates in order — 保有開始日 ≤ 使用開始日, 実施日 and 変更日 not after 公表日 (form-items §11)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment, DateValue
from .registry import rule


@rule("R15", title="日付の前後（保有開始日・使用開始日・実施日・変更日・公表日）")
def dates_in_order(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        start = f.overview.get("基本情報", "保有開始日")
        use = f.overview.get("特定個人情報の入手・使用", "使用開始日")
        if isinstance(start, DateValue) and isinstance(use, DateValue) and start.date and use.date:
            if start.date.as_date() > use.date.as_date():
                report.warning(
                    use.loc,
                    f"Ⅱ（ファイル{f.number}） ３．⑥使用開始日",
                    "保有開始日より前の日付になっています。",
                )
    published = a.cover.get("公表日")
    if not isinstance(published, DateValue) or published.date is None:
        return
    limit = published.date.as_date()
    done = a.procedure.get("基礎項目評価", "実施日")
    if isinstance(done, DateValue) and done.date and done.date.as_date() > limit:
        report.warning(done.loc, "Ⅴ １．①実施日", "公表日より後の日付になっています。")
    for i, row in enumerate(a.changes, 1):
        if row.date.date and row.date.date.as_date() > limit:
            report.warning(row.date.loc, f"（別添２） {i}行目 変更日", "公表日より後の日付になっています。")
