"""R4–R6: 情報提供ネットワークシステムによる情報連携 and Ⅲ-6 接続しない (form-items §11)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment, Record
from .registry import rule
from .values import blank

_HEAD = "情報提供ネットワークシステムとの接続"
_BOXES = (("接続しない（入手）", "リスク1"), ("接続しない（提供）", "リスク2"))


@rule("R04", title="Ⅰ-5 実施の有無 と Ⅲ-6 接続しない")
def network_use(a: Assessment, form: object, report: Reporter) -> None:
    use = a.basic.choice("情報提供ネットワークシステムによる情報連携", "実施の有無")
    if use != "実施しない":
        return
    for f in a.files:
        risk = f.risks.get(_HEAD)
        if not isinstance(risk, Record) or f.risks_file is None:
            continue
        for box, _ in _BOXES:
            if not risk.flag(box):
                report.warning(
                    risk.loc,
                    f"Ⅲ（ファイル{f.number}） ６．情報提供ネットワークシステムとの接続 {box}",
                    "Ⅰ ５．①実施の有無が「実施しない」なので、このチェックを true にしてください。",
                )


@rule("R06", title="Ⅲ-6 接続しない と リスク１・リスク２ の記載")
def network_rows(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        risk = f.risks.get(_HEAD)
        if not isinstance(risk, Record) or f.risks_file is None:
            continue
        for box, risk_key in _BOXES:
            measures = risk.text(risk_key, "リスクに対する措置の内容")
            if risk.flag(box) and not blank(measures):
                report.warning(
                    measures.loc if measures else risk.loc,
                    f"Ⅲ（ファイル{f.number}） ６．{risk_key} リスクに対する措置の内容",
                    f"「{box}」にチェックがあるのに{risk_key}の措置が書かれています。",
                )
