"""Finding assessment folders among the paths given (``generator.sources``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import UsageError
from generator.sources import CITY_BLOCKS, assessment_folders, is_assessment


def test_a_folder_of_folders_gives_its_assessments_in_name_order(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    for name, files in {
        "b": ["0_表紙.yaml"],
        "a": ["1_概要.yml", "memo.txt"],
        "notes": ["readme.yaml"],  # YAML, but no part of a form (no digit first)
        "empty": [],
        CITY_BLOCKS: ["1_digit.yaml"],  # the city's blocks, never an assessment
        "elsewhere/c": ["0_表紙.yaml"],
    }.items():
        (sources / name).mkdir(parents=True)
        for file in files:
            (sources / name / file).write_text("", encoding="utf-8")
    (sources / "c").write_text("", encoding="utf-8")  # a file, not a folder
    (sources / "linked").symlink_to(sources / "elsewhere" / "c")  # a link to a folder counts
    (sources / "broken").symlink_to(tmp_path / "gone")
    (sources / "loop").symlink_to(sources / "loop")
    found = assessment_folders([sources])
    assert found == [sources / "a", sources / "b", sources / "linked"]
    # what it was before the listing told folders from files: every child stat'ed
    assert found == sorted(p for p in sources.iterdir() if p.name != CITY_BLOCKS and is_assessment(p))
    assert assessment_folders([sources / "b", sources]) == [sources / "b", *found]


def test_a_folder_without_assessments_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "1_file.yaml.txt").write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="見つかりません"):
        assessment_folders([tmp_path])
