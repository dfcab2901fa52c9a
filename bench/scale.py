"""Scale benchmark: hyoka on N synthetic assessments (bench/synth.py), N = 10, 100, 1000.

    .venv/bin/python bench/scale.py [--sizes 10,100,1000] [--runs 3] [--jobs 2] [--work DIR] [--steps S,…]

For each N, in a fresh folder (sources written by ``bench.synth.make_sources``), in this order:

* ``full``: ``hyoka build`` of everything (html, docx, xlsx; ``-j``);
* ``noop``: the same again, nothing to do (``--runs`` times, the median counts);
* ``yaml``: one assessment's cover edited, then ``hyoka build`` (it must write that folder's 3 files);
* ``block``: the newest text of a city block edited, then ``hyoka build``: the folders it wrote
  are compared with the folders whose manifest says they use that block's newest version;
* ``make-deps``: ``make`` with the project's Makefile right after, writing out/deps.mk (and the
  per-folder rules) from the build's records; ``make-noop``: ``make`` with nothing to do (median);
  ``make-yaml``: one cover edited, then ``make``;
* ``site``, ``site-noop``: ``hyoka site`` over the built folder, then again with nothing changed.

Each figure is the wall time, the CPU time (user + system of the process and every process it
waited for) and memory: the peak resident size of the largest single process (``ru_maxrss``)
and the peak of the sum over the process tree (sampled from /proc every 20 ms; pages shared by
forked workers count once per process, so this errs high). Nothing here asserts a time: the
machine may be shared, so the medians of ``--runs`` runs are printed for the quick steps.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synth import make_sources  # noqa: E402

FORMATS = "html,docx,xlsx"
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Figure:
    step: str
    n: int
    wall: float
    cpu: float
    max_rss_mib: float  # the largest single process
    tree_rss_mib: float  # the process tree's sum, sampled
    note: str = ""


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return found


def _tree_rss(pid: int) -> int:
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except OSError:
            continue
        todo.extend(_children(p))
    return total


def measure(step: str, n: int, command: list[str], cwd: Path, env: dict[str, str]) -> tuple[Figure, str]:
    """Run ``command`` once: its figure and its stdout. Fails loudly when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [
        threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = "".join(out_chunks), "".join(err_chunks)
    if proc.returncode != 0:
        raise SystemExit(f"失敗しました ({step}, N={n}): {' '.join(command)}\n{stdout}\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime
    return Figure(step, n, wall, cpu, usage.ru_maxrss / 1024, peak[0] / 2**20), stdout


def median(figures: list[Figure]) -> Figure:
    first = figures[0]
    return Figure(
        first.step,
        first.n,
        statistics.median(f.wall for f in figures),
        statistics.median(f.cpu for f in figures),
        max(f.max_rss_mib for f in figures),
        max(f.tree_rss_mib for f in figures),
        f"median of {len(figures)}" + (f"; {first.note}" if first.note else ""),
    )


def written_folders(stdout: str) -> set[str]:
    return {
        Path(line.split(": ", 1)[1]).parent.name
        for line in stdout.splitlines()
        if line.startswith("書き出しました: ")
    }


def edit_cover(folder: Path, text: str) -> None:
    cover = folder / "0_表紙.yaml"
    with cover.open("a", encoding="utf-8") as fh:
        fh.write(f"# {text}\n")
    body = cover.read_text(encoding="utf-8")
    # a comment alone changes the bytes, not the document: change a value the document prints
    body = re.sub(r"(?m)^(評価書名: .*)$", lambda m: m.group(1) + "・改", body, count=1)
    cover.write_text(body, encoding="utf-8")


def block_users(out: Path) -> dict[str, set[str]]:
    """Block id → the folders whose manifest says they use it (any version)."""
    users: dict[str, set[str]] = {}
    for man in out.glob("*/.hyoka-manifest.json"):
        data = json.loads(man.read_text(encoding="utf-8"))
        for entry in data["outputs"].values():
            for key in entry["inputs"]:
                if key.startswith("block:"):
                    users.setdefault(key[6:].rpartition("@")[0], set()).add(man.parent.name)
    return users


def edit_block(path: Path) -> None:
    """Append a sentence to the newest version's text (the first ``text: |`` block)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if re.match(r"\s*text: [|>]", line):
            indent = re.match(r"\s*", lines[i + 1]).group(0)
            lines.insert(i + 2, f"{indent}（ベンチマークで書き足した文です。）\n")
            break
    else:
        raise SystemExit(f"{path}: text: | が見つかりません")
    path.write_text("".join(lines), encoding="utf-8")


STEPS = ("full", "noop", "yaml", "block", "make-deps", "make-noop", "make-yaml", "site")


def run_size(
    n: int, root: Path, runs: int, jobs: int, env: dict[str, str], site: bool, steps: tuple[str, ...] = STEPS
) -> list[Figure]:
    """``steps``: the ones to run; without ``full``, the sources and outputs of an earlier run in
    ``root`` are used as they are (``--work``)."""
    figures: list[Figure] = []
    work = root / f"n{n}"
    sources = work / "sources"
    if "full" in steps or not sources.is_dir():
        shutil.rmtree(work, ignore_errors=True)
        folders = make_sources(sources, n)
    else:
        folders = sorted(p for p in sources.iterdir() if p.is_dir() and p.name != "blocks")
    out = work / "out"
    hyoka = [sys.executable, "-m", "generator.cli"]
    build = [*hyoka, "build", str(sources), "--out", str(out), "--format", FORMATS, "-j", str(jobs)]

    def step(name: str, command: list[str], note=None) -> Figure:  # noqa: ANN001 - stdout → note
        figure, stdout = measure(name, n, command, REPO, env)
        if note is not None:
            figure.note = note(stdout)
        figures.append(figure)
        print(_row(figure), flush=True)
        return figure

    if "full" in steps:
        step("full", [*build, "--quiet"])
    if "noop" in steps:
        noops = [measure("noop", n, [*build, "--quiet"], REPO, env)[0] for _ in range(runs)]
        figures.append(median(noops))
        print(_row(figures[-1]), flush=True)

    if "yaml" in steps:
        edit_cover(folders[n // 2], "bench yaml")
        step("yaml", build, lambda stdout: f"wrote {len(written_folders(stdout))} folder(s)")
    if "block" in steps:
        _block_step(sources, out, step, build)
    make = ["make", "--no-print-directory", "-C", str(REPO), f"SOURCES={sources}", f"OUT={out}"]
    if "make-deps" in steps:
        step("make-deps", make)
    if "make-noop" in steps:
        noops = [measure("make-noop", n, make, REPO, env)[0] for _ in range(runs)]
        figures.append(median(noops))
        print(_row(figures[-1]), flush=True)
    if "make-yaml" in steps:
        edit_cover(folders[n // 3], "bench make")
        step("make-yaml", make, lambda stdout: f"{stdout.count(' build ')} build command(s)")

    if site and "site" in steps:
        site_cmd = [*hyoka, "site", str(sources), "--out", str(work / "site"), "--build", str(out), "--quiet"]
        step("site", site_cmd)
        step("site-noop", site_cmd)
    return figures


def _block_step(sources: Path, out: Path, step, build: list[str]) -> None:  # noqa: ANN001 - run_size's step
    """The city's block with the most users (its one version) edited: exactly they must be rebuilt."""
    users_of = block_users(out)
    city = {
        p.relative_to(sources / "blocks").with_suffix("").as_posix(): p
        for p in (sources / "blocks").rglob("*.yaml")
    }
    block_id = max(sorted(set(city) & set(users_of)), key=lambda i: len(users_of[i]))
    users = users_of[block_id]
    edit_block(city[block_id])

    def exact(stdout: str) -> str:
        rebuilt = written_folders(stdout)
        return f"{block_id}: rebuilt {len(rebuilt)}, users {len(users)}, exact: {'yes' if rebuilt == users else 'NO'}"

    step("block", build, exact)


def _row(f: Figure) -> str:
    return (
        f"N={f.n:<5} {f.step:<10} wall {f.wall:8.3f} s  cpu {f.cpu:8.3f} s  "
        f"max {f.max_rss_mib:7.1f} MiB  tree {f.tree_rss_mib:7.1f} MiB  {f.note}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument(
        "--runs", "-n", type=int, default=3, help="runs of each quick step (the median counts)"
    )
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--work", type=Path, help="folder for the sources and outputs (default: a temp folder)"
    )
    parser.add_argument("--no-site", dest="site", action="store_false")
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help=f"the steps to run (default: all: {','.join(STEPS)}); without full, those of --work are reused",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached
    env.pop("SOURCE_DATE_EPOCH", None)
    root = args.work or Path(tempfile.mkdtemp(prefix="hyoka-scale-"))
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    env["XDG_CACHE_HOME"] = str(root / "cache")
    print(
        f"CPU {os.cpu_count()} 個、-j {args.jobs}、{args.runs} 回の中央値（速い手順）。作業フォルダ: {root}"
    )
    figures: list[Figure] = []
    for n in (int(s) for s in args.sizes.split(",")):
        steps = tuple(s.strip() for s in args.steps.split(",") if s.strip())
        unknown = set(steps) - set(STEPS)
        if unknown:
            parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
        figures.extend(run_size(n, root, args.runs, args.jobs, env, args.site, steps))
    if args.json:
        args.json.write_text(
            json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=1), encoding="utf-8"
        )
    if args.work is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
