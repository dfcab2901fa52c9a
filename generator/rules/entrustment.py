"""R1–R3: 委託の有無, 委託事項, 再委託 and Ⅲ-4 (form-items §11)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment, Choice, Record
from .registry import rule
from .values import blank

_HEAD = "特定個人情報ファイルの取扱いの委託"


@rule("R01", title="委託の有無と委託事項・Ⅲ-4 委託しない")
def entrusted_items(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        head = f.overview.get(_HEAD)
        if not isinstance(head, Record):
            continue
        choice = head.values.get("委託の有無")
        if not isinstance(choice, Choice) or not choice.value:
            continue
        members = head.records("委託事項")
        where = f"Ⅱ（ファイル{f.number}） ４．委託の有無"
        if choice.value == "委託しない" and members:
            report.error(
                choice.loc,
                where,
                f"「委託しない」なのに委託事項が {len(members)} 件書かれています。どちらかに揃えてください。",
            )
        if choice.value == "委託する" and not members:
            report.error(
                choice.loc,
                where,
                "「委託する」なら委託事項を 1 件以上書いてください（件数は委託事項の数から数えます）。",
            )
        risk = f.risks.get(_HEAD)
        if isinstance(risk, Record) and f.risks_file is not None:
            flag = risk.flag("委託しない")
            if flag != (choice.value == "委託しない"):
                report.warning(
                    risk.loc,
                    f"Ⅲ（ファイル{f.number}） ４．特定個人情報ファイルの取扱いの委託 委託しない",
                    f"Ⅱ の委託の有無は「{choice.value}」です。「委託しない」は {'true' if not flag else 'false'} にしてください。",
                )


@rule("R02", title="再委託しない ⇒ 再委託の許諾方法・再委託事項は空欄")
def subcontracting(a: Assessment, form: object, report: Reporter) -> None:
    """The forward direction (再委託する ⇒ ⑤⑥ filled) is the definition's ``when``, checked by R09."""
    for f in a.files:
        for i, m in enumerate(f.overview.records(_HEAD, "委託事項"), 1):
            if m.choice("再委託の有無") != "再委託しない":
                continue
            for key in ("再委託の許諾方法", "再委託事項"):
                text = m.text(key)
                if text is not None and not blank(text):
                    report.warning(
                        text.loc,
                        f"Ⅱ（ファイル{f.number}） ４．委託事項{i} {key}",
                        "「再委託しない」なら、この項目は空欄にしてください。",
                    )


@rule("R03", title="Ⅲ-4 再委託先による…担保 と 再委託の有無")
def subcontract_guarantee(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        members = f.overview.records(_HEAD, "委託事項")
        risk = f.risks.get(_HEAD)
        if not isinstance(risk, Record) or not members:
            continue
        any_sub = any(m.choice("再委託の有無") == "再委託する" for m in members)
        guarantee = risk.get("リスク", "再委託先による特定個人情報ファイルの適切な取扱いの担保")
        if isinstance(guarantee, Choice) and guarantee.value:
            if (guarantee.value == "再委託していない") == any_sub:
                expected = "再委託していない以外" if any_sub else "再委託していない"
                report.warning(
                    guarantee.loc,
                    f"Ⅲ（ファイル{f.number}） ４．再委託先による特定個人情報ファイルの適切な取扱いの担保",
                    f"Ⅱ の委託事項の再委託の有無と合いません（「{expected}」のはずです）。",
                )
