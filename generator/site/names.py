"""Names and links on the published site, whatever the assessment folders are called.

A folder may be called ``javascript:alert(1)``, ``index.html``, ``a#b?c%d`` or hold control
characters: on the site every link is relative, starts with ``./`` or ``../`` (so it can never
read as a scheme) and has each path segment percent-encoded; a folder whose name is one the site
writes itself, or that a case-insensitive web server would confuse with another, gets a name of
its own on the site; control characters are removed from every text put on a page.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse

STATIC = ("site.css", "search.js", "list.js")  # copied to the site's root as they are (theme)
# the names the site writes at its root (compared case-insensitively: hosts often are)
RESERVED = frozenset({"index.html", "site.css", "search.js", "list.js", "search", ".hyoka-site.json"})

# C0 and C1 controls and DEL; tab, line feed and carriage return are the white space text keeps
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# a name on the site: controls and the characters no file system takes become 「_」
_UNSAFE_NAME = re.compile('[\x00-\x1f\x7f-\x9f/\\\\:*?"<>|\ud800-\udfff]')


def clean(text: str) -> str:
    """``text`` without control characters (HTML has no place for them)."""
    return _CONTROL.sub("", text)


def href(*segments: str, up: int = 0) -> str:
    """A relative link to ``segments`` (path parts, not yet encoded), ``up`` folders up."""
    prefix = "../" * up if up else "./"
    return prefix + "/".join(urllib.parse.quote(s, safe="") for s in segments)


def site_names(wanted: list[str]) -> list[str]:
    """Each document's name on the site (``wanted``: its output name, 「<folder>」 or
    「<folder>-基礎」, in document order): that name when it is safe and unique (ignoring case),
    else a variant of it (「_index.html」, 「_a_b」, 「_a_b-2」)."""
    taken = set(RESERVED)
    names: list[str] = []
    for name in wanted:
        safe = _UNSAFE_NAME.sub("_", name)
        if safe != name or safe.casefold() in taken or safe.startswith(".") or not safe.strip():
            safe = "_" + safe
        candidate, n = safe, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{safe}-{n}"
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def page_key(site_name: str) -> str:
    """The page's name in the search index (search/t/): stable across runs, safe whatever the
    folder's name."""
    return hashlib.sha256(site_name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
