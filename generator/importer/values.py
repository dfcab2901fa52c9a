"""A printed value cell read back as the source format writes it: choice, check boxes, text."""

from __future__ import annotations

import re

from ..records import dataclass
from .labels import fold

# a check box as printed or extracted: 「[ ○ ]」, 「[○]」, 「[ ]」, 「[ ？ ]」 (state lost in the extraction)
_BOX = re.compile(r"\[\s*([^\[\]\s]{0,3})\s*\]")
_CHECKED = set("○〇◯●✓✔■☑レXx")
UNKNOWN = "?"


def box_state(mark: str) -> bool | None:
    mark = mark.strip()
    if not mark:
        return False
    if mark in ("?", "？"):
        return None
    return True if any(ch in _CHECKED for ch in mark) else None


@dataclass(frozen=True)
class Box:
    option: str
    state: bool | None  # None: the extraction lost whether it was ticked
    detail: str | None  # the （ ） text, when the option has one


def read_boxes(text: str, options: tuple[str, ...], detail: frozenset[str]) -> list[Box]:
    """Every option found after a check box in ``text``, with its state and （ ） text."""
    by_fold = sorted(((fold(o), o) for o in options), key=lambda x: -len(x[0]))
    found: dict[str, Box] = {}
    matches = list(_BOX.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = text[m.end() : end]
        folded = fold(segment)
        for key, option in by_fold:
            if key and folded.startswith(key):
                d = None
                if option in detail:
                    d = _parenthesised(segment[_prefix_end(segment, key) :])
                found.setdefault(option, Box(option, box_state(m.group(1)), d))
                break
    return [found[o] for o in options if o in found]


def _prefix_end(segment: str, key: str) -> int:
    """Where the option's label ends in ``segment`` (its folded form is ``key``)."""
    for end in range(len(key), len(segment) + 1):
        if fold(segment[:end]) == key:
            return end
    return len(segment)


_OPEN, _CLOSE = "(（", ")）"


def _parenthesised(rest: str) -> str:
    """The text of the （ ） after an option, nested parentheses kept: 「（中間サーバー、X(Y)）」."""
    rest = rest.lstrip(" \u3000\n")
    if not rest or rest[0] not in _OPEN:
        return ""
    depth = 0
    for i, ch in enumerate(rest):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return rest[1:i].strip(" \u3000\n")
    return rest[1:].strip(" \u3000\n")


def read_choice(text: str, options: tuple[str, ...]) -> str | None:
    """The option printed in brackets (「[ 10人未満 ]」), or a cell holding just an option."""
    by_fold = {fold(o): o for o in options}
    for m in re.finditer(r"\[([^\[\]]+)\]", fold(text)):
        inner = m.group(1).strip("○?")
        if inner in by_fold:
            return by_fold[inner]
    head = fold(re.split(r"[<＜]選択肢[>＞]", text)[0]).strip("[]")
    return by_fold.get(head)


def read_count(text: str) -> int | None:
    """「（ 2 ）件」 printed after a choice: the count the document states."""
    m = re.search(r"\((\d+)\)件", fold(text))
    return int(m.group(1)) if m else None


_LIST_START = re.compile(r"^(\s*)([-*+]|[0-9]{1,9}[.)]|#{1,6}|>)(\s|$)")
_RULE_LINE = re.compile(r"^\s*([-=_*])\s*(?:\1\s*)+$")


def markdown_text(text: str) -> str:
    """Printed text → Markdown that prints it back unchanged (list markers, emphasis, entities)."""
    text = text.replace("\\", "\\\\").replace("*", "\\*")
    text = re.sub(r"&(#?[0-9A-Za-z]+;)", r"\\&\1", text)
    out = []
    for line in text.split("\n"):
        m = _LIST_START.match(line)
        if m and line.strip() not in ("-", "*", "+"):
            marker = m.group(2)
            escaped = marker[:-1] + "\\" + marker[-1] if marker[-1] in ".)" else "\\" + marker
            line = m.group(1) + escaped + line[m.end(2) :]
        elif _RULE_LINE.match(line) and len(line.strip()) > 1:
            line = "\\" + line.lstrip()
        out.append(line)
    return "\n".join(out)
