"""The official form (重点項目評価書) as data: every item, its printed label, kind and options.

This module is the single place that knows the form. The validator reads YAML against it, the
layout builder walks it to print the form's rows, and the change table names items by it.

YAML keys are the printed labels without numbering and ※ (「①ファイルの種類　※」 → ``ファイルの種類``);
headings group their items as nested mappings; a few long headings have a short key
(``特定個人情報の入手`` for 「２．特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）」).
"""

from __future__ import annotations

from ..records import dataclass
from . import options as o

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import Literal

    Kind = Literal["text", "choice", "checks", "date", "flag", "fixed", "number", "derived"]
    # fixed: printed by the form itself; derived: computed from other items (counts, 提供・移転の有無)

GROUPS = ((2, 5), (6, 10), (11, 15), (16, 20))  # members printed under 「システム2～5」 … rows


@dataclass(frozen=True)
class Item:
    """One printed item with a value."""

    key: str
    label: str  # as printed, with numbering and ※
    kind: Kind = "text"
    options: tuple[str, ...] = ()
    detail: frozenset[str] = frozenset()  # check-box options with a （ ） text field
    columns: int = 1  # options box / check grid columns
    star: bool = False  # ※: a change is a 重要な変更
    wide: bool = False  # label on a row of its own, value on the full-width row below
    fixed: str = ""  # text printed by the form itself (kind "fixed")
    count_of: str = ""  # choice followed by 「（ n ）件」 counting this sibling list
    unit: str = ""  # printed after the value: a date 「令和7年4月1日 時点」 (基礎 Ⅱ いつ時点の計数か)
    # the item's identity across editions when its key changed (「事務の概要」 → 「事務の内容」)
    ident: str = ""
    # check grid in captioned rows (「・識別情報」 …); options not under a caption follow
    captions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (printed option, alternative): the alternative is printed in its place when it is checked
    aliases: tuple[tuple[str, str], ...] = ()
    # kind "derived": boxes checked by counting sibling lists, (box label, list key, key of a
    # member's own count); ``tally_none`` is the box checked when every count is zero
    tally: tuple[tuple[str, str, str], ...] = ()
    tally_none: str = ""
    # completeness (generator/rules/completeness.py): an item is required unless ``if_any`` (the form
    # asks for it only if there is something to say: 備考, その他の措置の内容 …) or ``when`` names the
    # sibling choice and the values under which it is asked (再委託の許諾方法 only when 再委託する)
    if_any: bool = False
    when: tuple[str, tuple[str, ...]] | tuple[()] = ()

    @property
    def id(self) -> str:
        """Stable identity of the item (its key unless an edition renamed it)."""
        return self.ident or self.key


@dataclass(frozen=True)
class RowGroup:
    """A group label spanning rows (「④使用の主体」 over 使用部署 and 使用者数).

    ``lead`` is the group's own value when it has one (「③対象となる本人の範囲」); its YAML key
    and the sub-items' keys sit flat in the parent mapping.
    """

    label: str
    subs: tuple[Item, ...]
    lead: Item | None = None
    vertical: bool = False
    star: bool = False


@dataclass(frozen=True)
class Head:
    """A heading row (「１．特定個人情報ファイルを取り扱う事務」) whose items nest under ``key``."""

    key: str
    label: str
    children: tuple[Node, ...]
    star: bool = False
    flags: tuple[Item, ...] = ()  # check boxes printed on the heading row (「[ ] 委託しない」)
    flat: bool = False  # children sit in the parent mapping (no YAML nesting)


@dataclass(frozen=True)
class Repeat:
    """A numbered block repeated as a YAML list (システム1…, 委託事項1…), at most ``limit``."""

    key: str  # YAML key of the list
    member: str  # printed as member + n: 「システム1」, groups 「システム2～5」
    children: tuple[Node, ...]
    title: Item | None = None  # printed in the member's own row (委託事項1 | GPRIME…管理)
    limit: int = 20
    extra_count: str = ""  # optional key: how many recipients one block stands for (提供先)
    groups: tuple[tuple[int, int], ...] = GROUPS

    @property
    def printed_groups(self) -> tuple[tuple[int, int], ...]:
        """The group rows as far as the form's limit goes (a limit of 3 prints 「…2～3」 only)."""
        return tuple((lo, min(hi, self.limit)) for lo, hi in self.groups if lo <= self.limit)


Node = Item | RowGroup | Head | Repeat


@dataclass(frozen=True)
class Annex:
    """A free-form annex printed after its per-file section: an ordered list of groups
    (見出し, 小見出し, 項目, 注記) written under ``key`` in that section's file."""

    id: str  # part id prefix: 「annex1」 → 「annex1-1」
    key: str  # YAML key inside the section's file
    title: str  # as printed
    short: str  # for sheet names and tables of contents: 「別添1」 → 「別添1 ファイル1」
    # keys of a group: caption, sub-caption, its items, a footnote
    fields: tuple[str, str, str, str] = ("見出し", "小見出し", "項目", "注記")


@dataclass(frozen=True)
class Section:
    id: str
    file: str  # file name stem; per-file sections add 「_n」
    title: str  # as printed
    children: tuple[Node, ...]
    per_file: bool = False
    star_all: bool = False  # every item is ※ (Ⅲ), except the keys in ``unstarred``
    unstarred: frozenset[str] = frozenset()
    path_title: str = ""  # title used in （別添２）項目 paths
    short: str = ""  # for sheet names and tables of contents (「Ⅰ 基本情報」)
    annex: Annex | None = None  # printed after the section, per file


# ---------------------------------------------------------------------------
# Cover


COVER = Section(
    id="cover",
    file="0_表紙",
    title="特定個人情報保護評価書（重点項目評価書）",
    path_title="",
    short="表紙",
    children=(
        Item("評価書番号", "評価書番号", "number"),
        Item("評価書名", "評価書名"),
        Item(
            "個人のプライバシー等の権利利益の保護の宣言",
            "個人のプライバシー等の権利利益の保護の宣言",
            wide=True,
        ),
        Item("特記事項", "特記事項", wide=True, if_any=True),
        Item("評価実施機関名", "評価実施機関名"),
        Item("公表日", "公表日", "date"),
    ),
)

# ---------------------------------------------------------------------------
# Ⅰ 基本情報

_SYSTEM = Repeat(
    key="特定個人情報ファイルを取り扱う事務において使用するシステム",
    member="システム",
    children=(
        Item("システムの名称", "①システムの名称"),
        Item("システムの機能", "②システムの機能"),
        Item(
            "他のシステムとの接続",
            "③他のシステムとの接続",
            "checks",
            o.他システム,
            o.他システム_DETAIL,
            columns=2,
        ),
    ),
)

SECTION1 = Section(
    id="s1",
    file="1_基本情報",
    title="Ⅰ　基本情報",
    path_title="Ⅰ 基本情報",
    short="Ⅰ 基本情報",
    children=(
        Head(
            "特定個人情報ファイルを取り扱う事務",
            "１．特定個人情報ファイルを取り扱う事務",
            (
                Item("事務の名称", "①事務の名称"),
                Item("事務の内容", "②事務の内容"),
                Item("対象人数", "③対象人数", "choice", o.対象人数, columns=2),
            ),
        ),
        Head(
            "特定個人情報ファイルを取り扱う事務において使用するシステム",
            "２．特定個人情報ファイルを取り扱う事務において使用するシステム",
            (_SYSTEM,),
            flat=True,
        ),
        Item("特定個人情報ファイル名", "３．特定個人情報ファイル名", wide=True),
        Head(
            "個人番号の利用",
            "４．個人番号の利用 ※",
            (Item("法令上の根拠", "法令上の根拠", star=True),),
            star=True,
        ),
        Head(
            "情報提供ネットワークシステムによる情報連携",
            "５．情報提供ネットワークシステムによる情報連携 ※",
            (
                Item("実施の有無", "①実施の有無", "choice", o.実施, star=True),
                Item("法令上の根拠", "②法令上の根拠", star=True, when=("実施の有無", ("実施する",))),
            ),
            star=True,
        ),
        Head(
            "評価実施機関における担当部署",
            "６．評価実施機関における担当部署",
            (Item("部署", "①部署"), Item("所属長の役職名", "②所属長の役職名")),
        ),
        Item("他の評価実施機関", "７．他の評価実施機関", wide=True, if_any=True),
    ),
)

# ---------------------------------------------------------------------------
# Ⅱ 特定個人情報ファイルの概要 (per file) and its （別添１）

_ITAKU = Repeat(
    key="委託事項",
    member="委託事項",
    title=Item("委託事項", "委託事項"),
    children=(
        Item("委託内容", "①委託内容"),
        Item("委託先における取扱者数", "②委託先における取扱者数", "choice", o.人数, columns=2),
        Item("委託先名", "③委託先名"),
        RowGroup(
            "再委託",
            (
                Item("再委託の有無", "④再委託の有無　※", "choice", o.再委託, star=True, columns=2),
                Item("再委託の許諾方法", "⑤再委託の許諾方法", when=("再委託の有無", ("再委託する",))),
                Item("再委託事項", "⑥再委託事項", when=("再委託の有無", ("再委託する",))),
            ),
            vertical=True,
        ),
    ),
)


def _recipient(kind: str, methods: tuple[str, ...]) -> Repeat:
    verb = "提供" if kind == "提供先" else "移転"
    return Repeat(
        key=kind,
        member=kind,
        title=Item(kind, kind),
        extra_count="件数",
        children=(
            Item("法令上の根拠", "①法令上の根拠"),
            Item(f"{kind}における用途", f"②{kind}における用途"),
            Item(f"{verb}する情報", f"③{verb}する情報"),
            Item(
                f"{verb}する情報の対象となる本人の数",
                f"④{verb}する情報の対象となる本人の数",
                "choice",
                o.本人数,
            ),
            Item(f"{verb}する情報の対象となる本人の範囲", f"⑤{verb}する情報の対象となる本人の範囲"),
            Item(f"{verb}方法", f"⑥{verb}方法", "checks", methods, o.方法_DETAIL, columns=2),
            Item("時期・頻度", "⑦時期・頻度"),
        ),
    )


TEIKYO = _recipient("提供先", o.提供方法)
ITEN = _recipient("移転先", o.移転方法)

SECTION2 = Section(
    id="s2",
    file="2_ファイル概要",
    title="Ⅱ　特定個人情報ファイルの概要",
    path_title="Ⅱ 特定個人情報ファイルの概要",
    short="Ⅱ 概要",
    per_file=True,
    annex=Annex("annex1", "記録項目", "（別添１）　特定個人情報ファイル記録項目", "別添1"),
    children=(
        Item("特定個人情報ファイル名", "１．特定個人情報ファイル名", wide=True),
        Head(
            "基本情報",
            "２．基本情報",
            (
                Item("ファイルの種類", "①ファイルの種類　※", "choice", o.ファイル種類, star=True),
                Item("対象となる本人の数", "②対象となる本人の数", "choice", o.本人数),
                RowGroup(
                    "③対象となる本人の範囲　※",
                    (Item("その必要性", "その必要性"),),
                    lead=Item("対象となる本人の範囲", "③対象となる本人の範囲　※", star=True),
                    star=True,
                ),
                RowGroup(
                    "④記録される項目",
                    (
                        Item(
                            "主な記録項目",
                            "主な記録項目　※",
                            "checks",
                            o.記録項目,
                            o.記録項目_DETAIL,
                            columns=3,
                            star=True,
                            captions=o.記録項目_GROUPS,
                            aliases=((o.記録項目_5情報, o.記録項目_4情報),),
                        ),
                        Item("その妥当性", "その妥当性"),
                        Item("全ての記録項目", "全ての記録項目", "fixed", fixed="別添１を参照。"),
                    ),
                    lead=Item("記録される項目", "④記録される項目", "choice", o.項目数, columns=2),
                ),
                Item("保有開始日", "⑤保有開始日", "date"),
                Item("事務担当部署", "⑥事務担当部署"),
            ),
        ),
        Head(
            "特定個人情報の入手・使用",
            "３．特定個人情報の入手・使用",
            (
                Item("入手元", "①入手元　※", "checks", o.入手元, o.入手元_DETAIL, star=True),
                Item("入手方法", "②入手方法", "checks", o.入手方法, o.入手方法_DETAIL, columns=3),
                Item("使用目的", "③使用目的　※", star=True),
                RowGroup(
                    "④使用の主体",
                    (
                        Item("使用部署", "使用部署"),
                        Item("使用者数", "使用者数", "choice", o.人数, columns=2),
                    ),
                ),
                RowGroup(
                    "⑤使用方法",
                    (Item("情報の突合", "情報の突合"),),
                    lead=Item("使用方法", "⑤使用方法"),
                ),
                Item("使用開始日", "⑥使用開始日", "date"),
            ),
        ),
        Head(
            "特定個人情報ファイルの取扱いの委託",
            "４．特定個人情報ファイルの取扱いの委託",
            (
                Item(
                    "委託の有無", "委託の有無　※", "choice", o.委託, star=True, columns=2, count_of="委託事項"
                ),
                _ITAKU,
            ),
        ),
        Head(
            "特定個人情報の提供・移転",
            "５．特定個人情報の提供・移転（委託に伴うものを除く。）",
            (
                Item(
                    "提供・移転の有無",
                    "提供・移転の有無",
                    "derived",
                    tally=(("提供を行っている", "提供先", "件数"), ("移転を行っている", "移転先", "件数")),
                    tally_none="行っていない",
                ),
                TEIKYO,
                ITEN,
            ),
        ),
        Head(
            "特定個人情報の保管・消去",
            "６．特定個人情報の保管・消去",
            (Item("保管場所", "保管場所　※", star=True),),
        ),
        Item("備考", "７．備考", wide=True, if_any=True),
    ),
)

# （別添１） is free-form: an ordered list of groups (see generator.model for its fields).
assert SECTION2.annex is not None
ANNEX1_TITLE = SECTION2.annex.title
ANNEX1_KEY = SECTION2.annex.key

# ---------------------------------------------------------------------------
# Ⅲ リスク対策 (per file)


def _enough() -> Item:
    return Item("リスクへの対策は十分か", "リスクへの対策は十分か", "choice", o.十分か, columns=2)


_JIKO = "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか"


def _other(label: str) -> Item:
    return Item("その他のリスク", label, wide=True, if_any=True)


SECTION3 = Section(
    id="s3",
    file="3_リスク対策",
    title="Ⅲ　リスク対策　※（７．②を除く。）",
    path_title="Ⅲ リスク対策",
    short="Ⅲ リスク対策",
    per_file=True,
    star_all=True,
    unstarred=frozenset(
        {
            "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
            "その内容",
            "再発防止策の内容",
        }
    ),
    children=(
        Item("特定個人情報ファイル名", "１．特定個人情報ファイル名", wide=True),
        Head(
            "特定個人情報の入手",
            "２．特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）",
            (
                Head(
                    "リスク",
                    "リスク：　目的外の入手が行われるリスク",
                    (Item("リスクに対する措置の内容", "リスクに対する措置の内容"), _enough()),
                ),
                _other(
                    "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）におけるその他のリスク及びそのリスクに対する措置"
                ),
            ),
        ),
        Head(
            "特定個人情報の使用",
            "３．特定個人情報の使用",
            (
                Head(
                    "リスク1",
                    "リスク１：　目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク",
                    (Item("リスクに対する措置の内容", "リスクに対する措置の内容"), _enough()),
                ),
                Head(
                    "リスク2",
                    "リスク２：　権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク",
                    (
                        Item("ユーザ認証の管理", "ユーザ認証の管理", "choice", o.認証, columns=2),
                        Item(
                            "具体的な管理方法", "具体的な管理方法", when=("ユーザ認証の管理", ("行っている",))
                        ),
                        Item("その他の措置の内容", "その他の措置の内容", if_any=True),
                        _enough(),
                    ),
                ),
                _other("特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置"),
            ),
        ),
        Head(
            "特定個人情報ファイルの取扱いの委託",
            "４．特定個人情報ファイルの取扱いの委託",
            (
                Head(
                    "リスク",
                    "リスク：　委託先における不正な使用等のリスク",
                    (
                        Item(
                            "委託契約書中の特定個人情報ファイルの取扱いに関する規定",
                            "委託契約書中の特定個人情報ファイルの取扱いに関する規定",
                            "choice",
                            o.定め,
                            columns=2,
                        ),
                        Item(
                            "規定の内容",
                            "規定の内容",
                            when=("委託契約書中の特定個人情報ファイルの取扱いに関する規定", ("定めている",)),
                        ),
                        Item(
                            "再委託先による特定個人情報ファイルの適切な取扱いの担保",
                            "再委託先による特定個人情報ファイルの適切な取扱いの担保",
                            "choice",
                            o.担保,
                            columns=2,
                        ),
                        Item(
                            "具体的な方法",
                            "具体的な方法",
                            when=(
                                "再委託先による特定個人情報ファイルの適切な取扱いの担保",
                                ("特に力を入れて行っている", "十分に行っている", "十分に行っていない"),
                            ),
                        ),
                        Item("その他の措置の内容", "その他の措置の内容", if_any=True),
                        _enough(),
                    ),
                ),
                _other("特定個人情報ファイルの取扱いの委託におけるその他のリスク及びそのリスクに対する措置"),
            ),
            flags=(Item("委託しない", "委託しない", "flag"),),
        ),
        Head(
            "特定個人情報の提供・移転",
            "５．特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
            (
                Head(
                    "リスク",
                    "リスク：　不正な提供・移転が行われるリスク",
                    (
                        Item(
                            "特定個人情報の提供・移転に関するルール",
                            "特定個人情報の提供・移転に関するルール",
                            "choice",
                            o.定め,
                            columns=2,
                        ),
                        Item(
                            "ルールの内容及びルール遵守の確認方法",
                            "ルールの内容及びルール遵守の確認方法",
                            when=("特定個人情報の提供・移転に関するルール", ("定めている",)),
                        ),
                        Item("その他の措置の内容", "その他の措置の内容", if_any=True),
                        _enough(),
                    ),
                ),
                _other(
                    "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）におけるその他のリスク及びそのリスクに対する措置"
                ),
            ),
            flags=(Item("提供・移転しない", "提供・移転しない", "flag"),),
        ),
        Head(
            "情報提供ネットワークシステムとの接続",
            "６．情報提供ネットワークシステムとの接続",
            (
                Head(
                    "リスク1",
                    "リスク１：　目的外の入手が行われるリスク",
                    (Item("リスクに対する措置の内容", "リスクに対する措置の内容"), _enough()),
                ),
                Head(
                    "リスク2",
                    "リスク２：　不正な提供が行われるリスク",
                    (Item("リスクに対する措置の内容", "リスクに対する措置の内容"), _enough()),
                ),
                _other("情報提供ネットワークシステムとの接続に伴うその他のリスク及びそのリスクに対する措置"),
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
                Head(
                    "リスク",
                    "リスク：　特定個人情報の漏えい・滅失・毀損リスク",
                    (
                        Item(
                            "事故発生時手順の策定・周知",
                            "①事故発生時手順の策定・周知",
                            "choice",
                            o.行っている,
                            columns=2,
                        ),
                        RowGroup(
                            "②過去３年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
                            (
                                Item("その内容", "その内容", when=(_JIKO, ("発生あり",))),
                                Item("再発防止策の内容", "再発防止策の内容", when=(_JIKO, ("発生あり",))),
                            ),
                            lead=Item(
                                "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
                                "②過去３年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
                                "choice",
                                o.事故,
                                columns=2,
                            ),
                        ),
                        Item("その他の措置の内容", "その他の措置の内容", if_any=True),
                        _enough(),
                    ),
                ),
                _other("特定個人情報の保管・消去におけるその他のリスク及びそのリスクに対する措置"),
            ),
        ),
        Head(
            "監査",
            "８．監査",
            (Item("実施の有無", "実施の有無", "checks", o.監査, columns=3),),
        ),
        Head(
            "従業者に対する教育・啓発",
            "９．従業者に対する教育・啓発",
            (
                Item(
                    "従業者に対する教育・啓発", "従業者に対する教育・啓発", "choice", o.行っている, columns=2
                ),
                Item("具体的な方法", "具体的な方法"),
            ),
        ),
        Item("その他のリスク対策", "１０．その他のリスク対策", wide=True),
    ),
)

# ---------------------------------------------------------------------------
# Ⅳ, Ⅴ

SECTION4 = Section(
    id="s4",
    file="4_開示請求・問合せ",
    title="Ⅳ　開示請求、問合せ",
    path_title="Ⅳ 開示請求、問合せ",
    short="Ⅳ 開示請求、問合せ",
    children=(
        Head(
            "特定個人情報の開示・訂正・利用停止請求",
            "１．特定個人情報の開示・訂正・利用停止請求",
            (
                Item("請求先", "①請求先"),
                Item("請求方法", "②請求方法"),
                Item("法令による特別の手続", "③法令による特別の手続", if_any=True),
                Item("個人情報ファイル簿への不記載等", "④個人情報ファイル簿への不記載等", if_any=True),
            ),
        ),
        Head(
            "特定個人情報ファイルの取扱いに関する問合せ",
            "２．特定個人情報ファイルの取扱いに関する問合せ",
            (Item("連絡先", "①連絡先"), Item("対応方法", "②対応方法")),
        ),
    ),
)

SECTION5 = Section(
    id="s5",
    file="5_評価実施手続",
    title="Ⅴ　評価実施手続",
    path_title="Ⅴ 評価実施手続",
    short="Ⅴ 評価実施手続",
    children=(
        Head(
            "基礎項目評価",
            "１．基礎項目評価",
            (
                Item("実施日", "①実施日", "date"),
                Item("しきい値判断結果", "②しきい値判断結果", "choice", o.しきい値),
            ),
        ),
        Head(
            "国民・住民等からの意見の聴取",
            "２．国民・住民等からの意見の聴取　【任意】",
            (
                Item("方法", "①方法"),
                Item("実施日・期間", "②実施日・期間"),
                Item("主な意見の内容", "③主な意見の内容"),
            ),
        ),
        Head(
            "第三者点検",
            "３．第三者点検　【任意】",
            (Item("実施日", "①実施日", "date"), Item("方法", "②方法"), Item("結果", "③結果")),
        ),
    ),
)

# ---------------------------------------------------------------------------
# （別添２） 変更箇所: a list of rows

ANNEX2_TITLE = "（別添２）　変更箇所"
ANNEX2_FILE = "9_変更箇所"
ANNEX2_KEY = "変更箇所"
ANNEX2_COLUMNS = (
    Item("変更日", "変更日", "date"),
    Item("項目", "項目"),
    Item("変更前の記載", "変更前の記載"),
    Item("変更後の記載", "変更後の記載"),
    Item("提出時期", "提出時期", "choice", o.提出時期),
    Item("提出時期に係る説明", "提出時期に係る説明"),
)

SECTIONS: tuple[Section, ...] = (COVER, SECTION1, SECTION2, SECTION3, SECTION4, SECTION5)

TOC = (
    "Ⅰ　基本情報",
    "Ⅱ　特定個人情報ファイルの概要",
    "（別添１）　特定個人情報ファイル記録項目",
    "Ⅲ　リスク対策",
    "Ⅳ　開示請求、問合せ",
    "Ⅴ　評価実施手続",
    "（別添２）　変更箇所",
)


def group_label(member: str, n: int, groups: tuple[tuple[int, int], ...] = GROUPS) -> str | None:
    """The group header row that member ``n`` falls in (「システム2～5」), None for member 1."""
    for lo, hi in groups:
        if lo <= n <= hi:
            return f"{member}{lo}～{hi}"
    return None
