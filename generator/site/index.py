"""The site's index page: the city's assessments as a table, each with its page and downloads.

The table is in 評価書番号 order as written (it works so without JavaScript); list.js adds
sorting by 評価書番号 or 公表日 and, when the site holds more than one form, a filter by 種類.
"""

from __future__ import annotations

from ..records import dataclass
from .names import clean
from .pages import Download
from .profile import Profile
from .theme import environment

DEFAULT_KIND = "重点項目評価書"


@dataclass(frozen=True)
class Listed:
    number: str  # 評価書番号
    title: str  # 評価書名
    organisation: str  # 評価実施機関名
    published: str  # 公表日 (和暦)
    href: str  # the assessment's page, relative to the site root
    downloads: list[Download]
    date: str = ""  # 公表日 as ISO 8601, for sorting
    kind: str = DEFAULT_KIND  # 様式: 重点項目評価書, 基礎項目評価書
    order: int = 0  # the document's place among the site's (folder order; a 重点 before its 基礎)


def number_value(number: str) -> int:
    digits = "".join(c for c in number if c.isdigit())
    return int(digits) if digits and len(digits) < 16 else 1 << 60


def sort_key(entry: Listed) -> tuple[int, str, int, str]:
    """By 評価書番号 as a number, then by 評価実施機関 (several cities may share a number), then
    in folder order (a 重点 and its paired 基礎 share theirs: the 重点 first)."""
    return (number_value(entry.number), entry.organisation, entry.order, entry.href)


def index_page(profile: Profile, entries: list[Listed]) -> bytes:
    template = environment().get_template("index.html.j2")
    kinds = sorted({e.kind for e in entries})
    text = template.render(
        profile=profile, entries=sorted(entries, key=sort_key), kinds=kinds, number_value=number_value
    )
    return clean(text).encode("utf-8")
