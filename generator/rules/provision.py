"""R7, R8: 提供・移転 and Ⅲ-5 提供・移転しない (form-items §11)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment, Record
from .registry import rule

_HEAD = "特定個人情報の提供・移転"


@rule("R08", title="Ⅱ-5 提供・移転 と Ⅲ-5 提供・移転しない")
def provision_box(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        head = f.overview.get(_HEAD)
        risk = f.risks.get(_HEAD)
        if not isinstance(head, Record) or not isinstance(risk, Record) or f.risks_file is None:
            continue
        none = not head.records("提供先") and not head.records("移転先")
        if none and not risk.flag("提供・移転しない"):
            report.warning(
                risk.loc,
                f"Ⅲ（ファイル{f.number}） ５．特定個人情報の提供・移転 提供・移転しない",
                "Ⅱ に提供先も移転先もありません。「提供・移転しない」を true にしてください。",
            )
