"""The 重点項目評価書 (様式3) in its editions, built from the items of ``juten_sections``.

Editions (../shared/spec/guidelines.md §4):

* 平成30年5月 (規則・指針の見直し, 平成30年5月21日): 「②所属長の役職名」 replaces the 所属長's name;
  Ⅰ-1 ② is still 「事務の概要」 and 主な記録項目 offers 「4情報（氏名、性別、生年月日、住所）」.
* current: 「②事務の内容」 and 「5情報（氏名、氏名の振り仮名、性別、生年月日、住所）」 (4情報 is still
  accepted and printed in its place, as documents published during the change do).

[K] Unconfirmed: the month the current edition is named by. Its labels were in use by 令和6年 (熊谷市,
公表日 令和6年12月25日, prints 「事務の内容」), the 指針 was last revised with effect from 令和6年10月1日
[S2], and 5情報 came in 令和7年 inside this edition (旭川市 （別添２）). Neither the mark 「[令和6年10月
様式3]」 nor the exact day 「事務の概要」 became 「事務の内容」 is confirmed by a printed form.
"""

from __future__ import annotations

import datetime

from ..records import replace
from . import juten_sections as js
from . import options as o
from . import schema as s
from .definition import PAIRED_FILE, ChangesAnnex, FormDefinition, replace_items

KIND = "重点項目評価書"

CHANGES = ChangesAnnex(
    id="annex2",
    file=s.ANNEX2_FILE,
    key=s.ANNEX2_KEY,
    title=s.ANNEX2_TITLE,
    short="別添2 変更箇所",
    columns=s.ANNEX2_COLUMNS,
)

CURRENT = FormDefinition(
    kind=KIND,
    short="重点",
    number=3,
    edition="令和6年10月",
    since=datetime.date(2024, 10, 1),
    title=s.COVER.title,
    sections=js.SECTIONS,
    toc=js.TOC,
    changes=CHANGES,
    file_name_key="特定個人情報ファイル名",
    # the paired 基礎's own items, read by generator.form.pairing, not by this form
    companions=(PAIRED_FILE,),
    accessors=(
        ("cover", "cover"),
        ("basic", "s1"),
        ("disclosure", "s4"),
        ("procedure", "s5"),
        ("overview", "s2"),
        ("risks", "s3"),
    ),
)

# 平成30年5月: the older labels of Ⅰ-1 ② and the 4情報 box of 主な記録項目
_H30_RECORD_GROUPS = tuple(
    (caption, tuple(o.記録項目_4情報 if opt == o.記録項目_5情報 else opt for opt in opts))
    for caption, opts in o.記録項目_GROUPS
)
_h30_sections = replace_items(
    js.SECTIONS,
    "s1",
    {"事務の内容": lambda i: replace(i, key="事務の概要", label="②事務の概要", ident="事務の内容")},
)
_h30_sections = replace_items(
    _h30_sections,
    "s2",
    {
        "主な記録項目": lambda i: replace(
            i,
            options=tuple(opt for _, opts in _H30_RECORD_GROUPS for opt in opts),
            captions=_H30_RECORD_GROUPS,
            aliases=(),
        )
    },
)

H30_05 = replace(CURRENT, edition="平成30年5月", since=datetime.date(2018, 5, 21), sections=_h30_sections)

FORMS: tuple[FormDefinition, ...] = (CURRENT, H30_05)
