"""generator.commands.build: the cyclic garbage collector paused for a one-folder build and running
for a build of many, as it was after."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands import build
from tests.conftest import REPO, SOURCES


# paused over many folders, a pool worker kept every folder's cyclic garbage (N=1000: 255 MiB):
# paused for a build of one folder, running for a build of many
@pytest.mark.parametrize(
    ("folders", "collecting"),
    [(["mihon-jidofuyo"], False), (["mihon-jidofuyo", "asahikawa-kenkozoshin"], True)],
    ids=["one folder", "many folders"],
)
@pytest.mark.parametrize("enabled", [True, False])
def test_a_build_sets_the_collector_by_its_folders_and_leaves_it_as_it_was(
    folders: list[str], collecting: bool, enabled: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    plan = build.plan

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return plan(*args, **kwargs)

    monkeypatch.setattr(build, "plan", watched)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert build.run([SOURCES / f for f in folders], tmp_path, ["html"], quiet=True, jobs=1) == 0
        assert seen == [collecting] and gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_build_command_pauses_the_collector_from_its_imports_on_and_resumes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator import cli

    seen = []
    monkeypatch.setattr(cli, "_state", {**cli._state, "ending": False})  # as a caller of main has it
    monkeypatch.setattr(build, "run", lambda *args: seen.append(gc.isenabled()) or 0)
    was = gc.isenabled()
    gc.enable()
    try:
        assert cli.run(["build", str(SOURCES / "mihon-jidofuyo"), "--quiet"]) == 0
        assert seen == [False] and gc.isenabled()  # paused in cli (before build.run), enabled again after
    finally:
        (gc.enable if was else gc.disable)()


def test_the_hyoka_program_leaves_the_collector_paused_after_a_build_as_the_process_ends(
    tmp_path: Path,
) -> None:
    probe = (
        "import atexit, gc, sys\n"
        "from generator.cli import entry\n"
        "atexit.register(lambda: print('collecting at exit:', gc.isenabled()))\n"
        f"sys.argv = ['hyoka', 'build', {str(SOURCES / 'mihon-jidofuyo')!r}, '--out', {str(tmp_path)!r},"
        " '--format', 'html', '--quiet', '-j', '1']\n"
        "entry()\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "collecting at exit: False\n"
