"""The site's index page: the city's assessments as a table, each with its page and downloads."""

from __future__ import annotations

from dataclasses import dataclass

from .pages import Download
from .profile import Profile
from .theme import environment


@dataclass(frozen=True)
class Listed:
    number: str  # 評価書番号
    title: str  # 評価書名
    organisation: str  # 評価実施機関名
    published: str  # 公表日 (和暦)
    href: str  # the assessment's page, relative to the site root
    downloads: list[Download]


def sort_key(entry: Listed) -> tuple[int, str, str]:
    """By 評価書番号 as a number, then by page (several cities may share a number)."""
    digits = "".join(c for c in entry.number if c.isdigit())
    return (int(digits) if digits else 1 << 30, entry.organisation, entry.href)


def index_page(profile: Profile, entries: list[Listed]) -> bytes:
    template = environment().get_template("index.html.j2")
    return template.render(profile=profile, entries=sorted(entries, key=sort_key)).encode("utf-8")
