"""The 基礎項目評価書 (様式2) as data: every item, its printed label, kind and options.

Sources: guidelines.md §3.2. Confirmed by published documents and the 記載要領 ([S14][S21][S22]):
the cover, Ⅰ-1 ①②, 「Ⅰ ６．他の評価実施機関」, 「Ⅱ １．対象人数」 and 「Ⅱ ２．取扱者数」 with their
「いつ時点の計数か」. Everything marked ``[K]`` below rests on general knowledge of the form, not on a
document we have seen: check it against a real published 基礎項目評価書 before relying on it.

YAML keys follow the 重点's convention: the printed label without numbering (「①事務の名称」 →
``事務の名称``); headings nest their items. One file per part: ``1_関連情報.yaml``,
``2_しきい値判断項目.yaml``, ``3_しきい値判断結果.yaml``, ``4_リスク対策.yaml``, ``9_変更箇所.yaml``.
The 基礎 has no ※ items: 重要な変更 applies to 重点/全項目 only [K].
"""

from __future__ import annotations

import datetime

from . import options as o
from . import schema as s
from .definition import ChangesAnnex, FormDefinition
from .schema import Head, Item, Section

KIND = "基礎項目評価書"
SHORT = "基礎"
TITLE = "特定個人情報保護評価書（基礎項目評価書）"

# ---------------------------------------------------------------------------
# Option lists of the 基礎 only (worded as printed)

対象人数 = (
    "1,000人未満（任意実施）",
    "1,000人以上1万人未満",
    "1万人以上10万人未満",
    "10万人以上30万人未満",
    "30万人以上",
)
取扱者数 = ("500人以上", "500人未満")
重大事故 = ("発生あり", "発生なし")
しきい値判断結果 = (
    "基礎項目評価及び全項目評価の実施が義務付けられる",
    "基礎項目評価及び重点項目評価の実施が義務付けられる",
    "基礎項目評価の実施が義務付けられる",
    "特定個人情報保護評価の実施が義務付けられない",
)
評価書の種類 = (
    "基礎項目評価書",
    "基礎項目評価書及び重点項目評価書",
    "基礎項目評価書及び全項目評価書",
)
# [K] the wording of the nine 対策 of Ⅳ-11: one per risk question of Ⅳ-2…7 and 教育・啓発
優先度が高い対策 = (
    "目的外の入手が行われるリスクへの対策",
    "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策",
    "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスクへの対策",
    "委託先における不正な使用等のリスクへの対策",
    "不正な提供・移転が行われるリスクへの対策（委託や情報提供ネットワークシステムを通じた提供を除く。）",
    "情報提供ネットワークシステムを通じて目的外の入手が行われるリスクへの対策",
    "情報提供ネットワークシステムを通じて不正な提供が行われるリスクへの対策",
    "特定個人情報の漏えい・滅失・毀損リスクへの対策",
    "従業者に対する教育・啓発",
)

# ---------------------------------------------------------------------------
# Keys used by other modules (pairing, しきい値 rules)

K_対象人数 = "評価対象の事務の対象人数は何人か"
K_取扱者数 = "特定個人情報ファイル取扱者数は500人以上か"
K_重大事故 = "過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか"
K_時点 = "いつ時点の計数か"
K_結果 = "しきい値判断結果"
K_種類 = "提出する特定個人情報保護評価書の種類"
K_十分か = "リスクへの対策は十分か"


def _enough(key: str, label: str) -> Item:
    return Item(key, label, "choice", o.十分か, columns=2)


def _counted_at() -> Item:
    # printed 「令和7年4月1日 時点」 [S14]
    return Item(K_時点, K_時点, "date", unit="時点")


# ---------------------------------------------------------------------------
# 表紙

COVER = Section(
    id="cover",
    short="表紙",
    file="0_表紙",
    title=TITLE,
    path_title="",
    children=s.COVER.children,  # the 重点's cover items [S21][S22]
)

# ---------------------------------------------------------------------------
# Ⅰ 関連情報: the 重点's Ⅰ without the system blocks (only their names) and 対象人数

SECTION1 = Section(
    id="s1",
    short="Ⅰ 関連情報",
    file="1_関連情報",
    title="Ⅰ　関連情報",
    path_title="Ⅰ 関連情報",
    children=(
        Head(
            "特定個人情報ファイルを取り扱う事務",
            "１．特定個人情報ファイルを取り扱う事務",
            (
                Item("事務の名称", "①事務の名称"),
                Item("事務の概要", "②事務の概要"),  # 「事務の概要」 in the 基礎 [S21]
                Item("システムの名称", "③システムの名称"),  # [K] one text cell naming every system
            ),
        ),
        Item("特定個人情報ファイル名", "２．特定個人情報ファイル名", wide=True),  # [K] numbering of 2–5
        Head("個人番号の利用", "３．個人番号の利用", (Item("法令上の根拠", "法令上の根拠"),)),
        Head(
            "情報提供ネットワークシステムによる情報連携",
            "４．情報提供ネットワークシステムによる情報連携",
            (
                Item("実施の有無", "①実施の有無", "choice", o.実施),
                Item("法令上の根拠", "②法令上の根拠", when=("実施の有無", ("実施する",))),
            ),
        ),
        Head(
            "評価実施機関における担当部署",
            "５．評価実施機関における担当部署",
            (Item("部署", "①部署"), Item("所属長の役職名", "②所属長の役職名")),
        ),
        Item("他の評価実施機関", "６．他の評価実施機関", wide=True, if_any=True),  # [S14]
    ),
)

# ---------------------------------------------------------------------------
# Ⅱ しきい値判断項目 (the counts are dated: the rest of the document speaks as of 公表日 [S14])

SECTION2 = Section(
    id="s2",
    short="Ⅱ しきい値判断項目",
    file="2_しきい値判断項目",
    title="Ⅱ　しきい値判断項目",
    path_title="Ⅱ しきい値判断項目",
    children=(
        Head(
            "対象人数",
            "１．対象人数",
            (Item(K_対象人数, K_対象人数, "choice", 対象人数, columns=2), _counted_at()),
        ),
        Head(
            "取扱者数",
            "２．取扱者数",
            (Item(K_取扱者数, K_取扱者数, "choice", 取扱者数, columns=2), _counted_at()),
        ),
        Head(
            "重大事故",
            "３．重大事故",  # [K] wording of the question (「過去1年以内」「特定個人情報」 per [S3][S9])
            (Item(K_重大事故, K_重大事故, "choice", 重大事故, columns=2),),
        ),
    ),
)

# ---------------------------------------------------------------------------
# Ⅲ しきい値判断結果 [K] option wording

SECTION3 = Section(
    id="s3",
    short="Ⅲ しきい値判断結果",
    file="3_しきい値判断結果",
    title="Ⅲ　しきい値判断結果",
    path_title="Ⅲ しきい値判断結果",
    children=(Item(K_結果, K_結果, "choice", しきい値判断結果),),
)

# ---------------------------------------------------------------------------
# Ⅳ リスク対策: one 十分か per risk of the 重点's Ⅲ, with its heading check boxes [K] (items 8–11
# came with a later edition than 平成26年4月; which one is [K])

SECTION4 = Section(
    id="s4",
    short="Ⅳ リスク対策",
    file="4_リスク対策",
    title="Ⅳ　リスク対策",
    path_title="Ⅳ リスク対策",
    children=(
        Item(K_種類, f"１．{K_種類}", "choice", 評価書の種類),
        Item(
            "評価書の種類の注記",
            "",
            "fixed",
            wide=True,
            # [K] the note printed under Ⅳ-1
            fixed="２）又は３）を選択した評価実施機関については、それぞれ重点項目評価書又は全項目評価書において、"
            "リスク対策の詳細が記載されている。",
        ),
        Head(
            "特定個人情報の入手",
            "２．特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）",
            (
                _enough(
                    "目的外の入手が行われるリスクへの対策は十分か",
                    "目的外の入手が行われるリスクへの対策は十分か",
                ),
            ),
        ),
        Head(
            "特定個人情報の使用",
            "３．特定個人情報の使用",
            (
                _enough(
                    "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策は十分か",
                    "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策は十分か",
                ),
                _enough(
                    "権限のない者によって不正に使用されるリスクへの対策は十分か",
                    "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスクへの対策は十分か",
                ),
            ),
        ),
        Head(
            "特定個人情報ファイルの取扱いの委託",
            "４．特定個人情報ファイルの取扱いの委託",
            (
                _enough(
                    "委託先における不正な使用等のリスクへの対策は十分か",
                    "委託先における不正な使用等のリスクへの対策は十分か",
                ),
            ),
            flags=(Item("委託しない", "委託しない", "flag"),),
        ),
        Head(
            "特定個人情報の提供・移転",
            "５．特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
            (
                _enough(
                    "不正な提供・移転が行われるリスクへの対策は十分か",
                    "不正な提供・移転が行われるリスクへの対策は十分か",
                ),
            ),
            flags=(Item("提供・移転しない", "提供・移転しない", "flag"),),
        ),
        Head(
            "情報提供ネットワークシステムとの接続",
            "６．情報提供ネットワークシステムとの接続",
            (
                _enough(
                    "目的外の入手が行われるリスクへの対策は十分か",
                    "目的外の入手が行われるリスクへの対策は十分か",
                ),
                _enough(
                    "不正な提供が行われるリスクへの対策は十分か", "不正な提供が行われるリスクへの対策は十分か"
                ),
            ),
            flags=(
                Item("接続しない（入手）", "接続しない（入手）", "flag"),
                Item("接続しない（提供）", "接続しない（提供）", "flag"),
            ),
        ),
        Head(
            "特定個人情報の保管・消去",
            "７．特定個人情報の保管・消去",
            (
                _enough(
                    "特定個人情報の漏えい・滅失・毀損リスクへの対策は十分か",
                    "特定個人情報の漏えい・滅失・毀損リスクへの対策は十分か",
                ),
            ),
        ),
        Head(
            "人手を介在させる作業",
            "８．人手を介在させる作業",  # [K] whole item
            (
                _enough(
                    "人為的ミスが発生するリスクへの対策は十分か", "人為的ミスが発生するリスクへの対策は十分か"
                ),
                Item("判断の根拠", "判断の根拠"),
            ),
            flags=(Item("人手を介在させる作業はない", "人手を介在させる作業はない", "flag"),),
        ),
        Head(
            "監査",
            "９．監査",
            (Item("実施の有無", "実施の有無", "checks", o.監査, columns=3),),
        ),
        Head(
            "従業者に対する教育・啓発",
            "１０．従業者に対する教育・啓発",
            (
                Item(
                    "従業者に対する教育・啓発", "従業者に対する教育・啓発", "choice", o.行っている, columns=2
                ),
            ),
        ),
        Head(
            "最も優先度が高いと考えられる対策",
            "１１．最も優先度が高いと考えられる対策",  # [K] whole item, its options and heading box
            (
                Item(
                    "最も優先度が高いと考えられる対策",
                    "最も優先度が高いと考えられる対策",
                    "choice",
                    優先度が高い対策,
                ),
                _enough("当該対策は十分か【再掲】", "当該対策は十分か【再掲】"),
                Item("判断の根拠", "判断の根拠"),
            ),
            flags=(
                Item("全項目評価又は重点項目評価を実施する", "全項目評価又は重点項目評価を実施する", "flag"),
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------
# （別添） 変更箇所: the 重点's columns, without a number [S21]

CHANGES = ChangesAnnex(
    id="annex",
    file="9_変更箇所",
    key="変更箇所",
    title="（別添）　変更箇所",
    short="別添 変更箇所",
    columns=s.ANNEX2_COLUMNS,
)

SECTIONS: tuple[Section, ...] = (COVER, SECTION1, SECTION2, SECTION3, SECTION4)

TOC = (
    "Ⅰ　関連情報",
    "Ⅱ　しきい値判断項目",
    "Ⅲ　しきい値判断結果",
    "Ⅳ　リスク対策",
    CHANGES.title,
)

# [K] the edition: items 8–11 of Ⅳ came after 平成26年4月; the mark of the edition in use today is
# taken to be the 重点's (令和6年10月), unconfirmed by a printed 基礎.
CURRENT = FormDefinition(
    kind=KIND,
    short=SHORT,
    number=2,
    edition="令和6年10月",
    since=datetime.date(2024, 10, 1),
    title=TITLE,
    sections=SECTIONS,
    toc=TOC,
    changes=CHANGES,
    accessors=(("cover", "cover"),),
)

FORMS: tuple[FormDefinition, ...] = (CURRENT,)
