"""``hyoka site``: the publishable site for the city's website, in one folder.

``out/site/index.html`` lists the documents (from the city profile and each cover); every
document a folder yields (its 重点 and the paired 基礎, ``generator.documents``) has its page,
``out/site/<name>/index.html`` or ``<name>-基礎/index.html`` (the HTML writer's page with a table
of contents, search, the site's header and a link to the pair's other page) and its DOCX, XLSX
and, when built and current, PDF beside it, taken from the build folder after an incremental
``hyoka build`` there. The search index (``search/``), stylesheet and scripts sit at the root.

Incremental: a page's key is made of the stamp of its DOCX in the build's file index (every
source and block file it was built from, by content; ``generator.commands.build``), its
downloads' hashes, and what every page depends on (the HTML templates, the generator, the city
profile, the site's own code); a page whose key is the one recorded last time
(``.hyoka-site.json``) is not rendered again, and a run where no key changed writes nothing. The
keys are checked from the file index alone: a run with nothing to do reads no file whose stat is
unchanged and imports neither the templates nor the reader.

Pages are rendered in a process pool (``-j``), a folder's stale pages by one task that reads
its sources once (not checking them again: the build did); a page whose HTML the build made and
that is current is taken as it is. Each worker writes its page and search texts itself and keeps
the page's search postings in the build folder (``<build>/<name>/.hyoka-site-search<suffix>.txt``);
the parent merges those into the search index one page at a time, in page order, while later
pages render, so memory does not grow with the pages' text.

The new site is written into a temp folder and swapped in whole (``generator.site.publish``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import manifest
from ..buildgraph import GENERATOR, TEMPLATES, Graph
from ..diagnostics import Reporter, UsageError
from ..fileindex import FileIndex, Stat
from ..progress import progress
from ..records import dataclass, field
from ..site import names, profile
from ..sources import assessment_folders
from . import build

if TYPE_CHECKING:  # the no-op path imports neither the templates (jinja2) nor the layout
    from ..site.index import Listed
    from ..site.pages import Download
    from ..site.publish import Stage

DOWNLOADS = (("docx", "DOCX"), ("xlsx", "XLSX"), ("pdf", "PDF"))
RECORD = ".hyoka-site.json"  # what this command wrote last time, and from which inputs
CACHE_STEM = ".hyoka-site-search"  # + the document's suffix + .txt: its search postings, in its build folder
SCHEMA = 4


@dataclass(frozen=True)
class PageJob:
    """One document's page to render."""

    suffix: str  # the document in its folder (generator.documents): "" or 「-基礎」
    name: str  # on the site
    inputs: str  # the page's key
    cache: Path
    downloads: tuple[Download, ...]  # hrefs relative to the page
    partner: tuple[str, str] | None  # the pair's other document: (its suffix, its name on the site)
    html: Path | None = None  # the build's current HTML page, used as it is


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
    resolved = _resolved(folders)
    roots = [Path(root) for root in dict.fromkeys(os.path.dirname(r) for r in resolved)]
    profile_file = profile.find(roots, profile_path)
    _check_out(out, build_dir, resolved, profile_file)
    say = (lambda text: None) if quiet else (lambda text: print(text, flush=True))
    old = _load_record(out)
    profile_sha = manifest.file_hash(profile_file)
    # a profile read and found right before, unchanged since, need not be read again (a no-op
    # imports no YAML reader); else it is read now, so that a mistake in it stops the run first
    city = None if old and old.get("profile") == profile_sha else _read_profile(profile_file)

    # the downloads: current DOCX and XLSX in the build folder (a no-op when they are)
    index = FileIndex(build_dir)  # the build's: its stamps say what each output was built from
    held: dict[str, build.Stamp] = {}  # the records of outputs the build's folder checks found current
    documents: dict[Path, tuple[str, ...]] = {}  # each folder's, as the build found them
    build.run(
        folders,
        build_dir,
        ["docx", "xlsx"],
        quiet=True,
        jobs=jobs,
        held=held,
        index=index,
        documents=documents,
        found=True,
    )

    graph = Graph(index)
    common = _common_key(profile_sha, graph)
    old_pages = {p.name: p for p in old.get("pages", [])} if old else {}
    outputs = _Outputs(build_dir, graph, held)
    plans = _plans(folders, documents, outputs, common)
    index.save()
    site_key = _hash([common, *(f"{p.name}\0{p.inputs}" for p in plans)])
    if old and old.get("key") == site_key and _intact(out, old):
        say(f"サイトは最新です（評価書 {len(plans)} 件）。書き出したファイルはありません。")
        return 0
    city = city or _read_profile(profile_file)
    from ..site.index import index_page
    from ..site.publish import Stage
    from ..site.theme import static_file

    stage = Stage(out)
    try:
        search_key = _hash([p.name + "\0" + p.inputs for p in plans])
        merger: _Patch | _Merger | None = None
        if old and old.get("search") == search_key and (out / "search" / "meta.js").is_file():
            for path in sorted((out / "search").glob("[mg]*/**/*.js")) + [out / "search" / "meta.js"]:
                stage.link(path, path.relative_to(out).as_posix())
            say("検索の索引は前回のままです。")
        elif old and _Patch.applies(old, plans, out):
            merger = _Patch(plans, old, out)  # the changed pages' postings spliced into the shards
        else:
            merger = _Merger(plans)  # merges the pages' postings while later pages render
        records, rendered = _pages(plans, outputs, old_pages, out, stage, city, jobs, quiet, merger)
        search_size = old.get("search_size", 0) if old else 0
        if merger is not None:
            search_size = merger.write(stage)
        listed = [_listed(n, r) for n, r in enumerate(records)]
        stage.write("index.html", index_page(city, listed))
        for name in names.STATIC:
            stage.write(name, static_file(name))
        record = {
            "schema": SCHEMA,
            "key": site_key,
            "profile": profile_sha,
            "search": search_key,
            "search_size": search_size,  # the postings' bytes (their number of shards follows)
            "pages": [vars(r) for r in records],
        }
        stage.write(RECORD, (json.dumps(record, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))
        stage.publish()
    except BaseException:
        stage.discard()
        raise
    moved: dict[str, tuple[Stat, Stat]] = {}  # downloads whose stat moved, their content the same
    for folder in dict.fromkeys(p.folder for p in plans):  # the published links moved their change times
        index.focus(folder)
        moved.update(index.relinked(os.path.abspath(build_dir / folder.name)))
        index.release(folder)
    build.relinked(index, build_dir, moved)
    index.save()
    items = sum(n for r in records if isinstance(n := r.listing.get("items", 0), int))
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


def _read_profile(path: Path) -> profile.Profile:
    reporter = Reporter()
    city = profile.read(path, reporter)
    reporter.print()
    reporter.raise_if_errors()
    assert city is not None
    return city


def _common_key(profile_sha: str, graph: Graph) -> str:
    """What every page depends on: the site's code and templates, the HTML writer's inputs other
    than the sources, the generator, the city profile (hashed through the build's file index:
    a file whose stat is unchanged is not read)."""
    parts = [f"schema:{SCHEMA}", graph.generator_fingerprint(), f"profile:{profile_sha}"]
    for path in sorted([*(GENERATOR / "site").glob("*.py"), GENERATOR / "commands" / "site.py"]):
        parts.append(f"{path.name}:{graph.hash(path)}")
    for path in sorted((TEMPLATES / "site").iterdir()):
        if path.is_file():
            parts.append(f"site/{path.name}:{graph.hash(path)}")
    parts.extend(f"{k}:{v}" for k, v in graph.template_hashes("html"))
    parts.append("env:" + os.environ.get("SOURCE_DATE_EPOCH", "").strip())
    return _hash(parts)


@dataclass(frozen=True)
class Plan:
    folder: Path
    suffix: str  # the document in its folder
    name: str  # on the site
    inputs: str
    downloads: tuple[tuple[str, str, str], ...]  # (kind, file name on the site, built file's absolute path)
    cache: str  # the page's search postings (absolute path)
    partner: tuple[str, str] | None  # the pair's other document: (its suffix, its name on the site)
    docx: build.Stamp | None = None  # the DOCX's record in the build's file index, if any


def _plans(
    folders: list[Path], documents: dict[Path, tuple[str, ...]], outputs: _Outputs, common: str
) -> list[Plan]:
    """Every document's page: a folder's 重点 and its paired 基礎 (``generator.documents``, as the
    build just found them) each have one, named on the site as their outputs are (「<folder>」,
    「<folder>-基礎」)."""
    pages = [(folder, suffix) for folder in folders for suffix in documents[folder]]
    site_names = names.site_names([folder.name + suffix for folder, suffix in pages])
    mine: dict[Path, list[tuple[str, str]]] = {}
    for (folder, suffix), name in zip(pages, site_names, strict=True):
        mine.setdefault(folder, []).append((suffix, name))
    plans = []
    for folder, docs in mine.items():
        for suffix, name in docs:
            partner = next((d for d in docs if d[0] != suffix), None)
            plans.append(_plan(folder, suffix, name, partner, outputs, common))
        outputs.index.release(folder)  # one folder's piece at a time
    return plans


class _Outputs:
    """What the build says of its outputs: from the stamps in its file index (which the build
    just checked), else from its manifests. An output is named by its absolute path as the
    build's plan writes it (``base``), which is the key of its records: a thousand folders'
    paths are strings, not Path objects made again and again."""

    def __init__(self, build_dir: Path, graph: Graph, held: dict[str, build.Stamp]) -> None:
        self.build_dir = build_dir
        self.base = os.path.abspath(build_dir)
        self.held = held
        self.graph = graph
        assert graph.index is not None
        self.index = graph.index
        self._manifests: dict[Path, dict[str, manifest.Entry]] = {}
        self._stamper: build.Stamps | None = None

    def target(self, folder: Path) -> str:
        """The folder's output folder, absolute, with a separator at its end: with an output's
        name, ``build.plan``'s key for it."""
        return os.path.join(self.base, folder.name) + os.sep

    def stamp(self, folder: Path, path: str) -> build.Stamp | None:
        """The output's record when the file is the one it describes."""
        record = self.held.get(path)
        if record is not None:  # the build's check of its folder just held: no piece to load
            return record
        self.index.focus(folder)  # the folder's records are in its piece of the index
        record = self.index.section(build.STAMPS).get(path)
        if record is None or self.graph.sha(path) != record[0]:
            return None
        return record

    def hash(self, path: str) -> str:
        record = self.held.get(path)
        return record[0] if record is not None else self.graph.hash(path)

    def entries(self, folder: Path) -> dict[str, manifest.Entry]:
        if folder not in self._manifests:
            self._manifests[folder] = manifest.load(self.build_dir / folder.name)
        return self._manifests[folder]

    def built(self, folder: Path, fmt: str, path: str, docx: build.Stamp | None) -> bool:
        """Whether ``path`` is current by its stamp: one that holds for the sources the DOCX was
        just checked against (the build of this run asked for DOCX and XLSX only)."""
        record = self.stamp(folder, path)
        if record is None or docx is None or record[3] != docx[3]:
            return False
        self._stamper = self._stamper or build.Stamps(self.graph)
        return self._stamper.stamp(fmt, folder, record[3], record[2]) == record[1]

    def current_pdf(self, folder: Path, path: str, docx: build.Stamp | None) -> bool:
        """A PDF is offered only when one was built and is current (by its stamp, else by the
        manifest)."""
        if not os.path.isfile(path):
            return False
        if self.built(folder, "pdf", path, docx):
            return True
        shown = self.build_dir / folder.name / os.path.basename(path)  # as the user named the folder
        return _current_pdf(folder, shown, self.entries(folder).get(shown.name))


def _plan(
    folder: Path,
    suffix: str,
    name: str,
    partner: tuple[str, str] | None,
    outputs: _Outputs,
    common: str,
) -> Plan:
    """The page's key and its downloads. The key: the stamp of the DOCX the build just brought
    up to date (every source and block file it was made from, by content) and the downloads'
    hashes; without stamps, the build manifest's inputs."""
    parts = [common, f"name:{name}", f"partner:{partner}"]
    target = outputs.target(folder)
    docx_name = build.output_name(folder.name, "docx", suffix)
    docx = outputs.stamp(folder, target + docx_name)
    if docx is not None:
        parts.append(f"stamp:{docx[1]}")
    else:
        entry = outputs.entries(folder).get(docx_name)
        if entry is None:  # the build just wrote it: a lost manifest only costs this page's render
            parts.append("no-manifest:" + os.urandom(8).hex())
        else:
            parts.extend(f"{k}={v}" for k, v in sorted(entry.inputs.items()) if not k.startswith("template:"))
    downloads = []
    for fmt, kind in DOWNLOADS:
        built = target + build.output_name(folder.name, fmt, suffix)
        if fmt == "pdf" and not outputs.current_pdf(folder, built, docx):
            continue
        parts.append(f"{fmt}:{outputs.hash(built)}")
        downloads.append((kind, f"{name}.{fmt}", built))
    cache = f"{target}{CACHE_STEM}{suffix}.txt"
    return Plan(folder, suffix, name, _hash(parts), tuple(downloads), cache, partner, docx)


def _built_html(plan: Plan, outputs: _Outputs) -> Path | None:
    """The HTML writer's page of the document when the build made it and it is current (then it
    is not rendered again); asked only of the pages to render."""
    html = outputs.target(plan.folder) + build.output_name(plan.folder.name, "html", plan.suffix)
    return (
        Path(html) if os.path.isfile(html) and outputs.built(plan.folder, "html", html, plan.docx) else None
    )


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


def _check_out(out: Path, build_dir: Path, folders: list[str], profile_file: Path) -> None:
    """The site replaces its folder whole: never one that holds anything else (``folders``: the
    assessment folders, resolved)."""
    site = out.resolve()
    inside = os.path.join(str(site), "")  # as strings: a thousand folders' Path.parents took 30 ms
    guarded = [str(p.resolve()) for p in (build_dir, profile_file, Path.cwd())] + folders
    for path in guarded:
        if path == str(site) or path.startswith(inside):
            raise UsageError(
                f"{out}: サイトの出力先が {path} を含んでいます。サイトはフォルダごと置き換えるので、"
                "評価書・ビルドの出力・作業中のフォルダを含まない、サイト専用のフォルダを指定してください。"
            )
    if site.exists() and (not site.is_dir() or (any(site.iterdir()) and not (site / RECORD).is_file())):
        raise UsageError(
            f"{out}: hyoka site が作ったのではないファイルがあります。サイトはフォルダごと置き換えるので、"
            "空のフォルダか、新しいフォルダを指定してください。"
        )


def _resolved(folders: list[Path]) -> list[str]:
    """Each folder's ``resolve()``, as a string, the parent resolved once for its folders (a
    thousand folders' paths resolved one by one cost a stat per part of each)."""
    parents: dict[str, str] = {}
    found = []
    for folder in folders:
        head, name = os.path.split(str(folder))
        if name in ("", ".", "..") or os.path.islink(folder):
            found.append(str(folder.resolve()))
            continue
        parent = parents.get(head)
        if parent is None:
            parent = parents[head] = str(Path(head or ".").resolve())
        found.append(os.path.join(parent, name))
    return found


def _load_record(out: Path) -> dict | None:
    try:
        data = json.loads((out / RECORD).read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            return None
        data["pages"] = [PageRecord(**p) for p in data["pages"]]
        return data
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):  # as manifest.load
        return None


def _page_files(record: PageRecord) -> Iterator[str]:
    yield from _own_files(record)
    for name in _text_names(record):
        yield f"search/t/{name}"


def _own_files(record: PageRecord) -> Iterator[str]:
    """The files in the page's folder."""
    yield f"{record.name}/index.html"
    for _, file_name, _ in record.downloads:
        yield f"{record.name}/{file_name}"


def _text_names(record: PageRecord) -> Iterator[str]:
    """The page's search texts, in search/t/."""
    key = names.page_key(record.name)
    for k in range(record.chunks):
        yield f"{key}-{k}.js"


def _intact(out: Path, record: dict) -> bool:
    """Whether every file the site's record lists is there (a regular file, or a link to one).
    The search texts (most of them, ~8 a page) are looked up in one listing of their folder;
    a page's own few files are stat'ed (cheaper than listing each page's folder)."""
    base = str(out) + os.sep
    isfile = os.path.isfile
    if not all(isfile(base + name) for name in ("index.html", "search/meta.js", *names.STATIC)):
        return False
    if not all(isfile(base + rel) for p in record["pages"] for rel in _own_files(p)):
        return False
    texts = _files_in(base + "search/t")
    return all(name in texts for p in record["pages"] for name in _text_names(p))


def _files_in(folder: str) -> set[str]:
    """The names of the regular files in ``folder`` (links followed, as ``os.path.isfile``);
    none when it cannot be listed."""

    def regular(entry: os.DirEntry[str]) -> bool:
        try:
            return entry.is_file()
        except OSError:
            return False

    try:
        with os.scandir(folder) as entries:
            return {e.name for e in entries if regular(e)}
    except OSError:
        return set()


def _cache_current(plan: Plan) -> bool:
    try:
        with open(plan.cache, encoding="utf-8") as fh:
            return fh.readline().rstrip("\n") == plan.inputs
    except OSError:
        return False


# ---------------------------------------------------------------------------
# Pages


def _pages(
    plans: list[Plan],
    outputs: _Outputs,
    old_pages: dict[str, PageRecord],
    out: Path,
    stage: Stage,
    city: profile.Profile,
    jobs: int | None,
    quiet: bool,
    merger: _Merger | _Patch | None,
) -> tuple[list[PageRecord], int]:
    """Every page in the new site: unchanged ones linked from the old site, others rendered (a
    folder's stale pages by one task, which reads its sources once); ``merger`` is handed each
    page's postings as soon as it and those before it are done."""
    from ..site.pages import Download

    records: dict[int, PageRecord] = {}
    stale: dict[Path, list[tuple[int, PageJob]]] = {}
    listed: dict[int, list[list[str]]] = {}  # a page rendered again: its downloads, sized once
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
        listed[number] = [[kind, file_name, _size(built)] for kind, file_name, built in plan.downloads]
        downloads = tuple(
            Download(kind, names.href(file_name), size) for kind, file_name, size in listed[number]
        )
        if merger is not None:
            merger.stale(number, old)  # before the worker replaces the page's postings
        html = _built_html(plan, outputs)
        job = PageJob(plan.suffix, plan.name, plan.inputs, Path(plan.cache), downloads, plan.partner, html)
        stale.setdefault(plan.folder, []).append((number, job))
    tasks = [PageTask(folder, stage.root, city, tuple(j for _, j in jobs)) for folder, jobs in stale.items()]
    numbers = [[n for n, _ in jobs] for jobs in stale.values()]
    offer = merger.offer if merger is not None else (lambda records: None)
    offer(records)
    with progress(len(tasks), quiet) as shown:
        for task, mine, results in zip(tasks, numbers, _rendered(tasks, jobs), strict=True):
            for number, result in zip(mine, results, strict=True):
                result.downloads = listed.pop(number)
                records[number] = result
            offer(records)
            shown.done(task.folder.name)
    return [records[n] for n in range(len(plans))], sum(len(n) for n in numbers)


def _size(path: str) -> str:
    from ..site.pages import human_size

    return human_size(os.stat(path).st_size)


def _rendered(tasks: list[PageTask], jobs: int | None) -> Iterator[list[PageRecord]]:
    _LIBRARIES.clear()  # blocks read by an earlier run of this process (or inherited by a fork) may be stale
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
    from ..pipeline import layout

    documents, blocks = _read(task.folder)
    records = []
    for job in task.jobs:
        document = documents.get(job.suffix)
        if document is None:  # a -基礎 output left by an earlier build whose folder no longer pairs
            raise UsageError(
                f"{task.folder}: 出力先に残っている「{job.name}」の元になる評価書がありません。"
                "出力先を消してから hyoka build をやり直してください。"
            )
        related = []
        if job.partner is not None:
            suffix, name = job.partner
            # 「この事務の基礎項目評価書」: the pair's documents are about one 事務
            related.append((f"この事務の{documents[suffix].form.kind}", names.href(name, "index.html", up=1)))
        doc = layout(document.assessment, blocks)
        records.append(_render_page(task, job, doc, document, related))
    return records


_LIBRARIES: dict[Path, object] = {}  # a worker's block libraries, by sources root: read once a process


def _read(folder: Path):  # noqa: ANN202 - (documents by suffix, generator.blocks.resolve.Resolved)
    """The folder's documents and their blocks, as the build read them; not checked again (the
    build that just ran stopped on any error, and its findings are not the site's to repeat)."""
    from ..blocks.library import load_library, sources_root
    from ..blocks.resolve import resolve_assessment
    from ..documents import documents
    from ..pipeline import resolve_further
    from ..reader import read_assessment

    reporter = Reporter()
    assessment = read_assessment(folder, reporter)
    if assessment is None or reporter.errors:  # changed since the build: report, as the build would
        reporter.print()
        reporter.raise_if_errors()
    assert assessment is not None
    root = sources_root(folder)
    if root not in _LIBRARIES:
        _LIBRARIES[root] = load_library(root, Reporter(), lazy=True)
    library = _LIBRARIES[root]
    blocks = resolve_assessment(assessment, library, reporter)  # type: ignore[arg-type]
    docs = documents(folder, assessment, check=False)
    for further in docs[1:]:  # what the 基礎's own file adds
        resolve_further(further.assessment, assessment, library, blocks, reporter, check=False)  # type: ignore[arg-type]
    return {d.suffix: d for d in docs}, blocks


def _render_page(task: PageTask, job: PageJob, doc, document, related) -> PageRecord:  # noqa: ANN001
    from ..site import pages, search
    from ..writers import writer

    writer_page = job.html.read_bytes() if job.html is not None else writer("html").render(doc)
    page = pages.page(doc, writer_page, task.city, list(job.downloads), "../", related)
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

    # a cache: lost after a crash it is made again (its first line says what it was made from)
    write_atomic(job.cache, ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"), sync=False)

    published = document.assessment.cover.get("公表日")
    date = getattr(published, "date", None)
    listing = {
        "number": doc.number,
        "title": doc.name,
        "organisation": doc.organisation,
        "published": doc.published,
        "date": date.iso() if date is not None else "",
        "kind": document.form.kind,
        "items": len(items),
    }
    return PageRecord(job.name, job.inputs, chunks, listing)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _listed(number: int, record: PageRecord) -> Listed:
    from ..site.index import DEFAULT_KIND, Listed
    from ..site.pages import Download

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


class _Merger:
    """The search index: every page's postings (from its cache file, one page at a time, in page
    order) merged into the shards."""

    def __init__(self, plans: list[Plan]) -> None:
        from ..site import search

        self.plans = plans
        self.postings = search.Postings()
        self.next = 0  # the first page not merged yet

    def stale(self, number: int, old: PageRecord | None) -> None:
        """Page ``number`` is rendered again (all are merged here anyway)."""

    def offer(self, records: dict[int, PageRecord]) -> None:
        """Merge the pages now known that follow the merged ones."""
        while self.next in records:
            self.postings.add(self.next, _postings(self.plans[self.next]))
            self.next += 1

    def write(self, stage) -> int:  # noqa: ANN001 - generator.site.publish.Stage
        """Write the shards and meta.js; the postings' size."""
        from ..site import search

        assert self.next == len(self.plans), "every page's postings merged"
        for number, data in self.postings.shards():
            stage.write(f"search/g/{number}.js", data)
        keys = [names.page_key(p.name) for p in self.plans]
        stage.write("search/meta.js", search.meta(self.postings.shard_count(), keys))
        return self.postings.size


def _postings(plan: Plan, inputs: str | None = None) -> dict[str, str]:
    """The page's postings from its cache file, which must be of ``inputs`` (the plan's)."""
    with open(plan.cache, encoding="utf-8", errors="surrogatepass") as fh:
        if fh.readline().rstrip("\n") != (inputs or plan.inputs):
            raise RuntimeError(f"{plan.cache}: the page's search postings are not its current ones")
        return dict(line.rstrip("\n").split("\t", 1) for line in fh)


class _Patch:
    """The search index of the last run with the re-rendered pages' postings replaced in place
    (``search.splice``): only the shards holding a bigram whose posting changed are written,
    the others linked. Same bytes as a full merge (the test compares them); a full merge when
    the pages' numbers or the number of shards change, or an old posting is not at hand."""

    def __init__(self, plans: list[Plan], old: dict, out: Path) -> None:
        self.plans = plans
        self.out = out
        self.size = int(old["search_size"])
        self.before: dict[int, dict[str, str]] = {}  # page → its postings in the old index
        self.whole = False  # fall back to a full merge

    @staticmethod
    def applies(old: dict, plans: list[Plan], out: Path) -> bool:
        """The old index numbers the same pages the same way, and is all there."""
        if "search_size" not in old or [p.name for p in old["pages"]] != [p.name for p in plans]:
            return False
        from ..site import search

        count = search.shard_count(int(old["search_size"]))
        return (out / "search" / "meta.js").is_file() and all(
            (out / "search" / "g" / f"{n}.js").is_file() for n in range(count)
        )

    def stale(self, number: int, old: PageRecord | None) -> None:
        try:
            assert old is not None
            self.before[number] = _postings(self.plans[number], old.inputs)
        except (OSError, RuntimeError, ValueError, AssertionError):
            self.whole = True

    def offer(self, records: dict[int, PageRecord]) -> None:
        """Nothing to do until every page is done."""

    def write(self, stage) -> int:  # noqa: ANN001 - generator.site.publish.Stage
        from ..site import search

        if self.whole:
            return self._merge(stage)
        changes: dict[str, dict[int, str | None]] = {}
        for number, before in self.before.items():
            after = _postings(self.plans[number])
            for gram in before.keys() | after.keys():
                if before.get(gram) != after.get(gram):
                    changes.setdefault(gram, {})[number] = after.get(gram)
        count = search.shard_count(self.size)
        shards: dict[int, list[str]] = {}
        for gram in changes:
            shards.setdefault(search.shard_of(gram, count), []).append(gram)
        size = self.size
        written: dict[int, dict[str, str]] = {}
        for number, grams in shards.items():
            body = search.read_shard((self.out / "search" / "g" / f"{number}.js").read_bytes(), number)
            for gram in grams:
                old_posting = body.get(gram, "")
                posting = search.splice(old_posting, changes[gram])
                size += len(posting) - len(old_posting)
                if posting:
                    body[gram] = posting
                else:
                    body.pop(gram, None)
            written[number] = body
        if search.shard_count(size) != count:  # the bigrams spread over other shards now
            return self._merge(stage)
        for number in range(count):
            rel = f"search/g/{number}.js"
            if number in written:
                stage.write(rel, search.shard_file(number, written[number]))
            else:
                stage.link(self.out / rel, rel)
        stage.link(self.out / "search" / "meta.js", "search/meta.js")  # same pages, same shards
        return size

    def _merge(self, stage) -> int:  # noqa: ANN001 - generator.site.publish.Stage
        merger = _Merger(self.plans)
        merger.offer(dict.fromkeys(range(len(self.plans))))  # type: ignore[arg-type]
        return merger.write(stage)
