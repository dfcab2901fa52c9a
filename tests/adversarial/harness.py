"""Running hyoka as an attacker would: in a fresh temp root, bounded in time and memory, and
checking afterwards that nothing outside the output folder changed.

Every case runs ``python -m generator.cli`` in a subprocess limited to 10 s of CPU
(``RLIMIT_CPU``: the kernel stops a runaway loop) and 1 GiB of address space (``RLIMIT_AS``),
with a wall-clock timeout of 60 s for what blocks without computing (a FIFO), the limits being
CPU time rather than wall time because the test machine is shared; HOME, TMPDIR and the cache
inside the root. The whole root
is snapshotted before and after (every file's bytes, every link's target, every folder), so a
write, a deletion or a leftover temp file anywhere but the output folder fails the case; so
does a traceback or an internal error (exit 3).
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, SOURCES, CliResult, errors

CPU_SECONDS = 10  # per command
WALL_SECONDS = 60.0  # per command: a hang that computes nothing
MEMORY = 1 << 30  # bytes of address space

EXAMPLE = "asahikawa-kenkozoshin"
MULTI = "atsugi-kokuho"  # the example with 件数 on a 提供先


@dataclass
class Run:
    result: CliResult
    seconds: float  # wall clock
    cpu: float  # user + system time of the command and its children

    @property
    def code(self) -> int:
        return self.result.code

    @property
    def output(self) -> str:
        return self.result.output


def _limit() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))


@dataclass
class Root:
    """A fresh temp root: ``sources/`` with one example and the city's blocks, ``home``,
    ``tmp`` and ``cache`` for the process, and the output folder ``out`` (the only place
    commands may write, unless a case allows another)."""

    path: Path

    @classmethod
    def make(cls, tmp_path: Path, example: str = EXAMPLE, name: str = "c") -> Root:
        root = cls(tmp_path / "root")
        (root.path / "sources").mkdir(parents=True)
        shutil.copytree(SOURCES / example, root.path / "sources" / name)
        shutil.copytree(SOURCES / "blocks", root.path / "sources" / "blocks")
        for folder in ("home", "tmp", "cache"):
            (root.path / folder).mkdir()
        return root

    @property
    def sources(self) -> Path:
        return self.path / "sources"

    @property
    def out(self) -> Path:
        return self.path / "out"

    def folder(self, name: str = "c") -> Path:
        return self.sources / name

    def run(self, *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        full = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(REPO),
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": str(self.path / "home"),
            "TMPDIR": str(self.path / "tmp"),
            "XDG_CACHE_HOME": str(self.path / "cache"),
            "LANG": "C.UTF-8",
            **(env or {}),
        }
        argv = tuple(str(a) for a in args)
        start = time.monotonic()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "generator.cli", *argv],
                cwd=cwd or self.path,
                env=full,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=WALL_SECONDS,
                preexec_fn=_limit,
            )
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"hyoka {' '.join(argv)}: no answer within {WALL_SECONDS} s (a hang)"
            ) from None
        seconds = time.monotonic() - start
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if log := os.environ.get("HYOKA_ADVERSARIAL_LOG"):  # measured figures, for reports
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(
                    f"{proc.returncode}\t{cpu:.2f}\t{seconds:.2f}\t{now.ru_maxrss // 1024}\t{' '.join(argv)[:80]}\n"
                )
        assert proc.returncode >= 0, (
            f"hyoka {' '.join(argv)}: killed by signal {-proc.returncode} (CPU limit?)"
        )
        return Run(CliResult(argv, proc.returncode, out, err), seconds, cpu)

    def snapshot(self, *, outside: Path | None = None) -> dict[str, object]:
        """Every entry under the root except the output folder (or ``outside``) and the cache."""
        skip = {outside or self.out, self.path / "cache"}
        return snapshot(self.path, skip)


def snapshot(top: Path, skip: set[Path] | None = None) -> dict[str, object]:
    found: dict[str, object] = {}
    skip = skip or set()
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if here / d not in skip)
        for name in [*dirnames, *filenames]:
            path = here / name
            if path in skip:
                continue
            rel = str(path.relative_to(top))
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir",)
            elif path.is_file():
                found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                found[rel] = ("special",)
    return found


def changes(before: dict[str, object], after: dict[str, object]) -> list[str]:
    added = [f"+ {k}" for k in after if k not in before]
    removed = [f"- {k}" for k in before if k not in after]
    changed = [f"~ {k}" for k in after if k in before and after[k] != before[k]]
    return added + removed + changed


def assert_clean(run: Run, code: int | tuple[int, ...]) -> None:
    """The exit status expected, within the time limit, without a traceback or internal error."""
    codes = (code,) if isinstance(code, int) else code
    assert run.code in codes, run.result.describe()
    assert "Traceback" not in run.output, run.result.describe()
    assert "内部エラー" not in run.output, run.result.describe()
    assert "\x1b" not in run.output, "a raw escape character reached the terminal"
    assert run.cpu < CPU_SECONDS, f"{run.cpu:.1f} s of CPU"


def assert_error(run: Run, file: str, *needles: str) -> None:
    """Exit 1 with a diagnostic at ``file`` (a path ending) whose text holds every needle."""
    assert_clean(run, 1)
    found = [d for d in errors(run.result) if d.file.endswith(file)]
    assert found, f"no error at {file}\n{run.result.describe()}"
    assert any(all(n in d.raw for n in needles) for d in found), (
        f"no error at {file} saying {needles}\n{run.result.describe()}"
    )


def tree_of(folder: Path) -> dict[str, object]:
    return snapshot(folder) if folder.exists() else {}
