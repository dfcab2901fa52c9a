"""``hyoka init``: a city's repository whose CI files, Makefile and pre-commit hook name only
commands that exist, and whose hook runs ``hyoka check`` and fails on a broken file."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import cli
from tests.conftest import EXAMPLE, run_cli

HYOKA_COMMANDS = set(cli._commands()) | {"blocks"}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "kenko-repo"
    result = run_cli("init", str(root), "--city", "旭川市")
    assert result.code == 0, result.describe()
    return root


def test_init_writes_a_ready_repository(city: Path) -> None:
    for rel in (
        "sources/city.yaml",
        "sources/blocks",
        "Makefile",
        ".github/workflows/hyoka.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        ".gitignore",
        "README.md",
    ):
        assert (city / rel).exists(), rel
    profile = yaml.safe_load((city / "sources/city.yaml").read_text(encoding="utf-8"))
    assert profile["団体名"] == "旭川市" and "旭川市" in profile["サイト名"]
    readme = (city / "README.md").read_text(encoding="utf-8")
    assert "旭川市" in readme and "hyoka new" in readme and "@" not in readme.replace("@v4", "")


def test_vscode_settings_wire_the_generated_schemas(city: Path) -> None:
    settings = json.loads((city / ".vscode/settings.json").read_text(encoding="utf-8"))
    wired = settings["yaml.schemas"]
    assert wired
    for schema, globs in wired.items():
        assert (city / schema).is_file(), schema
        assert all(g.startswith("sources/*/") for g in globs)
    assert any("2_ファイル概要_*.yaml" in g for globs in wired.values() for g in globs)


def _commands(city: Path) -> list[str]:
    """Every shell command of the CI files and the Makefile's recipes."""
    gh = yaml.safe_load((city / ".github/workflows/hyoka.yml").read_text(encoding="utf-8"))
    gl = yaml.safe_load((city / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    found = [step["run"] for job in gh["jobs"].values() for step in job["steps"] if "run" in step]
    found += [
        line for job in gl.values() if isinstance(job, dict) and "script" in job for line in job["script"]
    ]
    make = (city / "Makefile").read_text(encoding="utf-8")
    found += [
        line.strip().replace("$(HYOKA)", "hyoka") for line in make.splitlines() if line.startswith("\t")
    ]
    return found


def test_ci_files_parse_and_name_only_commands_that_exist(city: Path) -> None:
    gh = yaml.safe_load((city / ".github/workflows/hyoka.yml").read_text(encoding="utf-8"))
    assert gh["jobs"] and any(
        "upload-artifact" in s.get("uses", "") for j in gh["jobs"].values() for s in j["steps"]
    )
    gl = yaml.safe_load((city / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert any(
        isinstance(j, dict) and "out/site" in j.get("artifacts", {}).get("paths", []) for j in gl.values()
    )
    commands = _commands(city)
    used = set()
    for command in commands:
        words = shlex.split(command)
        match words:
            case ["python", "-m", module, *_]:
                assert module == "pip"
            case ["hyoka", sub, *rest]:
                assert sub in HYOKA_COMMANDS, command
                used.add(sub)
                # the options given exist: hyoka parses them (no usage error) with --help appended
                options = [w for w in rest if w.startswith("-")]
                helptext = run_cli(sub, "--help").stdout
                assert all(o.split("=")[0] in helptext for o in options), command
            case ["rm", "-rf", *_]:
                pass
            case _:
                pytest.fail(f"unexpected command: {command}")
    assert {"check", "build", "site"} <= used


def _git(city: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=city, check=True, capture_output=True)


def test_pre_commit_runs_hyoka_check_and_fails_on_a_broken_file(city: Path, tmp_path: Path) -> None:
    hook = yaml.safe_load((city / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (entry,) = [h for repo in hook["repos"] for h in repo["hooks"]]
    assert entry["entry"].split()[:2] == ["hyoka", "check"]

    repo = tmp_path / "repo"
    shutil.copytree(city, repo)
    shutil.copytree(EXAMPLE, repo / "sources" / "kenko")
    shutil.copytree(EXAMPLE.parent / "blocks", repo / "sources" / "blocks", dirs_exist_ok=True)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # hyoka of this venv
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    env.pop("SOURCE_DATE_EPOCH", None)

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--files", *files],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
        )

    target = "sources/kenko/1_基本情報.yaml"
    good = pre_commit(target)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "hyoka check" in good.stdout and "Passed" in good.stdout

    path = repo / target
    path.write_text(path.read_text(encoding="utf-8") + "知らない項目: x\n", encoding="utf-8")
    bad = pre_commit(target)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"sources/kenko/1_基本情報\.yaml:\d+:1 エラー", bad.stdout), bad.stdout


def test_init_needs_the_city_when_it_cannot_ask(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "x"))  # stdin is not a terminal here
    assert result.code == 2 and "--city" in result.stderr, result.describe()
    assert not (tmp_path / "x").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x", encoding="utf-8")
    result = run_cli("init", str(tmp_path / "full"), "--city", "旭川市")
    assert result.code == 2, result.describe()
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["keep.txt"]
