"""generator.buildgraph: the generator modules whose code shapes outputs."""

from __future__ import annotations

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
