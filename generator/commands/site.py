"""``hyoka site``: the publishable site for the city's website, in one folder.

``out/site/index.html`` lists the assessments (from the city profile and each cover); each
assessment has ``out/site/<name>/index.html`` (the HTML writer's page with a table of contents,
search and the site's header) and its DOCX, XLSX and, when built and current, PDF beside it,
taken from the build folder after an incremental ``hyoka build`` there. The search index
(``search/``), stylesheet and scripts sit at the root.

Incremental: a page's inputs (its sources, blocks and downloads as the build manifest records
them, the HTML templates, the generator, the city profile and the site's own code) are hashed
into one key; a page whose key is the one recorded last time (``.hyoka-site.json``) is not
rendered again, and a run where no key changed writes nothing. Pages are rendered in a process
pool (``-j``); each worker writes its page and search texts itself and keeps the page's search
postings in the build folder (``<build>/<name>/.hyoka-site-search.txt``), so the search index is
merged from those files one page at a time and memory does not grow with the pages' text.

The new site is written into a temp folder and swapped in whole (``generator.site.publish``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import manifest
from ..buildgraph import GENERATOR, TEMPLATES, generator_fingerprint, template_hashes
from ..diagnostics import Reporter, UsageError
from ..progress import progress
from ..site import names, profile, search
from ..site.index import DEFAULT_KIND, Listed, index_page
from ..site.pages import Download
from ..site.theme import STATIC, static_file
from ..sources import assessment_folders
from . import build

DOWNLOADS = (("docx", "DOCX"), ("xlsx", "XLSX"), ("pdf", "PDF"))
RECORD = ".hyoka-site.json"  # what this command wrote last time, and from which inputs
CACHE_STEM = ".hyoka-site-search"  # + the document's suffix + .txt: its search postings, in its build folder
SCHEMA = 3


@dataclass(frozen=True)
class PageJob:
    """One document's page to render."""

    suffix: str  # the document in its folder (generator.documents): "" or 「-基礎」
    name: str  # on the site
    inputs: str  # the page's key
    cache: Path
    downloads: tuple[Download, ...]  # hrefs relative to the page
    partner: tuple[str, str] | None  # the pair's other document: (its suffix, its name on the site)


@dataclass(frozen=True)
class PageTask:
    """A folder's pages to render (its sources are read once for all of them)."""

    folder: Path
    stage: Path  # the new site's temp folder
    city: profile.Profile
    jobs: tuple[PageJob, ...]


@dataclass
class PageRecord:
    name: str
    inputs: str
    chunks: int  # search/t files
    listing: dict[str, object] = field(default_factory=dict)
    downloads: list[list[str]] = field(default_factory=list)  # [kind, file name, size]: the page's folder


def run(
    paths: list[Path],
    out: Path,
    build_dir: Path,
    profile_path: Path | None,
    quiet: bool = False,
    jobs: int | None = None,
) -> int:
    folders = assessment_folders(paths)
    reporter = Reporter()
    profile_file = profile.find(folders, profile_path)
    city = profile.read(profile_file, reporter)
    reporter.print()
    reporter.raise_if_errors()
    assert city is not None
    _check_out(out, build_dir, folders, profile_file)
    say = (lambda text: None) if quiet else (lambda text: print(text, flush=True))

    # the downloads: current DOCX and XLSX in the build folder (a no-op when they are)
    build.run(folders, build_dir, ["docx", "xlsx"], quiet=True, jobs=jobs)

    common = _common_key(profile_file)
    old = _load_record(out)
    old_pages = {p.name: p for p in old.get("pages", [])} if old else {}
    plans = _plans(folders, build_dir, common)
    site_key = _hash([common, *(f"{p.name}\0{p.inputs}" for p in plans)])
    if old and old.get("key") == site_key and _intact(out, old):
        say(f"サイトは最新です（評価書 {len(plans)} 件）。書き出したファイルはありません。")
        return 0

    from ..site.publish import Stage

    stage = Stage(out)
    try:
        records, rendered = _pages(plans, old_pages, out, stage, city, jobs, quiet)
        search_key = _hash([r.name + "\0" + r.inputs for r in records])
        if old and old.get("search") == search_key and (out / "search" / "meta.js").is_file():
            for path in sorted((out / "search").glob("[mg]*/**/*.js")) + [out / "search" / "meta.js"]:
                stage.link(path, path.relative_to(out).as_posix())
            say("検索の索引は前回のままです。")
        else:
            _search_index(stage, records, plans)
        listed = [_listed(n, r) for n, r in enumerate(records)]
        stage.write("index.html", index_page(city, listed))
        for name in STATIC:
            stage.write(name, static_file(name))
        record = {
            "schema": SCHEMA,
            "key": site_key,
            "search": search_key,
            "pages": [vars(r) for r in records],
        }
        stage.write(RECORD, (json.dumps(record, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))
        stage.publish()
    except BaseException:
        stage.discard()
        raise
    items = sum(int(r.listing.get("items", 0)) for r in records)
    say(
        f"サイト: {out / 'index.html'}（評価書 {len(records)} 件、作り直したページ {rendered} 件、"
        f"検索の項目 {items} 件）"
    )
    return 0


# ---------------------------------------------------------------------------
# What each page is made from


def _hash(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _common_key(profile_file: Path) -> str:
    """What every page depends on: the site's code and templates, the HTML writer's inputs other
    than the sources, the generator, the city profile."""
    parts = [f"schema:{SCHEMA}", generator_fingerprint(), f"profile:{manifest.file_hash(profile_file)}"]
    for path in sorted([*(GENERATOR / "site").glob("*.py"), GENERATOR / "commands" / "site.py"]):
        parts.append(f"{path.name}:{manifest.file_hash(path)}")
    for path in sorted((TEMPLATES / "site").iterdir()):
        if path.is_file():
            parts.append(f"site/{path.name}:{manifest.file_hash(path)}")
    parts.extend(f"{k}:{v}" for k, v in template_hashes("html"))
    parts.append("env:" + os.environ.get("SOURCE_DATE_EPOCH", "").strip())
    return _hash(parts)


@dataclass(frozen=True)
class Plan:
    folder: Path
    suffix: str  # the document in its folder
    name: str  # on the site
    inputs: str
    downloads: tuple[tuple[str, str, Path], ...]  # (kind, file name on the site, built file)
    cache: Path
    partner: tuple[str, str] | None  # the pair's other document: (its suffix, its name on the site)


def _plans(folders: list[Path], build_dir: Path, common: str) -> list[Plan]:
    """Every document's page: a folder's 重点 and its paired 基礎 (``generator.documents``) each
    have one, named on the site as their outputs are (「<folder>」, 「<folder>-基礎」)."""
    from ..documents import suffixes

    documents = [
        (folder, suffix)
        for folder in folders
        for suffix in suffixes(folder)
        # a paired file the folder's form does not take yields no document (the build said so)
        if not suffix or (build_dir / folder.name / build.output_name(folder.name, "docx", suffix)).is_file()
    ]
    site_names = names.site_names([folder.name + suffix for folder, suffix in documents])
    named = dict(zip(documents, site_names, strict=True))
    plans = []
    for folder in folders:
        mine = [(suffix, name) for (f, suffix), name in named.items() if f == folder]
        entries = manifest.load(build_dir / folder.name)
        for suffix, name in mine:
            others = [other for other in mine if other[0] != suffix]
            partner = others[0] if len(mine) == 2 else None
            plans.append(_plan(folder, suffix, name, partner, build_dir, entries, common))
    return plans


def _plan(
    folder: Path,
    suffix: str,
    name: str,
    partner: tuple[str, str] | None,
    build_dir: Path,
    entries: dict[str, manifest.Entry],
    common: str,
) -> Plan:
    """The page's key, from the build manifest the build just brought up to date (sources and
    blocks as the DOCX was built from them), and its downloads."""
    target = build_dir / folder.name
    parts = [common, f"name:{name}", f"partner:{partner}"]
    docx = entries.get(build.output_name(folder.name, "docx", suffix))
    if docx is None:  # the build just wrote it: a lost manifest only costs this page's render
        parts.append("no-manifest:" + os.urandom(8).hex())
    else:
        parts.extend(f"{k}={v}" for k, v in sorted(docx.inputs.items()) if not k.startswith("template:"))
    downloads = []
    for fmt, kind in DOWNLOADS:
        built = target / build.output_name(folder.name, fmt, suffix)
        entry = entries.get(built.name)
        if fmt == "pdf" and not _current_pdf(folder, built, entry):
            continue
        sha = entry.sha256 if entry is not None else manifest.file_hash(built)
        parts.append(f"{fmt}:{sha}:{built.stat().st_size}")
        downloads.append((kind, f"{name}.{fmt}", built))
    cache = target / f"{CACHE_STEM}{suffix}.txt"
    return Plan(folder, suffix, name, _hash(parts), tuple(downloads), cache, partner)


def _current_pdf(folder: Path, path: Path, entry: manifest.Entry | None) -> bool:
    """A PDF is offered only when one was built and is current."""
    if not path.is_file():
        return False
    if manifest.current(folder, "pdf", path, entry) is None:
        print(
            f"{path}: PDF が評価書より古いので、サイトに載せませんでした。hyoka build --format pdf で作り直してください。",
            file=sys.stderr,
        )
        return False
    return True


def _check_out(out: Path, build_dir: Path, folders: list[Path], profile_file: Path) -> None:
    """The site replaces its folder whole: never one that holds anything else."""
    site = out.resolve()
    guarded = [
        build_dir.resolve(),
        profile_file.resolve(),
        Path.cwd().resolve(),
        *(f.resolve() for f in folders),
    ]
    for path in guarded:
        if path == site or site in path.parents:
            raise UsageError(
                f"{out}: サイトの出力先が {path} を含んでいます。サイトはフォルダごと置き換えるので、"
                "評価書・ビルドの出力・作業中のフォルダを含まない、サイト専用のフォルダを指定してください。"
            )
    if site.exists() and (not site.is_dir() or (any(site.iterdir()) and not (site / RECORD).is_file())):
        raise UsageError(
            f"{out}: hyoka site が作ったのではないファイルがあります。サイトはフォルダごと置き換えるので、"
            "空のフォルダか、新しいフォルダを指定してください。"
        )


def _load_record(out: Path) -> dict | None:
    try:
        data = json.loads((out / RECORD).read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            return None
        data["pages"] = [PageRecord(**p) for p in data["pages"]]
        return data
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _page_files(record: PageRecord) -> Iterator[str]:
    yield f"{record.name}/index.html"
    for _, file_name, _ in record.downloads:
        yield f"{record.name}/{file_name}"
    key = search.page_key(record.name)
    for k in range(record.chunks):
        yield f"search/t/{key}-{k}.js"


def _intact(out: Path, record: dict) -> bool:
    return all((out / rel).is_file() for p in record["pages"] for rel in _page_files(p)) and all(
        (out / name).is_file() for name in ("index.html", "search/meta.js", *STATIC)
    )


def _cache_current(plan: Plan) -> bool:
    try:
        with plan.cache.open(encoding="utf-8") as fh:
            return fh.readline().rstrip("\n") == plan.inputs
    except OSError:
        return False


# ---------------------------------------------------------------------------
# Pages


def _pages(
    plans: list[Plan],
    old_pages: dict[str, PageRecord],
    out: Path,
    stage,  # noqa: ANN001 - generator.site.publish.Stage, imported lazily
    city: profile.Profile,
    jobs: int | None,
    quiet: bool,
) -> tuple[list[PageRecord], int]:
    """Every page in the new site: unchanged ones linked from the old site, others rendered (a
    folder's stale pages by one task, which reads its sources once)."""
    records: dict[int, PageRecord] = {}
    stale: dict[Path, list[tuple[int, PageJob]]] = {}
    for number, plan in enumerate(plans):
        for _, file_name, built in plan.downloads:
            stage.link(built, f"{plan.name}/{file_name}")
        old = old_pages.get(plan.name)
        if old is not None and old.inputs == plan.inputs and _cache_current(plan):
            files = list(_page_files(old))
            if all((out / rel).is_file() for rel in files):
                for rel in files:
                    if not rel.startswith(f"{plan.name}/") or rel == f"{plan.name}/index.html":
                        stage.link(out / rel, rel)
                records[number] = old
                continue
        downloads = tuple(
            Download(kind, names.href(file_name), _size(built)) for kind, file_name, built in plan.downloads
        )
        job = PageJob(plan.suffix, plan.name, plan.inputs, plan.cache, downloads, plan.partner)
        stale.setdefault(plan.folder, []).append((number, job))
    tasks = [PageTask(folder, stage.root, city, tuple(j for _, j in jobs)) for folder, jobs in stale.items()]
    numbers = [[n for n, _ in jobs] for jobs in stale.values()]
    with progress(len(tasks), quiet) as shown:
        for task, mine, results in zip(tasks, numbers, _rendered(tasks, jobs), strict=True):
            for number, result in zip(mine, results, strict=True):
                result.downloads = [list(d) for d in _listed_downloads(plans[number])]
                records[number] = result
            shown.done(task.folder.name)
    return [records[n] for n in range(len(plans))], sum(len(n) for n in numbers)


def _listed_downloads(plan: Plan) -> list[tuple[str, str, str]]:
    return [(kind, file_name, _size(built)) for kind, file_name, built in plan.downloads]


def _size(path: Path) -> str:
    from ..site.pages import human_size

    return human_size(path.stat().st_size)


def _rendered(tasks: list[PageTask], jobs: int | None) -> Iterator[list[PageRecord]]:
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(render_pages, tasks)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        yield from pool.map(render_pages, tasks, chunksize=4)


def render_pages(task: PageTask) -> list[PageRecord]:
    """Read and lay out one folder's documents and render the pages asked for and their search
    texts into the stage (in a worker process); the postings go to each page's cache file."""
    from ..pipeline import layout, load_all

    reporter = Reporter()
    (loaded,) = load_all([task.folder], reporter, every_block=False)
    if loaded.assessment is None or reporter.errors:  # build reported them and stopped already
        reporter.print()
        reporter.raise_if_errors()
    assert loaded.assessment is not None
    documents = {d.suffix: d for d in loaded.documents}
    records = []
    for job in task.jobs:
        document = documents[job.suffix]
        related = []
        if job.partner is not None:
            suffix, name = job.partner
            # 「この事務の基礎項目評価書」: the pair's documents are about one 事務
            related.append((f"この事務の{documents[suffix].form.kind}", names.href(name, "index.html", up=1)))
        doc = layout(document.assessment, loaded.blocks)
        records.append(_render_page(task, job, doc, document, related))
    return records


def _render_page(task: PageTask, job: PageJob, doc, document, related) -> PageRecord:  # noqa: ANN001
    from ..site import pages
    from ..writers import writer

    page = pages.page(doc, writer("html").render(doc), task.city, list(job.downloads), "../", related)
    _write(task.stage / job.name / "index.html", page)

    items = search.items(doc, 0)
    key = search.page_key(job.name)
    entry = search.Page(names.href(job.name, "index.html")[2:], doc.name, doc.organisation)
    chunks = 0
    for file_name, data in search.text_files(key, entry, items):
        _write(task.stage / "search" / "t" / file_name, data)
        chunks += 1
    postings = search.page_postings(items)
    lines = [job.inputs, *(f"{gram}\t{posting}" for gram, posting in postings.items())]
    from ..output import write_atomic

    write_atomic(job.cache, ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))

    published = document.assessment.cover.get("公表日")
    date = getattr(published, "date", None)
    listing = {
        "number": doc.number,
        "title": doc.name,
        "organisation": doc.organisation,
        "published": doc.published,
        "date": date.iso() if date is not None else "",
        "kind": document.form.kind or DEFAULT_KIND,
        "items": len(items),
    }
    return PageRecord(job.name, job.inputs, chunks, listing)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _listed(number: int, record: PageRecord) -> Listed:
    data = record.listing
    downloads = [
        Download(kind, names.href(record.name, file_name), size) for kind, file_name, size in record.downloads
    ]
    return Listed(
        str(data["number"]),
        str(data["title"]),
        str(data["organisation"]),
        str(data["published"]),
        names.href(record.name, "index.html"),
        downloads,
        str(data.get("date", "")),
        str(data.get("kind", DEFAULT_KIND)),
        number,
    )


# ---------------------------------------------------------------------------
# The search index


def _search_index(stage, records: list[PageRecord], plans: list[Plan]) -> None:  # noqa: ANN001
    """Merge every page's postings (from its cache file, one page at a time) into the shards."""
    postings = search.Postings()
    for number, plan in enumerate(plans):
        with plan.cache.open(encoding="utf-8", errors="surrogatepass") as fh:
            if fh.readline().rstrip("\n") != plan.inputs:
                raise RuntimeError(f"{plan.cache}: the page's search postings are not its current ones")
            page: dict[str, str] = {}
            for line in fh:
                gram, _, posting = line.rstrip("\n").partition("\t")
                page[gram] = posting
        postings.add(number, page)
    for number, data in postings.shards():
        stage.write(f"search/g/{number}.js", data)
    keys = [search.page_key(r.name) for r in records]
    stage.write("search/meta.js", search.meta(postings.shard_count(), keys))
