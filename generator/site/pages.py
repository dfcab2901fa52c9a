"""An assessment's page on the site: the HTML writer's page with the site around it.

The writer's page stands as it is (its inline stylesheet, its one h1, section ids from the IR
part ids); the site adds its stylesheet to the <head>, the header with the search box and the
table of contents right after <body>, and the footer and the search script before </body>.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..layout import ir
from ..records import dataclass
from .names import clean
from .profile import Profile
from .theme import environment


@dataclass(frozen=True)
class Download:
    kind: str  # "DOCX"
    href: str  # relative to the page it is linked from
    size: str  # human-readable


def human_size(size: int) -> str:
    """「45 KB」, 「1.2 MB」: 1 KB = 1,024 bytes, as file managers show them."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def table_of_contents(doc: ir.Document) -> list[tuple[str, str]]:
    """(section id, title) of the parts listed in tables of contents: Ⅰ–Ⅴ and the 別添."""
    return [(part.id, part.short_title) for part in doc.parts if part.toc]


def _insert(page: str, marker: str, text: str, *, after: bool) -> str:
    if page.count(marker) != 1:
        raise ValueError(f"the HTML writer's page has {page.count(marker)} {marker!r}, expected exactly one")
    return page.replace(marker, marker + text if after else text + marker)


def page(
    doc: ir.Document,
    writer_page: bytes,
    profile: Profile,
    downloads: list[Download],
    root: str,
    related: Sequence[tuple[str, str]] = (),
) -> bytes:
    """``root``: the site root relative to the page (``../``); ``related``: (link text, href)
    of the pages of the same 事務 (a 重点's paired 基礎 and back)."""
    toc = table_of_contents(doc)
    text = writer_page.decode("utf-8")
    for part_id, _ in toc:
        if f'<section id="{part_id}"' not in text:
            raise ValueError(
                f"the HTML writer's page has no section id {part_id!r} for the table of contents"
            )
    chrome = environment().get_template("chrome.html.j2").module
    skip_to = doc.parts[0].id if doc.parts else "main"
    text = _insert(text, "</head>", str(chrome.head(root)), after=False)
    text = _insert(
        text, "<body>\n", str(chrome.top(profile, root, toc, downloads, skip_to, related)), after=True
    )
    text = _insert(text, "</body>", str(chrome.footer(profile, root)), after=False)
    return clean(text).encode("utf-8")
