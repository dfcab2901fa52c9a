"""R13: the file's name agrees across Ⅰ-3, Ⅱ-1 and Ⅲ-1 (form-items §11)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Assessment
from .registry import rule
from .values import nfkc, plain


@rule("R13", title="特定個人情報ファイル名の一致")
def file_names(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        name2 = nfkc(plain(f.overview.text("特定個人情報ファイル名")))
        t3 = f.risks.text("特定個人情報ファイル名")
        name3 = nfkc(plain(t3))
        if name2 and name3 and name2 != name3 and t3 is not None:
            report.warning(
                t3.loc,
                f"Ⅲ（ファイル{f.number}） １．特定個人情報ファイル名",
                f"Ⅱ の特定個人情報ファイル名「{name2}」と違います。",
            )
