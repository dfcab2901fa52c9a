"""Shared fixtures: a copy of the example to break, the CLI in a subprocess, the fidelity measure.

Everything the tests compare with is in the repository: the published assessments as text and the
form's item list under ``tests/reference/``, the fidelity measure in ``tests/fidelity.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"
SEEDS = REFERENCE / "seeds"
SOURCES = REPO / "sources"
EXAMPLE_NAME = "asahikawa-kenkozoshin"
EXAMPLE = SOURCES / EXAMPLE_NAME
SEED_001 = SEEDS / "001_ed1538986043b221.txt"
FORM_ITEMS = REFERENCE / "form-items.md"


# ---------------------------------------------------------------------------
# Running the CLI


def bare_python(probe: str, *path: str | Path, cwd: Path | None = None) -> str:
    """What ``probe`` prints, run by a fresh interpreter without site (the venv's editable-install
    hook imports pathlib, urllib.parse and importlib.util at its start), with ``path`` (default:
    the repository) as its module path; fails on a failed run."""
    proc = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        cwd=cwd or REPO,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path or [REPO])},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return (
            f"hyoka {' '.join(self.args)} → {self.code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


def run_cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str | None] | None = None
) -> CliResult:
    """``python -m generator.launch ARGS`` (the ``hyoka`` program, as its console script starts
    it) in a subprocess, capturing exit code, stdout and stderr.

    ``env`` adds to the inherited environment (a ``None`` value removes the variable);
    SOURCE_DATE_EPOCH is removed unless given, so that a CI setting does not leak into the tests.
    """
    full = dict(os.environ)
    full.pop("SOURCE_DATE_EPOCH", None)
    full["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), full.get("PYTHONPATH", "")) if p)
    full["PYTHONIOENCODING"] = "utf-8"
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    argv = tuple(str(a) for a in args)
    proc = subprocess.run(
        [sys.executable, "-m", "generator.launch", *argv],
        cwd=cwd or REPO,
        env=full,
        stdin=subprocess.DEVNULL,  # never a terminal: a command that would ask fails instead
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)


# ---------------------------------------------------------------------------
# Diagnostics as printed: ``file:line:col レベル 「項目」 メッセージ``

_DIAG = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+) (?P<level>エラー|警告|情報) "
    r"(?:\[(?P<rule>[A-Z][A-Z0-9]*)\] )?(?:「(?P<label>[^「」]*)」 )?(?P<message>.*)$"
)


@dataclass(frozen=True)
class Diag:
    file: str
    line: int
    col: int
    level: str
    label: str
    message: str
    raw: str
    rule: str = ""  # the rule id printed in [ ]


def diagnostics(text: str) -> list[Diag]:
    found = []
    for raw in text.splitlines():
        m = _DIAG.match(raw)
        if m:
            found.append(
                Diag(
                    m["file"],
                    int(m["line"]),
                    int(m["col"]),
                    m["level"],
                    m["label"] or "",
                    m["message"],
                    raw,
                    m["rule"] or "",
                )
            )
    return found


def errors(result: CliResult) -> list[Diag]:
    return [d for d in diagnostics(result.stderr) if d.level == "エラー"]


# ---------------------------------------------------------------------------
# The example, copied so that a test can break it


def copy_example(root: Path, name: str = EXAMPLE_NAME) -> Path:
    """Copy the example into ``root/sources/<name>`` (and the shared blocks beside it, if any)."""
    sources = root / "sources"
    target = sources / name
    shutil.copytree(EXAMPLE, target)
    blocks = SOURCES / "blocks"
    if blocks.is_dir() and not (sources / "blocks").exists():
        shutil.copytree(blocks, sources / "blocks")
    return target


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """``tmp_path/sources/asahikawa-kenkozoshin``: a private copy of the example to edit."""
    return copy_example(tmp_path)


def replace_once(path: Path, old: str, new: str) -> str:
    """Replace the single occurrence of ``old`` in a file; fail if it is not there exactly once."""
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    assert count == 1, f"{path.name}: 「{old}」 occurs {count} times, expected exactly once"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_line(lines: list[str], key: str, path: Path) -> int:
    hits = [i for i, line in enumerate(lines) if re.match(rf"^ *{re.escape(key)}:( |$)", line)]
    assert len(hits) == 1, f"{path.name}: key 「{key}」 is on lines {[i + 1 for i in hits]}, expected one"
    return hits[0]


def set_value(path: Path, key: str, value: str) -> None:
    """Give the one ``key:`` of a YAML file a new value, dropping its old (possibly multi-line) one.

    ``value`` is written after ``key:``; when it spans lines (starting with a newline for a block
    value), the following lines are indented two spaces under the key.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    i = _key_line(lines, key, path)
    indent = _indent(lines[i])
    end = i + 1
    while end < len(lines) and (
        not lines[end].strip()
        or _indent(lines[end]) > indent
        or (_indent(lines[end]) == indent and lines[end].lstrip().startswith("- "))
    ):
        end += 1
    while end > i + 1 and not lines[end - 1].strip():
        end -= 1  # keep the blank lines that separate this key from the next
    first, *rest = value.split("\n")
    new = [" " * indent + f"{key}:" + (f" {first}" if first else "")]
    new += [" " * (indent + 2) + r if r else "" for r in rest]
    lines[i:end] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def insert_under(path: Path, key: str, text: str) -> None:
    """Insert ``text`` (YAML lines) as the first entries under the mapping ``key:``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = _key_line(lines, key, path)
    indent = _indent(lines[i]) + 2
    lines[i + 1 : i + 1] = [" " * indent + t for t in text.split("\n")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based number of the one line of ``path`` that contains ``needle``."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{path.name}: 「{needle}」 is on lines {hits}, expected exactly one"
    return hits[0]


# ---------------------------------------------------------------------------
# tests/reference/: the published seeds and the form's option lists; tests/fidelity.py


@pytest.fixture(scope="session")
def fidelity() -> ModuleType:
    """The fidelity measure (``measure``, ``output_blocks``, ``docx_blocks`` …)."""
    from tests import fidelity

    return fidelity


@pytest.fixture(scope="session")
def seed_001() -> str:
    return SEED_001.read_text(encoding="utf-8")


def spec_options(option_id: str) -> list[str]:
    """An option list of the form as the spec prints it (「OPT-人数」 → ["10人未満", …])."""
    text = FORM_ITEMS.read_text(encoding="utf-8")
    m = re.search(rf"^\| {re.escape(option_id)} \| (?P<opts>.+?) \|\s*$", text, re.M)
    assert m, f"{option_id} not found in {FORM_ITEMS}"
    body = m["opts"].split(" — ")[0]
    return [o.strip() for o in re.split(r"\d+[）)]", body) if o.strip()]
