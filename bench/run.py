"""Benchmark: a full hyoka build of the examples against pandoc converting the same content.

    .venv/bin/python bench/run.py [SOURCES…] [--runs N]

For each assessment, every figure is the best of N runs of a fresh process (start-up and imports
included), so the numbers are what a user waits for:

* hyoka: ``hyoka build <folder> --format html,docx,xlsx --force`` (the official form's tables in all
  three formats), and HTML only and DOCX only;
* pandoc: the Markdown export of the same document (``hyoka build --format md``, the layout IR as
  GFM pipe tables) converted by ``pandoc`` to DOCX and to standalone HTML.

The ratios say how many times longer hyoka takes. The total builds every assessment in one hyoka
process (with its process pool) against one pandoc run per file. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
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


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def best(command: Sequence[str | Path], runs: int) -> float:
    """The shortest wall time of ``runs`` runs of ``command`` (seconds); fails on a failed run."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([str(c) for c in command], env=_env(), capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"失敗しました: {' '.join(map(str, command))}\n{proc.stdout}{proc.stderr}")
    return min(times)


def hyoka(*args: str | Path) -> list[str | Path]:
    return [sys.executable, "-m", "generator.cli", *args]


def pandoc(source: Path, target: Path, fmt: str) -> list[str | Path]:
    extra = ["-s", "--metadata", f"title={source.stem}"] if fmt == "html" else []
    return ["pandoc", "-f", "markdown", "-t", fmt, *extra, "-o", target, source]


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
    rows: list[tuple[str, float, float, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="hyoka-bench-") as work:
        out = Path(work) / "out"
        best(hyoka("build", *folders, "--out", out, "--format", "md", "--quiet"), 1)
        for folder in folders:
            md = out / folder.name / f"{folder.name}.md"
            common = ("--out", out, "--force", "--quiet", "-j", "1")
            all_three = best(hyoka("build", folder, "--format", "html,docx,xlsx", *common), args.runs)
            html_only = best(hyoka("build", folder, "--format", "html", *common), args.runs)
            docx_only = best(hyoka("build", folder, "--format", "docx", *common), args.runs)
            p_docx = best(pandoc(md, Path(work) / "p.docx", "docx"), args.runs)
            p_html = best(pandoc(md, Path(work) / "p.html", "html"), args.runs)
            rows.append((folder.name, all_three, html_only, docx_only, p_docx, p_html))
        total = best(
            hyoka("build", *folders, "--format", "html,docx,xlsx", "--out", out, "--force", "--quiet"),
            args.runs,
        )

    print(
        f"hyoka と pandoc（{version}）: 新しいプロセスで {args.runs} 回ずつ実行した最短時間（秒）。CPU {os.cpu_count()} 個。"
    )
    print()
    header = (
        "評価書",
        "hyoka 3形式",
        "hyoka HTML",
        "hyoka DOCX",
        "pandoc DOCX",
        "pandoc HTML",
        "3形式/pandoc2形式",
        "HTML比",
        "DOCX比",
    )
    lines = [header]
    for name, three, h, d, pd, ph in rows:
        lines.append(
            (name, f"{three:.3f}", f"{h:.3f}", f"{d:.3f}", f"{pd:.3f}", f"{ph:.3f}",
             f"{three / (pd + ph):.2f}", f"{h / ph:.2f}", f"{d / pd:.2f}")
        )  # fmt: skip
    pandoc_total = sum(r[4] + r[5] for r in rows)
    lines.append(("合計（hyoka は 1 プロセス）", f"{total:.3f}", "", "", f"{sum(r[4] for r in rows):.3f}",
                  f"{sum(r[5] for r in rows):.3f}", f"{total / pandoc_total:.2f}", "", ""))  # fmt: skip
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print(
            "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(line, widths, strict=True)).rstrip()
        )
    print()
    print(
        "比 = hyoka の時間 ÷ pandoc の時間（3形式/pandoc2形式 は hyoka の HTML・DOCX・XLSX と pandoc の DOCX＋HTML）。"
    )
    return 0


def _width(text: str) -> int:
    """Columns on a terminal: East Asian wide characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


if __name__ == "__main__":
    raise SystemExit(main())
