"""R11: Ⅴ-1 しきい値判断結果 of a 重点 document (form-items §11; the arithmetic is T1–T6)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment, Choice
from .registry import rule


@rule("R11", title="しきい値判断結果（任意の重点項目評価）")
def voluntary(a: Assessment, form: object, report: Reporter) -> None:
    """Options 2 and 3 mean the 重点 assessment was done voluntarily: said as information, since a
    reviewer reads the document differently (no 重要な変更 obligation follows from the counts)."""
    result = a.procedure.get("基礎項目評価", "しきい値判断結果")
    if isinstance(result, Choice) and result.value and "任意に" in result.value:
        report.info(
            result.loc,
            "Ⅴ １．②しきい値判断結果",
            f"「{result.value}」: この重点項目評価は任意に実施したものとして扱われます。",
        )
