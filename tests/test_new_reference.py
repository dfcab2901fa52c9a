"""``hyoka new`` and ``hyoka reference``: every key of each form, generated from the definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.commands import reference
from generator.fields import Field, source_files, walk
from generator.form.registry import all_forms, get_form
from tests.conftest import REPO, errors, run_cli

FORMS = [(f.kind, f.edition) for f in all_forms()]


def _keys(data: object, fields: tuple[Field, ...], where: str) -> list[str]:
    """The written keys of ``fields`` missing from the YAML data (lists: the first member)."""
    missing = []
    assert isinstance(data, dict), where
    for f in fields:
        if not f.written:
            assert f.key not in data, f"{where}: {f.key} is not written by authors"
            continue
        if f.key not in data:
            missing.append(f"{where} {f.key}")
        elif f.kind == "map":
            missing += _keys(data[f.key], f.children, f"{where} {f.key}")
        elif f.kind == "list":
            missing += _keys(data[f.key][0], f.children, f"{where} {f.key}[0]")
    return missing


@pytest.mark.parametrize(("kind", "edition"), FORMS)
def test_new_writes_every_key_with_its_label_and_options(tmp_path: Path, kind: str, edition: str) -> None:
    form = get_form(kind, edition)
    result = run_cli("new", "doc", "--form", kind, "--edition", edition, cwd=tmp_path)
    assert result.code == 0, result.describe()
    folder = tmp_path / "doc"
    for source in source_files(form):
        path = folder / source.first_name
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        assert not _keys(data, tuple(f for f in source.fields if f.key not in ("様式", "版")), path.name)
        comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
        for f in walk(source.fields):
            if f.label:
                assert f.label in comments, f"{path.name}: no comment with 「{f.label}」"
            for option in f.options:
                assert option in comments, f"{path.name}: option 「{option}」 of {f.key} not listed"


@pytest.mark.parametrize(("kind", "edition"), FORMS)
def test_new_folder_passes_check(tmp_path: Path, kind: str, edition: str) -> None:
    (tmp_path / "sources").mkdir()
    result = run_cli("new", "kenko", "--form", kind, "--edition", edition, cwd=tmp_path)
    assert result.code == 0, result.describe()
    assert (tmp_path / "sources" / "kenko" / "0_表紙.yaml").is_file()  # a bare name goes under sources/
    checked = run_cli("check", "sources/kenko", cwd=tmp_path)
    assert checked.code == 0, checked.describe()
    assert not errors(checked)


def test_new_refuses_a_folder_with_files_and_an_unknown_form(tmp_path: Path) -> None:
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "0_表紙.yaml").write_text("評価書番号: 1\n", encoding="utf-8")
    result = run_cli("new", "doc", cwd=tmp_path)
    assert result.code == 2 and "空ではありません" in result.stderr, result.describe()
    assert (tmp_path / "doc" / "0_表紙.yaml").read_text(encoding="utf-8") == "評価書番号: 1\n"
    result = run_cli("new", "other", "--form", "詳細項目評価書", cwd=tmp_path)
    assert result.code == 2 and "使える様式" in result.stderr, result.describe()
    assert not (tmp_path / "other").exists()


def test_reference_lists_every_key_label_option_and_star() -> None:
    text = reference.markdown()
    for form in all_forms():
        assert f"## {form.name}" in text
        for source in source_files(form):
            for f in walk(source.fields):
                assert f"{f.key}`" in text, f.path
                if f.label:
                    assert f.label.replace("|", "\\|") in text, f.path
                for option in f.options:
                    assert option in text, (f.path, option)
    star = next(line for line in text.splitlines() if "`基本情報.ファイルの種類`" in line)
    assert star.rstrip().endswith("| ※ |") and "システム用ファイル" in star


def test_docs_reference_page_is_current() -> None:
    """docs/reference.md is ``hyoka reference`` checked in: regenerate it with
    ``hyoka reference -o docs/reference.md`` when a form definition changes."""
    page = REPO / "docs" / "reference.md"
    assert page.read_text(encoding="utf-8") == reference.markdown(), "hyoka reference -o docs/reference.md"


def test_reference_command_prints_the_page() -> None:
    result = run_cli("reference")
    assert result.code == 0, result.describe()
    assert result.stdout == reference.markdown()
