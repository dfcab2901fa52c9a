"""R12: 「④記録される項目」 against the items listed in the file's （別添１） (form-items §11)."""

from __future__ import annotations

import functools
import re
import unicodedata

from ..diagnostics import Reporter
from ..model import Annex1Group, Assessment, Choice
from .registry import rule
from .values import plain


@functools.cache  # compiled at the first （別添１） (0.7 ms): a build without one never needs them
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    split = re.compile(r"[、，,\n]|\s{2,}|\u3000")
    number = re.compile(r"^\(?[0-9０-９]+[\).．:：]?\s*|^[①-⑳]\s*|^[・･]\s*")
    return split, number


def listed_items(groups: list[Annex1Group]) -> list[str]:
    """The record items of （別添１） in order: the group texts split at 「、」「,」 and line ends,
    numbering and bullets removed. A sub-programme list may repeat items (胃がん・大腸がん … each
    list 受診日): callers count both with and without the repeats."""
    split, number = _patterns()
    out: list[str] = []
    for g in groups:
        for raw in split.split(plain(g.items)):
            name = number.sub("", unicodedata.normalize("NFKC", raw).strip()).strip()
            if name and name not in ("等", "など"):
                out.append(name)
    return out


def bounds(option: str) -> tuple[int, int | None]:
    """「10項目以上50項目未満」 → (10, 50); 「100項目以上」 → (100, None); 「10項目未満」 → (0, 10)."""
    text = unicodedata.normalize("NFKC", option).replace(",", "")
    low = re.search(r"([0-9]+)項目以上", text)
    high = re.search(r"([0-9]+)項目未満", text)
    return (int(low.group(1)) if low else 0, int(high.group(1)) if high else None)


@rule("R12", title="記録される項目の数と（別添１）")
def record_count(a: Assessment, form: object, report: Reporter) -> None:
    for f in a.files:
        choice = f.overview.get("基本情報", "記録される項目")
        if not isinstance(choice, Choice) or not choice.value or not f.annex1:
            continue
        items = listed_items(f.annex1)
        if not items:
            continue
        low, high = bounds(choice.value)
        total, distinct = len(items), len(set(items))
        # soft: the class fits if it fits either way of counting repeated items
        if total < low or (high is not None and distinct >= high):
            counted = (
                f"{total} 項目" if total == distinct else f"{distinct} 項目（重複を含めて {total} 項目）"
            )
            report.warning(
                choice.loc,
                f"Ⅱ（ファイル{f.number}） ２．④記録される項目",
                f"「{choice.value}」ですが、（別添１）に挙げた項目は {counted}です。どちらかを直してください。",
            )
