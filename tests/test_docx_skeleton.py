"""The DOCX writer's skeleton: the parts other than the body made once through python-docx with
stand-ins for the name and time, cached, and filled in per document, give exactly the bytes
python-docx gives for that document."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import records
from generator.writers import docx as writer
from tests.conftest import REPO
from tests.ir_sample import sample_document

NAMES = [
    "健康増進事業に関する事務　重点項目評価書",
    "A & B <c> \"d\" 'e' ＆＜＞",
    "長" * 300,  # the title property keeps 255 characters
    "HyokaSkeletonName7f3a と 1999-12-31T23:59:58Z",  # the stand-ins themselves, filled in once only
    " 前に空白",  # python-docx marks the text xml:space="preserve": the long way
    "タブ\tと\n改行",
]
TIMES = ["2026-04-01T00:00:00Z", "1970-01-01T00:00:00Z", "2025-12-31T23:59:59+09:00"]


def _through_python_docx(monkeypatch: pytest.MonkeyPatch, doc) -> bytes:  # noqa: ANN001
    with monkeypatch.context() as m:
        m.setattr(writer, "_skeleton", lambda: None)
        return writer.render(doc)


@pytest.mark.parametrize("name", NAMES)
def test_skeleton_gives_python_docx_bytes(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(writer, "_SKELETON", [])
    for timestamp in TIMES:
        doc = records.replace(sample_document(), name=name, timestamp=timestamp)
        expected = _through_python_docx(monkeypatch, doc)
        assert writer.render(doc) == expected  # skeleton made in this process
        monkeypatch.setattr(writer, "_SKELETON", [])
        if name == name.strip() and "\t" not in name:  # a plain name: the cache must answer
            with monkeypatch.context() as m:
                m.setattr(writer, "_made_skeleton", lambda: pytest.fail("skeleton made again, not read"))
                assert writer.render(doc) == expected  # skeleton read from the cache
        else:
            assert writer.render(doc) == expected
    cached = list((tmp_path / "hyoka" / "docx").glob("skeleton-*"))
    assert len(cached) == (1 if name == name.strip() and "\t" not in name else 0)  # else the long way


def test_skeleton_is_used_and_python_docx_not_imported(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from generator.writers import docx\n"
        "from tests.ir_sample import sample_document\n"
        "docx.render(sample_document())\n"
        "print('docx' in sys.modules, docx._SKELETON[0] is not None)\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True)
    assert first.stdout.split() == ["True", "True"], first.stderr
    second = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True)
    assert second.stdout.split() == ["False", "True"], second.stderr


def test_skeleton_key_follows_the_writer_modules_stats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "w.py"
    module.write_text("A = 1\n")
    monkeypatch.setattr(writer, "_WRITERS", str(tmp_path))
    first = writer._skeleton_key()
    assert writer._skeleton_key() == first
    module.write_text("A = 22\n")  # another size
    second = writer._skeleton_key()
    st = module.stat()
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # same size, another time
    third = writer._skeleton_key()
    (tmp_path / "x.py").write_text("")  # a module added
    assert len({first, second, third, writer._skeleton_key()}) == 4


def test_the_cache_keeps_the_newest_skeletons_only(tmp_path: Path) -> None:
    # each edit or install of the writer code names a new skeleton: the old ones do not pile up
    from generator.writers import docx

    for i in range(docx._KEPT + 3):
        made = tmp_path / f"skeleton-{i:02d}.marshal"
        made.write_bytes(b"")
        os.utime(made, ns=(i * 10**9, i * 10**9))
    docx._prune(tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [f"skeleton-{i:02d}.marshal" for i in range(3, docx._KEPT + 3)]
