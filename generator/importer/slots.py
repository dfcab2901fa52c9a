"""A form section flattened into the label cells it prints, in print order: what the matcher looks for.

Each slot is one label cell of the printed form and says where its value goes in the section's
YAML mapping. Repeated blocks (システム1…, 委託事項1…) are unrolled to their limit; the matcher
only ever fills the members the document prints.
"""

from __future__ import annotations

from functools import cache

from ..form import schema as s
from ..records import dataclass
from .labels import label_key

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Slot:
    index: int
    key: str  # label_key of the printed label
    printed: str  # the label as the form prints it, for the review list
    path: Path_  # where the value goes in the section's mapping
    item: s.Item | None  # None: a heading or group label with no value of its own
    flags: tuple[s.Item, ...] = ()  # check boxes printed on a heading row
    member: tuple[str, int] | None = None  # (repeat key, 0-based member) the slot belongs to
    starts_member: bool = False  # the member's own row (「委託事項2」)
    repeat_member: str = ""  # the member word (「委託事項」) for group rows 「委託事項2～5」
    repeat: s.Repeat | None = None  # on a member's own row: the repeated block


@cache  # asked again for each part of a document: the form does not change
def section_slots(section: s.Section) -> tuple[Slot, ...]:
    out: list[Slot] = []

    def add(key: str, printed: str, path: Path_, item: s.Item | None, **kw: object) -> None:
        out.append(Slot(len(out), label_key(key), printed, path, item, **kw))  # type: ignore[arg-type]

    def walk(nodes: tuple[s.Node, ...], path: Path_, member: tuple[str, int] | None) -> None:
        for n in nodes:
            if isinstance(n, s.Item):
                add(n.label, n.label, (*path, n.key), n, member=member)
            elif isinstance(n, s.RowGroup):
                if n.lead is not None:
                    add(n.lead.label, n.lead.label, (*path, n.lead.key), n.lead, member=member)
                else:
                    add(n.label, n.label, path, None, member=member)
                for sub in n.subs:
                    add(sub.label, sub.label, (*path, sub.key), sub, member=member)
            elif isinstance(n, s.Head):
                inner = path if n.flat else (*path, n.key)
                add(n.label, n.label, inner, None, flags=n.flags, member=member)
                walk(n.children, inner, member)
            elif isinstance(n, s.Repeat):
                for i in range(n.limit):
                    m = (n.key, i)
                    title = n.title
                    add(
                        f"{n.member}{i + 1}",
                        f"{n.member}{i + 1}",
                        (*path, n.key, i, title.key) if title else (*path, n.key, i),
                        title,
                        member=m,
                        starts_member=True,
                        repeat_member=n.member,
                        repeat=n,
                    )
                    walk(n.children, (*path, n.key, i), m)

    walk(section.children, (), None)
    return tuple(out)
