"""Consistency rules between items (form-items.md §11), reported with the item's place.

Contradictions the form cannot print are errors; things a reviewer should look at are warnings.
"""

from __future__ import annotations

import unicodedata

from .diagnostics import Reporter
from .model import Assessment, Choice, DateValue, FileSections, Record, Text


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _plain(text: Text | None) -> str:
    if text is None:
        return ""
    return "".join(p for p in text.parts if isinstance(p, str)).strip()


def _blank(text: Text | None) -> bool:
    return text is None or text.empty or _plain(text) in {"-", "－", "—", "―", "なし"}


def check_consistency(a: Assessment, reporter: Reporter) -> None:
    for f in a.files:
        _entrustment(f, reporter)
        _provision(f, reporter)
        _network(a, f, reporter)
        _companions(f, reporter)
        _file_name(a, f, reporter)
        _file_dates(f, reporter)
    _dates(a, reporter)


def _entrustment(f: FileSections, reporter: Reporter) -> None:
    """R1–R3: 委託の有無, 委託事項, Ⅲ-4 委託しない, 再委託."""
    head = f.overview.get("特定個人情報ファイルの取扱いの委託")
    if not isinstance(head, Record):
        return
    choice = head.values.get("委託の有無")
    members = head.records("委託事項")
    where = f"Ⅱ（ファイル{f.number}） ４．委託の有無　※"
    if isinstance(choice, Choice):
        if choice.value == "委託しない" and members:
            reporter.error(
                choice.loc,
                where,
                f"「委託しない」なのに委託事項が {len(members)} 件書かれています。どちらかに揃えてください。",
            )
        if choice.value == "委託する" and not members:
            reporter.error(
                choice.loc,
                where,
                "「委託する」なら委託事項を 1 件以上書いてください（件数は委託事項の数から数えます）。",
            )
    risk = f.risks.get("特定個人情報ファイルの取扱いの委託")
    if isinstance(risk, Record) and isinstance(choice, Choice) and choice.value:
        flag = risk.flag("委託しない")
        if flag != (choice.value == "委託しない"):
            reporter.warning(
                risk.loc,
                f"Ⅲ（ファイル{f.number}） ４．特定個人情報ファイルの取扱いの委託 委託しない",
                f"Ⅱ の委託の有無は「{choice.value}」です。「委託しない」のチェックは {'true' if not flag else 'false'} にしてください。",
            )
    any_sub = False
    for i, m in enumerate(members, 1):
        sub = m.values.get("再委託の有無")
        if isinstance(sub, Choice) and sub.value == "再委託する":
            any_sub = True
            for key in ("再委託の許諾方法", "再委託事項"):
                if _blank(m.text(key)):
                    reporter.warning(
                        sub.loc, f"Ⅱ ４．委託事項{i} {key}", "「再委託する」なら、この項目を書いてください。"
                    )
    if isinstance(risk, Record):
        guarantee = risk.get("リスク", "再委託先による特定個人情報ファイルの適切な取扱いの担保")
        if isinstance(guarantee, Choice) and guarantee.value and members:
            if (guarantee.value == "再委託していない") == any_sub:
                expected = "再委託していない以外" if any_sub else "再委託していない"
                reporter.warning(
                    guarantee.loc,
                    "Ⅲ ４．再委託先による特定個人情報ファイルの適切な取扱いの担保",
                    f"Ⅱ の委託事項の再委託の有無と合いません（「{expected}」のはずです）。",
                )


def _provision(f: FileSections, reporter: Reporter) -> None:
    """R8: Ⅲ-5 提供・移転しない and the 提供先/移転先 lists."""
    head = f.overview.get("特定個人情報の提供・移転")
    risk = f.risks.get("特定個人情報の提供・移転")
    if not isinstance(head, Record) or not isinstance(risk, Record):
        return
    none = not head.records("提供先") and not head.records("移転先")
    if none and not risk.flag("提供・移転しない"):
        reporter.warning(
            risk.loc,
            f"Ⅲ（ファイル{f.number}） ５．特定個人情報の提供・移転 提供・移転しない",
            "Ⅱ に提供先も移転先もありません。「提供・移転しない」を true にしてください。",
        )


def _network(a: Assessment, f: FileSections, reporter: Reporter) -> None:
    """R4–R6: 情報提供ネットワークシステム and Ⅲ-6 接続しない."""
    risk = f.risks.get("情報提供ネットワークシステムとの接続")
    if not isinstance(risk, Record):
        return
    use = a.basic.choice("情報提供ネットワークシステムによる情報連携", "実施の有無")
    for flag_key, risk_key in (("接続しない（入手）", "リスク1"), ("接続しない（提供）", "リスク2")):
        flagged = risk.flag(flag_key)
        measures = risk.text(risk_key, "リスクに対する措置の内容")
        label = f"Ⅲ（ファイル{f.number}） ６．情報提供ネットワークシステムとの接続 {flag_key}"
        if flagged and not _blank(measures):
            reporter.warning(
                risk.loc, label, f"「{flag_key}」にチェックがあるのに {risk_key} の措置が書かれています。"
            )
        if use == "実施しない" and not flagged:
            reporter.warning(
                risk.loc,
                label,
                "Ⅰ-5 の実施の有無が「実施しない」なので、このチェックを true にしてください。",
            )


def _companions(f: FileSections, reporter: Reporter) -> None:
    """R9, R10: a choice that requires its companion text."""
    pairs = (
        (("特定個人情報の使用", "リスク2", "ユーザ認証の管理"), "行っている", "具体的な管理方法"),
        (
            (
                "特定個人情報ファイルの取扱いの委託",
                "リスク",
                "委託契約書中の特定個人情報ファイルの取扱いに関する規定",
            ),
            "定めている",
            "規定の内容",
        ),
        (
            ("特定個人情報の提供・移転", "リスク", "特定個人情報の提供・移転に関するルール"),
            "定めている",
            "ルールの内容及びルール遵守の確認方法",
        ),
        (
            (
                "特定個人情報の保管・消去",
                "リスク",
                "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
            ),
            "発生あり",
            "その内容",
        ),
    )
    for path, value, companion in pairs:
        choice = f.risks.get(*path)
        if isinstance(choice, Choice) and choice.value == value:
            text = f.risks.text(*path[:-1], companion)
            if _blank(text):
                reporter.warning(
                    choice.loc,
                    f"Ⅲ（ファイル{f.number}） {path[-1]}",
                    f"「{value}」を選んだ場合は「{companion}」を書いてください。",
                )


def _file_name(a: Assessment, f: FileSections, reporter: Reporter) -> None:
    """R13: the file's name agrees between Ⅱ-1 and Ⅲ-1."""
    name2 = _nfkc(_plain(f.overview.text("特定個人情報ファイル名")))
    t3 = f.risks.text("特定個人情報ファイル名")
    name3 = _nfkc(_plain(t3))
    if name2 and name3 and name2 != name3 and t3 is not None:
        reporter.warning(
            t3.loc,
            f"Ⅲ（ファイル{f.number}） １．特定個人情報ファイル名",
            f"Ⅱ の特定個人情報ファイル名「{name2}」と違います。",
        )


def _file_dates(f: FileSections, reporter: Reporter) -> None:
    """R15: 保有開始日 ≤ 使用開始日."""
    start = f.overview.get("基本情報", "保有開始日")
    use = f.overview.get("特定個人情報の入手・使用", "使用開始日")
    if isinstance(start, DateValue) and isinstance(use, DateValue) and start.date and use.date:
        if start.date.as_date() > use.date.as_date():
            reporter.warning(
                use.loc, f"Ⅱ（ファイル{f.number}） ⑥使用開始日", "保有開始日より前の日付になっています。"
            )


def _dates(a: Assessment, reporter: Reporter) -> None:
    """R15: 実施日 and 変更日 are not after 公表日."""
    published = a.cover.get("公表日")
    if not isinstance(published, DateValue) or published.date is None:
        return
    limit = published.date.as_date()
    done = a.procedure.get("基礎項目評価", "実施日")
    if isinstance(done, DateValue) and done.date and done.date.as_date() > limit:
        reporter.warning(done.loc, "Ⅴ １．①実施日", "公表日より後の日付になっています。")
    for i, row in enumerate(a.changes, 1):
        if row.date.date and row.date.date.as_date() > limit:
            reporter.warning(row.date.loc, f"（別添２） {i}行目 変更日", "公表日より後の日付になっています。")
