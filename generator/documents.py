"""The documents of a source folder: a folder yields one or more printed documents.

A 重点 folder yields its 重点 (output suffix "") and, when it holds the paired file
``8_基礎項目.yaml``, the paired 基礎 (suffix 「-基礎」) derived from the same sources
(``generator.form.pairing``). A standalone 基礎 folder (``様式: 基礎項目評価書``) yields its 基礎.
Outputs are ``out/<name>/<name><suffix>.<ext>``; build and site iterate documents, not folders.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Reporter
from .form.definition import PAIRED_FILE, FormDefinition
from .model import Assessment
from .records import dataclass

PAIRED_SUFFIX = "-基礎"


@dataclass(frozen=True)
class Document:
    suffix: str  # output-name suffix: "" or 「-基礎」
    form: FormDefinition
    assessment: Assessment

    def output_name(self, fmt: str) -> str:
        return f"{self.assessment.name}{self.suffix}.{fmt}"


def paired_file(folder: Path) -> Path | None:
    """The folder's paired-基礎 file, if any (a file test: the build plans without parsing)."""
    from .sources import SUFFIXES

    for suffix in SUFFIXES:
        path = folder / f"{PAIRED_FILE}{suffix}"
        if path.is_file():
            return path
    return None


# the last paired 基礎 derived: (重点, paired file, 基礎, what reading it reported)
_paired: list[tuple[Assessment, Path, Assessment, Reporter]] = []


def paired_for(assessment: Assessment, path: Path) -> tuple[Assessment, Reporter]:
    """The 基礎 paired with ``assessment`` from ``path``, and what reading it reported (as the
    S check, held to be passed on): derived once for a load, which compares it with the 重点
    (rule T7) before it prints and checks it (``documents``)."""
    from .diagnostics import HeldReporter
    from .form.pairing import paired_assessment

    if _paired and _paired[0][0] is assessment and _paired[0][1] == path:
        return _paired[0][2], _paired[0][3]
    read = HeldReporter()
    with read.rule_scope("S"):
        kiso = paired_assessment(assessment, path, read)
    _paired[:] = [(assessment, path, kiso, read)]
    return kiso, read


def suffixes(folder: Path) -> list[str]:
    """Output-name suffixes of the folder's documents, without reading its YAML."""
    return ["", PAIRED_SUFFIX] if paired_file(folder) is not None else [""]


def documents(
    folder: Path, assessment: Assessment, reporter: Reporter | None = None, check: bool = True
) -> list[Document]:
    """The folder's documents; the paired 基礎 is derived (its problems go to ``reporter``).
    ``check=False``: its rules are not run (``hyoka site`` reads what a build just checked)."""
    docs = [Document("", assessment.form, assessment)]
    path = paired_file(folder)
    if path is None:
        return docs
    from .form.pairing import PAIRS_WITH

    if assessment.form.kind in PAIRS_WITH and not check:
        kiso, _ = paired_for(assessment, path)
        docs.append(Document(PAIRED_SUFFIX, kiso.form, kiso))
    elif assessment.form.kind in PAIRS_WITH:
        from .rules import run_rules

        # the 基礎's rules see what was said of the 重点 so far (a rule may skip a value the reader
        # rejected); of what they add, a finding at a place the 重点 has it already is the same
        # finding about a copied value: one message per rule and place
        before = list(reporter.diagnostics) if reporter is not None else []
        own = Reporter(list(before))
        kiso, read = paired_for(assessment, path)
        own.extend(read)
        run_rules(kiso, kiso.form, own)
        if reporter is not None:
            seen: dict[tuple[str, object], int] = {}
            for d in before:
                key = (d.rule, d.location)
                seen[key] = max(seen.get(key, -1), d.severity)
            reporter.diagnostics += [
                d for d in own.diagnostics[len(before) :] if seen.get((d.rule, d.location), -1) < d.severity
            ]
        docs.append(Document(PAIRED_SUFFIX, kiso.form, kiso))
    return docs
