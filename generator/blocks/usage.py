"""Who uses which block at which version: the references of an assessment.

The same data answers 「which assessments depend on block@version」 for incremental builds: a
``UsedBlock`` names the block file and the content hash of the version it resolves to.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from ..form.registry import changes_files
from ..model import Assessment, BlockRef, Record, Text
from ..records import dataclass
from .library import Block, BlockVersion, Library


def texts(assessment: Assessment) -> Iterator[Text]:
    """Every free-text value of an assessment, in document order."""
    form = assessment.form
    for sec in form.sections:
        if not sec.per_file:
            yield from _record_texts(assessment.section(sec.id))
        elif sec is form.per_file_sections[0]:
            for f in assessment.files:
                for fsec in form.per_file_sections:
                    yield from _record_texts(f.record(fsec.id))
                    for group in f.annexes.get(fsec.id, []):
                        yield from (t for t in (group.items, group.note) if t is not None)
    for row in assessment.changes:
        yield from (row.item, row.before, row.after, row.reason)


def _record_texts(record: Record) -> Iterator[Text]:
    for value in record.values.values():
        if isinstance(value, Text):
            yield value
        elif isinstance(value, Record):
            yield from _record_texts(value)
        elif isinstance(value, list):
            for member in value:
                yield from _record_texts(member)


def block_refs(assessment: Assessment) -> Iterator[BlockRef]:
    for text in texts(assessment):
        yield from (p for p in text.parts if isinstance(p, BlockRef))


def is_history(ref: BlockRef) -> bool:
    """A reference in （別添２） records the text as it stood on a change date: it stays pinned."""
    return _stem(ref.loc.file) in changes_files()


@functools.lru_cache(maxsize=1024)  # asked for every reference, of a folder's few files
def _stem(file: str) -> str:
    return Path(file).stem


@dataclass(frozen=True)
class UsedBlock:
    id: str
    version: str  # the version used: written in the reference, or the newest
    pinned: bool  # the reference names its version
    newest: str  # the block's newest version
    file: str
    line: int
    label: str  # official item label
    history: bool  # in （別添２）: pinned on purpose, never upgraded
    block_file: Path
    digest: str  # content hash of the version's text

    @property
    def behind(self) -> bool:
        return self.version != self.newest and not self.history


def used_version(ref: BlockRef, block: Block) -> BlockVersion | None:
    return block.version(ref.version) if ref.version is not None else block.newest


def references(assessment: Assessment, library: Library) -> list[UsedBlock]:
    """Resolvable references of the assessment (unknown ids and versions are check errors)."""
    used: list[UsedBlock] = []
    for ref in block_refs(assessment):
        block = library.get(ref.id)
        version = used_version(ref, block) if block else None
        if block is None or version is None:
            continue
        used.append(
            UsedBlock(
                block.id,
                version.version,
                ref.version is not None,
                block.newest.version,
                ref.loc.file,
                ref.loc.line,
                ref.label,
                is_history(ref),
                block.path,
                version.digest,
            )
        )
    return used
