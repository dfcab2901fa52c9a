"""Incremental builds: content hashes over the dependency graph, the manifest, ``hyoka deps``
and make, parallel and interrupted builds, progress output.

Tests that edit templates, blocks or generator modules run on a copy of ``generator/`` and
``templates/`` (``project``), so the checkout is never touched.
"""

from __future__ import annotations

import ast
import hashlib
import os
import pty
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE, REPO, SOURCES, CliResult, bare_python, run_cli

FAST = "html,docx"  # two formats of different writers, without XLSX's cost


# ---------------------------------------------------------------------------
# Helpers


def project(root: Path, *names: str) -> Path:
    """A copy of the generator and templates at ``root/proj`` with ``sources/<name>`` copies of
    the example (and the city's blocks)."""
    proj = root / "proj"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "generator", proj / "generator", ignore=ignore)
    shutil.copytree(REPO / "templates", proj / "templates", ignore=ignore)
    for name in names:
        # one document per folder: the paired 基礎 (8_基礎項目.yaml) is tested in test_kiso_build.py
        shutil.copytree(EXAMPLE, proj / "sources" / name, ignore=shutil.ignore_patterns("8_基礎項目.yaml"))
    if (SOURCES / "blocks").is_dir():
        shutil.copytree(SOURCES / "blocks", proj / "sources" / "blocks")
    return proj


def hyoka(proj: Path, *args: str | Path, env: dict[str, str] | None = None) -> CliResult:
    """The CLI of the project copy, in ``proj``, in a fresh process."""
    return run_cli(*args, cwd=proj, env={"PYTHONPATH": str(proj), **(env or {})})


def ok(result: CliResult) -> CliResult:
    assert result.code == 0, result.describe()
    return result


def snapshot(out: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``out`` (dot files too): modification time and content hash. Not the
    file index: a cache of hashes by stat that any run may refresh (as ``git status`` does
    git's index)."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".hyoka-index")
    }


def outputs(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and p.name != "deps.mk"
    }


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> set[str]:
    """Output files (not the manifest) written again: their modification time moved."""
    return {
        name
        for name in after
        if not name.rsplit("/", 1)[-1].startswith(".") and before.get(name, (None,))[0] != after[name][0]
    }


def written(result: CliResult) -> set[str]:
    """Output files the build says it wrote, as ``<name>/<file>``."""
    prefix = "書き出しました: "
    return {
        "/".join(Path(line[len(prefix) :]).parts[-2:])
        for line in result.stdout.splitlines()
        if line.startswith(prefix)
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: 「{old}」 occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def cover(folder: Path) -> Path:
    return folder / "0_表紙.yaml"


def set_remarks(folder: Path, value: object) -> None:
    """Replace the cover's 特記事項 (a free-text field) with ``value`` (text or block references)."""
    path = cover(folder)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["特記事項"] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ---------------------------------------------------------------------------
# No-op rebuilds


def test_noop_rebuild_touches_no_file(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b")
    ok(hyoka(proj, "build", "sources", "--out", "out"))
    before = snapshot(proj / "out")
    assert {"a/a.html", "a/a.docx", "a/a.xlsx", "b/b.html", "a/.hyoka-manifest.json"} <= set(before)
    time.sleep(0.01)  # a rewrite would show in the nanosecond modification times
    result = ok(hyoka(proj, "build", "sources", "--out", "out"))
    assert snapshot(proj / "out") == before  # outputs and manifests alike
    assert "すべて最新です（6 ファイル）" in result.stdout
    assert not written(result)


def test_noop_check_parses_nothing_and_imports_no_writer(tmp_path: Path) -> None:
    proj = project(tmp_path, "a")
    ok(hyoka(proj, "build", "sources", "--out", "out"))
    heavy = [
        "docx",
        "openpyxl",
        "jinja2",
        "generator.reader",
        "generator.pipeline",
        "generator.blocks.library",
    ]
    heavy += [
        "generator.writers.html",
        "generator.layout.builder",
        "typer",
        "pydantic",
        "markdown_it",
        "yaml",
    ]
    assert imported(proj, ["build", "sources", "--out", "out", "--quiet"], heavy) == []


# Modules a build of all three formats does without: each would cost every build's start-up.
# typing: annotations only (``TYPE_CHECKING = False`` stands for typing's own); dataclasses:
# generator.records; inspect: pkgutil's, avoided by the rule registry; logging: concurrent.futures';
# the libraries: the writers write XML themselves (python-docx only makes the cached skeleton);
# yaml: generator.yamlblock reads the sources' block-style YAML; urllib.parse and gettext: see
# generator.launch.
NOT_ON_BUILD_PATH = [
    "typing",
    "dataclasses",
    "inspect",
    "pkgutil",
    "logging",
    "concurrent.futures",
    "queue",  # commands/build.py's _Queue
    "importlib.util",  # writers/docx.py finds python-docx through importlib.machinery
    "struct",  # writers/zipfix.py packs the zip records with int.to_bytes
    "zipfile",
    "docx",
    "openpyxl",
    "jinja2",
    "markdown_it",
    "yaml",
    "urllib.parse",
    "gettext",
    "argparse",  # a plain build command line is read without it (cli._plain_build)
]
# ... nor a build of one small folder: hashlib (OpenSSL) hashes only past generator.sha's budget,
# json reads only a large manifest (generator.plainjson; commands/spread.py's forks use it)
# threading: a build of one folder syncs its outputs without threads (commands/build.py _Syncer)
NOT_ON_A_SMALL_BUILD = [*NOT_ON_BUILD_PATH, "hashlib", "json", "generator.blocks.render", "threading"]


def test_build_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    # every example, its paired 基礎 and 変更箇所 included: each runs rules the others do not
    proj = project(tmp_path)
    shutil.copytree(SOURCES, proj / "sources", dirs_exist_ok=True)
    ok(hyoka(proj, "build", "sources", "--out", "out"))  # the DOCX skeleton, cached for the next
    args = ["build", "sources", "--out", "out", "--force", "--quiet", "--format", "html,docx,xlsx", "-j", "1"]
    assert imported(proj, args, NOT_ON_BUILD_PATH) == []


def test_a_small_build_without_blocks_imports_neither_the_block_renderer_nor_openssl(tmp_path: Path) -> None:
    proj = project(tmp_path)
    shutil.copytree(SOURCES / "mihon-jidofuyo", proj / "sources" / "mihon-jidofuyo")  # uses no block
    args = ["build", "sources", "--out", "out", "--quiet", "--format", "html,docx,xlsx", "-j", "1"]
    ok(hyoka(proj, *args))  # the DOCX skeleton, cached for the next (python-docx uses hashlib)
    assert imported(proj, [*args, "--force"], NOT_ON_A_SMALL_BUILD) == []


def test_a_kiso_build_imports_neither_the_juten_only_rules_nor_the_pairing(tmp_path: Path) -> None:
    # mihon is a standalone 基礎: the rule modules listed for the 重点 only, their helper and the
    # paired 基礎's definitions (a 重点's) are not on its path
    from generator.rules.registry import MODULE_FORMS

    juten_only = [
        f"generator.rules.{name}" for name, forms in MODULE_FORMS.items() if forms == ("重点項目評価書",)
    ]
    assert len(juten_only) >= 12
    proj = project(tmp_path)
    shutil.copytree(SOURCES / "mihon-jidofuyo", proj / "sources" / "mihon-jidofuyo")
    args = ["build", "sources", "--out", "out", "--quiet", "--format", "html,docx,xlsx", "-j", "1"]
    unwanted = [*juten_only, "generator.rules.values", "generator.form.pairing", "generator.form.juten"]
    assert imported(proj, args, unwanted) == []


def test_a_small_build_compiles_neither_the_xml_illegal_class_nor_the_markdown_syntax_pattern(
    tmp_path: Path,
) -> None:
    # each is compiled only for a text that may hold what it looks for (0.5-0.7 ms each); none of
    # mihon's does
    from generator import markup
    from generator.writers import xmltext

    proj = project(tmp_path)
    shutil.copytree(SOURCES / "mihon-jidofuyo", proj / "sources" / "mihon-jidofuyo")
    args = ["build", "sources", "--out", "out", "--quiet", "--format", "html,docx,xlsx", "-j", "1"]
    ok(hyoka(proj, *args))  # the DOCX skeleton, cached for the next
    patterns = [xmltext.ILLEGAL, markup._MAYBE_SYNTAX]
    probe = (
        "import re, sys\n"
        "from generator.launch import cli\n"
        f"code = cli().run({[*args, '--force']!r})\n"
        "keys = {key[1] for key in re._cache}\n"  # CPython's compiled patterns: (type, pattern, flags)
        f"print(code, len(keys), [p for p in {patterns!r} if p in keys])\n"
    )
    libraries = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    code, cached, found = bare_python(probe, proj, *libraries, cwd=proj).strip().split(" ", 2)
    assert code == "0", found
    assert int(cached) > 5  # the probe sees the compiled patterns: the build compiled some
    assert ast.literal_eval(found) == []


def test_the_kiso_form_is_defined_without_the_juten_sections() -> None:
    # the 重点's sections Ⅰ–Ⅴ (~0.5 ms to import) are the 重点's alone: the 基礎's definitions, and so
    # a 基礎's build once the registry imports only the form asked for, do without them
    probe = "import sys\nimport generator.form.kiso\nprint(sorted(m for m in sys.modules if m.startswith('generator.form')))\n"
    found = ast.literal_eval(bare_python(probe, REPO).strip())
    assert "generator.form.schema" in found  # the probe imported the forms' blocks
    assert "generator.form.juten_sections" not in found and "generator.form.juten" not in found


def imported(proj: Path, args: list[str], modules: list[str]) -> list[str]:
    """Which of ``modules`` the ``hyoka`` program (generator.launch) imports to run ``args`` (in
    ``proj``, successfully); from an interpreter without site (an editable install's finder
    brings pathlib, urllib.parse and importlib.util), the libraries on its path as they are."""
    probe = (
        "import sys\n"
        "started = set(sys.modules)\n"
        "from generator.launch import cli\n"
        f"code = cli().run({args!r})\n"
        f"print(code, [m for m in {modules!r} if m in sys.modules and m not in started])\n"
    )
    libraries = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    code, _, found = bare_python(probe, proj, *libraries, cwd=proj).strip().partition(" ")
    assert code == "0", found
    return ast.literal_eval(found)  # a printed list of module names


def test_touched_but_unchanged_source_rebuilds_nothing(tmp_path: Path) -> None:
    proj = project(tmp_path, "a")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    before = snapshot(proj / "out")
    later = time.time() + 60
    for path in (proj / "sources" / "a").iterdir():
        os.utime(path, (later, later))
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert snapshot(proj / "out") == before, result.describe()


# ---------------------------------------------------------------------------
# What a change rebuilds


def test_editing_one_source_rebuilds_only_that_assessment(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    before = snapshot(proj / "out")
    set_remarks(proj / "sources" / "a", "特記事項を書き換えました。")
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    after = snapshot(proj / "out")
    assert changed(before, after) == {"a/a.html", "a/a.docx"}
    assert written(result) == {"a/a.html", "a/a.docx"}
    assert "特記事項を書き換えました。" in (proj / "out/a/a.html").read_text(encoding="utf-8")
    assert "1 件" not in result.stderr


BLOCK = """\
title: テスト用の共通記載
versions:
  - version: "2025-01"
    effective: 2025-01-01
    text: 新しい版の文言です。
  - version: "2024-01"
    effective: 2024-01-01
    text: 古い版の文言です。
"""


def memo_block(proj: Path) -> Path:
    """The city block ``test/memo`` (``BLOCK``) in the project's sources."""
    block = proj / "sources" / "blocks" / "test" / "memo.yaml"
    block.parent.mkdir(parents=True)
    block.write_text(BLOCK, encoding="utf-8")
    return block


def test_editing_a_block_rebuilds_exactly_the_assessments_using_that_version(tmp_path: Path) -> None:
    proj = project(tmp_path, "newest", "pinned", "other")
    block = memo_block(proj)
    set_remarks(proj / "sources" / "newest", [{"block": "test/memo"}])  # follows the newest version
    set_remarks(proj / "sources" / "pinned", [{"block": "test/memo", "version": "2024-01"}])
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert "新しい版の文言です。" in (proj / "out/newest/newest.html").read_text(encoding="utf-8")
    assert "古い版の文言です。" in (proj / "out/pinned/pinned.html").read_text(encoding="utf-8")

    # the newest version's text: only the assessment that follows the newest version
    before = snapshot(proj / "out")
    edit(block, "新しい版の文言です。", "新しい版の文言を直しました。")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    after = snapshot(proj / "out")
    assert changed(before, after) == {"newest/newest.html", "newest/newest.docx"}
    assert "新しい版の文言を直しました。" in (proj / "out/newest/newest.html").read_text(encoding="utf-8")

    # the old version's text: only the assessment pinned to it
    edit(block, "古い版の文言です。", "古い版の文言を直しました。")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    again = snapshot(proj / "out")
    assert changed(after, again) == {"pinned/pinned.html", "pinned/pinned.docx"}

    # the block file's new hash is recorded for those not rebuilt: the next build is a no-op
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert "すべて最新です" in result.stdout
    assert snapshot(proj / "out") == again


def test_new_newest_block_version_rebuilds_its_followers_only(tmp_path: Path) -> None:
    proj = project(tmp_path, "newest", "pinned")
    block = memo_block(proj)
    set_remarks(proj / "sources" / "newest", [{"block": "test/memo"}])
    set_remarks(proj / "sources" / "pinned", [{"block": "test/memo", "version": "2025-01"}])
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "html"))
    before = snapshot(proj / "out")
    edit(
        block,
        "versions:\n",
        'versions:\n  - version: "2026-01"\n    effective: 2026-01-01\n    text: 最新版の文言です。\n',
    )
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "html"))
    assert changed(before, snapshot(proj / "out")) == {"newest/newest.html"}


def test_template_edit_rebuilds_that_format_for_every_assessment(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    before = snapshot(proj / "out")
    css = proj / "templates" / "html" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed by a test */\n", encoding="utf-8")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert changed(before, snapshot(proj / "out")) == {"a/a.html", "b/b.html"}
    assert "changed by a test" in (proj / "out/a/a.html").read_text(encoding="utf-8")


def test_generator_edit_rebuilds_everything_but_site_code_does_not(tmp_path: Path) -> None:
    proj = project(tmp_path, "a")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    before = snapshot(proj / "out")
    site = proj / "generator" / "commands" / "site.py"
    site.write_text(site.read_text(encoding="utf-8") + "\n# a change outside the build\n", encoding="utf-8")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert snapshot(proj / "out") == before
    builder = proj / "generator" / "layout" / "builder.py"
    builder.write_text(builder.read_text(encoding="utf-8") + "\n# a change to the layout\n", encoding="utf-8")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert changed(before, snapshot(proj / "out")) == {"a/a.html", "a/a.docx"}


def test_source_date_epoch_is_an_input(tmp_path: Path) -> None:
    proj = project(tmp_path, "a")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "docx"))
    before = snapshot(proj / "out")
    ok(
        hyoka(
            proj,
            "build",
            "sources",
            "--out",
            "out",
            "--format",
            "docx",
            env={"SOURCE_DATE_EPOCH": "1700000000"},
        )
    )
    stamped = snapshot(proj / "out")
    assert changed(before, stamped) == {"a/a.docx"}
    assert stamped["a/a.docx"][1] != before["a/a.docx"][1]  # the zip entries' times changed
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "docx"))
    assert snapshot(proj / "out")["a/a.docx"][1] == before["a/a.docx"][1]


def test_damaged_or_missing_output_is_rebuilt(tmp_path: Path) -> None:
    proj = project(tmp_path, "a")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    good = outputs(proj / "out")
    (proj / "out/a/a.html").write_bytes(good["a/a.html"][:100])
    (proj / "out/a/a.docx").unlink()
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert written(result) == {"a/a.html", "a/a.docx"}
    assert outputs(proj / "out") == good


def test_force_rebuilds_current_outputs(tmp_path: Path) -> None:
    proj = project(tmp_path, "a")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "html"))
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "html", "--force"))
    assert written(result) == {"a/a.html"}


# ---------------------------------------------------------------------------
# Parallel, failing and interrupted builds


def test_parallel_builds_give_the_same_bytes(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b", "c")
    serial = ok(hyoka(proj, "build", "sources", "--out", "serial", "-j", "1"))
    parallel = ok(hyoka(proj, "build", "sources", "--out", "parallel", "-j", "3"))
    assert outputs(proj / "serial") == outputs(proj / "parallel")
    assert len(outputs(proj / "serial")) == 9
    # progress and written lines come in the same (folder) order whatever finished first
    assert serial.stdout.replace("serial", "X") == parallel.stdout.replace("parallel", "X")


def test_failing_build_writes_nothing(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    before = snapshot(proj / "out")
    set_remarks(proj / "sources" / "a", "こちらは正しい変更です。")
    with cover(proj / "sources" / "b").open("a", encoding="utf-8") as fh:
        fh.write("様式にない項目: 1\n")
    result = hyoka(proj, "build", "sources", "--out", "out", "--format", FAST)
    assert result.code == 1, result.describe()
    assert "様式にない項目" in result.stderr
    assert "出力は書き込んでいません" in result.stderr
    assert snapshot(proj / "out") == before  # not even the valid assessment's files


def _many(tmp_path: Path, count: int) -> Path:
    names = [f"x{n:02d}" for n in range(count)]
    return project(tmp_path, *names)


def _start(proj: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(proj)}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=proj,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the workers are killed with it
    )


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def _edit_all(proj: Path) -> None:
    for folder in sorted((proj / "sources").iterdir()):
        if folder.name != "blocks":
            set_remarks(folder, f"{folder.name} の特記事項を変えました。")


def test_killed_build_leaves_no_truncated_file(tmp_path: Path) -> None:
    """SIGKILL while the outputs are being written: every file in out/ is the old or the new one,
    whole; the next build removes the temp files the kill left and completes the outputs."""
    proj = _many(tmp_path, 10)
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    old = outputs(proj / "out")
    _edit_all(proj)
    ok(hyoka(proj, "build", "sources", "--out", "expected", "--format", FAST))
    new = outputs(proj / "expected")
    times = {p: p.stat().st_mtime_ns for p in (proj / "out").rglob("*") if p.is_file()}

    proc = _start(proj, "build", "sources", "--out", "out", "--format", FAST, "-j", "2", "--quiet")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        temps = list((proj / "out").rglob(".*.tmp"))
        if temps or any(p.stat().st_mtime_ns != t for p, t in times.items()):
            break
        time.sleep(0.0005)
    _kill(proc)
    assert proc.returncode == -signal.SIGKILL, "the build ended before it could be killed while writing"

    after = outputs(proj / "out")
    assert set(after) == set(old)
    for name, data in after.items():
        assert data in (old[name], new[name]), f"{name} is neither the previous nor the new file"

    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert not list((proj / "out").rglob("*.tmp")), result.describe()
    assert outputs(proj / "out") == new


def test_build_killed_before_writing_leaves_previous_outputs(tmp_path: Path) -> None:
    proj = _many(tmp_path, 4)
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    before = snapshot(proj / "out")
    _edit_all(proj)
    proc = _start(proj, "build", "sources", "--out", "out", "--format", FAST, "-j", "2")
    assert proc.stdout is not None
    first = proc.stdout.readline().decode("utf-8")
    assert first.startswith("組版しました (1/4)"), first  # laid out, nothing published yet
    _kill(proc)
    # the outputs rendered so far wait in temp files beside their places; the next build removes them
    after = snapshot(proj / "out")
    assert {k: v for k, v in after.items() if not k.endswith(".tmp")} == before
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert not list((proj / "out").rglob("*.tmp"))


# ---------------------------------------------------------------------------
# Progress


def test_plain_progress_lines_off_a_terminal_and_quiet(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b")
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "html"))
    lines = result.stdout.splitlines()
    assert lines[:2] == ["組版しました (1/2): a", "組版しました (2/2): b"]
    assert written(result) == {"a/a.html", "b/b.html"}
    quiet = ok(hyoka(proj, "build", "sources", "--out", "out2", "--format", "html", "--quiet"))
    assert quiet.stdout == "" and quiet.stderr == ""


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    proj = project(tmp_path, "a")
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(proj), "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "sources", "--out", "out", "--format", "html"],
        cwd=proj,
        env=env,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "組版中" in text and "1/1" in text, text
    assert "\x1b[" in text  # drawn with terminal control sequences


# ---------------------------------------------------------------------------
# hyoka deps and make


def test_deps_rules_name_exactly_each_folders_inputs(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "c")
    memo_block(proj)
    set_remarks(proj / "sources" / "a", [{"block": "test/memo"}])
    result = ok(hyoka(proj, "deps", "sources", "--out", "out", "--format", FAST))
    rules = _rules(result.stdout)
    assert set(rules) == {"out/a/a.html out/a/a.docx", "out/c/c.html out/c/c.docx"}
    prerequisites, recipe = rules["out/a/a.html out/a/a.docx"]
    sources = {f"sources/a/{p.name}" for p in (proj / "sources" / "a").iterdir()}
    assert sources <= set(prerequisites)
    assert "sources/blocks/test/memo.yaml" in prerequisites
    assert "sources/blocks/test/memo.yaml" not in rules["out/c/c.html out/c/c.docx"][0]
    assert not any(p.startswith("sources/c/") for p in prerequisites)
    templates = {p.relative_to(proj).as_posix() for p in (proj / "templates/html").rglob("*") if p.is_file()}
    assert templates <= set(prerequisites)
    assert "$(HYOKA_GENERATOR)" in prerequisites
    # one build for the folder's formats: its YAML is read once
    assert recipe == [
        "$(HYOKA) build sources/a --out out --format html,docx --quiet",
        "@touch out/a/a.html out/a/a.docx",
    ]
    generator = _variable(result.stdout, "HYOKA_GENERATOR")
    assert "generator/layout/builder.py" in generator
    assert "generator/commands/site.py" not in generator
    assert _variable(result.stdout, "HYOKA_OUTPUTS") == " ".join(rules).split()
    assert not (proj / "out").exists()  # printed, not written


def test_deps_writes_only_the_rules_that_change(tmp_path: Path) -> None:
    """With --output each folder's rules go to its own file, written again only when they change;
    a folder whose YAML is unchanged is not read again."""
    proj = project(tmp_path, "a", "c")
    memo_block(proj)
    deps = ("deps", "sources", "--out", "out", "--format", FAST, "--output", "out/deps.mk")
    ok(hyoka(proj, *deps))
    top = (proj / "out/deps.mk").read_text(encoding="utf-8")
    assert "  out/a/.hyoka-deps.mk \\" in top and "  out/c/.hyoka-deps.mk \\" in top
    assert "  sources/a \\" in top  # deps.mk's own prerequisites: a file added or removed
    assert "0_表紙.yaml" not in top  # an edited YAML file runs its folder's rule, not hyoka deps
    assert "  sources/blocks/test \\" in top
    before = snapshot(proj / "out")
    time.sleep(0.01)

    set_remarks(proj / "sources" / "a", [{"block": "test/memo"}])
    ok(hyoka(proj, *deps))
    after = snapshot(proj / "out")
    assert after["a/.hyoka-deps.mk"] != before["a/.hyoka-deps.mk"]
    assert after["c/.hyoka-deps.mk"] == before["c/.hyoka-deps.mk"]
    assert changed(before, after) == {"deps.mk"}
    assert "sources/blocks/test/memo.yaml" in (proj / "out/a/.hyoka-deps.mk").read_text(encoding="utf-8")

    # nothing changed: deps.mk is touched, no YAML is read
    assert imported(proj, list(deps), ["yaml", "generator.reader", "generator.pipeline"]) == []
    last = snapshot(proj / "out")
    assert {k for k in last if last[k] != after[k]} == {"deps.mk"}


def _rules(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """targets → (prerequisites, recipe lines) of a generated deps.mk's grouped rules."""
    joined = text.replace("\\\n", " ")
    rules: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] | None = None
    for line in joined.splitlines():
        if line.startswith("\t") and current is not None:
            current.append(line[1:])
        elif " &: " in line and not line.startswith(("#", "HYOKA")):
            target, _, prereqs = line.partition(" &: ")
            current = []
            rules[target.strip()] = (prereqs.split(), current)
        else:
            current = None
    return rules


def _variable(text: str, name: str) -> list[str]:
    for line in text.replace("\\\n", " ").splitlines():
        if line.startswith(f"{name} :="):
            return line.split(":=", 1)[1].split()
    raise AssertionError(f"{name} not in deps.mk")


def test_deps_escapes_awkward_file_names(tmp_path: Path) -> None:
    from generator.commands.deps import make_path, shell_word

    assert make_path(Path("a b/c#d:e%f$g.yaml")) == "a\\ b/c\\#d\\:e\\%f$$g.yaml"
    assert shell_word(Path("a b/$x")) == "'a b/$$x'"


def _make(proj: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(proj)}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=proj,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_with_deps_rebuilds_exactly_what_changed(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b")
    (proj / "Makefile").write_text(
        f"HYOKA := {sys.executable} -m generator.cli\n"
        ".DEFAULT_GOAL := all\n"
        "include out/deps.mk\n"
        "all: $(HYOKA_OUTPUTS)\n"
        "out/deps.mk:\n"
        "\t$(HYOKA) deps sources --out out --format html,docx --output $@\n",
        encoding="utf-8",
    )
    first = _make(proj)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.count(" build sources/") == 2, first.stdout  # one per folder
    again = _make(proj)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout, again.stdout

    set_remarks(proj / "sources" / "b", "b だけ変えました。")
    before = snapshot(proj / "out")
    third = _make(proj)
    builds = [line for line in third.stdout.splitlines() if " build " in line]
    assert builds == [
        f"{sys.executable} -m generator.cli build sources/b --out out --format html,docx --quiet --rules"
    ]
    # the build writes b's rules again from its records: no hyoka deps over every folder
    assert " deps sources " not in third.stdout
    assert changed(before, snapshot(proj / "out")) == {"b/b.html", "b/b.docx"}

    # touched, not changed: make asks hyoka, hyoka rewrites nothing, make is satisfied after
    os.utime(cover(proj / "sources" / "a"))  # now: newer than the outputs, older than the touch below
    contents = outputs(proj / "out")
    assert _make(proj).returncode == 0
    assert outputs(proj / "out") == contents
    assert "Nothing to be done" in _make(proj).stdout

    # a block file edited: only its users are built again, without hyoka deps
    set_remarks(proj / "sources" / "a", [{"block": "test/memo"}])
    block = memo_block(proj)
    assert _make(proj).returncode == 0
    edit(block, "新しい版の文言です。", "新しい版の文言を直しました。")
    fourth = _make(proj)
    assert [line for line in fourth.stdout.splitlines() if " build " in line or " deps " in line] == [
        f"{sys.executable} -m generator.cli build sources/a --out out --format html,docx --quiet --rules"
    ], fourth.stdout
    assert "新しい版の文言を直しました。" in (proj / "out/a/a.html").read_text(encoding="utf-8")


def test_project_makefile_does_nothing_after_make_build(tmp_path: Path) -> None:
    """The repository's Makefile on a copy of the example: `make` right after `make build` starts
    no process at all (the time is printed for the record, not asserted)."""
    if not (REPO / ".venv" / ".installed").is_file():
        pytest.fail("the project's venv is missing: run `make build` first (make test does)", pytrace=False)
    sources = tmp_path / "sources"
    shutil.copytree(EXAMPLE, sources / EXAMPLE.name)
    if (SOURCES / "blocks").is_dir():
        shutil.copytree(SOURCES / "blocks", sources / "blocks")
    args = ["-C", str(REPO), f"SOURCES={sources}", f"OUT={tmp_path / 'out'}"]
    build = subprocess.run(["make", *args, "build"], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "out" / "deps.mk").is_file()
    start = time.perf_counter()
    noop = subprocess.run(["make", *args], capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    print(f"make after make build: {elapsed:.3f} s")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert "Nothing to be done for 'all'" in noop.stdout, noop.stdout


# ---------------------------------------------------------------------------
# The folder checks: a no-op build's first look at a folder (commands/build.py ``_holds``)


def age(proj: Path) -> None:
    """Make every source and output, and their folders, older than the file index's racy window."""
    old = time.time() - 60
    for root in (proj / "sources", proj / "out"):
        for p in root.rglob("*"):
            os.utime(p, (old, old))


def settle(proj: Path) -> dict:
    """Age the files (``age``), build (the index then trusts their stats and records each
    folder's check) and return the checks."""
    age(proj)
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert not written(result), result.describe()
    import marshal

    return marshal.loads((proj / "out" / ".hyoka-index").read_bytes())["sections"].get("folders", {})


def test_folder_check_sees_every_change(tmp_path: Path) -> None:
    proj = project(tmp_path, "a", "b")
    block = memo_block(proj)
    set_remarks(proj / "sources" / "a", [{"block": "test/memo"}])
    set_remarks(proj / "sources" / "b", "あああ")
    ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))

    def same_size_same_mtime(path: Path, old: bytes, new: bytes) -> None:
        st = path.stat()
        data = path.read_bytes()
        assert len(old) == len(new) and data.count(old) == 1
        path.write_bytes(data.replace(old, new))
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # only the change time tells

    css = proj / "templates" / "html" / "style.css"
    builder = proj / "generator" / "layout" / "builder.py"
    cases = [
        (
            lambda: same_size_same_mtime(cover(proj / "sources" / "b"), "あああ".encode(), "いいい".encode()),
            {"b/b.html", "b/b.docx"},
        ),
        (
            lambda: shutil.copy(EXAMPLE / "8_基礎項目.yaml", proj / "sources" / "a"),  # a new YAML file
            {"a/a.html", "a/a.docx", "a/a-基礎.html", "a/a-基礎.docx"},
        ),
        (lambda: (proj / "out" / "a" / "a.docx").unlink(), {"a/a.docx"}),
        (lambda: same_size_same_mtime(proj / "out" / "b" / "b.html", b"<html", b"<HTML"), {"b/b.html"}),
        (
            lambda: edit(block, "新しい版の文言です。", "新しい版の文言を直しました。"),
            {"a/a.html", "a/a.docx", "a/a-基礎.html", "a/a-基礎.docx"},  # the pair's blocks are one list
        ),
        (
            lambda: css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8"),
            {"a/a.html", "a/a-基礎.html", "b/b.html"},
        ),
        (
            lambda: builder.write_text(
                builder.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
            ),
            {"a/a.html", "a/a.docx", "a/a-基礎.html", "a/a-基礎.docx", "b/b.html", "b/b.docx"},
        ),
    ]
    for change, expected in cases:
        checks = settle(proj)
        assert {Path(k.split("\0")[0]).name for k in checks} == {"a", "b"}  # the checks are in play
        change()
        result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
        assert written(result) == expected, result.describe()

    # a removed YAML file: the folder's sources and documents change
    assert len(settle(proj)) == 2
    (proj / "sources" / "a" / "8_基礎項目.yaml").unlink()
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", FAST))
    assert written(result) == {"a/a.html", "a/a.docx"}, result.describe()
    assert "2 ファイルは最新" in result.stdout  # b's: its check holds


def test_relinked_outputs_are_hashed_by_the_publishing_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``hyoka site`` hard-links the outputs it publishes; the index then hashes those whose stat
    moved again (``FileIndex.relinked``), so the next run reads none, and a content change that
    kept the modification time is not taken for a link."""
    from generator import fileindex

    out, folder = tmp_path / "out", tmp_path / "sources" / "a"
    (out / "a").mkdir(parents=True)
    folder.mkdir(parents=True)
    linked, edited = out / "a" / "a.docx", out / "a" / "a.xlsx"
    old = time.time() - 60
    for path in (linked, edited):
        path.write_bytes(b"one")
        os.utime(path, (old, old))
    index = fileindex.FileIndex(out)
    index.focus(folder)
    first = {path: index.sha(str(path)) for path in (linked, edited)}
    index.release(folder)
    os.link(linked, tmp_path / "published")  # its change time moves, nothing else
    st = edited.stat()
    edited.write_bytes(b"two")  # same size, the modification time put back
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    index.focus(folder)
    moved = index.relinked(str(out / "a"))
    index.release(folder)
    # the link only moved the stat: a command's records of the old one may follow it
    assert set(moved) == {str(linked)}
    assert moved[str(linked)][1] == fileindex.stat_key(linked.stat())

    monkeypatch.setattr(fileindex, "file_sha256_hex", lambda path: pytest.fail(f"{path} read again"))
    again = fileindex.FileIndex(out)
    again.focus(folder)
    assert again.sha(str(linked)) == first[linked]
    assert again.sha(str(edited)) == hashlib.sha256(b"two").hexdigest() != first[edited]


def test_a_publishing_site_run_leaves_the_folder_checks_holding(tmp_path: Path) -> None:
    """``hyoka site`` hard-links the DOCX and XLSX it publishes, which moves their change times;
    the folder checks take the new stats (``build.relinked``), so that the next build's checks
    hold as they are (the full check would record them again: the index would be written)."""
    proj = project(tmp_path, "a", "b")
    profile = proj / "sources" / "city.yaml"
    shutil.copy(SOURCES / "city.yaml", profile)
    site = ("site", "sources", "--out", "site", "--build", "out")
    ok(hyoka(proj, *site))
    age(proj)
    ok(hyoka(proj, *site))  # the index trusts the stats now: the folder checks are recorded
    index = proj / "out" / ".hyoka-index"
    import marshal

    assert len(marshal.loads(index.read_bytes())["sections"]["folders"]) == 2
    profile.write_text(profile.read_text(encoding="utf-8") + "# 変更\n", encoding="utf-8")
    result = ok(hyoka(proj, *site))  # every page made again and the downloads linked
    assert "作り直したページ 2 件" in result.stdout, result.describe()
    before = index.stat()
    result = ok(hyoka(proj, "build", "sources", "--out", "out", "--format", "docx,xlsx"))
    assert "すべて最新です（4 ファイル）" in result.stdout, result.describe()
    after = index.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), (
        "the checks were made again"
    )


def test_a_rebuilt_folder_s_sources_are_hashed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stale folder's sources are hashed while planning; those hashes are kept when its piece
    of the index is saved on publishing, so that the next run does not read them again."""
    from generator import fileindex
    from generator.commands import build

    folder = tmp_path / "sources" / "a"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("8_基礎項目.yaml"))
    shutil.copytree(SOURCES / "blocks", tmp_path / "sources" / "blocks")
    out = tmp_path / "out"
    assert build.run([folder], out, ["html"], quiet=True) == 0
    edit(cover(folder), "評価書番号:", "評価書番号: 2 #")
    old = time.time() - 60
    for p in folder.iterdir():
        os.utime(p, (old, old))  # the index trusts their stats from now on
    read: list[str] = []
    real = fileindex.file_sha256_hex
    monkeypatch.setattr(fileindex, "file_sha256_hex", lambda path: read.append(path) or real(path))
    assert build.run([folder], out, ["html"], quiet=True) == 0
    assert str(cover(folder)) in read  # changed: hashed, and the folder built again
    read.clear()
    assert build.run([folder], out, ["html"], quiet=True) == 0
    assert not [p for p in read if p.startswith(f"{folder}{os.sep}")]
