"""（別添２） 変更箇所 against the form and the body: R16 提出時期, G01 the latest row = the item now.

A row names its item by path (「Ⅱ 特定個人情報ファイルの概要 ３．特定個人情報の入手・使用 ①入手元」);
rows are matched to the document's items by that path after normalisation (numbers, spaces,
width). A row that matches no item, or several, is left alone: these rules speak only about rows
they can place for certain.
"""

from __future__ import annotations

from collections import Counter

from ..diagnostics import Reporter
from ..layout.items import PrintedItem
from ..model import Assessment, ChangeRow
from .printed import Printed, normal_text, path_key, printed
from .registry import rule
from .values import blank, plain

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    import difflib

_MARKERS = ("(新設)", "(削除)", "(記載なし)", "（新設）", "（削除）", "（記載なし）")


def placed_rows(a: Assessment, doc: Printed) -> list[tuple[int, ChangeRow, PrintedItem]]:
    paths = doc.by_path()
    out = []
    for i, row in enumerate(a.changes, 1):
        found = paths.get(path_key(plain(row.item)), [])
        if len(found) == 1:
            out.append((i, row, found[0]))
    return out


@rule("R16", title="（別添２） 提出時期と ※（重要な変更）")
def timing(a: Assessment, form: object, report: Reporter) -> None:
    if not a.changes:
        return
    placed = {i: item for i, _, item in placed_rows(a, printed(a))}
    for i, row in enumerate(a.changes, 1):
        label = f"（別添２） {i}行目 提出時期"
        if not row.timing.value:
            report.warning(row.loc, label, "提出時期（事前・事後）が書かれていません。")
            continue
        item = placed.get(i)
        if item is None or not blank(row.reason):
            continue
        if item.star and row.timing.value == "事後":
            report.warning(
                row.timing.loc,
                label,
                f"「{item.label}」は ※ の項目（重要な変更）ですが「事後」です。提出時期に係る説明に理由を書いてください。",
            )
        elif not item.star and row.timing.value == "事前":
            report.info(
                row.timing.loc,
                label,
                f"「{item.label}」は ※ のない項目ですが「事前」です。任意で事前に提出した旨を説明に書けます。",
            )


@rule("G01", title="（別添２） の最新の行と本文の記載")
def latest_row(a: Assessment, form: object, report: Reporter) -> None:
    if not a.changes:
        return
    doc = printed(a)
    latest: dict[str, tuple[int, ChangeRow, PrintedItem]] = {}
    for i, row, item in placed_rows(a, doc):
        when = row.date.date.as_date() if row.date.date else None
        known = latest.get(item.label)
        known_when = known[1].date.date.as_date() if known and known[1].date.date else None
        if known is None or (when and (known_when is None or when >= known_when)):
            latest[item.label] = (i, row, item)
    for i, row, item in latest.values():
        after = doc.text(row.after)
        if not after or any(m in after for m in _MARKERS):
            continue
        was, now = normal_text(after), normal_text(item.text)
        if was == now or len(was) < 10:
            continue
        # a row that quotes the item with a few characters changed is a slip (サーバ/サーバー);
        # a row that summarises the change (「・…を追加」) is not a quotation and is left alone
        # SequenceMatcher.quick_ratio() (characters in common, however placed) bounds ratio()
        # from above: most rows are left at it, counted here as it counts but in C and before a
        # matcher indexes ``now`` (which costs as much again)
        if 2.0 * (Counter(was) & Counter(now)).total() / (len(was) + len(now)) < 0.9:
            continue
        import difflib  # here: most builds have no such row and skip its import

        matcher = difflib.SequenceMatcher(None, was, now, autojunk=False)
        if matcher.ratio() < 0.9:
            continue
        report.warning(
            row.after.loc,
            f"（別添２） {i}行目 変更後の記載",
            f"「{item.label}」の最新の変更後の記載が本文と違います（{_difference(matcher, was, now)}）。本文か（別添２）を揃えてください。",
        )


def _difference(matcher: difflib.SequenceMatcher[str], was: str, now: str) -> str:
    """The first two differences, each with four characters of context either side; from the
    matcher of ``was`` and ``now`` that measured the ratio: its matching blocks (the costly part,
    a third of a large document's checks) are found once."""
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            parts.append(
                f"（別添２）「{was[max(0, i1 - 4) : i2 + 4]}」／本文「{now[max(0, j1 - 4) : j2 + 4]}」"
            )
        if len(parts) == 2:
            break
    return "、".join(parts)
