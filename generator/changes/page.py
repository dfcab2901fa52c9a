"""The review page: every changed item before and after, the changed characters marked.

One self-contained HTML page per assessment (``templates/diff``: inline CSS, no scripts, no
requests, every text escaped by Jinja2). Changed characters come from
``difflib.SequenceMatcher`` at character level and are marked with ``<del>`` / ``<ins>``, which
the page shows struck through / underlined and bracketed, not by colour alone.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Literal

import jinja2

from ..records import dataclass
from ..shipped import TEMPLATES as SHIPPED_TEMPLATES
from .compare import Change, Detail
from .rows import EMPTY, NEW, PRIOR, REMOVED, Row

TEMPLATES = SHIPPED_TEMPLATES / "diff"


Kind = Literal["same", "del", "ins"]


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str


@dataclass(frozen=True)
class SideView:
    marker: str  # 「(新設)」 / 「(削除)」 / 「(記載なし)」 shown instead of text, or ""
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class ItemView:
    label: str
    before: SideView
    after: SideView
    star: bool
    folded: bool = False


@dataclass(frozen=True)
class ChangeView:
    number: int
    item: ItemView
    timing: str
    reason: str
    kind: str
    details: tuple[ItemView, ...]


def marked(before: str, after: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The two texts as segments, changed characters as del (before) and ins (after)."""
    ops = _readable(list(difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()))
    old: list[Segment] = []
    new: list[Segment] = []
    for tag, i1, i2, j1, j2 in ops:
        sides: tuple[tuple[list[Segment], Kind, str], ...] = (
            (old, "del", before[i1:i2]),
            (new, "ins", after[j1:j2]),
        )
        for side, changed, text in sides:
            kind: Kind = "same" if tag == "equal" else changed
            if not text:
                continue
            if side and side[-1].kind == kind:  # an insertion leaves the other side's text in one piece
                side[-1] = Segment(kind, side[-1].text + text)
            else:
                side.append(Segment(kind, text))
    return tuple(old), tuple(new)


Op = tuple[str, int, int, int, int]  # difflib's opcodes


def _readable(ops: list[Op]) -> list[Op]:
    """Fold an unchanged run into the changes around it when it is no longer than either of
    them (as diff-match-patch's semantic cleanup does): 「①」→「・」 and a long sentence
    rewritten read as one replacement, not as letters kept by chance between the marks."""
    merged: list[Op] = []
    for op in ops:
        if merged and op[0] != "equal" and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    changed = True
    while changed:
        changed = False
        for k in range(1, len(merged) - 1):
            prev, same, nxt = merged[k - 1], merged[k], merged[k + 1]
            if same[0] != "equal" or prev[0] == "equal" or nxt[0] == "equal":
                continue
            size = same[2] - same[1]
            if size <= max(prev[2] - prev[1], prev[4] - prev[3]) and size <= max(
                nxt[2] - nxt[1], nxt[4] - nxt[3]
            ):
                merged[k - 1 : k + 2] = [("replace", prev[1], nxt[2], prev[3], nxt[4])]
                changed = True
                break
    return merged


def item_view(
    label: str, before: str | None, after: str | None, star: bool, folded: bool = False
) -> ItemView:
    old, new = marked(before or "", after or "")
    return ItemView(
        label,
        SideView(_marker(before, NEW), old),
        SideView(_marker(after, REMOVED), new),
        star,
        folded,
    )


def _marker(text: str | None, absent: str) -> str:
    if text is None:
        return absent
    return EMPTY if not text else ""


def change_views(changes: list[Change], rows: list[Row]) -> list[ChangeView]:
    views = []
    for n, (c, r) in enumerate(zip(changes, rows, strict=True), 1):
        # the block's title is the change itself; empty items of a new or removed block say nothing
        details = tuple(
            _detail(d) for d in c.details if d.label != c.label and (d.folded or d.before or d.after)
        )
        views.append(
            ChangeView(n, item_view(c.label, c.before, c.after, c.star), r.timing, r.reason, c.kind, details)
        )
    return views


def _detail(d: Detail) -> ItemView:
    return item_view(d.label, d.before, d.after, d.star, d.folded)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    *, title: str, folder: str, before: str, after: str, changes: list[Change], rows: list[Row]
) -> bytes:
    views = change_views(changes, rows)
    prior = sum(1 for r in rows if r.timing == PRIOR)
    html = (
        _environment()
        .get_template("page.html.j2")
        .render(
            title=title,
            folder=folder,
            before=before,
            after=after,
            changes=views,
            prior=prior,
            later=len(rows) - prior,
        )
    )
    return html.encode("utf-8")
