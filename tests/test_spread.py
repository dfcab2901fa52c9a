"""One folder's outputs rendered by forked children (generator.commands.spread): shared out by
cost, every output back once, a failing child's share done again, nothing left behind."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from generator.commands.spread import available, render_spread, shares
from tests.conftest import SOURCES, bare_python, run_cli

# fork is the platform's own only on Linux; there a test must fork, so no skip for a thread
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


@pytest.fixture(autouse=True)
def _no_other_thread() -> None:
    """``available()`` refuses to fork beside another thread, and an earlier test's thread (a
    served site's request handler, a syncer) may still be ending: wait for it, and fail
    loudly, naming it, if it does not end, rather than test the one-process path by chance."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(timeout=10)
    assert available() or not sys.platform.startswith("linux"), threading.enumerate()


def test_shares_are_balanced_ordered_and_never_empty() -> None:
    costs = {"a": 3.0, "b": 2.0, "c": 2.0, "d": 1.0}
    parts = shares(list(costs), costs.__getitem__, 2)
    assert sorted(sum(costs[i] for i in part) for part in parts) == [4.0, 4.0]
    assert all(part == sorted(part) for part in parts)  # each in the items' own order
    assert shares(["a"], costs.__getitem__, 4) == [["a"]]
    assert shares(list(costs), costs.__getitem__, 1) == [list(costs)]


@pytest.mark.skipif(not available(), reason="fork without threads: Linux only")
def test_no_fork_while_another_thread_runs_and_threading_is_not_imported_to_know() -> None:
    import threading

    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not available()
    finally:
        release.set()
        thread.join()
    probe = (
        "import sys\n"
        "from generator.commands.spread import available\n"
        "print(available(), 'threading' in sys.modules)\n"
    )
    assert bare_python(probe) == "True False\n"


def _writer(folder: Path, fail_in_child: bool = False):  # type: ignore[no-untyped-def]
    parent = os.getpid()

    def one(item: str) -> tuple[tuple[str, str], str, str]:
        if fail_in_child and os.getpid() != parent and item == "c":
            raise RuntimeError("child fails")
        temp = folder / f"{item}.{os.getpid()}.tmp"
        temp.write_text(item)
        return ("", item), str(temp), str(os.getpid())

    return one


@LINUX  # CI is Linux
def test_children_render_a_share_and_every_output_comes_back_once(tmp_path: Path) -> None:
    done = render_spread(list("abcd"), lambda _: 1.0, 2, _writer(tmp_path))
    assert sorted(key[1] for key, _, _ in done) == list("abcd")
    pids = {pid for _, _, pid in done}
    assert len(pids) == 2 and str(os.getpid()) in pids  # this process and one child
    assert sorted(p.name.split(".")[0] for p in tmp_path.iterdir()) == list("abcd")


@LINUX
def test_no_child_for_a_share_below_the_least_worth_forking(tmp_path: Path) -> None:
    # cost 4 in all: with 2 the least share, one child; with 3, none (this process renders all)
    two = render_spread(list("abcd"), lambda _: 1.0, 3, _writer(tmp_path), least=2.0)
    three = render_spread(list("abcd"), lambda _: 1.0, 3, _writer(tmp_path), least=3.0)
    assert len({pid for _, _, pid in two}) == 2
    assert {pid for _, _, pid in three} == {str(os.getpid())}
    assert sorted(key[1] for key, _, _ in three) == list("abcd")


@LINUX
def test_a_failing_childs_share_is_rendered_here_and_its_files_go(tmp_path: Path) -> None:
    done = render_spread(list("abcd"), lambda _: 1.0, 2, _writer(tmp_path, fail_in_child=True))
    assert sorted(key[1] for key, _, _ in done) == list("abcd")
    assert all(pid == str(os.getpid()) for key, _, pid in done if key[1] == "c")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 4, left  # the child's other file was removed with its failed share


def test_an_error_here_leaves_no_file_of_any_process(tmp_path: Path) -> None:
    one = _writer(tmp_path)

    def failing(item: str) -> tuple[tuple[str, str], str, str]:
        if os.getpid() == parent and item == "d":
            raise ValueError("parent fails")
        return one(item)

    parent = os.getpid()
    with pytest.raises(ValueError):
        render_spread(list("abcd"), lambda i: 5.0 if i == "d" else 1.0, 2, failing)
    assert list(tmp_path.iterdir()) == []


def test_a_one_folder_build_gives_the_same_bytes_with_any_jobs(tmp_path: Path) -> None:
    formats = "html,docx,xlsx"
    folder = SOURCES / "asahikawa-kenkozoshin"  # two documents: six outputs to share out
    for jobs in ("1", "3"):
        result = run_cli("build", folder, "--out", tmp_path / jobs, "--format", formats, "-q", "-j", jobs)
        assert result.code == 0, result.stderr
    one, three = (
        {p.name: p.read_bytes() for p in (tmp_path / j / folder.name).iterdir() if not p.name.startswith(".")}
        for j in ("1", "3")
    )
    assert len(one) == 6 and one == three
    assert not [p for p in (tmp_path / "3").rglob("*.tmp")]


@LINUX
def test_an_error_while_redoing_a_failed_childs_share_leaves_no_file(tmp_path: Path) -> None:
    parent = os.getpid()
    one = _writer(tmp_path)

    def failing(item: str) -> tuple[tuple[str, str], str, str]:
        if os.getpid() != parent and item == "b":
            raise RuntimeError("child fails")  # the child's share (b, d) comes back here
        if os.getpid() == parent and item == "d":
            raise ValueError("and d fails here too")
        return one(item)

    with pytest.raises(ValueError):
        render_spread(list("abcd"), lambda _: 1.0, 2, failing)
    assert list(tmp_path.iterdir()) == []  # a, c and the redone b deleted


def test_a_build_showing_its_progress_bar_on_a_terminal_still_forks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rich's bar refreshed itself from a thread, and with a thread running a build may not fork
    import sys

    from generator.commands import build, spread

    seen: list[bool] = []
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr(spread, "available", lambda: seen.append(available()) or False)
    assert build.run([SOURCES / "asahikawa-kenkozoshin"], tmp_path, ["html", "docx", "xlsx"], jobs=2) == 0
    assert seen == [True]


def test_an_interrupt_between_a_folders_rendering_and_its_result_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.commands import build

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "_small", interrupted)  # the outputs are rendered, not yet kept
    with pytest.raises(KeyboardInterrupt):
        build.run([SOURCES / "mihon-jidofuyo"], tmp_path, ["html", "docx", "xlsx"], quiet=True, jobs=1)
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []
