"""generator.output: atomic writes through a temp file beside the output."""

from __future__ import annotations

import glob
import os
import stat
from pathlib import Path

import pytest

from generator.output import OutputError, temp_files, write_atomic, write_temp


def test_write_atomic_leaves_only_the_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.docx"
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.docx"]


def test_temp_is_beside_the_output_and_named_for_the_leftover_sweep(tmp_path: Path) -> None:
    temp = write_temp(tmp_path / "a.xlsx", b"x", sync=False)
    assert temp.is_absolute() and temp.parent == tmp_path
    assert list(tmp_path.glob(".a.xlsx.*.tmp")) == [temp]  # the pattern manifest and fileindex sweep
    assert temp_files(tmp_path, ["a.xlsx"]) == [temp]
    assert temp.read_bytes() == b"x"


def test_temp_files_are_those_the_glob_finds(tmp_path: Path) -> None:
    names = ["a.html", "a*[b].docx", ".hyoka-index"]
    for n in [".a.html.1.tmp", ".a.html..tmp", ".a.html.x.y.tmp", ".a.html.tmp", "a.html.1.tmp",
              ".a.html.1.tmpx", ".a.htm.1.tmp", ".a*[b].docx.2.tmp", ".ab.docx.2.tmp",
              "..hyoka-index.3.tmp", ".hyoka-index.3.tmp", "a.html"]:  # fmt: skip
        (tmp_path / n).write_text("")
    globbed = [p for n in names for p in sorted(tmp_path.glob(f".{glob.escape(n)}.*.tmp"))]
    assert temp_files(tmp_path, names) == globbed
    assert [p.name for p in globbed] == [
        ".a.html..tmp", ".a.html.1.tmp", ".a.html.x.y.tmp", ".a*[b].docx.2.tmp", "..hyoka-index.3.tmp"
    ]  # fmt: skip
    assert temp_files(tmp_path / "none", names) == []


def test_a_taken_temp_name_is_not_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter([b"\0" * 6, b"\0" * 6, b"\1" * 6])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    first = write_temp(tmp_path / "a.html", b"1", sync=False)
    second = write_temp(tmp_path / "a.html", b"2", sync=False)
    assert first != second and first.read_bytes() == b"1" and second.read_bytes() == b"2"


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="書き込めません"):
        write_atomic(tmp_path / "file" / "a.docx", b"x")
