"""The wheel, installed into a new venv outside the repository, builds a city's repository from
``hyoka init`` + ``hyoka new`` + one example's sources: every format and the site.

Slow (a wheel build and a pip install of the runtime dependencies from the package index)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.shipped import TEMPLATES
from tests.conftest import EXAMPLE, REPO

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
    )
    assert proc.returncode == 0, f"{args} → {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO, cwd=dist)
    (found,) = dist.glob("hyoka-*.whl")
    return found


def test_wheel_carries_every_template_and_block(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file()]
    assert len(shipped) > 50
    missing = [n for n in shipped if f"generator/templates/{n}" not in names]
    assert not missing, missing
    assert not [n for n in names if n.startswith("tests/")]


def test_installed_wheel_builds_a_new_city_repository(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run(bindir / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    hyoka = bindir / "hyoka"

    # the package runs from the venv, not from the checkout
    where = _run(
        bindir / "python", "-c", "import generator; print(generator.__file__)", cwd=tmp_path, env=env
    )
    assert str(venv) in where.stdout and str(REPO) not in where.stdout
    assert _run(hyoka, "--version", cwd=tmp_path, env=env).stdout.startswith("hyoka ")

    _run(hyoka, "init", "city", "--city", "旭川市", cwd=tmp_path, env=env)
    city = tmp_path / "city"
    _run(hyoka, "new", "kenko", cwd=city, env=env)
    folder = city / "sources" / "kenko"
    assert (folder / "0_表紙.yaml").is_file()
    _run(hyoka, "check", "sources", cwd=city, env=env)

    # fill it in with one example's sources (and its city blocks)
    for path in folder.glob("*.yaml"):
        path.unlink()
    for path in EXAMPLE.glob("*.yaml"):
        shutil.copy2(path, folder / path.name)
    shutil.copytree(EXAMPLE.parent / "blocks", city / "sources" / "blocks", dirs_exist_ok=True)

    _run(hyoka, "check", "sources", cwd=city, env=env)
    _run(
        hyoka,
        "build",
        "sources",
        "--out",
        "out",
        "--format",
        "html,docx,xlsx,pdf,md",
        "--quiet",
        cwd=city,
        env=env,
    )
    for ext in ("html", "docx", "xlsx", "pdf", "md"):
        built = city / "out" / "kenko" / f"kenko.{ext}"
        assert built.is_file() and built.stat().st_size > 1000, built
    # the repository's own Makefile, with the installed hyoka
    _run("make", "site", f"HYOKA={hyoka}", cwd=city, env=env)
    index = (city / "out" / "site" / "index.html").read_text(encoding="utf-8")
    assert "旭川市" in index and "健康増進事業に関する事務" in index
    assert (city / "out" / "site" / "kenko" / "index.html").is_file()
