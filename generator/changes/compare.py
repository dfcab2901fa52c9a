"""Two lists of printed items → the changes between them, in the order of the new document.

Items are matched by their schema key. Repeated blocks (システムn, 委託事項n, 提供先n, 移転先n)
and per-file sections are matched first, by their printed titles (``difflib.SequenceMatcher``
over the titles in order), so deleting 委託事項1 reports one removed block rather than every
later block as rewritten under its shifted number. Decisions:

* A block that appears (or disappears) is **one** change, named as the form numbers it
  (「… 委託事項3」), with its title as the text and 「(新設)」 (or 「(削除)」) on the other side; its
  items are kept as ``details`` for the review page. A block that stood printed empty before
  (member 1 of an empty list) appears with 「(記載なし)」 rather than 「(新設)」.
* A printed count that changed only because blocks appeared or disappeared (委託の有無's
  「（ 2 ）件」, 提供・移転の有無) is folded into that block's change rather than being a change of
  its own: one edit of the sources, one row. The count's ※ counts for the block (a new 委託事項
  changes 委託の有無 ※: 事前). A count that changed for another reason (提供先's 件数, the
  choice 委託する/委託しない itself) stays a change of its own.
* Renumbering alone (委託事項3 printed as 委託事項2 after 委託事項2 was removed) is no change.
* A change of the form's edition (its mark, and the labels the new edition prints for the same
  items, 「②事務の概要」 → 「②事務の内容」) is a 様式変更 (kind ``"form"``), one row each; items
  only one edition has are added or removed items like any other.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

from ..layout.items import Group, Key, PrintedItem
from ..model import Text
from ..records import dataclass, field


@dataclass(frozen=True)
class Detail:
    """One item inside a block change, or a count folded into it."""

    label: str
    before: str | None  # None: not printed
    after: str | None
    star: bool
    folded: bool = False  # a count item folded into the block's change


@dataclass
class Change:
    label: str
    before: str | None  # None: not printed before (新設); "": printed empty (記載なし)
    after: str | None  # None: no longer printed (削除)
    star: bool
    kind: Literal["item", "added", "removed", "form"] = "item"
    details: list[Detail] = field(default_factory=list)
    order: float = 0.0
    sources: tuple[Text | None, Text | None] = (None, None)  # before / after as written, text items only

    @property
    def folded(self) -> list[Detail]:
        return [d for d in self.details if d.folded]


def compare(old: list[PrintedItem], new: list[PrintedItem]) -> list[Change]:
    mapping = _align(old, new)
    targets = set(mapping.values())
    was_empty = {_remap(g.key, mapping) for it in old for g in it.groups if g.placeholder}
    blocks: dict[tuple[str, Key], Change] = {}
    block_repeats: dict[Key, Change] = {}  # new-side list key → first block change in it
    changes: list[Change] = []

    new_index = {it.key: j for j, it in enumerate(new)}
    matched: dict[Key, PrintedItem] = {}
    last = -1.0
    edition_changed = bool(old and new and old[0].key == new[0].key and old[0].text != new[0].text)
    for it in old:
        gone = next((g for g in it.groups if g.key not in mapping), None)
        if gone is None:
            key = _remap(it.key, mapping)
            if key in new_index:
                matched[key] = it
                last = float(new_index[key])
            else:  # the same structure prints the same items; reported all the same if not
                changes.append(Change(it.label, it.text, None, it.star, order=last + 0.5))
            continue
        if gone.placeholder:
            continue  # printed empty because its list was empty: nothing was removed
        block = blocks.get(("removed", gone.key))
        if block is None:
            block = Change(gone.label, gone.title, None, False, "removed", order=last + 0.5)
            blocks[("removed", gone.key)] = block
            block_repeats.setdefault(_remap(gone.repeat, mapping), block)
            changes.append(block)
        block.details.append(Detail(it.label, it.text, None, it.star))
        block.star |= it.star and bool(it.text)

    counts: list[tuple[PrintedItem, PrintedItem, int]] = []
    for j, it in enumerate(new):
        fresh = next((g for g in it.groups if g.key not in targets), None)
        if fresh is not None:
            if fresh.placeholder:
                continue
            block = blocks.get(("added", fresh.key))
            if block is None:
                before = "" if fresh.key in was_empty else None
                block = Change(fresh.label, before, fresh.title, False, "added", order=float(j))
                blocks[("added", fresh.key)] = block
                block_repeats.setdefault(fresh.repeat, block)
                changes.append(block)
            block.details.append(Detail(it.label, None, it.text, it.star))
            block.star |= it.star and bool(it.text)
            continue
        before_item = matched.get(it.key)
        if before_item is None:  # as above, for an item only the new side prints
            changes.append(Change(it.label, None, it.text, it.star, order=float(j)))
            continue
        if j == 0 and edition_changed:  # the form's mark: the edition itself
            changes.append(Change(it.label, before_item.text, it.text, False, "form", order=float(j)))
            continue
        if edition_changed and _last(before_item.label) != _last(it.label):
            before_label, after_label = _last(before_item.label), _last(it.label)
            changes.append(Change(it.label, before_label, after_label, False, "form", order=float(j) - 0.1))
        if before_item.text != it.text:
            if it.counts and before_item.base == it.base:
                counts.append((before_item, it, j))
            else:
                sources = (before_item.source, it.source)
                changes.append(
                    Change(it.label, before_item.text, it.text, it.star, order=float(j), sources=sources)
                )

    for before_item, it, j in counts:
        block = next((block_repeats[k] for k in it.counts if k in block_repeats), None)
        if block is None:  # the count changed with no block added or removed (提供先's 件数)
            changes.append(Change(it.label, before_item.text, it.text, it.star, order=float(j)))
            continue
        block.details.append(Detail(it.label, before_item.text, it.text, it.star, folded=True))
        block.star |= it.star

    changes.sort(key=lambda c: c.order)
    return changes


def _last(label: str) -> str:
    """The item's own label in its path (「… １．特定個人情報ファイルを取り扱う事務 ②事務の概要」 → 「②事務の概要」)."""
    return label.rsplit(" ", 1)[-1]


def _lists(items: Iterable[PrintedItem]) -> dict[Key, list[Group]]:
    """Each repeated list's real members (not the empty placeholder), in order."""
    lists: dict[Key, dict[Key, Group]] = {}
    for it in items:
        for g in it.groups:
            if not g.placeholder:
                lists.setdefault(g.repeat, {})[g.key] = g
    return {k: sorted(v.values(), key=lambda g: g.number) for k, v in lists.items()}


def _align(old: list[PrintedItem], new: list[PrintedItem]) -> dict[Key, Key]:
    """Old member key → new member key for every block present on both sides."""
    old_lists, new_lists = _lists(old), _lists(new)
    mapping: dict[Key, Key] = {}
    for repeat in sorted(old_lists, key=len):  # outer lists first: nested ones follow their parent
        before = old_lists[repeat]
        after = new_lists.get(_remap(repeat, mapping), [])
        matcher = difflib.SequenceMatcher(
            None, [g.title for g in before], [g.title for g in after], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("equal", "replace"):  # a replaced run pairs up in order (a retitled block)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=False):
                    mapping[before[i].key] = after[j].key
    return mapping


def _remap(key: Key, mapping: dict[Key, Key]) -> Key:
    """``key`` with its longest mapped prefix replaced by where that block stands now."""
    for n in range(len(key), 0, -1):
        if key[:n] in mapping:
            return mapping[key[:n]] + key[n:]
    return key
