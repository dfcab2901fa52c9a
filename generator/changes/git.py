"""The git commands the change table needs, run as subprocesses in the sources' repository.

Any repository holding the sources works: the root is found from the assessment folder
(``git rev-parse --show-toplevel``) and paths are taken relative to it. Nothing here writes to
the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath

from ..diagnostics import ToolMissingError, UsageError, display_path
from ..records import dataclass


class GitFailed(Exception):
    """A git command exited with an error; ``message`` is git's own first line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TreeEntry:
    mode: str  # 100644, 100755 (files), 120000 (symbolic link), 160000 (submodule)
    path: PurePosixPath  # relative to the repository root

    @property
    def regular(self) -> bool:
        return self.mode in ("100644", "100755")


def git_executable() -> str:
    path = shutil.which("git")
    if path is None:
        raise ToolMissingError(
            "git が見つかりません。変更箇所を git の履歴から求めるには git が必要です"
            "（Debian/Ubuntu: sudo apt-get install git）。"
        )
    return path


def _run(git: str, cwd: Path, *args: str) -> bytes:
    # a fixed locale and no pager or prompt: output is parsed, errors are shown as git wrote them
    env = dict(os.environ, LC_ALL="C", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0")
    proc = subprocess.run([git, *args], cwd=cwd, env=env, capture_output=True)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitFailed(lines[0] if lines else f"git {args[0]} exited with {proc.returncode}")
    return proc.stdout


@dataclass(frozen=True)
class Repository:
    git: str
    root: Path

    @classmethod
    def containing(cls, folder: Path) -> Repository:
        git = git_executable()
        try:
            out = _run(git, folder, "rev-parse", "--show-toplevel")
        except GitFailed as exc:
            raise UsageError(
                f"{display_path(folder)}: git の管理下にありません（{exc.message}）。"
                "変更箇所は git の履歴と比べて求めるため、評価書のフォルダを git リポジトリに置いてください。"
            ) from None
        return cls(git, Path(out.decode("utf-8").strip()).resolve())

    def relative(self, path: Path) -> PurePosixPath:
        return PurePosixPath(path.resolve().relative_to(self.root).as_posix())

    def commit(self, rev: str) -> str:
        """The commit id ``rev`` names; a clear message when it names none."""
        try:
            out = _run(
                self.git,
                self.root,
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                f"{rev}^{{commit}}",
            )
        except GitFailed:
            raise UsageError(
                f"リビジョン「{rev}」が git リポジトリ {self.root} に見つかりません。"
                "コミット ID、ブランチ名、タグ名、HEAD~1 などを指定してください（git log で確認できます）。"
            ) from None
        return out.decode("ascii").strip()

    def tree(self, commit: str, path: PurePosixPath) -> list[TreeEntry]:
        """Every file under ``path`` at ``commit`` (empty when the folder did not exist then)."""
        out = _run(self.git, self.root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", str(path))
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode = meta.split(b" ", 1)[0].decode("ascii")
            entries.append(TreeEntry(mode, PurePosixPath(name.decode("utf-8", "surrogateescape"))))
        return entries

    def show(self, commit: str, path: PurePosixPath) -> bytes:
        return _run(self.git, self.root, "show", f"{commit}:{path}")
