"""The forms' building blocks: items, headings, repeats, sections and annexes, and the parts the
重点項目評価書 shares with the 基礎項目評価書 (its cover's items, the （別添２） columns). The
重点's sections Ⅰ–Ⅴ are in ``juten_sections`` (a 基礎's build does without them), the 基礎's in
``kiso``. The validator reads YAML against these, the layout builder walks them to print the
form's rows, and the change table names items by them.

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


def group_label(member: str, n: int, groups: tuple[tuple[int, int], ...] = GROUPS) -> str | None:
    """The group header row that member ``n`` falls in (「システム2～5」), None for member 1."""
    for lo, hi in groups:
        if lo <= n <= hi:
            return f"{member}{lo}～{hi}"
    return None
