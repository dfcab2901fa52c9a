"""R13: the file's name agrees across Ⅰ-3, Ⅱ-1 and Ⅲ-1 (form-items §11), compared after NFKC."""

from __future__ import annotations

import re

from ..diagnostics import Reporter
from ..model import Assessment
from .registry import rule
from .values import nfkc, plain


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", nfkc(text))


@rule("R13", title="特定個人情報ファイル名の一致（Ⅰ-3・Ⅱ-1・Ⅲ-1）")
def file_names(a: Assessment, form: object, report: Reporter) -> None:
    listed = _squeeze(plain(a.basic.text("特定個人情報ファイル名")))
    for f in a.files:
        t2 = f.overview.text("特定個人情報ファイル名")
        name2 = _squeeze(plain(t2))
        t3 = f.risks.text("特定個人情報ファイル名")
        name3 = _squeeze(plain(t3))
        if name2 and name3 and name2 != name3 and t3 is not None:
            report.warning(
                t3.loc,
                f"Ⅲ（ファイル{f.number}） １．特定個人情報ファイル名",
                f"Ⅱ（ファイル{f.number}） の特定個人情報ファイル名「{plain(t2)}」と違います。",
            )
        if listed and name2 and name2 not in listed and t2 is not None:
            report.warning(
                t2.loc,
                f"Ⅱ（ファイル{f.number}） １．特定個人情報ファイル名",
                f"Ⅰ ３．特定個人情報ファイル名に「{plain(t2)}」がありません。",
            )
