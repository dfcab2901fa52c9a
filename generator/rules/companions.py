"""R9, R10: a choice that requires its companion text (form-items §11)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment, Choice, FileSections
from .registry import rule
from .values import blank

_R09 = (
    (("特定個人情報の使用", "リスク2", "ユーザ認証の管理"), "行っている", ("具体的な管理方法",)),
    (
        (
            "特定個人情報ファイルの取扱いの委託",
            "リスク",
            "委託契約書中の特定個人情報ファイルの取扱いに関する規定",
        ),
        "定めている",
        ("規定の内容",),
    ),
    (
        ("特定個人情報の提供・移転", "リスク", "特定個人情報の提供・移転に関するルール"),
        "定めている",
        ("ルールの内容及びルール遵守の確認方法",),
    ),
)
_R10 = (
    (
        (
            "特定個人情報の保管・消去",
            "リスク",
            "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
        ),
        "発生あり",
        ("その内容", "再発防止策の内容"),
    ),
)


def _companions(f: FileSections, pairs: tuple, report: Reporter) -> None:
    for path, value, companions in pairs:
        choice = f.risks.get(*path)
        if not isinstance(choice, Choice) or choice.value != value:
            continue
        for companion in companions:
            if blank(f.risks.text(*path[:-1], companion)):
                report.warning(
                    choice.loc,
                    f"Ⅲ（ファイル{f.number}） {path[-1]}",
                    f"「{value}」を選んだ場合は「{companion}」を書いてください。",
                )


@rule("R09", title="「定めている」「行っている」と その内容")
def defined_rules(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        _companions(f, _R09, report)


@rule("R10", title="重大事故「発生あり」と その内容・再発防止策")
def incident(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        _companions(f, _R10, report)
