"""CPU per document by stage, in one process: load (YAML, reader, rules, blocks), layout, and each
writer's render, for every example folder given (default: the examples in sources/).

    .venv/bin/python bench/stages.py [FOLDERS…] [--rounds 3]

One untimed warm-up pass first, so imports and first-use caches are not counted; then ``rounds``
passes, ``time.process_time`` around each stage; prints the least ms of any pass per stage (a
shared machine only ever adds time), the folder's further documents (a paired 基礎) laid out and
rendered too and counted with it. ``--fresh``: the caches a worker keeps from one assessment to
the next (block files read, XLSX line counts) are emptied before each pass, as for the first
assessment a process builds; without it every pass after the first finds them filled, as a build
worker does for the later of many similar assessments. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.diagnostics import Reporter  # noqa: E402
from generator.pipeline import layout, load_all  # noqa: E402
from generator.writers import writer  # noqa: E402

STAGES = ("load", "layout", "html", "docx", "xlsx")


def empty_caches() -> None:
    from generator.blocks import library
    from generator.writers import xlsx_metrics

    for module, name in ((library, "_READ"), (xlsx_metrics, "_COUNTS")):
        getattr(module, name, {}).clear()  # {}: a version before these caches (to compare)
    from generator import diagnostics
    from generator.writers import docx_xml

    # memos of the texts a form repeats, and of the folders resolved for messages
    for module, name in ((docx_xml, "run_xml"), (docx_xml, "_em_width"), (diagnostics, "_folder_inside")):
        getattr(getattr(module, name, None), "cache_clear", lambda: None)()


def one_pass(folder: Path, times: dict[str, float], fresh: bool = False) -> None:
    if fresh:
        empty_caches()
    clock = time.process_time
    start = clock()
    reporter = Reporter()
    (loaded,) = load_all([folder], reporter, every_block=False)
    times["load"] += clock() - start
    assert loaded.assessment is not None, reporter.diagnostics
    for document in loaded.documents:
        start = clock()
        doc = layout(document.assessment, loaded.blocks)
        times["layout"] += clock() - start
        for fmt in ("html", "docx", "xlsx"):
            start = clock()
            writer(fmt).render(doc)
            times[fmt] += clock() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="empty the per-process caches each pass")
    args = parser.parse_args()
    folders = args.folders or sorted(p for p in (REPO / "sources").iterdir() if (p / "0_表紙.yaml").is_file())
    print("| folder | " + " | ".join(STAGES) + " | total |")
    print("| --- |" + " ---: |" * (len(STAGES) + 1))
    for folder in folders:
        one_pass(folder, dict.fromkeys(STAGES, 0.0))
        least = dict.fromkeys(STAGES, float("inf"))
        for _ in range(args.rounds):
            times = dict.fromkeys(STAGES, 0.0)
            one_pass(folder, times, args.fresh)
            least = {k: min(v, times[k]) for k, v in least.items()}
        ms = {k: 1000 * v for k, v in least.items()}
        cells = " | ".join(f"{ms[k]:.1f}" for k in STAGES)
        print(f"| {folder.name} | {cells} | {sum(ms.values()):.1f} |")


if __name__ == "__main__":
    main()
