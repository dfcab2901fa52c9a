"""Block-style YAML read without PyYAML, for the start-up of a build (importing ``yaml`` costs more
than reading every file of an example).

It reads the YAML the sources use — block mappings and lists, plain scalars over one or more lines,
quoted scalars on one line, literal and folded block scalars, one-line flow lists and mappings,
comments — into the tree libyaml's events give ``yamlsource``: the same values, the same resolved
tags (YAML 1.1, as PyYAML's resolver) and the same line and column of every key and value. Anything
else (anchors, tags, tabs, a quote over lines, a key repeated, any error…) makes it decline: the
file is then read by PyYAML as before, for its tree and for its messages. A test compares the two
on every source and on generated documents.
"""

from __future__ import annotations

import re

from .diagnostics import Location
from .yamlsource import (
    _CORE,
    _NULL,
    _STR,
    MAX_KEY,
    MAX_NODES,
    YMap,
    YNode,
    YScalar,
    YSeq,
    find_unprintable,
    new_key,
)

# deeper than any assessment (6 levels) and well inside the limit the PyYAML path reports (64)
_MAX_DEPTH = 32

# PyYAML's implicit resolvers (yaml/resolver.py, PyYAML 6.0, MIT licence, Copyright (c) 2017-2021
# Ingy döt Net, Copyright (c) 2006-2016 Kirill Simonov), copied: tags tried in this order, each for
# the first characters listed; compiled at first use (``_pattern``).
_PATTERNS: dict[str, tuple[str, str, int]] = {
    "bool": (
        r"""^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$""",
        "yYnNtTfFoO",
        re.X,
    ),
    "float": (
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
        re.X,
    ),
    "int": (
        r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
        "-+0123456789",
        re.X,
    ),
    "merge": (r"^(?:<<)$", "<", 0),
    "null": (
        r"""^(?: ~
                    |null|Null|NULL
                    | )$""",
        "~nN",  # and the empty value
        re.X,
    ),
    "timestamp": (
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
        re.X,
    ),
    "value": (r"^(?:=)$", "=", 0),
}
_BY_FIRST: dict[str, list[str]] = {}
for _name, (_source, _firsts, _flags) in _PATTERNS.items():
    for _first in _firsts:
        _BY_FIRST.setdefault(_first, []).append(_name)
_COMPILED: dict[str, re.Pattern[str]] = {}  # pattern source → compiled


def _pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``source`` compiled once, at first use: a file may need few of these patterns, or none
    (``re.compile`` would look each up in its cache at every call)."""
    found = _COMPILED.get(source)
    if found is None:
        found = _COMPILED[source] = re.compile(source, flags)
    return found


# A character each pattern's every match holds (all of them match ASCII only): a value without it
# is no such scalar, and the pattern (0.2–0.4 ms to compile) is not compiled for it.
_HOLDS = {"float": ".", "timestamp": "-"}

# The patterns that are a few words, looked up instead (a test checks each against its pattern).
# A value is taken without one line break at its end: ``$`` matches before one, as re's does.
_WORDS = {
    "bool": frozenset(("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
                       "FALSE", "on", "On", "ON", "off", "Off", "OFF")),
    "merge": frozenset(("<<",)),
    "null": frozenset(("~", "null", "Null", "NULL", "")),
    "value": frozenset(("=",)),
}  # fmt: skip
_DIGITS = frozenset("0123456789")


def _is_int(value: str) -> bool:
    """Whether the pattern of "int" matches ``value``, written out (it took 0.4 ms to compile, and
    most values starting with a digit are ints or not numbers at all; a test compares the two)."""
    body = value.removesuffix("\n")
    if body[:1] in ("-", "+"):
        body = body[1:]
    if body[:2] == "0b" and len(body) > 2 and set(body[2:]) <= _BINARY:
        return True
    if body[:2] == "0x" and len(body) > 2 and set(body[2:]) <= _HEX:
        return True
    if body[:1] == "0":
        return set(body[1:]) <= _OCTAL  # 「0」 alone, or octal
    if body[:1] not in _DIGITS:  # (also the empty value)
        return False
    head, *sexagesimal = body.split(":")  # [1-9][0-9_]*(?::[0-5]?[0-9])*
    return set(head) <= _DECIMAL and all(
        0 < len(part) <= 2 and set(part) <= _DIGITS and (len(part) == 1 or part[0] <= "5")
        for part in sexagesimal
    )


_BINARY, _OCTAL = frozenset("01_"), frozenset("01234567_")
_DECIMAL, _HEX = _DIGITS | {"_"}, frozenset("0123456789abcdefABCDEF_")


def resolve(value: str) -> str:
    """The tag of a plain scalar, as PyYAML's ``Resolver().resolve`` gives it."""
    if not value:
        return _NULL
    names = _BY_FIRST.get(value[0])
    if names is None or not value.isascii():
        return _STR
    for name in names:
        words = _WORDS.get(name)
        if words is not None:
            if value.removesuffix("\n") in words:
                return _CORE + name
            continue
        if name == "int":
            if _is_int(value):
                return _CORE + name
            continue
        if _HOLDS.get(name, "") not in value:
            continue
        source, _, flags = _PATTERNS[name]
        if _pattern(source, flags).match(value):
            return _CORE + name
    return _STR


class Declined(Exception):
    """Outside what this reader is sure of: read the file with PyYAML."""


# characters that start no plain scalar (YAML's indicators; 「-」 followed by a space, a list item)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Patterns compiled at first use (``_pattern``): what a plain scalar inside a flow list or
# mapping stops at (or leaves to PyYAML); quoted scalars closed on their line (possessive: a quote
# is never taken back), and the escapes of a double-quoted one (libyaml's).
_FLOW_STOP = r"[,\[\]{}#:]"
_SINGLE = r"'((?:[^']|'')*+)'"
_DOUBLE = r'"((?:[^"\\]|\\.)*+)"'
_ESCAPE = r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))"
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}  # fmt: skip


def _unescape(escape: re.Match[str]) -> str:
    digits = escape[1] or escape[2] or escape[3]
    if digits:
        if int(digits, 16) > 0x10FFFF:
            raise Declined
        return chr(int(digits, 16))
    if escape[4] not in _ESCAPES:
        raise Declined  # unknown: an error
    return _ESCAPES[escape[4]]


def read(text: str, shown: str, limit: int = MAX_NODES) -> tuple[YNode | None, int]:
    """The tree of ``text`` and its number of nodes (as ``yamlsource`` counts them); raises
    ``Declined`` for anything this reader does not read exactly as libyaml does (a file with a
    character no output can hold too: PyYAML's path reports it). ``limit``: the most nodes it
    may hold (a file over it is declined as soon as it is, and PyYAML's path reports it, without
    reading the rest first)."""
    if "\t" in text or "\ufeff" in text or find_unprintable(text) is not None:
        raise Declined
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # the parsers count CRLF as one line break, read as 「\n」
    if any(c in text for c in "\r\x85\u2028\u2029"):
        raise Declined
    reader = _Reader(text.split("\n"), shown, limit)
    try:
        return reader.document(), reader.nodes
    except IndexError:  # a line ended where this reader expected more: not a file it reads
        raise Declined from None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _skip_spaces(line: str, j: int) -> int:
    while line.startswith(" ", j):
        j += 1
    return j


def _key_end(start: int, colon: int) -> int:
    """The index after a key's 「:」 at ``colon``; declines a key written over more than MAX_KEY
    characters (spaces and escapes included): libyaml takes none that runs over 1,024 to its
    「:」, and no key of an assessment comes near either."""
    if colon - start > MAX_KEY:
        raise Declined
    return colon + 1


def _is_entry(line: str, j: int) -> bool:
    """Whether a list item's 「-」 is at ``line[j]``."""
    return line[j] == "-" and (j + 1 == len(line) or line[j + 1] == " ")


class _Reader:
    def __init__(self, lines: list[str], shown: str, limit: int) -> None:
        self.lines = lines
        self.limit = limit
        self.last = len(lines) - 1  # the one line with no line break after it
        self.shown = shown
        self.nodes = 0
        self.depth = 0

    def loc(self, i: int, j: int) -> Location:
        return Location(self.shown, i + 1, j + 1)

    def count(self) -> None:
        self.nodes += 1
        if self.nodes > self.limit:
            raise Declined

    def scalar(self, i: int, j: int, text: str, tag: str) -> YScalar:
        self.count()
        return YScalar(Location(self.shown, i + 1, j + 1), text, tag)

    def content(self, i: int) -> int:
        """The index of the first line from ``i`` with content (not blank, not a comment)."""
        lines = self.lines
        while i < len(lines):
            rest = lines[i].lstrip(" ")
            if rest and rest[0] != "#":
                return i
            i += 1
        return i

    def document(self) -> YNode | None:
        i = self.content(0)
        if i == len(self.lines):
            return None  # empty, or comments only
        line = self.lines[i]
        if line.startswith("---"):  # the document's start marker, alone or with a comment
            rest = line[3:]
            if rest.strip(" ") and not (rest[0] == " " and rest.lstrip(" ")[0] == "#"):
                raise Declined
            i = self.content(i + 1)
            if i == len(self.lines):
                raise Declined  # an empty document: a null the PyYAML path counts as a node
            line = self.lines[i]
        if line.startswith(("---", "...")):
            raise Declined  # another document, or a plain scalar starting like a marker
        j = _indent(line)
        root: YNode
        if _is_entry(line, j):
            root, i = self.sequence(i, j)
        elif self.key(i, j) is not None:
            root, i = self.mapping(i, j)
        else:
            raise Declined  # a scalar or flow document
        if self.content(i) != len(self.lines):
            raise Declined  # more after the root's end: an error
        return root

    # -- collections --------------------------------------------------------------------------

    def enter(self) -> None:
        self.depth += 1
        self.count()
        if self.depth > _MAX_DEPTH:
            raise Declined

    def next_entry(self, i: int, n: int) -> tuple[int, bool]:
        """The next line with content after an entry of a collection at indent ``n``, and whether it
        continues the collection (at ``n``); one indented deeper is not read here."""
        lines = self.lines
        while i < len(lines):
            rest = lines[i].lstrip(" ")
            if rest and rest[0] != "#":
                indent = len(lines[i]) - len(rest)
                if indent > n or rest.startswith(("---", "...")):
                    raise Declined  # an error, or a document marker (or a scalar starting like one)
                return i, indent == n
            i += 1
        return i, False

    def mapping(self, i: int, n: int) -> tuple[YMap, int]:
        self.enter()
        node = YMap(self.loc(i, n))
        items = node.items
        while True:
            key = self.key(i, n)
            if key is None:
                raise Declined  # a list item or a scalar where a key is due
            text, after = key
            name = text.strip()
            if not new_key(name, items):
                raise Declined  # reported by the PyYAML path
            self.count()
            loc = Location(self.shown, i + 1, n + 1)  # every key at the mapping's indent
            value, i = self.value(i, after, n)
            items[name] = (loc, value)
            i, more = self.next_entry(i, n)
            if not more:
                break
        self.depth -= 1
        return node, i

    def sequence(self, i: int, n: int, *, in_mapping: bool = False) -> tuple[YSeq, int]:
        """A list at indent ``n``; ``in_mapping``: under a key of a mapping at the same indent."""
        self.enter()
        node = YSeq(self.loc(i, n))
        items = node.items
        while True:
            line = self.lines[i]
            j = _skip_spaces(line, n + 1)
            if j < len(line) and line[j] != "#":
                item, i = self.node(i, j, n)
            elif (k := self.content(i + 1)) < len(self.lines) and _indent(self.lines[k]) > n:
                item, i = self.node(k, _indent(self.lines[k]), n)
            else:  # an empty item: null, where its 「-」 ends
                item, i = self.scalar(i, n + 1, "", _NULL), i + 1
            items.append(item)
            i, more = self.next_entry(i, n)
            if not more:
                break
            if not _is_entry(self.lines[i], n):
                if in_mapping:
                    break  # the mapping's next key
                raise Declined
        self.depth -= 1
        return node, i

    def value(self, i: int, j: int, n: int) -> tuple[YNode, int]:
        """The value after the 「:」 of a key of the mapping at indent ``n`` (``j``: just after it)."""
        line = self.lines[i]
        start = _skip_spaces(line, j)
        if start < len(line) and line[start] != "#":
            return self.inline(i, start, n)  # declines a list or a mapping there (an error)
        k = self.content(i + 1)
        if k < len(self.lines):
            below = self.lines[k]
            indent = _indent(below)
            if indent > n:
                return self.node(k, indent, n)
            if indent == n and _is_entry(below, n):
                return self.sequence(k, n, in_mapping=True)
        return self.scalar(i, j, "", _NULL), i + 1  # empty: null, where the 「:」 ends

    def node(self, i: int, j: int, n: int) -> tuple[YNode, int]:
        """A node starting at ``lines[i][j]`` inside a block collection at indent ``n``."""
        if _is_entry(self.lines[i], j):
            return self.sequence(i, j)
        if self.key(i, j) is not None:
            return self.mapping(i, j)
        return self.inline(i, j, n)

    # -- scalars ------------------------------------------------------------------------------

    def key(self, i: int, j: int) -> tuple[str, int] | None:
        """The text of the key at ``lines[i][j]`` and the index after its 「:」, if a key is there
        (its node is made by the mapping: this also looks whether one is there; a key's tag is not
        kept)."""
        line = self.lines[i]
        first = line[j]
        if first == "'" or first == '"':
            found = self.quoted(line, j)
            if found is None:
                return None
            text, end = found
            end = _skip_spaces(line, end)
            if end < len(line) and line[end] == ":" and (end + 1 == len(line) or line[end + 1] == " "):
                return text, _key_end(j, end)
            return None
        if first in _INDICATORS and not (first == "-" and j + 1 < len(line) and line[j + 1] != " "):
            return None
        colon = line.find(": ", j)
        if colon < 0:
            if not line.endswith(":"):
                return None
            colon = len(line) - 1
        if line.find(" #", j, colon) >= 0:
            return None  # a comment starts before it
        text = line[j:colon].rstrip(" ")
        return text, _key_end(j, colon)

    def inline(self, i: int, j: int, n: int) -> tuple[YNode, int]:
        """A scalar or flow collection starting at ``lines[i][j]`` (not a key, not a list item)."""
        line = self.lines[i]
        first = line[j]
        if first == "'" or first == '"':
            found = self.quoted(line, j)
            if found is None:
                raise Declined  # over lines
            text, end = found
            self.line_end(line, end)
            return self.scalar(i, j, text, _STR), i + 1
        if first == "|" or first == ">":
            return self.block_scalar(i, j, n)
        if first == "[" or first == "{":
            node, end = self.flow(i, j)
            self.line_end(line, end)
            return node, i + 1
        if first in _INDICATORS and not (first == "-" and j + 1 < len(line) and line[j + 1] != " "):
            raise Declined
        return self.plain(i, j, n)

    @staticmethod
    def line_end(line: str, j: int) -> None:
        """Only blanks or a comment may follow a value on its line."""
        rest = line[j:]
        stripped = rest.lstrip(" ")
        if stripped and not (stripped[0] == "#" and len(stripped) < len(rest)):
            raise Declined

    def plain(self, i: int, j: int, n: int) -> tuple[YScalar, int]:
        """A plain scalar, continued on the lines below indented deeper than ``n``: a line break
        folds to a space, each empty line between to a line break."""
        text, comment = self.plain_line(self.lines[i], j)
        end = i + 1
        if not comment:
            parts = [text]
            lines = self.lines
            k, breaks = i + 1, 0
            while k < len(lines):
                rest = lines[k].lstrip(" ")
                if not rest:
                    if k == self.last:
                        break
                    breaks += 1
                    k += 1
                    continue
                indent = len(lines[k]) - len(rest)
                if indent <= n or rest[0] == "#":
                    break  # a comment ends it (a line further indented after one is an error)
                more, comment = self.plain_line(lines[k], indent)
                parts.append("\n" * breaks if breaks else " ")
                parts.append(more)
                k, breaks = k + 1, 0
                end = k
                if comment:
                    break
            text = "".join(parts)
        return self.scalar(i, j, text, resolve(text)), end

    @staticmethod
    def plain_line(line: str, j: int) -> tuple[str, bool]:
        """A plain scalar's text on one line from ``j``, and whether a comment ends it."""
        comment = line.find(" #", j)
        end = len(line) if comment < 0 else comment
        text = line[j:end].rstrip(" ")
        if ": " in text or text.endswith(":"):
            raise Declined  # a mapping where a scalar is due: an error
        return text, comment >= 0

    def quoted(self, line: str, j: int) -> tuple[str, int] | None:
        """A quoted scalar ending on its line: its value and the index after its closing quote."""
        if line[j] == "'":
            found = _pattern(_SINGLE).match(line, j)
            return None if found is None else (found[1].replace("''", "'"), found.end())
        found = _pattern(_DOUBLE).match(line, j)
        if found is None:
            return None
        text = _pattern(_ESCAPE).sub(_unescape, found[1]) if "\\" in found[1] else found[1]
        if find_unprintable(text):
            raise Declined  # reported by the PyYAML path
        return text, found.end()

    def block_scalar(self, i: int, j: int, n: int) -> tuple[YScalar, int]:
        """A literal (「|」) or folded (「>」) scalar, as libyaml's scanner reads one."""
        line = self.lines[i]
        literal = line[j] == "|"
        chomp, increment, k = "", 0, j + 1
        for _ in range(2):
            if k < len(line) and line[k] in "+-" and not chomp:
                chomp, k = line[k], k + 1
            elif k < len(line) and line[k] in "123456789" and not increment:
                increment, k = int(line[k]), k + 1
        self.line_end(line, k)
        lines, last = self.lines, self.last
        if increment:
            indent = n + increment
        else:  # the first line with content's, or a longer blank line's before it
            deepest, k = 0, i + 1
            while k < len(lines) and not lines[k].strip(" ") and k != last:
                deepest, k = max(deepest, len(lines[k])), k + 1
            first = _indent(lines[k]) if k < len(lines) else 0
            indent = max(deepest, first, n + 1, 1)
            if n < first < indent:
                raise Declined  # less indented than the blank lines before it: an error
        # each line's text after the indent, None for an empty line (spaces up to the indent)
        body: list[str | None] = []
        pad = " " * indent
        k = i + 1
        while k < len(lines):
            text = lines[k]
            if len(text) > indent and text.startswith(pad):
                body.append(text[indent:])
            elif k != last and not text.strip(" "):
                body.append(None)
            else:
                break
            k += 1
        trailing = 0
        while body and body[-1] is None:
            body.pop()
            trailing += 1
        if literal:
            value = "\n".join(["" if piece is None else piece for piece in body])
        else:  # a line break between two lines not indented further folds to a space
            parts: list[str] = []
            previous, empty = "", 0
            for piece in body:
                if piece is None:
                    empty += 1
                    continue
                if not previous:
                    parts.append("\n" * empty)
                elif previous[0] != " " and piece[0] != " ":
                    parts.append("\n" * empty if empty else " ")
                else:
                    parts.append("\n" * (empty + 1))
                parts.append(piece)
                previous, empty = piece, 0
            value = "".join(parts)
        # the last line break (none at the end of the file), then the empty lines after it
        if body and chomp != "-" and k - trailing - 1 != last:
            value += "\n"
        if chomp == "+":
            value += "\n" * trailing
        return self.scalar(i, j, value, _STR), k

    def flow(self, i: int, j: int) -> tuple[YNode, int]:
        """A flow list or mapping closed on its line (no empty entries, no trailing comma)."""
        line = self.lines[i]
        is_seq = line[j] == "["
        close = "]" if is_seq else "}"
        self.enter()
        node: YSeq | YMap = YSeq(self.loc(i, j)) if is_seq else YMap(self.loc(i, j))
        k = _skip_spaces(line, j + 1)
        if line[k] == close:
            self.depth -= 1
            return node, k + 1
        while True:
            if isinstance(node, YSeq):
                item, k = self.flow_node(i, k)
                node.items.append(item)
            else:
                start = k
                key, k = self.flow_node(i, k, is_key=True)
                if not isinstance(key, YScalar) or not line.startswith(": ", k):
                    raise Declined
                _key_end(start, k)
                name = key.text.strip()
                if not new_key(name, node.items):
                    raise Declined
                value, k = self.flow_node(i, _skip_spaces(line, k + 2))
                node.items[name] = (key.loc, value)
            k = _skip_spaces(line, k)
            if line[k] == close:
                self.depth -= 1
                return node, k + 1
            if line[k] != ",":
                raise Declined
            k = _skip_spaces(line, k + 1)

    def flow_node(self, i: int, k: int, *, is_key: bool = False) -> tuple[YNode, int]:
        line = self.lines[i]
        first = line[k]
        if first == "[" or first == "{":
            return self.flow(i, k)
        if first == "'" or first == '"':
            found = self.quoted(line, k)
            if found is None:
                raise Declined
            return self.scalar(i, k, found[0], _STR), found[1]
        if first in _INDICATORS and not (first == "-" and line[k + 1] not in " ,[]{}"):
            raise Declined
        stop = _pattern(_FLOW_STOP).search(line, k)
        if (
            stop is None
            or stop[0] == "#"
            or (stop[0] == ":" and not (is_key and line.startswith(": ", stop.start())))
        ):
            raise Declined  # unclosed, a 「#」, or a 「:」 but the one after a key
        text = line[k : stop.start()].rstrip(" ")
        return self.scalar(i, k, text, resolve(text)), stop.start()
