"""generator.buildgraph: the generator modules whose code shapes outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import buildgraph


def test_generator_files_are_those_rglob_finds_in_path_order() -> None:
    expected = [
        path
        for path in sorted(buildgraph.GENERATOR.rglob("*.py"))
        if "__pycache__" not in path.parts
        and not path.relative_to(buildgraph.GENERATOR).as_posix().startswith(buildgraph._NOT_SHAPING)
    ]
    found = buildgraph.generator_files()
    assert found == expected
    assert buildgraph.GENERATOR / "records.py" in found  # shapes every record the writers get
    assert buildgraph.GENERATOR / "cli.py" not in found
    assert not any(p.is_relative_to(buildgraph.GENERATOR / "commands") for p in found)


def test_template_files_are_those_rglob_finds_in_path_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "html"
    for name in ["style.css", ".hidden", "b/x.txt", "b/.y", "a b/z", ".d/w", "a/c/d.css"]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name)
    (folder / "link").symlink_to(folder / "b")  # a linked folder: not followed, not a file
    (folder / "gone").symlink_to(tmp_path / "nothing")
    monkeypatch.setattr(buildgraph, "TEMPLATES", tmp_path)
    expected = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert buildgraph.template_files("html") == expected
    assert [k for k, _ in buildgraph.Graph().template_hashes("html")] == [
        f"template:{p.relative_to(tmp_path).as_posix()}" for p in expected
    ]
    assert ".d" in {p.parent.name for p in expected}  # a hidden folder's files count, as with rglob
    assert buildgraph.template_files("docx") == []
