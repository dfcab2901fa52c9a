"""libyaml's events and PyYAML's pure-Python ones build the same tree (every value and key at the
same line and column) and the same diagnostics (generator.yamlsource reads with libyaml where PyYAML
has it, with the Python parser where it has not)."""

from __future__ import annotations

import pytest
import yaml

from generator import yamlsource
from generator.diagnostics import Reporter
from generator.yamlsource import YMap, YNode, YScalar, YSeq, load_text

from .conftest import SOURCES

C_LOADER = getattr(yaml, "CSafeLoader", None)
PY_LOADER = yaml.SafeLoader


def test_libyaml_is_what_the_loader_uses() -> None:
    # without it every example still reads (the tests below), only slower: this says which one runs
    assert C_LOADER is not None, "PyYAML was installed without libyaml"
    assert yamlsource.safe_loader() is C_LOADER


def _tree(node: YNode | None) -> object:
    """The node as plain data with the position of every value and key."""
    if node is None:
        return None
    at = (node.loc.file, node.loc.line, node.loc.column)
    if isinstance(node, YScalar):
        return ("scalar", at, node.text, node.tag)
    if isinstance(node, YSeq):
        return ("list", at, [_tree(item) for item in node.items])
    assert isinstance(node, YMap)
    return ("map", at, [(k, (loc.line, loc.column), _tree(v)) for k, (loc, v) in node.items.items()])


def _read(text: str, loader: type) -> tuple[object, list[str]]:
    reporter = Reporter()
    root = load_text(text, "src.yaml", reporter, loader=loader)
    return _tree(root), [d.format() for d in reporter.diagnostics]


def _both(text: str) -> tuple[tuple[object, list[str]], tuple[object, list[str]]]:
    assert C_LOADER is not None
    return _read(text, C_LOADER), _read(text, PY_LOADER)


def test_every_example_source_reads_the_same_with_both_parsers() -> None:
    files = sorted(SOURCES.rglob("*.yaml"))
    assert len(files) > 50
    for path in files:
        with_c, with_python = _both(path.read_text(encoding="utf-8"))
        assert with_c == with_python, path
        assert with_c[0] is not None, path


_LOL = '"lol"'
_BOMB = "".join(  # nine levels of nine aliases
    f"{name}: &{name} [{', '.join([f'*{prev}' if prev else _LOL] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)

# Inputs each read to the same tree and messages; those with an expected message must give it
# (somewhere: the identity of both parsers is the point), so a case cannot pass by reading nothing.
SAME: dict[str, tuple[str, str]] = {
    "Japanese keys and values": (
        "日本語の項目: 値\nネスト:\n  子: [一, 二, 三]\n  孫: {甲: 乙, 丙: 丁}\n",
        "",
    ),
    "emoji (outside the BMP)": ("a: 😀😀\nb: [😀, x]\nc: 😀\n", ""),
    "block scalars": ("a: >\n  x\n  y\n\n  z\nb: |+\n  k\n\nc: |2-\n    x\nd: 1\n", ""),
    "quoted over lines": ("a: \"x\n  y\n  z\"\nb: 'p\n\n  q'\nc: 日本\n", ""),
    "escapes": ('a: "\\x41\\u65e5\\U0001F600\\t"\nb: 1\n', ""),
    "resolved tags": ("a: 0x1F\nb: 1_000\nc: 1.5e3\nd: ~\ne: 2001-12-14\nf: Yes\ng: 190:20:30\nh: ''\n", ""),
    "CRLF": ("a: 1\r\nb: 日本語\r\nc:\r\n  - x\r\n  - y\r\nd: |\r\n  p\r\n  q\r\ne: 2\r\n", ""),
    "CR alone and mixed": ("a: 1\rb: 2\r\nc: 3\nd: 4\r", ""),
    "line separators": ("a: 1\u2028b: 日本\u2029c: 3\nd: 4\n", ""),
    "BOM": ("\ufeffa: 1\nb: 日本\n", ""),
    "two BOMs": ("\ufeff\ufeffa: 1\nb: 2\n", ""),
    "BOM and CRLF": ("\ufeffa: 1\r\nb: 2\r\n", ""),
    "no final line break": ("a: 1\nb: 日本", ""),
    "a 200,000-character line": ("a: " + "日" * 200_000 + "\nb: 1\n", ""),
    "aliases": ("a: &x {p: 1, q: [2, 3]}\nb: *x\nリスト:\n  - 日本語: &y1 値\n  - 別: *y1\n", ""),
    "flow sequence over lines": ("a: [\n  x,\n  y,\n]\nb: {x: 1,}\n", ""),
    "empty": ("", ""),
    "comment only": ("# x\n", ""),
    "an empty document": ("---\n", ""),
    "a list": ("- a\n- b\n", ""),
    "a YAML 1.1 directive": ("%YAML 1.1\n---\na: 1\n", ""),
    "duplicate keys": ("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n", "同じ項目が 2 回"),
    "duplicate keys in flow": ("a: {x: 1, x: 2}\n", "同じ項目が 2 回"),
    "merge key": ("a: &x {p: 1}\nb:\n  <<: *x\n  q: 2\n", "マージキー"),
    "list as key": ("a: 1\n[x, y]: 2\n", "項目名には文字列"),
    "complex keys": ("? a\n: 1\n? [b]\n: 2\n", "項目名には文字列"),
    "long key": ("k" * 300 + ": 1\n", "項目名が長すぎます"),
    "python tag": ("a: !!python/object/apply:os.system ['echo hacked']\n", "!!python/object/apply:os.system"),
    "custom tags": ("a: !custom 1\nb: !!binary aGVsbG8=\nc: !!set {x}\n", "タグ"),
    "undefined alias": ("a: 1\nb: *nothing\n", "*nothing"),
    "alias bomb": (_BOMB, "20,000 個まで"),
    "12,000 aliases": ("a: &x 1\nb: [" + ", ".join(["*x"] * 12_000) + "]\n", "10,000 個まで"),
    "21,000 keys": ("".join(f"k{i}: v\n" for i in range(21_000)), "20,000 個まで"),
    "200-deep mapping": ("".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "x\n", "64 段まで"),
    "100,000 brackets": ("a: " + "[" * 100_000 + "\n", "64 段まで"),
    "NUL escape": ('a: 1\nb: "x\\0y"\n', "U+0000"),
    "lone surrogate escape": ('a: 1\nb: "\\ud800"\n', "U+D800"),
    "bidirectional override": ("a: 1\nb: x\u202ey\n", "U+202E"),
    "NEL": ("a: 1\x85b: 日本\x85c: 3\n", ""),
    "raw control character": (
        "a: 日本語\nb: x\x01\n",
        "src.yaml:2:5 エラー YAML に書けない文字（制御文字 U+0001）",
    ),
    "raw NUL": ("a: 1\r\nb: \x00\n", "src.yaml:2:4 エラー YAML に書けない文字（制御文字 U+0000）"),
    "raw DEL in a key": (
        "日本語: 1\nb\x7f: 2\n",
        "src.yaml:2:2 エラー YAML に書けない文字（制御文字 U+007F）",
    ),
    "noncharacter": ("a: 1\nb: x\ufffe\n", "src.yaml:2:5 エラー YAML に書けない文字（制御文字 U+FFFE）"),
}
# Syntax errors: the message names the line, column and problem the Python parser gives (the
# needle is the text the position must be at).
SYNTAX: dict[str, tuple[str, str]] = {
    "mapping value inside a value": ("a: 1\nb: がん検診: 対象者\nc: 3\n", ": 対象者"),
    "tab indentation": ("a:\n  b: 1\n\tc: 2\n", "\tc"),
    "tab before a key": ("\ta: 1\n", "\ta"),
    "bad indentation": ("a:\n  b: 1\n c: 2\nd: 3\n", "c: 2"),
    "bad indentation, deeper": ("a:\n  b:\n    c: 1\n   d: 2\n", "d: 2"),
    "unclosed double quote": ('a: 1\nb: "がん検診\nc: 3\n', '"'),
    "unclosed single quote": ("a: 'x\nb: 2\nc: [1, 2]\n", "'"),
    "unclosed flow sequence": ("a: 1\nb: [紙, 電子メール\n", "["),
    "unclosed flow sequence at the end": ("a: [x", "["),
    "unclosed flow mapping": ("a: 1\nb: {紙: 電子メール\n", "{"),
    "unclosed flow sequence before keys": ("a: 1\nb: [紙, 電子メール\nc: 3\n", ": 3"),
    "unclosed nested flow": ("a: [1, [2, 3]\nb: 1\n", "b: 1"),
    "extra bracket": ("a: [1, 2]]\nb: 1\n", "]\nb"),
    "two documents": ("a: 1\n---\nb: 2\n", "---"),
    "two documents, explicit": ("---\na: 1\n...\n---\nb: 2\n", "---\nb"),
    "YAML 2.0": ("%YAML 2.0\n---\na: 1\n", "%YAML"),
    "zero indentation indicator": ("a: |0\n  x\n", "0\n"),
    "unknown escape": ('a: 1\nb: "\\q"\n', "q"),
    "character that starts no token": ("a: 1\nb: @x\n", "@"),
    "stray bracket": ("a: ]\n", "]"),
    "a list after a mapping": ("a: 1\n- b\n", "- b"),
    "anchor name in Japanese": ("a: &日本 1\n", "日本"),
    "two anchors": ("a: &x &y 1\n", "&y"),
    "CRLF": ("a: 1\r\nb: c: d\r\n", ": d"),
    "after a BOM": ("\ufeffa: 1\nb: c: d\n", ": d"),
    "after a long line": ("a: " + "x" * 5000 + "\nb: c: d\n", ": d"),
    "after tabs libyaml reads": ("a: 日本\t語\nb: 1\t\nc: d: e\n", ": e"),
}


@pytest.mark.parametrize("case", list(SAME))
def test_odd_and_hostile_input_reads_the_same_with_both_parsers(case: str) -> None:
    text, expected = SAME[case]
    with_c, with_python = _both(text)
    assert with_c == with_python
    tree, messages = with_c
    if expected:
        assert any(expected in m for m in messages), messages
    else:
        assert messages == [] and tree is not None


def _position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` in ``text`` (characters; a BOM is no column)."""
    start = text.index(needle)
    lines = text[:start].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return len(lines), len(lines[-1].removeprefix("\ufeff")) + 1


@pytest.mark.parametrize("case", list(SYNTAX))
def test_a_syntax_error_is_reported_alike_at_the_same_place(case: str) -> None:
    text, needle = SYNTAX[case]
    with_c, with_python = _both(text)
    tree, [message] = with_c
    assert tree is None
    line, column = _position(text, needle)
    assert message.startswith(f"src.yaml:{line}:{column} エラー YAML の書き方に誤りがあります（"), message
    if case != "after tabs libyaml reads":  # the Python parser stops at the tab (below)
        assert with_c == with_python


def _marks(text: str, loader: type) -> tuple[int, int, int]:
    """Where the parser itself (no second parse) finds the problem: index, line, column."""
    builder = yamlsource._Builder(text, "src.yaml", Reporter(), loader, yamlsource.Budget())
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        builder.build()
    mark = raised.value.problem_mark
    assert mark is not None
    return mark.index, mark.line, mark.column


@pytest.mark.parametrize(
    "case", [c for c in SYNTAX if c not in ("unknown escape", "unclosed flow sequence at the end")]
)
def test_libyaml_finds_each_syntax_error_at_the_python_parsers_mark(case: str) -> None:
    # libyaml's own marks (what a file over the re-parse limit reports), in characters as the
    # Python parser counts them; the two left out: libyaml points at the 「\\」 of an unknown escape
    # (one column before), and at the stream's end of a file without a final line break on the
    # line after it (the message points at the open bracket either way)
    text = SYNTAX[case][0].removeprefix("\ufeff")
    if case == "after tabs libyaml reads":
        text = text.replace("\t", " ")
    assert C_LOADER is not None
    assert _marks(text, C_LOADER) == _marks(text, PY_LOADER)


TABS = {
    "between words": ("a: 日本\t語\n", "\t"),
    "after the colon": ("a:\t1\n", "\t"),
    "after a value": ("a: 1\t\nb: 2\n", "\t"),
    "before a comment": ("a: 1\t# メモ\n", "\t"),
    "in a flow list": ("a: [x\t, y]\n", "\t"),
}


@pytest.mark.parametrize("case", list(TABS))
def test_tabs_libyaml_reads_the_python_parser_refuses_where_they_are(case: str) -> None:
    # the one difference of the two: the pure-Python scanner takes no tab as a blank
    text, needle = TABS[case]
    assert C_LOADER is not None
    tree, messages = _read(text, C_LOADER)
    assert messages == [] and tree is not None
    _, [message] = _read(text, PY_LOADER)
    line, column = _position(text, needle)
    assert message.startswith(f"src.yaml:{line}:{column} エラー YAML の書き方に誤りがあります（"), message


# libyaml refuses these where the Python parser reads on, to stop at a tab libyaml reads: the
# re-parse for the Python parser's words must not report that tab
PAST_A_TAB = {
    "unknown directive": ("%FOO bar\n---\na: 1\t\n", " bar", "found unknown directive name"),
    "surrogate escape": ('a: "\\ud800"\nb: 1\t\n', "d800", "invalid Unicode character escape"),
    "a tab before the error on its line": ("b:\tc: d\n", ": d", "mapping values are not allowed"),
}


@pytest.mark.parametrize("case", list(PAST_A_TAB))
def test_libyamls_error_is_reported_where_the_python_parser_stops_at_a_tab(case: str) -> None:
    text, needle, problem = PAST_A_TAB[case]
    assert C_LOADER is not None
    tree, [message] = _read(text, C_LOADER)
    line, column = _position(text, needle)
    assert tree is None
    assert message.startswith(f"src.yaml:{line}:{column} エラー YAML の書き方に誤りがあります（"), message
    assert problem in message


def test_an_error_past_the_reparse_limit_is_libyamls_at_its_place() -> None:
    body = "".join(f"k{i}: {'日本語の値' * 10}\n" for i in range(5_000))
    assert len(body) > yamlsource._REPARSE_LIMIT
    text = body + "b: [紙, 電子メール\n"
    assert C_LOADER is not None
    tree, [message] = _read(text, C_LOADER)
    assert tree is None
    assert message.startswith(
        "src.yaml:5001:4 エラー YAML の書き方に誤りがあります（did not find expected"
    ), message


def test_every_character_no_output_can_hold_is_one_isprintable_refuses() -> None:
    # find_unprintable skips the pattern for a text str.isprintable accepts once its line breaks
    # and ideographic spaces are out: exact only if isprintable refuses every character the
    # pattern matches (and the two taken out are none of them)
    import re

    pattern = re.compile(yamlsource.UNPRINTABLE)
    matched = [chr(c) for c in range(0x110000) if pattern.match(chr(c))]
    assert len(matched) == 29 + 33 + 5 + 4 + 2048 + 2  # C0 but 3, DEL and C1, overrides, surrogates, U+FFFE/F
    assert [c for c in matched if c.isprintable() or c in "\n\u3000"] == []
    for c in matched:
        found = yamlsource.find_unprintable(f"日本\u3000語\n{c}x")
        assert found is not None and found.start() == 5, hex(ord(c))
    assert yamlsource.find_unprintable("日本\u3000語\n\t\r\xa0\u200b\u2028 x") is None
