"""Benchmark: a full hyoka build of the examples against pandoc converting the same content.

    .venv/bin/python bench/run.py [SOURCES…] [--runs N]

Every figure is the best of N runs of a fresh process (start-up and imports included), so the
numbers are what a user waits for; beside the wall time, the CPU time (user + system, the
process and all it waited for), which a busy machine disturbs less:

* hyoka: ``hyoka build <folder> --format html,docx,xlsx --force`` (the official form's tables in all
  three formats) as a user runs it (``-j`` left at the number of CPUs: the folder's outputs are
  shared out among that many processes) and in one process (``-j 1``); then, in one process,
  HTML and DOCX together, HTML only and DOCX only;
* pandoc: the Markdown export of the same documents (``hyoka build --format md``, the layout IR as
  GFM pipe tables) converted by ``pandoc`` to DOCX and to standalone HTML, read both as GFM
  (``-f gfm``, the faster reader, and the dialect the export is written in) and as pandoc's
  Markdown (``-f markdown``); the ratios against both are printed side by side. A folder that
  builds two documents (a 重点 and its paired 基礎) gives pandoc both Markdown files in one run,
  so both sides turn the same content (pandoc joins its input files into one document).

Fair to both: the commands of an assessment take turns, run by run, so a busy machine slows them
alike; each runs once before it is timed. hyoka runs as it does once installed, its modules'
bytecode and its compiled templates cached (in a temporary folder: PYTHONPYCACHEPREFIX,
XDG_CACHE_HOME), whatever PYTHONDONTWRITEBYTECODE says here, and as a regular install finds it:
through a plain path entry, from an interpreter whose site-packages holds no editable-install hook
(the checkout's venv has one, which costs every process ~17 ms of imports a user's install does
not), started by a ``hyoka`` console script as pip writes it (``python -m`` adds runpy's imports);
pandoc is a compiled program.

The ratios say how many times longer hyoka takes. The bar (issue 15): every example's three
formats faster than ``pandoc -f gfm`` turns the same content into DOCX alone, the largest in at
most 0.6 of its time. The total builds every assessment in one hyoka process (with its process
pool) against one pandoc run per file. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.sources import assessment_folders  # noqa: E402

Command = Sequence[str | Path]


def _env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["XDG_CACHE_HOME"] = str(work / "cache")
    return env


def _run(command: Command, env: dict[str, str]) -> float:
    """Wall time of one run (seconds); fails on a failed run."""
    start = time.perf_counter()
    proc = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"失敗しました: {' '.join(map(str, command))}\n{proc.stdout}{proc.stderr}")
    return elapsed


def best(commands: dict[str, Command], runs: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """The shortest wall and CPU time of each command over ``runs`` rounds, the commands taking
    turns within a round, after one untimed round."""
    for command in commands.values():
        _timed(command, env)
    times: dict[str, list[tuple[float, float]]] = {key: [] for key in commands}
    for _ in range(runs):
        for key, command in commands.items():
            times[key].append(_timed(command, env))
    return {key: (min(w for w, _ in v), min(c for _, c in v)) for key, v in times.items()}


def _timed(command: Command, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = _run(command, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def installed_python(work: Path) -> Path:
    """An interpreter that finds hyoka as a regular install does: a bare venv (no pip, no
    editable-install hook) whose one .pth names the checkout and this venv's libraries; with
    the ``hyoka`` console script (``program``)."""
    import sysconfig
    import tomllib
    import venv

    target = work / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(target)
    python = target / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    libraries = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "hyoka-bench.pth").write_text("\n".join([str(REPO), *sorted(libraries)]) + "\n")
    # the console script as pip (26) writes it for the project's [project.scripts] entry
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, function = scripts["hyoka"].partition(":")
    script = program(work)
    script.write_text(
        f"#!{python}\nimport sys\nfrom {module} import {function}\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = sys.argv[0].removesuffix('.exe')\n"
        f"    sys.exit({function}())\n"
    )
    script.chmod(0o755)
    return python


def program(work: Path) -> Path:
    """The ``hyoka`` program that ``installed_python(work)`` makes."""
    return work / "venv" / "bin" / "hyoka"


def pandoc(sources: list[Path], target: Path, fmt: str, reader: str = "gfm") -> list[str | Path]:
    extra = ["-s", "--metadata", f"title={sources[0].stem}"] if fmt == "html" else []
    return ["pandoc", "-f", reader, "-t", fmt, *extra, "-o", target, *sources]


COLUMNS = ("three", "three_j1", "html_docx", "html", "docx", "g_docx", "g_html", "m_docx", "m_html")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sources", nargs="*", type=Path, default=[REPO / "sources"])
    parser.add_argument("--runs", "-n", type=int, default=5, help="runs per figure (the best counts)")
    args = parser.parse_args(argv)
    if shutil.which("pandoc") is None:
        raise SystemExit("pandoc がありません: scripts/install-system-deps.sh で入れてください。")
    folders = assessment_folders(args.sources)
    version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="hyoka-bench-") as tmp:
        work = Path(tmp)
        env = _env(work)
        installed_python(work)

        def hyoka(*args: str | Path) -> list[str | Path]:
            return [program(work), *args]

        out = work / "out"
        _run(hyoka("build", *folders, "--out", out, "--format", "md", "--quiet"), env)
        for folder in folders:
            # the folder's documents, its own first (a paired 基礎 after it)
            md = sorted((out / folder.name).glob("*.md"), key=lambda p: (p.stem != folder.name, p.name))
            as_user = ("--out", out, "--force", "--quiet")  # -j left at the number of CPUs
            common = (*as_user, "-j", "1")
            commands = {
                "three": hyoka("build", folder, "--format", "html,docx,xlsx", *as_user),
                "three_j1": hyoka("build", folder, "--format", "html,docx,xlsx", *common),
                "html_docx": hyoka("build", folder, "--format", "html,docx", *common),
                "html": hyoka("build", folder, "--format", "html", *common),
                "docx": hyoka("build", folder, "--format", "docx", *common),
                "g_docx": pandoc(md, work / "p.docx", "docx", "gfm"),
                "g_html": pandoc(md, work / "p.html", "html", "gfm"),
                "m_docx": pandoc(md, work / "p.docx", "docx", "markdown"),
                "m_html": pandoc(md, work / "p.html", "html", "markdown"),
            }
            rows.append((folder.name, best(commands, args.runs, env)))
        everything = hyoka(
            "build", *folders, "--format", "html,docx,xlsx", "--out", out, "--force", "--quiet"
        )
        total = best({"total": everything}, args.runs, env)["total"]

    print(
        f"hyoka と pandoc（{version}）: 新しいプロセスで {args.runs} 回ずつ（交互に）実行した最短時間（秒）。"
        f"CPU {os.cpu_count()} 個。各欄は 経過時間 / CPU 時間。"
    )
    print()
    header = (
        "評価書",
        "hyoka 3形式",
        "hyoka 3形式 -j 1",
        "hyoka HTML+DOCX",
        "hyoka HTML",
        "hyoka DOCX",
        "gfm DOCX",
        "gfm HTML",
        "markdown DOCX",
        "markdown HTML",
        "3形式/gfm DOCX",
        "3形式 -j 1/gfm DOCX",
        "3形式/markdown DOCX",
        "DOCX/gfm DOCX",
    )
    lines = [header]
    for name, t in rows:
        lines.append(
            (name, *(_pair(t[c]) for c in COLUMNS), _ratio(t["three"], t["g_docx"]),
             _ratio(t["three_j1"], t["g_docx"]), _ratio(t["three"], t["m_docx"]),
             _ratio(t["docx"], t["g_docx"]))
        )  # fmt: skip
    sums = {c: (sum(t[c][0] for _, t in rows), sum(t[c][1] for _, t in rows)) for c in COLUMNS[5:]}
    lines.append(("合計（hyoka は 1 回の build）", _pair(total), "", "", "", "", *(_pair(sums[c]) for c in COLUMNS[5:]),
                  _ratio(total, sums["g_docx"]), "", _ratio(total, sums["m_docx"]), ""))  # fmt: skip
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print(
            "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(line, widths, strict=True)).rstrip()
        )
    print()
    print(
        "比 = hyoka の時間 ÷ pandoc の時間（経過時間の比 / CPU 時間の比）。gfm は pandoc -f gfm、markdown は -f markdown。"
    )
    largest = max(folders, key=lambda f: sum(p.stat().st_size for p in f.iterdir() if p.is_file()))
    for column, how in (("three", f"-j 既定（CPU {os.cpu_count()} 個）"), ("three_j1", "-j 1")):
        faster = all(t[column][0] < t["g_docx"][0] for _, t in rows)
        t = dict(rows)[largest.name]
        ratio = t[column][0] / t["g_docx"][0]
        print(
            f"基準（{how}）: どの評価書も 3 形式が pandoc -f gfm の DOCX だけより速い: "
            f"{'満たしています' if faster else '満たしていません'}。最大の評価書 {largest.name} は {ratio:.2f} 倍"
            f"（0.6 以下: {'満たしています' if ratio <= 0.6 else '満たしていません'}、"
            f"{t[column][0]:.3f} 秒 対 {t['g_docx'][0]:.3f} 秒）。"
        )
    return 0


def _pair(t: tuple[float, float]) -> str:
    return f"{t[0]:.3f}/{t[1]:.3f}"


def _ratio(a: tuple[float, float], b: tuple[float, float]) -> str:
    return f"{a[0] / b[0]:.2f}/{a[1] / b[1]:.2f}"


def _width(text: str) -> int:
    """Columns on a terminal: East Asian wide characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


if __name__ == "__main__":
    raise SystemExit(main())
