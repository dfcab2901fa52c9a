"""``hyoka serve``: the served page changes within seconds of saving a YAML file, and a broken
file's errors appear in the page with file:line, escaped."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, set_value

DEADLINE = 30.0  # seconds a change may take before the test gives up (measured times are printed)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own 127.0.0.1 server
        return response.read().decode("utf-8")


def _wait_for(url: str, predicate, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < DEADLINE:
        if predicate(_get(url)):
            return time.monotonic() - start
        time.sleep(0.1)
    pytest.fail(f"{what}: not seen within {DEADLINE} s")


@pytest.fixture
def served(example_copy: Path) -> Iterator[tuple[str, Path]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "serve",
            example_copy.name,
            "--port",
            "0",
            "--interval",
            "0.2",
        ],
        cwd=example_copy.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        seen = []
        while True:
            line = lines.get(timeout=120)
            seen.append(line)
            m = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if m:
                break
        yield m.group(0), example_copy
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_rebuilds_and_the_page_changes(served: tuple[str, Path]) -> None:
    url, folder = served
    name = folder.name
    assert name in _get(url)  # the index lists the document
    page_url = f"{url}{name}/"
    page = _get(page_url)
    assert "健康増進事業に関する事務" in page
    assert "/__hyoka/state" in page  # the reload script, in serve mode only

    set_value(folder / "1_基本情報.yaml", "事務の名称", "serveで変えた事務の名称")
    took = _wait_for(page_url, lambda p: "serveで変えた事務の名称" in p, "edited text")
    print(f"edit seen in the served page after {took:.2f} s")

    # a broken file: the old page stays, the errors (file:line, escaped) on top of it
    cover = folder / "0_表紙.yaml"
    cover.write_text(cover.read_text(encoding="utf-8") + "<b>知らない</b>: x\n", encoding="utf-8")
    took = _wait_for(page_url, lambda p: 'role="alert"' in p, "error banner")
    print(f"error seen in the served page after {took:.2f} s")
    page = _get(page_url)
    banner = page[page.index('role="alert"') :][:3000]
    assert re.search(r"0_表紙\.yaml:\d+:\d+ エラー", banner), banner
    assert "&lt;b&gt;知らない&lt;/b&gt;" in banner and "<b>知らない</b>" not in banner
    assert "serveで変えた事務の名称" in page  # the last good build is still shown

    # fixed again: the banner goes
    cover.write_text(cover.read_text(encoding="utf-8").replace("<b>知らない</b>: x\n", ""), encoding="utf-8")
    _wait_for(page_url, lambda p: 'role="alert"' not in p, "banner gone")


def test_built_files_carry_no_serve_script(served: tuple[str, Path]) -> None:
    """The reload script is added when serving; an HTML build never has it."""
    url, folder = served
    out = folder.parent / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "build",
            folder.name,
            "--out",
            str(out),
            "--format",
            "html",
            "--quiet",
        ],
        cwd=folder.parent,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    built = (out / folder.name / f"{folder.name}.html").read_text(encoding="utf-8")
    assert "/__hyoka/state" not in built
    assert "/__hyoka/state" in _get(f"{url}{folder.name}/")
