"""The build manifest's JSON, written and read back without the json module.

``import json`` took 1.4 ms of every build's start (the smallest example builds in ~70 ms), for a
manifest of a few kB. ``dumps`` writes plain data (dicts with string keys, lists, strings and
integers) exactly as ``json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)`` does;
``loads`` reads such text line by line and keeps what it read only when writing it again gives
the same text, so it returns what ``json.loads`` would: any other text (edited by hand, written
by another tool, a Windows path's backslashes) goes to ``json.loads``, and so does a text over
``SMALL`` (a folder with many blocks: atsugi's is 134 kB), which json reads faster.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

# what json.dumps escapes with ensure_ascii=False: the quote, the backslash and control characters
_ESCAPES = {i: f"\\u{i:04x}" for i in range(0x20)} | {
    ord('"'): '\\"',
    ord("\\"): "\\\\",
    ord("\b"): "\\b",
    ord("\f"): "\\f",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
}


# deeper than a manifest gets (4 levels): json reads it
MAX_DEPTH = 32

# read here up to this size (~1 ms); json reads a larger text faster, its import included
SMALL = 1 << 14


def dumps(value: object) -> str:
    json = sys.modules.get("json")  # loaded already (a large manifest read): its writer is faster
    if json is not None:
        return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return _dumps(value, "\n")


def _dumps(value: object, newline: str) -> str:
    """``newline``: a line break and the indent of the line ``value`` is on."""
    if isinstance(value, str):  # translate looks up every character: only where one may need it
        plain = value.isprintable() and '"' not in value and "\\" not in value
        return f'"{value}"' if plain else f'"{value.translate(_ESCAPES)}"'
    if value is True or value is False or value is None:
        return "true" if value is True else "false" if value is False else "null"
    if isinstance(value, int):
        return str(value)
    inner = newline + " "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{_dumps(k, inner)}: {_dumps(v, inner)}" for k, v in sorted(value.items()))
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_dumps(v, inner) for v in value) + newline + "]"
    raise TypeError(f"not plain data: {type(value).__name__}")


def loads(text: str) -> Any:
    """What ``json.loads(text)`` gives (and its ValueError for text that is no JSON)."""
    if len(text) <= SMALL and "\\" not in text:
        try:
            value = _read(text)
            if value is not None and _dumps(value, "\n") + "\n" == text:
                return value
        except (ValueError, IndexError, TypeError):  # not as dumps writes it: json reads it
            pass
    import json

    return json.loads(text)


def _read(text: str) -> object:
    """The value of text as ``dumps`` writes it (with its final line break; no backslash in it),
    or something else (``loads`` checks it)."""
    stack: list[list | dict] = []
    key: str | None = None
    value: object = None
    for line in text.split("\n")[:-1]:  # not splitlines: a string may hold U+2028 and the like
        indent = len(line) - len(line.lstrip(" "))
        closing = line.lstrip(" ").startswith(("}", "]"))
        if indent != len(stack) - closing or indent > MAX_DEPTH:
            # not as dumps indents it; and a deep text would take the recursive check past
            # Python's recursion limit (json reads it, or says it is too deep)
            raise ValueError("indent")
        line = line.lstrip(" ").removesuffix(",")
        if line.startswith('"'):
            end = line.index('"', 1)
            if line[end + 1 : end + 3] == ": ":
                key, line = line[1:end], line[end + 3 :]
        if line in ("}", "]"):
            value = stack.pop()
            continue
        if line in ("{", "["):
            item: object = {} if line == "{" else []
        elif line in ("{}", "[]"):
            item = {} if line == "{}" else []
        elif line.startswith('"') and line.endswith('"') and len(line) > 1:
            item = line[1:-1]
        else:
            item = int(line)
        if stack:
            top = stack[-1]
            if isinstance(top, dict):
                top[key] = item  # type: ignore[index]
            else:
                top.append(item)
        if line in ("{", "["):
            stack.append(item)  # type: ignore[arg-type]
        elif not stack:
            value = item
        key = None
    return None if stack else value
