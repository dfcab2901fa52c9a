"""``hyoka build``: sources → HTML / DOCX / XLSX (and PDF through LibreOffice) in out/.

Incremental: an output is rebuilt only when an input it was built from changed (see
``generator.buildgraph`` and ``generator.manifest``). The check hashes files and parses nothing,
so a build with nothing to do imports neither the reader nor a writer's libraries.

Stale assessments are read, checked, laid out and rendered in a process pool (``-j``), each
worker returning bytes; nothing is written unless every one of them is free of errors, and then
each file is written atomically in a fixed order, so the outputs do not depend on ``-j``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import manifest
from ..buildgraph import BlockFile, static_inputs
from ..diagnostics import Diagnostic, Reporter, UsageError
from ..output import write_atomic
from ..progress import progress
from ..sources import assessment_folders
from ..writers import WRITERS

ALL_FORMATS = ("html", "docx", "xlsx")
KNOWN = (*WRITERS, "pdf")


def parse_formats(spec: str) -> list[str]:
    formats = [f.strip().lower() for f in spec.split(",") if f.strip()]
    for f in formats:
        if f not in KNOWN:
            raise UsageError(
                f"出力形式「{f}」には対応していません。使える形式: {', '.join(KNOWN)}（カンマ区切りで複数指定）"
            )
    return list(dict.fromkeys(formats)) or list(ALL_FORMATS)


def output_name(name: str, fmt: str, suffix: str = "") -> str:
    """Every writer's extension is its format name (checked when it renders); ``suffix`` names
    a folder's further document (「-基礎」, see ``generator.documents``)."""
    return f"{name}{suffix}.{fmt}"


@dataclass(frozen=True)
class Task:
    folder: Path
    outputs: tuple[tuple[str, str], ...]  # the stale ones: (document suffix, format)


@dataclass
class Rendered:
    folder: Path
    diagnostics: list[Diagnostic]
    outputs: dict[tuple[str, str], bytes] = field(
        default_factory=dict
    )  # (suffix, format) → bytes; empty on errors
    block_inputs: dict[str, str] = field(default_factory=dict)
    block_files: list[BlockFile] = field(default_factory=list)


def render(task: Task) -> Rendered:
    """Read, check, lay out and render one assessment (in a worker process)."""
    from ..buildgraph import used_blocks
    from ..pipeline import layout, load_all
    from ..writers import writer

    reporter = Reporter()
    # only the blocks used: a broken block file that no assessment uses is hyoka check's to report
    (loaded,) = load_all([task.folder], reporter, every_block=False)
    if reporter.errors or loaded.assessment is None:
        return Rendered(task.folder, reporter.diagnostics)
    outputs = {}
    for document in loaded.documents:
        wanted = [fmt for suffix, fmt in task.outputs if suffix == document.suffix]
        if not wanted:
            continue
        doc = layout(document.assessment, loaded.blocks)
        for fmt in wanted:
            if fmt == "pdf":
                from ..pdf import print_pdf

                outputs[document.suffix, fmt] = print_pdf(doc, task.folder.name + document.suffix)
                continue
            module = writer(fmt)
            if f".{fmt}" != module.EXTENSION:
                raise RuntimeError(f"writer {fmt}: EXTENSION {module.EXTENSION!r} is not '.{fmt}'")
            outputs[document.suffix, fmt] = module.render(doc)
    block_inputs, block_files = used_blocks(loaded.assessment, loaded.library)
    return Rendered(task.folder, reporter.diagnostics, outputs, block_inputs, block_files)


def _rendered(tasks: list[Task], jobs: int) -> Iterator[Rendered]:
    """Results in task order, whatever order the workers finish in."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(render, tasks)
        return
    from concurrent.futures import ProcessPoolExecutor  # 20 ms of imports a one-process build skips

    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        futures = [pool.submit(render, t) for t in tasks]
        try:
            for future in futures:
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


@dataclass
class Plan:
    tasks: list[Task] = field(default_factory=list)
    inputs: dict[tuple[Path, str], dict[str, str]] = field(default_factory=dict)  # static inputs
    current: int = 0  # outputs left as they are


def plan(folders: list[Path], out: Path, formats: list[str], force: bool, say: Callable[[str], None]) -> Plan:
    """Which outputs are stale. Hashes files only: parses no source, imports no writer."""
    result = Plan()
    from ..documents import suffixes

    for folder in folders:
        target = out / folder.name
        wanted = [(suffix, fmt) for suffix in suffixes(folder) for fmt in formats]
        names = [output_name(folder.name, fmt, suffix) for suffix, fmt in wanted]
        for leftover in manifest.remove_leftovers(target, names):
            say(f"前回中断したビルドの一時ファイルを削除しました: {leftover}")
        entries = {} if force else manifest.load(target)
        refreshed = {}
        stale = []
        for (suffix, fmt), name in zip(wanted, names, strict=True):
            result.inputs[folder, fmt] = static = static_inputs(folder, fmt)
            entry = manifest.current(folder, fmt, target / name, entries.get(name), static)
            if entry is None:
                stale.append((suffix, fmt))
                continue
            result.current += 1
            if entry.blocks != entries[name].blocks:  # a block file changed, not the versions used
                refreshed[name] = entry
        manifest.update(target, refreshed)
        if stale:
            result.tasks.append(Task(folder, tuple(stale)))
    return result


def run(
    paths: list[Path],
    out: Path,
    formats: list[str],
    quiet: bool = False,
    jobs: int | None = None,
    force: bool = False,
) -> int:
    folders = assessment_folders(paths)
    _check_names(folders)
    say: Callable[[str], None] = (lambda text: None) if quiet else (lambda text: print(text, flush=True))
    todo = plan(folders, out, formats, force, say)
    if not todo.tasks:
        say(f"すべて最新です（{todo.current} ファイル）。書き出したファイルはありません。")
        return 0
    if any(fmt == "pdf" for t in todo.tasks for _, fmt in t.outputs):
        from ..pdf import soffice_path

        soffice_path()  # fail before any work when LibreOffice is missing

    with progress(len(todo.tasks), quiet) as shown:
        results = []
        for result in _rendered(todo.tasks, jobs or os.cpu_count() or 1):
            results.append(result)
            shown.done(result.folder.name)
        reporter = _diagnostics(results)
        reporter.print()
        reporter.raise_if_errors()
        written = 0
        for result in results:
            target = out / result.folder.name
            entries = {}
            for (suffix, fmt), data in result.outputs.items():
                path = target / output_name(result.folder.name, fmt, suffix)
                write_atomic(path, data)
                written += 1
                inputs = todo.inputs[result.folder, fmt] | result.block_inputs
                sha = hashlib.sha256(data).hexdigest()
                entries[path.name] = manifest.Entry(fmt, sha, inputs, result.block_files)
                shown.line(f"書き出しました: {path}")
            manifest.update(target, entries)
    if todo.current:
        say(f"{written} ファイルを書き出しました（{todo.current} ファイルは最新のためそのままです）。")
    return 0


def _diagnostics(results: list[Rendered]) -> Reporter:
    """All workers' diagnostics in folder order; the shared block library's come once, not once
    per assessment."""
    reporter = Reporter()
    seen: set[Diagnostic] = set()
    for result in results:
        for d in result.diagnostics:
            if d not in seen:
                seen.add(d)
                reporter.diagnostics.append(d)
    return reporter


def _check_names(folders: list[Path]) -> None:
    seen: dict[str, Path] = {}
    for folder in folders:
        other = seen.setdefault(folder.name, folder)
        if other != folder:
            raise UsageError(
                f"{other} と {folder} は同じ名前です。出力先 out/{folder.name}/ が重なるので、"
                "フォルダ名を変えてください。"
            )
