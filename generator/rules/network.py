"""R4–R6: 情報提供ネットワークシステムによる情報連携 and Ⅲ-6 接続しない (form-items §11)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment, FileSections, Record
from .registry import rule
from .values import blank

NETWORK = "情報提供ネットワークシステム"
_HEAD = "情報提供ネットワークシステムとの接続"
_LINK = "情報提供ネットワークシステムによる情報連携"
_IN, _OUT = "接続しない（入手）", "接続しない（提供）"
_BOXES = ((_IN, "リスク1"), (_OUT, "リスク2"))


def obtains_by_network(f: FileSections) -> bool:
    checks = f.overview.checks("特定個人情報の入手・使用", "入手方法")
    return checks is not None and checks.has(NETWORK)


def provides_by_network(f: FileSections) -> bool:
    for member in f.overview.records("特定個人情報の提供・移転", "提供先"):
        checks = member.checks("提供方法")
        if checks is not None and checks.has(NETWORK):
            return True
    return False


def _methods_known(f: FileSections, box: str) -> bool:
    if box == _IN:
        checks = f.overview.checks("特定個人情報の入手・使用", "入手方法")
        return checks is not None and bool(checks.checked)
    members = f.overview.records("特定個人情報の提供・移転", "提供先")
    return all((c := m.checks("提供方法")) is not None and c.checked for m in members)


def _risk(f: FileSections) -> Record | None:
    risk = f.risks.get(_HEAD)
    return risk if isinstance(risk, Record) and f.risks_file is not None else None


@rule("R04", title="Ⅰ-5 実施の有無 と システム・入手方法・提供方法・Ⅲ-6 接続しない")
def network_use(a: Assessment, form: object, report: Reporter) -> None:
    use = a.basic.get(_LINK, "実施の有無")
    value = a.basic.choice(_LINK, "実施の有無")
    label = "Ⅰ ５．①実施の有無"
    if value == "実施する":
        systems = a.basic.records("特定個人情報ファイルを取り扱う事務において使用するシステム")
        if systems and not any(
            (c := m.checks("他のシステムとの接続")) is not None and c.has(NETWORK) for m in systems
        ):
            report.warning(
                use.loc,
                label,
                f"「実施する」なのに、Ⅰ ２．のどのシステムの③他のシステムとの接続にも「{NETWORK}」のチェックがありません（中間サーバーなど）。",
            )
        if a.files and not any(obtains_by_network(f) or provides_by_network(f) for f in a.files):
            report.warning(
                use.loc,
                label,
                f"「実施する」なのに、どのファイルの入手方法にも提供先の提供方法にも「{NETWORK}」のチェックがありません。",
            )
    elif value == "実施しない":
        for f in a.files:
            risk = _risk(f)
            if risk is None:
                continue
            for box, _ in _BOXES:
                if not risk.flag(box):
                    report.warning(
                        risk.loc,
                        f"Ⅲ（ファイル{f.number}） ６．情報提供ネットワークシステムとの接続 {box}",
                        "Ⅰ ５．①実施の有無が「実施しない」なので、このチェックを true にしてください。",
                    )


@rule("R05", title="Ⅲ-6 接続しない と Ⅱ の入手方法・提供方法")
def network_boxes(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        risk = _risk(f)
        if risk is None:
            continue
        for box, uses, where in (
            (_IN, obtains_by_network(f), "Ⅱ ３．②入手方法"),
            (_OUT, provides_by_network(f), "Ⅱ ５．の提供先の⑥提供方法"),
        ):
            if not _methods_known(f, box):
                continue  # methods not written yet: completeness says so, not this rule
            checked = risk.flag(box)
            if checked == uses:
                flag = risk.get(box)
                state = "チェックがある" if checked else "チェックがない"
                used = f"に「{NETWORK}」があります" if uses else f"に「{NETWORK}」がありません"
                report.warning(
                    getattr(flag, "loc", risk.loc),
                    f"Ⅲ（ファイル{f.number}） ６．情報提供ネットワークシステムとの接続 {box}",
                    f"「{box}」に{state}のに、このファイルの{where}{used}。どちらかを直してください。",
                )


@rule("R06", title="Ⅲ-6 接続しない と リスク１・リスク２ の記載")
def network_rows(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        risk = _risk(f)
        if risk is None:
            continue
        for box, risk_key in _BOXES:
            if not risk.flag(box):
                continue  # unchecked ⇒ filled: completeness (C01) asks for the rows
            measures = risk.text(risk_key, "リスクに対する措置の内容")
            enough = risk.choice(risk_key, "リスクへの対策は十分か")
            if not blank(measures) or enough:
                report.warning(
                    measures.loc if measures is not None and not blank(measures) else risk.loc,
                    f"Ⅲ（ファイル{f.number}） ６．{risk_key}",
                    f"「{box}」にチェックがあるのに{risk_key}が書かれています。チェックを外すか、{risk_key}を空欄にしてください。",
                )
