"""generator.yamlblock reads block-style YAML to exactly the tree libyaml's events give (values,
tags, the line and column of every key and value, the node count), or declines: on every example
source, on YAML the importer writes, and on generated and mutated documents (seeded). A build
reads the examples without importing PyYAML.

A larger run by hand: ``.venv/bin/python -m tests.test_yamlblock 200000``."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import yamlblock, yamlsource
from generator.diagnostics import Reporter

from .conftest import SOURCES
from .test_yaml_parsers import PAST_A_TAB, SAME, SYNTAX, TABS, _tree

C_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compare(text: str) -> bool | None:
    """None if the fast reader declines ``text``; else whether it read libyaml's tree (and node
    count) of a file libyaml reads without any message."""
    try:
        root, nodes = yamlblock.read(text.removeprefix("\ufeff"), "src.yaml")
    except yamlblock.Declined:
        return None
    reporter = Reporter()
    budget = yamlsource.Budget()
    expected = yamlsource.load_text(text, "src.yaml", reporter, budget, loader=C_LOADER)
    return (
        not reporter.diagnostics
        and _tree(yamlsource._document(root, "src.yaml")) == _tree(expected)
        and nodes == yamlsource.MAX_FOLDER_NODES - budget.nodes
    )


def test_every_example_source_is_read_by_the_fast_reader_as_libyaml_reads_it() -> None:
    files = sorted(SOURCES.rglob("*.yaml"))
    assert len(files) > 50
    for path in files:
        assert compare(path.read_text(encoding="utf-8")) is True, path


def test_the_resolvers_patterns_are_pyyamls() -> None:
    # the copy tries the same patterns, with the same flags, in the same order for each first
    # character (「!&*」: no plain scalar starts with them)
    theirs = {
        first: [(tag, pattern.pattern, pattern.flags) for tag, pattern in pairs]
        for first, pairs in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
        if first not in ("!", "&", "*")
    }
    ours = {
        first: [(yamlblock._CORE + name, *_compiled(name)) for name in names]
        for first, names in [*yamlblock._BY_FIRST.items(), ("", ["null"])]
    }
    assert ours == theirs


def _compiled(name: str) -> tuple[str, int]:
    source, _, flags = yamlblock._PATTERNS[name]
    return source, re.compile(source, flags).flags


@pytest.mark.parametrize(
    "value",
    ["", "~", "null", "Yes", "off", "y", "0x1F", "0o17", "017", "0b101", "-1_000", "190:20:30", "1.5e+3",
     "1e3", ".inf", "-.NaN", "2001-12-14", "2001-12-14 21:59:43.10 -5", "<<", "=", "2018-12", "日本"],
)  # fmt: skip
def test_plain_scalars_resolve_as_pyyaml_resolves_them(value: str) -> None:
    resolver = yaml.resolver.Resolver()
    assert yamlblock.resolve(value) == resolver.resolve(yaml.ScalarNode, value, (True, False))


def test_every_short_value_resolves_as_pyyaml_resolves_it() -> None:
    # all values of up to 3 characters from the patterns' characters and a few others: the
    # checks that skip a pattern (a value not ASCII, or without the character every match holds)
    # skip none that PyYAML's resolver matches
    resolver = yaml.resolver.Resolver()
    alphabet = "0159.-+:_eEbxXaTtZnNy~<= \t\n１é日"
    values = [""] + [a + b + c for a in alphabet for b in ["", *alphabet] for c in ["", *alphabet]]
    values += ["2001-12-14", "2001-12-14 21:59:43.10 -5", "1.5e+3", "1_000.5", "190:20:30.15", "１.5"]
    differ = [
        v for v in values if yamlblock.resolve(v) != resolver.resolve(yaml.ScalarNode, v, (True, False))
    ]
    assert differ == []
    assert yamlblock.resolve("1.5") == yamlblock._CORE + "float"


# -- generated documents ----------------------------------------------------------------------

_WORDS = [
    "日本語", "値", "がん検診", "（1）被保険者", "　全角空白", "a", "b c", "x:y", "http://例.jp/a#b", "a#b",
    "yes", "No", "ON", "off", "true", "FALSE", "y", "n", "~", "null", "Null", "NULL", "0", "-1", "+2",
    "0x1F", "0o17", "017", "0b101", "1_000", "190:20:30", "1.5", "-.5", "1e3", "1.5e+3", ".inf", "-.Inf",
    ".NaN", "2001-12-14", "2001-12-14 21:59:43.10 -5", "2001-12-14t21:59:43.10-05:00", "2018-12",
    "R05", "=", "<<", "-x", "--", "---x", "a'b", 'a"b', "a\\b", "😀", "[○]その他", "100%", "a,b", "a]",
    "{x}", "a - b", "a :b", "a!b", "a&b", "a*b", "a|b", "a>b", "¥", "\u3000", "x\u00a0y",
]  # fmt: skip
_TRICKY = [" ", ":", "#", "-", "'", '"', "\t", "\n", "|", ">", "[", "]", "{", "}", ",", "&", "*", "!",
           "\\", "\r\n", "\r", "x", "日", "?", "%", "@", "`", "---", "...", "\ufeff", "\x85", "\u2028",
           ": ", " #", "- ", "  ", "\n\n", "\x01", "\\x41", "\\u65e5", "\\n", "\\t", "\\q"]  # fmt: skip


def _word(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3)))
    return rng.choice(_WORDS)


def _scalar(rng: random.Random, indent: int, flow: bool = False) -> str:
    """A scalar as written after 「key: 」 or 「- 」 whose lines below are indented ``indent``."""
    kind = rng.random()
    if kind < 0.45 or (flow and kind < 0.7):
        return _word(rng)
    if kind < 0.6:
        return "'" + _word(rng).replace("'", "''") + "'"
    if kind < 0.7 or flow:
        escapes = ["\\n", "\\t", '\\"', "\\\\", "\\x41", "\\u65e5", "\\U0001F600", "\\/", "\\_", "\\ ", "\\0"]
        body = _word(rng).replace("\\", "\\\\").replace('"', '\\"')
        return '"' + body + (rng.choice(escapes) if rng.random() < 0.5 else "") + '"'
    pad = " " * indent
    if kind < 0.8:  # plain over lines
        lines = [_word(rng)]
        for _ in range(rng.randint(1, 3)):
            lines.append("\n" * rng.randint(0, 2) + pad + " " * rng.randint(0, 2) + _word(rng))
        return "\n".join(lines)
    header = rng.choice("|>") + rng.choice(["", "", "-", "+", "2", "-1", "+3", "1-"])
    if rng.random() < 0.2:
        header += "  # メモ"
    body = []
    for _ in range(rng.randint(0, 4)):
        body.append(
            rng.choice(["", " " * rng.randint(0, 3), " " + _word(rng), _word(rng), "# not a comment"])
        )
    extra = " " * rng.randint(0, 1)
    return header + "".join("\n" + (pad + extra + b if b else b) for b in body) + "\n" * rng.randint(0, 2)


def _flow(rng: random.Random, depth: int = 0) -> str:
    if rng.random() < 0.5:
        items = [_flow(rng, depth + 1) if depth < 2 and rng.random() < 0.2 else _scalar(rng, 0, True)
                 for _ in range(rng.randint(0, 3))]  # fmt: skip
        return "[" + rng.choice([", ", ",", " , "]).join(items) + "]"
    keys = {_word(rng) for _ in range(rng.randint(0, 3))}
    pairs = [f"{k}: {_flow(rng, depth + 1) if depth < 2 and rng.random() < 0.2 else _scalar(rng, 0, True)}"
             for k in keys]  # fmt: skip
    return "{" + ", ".join(pairs) + "}"


def _key(rng: random.Random) -> str:
    key = _word(rng)
    r = rng.random()
    if r < 0.1:
        return "'" + key.replace("'", "''") + "'"
    if r < 0.15:
        return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return key


def _block(rng: random.Random, indent: int, depth: int) -> list[str]:
    """Lines of a block mapping or list at ``indent``."""
    lines: list[str] = []
    pad = " " * indent
    step = rng.choice([1, 2, 2, 2, 3, 4])
    is_map = rng.random() < 0.6
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.15:
            lines.append(rng.choice(["", pad + "# コメント", "#", " " * rng.randint(0, 6)]))
        head = pad + (_key(rng) + ":" if is_map else "-")
        r = rng.random()
        if depth < 4 and r < 0.35:
            inner = indent + step
            if is_map and rng.random() < 0.3:  # a list under its key, not indented
                inner = indent
                sub = _block(rng, inner, depth + 1)
                if not sub[0].lstrip().startswith("-"):
                    sub = [pad + "- x"]
            else:
                sub = _block(rng, inner, depth + 1)
            comment = rng.choice(["", "", "  # メモ"])
            if not is_map and rng.random() < 0.5:  # compact: 「- key: value」
                first = sub[0]
                lines.append(head + " " * (inner - indent - 1) + first[inner:] if inner > indent else head)
                lines.extend(sub[1:] if inner > indent else sub)
            else:
                lines.append(head + comment)
                lines.extend(sub)
        elif r < 0.45:
            lines.append(head + rng.choice(["", " ", "  # 空"]))
        elif r < 0.55:
            lines.append(head + " " + _flow(rng))
        else:
            value = _scalar(rng, indent + step, False)
            lines.extend((head + " " + value).split("\n"))
    return lines


def generate(rng: random.Random) -> str:
    indent = rng.choice([0, 0, 0, 1, 2])
    lines = _block(rng, indent, 0)
    if rng.random() < 0.1:
        lines.insert(0, rng.choice(["---", "--- # x", "# 見出し", "%YAML 1.1\n---"]))
    text = "\n".join(lines) + rng.choice(["\n", "\n", "", "\n\n"])
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(text))
        r = rng.random()
        if r < 0.4:
            text = text[:at] + rng.choice(_TRICKY) + text[at:]
        elif r < 0.6:
            text = text[:at] + text[at + rng.randint(1, 3) :]
        elif r < 0.8:  # shift a line's indentation
            start = text.rfind("\n", 0, at) + 1
            text = text[:start] + " " * rng.randint(0, 2) + text[start + rng.randint(0, 2) :]
        else:
            text = text[:at]
    return text


def run(count: int, seed: int) -> tuple[int, int, list[str]]:
    """Documents read alike, declined, and those read differently (none)."""
    rng = random.Random(seed)
    same = declined = 0
    differ: list[str] = []
    for n in range(count):
        text = generate(rng)
        if n % 2:
            text = mutate(rng, text)
        result = compare(text)
        if result is None:
            declined += 1
        elif result:
            same += 1
        else:
            differ.append(text)
    return same, declined, differ


def test_generated_and_mutated_documents_are_read_as_libyaml_reads_them_or_declined() -> None:
    same, declined, differ = run(3000, seed=15)
    assert differ == []
    assert same > 1000 and declined > 300  # both ways are exercised


def test_the_importers_yaml_is_read_as_libyaml_reads_it() -> None:
    for text in importer_dumps():
        assert compare(text) is not False, text


def test_no_more_of_the_examples_and_the_importers_yaml_is_declined_than_before() -> None:
    # Declined costs only time (PyYAML reads the file), so a reader bug that declines (an index
    # past a line's end is caught as Declined) would pass unseen: the count may not rise
    declined, by_index = [], []
    texts = [path.read_text(encoding="utf-8") for path in sorted(SOURCES.rglob("*.yaml"))]
    assert len(texts) > 50
    for n, text in enumerate(texts + importer_dumps()):
        try:
            yamlblock.read(text, "src.yaml")
        except yamlblock.Declined as exc:
            declined.append(n - len(texts))  # the importer's are numbered from 0, the examples below
            if isinstance(exc.__context__, IndexError):
                by_index.append(n)
    assert by_index == []
    assert min(declined, default=0) >= 0  # no example
    assert len(declined) <= 16  # of the importer's 300 (a tab, a key or value PyYAML must report)


def importer_dumps() -> list[str]:
    """YAML as the importer writes it, of random (seeded) values."""
    from generator.importer.assemble import FlowRef
    from generator.importer.emit import dump

    rng = random.Random(7)
    texts = []
    for _ in range(300):
        data: dict[str, object] = {}
        for _ in range(rng.randint(1, 6)):
            r = rng.random()
            if r < 0.3:
                value: object = "\n".join(_word(rng) for _ in range(rng.randint(1, 3)))
            elif r < 0.5:
                value = [_word(rng) for _ in range(rng.randint(0, 3))]
            elif r < 0.7:
                value = [FlowRef(block=f"kokuho/{_word(rng)}", version="2018-12", params={"k": _word(rng)})]
            elif r < 0.8:
                value = {_word(rng): rng.choice([True, None, 15, _word(rng)])}
            else:
                value = _word(rng) + rng.choice(["", " ", "\n", "\t"])
            data[_word(rng)] = value
        texts.append("# 取り込み\n" + dump(data))
    return texts


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n",
        "- a\n- b: c\n  d: [x, 'y']\n",
        "a:\n- x\n-\n- |\n  日本\nb: >-\n  p\n  q\n",
        "a: b\n  c\n\n  d\n",
        "a: \"\\x41\\u65e5\"\nb: 'it''s'\n",
        '---\na: {block: b, version: "2018-12"}\n',
        "a: 1\r\nb:\r\n  - x\r\n",
    ],
)
def test_common_forms_are_read_by_the_fast_reader(text: str) -> None:
    assert compare(text) is True


@pytest.mark.parametrize(
    "text", [c[0] for c in (*SAME.values(), *SYNTAX.values(), *TABS.values(), *PAST_A_TAB.values())]
)
def test_odd_hostile_and_broken_input_reads_as_before(text: str) -> None:
    # what the fast reader declines, libyaml reads: every message and position as before
    def read(loader: type | None) -> tuple[object, list[str]]:
        reporter = Reporter()
        root = yamlsource.load_text(text, "src.yaml", reporter, loader=loader)
        return _tree(root), [d.format() for d in reporter.diagnostics]

    assert read(None) == read(C_LOADER)


def test_a_build_of_the_examples_does_not_import_pyyaml(tmp_path: Path) -> None:
    # the examples are read by the fast reader, and nothing else on a build's path imports yaml:
    # fails if the fast reader is removed or bypassed
    folders = sorted(str(p.parent) for p in SOURCES.glob("*/0_表紙.yaml"))
    assert len(folders) >= 4
    code = (
        "import sys\n"
        "from generator.cli import run\n"
        "assert run(['build', *sys.argv[2:], '--out', sys.argv[1], '--format', 'html,docx,xlsx',"
        " '--quiet', '-j', '1']) == 0\n"
        "assert not [m for m in sys.modules if m == 'yaml' or m.startswith('yaml.')], 'yaml imported'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SOURCES.parent), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "out"), *folders], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "out").rglob("*.docx"))


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    same, declined, differ = run(total, seed=int(sys.argv[2]) if len(sys.argv) > 2 else 2026)
    print(f"{total:,} documents: {same:,} read alike, {declined:,} declined, {len(differ)} differ")
    for text in differ[:5]:
        print(repr(text))


@pytest.mark.parametrize(
    "text",
    [
        "a" + " " * 2000 + ": 1\n",
        "'" + " " * 2000 + "a': 1\n",
        '"' + "\\x20" * 300 + 'a": 1\n',
        "- {'" + " " * 1100 + "a': 1}\n",
        "a: {x" + " " * 1100 + ": 1}\n",
    ],
)
def test_a_key_written_over_more_characters_than_libyaml_takes_is_declined(text: str) -> None:
    # libyaml takes no key running over 1,024 characters to its 「:」 (an error there): the fast
    # reader must not read it as a key
    assert compare(text) is None


def test_a_file_over_the_node_limit_is_declined_as_soon_as_it_is() -> None:
    reader_nodes = []
    text = "".join(f"k{i}: v\n" for i in range(50))
    with pytest.raises(yamlblock.Declined):
        yamlblock.read(text, "src.yaml", limit=40)
    reader_nodes.append(yamlblock.read(text, "src.yaml", limit=101)[1])
    assert reader_nodes == [101]  # the mapping and its 50 keys and 50 values


def test_the_patterns_looked_up_or_written_out_match_what_the_patterns_match() -> None:
    # bool, merge, null and value are looked up in word lists and int is written out (compiling
    # them cost 0.6 ms of a build): every value of up to 4 characters of an alphabet of the
    # characters they look at, and random longer ones, is matched as the pattern matches it
    patterns = {name: re.compile(source, flags) for name, (source, _, flags) in yamlblock._PATTERNS.items()}
    alphabet = "0125789ab_:xX+-eFnNoOsSuyY~<=l \n"
    values = [""] + [a + b for a in alphabet for b in ["", *alphabet]]
    values += [a + b + c + d for a in "0-+1" for b in "0b1x:_9" for c in "0b1x:_59a" for d in ["", *"0:_7\n"]]
    rng = random.Random(3)
    values += [
        "".join(rng.choice("0123456789_:+-bxaF\n") for _ in range(rng.randint(1, 12))) for _ in range(20000)
    ]
    values += [
        w + end
        for w in ("yes", "No", "OFF", "null", "NULL", "~", "<<", "=", "0x1F", "190:20:30")
        for end in ("", "\n", "\n\n", " ")
    ]
    differ = []
    for value in values:
        for name, words in yamlblock._WORDS.items():
            if (value.removesuffix("\n") in words) != bool(patterns[name].match(value)):
                differ.append((name, value))
        if yamlblock._is_int(value) != bool(patterns["int"].match(value)):
            differ.append(("int", value))
    assert differ == []
    assert sum(yamlblock._is_int(v) for v in values) > 1000  # both ways exercised
