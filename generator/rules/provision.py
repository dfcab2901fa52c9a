"""R7, R8: 提供・移転 and Ⅲ-5 提供・移転しない (form-items §11)."""

from __future__ import annotations

import unicodedata

from ..diagnostics import Reporter
from ..model import Assessment, Record
from .network import NETWORK
from .registry import rule
from .values import blank

_HEAD = "特定個人情報の提供・移転"


@rule("R07", title="提供先・移転先の件数")
def recipient_counts(a: Assessment, form: object, report: Reporter) -> None:
    """A block that stands for several recipients says how many (件数); the form prints the sum."""
    for f in a.files:
        for kind in ("提供先", "移転先"):
            for i, m in enumerate(f.overview.records(_HEAD, kind), 1):
                count = m.text("件数")
                if count is None or count.empty:
                    continue
                digits = unicodedata.normalize("NFKC", "".join(p for p in count.parts if isinstance(p, str)))
                digits = digits.strip()
                # (not 0–9 or over 9 digits: the reader's error; int() of 5,000 digits would raise)
                if digits.isascii() and digits.isdecimal() and len(digits) <= 9 and int(digits) < 1:
                    report.error(
                        count.loc,
                        f"Ⅱ（ファイル{f.number}） ５．{kind}{i} 件数",
                        f"件数は 1 以上です（この{kind}が表す{kind}の数）。{kind}がなければ、このブロックを消してください。",
                    )


@rule("R08", title="Ⅱ-5 提供・移転 と Ⅲ-5 提供・移転しない")
def provision_box(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        head = f.overview.get(_HEAD)
        risk = f.risks.get(_HEAD)
        if not isinstance(head, Record) or not isinstance(risk, Record) or f.risks_file is None:
            continue
        given = head.records("提供先")
        moved = head.records("移転先")
        # Ⅲ-5 excludes provision through the 情報提供ネットワークシステム (Ⅲ-6 covers it)
        outside = moved or [m for m in given if not _network_only(m)]
        label = f"Ⅲ（ファイル{f.number}） ５．特定個人情報の提供・移転 提供・移転しない"
        flag = risk.get("提供・移転しない")
        loc = getattr(flag, "loc", risk.loc)
        if risk.flag("提供・移転しない"):
            if outside:
                what = "移転先" if moved else "情報提供ネットワークシステム以外で提供する提供先"
                report.error(
                    loc,
                    label,
                    f"「提供・移転しない」にチェックがありますが、Ⅱ ５．に{what}があります。"
                    "チェックを外し、Ⅲ ５．のリスク対策を書いてください。",
                )
            rules = risk.get("リスク", "特定個人情報の提供・移転に関するルール")
            if risk.choice("リスク", "特定個人情報の提供・移転に関するルール") or not blank(
                risk.text("リスク", "ルールの内容及びルール遵守の確認方法")
            ):
                report.warning(
                    getattr(rules, "loc", loc),
                    f"Ⅲ（ファイル{f.number}） ５．リスク",
                    "「提供・移転しない」にチェックがあるのに、Ⅲ ５．のリスク対策が書かれています。どちらかに揃えてください。",
                )
        elif not given and not moved:
            # provision only through the network may still be described here (厚木市 file 5 does)
            report.warning(
                loc, label, "Ⅱ ５．に提供先も移転先もありません。「提供・移転しない」を true にしてください。"
            )


def _network_only(member: Record) -> bool:
    methods = member.checks("提供方法")
    return methods is not None and bool(methods.checked) and all(o == NETWORK for o, _ in methods.checked)
