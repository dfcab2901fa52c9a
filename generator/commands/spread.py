"""One folder's outputs rendered by several processes: a build of a single folder with ``-j N``.

``hyoka build`` gives each stale folder to a worker of its pool, so a build of many folders keeps
every CPU busy; a build of one folder (the usual edit-and-look) had one process render its
documents' formats one after another while the other CPUs idled. Here the folder is read and
laid out once, then the (document, format) outputs are shared out by their expected cost and
forked children render their share beside the parent; each child writes its outputs to temp
files and reports their paths and hashes through a pipe (the parent syncs them with its own).
Each format renders the same bytes in any process, so the outputs do not depend on ``-j``.

A child that fails (an exception, a signal) has its share rendered again by the parent, so an
error is raised, with its message, where it would have been without the children.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# Relative CPU cost of one output by format, for a fair share (measured per document with
# bench/stages.py --fresh: HTML 1, DOCX 2.3–3.7, XLSX 7.6–9.6, its row-height estimate making it
# the dearest); unknown formats: 2. Weighed too lightly, a large document's XLSX drew its paired
# 基礎's into the same share, which then ended last.
FORMAT_COST = {"html": 1.0, "docx": 3.0, "xlsx": 8.0}
# The least cost of a child's share (in those units times a document's blocks and rows, about
# 6 µs of rendering each): a forked child costs the build ~15 ms of CPU and a few ms of wall
# time (the pages it and the parent copy as either writes them), so a smaller share renders
# sooner here (the one-folder build of a small assessment: its three outputs ~5 ms in all).
LEAST_SHARE = 1200.0

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import TypeVar

    Item = TypeVar("Item")

# what rendering one item gives: (key, temp file, sha256)
Output = tuple[tuple[str, str], str, str]


def available() -> bool:
    """Forking is safe here only without other threads (a child would inherit their locks held)
    and where fork is the platform's own (not macOS's or Windows')."""
    threading = sys.modules.get("threading")  # not imported (1 ms): no thread started through it
    return sys.platform.startswith("linux") and (threading is None or threading.active_count() == 1)


def shares(items: Sequence[Item], cost: Callable[[Item], float], ways: int) -> list[list[Item]]:
    """``items`` in at most ``ways`` lists of about equal cost (dearest first, each to the
    cheapest list so far), each list in the items' own order; no empty list."""
    costs = [cost(item) for item in items]
    totals = [0.0] * max(1, ways)
    members: list[list[int]] = [[] for _ in totals]
    for i in sorted(range(len(items)), key=lambda i: -costs[i]):
        cheapest = min(range(len(totals)), key=totals.__getitem__)
        totals[cheapest] += costs[i]
        members[cheapest].append(i)
    return [[items[i] for i in sorted(m)] for m in members if m]


def render_spread(
    items: Sequence[Item],
    cost: Callable[[Item], float],
    ways: int,
    one: Callable[[Item], Output],
    least: float = 0.0,
) -> list[Output]:
    """Every item rendered, by this process and up to ``ways - 1`` forked children (this
    process's share first), in no more shares than the items' cost fills at ``least`` a share.
    ``one(item)`` renders one item into a temp file and returns its key, path and hash."""
    if least and ways > 1:
        ways = min(ways, int(sum(cost(item) for item in items) // least))
    parts = shares(items, cost, ways) if ways > 1 and available() else [list(items)]
    children: list[tuple[int, int, list]] = []
    done: list[Output] = []
    try:
        for part in parts[1:]:
            children.append(_fork(part, one))
        for item in parts[0]:
            done.append(one(item))
        while children:
            pid, reader, part = children[0]
            status, outputs = _collect(pid, reader)
            children.pop(0)  # waited for: an error from here on does not stop it again
            _take(status, outputs, part, one, done)
    except BaseException:  # an error or an interrupt here: stop the children, drop every file
        for pid, reader, _ in children:
            _abandon(pid, reader)
        for _, temp, _ in done:
            Path(temp).unlink(missing_ok=True)
        raise
    return done


def _fork(part: list, one: Callable) -> tuple[int, int, list]:
    import json  # here, not at the top: a build that forks no child does without it (1.4 ms)

    reader, writer = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: render, report each output as it is written, never return
        os.close(reader)
        status = 1
        written: list[str] = []
        try:
            with os.fdopen(writer, "w") as pipe:
                for item in part:
                    output = one(item)
                    written.append(output[1])
                    pipe.write(json.dumps(output) + "\n")
                    pipe.flush()
            status = 0
        except BaseException:  # noqa: BLE001 - the parent renders this share again and reports
            status = 1
            for temp in written:  # stopped (Ctrl+C, the parent's SIGINT) or failed: its files go
                with contextlib.suppress(OSError):
                    os.unlink(temp)
        finally:
            os._exit(status)
    os.close(writer)
    return pid, reader, part


def _read_all(reader: int) -> list[Output]:
    """The outputs a child reported, its pipe closed after; left open when reading is interrupted,
    so that ``_abandon`` reads the rest (no other file can have taken its number)."""
    with os.fdopen(reader, "r", encoding="utf-8", closefd=False) as pipe:
        lines = pipe.read().splitlines()
    os.close(reader)
    import json

    outputs: list[Output] = []
    for line in lines:
        try:
            (suffix, fmt), temp, sha = json.loads(line)
        except ValueError:  # a line cut off by the child's death
            continue
        outputs.append(((suffix, fmt), temp, sha))
    return outputs


def _collect(pid: int, reader: int) -> tuple[int, list[Output]]:
    """The child's exit status and the outputs it reported (interrupted, the caller stops it)."""
    outputs = _read_all(reader)
    _, status = os.waitpid(pid, 0)
    return status, outputs


def _take(status: int, outputs: list[Output], part: list, one: Callable, done: list[Output]) -> None:
    """The child's outputs added to ``done``; a failed child's share rendered here instead."""
    if status == 0 and len(outputs) == len(part):
        done += outputs
        return
    for _, temp, _ in outputs:  # a failed child: its files go, its share is done again here
        Path(temp).unlink(missing_ok=True)
    for item in part:
        done.append(one(item))


def _abandon(pid: int, reader: int) -> None:
    """Stop a child and delete what it wrote. SIGINT, not SIGTERM: the child stops through
    KeyboardInterrupt, so a file it is writing deletes itself (``output.write_temp``)."""
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)
    with contextlib.suppress(OSError):  # its pipe already read and closed (an error while reading)
        for _, temp, _ in _read_all(reader):
            Path(temp).unlink(missing_ok=True)
    with contextlib.suppress(ChildProcessError):  # already waited for
        os.waitpid(pid, 0)
