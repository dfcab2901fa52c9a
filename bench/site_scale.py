"""Benchmark: ``hyoka site`` over N synthetic assessments, and what one search reads.

    .venv/bin/python bench/site_scale.py [--n 1000] [--work /tmp/site-bench] [--jobs 2]
        [--steps full,noop,edit] [--formats html,docx,xlsx] [--no-build] [--no-search]

Makes N varied copies of the examples (bench/synth.py) unless ``--work`` holds them already, builds
them as ``hyoka build`` does by default (HTML, DOCX, XLSX; untimed: that is ``hyoka build``'s
benchmark), then times, each as a fresh process: the full site into an empty folder, a run with
nothing changed, and a run after one assessment's YAML was edited (``--steps`` picks some). For
each: wall and CPU seconds, peak memory (the largest resident set of the command or of any of its
workers) and the load average (1 min) before and after. Last, headless Chromium searches the site
from ``file://`` for 「ガバメントクラウド」 and the bytes of every file the query loaded are added up.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synth import make_sources  # noqa: E402

QUERY = "ガバメントクラウド"


def measure(args: list[str | Path], cwd: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MiB) of one run of hyoka; fails on a failed run. ``wait4`` gives this
    child's own usage, its workers' included (their peak when larger)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", *map(str, args)], cwd=cwd, env=env, stdout=log, stderr=log
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            log.seek(0)
            raise SystemExit(f"失敗しました: {args}\n{log.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def query_bytes(site: Path, query: str) -> tuple[int, int, str]:
    """(files, bytes) read by one search from file://, and the summary line shown."""
    from tests.browser import chromium

    with chromium() as browser:
        page = browser.new_page()
        requests: list[str] = []
        page.goto((site / "index.html").as_uri())
        page.on("request", lambda r: requests.append(r.url))
        page.fill("#search-query", query)
        page.press("#search-query", "Enter")
        page.wait_for_selector(".search-summary")
        summary = page.text_content(".search-summary") or ""
    paths = [Path(urllib.parse.unquote(urllib.parse.urlparse(u).path)) for u in requests]
    return len(paths), sum(p.stat().st_size for p in paths), summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/hyoka-site-bench"))
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--steps", default="full,noop,edit", help="full, noop, edit (comma-separated)")
    parser.add_argument("--formats", default="html,docx,xlsx", help="what the untimed build makes")
    parser.add_argument("--no-build", dest="build", action="store_false", help="the build folder is made")
    parser.add_argument("--no-search", dest="search", action="store_false", help="no Chromium search")
    args = parser.parse_args()
    steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    work = args.work
    sources = work / "sources"
    if not sources.is_dir():
        make_sources(sources, args.n)
    folders = sorted(p for p in sources.iterdir() if p.is_dir() and p.name != "blocks")
    print(f"N = {len(folders)}, -j{args.jobs}")
    if args.build:
        _build(work, args.formats)
    site_args: list[str | Path] = [
        "site",
        "sources",
        "--out",
        "site",
        "--build",
        "out",
        "-q",
        "-j",
        str(args.jobs),
    ]
    rows = []
    if "full" in steps:
        shutil.rmtree(work / "site", ignore_errors=True)
        rows.append(("full site", _step(site_args, work)))
    if "noop" in steps:
        rows.append(("no-op site", _step(site_args, work)))
    if "edit" in steps:
        edited = folders[len(folders) // 2] / "1_基本情報.yaml"
        edited.write_text(
            edited.read_text(encoding="utf-8") + "\n# edited by bench/site_scale.py\n", encoding="utf-8"
        )
        rows.append(("one YAML edited", _step(site_args, work)))
    print(f"{'':18} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} {'load before/after':>18}")
    for name, ((wall, cpu, peak), before, after) in rows:
        print(f"{name:18} {wall:8.2f} {cpu:8.2f} {peak:9.0f} {before:>9.2f}/{after:<8.2f}")
    if args.search:
        files, size, summary = query_bytes(work / "site", QUERY)
        print(f"search 「{QUERY}」: {files} files, {size:,} bytes ({size / 1024:.0f} KiB) — {summary}")


def _step(args: list[str | Path], cwd: Path) -> tuple[tuple[float, float, float], float, float]:
    before = os.getloadavg()[0]
    figures = measure(args, cwd)
    return figures, before, os.getloadavg()[0]


def _build(work: Path, formats: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "build",
            "sources",
            "--out",
            "out",
            "-q",
            "--format",
            formats,
        ],
        cwd=work,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        check=True,
        capture_output=True,
    )


if __name__ == "__main__":
    main()
