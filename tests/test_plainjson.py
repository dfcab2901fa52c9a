"""generator.plainjson: the manifest's JSON as json writes and reads it, without json."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from generator import plainjson
from tests.conftest import SOURCES, run_cli

# characters json escapes or that break lines, and some that it does not
ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\x00', '\x1f', '\x7f', 'é', '評', '\u2028', '\ud800', '/', ':', ',', '{', '}', '[', ']', '💡']  # fmt: skip


def _value(rnd: random.Random, depth: int = 0) -> object:
    kind = rnd.randint(0, 5 if depth < 4 else 1)
    if kind == 0:
        return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 8)))
    if kind == 1:
        return rnd.randint(-1000, 10**6)
    if kind in (2, 3):
        return {str(_value(rnd, 9)): _value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))}
    return [_value(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_written_and_read_as_json_does() -> None:
    rnd = random.Random(2026)
    for _ in range(3000):
        value = _value(rnd)
        text = _json(value)
        assert plainjson._dumps(value, "\n") + "\n" == text  # dumps itself, without json loaded
        assert plainjson.loads(text) == json.loads(text)


def test_a_small_folder_s_manifest_is_read_without_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run_cli("build", SOURCES / "mihon-jidofuyo", "--out", out, "--quiet").code == 0
    text = (out / "mihon-jidofuyo" / ".hyoka-manifest.json").read_text(encoding="utf-8")
    assert '"inputs": {\n' in text and '"block_files": []' in text and len(text) <= plainjson.SMALL
    monkeypatch.setattr(json, "loads", lambda text: pytest.fail("read by json"))
    value = plainjson.loads(text)
    monkeypatch.undo()
    assert value == json.loads(text) and plainjson._dumps(value, "\n") + "\n" == text


@pytest.mark.parametrize(
    "text",
    ["", "{", "{\n}\n", '{"a": 1}\n', "[1, 2]\n", '{\n "a": 1,\n "a": 2\n}\n', "nul\n", '{\n "a": tru\n}\n',
     '{\n "a": "b\\u00e9"\n}\n', '{\n "a": 1\n}', '{\n  "a": 1\n}\n', "true\n", '{\n "a": [\n  1\n ]\n}\n'],
)  # fmt: skip
def test_other_text_is_json_s_to_read(text: str) -> None:
    try:
        expected: object = json.loads(text)
    except ValueError as exc:
        with pytest.raises(ValueError, match=re.escape(str(exc))):
            plainjson.loads(text)
    else:
        assert plainjson.loads(text) == expected


def test_what_json_has_no_plain_form_for_is_refused() -> None:
    for value in (1.5, (1,)):
        with pytest.raises(TypeError):
            plainjson._dumps({"a": value}, "\n")
    # true, false and null as json writes them: a field of them would not fail small builds alone
    value = {"a": [True, False, None, 0]}
    assert plainjson._dumps(value, "\n") + "\n" == _json(value)
    assert plainjson.loads(_json(value)) == value


@pytest.mark.parametrize("depth", [40, 600, 5000])
def test_a_deep_text_is_json_s_to_read_and_a_manifest_that_deep_counts_as_empty(
    depth: int, tmp_path: Path
) -> None:
    """The round-trip check is recursive: a hostile 600-level manifest (4.8 kB) ended a build
    as an internal error (RecursionError)."""
    from generator import manifest

    flat = "[\n" * depth + "]\n" * depth
    indented = "".join(" " * i + "[\n" for i in range(depth)) + "".join(
        " " * i + "]\n" for i in reversed(range(depth))
    )
    for text in (flat, indented[: plainjson.SMALL]):
        (tmp_path / manifest.NAME).write_text(text, encoding="utf-8")
        assert manifest.load(tmp_path) == {}
    if depth < 100:  # json reads it: the same value
        assert plainjson.loads(indented) == json.loads(indented)


def test_a_large_text_is_read_and_written_by_json(monkeypatch: pytest.MonkeyPatch) -> None:
    value = {"outputs": {f"{i}.html": {"format": "html", "sha256": "0" * 64} for i in range(200)}}
    text = _json(value)
    assert len(text) > plainjson.SMALL and plainjson._dumps(value, "\n") + "\n" == text
    monkeypatch.setattr(json, "loads", lambda text: "by json")
    monkeypatch.setattr(json, "dumps", lambda value, **options: f"by json {options}")
    assert plainjson.loads(text) == "by json"
    assert plainjson.dumps(value) == "by json {'ensure_ascii': False, 'indent': 1, 'sort_keys': True}"
