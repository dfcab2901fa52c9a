"""Texts the city wrote: G02 legal references out of date for the 公表日, G03 表記ゆれ.

Only what the city typed counts: shared blocks (national standard texts) and （別添２） rows (which
quote the past) are never searched.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator

from ..diagnostics import Location, Reporter
from ..model import Assessment, DateValue, Text
from .printed import Printed, printed
from .registry import rule

# 番号法 改正 (令和5年法律第48号, 施行 令和6年5月27日): 別表第一 → 別表, 別表第二 → 主務省令
# (guidelines.md §2.4 4, §4; 旭川市 （別添２） 「別表第一の76の項」→「別表の111の項」)
BEPPYO_CHANGE = datetime.date(2024, 5, 27)
_OLD_TABLES = r"別表第[一二１２12]"

# Spellings of one word the 公用文 conventions unify; only a document using both is flagged
_SPELLINGS = (
    ("サーバ", r"サーバ(?!ー)", "サーバー", r"サーバー"),
    ("ユーザ", r"ユーザ(?!ー)", "ユーザー", r"ユーザー"),
    ("コンピュータ", r"コンピュータ(?!ー)", "コンピューター", r"コンピューター"),
    ("プリンタ", r"プリンタ(?!ー)", "プリンター", r"プリンター"),
    ("フォルダ", r"フォルダ(?!ー)", "フォルダー", r"フォルダー"),
    ("インタフェース", r"インタフェース", "インターフェース", r"インターフェ[ーイ]ス"),
    ("稼動", r"稼動", "稼働", r"稼働"),
)


# The patterns are compiled at their rule's first run (1 ms): a form without G02 and G03 never
# needs them.
@functools.cache
def _old_tables() -> re.Pattern[str]:
    return re.compile(_OLD_TABLES)


@functools.cache
def _variants() -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str], str, re.Pattern[str]], ...]]:
    """A pattern of any spelling of any of the words (a text with none, nearly all, is searched
    once, not 14 times), and each word's two spellings with their patterns."""
    found = re.compile("|".join(f"(?:{p})" for _, ps, _, pl in _SPELLINGS for p in (ps, pl)))
    return found, tuple((a, re.compile(pa), b, re.compile(pb)) for a, pa, b, pb in _SPELLINGS)


def city_texts(a: Assessment, printed: Printed) -> Iterator[tuple[str, str, Location]]:
    """(item label, text typed by the city, where) for every printed item (blocks left out)."""
    for it in printed.items:
        source: Text | None = it.source
        if source is None:
            continue
        for part in source.parts:
            if isinstance(part, str) and part.strip():
                yield it.label, part, source.loc


@rule("G02", title="公表日に合わない法令の引用（別表第一・別表第二）")
def legal_references(a: Assessment, form: object, report: Reporter) -> None:
    published = a.cover.get("公表日")
    if not isinstance(published, DateValue) or published.date is None:
        return
    if published.date.as_date() < BEPPYO_CHANGE:
        return
    old_tables = _old_tables()
    for label, text, loc in city_texts(a, printed(a)):
        m = old_tables.search(text)
        if m:
            now = "主務省令" if m.group(0)[-1] in "二２2" else "別表"
            report.warning(
                loc,
                label,
                f"「{m.group(0)}」は番号法の改正（令和6年5月27日施行）で「{now}」になりました。"
                "公表日がそれ以降なので、今の条項で書いてください。",
            )


@rule("G03", title="表記ゆれ（市が書いた文章のみ）")
def spelling_variants(a: Assessment, form: object, report: Reporter) -> None:
    found, variants = _variants()
    texts = [t for t in city_texts(a, printed(a)) if found.search(t[1])]
    for short, pshort, long, plong in variants:
        uses: dict[str, list[tuple[str, Location]]] = {short: [], long: []}
        for label, text, loc in texts:
            for word, pattern in ((short, pshort), (long, plong)):
                uses[word] += [(label, loc)] * len(pattern.findall(text))
        if not uses[short] or not uses[long]:
            continue
        rare = short if len(uses[short]) <= len(uses[long]) else long
        common = long if rare == short else short
        label, loc = uses[rare][0]
        report.warning(
            loc,
            label,
            f"「{rare}」（{len(uses[rare])} 箇所）と「{common}」（{len(uses[common])} 箇所）が混在しています。"
            "市が書いた文章の表記を揃えてください（共通記載ブロックは数えていません）。",
        )
