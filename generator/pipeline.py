"""Sources → model → checks → layout IR, shared by the commands."""

from __future__ import annotations

from pathlib import Path

from . import acknowledge
from .blocks.library import Library, load_library, sources_root
from .blocks.resolve import Resolved, resolve, resolve_assessment
from .blocks.usage import block_refs
from .diagnostics import HeldReporter, Reporter
from .documents import Document, documents
from .layout import ir
from .model import Assessment
from .reader import read_assessment
from .records import dataclass, field
from .rules import run_rules
from .textlimits import check_lengths


@dataclass
class Loaded:
    folder: Path
    assessment: Assessment | None
    blocks: Resolved = field(default_factory=Resolved)  # rendered block references
    library: Library | None = None  # the blocks the references were resolved from
    documents: list[Document] = field(default_factory=list)  # what the folder prints (generator.documents)


def load_all(folders: list[Path], reporter: Reporter, *, every_block: bool = True) -> list[Loaded]:
    """Read and check every folder, collecting every problem before anyone fails.

    ``every_block``: read and check every block file of the library (``hyoka check``); else only
    the files of the blocks referenced, which is all a build needs."""
    from .rules.printed import blocks_resolved  # the rules import it: no extra cost

    loaded = []
    libraries: dict[Path, Library] = {}  # one per sources root, so its errors show once
    for folder in folders:
        with reporter.rule_scope("S"):
            assessment = read_assessment(folder, reporter)
        resolved = Resolved()
        library = None
        if assessment is not None:
            # the blocks are resolved first, for the rules to print them (rules.printed), and
            # their problems reported after the rules', in the order of doing them after
            held = HeldReporter()
            root = sources_root(folder)
            if root not in libraries:
                libraries[root] = load_library(root, held, lazy=not every_block)
            library = libraries[root]
            library.reporter = held  # a lazy library reports a file's problems when it reads it
            resolved = resolve_assessment(assessment, library, held)
            library.reporter = reporter
            with blocks_resolved(assessment, resolved.texts):
                run_rules(assessment, assessment.form, reporter)  # the rules registered for its form
            reporter.extend(held)
            check_lengths(assessment, resolved, reporter)
        docs = documents(folder, assessment, reporter) if assessment is not None else []
        for further in docs[1:]:  # a paired 基礎: its own file may reference blocks too
            assert assessment is not None and library is not None
            resolve_further(further.assessment, assessment, library, resolved, reporter)
        loaded.append(Loaded(folder, assessment, resolved, library, docs))
    acknowledge.apply(folders, reporter)
    return loaded


def resolve_further(
    doc: Assessment,
    main: Assessment,
    library: Library,
    resolved: Resolved,
    reporter: Reporter,
    check: bool = True,
) -> None:
    """Resolve into ``resolved`` the references a further document of the folder adds to what it
    copies from ``main`` (whose references were resolved and reported already), and check its
    lengths; a finding already reported for ``main`` (a copied value) is not reported twice.
    ``check=False``: the lengths are not checked (``hyoka site`` reads what a build checked)."""
    known = set(block_refs(main))
    for ref in block_refs(doc):
        if ref not in known:
            known.add(ref)
            text = resolve(ref, library, reporter)
            if text is not None:
                resolved.texts[ref] = text
    if not check:
        return
    said = {(d.location, d.message) for d in reporter.diagnostics}
    scratch = Reporter()
    check_lengths(doc, resolved, scratch)
    reporter.diagnostics += [d for d in scratch.diagnostics if (d.location, d.message) not in said]


def layout(assessment: Assessment, blocks: Resolved | None = None) -> ir.Document:
    """The IR of a loaded assessment; without ``blocks`` its references are resolved again."""
    from .layout.builder import build_document

    if blocks is None:
        reporter = Reporter()
        library = load_library(sources_root(assessment.folder), reporter, lazy=True)
        blocks = resolve_assessment(assessment, library, reporter)
        reporter.raise_if_errors()
    return build_document(assessment, blocks.text)
