"""generator.commands.build: the outputs' fsyncs in threads beside the rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.commands.build import _Syncer


def test_syncer_syncs_in_threads_and_raises_the_first_failure_in_the_caller(tmp_path: Path) -> None:
    files = [tmp_path / f"{i}.tmp" for i in range(6)]
    for f in files:
        f.write_bytes(b"x")
    syncer = _Syncer()
    syncer.add(str(f) for f in files)
    syncer.wait()  # all synced: nothing raised
    assert all(not t.is_alive() for t in syncer._threads) and len(syncer._threads) == 4  # at most

    failing = _Syncer()
    with pytest.raises(FileNotFoundError):  # from add when a thread failed already, else from wait
        failing.add(iter([str(files[0]), str(tmp_path / "missing.tmp")]))
        failing.wait()
    failing.stop()


def test_a_stopped_syncer_leaves_no_thread_running(tmp_path: Path) -> None:
    import threading

    before = threading.active_count()
    (tmp_path / "a.tmp").write_bytes(b"x")
    syncer = _Syncer()
    syncer.add(iter([str(tmp_path / "a.tmp")]))
    assert threading.active_count() == before + 1  # one file: one thread, not an idle three more
    syncer.stop()  # as a failed build's cleanup does, without wait()
    syncer.stop()  # again: nothing
    assert threading.active_count() == before


def test_an_interrupt_while_a_thread_starts_leaves_stop_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C between listing a thread and its start ended the build as an internal error
    (``join`` of a thread not started raises RuntimeError in the cleanup)."""
    import threading

    def interrupted(self: threading.Thread) -> None:
        raise KeyboardInterrupt

    (tmp_path / "a.tmp").write_bytes(b"x")
    syncer = _Syncer()
    monkeypatch.setattr(threading.Thread, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        syncer.add(iter([str(tmp_path / "a.tmp")]))
    monkeypatch.undo()
    syncer.stop()  # no RuntimeError: the unstarted thread is not joined
    assert syncer._queue is None


def test_without_threads_the_files_are_synced_by_wait_in_the_calling_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from generator.commands import build

    synced: list[tuple[str, int]] = []
    real = build._fsync
    monkeypatch.setattr(build, "_fsync", lambda p: synced.append((p, threading.get_ident())) or real(p))
    files = [tmp_path / f"{i}.tmp" for i in range(3)]
    for f in files:
        f.write_bytes(b"x")
    before = threading.active_count()
    syncer = _Syncer(threads=False)
    syncer.add(str(f) for f in files)
    assert synced == [] and threading.active_count() == before and syncer._threads == []
    syncer.wait()
    assert synced == [(str(f), threading.get_ident()) for f in files]
    syncer.wait()  # again: nothing more
    assert len(synced) == 3

    failing = _Syncer(threads=False)
    failing.add(iter([str(tmp_path / "missing.tmp")]))
    with pytest.raises(FileNotFoundError):
        failing.wait()


def test_without_threads_a_stopped_syncer_syncs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.commands import build

    synced: list[str] = []
    monkeypatch.setattr(build, "_fsync", synced.append)
    syncer = _Syncer(threads=False)
    syncer.add(iter([str(tmp_path / "a.tmp")]))
    syncer.stop()  # a failed build: its files are deleted, not synced
    syncer.wait()
    assert synced == []


def test_pool_workers_leave_ctrl_c_to_the_build(tmp_path: Path) -> None:
    """Ctrl+C reaches every process of the group: a worker it stopped printed its traceback,
    and one stopped holding the pool's queue lock hung the build's terminate for good."""
    import signal

    from generator.commands.build import _Workers

    # this process takes Ctrl+C, as a build run from a terminal does (a job run in the
    # background, as by make in CI, may have SIGINT ignored already: the workers would inherit it)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    workers = _Workers(2)
    try:
        workers.need(2)
        assert workers.pool is not None
        handlers = workers.pool.map(signal.getsignal, [signal.SIGINT] * 4)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # still takes it
    finally:
        workers.close()
        signal.signal(signal.SIGINT, before)
    assert set(handlers) == {signal.SIG_IGN}


def test_ctrl_c_as_a_command_ends_is_an_interrupt_not_a_traceback() -> None:
    import subprocess
    import sys

    probe = (
        "from generator import cli\n"
        "class Late(SystemExit):\n"
        "    @property\n"
        "    def code(self):\n"
        "        raise KeyboardInterrupt\n"  # as Ctrl+C landing while the exit is handled
        "def main():\n"
        "    raise Late()\n"
        "cli.main = main\n"
        "cli.entry()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (130, "中断しました。\n")
