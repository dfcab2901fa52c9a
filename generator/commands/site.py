"""``hyoka site``: the publishable site for the city's website, in one folder.

``out/site/index.html`` lists the assessments (from the city profile and each cover); each
assessment has ``out/site/<name>/index.html`` (the HTML writer's page with a table of contents,
search and the site's header) and its DOCX, XLSX and, when built and current, PDF beside it,
taken from the build folder after an incremental ``hyoka build`` there. The search index,
stylesheet and script sit at the root. Only changed files are written, each atomically; files
an earlier run wrote that this run does not (a removed assessment) are deleted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import manifest
from ..diagnostics import Reporter, UsageError
from ..output import write_atomic
from ..site import pages, profile, search
from ..site.index import Listed, index_page
from ..site.theme import STATIC, static_file
from ..sources import assessment_folders
from . import build

DOWNLOADS = (("docx", "DOCX"), ("xlsx", "XLSX"), ("pdf", "PDF"))
RECORD = ".hyoka-site.json"  # the files this command wrote last time


def run(paths: list[Path], out: Path, build_dir: Path, profile_path: Path | None, quiet: bool = False) -> int:
    folders = assessment_folders(paths)
    reporter = Reporter()
    city = profile.read(profile.find(folders, profile_path), reporter)
    reporter.print()
    reporter.raise_if_errors()
    assert city is not None
    if out.resolve() in (build_dir.resolve() / f.name for f in folders):
        raise UsageError(f"{out}: 評価書の出力フォルダと同じです。サイトは別のフォルダに書き出してください。")

    # the downloads: current DOCX and XLSX in the build folder (a no-op when they are)
    build.run(folders, build_dir, ["docx", "xlsx"], quiet=True)

    from ..pipeline import layout, load_all
    from ..writers import writer

    loaded = load_all(folders, reporter)
    if reporter.errors:  # the build above reported its warnings already
        reporter.print()
        reporter.raise_if_errors()
    html = writer("html")
    files: dict[str, bytes] = {}
    listed: list[Listed] = []
    site_pages: list[search.Page] = []
    items: list[search.Item] = []
    for number, item in enumerate(loaded):
        assert item.assessment is not None
        name = item.folder.name
        doc = layout(item.assessment, item.blocks)
        downloads = []
        for fmt, kind in DOWNLOADS:
            data = _download(item.folder, build_dir, fmt)
            if data is None:
                continue
            files[f"{name}/{name}.{fmt}"] = data
            downloads.append((kind, f"{name}.{fmt}", pages.human_size(len(data))))
        files[f"{name}/index.html"] = pages.page(
            doc, html.render(doc), city, [pages.Download(*d) for d in downloads], root="../"
        )
        listed.append(
            Listed(
                doc.number,
                doc.name,
                doc.organisation,
                doc.published,
                f"{name}/index.html",
                [pages.Download(kind, f"{name}/{href}", size) for kind, href, size in downloads],
            )
        )
        site_pages.append(search.Page(f"{name}/index.html", doc.name, doc.organisation))
        items.extend(search.items(doc, number))
    files["index.html"] = index_page(city, listed)
    files["search-index.js"] = search.script(search.index(site_pages, items))
    for name in STATIC:
        files[name] = static_file(name)
    written = _write(out, files)
    if not quiet:
        for path in written:
            print(f"書き出しました: {path}")
        print(f"サイト: {out / 'index.html'}（評価書 {len(loaded)} 件、検索の項目 {len(items)} 件）")
    return 0


def _download(folder: Path, build_dir: Path, fmt: str) -> bytes | None:
    """The built file to offer; a PDF only when one was built and is current."""
    name = folder.name
    path = build_dir / name / build.output_name(name, fmt)
    if fmt != "pdf":
        return path.read_bytes()
    if not path.is_file():
        return None
    entry = manifest.load(build_dir / name).get(path.name)
    if manifest.current(folder, fmt, path, entry) is None:
        print(
            f"{path}: PDF が評価書より古いので、サイトに載せませんでした。hyoka build --format pdf で作り直してください。",
            file=sys.stderr,
        )
        return None
    return path.read_bytes()


def _write(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write what changed; delete what the previous run wrote and this one does not."""
    written = []
    for rel in sorted(files):
        path = out / rel
        if path.is_file() and path.read_bytes() == files[rel]:
            continue
        write_atomic(path, files[rel])
        written.append(path)
    record = out / RECORD
    try:
        previous = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = []
    for rel in sorted(set(previous) - set(files)):
        path = out / rel
        if isinstance(rel, str) and path.resolve().is_relative_to(out.resolve()):
            path.unlink(missing_ok=True)
            if path.parent != out and not any(path.parent.iterdir()):
                path.parent.rmdir()
    listing = (json.dumps(sorted(files), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if not record.is_file() or record.read_bytes() != listing:
        write_atomic(record, listing)
    return written
