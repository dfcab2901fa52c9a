"""JSON Schema of the source files (``hyoka schema``): every shipped example validates, and a
wrong choice, an unknown key, a malformed date and a bad block reference are rejected."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.acknowledge import ACK_FILE
from generator.commands.schema import DATE_PATTERN, schemas
from generator.fields import source_files, walk
from generator.form.registry import all_forms
from tests.conftest import SOURCES, run_cli


class _Loader(yaml.SafeLoader):
    """YAML as yaml-language-server reads it: dates stay strings (YAML 1.2 has no timestamps)."""


_Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


@pytest.fixture(scope="module")
def validators() -> dict[str, jsonschema.Draft7Validator]:
    out = {}
    for stem, schema in schemas().items():
        jsonschema.Draft7Validator.check_schema(schema)
        out[stem] = jsonschema.Draft7Validator(schema)
    return out


def _stem(path: Path) -> str:
    return re.sub(r"_\d+$", "", path.stem)


# 確認済み.yaml holds acknowledgements of check findings (generator/acknowledge.py), not form items
EXAMPLE_FILES = sorted(
    p for p in SOURCES.glob("*/*.yaml") if p.parent.name != "blocks" and p.stem != ACK_FILE
)


def test_there_are_examples_to_validate() -> None:
    assert len({p.parent for p in EXAMPLE_FILES}) >= 3
    assert len(EXAMPLE_FILES) >= 20


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_example_validates(
    validators: dict[str, jsonschema.Draft7Validator], path: Path
) -> None:
    data = load(path.read_text(encoding="utf-8"))
    problems = [
        f"{list(e.absolute_path)}: {e.message[:200]}" for e in validators[_stem(path)].iter_errors(data)
    ]
    assert not problems, "\n".join(problems)


def _errors(validators: dict[str, jsonschema.Draft7Validator], stem: str, text: str) -> list[str]:
    return [e.message for e in validators[stem].iter_errors(load(text))]


def test_rejects_a_wrong_choice(validators: dict[str, jsonschema.Draft7Validator]) -> None:
    good = "特定個人情報の入手・使用:\n  使用者数: 10人以上50人未満\n"
    assert not _errors(validators, "2_ファイル概要", good)
    assert _errors(validators, "2_ファイル概要", good.replace("10人以上50人未満", "10人以上"))


def test_rejects_an_unknown_key(validators: dict[str, jsonschema.Draft7Validator]) -> None:
    assert not _errors(validators, "1_基本情報", "特定個人情報ファイルを取り扱う事務:\n  事務の名称: x\n")
    assert _errors(validators, "1_基本情報", "特定個人情報ファイルを取り扱う事務:\n  事務の名前: x\n")
    assert _errors(validators, "1_基本情報", "知らない見出し: x\n")


@pytest.mark.parametrize(
    "good", ["2025-12-01", "令和7年12月1日", "令和元年5月1日", "平成28年1月", "平成29年12月予定"]
)
def test_accepts_dates_the_reader_accepts(
    validators: dict[str, jsonschema.Draft7Validator], good: str
) -> None:
    assert not _errors(validators, "0_表紙", f"公表日: {good}\n")


@pytest.mark.parametrize("bad", ["2025/12/01", "2025-13-01", "令和7年12月32日", "12月1日", "R7.12.1"])
def test_rejects_a_malformed_date(validators: dict[str, jsonschema.Draft7Validator], bad: str) -> None:
    assert _errors(validators, "0_表紙", f"公表日: {bad}\n")


def test_check_boxes_and_block_references(validators: dict[str, jsonschema.Draft7Validator]) -> None:
    ok = "特定個人情報の入手・使用:\n  入手元:\n    - 本人又は本人の代理人\n    - 評価実施機関内の他部署: 市民課\n"
    assert not _errors(validators, "2_ファイル概要", ok)
    assert _errors(validators, "2_ファイル概要", ok.replace("本人又は本人の代理人", "本人"))
    assert _errors(validators, "2_ファイル概要", ok.replace("評価実施機関内の他部署: 市民課", "紙: 市民課"))
    ref = "特定個人情報の保管・消去:\n  保管場所:\n    - 文章\n    - {block: chukan-platform/hokan, version: '2025-08'}\n"
    assert not _errors(validators, "2_ファイル概要", ref)
    assert _errors(validators, "2_ファイル概要", ref.replace("version:", "versoin:"))


def test_schema_describes_every_written_key_of_every_form() -> None:
    """Generated from the definitions: each form's every key (with its label) is in the schema."""
    text = json.dumps(schemas(), ensure_ascii=False)
    for form in all_forms():
        for source in source_files(form):
            for f in walk(source.fields):
                if f.written:
                    assert json.dumps(f.key, ensure_ascii=False) + ":" in text.replace('": ', '":'), f.path
                    if f.label:
                        assert f.label in text, f.path


def test_date_pattern_matches_the_readers_dates() -> None:
    from generator.dates import parse_date

    for text in ("2025-12-01", "令和7年12月1日", "平成28年1月"):
        assert re.match(DATE_PATTERN, text)
        parse_date(text)


def test_schema_command_writes_one_file_per_source_file(tmp_path: Path) -> None:
    result = run_cli("schema", "--out", str(tmp_path / "s"))
    assert result.code == 0, result.describe()
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    expected = sorted({f"{s.stem}.schema.json" for form in all_forms() for s in source_files(form)})
    assert names == expected
    for path in (tmp_path / "s").iterdir():
        jsonschema.Draft7Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
