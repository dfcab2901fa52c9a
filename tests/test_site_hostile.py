"""``hyoka site`` against hostile folder names, interruption and a wrong output folder.

Folder names become site paths and links: a name such as ``javascript:alert(document.domain)``
must never become a link that runs script, ``#``, ``?``, ``%`` and spaces must not break links,
names the site writes itself (``index.html``, ``search.js``) must not overwrite its files, and
control characters must not reach a page. The site is written to a temp folder and swapped in
whole, so an interrupted run leaves the previous site as it was.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse
from pathlib import Path

import lxml.html
import pytest

from generator.commands import site as site_command
from generator.site.index import Listed, index_page
from generator.site.pages import Download
from generator.site.profile import Profile
from generator.site.theme import static_file
from tests.browser import chromium
from tests.conftest import SOURCES, copy_example, run_cli

HOSTILE = [
    "javascript:alert(document.domain)",
    "a#b?c%d e",
    "index.html",
    "Search.js",
    "site.css",
    "search",
    "list.js",
    "list.js-基礎",  # the name of list.js's paired 基礎 on the site
    "x\x01y\x1bz",
    "..dots",
    "%2e%2e",
]
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _sources(root: Path, names: list[str]) -> Path:
    example = copy_example(root)
    sources = root / "sources"
    for name in names:
        shutil.copytree(example, sources / name)
    shutil.rmtree(example)
    shutil.copy(SOURCES / "city.yaml", sources / "city.yaml")
    return sources


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    _sources(root, HOSTILE)
    result = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=root)
    assert result.code == 0, result.describe()
    assert "Traceback" not in result.stderr
    return root / "out" / "site"


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted(site.glob("*/index.html"))]


def test_site_files_are_not_overwritten_by_folders_of_their_names(hostile_site: Path) -> None:
    assert (hostile_site / "search.js").read_bytes() == static_file("search.js")
    assert (hostile_site / "site.css").read_bytes() == static_file("site.css")
    assert (hostile_site / "list.js").read_bytes() == static_file("list.js")
    assert (hostile_site / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (hostile_site / "search" / "meta.js").is_file()
    pages = _pages(hostile_site)
    assert len(pages) == 1 + 2 * len(HOSTILE)  # the example has a paired 基礎: two documents each
    titles = {lxml.html.parse(str(p)).find(".//title").text for p in pages[1:]}
    assert titles and all(t for t in titles)


def test_hrefs_are_relative_encoded_and_never_a_scheme(hostile_site: Path) -> None:
    for page in _pages(hostile_site):
        raw = page.read_bytes()
        assert not CONTROL.search(raw), f"{page}: control characters"
        tree = lxml.html.document_fromstring(raw)
        for element in tree.iter("a", "link", "script"):
            url = element.get("href") or element.get("src")
            if url is None:
                continue
            assert url.startswith(("./", "../", "#")), f"{page}: {url!r}"
            assert not SCHEME.match(url) and "//" not in url, f"{page}: {url!r}"
            assert " " not in url and "?" not in url and url.count("#") <= 1, f"{page}: {url!r}"
            if not url.startswith("#"):
                target = (page.parent / urllib.parse.unquote(url.partition("#")[0])).resolve()
                assert target.is_file(), f"{page}: {url!r} leads nowhere"
                assert target.is_relative_to(hostile_site.resolve())


@pytest.mark.slow
def test_chromium_finds_no_script_links_and_clicking_raises_no_dialog(hostile_site: Path) -> None:
    dialogs: list[str] = []
    clicked: set[str] = set()
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in _pages(hostile_site):
            url = path.as_uri()
            page.goto(url)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            for href in hrefs:
                assert href.startswith("file://"), f"{path}: {href}"
                assert "javascript:" not in href.split("/")[0]
            # click every link, as a reader would, each on a fresh copy of the page (a link
            # within the page once: every assessment page has the same table of contents)
            raws = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            for i, raw in enumerate(raws):
                key = raw if raw.startswith("#") else hrefs[i]
                if key in clicked:
                    continue
                clicked.add(key)
                # a tab per click, left open: closing a tab that started a download from
                # file:// can hang headless Chromium (the browser closes them all at the end)
                tab = context.new_page()
                tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                tab.goto(url)
                link = tab.locator("a[href]").nth(i)
                # a DOM click: the skip link sits off screen until focused
                if link.get_attribute("download") is not None:
                    with tab.expect_download():
                        link.evaluate("a => a.click()")
                else:
                    link.evaluate("a => a.click()")
                    tab.wait_for_load_state()
                    tab.wait_for_timeout(20)
        # the search results link to the pages with their names encoded
        page.goto((hostile_site / "index.html").as_uri())
        page.fill("#search-query", "ガバメントクラウド")
        page.press("#search-query", "Enter")
        page.wait_for_selector(".search-list a")
        for href in page.eval_on_selector_all(".search-list a", "links => links.map(a => a.href)"):
            target = Path(urllib.parse.unquote(urllib.parse.urlparse(href).path))
            assert target.is_file(), href
    assert dialogs == []


def test_an_interrupted_site_leaves_the_previous_one_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = _sources(tmp_path, ["one", "two"])
    out = tmp_path / "out" / "site"
    assert run_cli("site", sources, "--out", out, "--build", tmp_path / "out").code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    cover = sources / "two" / "0_表紙.yaml"
    cover.write_text(cover.read_text(encoding="utf-8").replace("健康増進", "健康増進X"), encoding="utf-8")

    def interrupted(task: site_command.PageTask) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(site_command, "render_pages", interrupted)
    with pytest.raises(KeyboardInterrupt):
        site_command.run([sources], out, tmp_path / "out", None, quiet=True, jobs=1)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site.hyoka-")]
    monkeypatch.undo()
    result = run_cli("site", sources, "--out", out, "--build", tmp_path / "out")
    assert result.code == 0, result.describe()
    assert "健康増進X" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["build", "foreign", "sources", "folder", "linked", "work", "profile"])
def test_site_refuses_an_output_folder_it_would_wipe(tmp_path: Path, where: str) -> None:
    sources = _sources(tmp_path, ["one"])
    out = {
        "build": tmp_path / "out",
        "foreign": tmp_path / "docs",
        "sources": sources,
        "folder": sources / "one",  # the assessment folder itself
        "linked": tmp_path / "elsewhere",  # holds the folder sources/two links to
        "work": tmp_path / "w",  # holds the working folder
        "profile": tmp_path / "profile",  # holds the city profile given
    }[where]
    if where == "foreign":
        out.mkdir()
        (out / "memo.txt").write_text("大事なメモ", encoding="utf-8")
    if where == "linked":
        (out / "deep").mkdir(parents=True)
        shutil.copytree(sources / "one", out / "deep" / "two")
        (sources / "two").symlink_to(out / "deep" / "two")
    given = []
    if where == "profile":
        out.mkdir()
        given = ["--profile", shutil.copy(sources / "city.yaml", out / "city.yaml")]
    work = out / "inner" if where == "work" else tmp_path / "work"
    work.mkdir(parents=True)
    result = run_cli("site", sources, "--out", out, "--build", tmp_path / "out", *given, cwd=work)
    assert result.code == 2, result.describe()
    assert "サイト" in result.stderr and "Traceback" not in result.stderr
    # each a guard of its own: the output folder holding one of the others' folders, else a file
    assert ("含んでいます" in result.stderr) == (where != "foreign"), result.describe()
    if where == "foreign":
        assert (out / "memo.txt").read_text(encoding="utf-8") == "大事なメモ"
    assert (sources / "one" / "0_表紙.yaml").is_file()


# ---------------------------------------------------------------------------
# The index page's sorting and filter


def _entry(number: str, date: str, kind: str, title: str) -> Listed:
    return Listed(number, title, "○○市長", date, f"./{title}/index.html", [], date, kind)


@pytest.mark.slow
def test_index_sorts_by_number_and_date_and_filters_by_kind(tmp_path: Path) -> None:
    profile = Profile("○○市", "○○市 評価書", "総務課")
    entries = [
        _entry("10", "2024-05-01", "重点項目評価書", "c"),
        _entry("2", "2025-01-10", "基礎項目評価書", "a"),
        _entry("7", "2023-12-24", "重点項目評価書", "b"),
    ]
    (tmp_path / "index.html").write_bytes(index_page(profile, entries))
    for name in ("list.js", "search.js", "site.css"):
        (tmp_path / name).write_bytes(static_file(name))
    tree = lxml.html.parse(str(tmp_path / "index.html"))
    assert [td.text for td in tree.iterfind(".//tbody/tr/td[@class='number']")] == ["2", "7", "10"]
    with chromium() as browser:
        page = browser.new_page()
        page.goto((tmp_path / "index.html").as_uri())

        def numbers() -> list[str]:
            return page.eval_on_selector_all(
                "tbody tr:not([hidden]) td.number", "cells => cells.map(c => c.textContent)"
            )

        assert numbers() == ["2", "7", "10"]
        assert page.get_attribute("th[data-sort=number]", "aria-sort") == "ascending"
        page.click("th[data-sort=date] button")
        assert numbers() == ["2", "10", "7"]  # newest first
        assert page.get_attribute("th[data-sort=date]", "aria-sort") == "descending"
        assert page.get_attribute("th[data-sort=number]", "aria-sort") is None
        page.click("th[data-sort=date] button")
        assert numbers() == ["7", "10", "2"]
        assert page.get_attribute("th[data-sort=date]", "aria-sort") == "ascending"
        page.click("th[data-sort=number] button")
        assert numbers() == ["2", "7", "10"]
        assert page.is_visible("#kind-filter")
        page.select_option("#kind-filter", "重点項目評価書")
        assert numbers() == ["7", "10"]
        assert page.text_content("caption .count") == "2"
        page.select_option("#kind-filter", "")
        assert numbers() == ["2", "7", "10"]


def test_one_kind_has_no_filter() -> None:
    profile = Profile("○○市", "○○市 評価書", "総務課")
    html = index_page(profile, [_entry("1", "2024-05-01", "重点項目評価書", "a")]).decode()
    assert "kind-filter" not in html and '<th scope="col">種類</th>' not in html
    assert Download  # the downloads type the index lists
