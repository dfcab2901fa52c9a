"""Each assessment asked for, compared between a git revision and the working tree.

Everything that can fail for the whole run (git missing, a folder outside git, an unknown
revision, errors in the working tree) fails before any assessment is compared.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Reporter
from ..model import Assessment
from ..pipeline import Loaded, load_all
from ..records import dataclass
from ..sources import assessment_folders
from .compare import Change, compare
from .git import Repository
from .revision import Side, revision_side, working_side


@dataclass(frozen=True)
class Comparison:
    folder: Path
    loaded: Loaded
    before: Side
    after: Side
    changes: list[Change]

    @property
    def assessment(self) -> Assessment:
        assert self.loaded.assessment is not None  # load_all raised on errors
        return self.loaded.assessment


def comparisons(paths: list[Path], rev: str) -> list[Comparison]:
    folders = assessment_folders(paths)
    repos = [Repository.containing(folder) for folder in folders]
    commits = {repo.root: repo.commit(rev) for repo in repos}
    reporter = Reporter()
    loaded = load_all(folders, reporter)
    reporter.print()
    reporter.raise_if_errors()
    result = []
    for folder, repo, item in zip(folders, repos, loaded, strict=True):
        before = revision_side(repo, rev, commits[repo.root], folder)
        after = working_side(item)
        result.append(Comparison(folder, item, before, after, compare(before.items, after.items)))
    return result
