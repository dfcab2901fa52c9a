"""``hyoka site``: the index, the assessment pages, downloads, search, accessibility.

The browser tests load the site from ``file://`` in headless Chromium, follow every link, watch
every request, run axe-core (installed with npm into ~/.cache/hyoka/node when missing) at WCAG
2.1 AA, and use the search box as a reader would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import lxml.html
import pytest
import yaml

from generator.site import names, search
from generator.site.pages import human_size
from generator.site.search import bigrams, normalise
from tests.browser import chromium
from tests.conftest import EXAMPLE, EXAMPLE_NAME, SOURCES, copy_example, run_cli

AXE_HOME = Path(os.environ.get("HYOKA_NODE_CACHE", Path.home() / ".cache" / "hyoka" / "node"))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COPY = "asahikawa-copy"
KISO = "-基礎"  # the paired 基礎項目評価書's suffix (generator.documents): the example has one


def _cover_number(folder: Path, number: int) -> None:
    path = folder / "0_表紙.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["評価書番号"] = number
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _site(root: Path) -> Path:
    """Sources with the example twice (the copy numbered 99) and the city profile; the site built."""
    folder = copy_example(root)
    second = root / "sources" / COPY
    shutil.copytree(folder, second)
    _cover_number(second, 99)
    shutil.copy(SOURCES / "city.yaml", root / "sources" / "city.yaml")
    result = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=root)
    assert result.code == 0, result.describe()
    return root / "out" / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("site"))


def _tree(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_bytes())


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted(site.glob("*/index.html"))]


# ---------------------------------------------------------------------------
# Files and links


def test_city_profile_of_the_examples() -> None:
    data = yaml.safe_load((SOURCES / "city.yaml").read_text(encoding="utf-8"))
    assert set(data) >= {"団体名", "サイト名", "連絡先"}
    assert "旭川市" in data["団体名"] and "熊谷市" in data["団体名"] and "厚木市" in data["団体名"]


def test_site_files(site: Path) -> None:
    names = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if not p.name.startswith(".") and not p.relative_to(site).as_posix().startswith("search/")
    )
    assert names == sorted(
        [
            COPY,
            f"{COPY}/{COPY}.docx",
            f"{COPY}/{COPY}.xlsx",
            f"{COPY}/index.html",
            COPY + KISO,
            f"{COPY}{KISO}/{COPY}{KISO}.docx",
            f"{COPY}{KISO}/{COPY}{KISO}.xlsx",
            f"{COPY}{KISO}/index.html",
            EXAMPLE_NAME,
            f"{EXAMPLE_NAME}/{EXAMPLE_NAME}.docx",
            f"{EXAMPLE_NAME}/{EXAMPLE_NAME}.xlsx",
            f"{EXAMPLE_NAME}/index.html",
            EXAMPLE_NAME + KISO,
            f"{EXAMPLE_NAME}{KISO}/{EXAMPLE_NAME}{KISO}.docx",
            f"{EXAMPLE_NAME}{KISO}/{EXAMPLE_NAME}{KISO}.xlsx",
            f"{EXAMPLE_NAME}{KISO}/index.html",
            "index.html",
            "list.js",
            "search",
            "search.js",
            "site.css",
        ]
    )
    assert (site / "search" / "meta.js").is_file()
    assert list((site / "search" / "g").glob("*.js")) and list((site / "search" / "t").glob("*.js"))
    assert not list(site.rglob("*.tmp")) and not list(site.parent.glob(".site.hyoka-*"))
    build = site.parent / EXAMPLE_NAME
    for name in (EXAMPLE_NAME, EXAMPLE_NAME + KISO):  # each document's own downloads, as built
        for fmt in ("docx", "xlsx"):
            assert (site / name / f"{name}.{fmt}").read_bytes() == (build / f"{name}.{fmt}").read_bytes()


def test_index_lists_every_assessment_with_downloads_and_sizes(site: Path) -> None:
    tree = _tree(site / "index.html")
    assert tree.get("lang") == "ja"
    assert [h.text_content() for h in tree.iter("h1")] == [
        "特定個人情報保護評価書（重点項目評価書）サンプル集"
    ]
    table = tree.find(".//table")
    headers = [th.text_content() for th in table.find("thead").iter("th")]
    assert headers == ["評価書番号", "評価書名", "種類", "評価実施機関名", "公表日", "ダウンロード"]
    assert all(th.get("scope") == "col" for th in table.find("thead").iter("th"))
    rows = table.find("tbody").findall("tr")
    # by number; a 重点 and its paired 基礎 share it, the 重点 first
    assert [(r[0].text_content(), r[2].text_content()) for r in rows] == [
        ("15", "重点項目評価書"),
        ("15", "基礎項目評価書"),
        ("99", "重点項目評価書"),
        ("99", "基礎項目評価書"),
    ]
    assert [r.get("data-kind") for r in rows] == [r[2].text_content() for r in rows]
    first = rows[0]
    assert first[1].tag == "th" and first[1].get("scope") == "row"
    assert first[1].text_content() == "健康増進事業に関する事務"
    assert first[1].find("a").get("href") == f"./{EXAMPLE_NAME}/index.html"
    assert first[3].text_content() == "旭川市長"
    assert first[4].text_content() == "令和7年12月1日"
    links = first[5].findall(".//a")
    docx = site / EXAMPLE_NAME / f"{EXAMPLE_NAME}.docx"
    xlsx = site / EXAMPLE_NAME / f"{EXAMPLE_NAME}.xlsx"
    assert [a.get("href") for a in links] == [
        f"./{EXAMPLE_NAME}/{docx.name}",
        f"./{EXAMPLE_NAME}/{xlsx.name}",
    ]
    assert links[0].text_content().startswith(f"DOCX（{human_size(docx.stat().st_size)}）")
    assert links[1].text_content().startswith(f"XLSX（{human_size(xlsx.stat().st_size)}）")
    assert "各市の担当部署" in tree.text_content()  # 連絡先
    # the paired 基礎: its own page and its own files
    kiso = EXAMPLE_NAME + KISO
    assert rows[1][1].find("a").get("href") == names.href(kiso, "index.html")
    assert [a.get("href") for a in rows[1][5].findall(".//a")] == [
        names.href(kiso, f"{kiso}.docx"),
        names.href(kiso, f"{kiso}.xlsx"),
    ]
    # the filter by 種類 is offered: the site holds two forms
    options = [o.get("value") for o in tree.find(".//select[@id='kind-filter']").iter("option")]
    assert options == ["", "基礎項目評価書", "重点項目評価書"]


def test_the_pages_of_a_pair_link_to_each_other(site: Path) -> None:
    kiso = EXAMPLE_NAME + KISO
    juten_page = _tree(site / EXAMPLE_NAME / "index.html")
    kiso_page = _tree(site / kiso / "index.html")
    assert [(a.text_content(), a.get("href")) for a in juten_page.iterfind(".//p[@class='related']/a")] == [
        ("この事務の基礎項目評価書", names.href(kiso, "index.html", up=1))
    ]
    assert [(a.text_content(), a.get("href")) for a in kiso_page.iterfind(".//p[@class='related']/a")] == [
        ("この事務の重点項目評価書", names.href(EXAMPLE_NAME, "index.html", up=1))
    ]
    assert kiso_page.find(".//title").text.endswith("特定個人情報保護評価書（基礎項目評価書）")
    downloads = [a.get("href") for a in kiso_page.find(".//p[@class='downloads']").iter("a")]
    assert downloads == [names.href(f"{kiso}.docx"), names.href(f"{kiso}.xlsx")]


def test_human_sizes() -> None:
    assert [human_size(n) for n in (512, 1024, 46_000, 1_300_000)] == ["512 B", "1 KB", "45 KB", "1.2 MB"]


def test_assessment_page_has_a_table_of_contents_with_anchors(site: Path) -> None:
    tree = _tree(site / EXAMPLE_NAME / "index.html")
    assert tree.get("lang") == "ja"
    assert len(list(tree.iter("h1"))) == 1
    levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    toc = tree.find(".//nav[@class='toc']")
    entries = [(a.get("href"), a.text_content()) for a in toc.find("ol").iter("a")]
    assert [text for _, text in entries] == [
        "Ⅰ 基本情報",
        "Ⅱ 概要",
        "別添1 ファイル1",
        "Ⅲ リスク対策",
        "Ⅳ 開示請求、問合せ",
        "Ⅴ 評価実施手続",
        "別添2 変更箇所",
    ]
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    for href, _ in entries:
        assert href.startswith("#") and href[1:] in ids
        assert tree.get_element_by_id(href[1:]).tag == "section"
    # every form row has an anchor (search results link to them)
    rows = [tr for tr in tree.iter("tr") if tr.getparent().tag == "tbody"]
    assert rows and all(tr.get("id") for tr in rows)
    downloads = [a.get("href") for a in toc.find(".//p[@class='downloads']").iter("a")]
    assert downloads == [f"./{EXAMPLE_NAME}.docx", f"./{EXAMPLE_NAME}.xlsx"]
    css = [link.get("href") for link in tree.iter("link")]
    assert css == ["../site.css"]


def test_every_link_is_relative(site: Path) -> None:
    for page in _pages(site):
        tree = _tree(page)
        urls = [a.get("href") for a in tree.iter("a")] + [e.get("src") for e in tree.iter("script", "img")]
        urls += [link.get("href") for link in tree.iter("link")]
        for url in filter(None, urls):
            assert "//" not in url and not url.startswith("/"), f"{page}: {url}"


def test_second_run_writes_nothing(tmp_path: Path) -> None:
    site = _site(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    again = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=tmp_path)
    assert again.code == 0, again.describe()
    assert "書き出しました" not in again.stdout
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before

    # a removed assessment leaves the site with it
    shutil.rmtree(tmp_path / "sources" / COPY)
    third = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=tmp_path)
    assert third.code == 0, third.describe()
    assert not (site / COPY).exists()
    assert COPY not in (site / "index.html").read_text(encoding="utf-8")


def test_a_site_file_gone_or_replaced_is_noticed(tmp_path: Path) -> None:
    """A run with no input changed still finds each file of the site missing or no longer a
    file (the page's own files, its search texts, the root's) and puts it back."""
    site = _site(tmp_path)
    text = sorted((site / "search" / "t").glob(f"{search.page_key(COPY + KISO)}-*.js"))[-1]
    damaged = {
        "page": (site / COPY / "index.html", "unlink"),
        "download": (site / EXAMPLE_NAME / f"{EXAMPLE_NAME}.xlsx", "unlink"),
        "search text": (text, "unlink"),
        "search text as a folder": (text, "folder"),
        "root": (site / "list.js", "unlink"),
        "meta": (site / "search" / "meta.js", "folder"),
    }
    for what, (path, how) in damaged.items():
        before = path.read_bytes()
        path.unlink()
        if how == "folder":
            path.mkdir()
        result = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=tmp_path)
        assert result.code == 0, result.describe()
        assert "サイトは最新です" not in result.stdout, what
        assert path.is_file() and path.read_bytes() == before, what
    again = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=tmp_path)
    assert "サイトは最新です" in again.stdout, again.describe()


def test_an_edit_renders_only_its_page(tmp_path: Path) -> None:
    site = _site(tmp_path)
    others = [(site / name / "index.html").stat().st_ino for name in (EXAMPLE_NAME, EXAMPLE_NAME + KISO)]
    shards = sorted(p.name for p in (site / "search" / "g").iterdir())
    before_shards = {p.name: p.stat().st_ino for p in (site / "search" / "g").iterdir()}
    cover = tmp_path / "sources" / COPY / "0_表紙.yaml"
    cover.write_text(cover.read_text(encoding="utf-8").replace("健康増進", "健康づくり"), encoding="utf-8")
    result = run_cli("site", "sources", "--out", "out/site", "--build", "out", "-j", "1", cwd=tmp_path)
    assert result.code == 0, result.describe()
    assert "作り直したページ 2 件" in result.stdout  # the cover is the 重点's and its 基礎's
    # linked from the old site
    assert [(site / n / "index.html").stat().st_ino for n in (EXAMPLE_NAME, EXAMPLE_NAME + KISO)] == others
    assert "健康づくり" in (site / COPY / "index.html").read_text(encoding="utf-8")
    assert "健康づくり" in (site / (COPY + KISO) / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (site / "search" / "g").iterdir()) == shards
    meta = (site / "search" / "meta.js").read_text(encoding="utf-8")
    assert search.page_key(COPY) in meta and search.page_key(EXAMPLE_NAME) in meta
    # the search index was patched, not merged again: some shards are the old files, and the
    # whole site is byte for byte the one a fresh run makes
    after = {p.name: p.stat().st_ino for p in (site / "search" / "g").iterdir()}
    assert set(before_shards.items()) & set(after.items()), "no shard was kept"
    assert set(before_shards.items()) != set(after.items()), "no shard was written"
    fresh = run_cli("site", "sources", "--out", "out/fresh", "--build", "out", cwd=tmp_path)
    assert fresh.code == 0, fresh.describe()
    assert _files(site) == _files(tmp_path / "out" / "fresh")


def test_each_download_is_sized_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page rendered again lists its downloads' sizes, and the site's record keeps them: one
    stat of each file serves both."""
    from generator.commands import site as command

    copy_example(tmp_path)
    shutil.copy(SOURCES / "city.yaml", tmp_path / "sources" / "city.yaml")
    sized: list[str] = []
    real = command._size
    monkeypatch.setattr(command, "_size", lambda path: sized.append(path) or real(path))
    out = tmp_path / "out"
    assert command.run([tmp_path / "sources"], out / "site", out, None, quiet=True, jobs=1) == 0
    assert len(sized) == 4, sized  # the 重点's and the 基礎's DOCX and XLSX
    assert len(set(sized)) == len(sized)
    record = json.loads((out / "site" / ".hyoka-site.json").read_text(encoding="utf-8"))
    assert [d[2] for p in record["pages"] for d in p["downloads"]] == [
        human_size(os.stat(p).st_size) for p in sized
    ]


def _files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.name != ".hyoka-site.json"
    }


def test_the_build_s_current_html_is_used_and_a_stale_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.commands import site as site_command
    from generator.writers import html as html_writer

    copy_example(tmp_path)
    shutil.copy(SOURCES / "city.yaml", tmp_path / "sources" / "city.yaml")
    built = run_cli("build", "sources", "--out", "out", "--quiet", cwd=tmp_path)  # html too
    assert built.code == 0, built.describe()

    def no_render(doc: object) -> bytes:
        raise AssertionError("the page was rendered again, not taken from the build")

    monkeypatch.setattr(html_writer, "render", no_render)
    monkeypatch.chdir(tmp_path)
    site_command.run([Path("sources")], Path("out/site"), Path("out"), None, quiet=True, jobs=1)
    page = (tmp_path / "out" / "site" / EXAMPLE_NAME / "index.html").read_text(encoding="utf-8")
    assert "健康増進事業に関する事務" in page
    monkeypatch.undo()

    # the site builds DOCX and XLSX only: the HTML left behind by an edit is not the page's
    cover = tmp_path / "sources" / EXAMPLE_NAME / "0_表紙.yaml"
    cover.write_text(cover.read_text(encoding="utf-8").replace("健康増進", "健康づくり"), encoding="utf-8")
    result = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=tmp_path)
    assert result.code == 0, result.describe()
    assert "健康づくり" not in (tmp_path / "out" / EXAMPLE_NAME / f"{EXAMPLE_NAME}.html").read_text(
        encoding="utf-8"
    )
    for name in (EXAMPLE_NAME, EXAMPLE_NAME + KISO):
        assert "健康づくり" in (tmp_path / "out" / "site" / name / "index.html").read_text(encoding="utf-8")


def test_stale_pdf_is_not_offered(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (tmp_path / "out" / EXAMPLE_NAME / f"{EXAMPLE_NAME}.pdf").write_bytes(b"%PDF-1.4 not built by this build")
    result = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=tmp_path)
    assert result.code == 0, result.describe()
    assert "PDF が評価書より古い" in result.stderr
    assert not (site / EXAMPLE_NAME / f"{EXAMPLE_NAME}.pdf").exists()
    assert ".pdf" not in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_current_pdf_is_offered(tmp_path: Path) -> None:
    copy_example(tmp_path)
    shutil.copy(SOURCES / "city.yaml", tmp_path / "sources" / "city.yaml")
    built = run_cli("build", "sources", "--out", "out", "--format", "pdf", "--quiet", cwd=tmp_path)
    assert built.code == 0, built.describe()
    result = run_cli("site", "sources", "--out", "out/site", "--build", "out", cwd=tmp_path)
    assert result.code == 0, result.describe()
    pdf = tmp_path / "out" / "site" / EXAMPLE_NAME / f"{EXAMPLE_NAME}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    tree = _tree(tmp_path / "out" / "site" / "index.html")
    assert f"./{EXAMPLE_NAME}/{pdf.name}" in [a.get("href") for a in tree.iter("a")]


def test_missing_or_wrong_city_profile(tmp_path: Path) -> None:
    copy_example(tmp_path)
    missing = run_cli("site", "sources", "--out", "out/site", cwd=tmp_path)
    assert missing.code == 2 and "city.yaml" in missing.stderr, missing.describe()
    (tmp_path / "sources" / "city.yaml").write_text(
        "団体名: ○○市\nサイト名: 評価書\n連絡: 総務課\n", encoding="utf-8"
    )
    wrong = run_cli("site", "sources", "--out", "out/site", cwd=tmp_path)
    assert wrong.code == 1, wrong.describe()
    assert (
        "sources/city.yaml:3:1 エラー [S] 「連絡」" in wrong.stderr and "もしかして「連絡先」" in wrong.stderr
    )
    assert "「連絡先」がありません" in wrong.stderr
    assert not (tmp_path / "out" / "site").exists()


# ---------------------------------------------------------------------------
# The search index


def test_normalisation_folds_width_case_and_white_space() -> None:
    assert normalise("ｶﾞﾊﾞﾒﾝﾄ　ｸﾗｳﾄﾞ") == "ガバメントクラウド"
    assert normalise("ＩＳＭＡＰ\nCloud") == "ismapcloud"
    assert bigrams("委託先") == {"委託", "託先"}


def _call(path: Path) -> tuple[object, object]:
    """The (name, data) a search index file hands to HYOKA_SEARCH."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("HYOKA_SEARCH.") and text.endswith(");\n")
    name, _, body = text[text.index("(") + 1 : -3].partition(",")
    return json.loads(name), json.loads(body)


def _decode(text: str) -> list[tuple[int, int]]:
    """(page, item) pairs of a posting, as search.js reads it."""
    numbers, n, shift = [], 0, 0
    for char in text:
        if char == search.SEP:  # between the pages' parts
            continue
        v = search.ALPHABET.index(char)
        if v >= 32:
            n += (v - 32) << shift
            shift += 5
        else:
            numbers.append(n + (v << shift))
            n, shift = 0, 0
    pairs, i = [], 0
    while i < len(numbers):
        page = numbers[i]
        count, local = numbers[i + 1], 0
        i += 2
        for _ in range(count):
            local += numbers[i]
            i += 1
            pairs.append((page, local))
    return pairs


def _page_items(texts: dict, key: str) -> list[list[str]]:
    return [item for k in range(100) if f"{key}-{k}" in texts for item in texts[f"{key}-{k}"]["items"]]


def test_index_holds_the_items_of_every_page(site: Path) -> None:
    _, meta = _call(site / "search" / "meta.js")
    documents = [COPY, COPY + KISO, EXAMPLE_NAME, EXAMPLE_NAME + KISO]  # folder order, 重点 first
    assert meta["pages"] == [search.page_key(name) for name in documents]
    texts = {}
    for path in (site / "search" / "t").glob("*.js"):
        name, data = _call(path)
        assert path.name == f"{name}.js"
        texts[name] = data
    mine = _page_items(texts, meta["pages"][2])
    assert texts[f"{meta['pages'][2]}-0"]["page"] == [
        f"{EXAMPLE_NAME}/index.html",
        "健康増進事業に関する事務",
        "旭川市長",
    ]
    assert len(mine) > 100
    page = _tree(site / EXAMPLE_NAME / "index.html")
    ids = {e.get("id") for e in page.iter() if e.get("id")}
    assert all(item[0] in ids for item in mine)
    # the postings of 「委託」 name exactly the items that hold it
    shard = site / "search" / "g" / f"{search.shard_of('委託', meta['shards'])}.js"
    _, grams = _call(shard)
    pairs = _decode(grams["委託"])
    holding = [n for n, item in enumerate(mine) if "委託" in normalise(item[2])]
    assert [local for page_number, local in pairs if page_number == 2] == holding
    # the form's own choice lists are not indexed: 「10人以上50人未満」 is printed in every assessment
    assert not any("10人以上50人未満" in item[2] for item in mine if "使用者数" not in item[1])

    # the paired 基礎 is searched too: what only its own file says is found on its page
    kiso = _page_items(texts, meta["pages"][3])
    assert texts[f"{meta['pages'][3]}-0"]["page"][0] == names.href(EXAMPLE_NAME + KISO, "index.html")[2:]
    kiso_ids = {e.get("id") for e in _tree(site / (EXAMPLE_NAME + KISO) / "index.html").iter() if e.get("id")}
    assert kiso and all(item[0] in kiso_ids for item in kiso)
    holding = [n for n, item in enumerate(kiso) if "宛名番号で" in item[2]]
    assert holding and not any("宛名番号で" in item[2] for item in mine)
    shard = site / "search" / "g" / f"{search.shard_of('宛名', meta['shards'])}.js"
    pairs = _decode(_call(shard)[1]["宛名"])
    assert set(holding) <= {local for page_number, local in pairs if page_number == 3}


def test_postings_encoding_round_trips() -> None:
    items = [search.Item(0, f"r{i}", "", text) for i, text in enumerate(["委託先", "なし", "再委託", "委託"])]
    postings = search.Postings()
    postings.add(0, search.page_postings(items))
    postings.add(40, search.page_postings(items[:2]))
    postings.add(1000, search.page_postings(items * 20))
    pairs = _decode(postings.grams["委託"].decode())
    expected = [(0, 0), (0, 2), (0, 3), (40, 0)] + [(1000, i) for i in range(80) if i % 4 in (0, 2, 3)]
    assert pairs == expected
    assert search.vlq(0) == "A" and search.vlq(31) == "f" and search.vlq(32) == "gB"


def test_splicing_pages_into_postings_gives_the_merged_ones() -> None:
    """Replacing, adding or removing pages' parts in place gives what merging every page's
    postings afresh gives (the incremental site's index is the full one)."""
    texts = ["委託先の管理", "委託", "再委託先", "なし", "管理の委託", "先に"]
    pages = [[search.Item(0, f"r{i}", "", t) for i, t in enumerate(texts[k:] + texts[:k])] for k in range(6)]
    pages += [pages[2] * 50]  # item numbers past one VLQ digit

    def merged(page_items: list[list[search.Item]]) -> dict[str, str]:
        postings = search.Postings()
        for number, items in enumerate(page_items):
            postings.add(number * 37, search.page_postings(items))  # page numbers past one digit
        return {g: b.decode() for g, b in postings.grams.items()}

    old = merged(pages)
    replacements = ([], [search.Item(0, "x", "", "委託なし")], pages[0])
    # one page changed, and several at once (first, middle and last; removed, added, replaced)
    for changed in [(k,) for k in range(len(pages))] + [(0, 3, len(pages) - 1), (1, 2), (4, 5, 6)]:
        for r in range(len(replacements)):
            new_pages = list(pages)
            for i, k in enumerate(changed):
                new_pages[k] = replacements[(r + i) % len(replacements)]
            expected = merged(new_pages)
            changes: dict[str, dict[int, str | None]] = {}
            for k in changed:
                before, after = search.page_postings(pages[k]), search.page_postings(new_pages[k])
                for gram in before.keys() | after.keys():
                    changes.setdefault(gram, {})[k * 37] = after.get(gram)
            spliced = dict(old)
            for gram, pages_changed in changes.items():
                posting = search.splice(spliced.get(gram, ""), pages_changed)
                if posting:
                    spliced[gram] = posting
                else:
                    del spliced[gram]
            assert spliced == expected, (changed, r)
    shard = search.shard_file(3, old)
    assert search.read_shard(shard, 3) == old


# ---------------------------------------------------------------------------
# In the browser


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core's script, installed with npm into the cache folder when missing."""
    path = AXE_HOME / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: run scripts/install-system-deps.sh (make test does)", pytrace=False)
        subprocess.run(
            [npm, "install", "--prefix", str(AXE_HOME), "--no-audit", "--no-fund", "--silent", "axe-core@4"],
            check=True,
            timeout=600,
        )
    return path.read_text(encoding="utf-8")


def _axe(page, script: str) -> list[dict]:  # noqa: ANN001 - Playwright page
    page.add_script_tag(content=script)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )


def _search(page, query: str) -> list[dict]:  # noqa: ANN001 - Playwright page
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_selector(".search-summary")
    return page.eval_on_selector_all(
        ".search-list li",
        """items => items.map(li => ({
            href: li.querySelector('a').href,
            where: li.querySelector('.where').textContent,
            before: li.querySelector('mark').previousSibling ? li.querySelector('mark').previousSibling.textContent : '',
            mark: li.querySelector('mark').textContent,
            after: li.querySelector('mark').nextSibling ? li.querySelector('mark').nextSibling.textContent : '',
        }))""",
    )


def _file(url: str) -> Path:
    return Path(urllib.parse.unquote(urllib.parse.urlparse(url).path))


@pytest.mark.slow
def test_every_link_resolves_and_no_request_leaves_file_urls(site: Path) -> None:
    requests: list[str] = []
    anchors: set[tuple[Path, str]] = set()
    visited: list[Path] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        queue = [(site / "index.html").as_uri()]
        while queue:
            url = queue.pop(0)
            if _file(url) in visited:
                continue
            visited.append(_file(url))
            page.goto(url)
            page.focus("#search-query")  # loads the search index's first file
            page.wait_for_load_state("networkidle")
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            for href in hrefs:
                assert href.startswith("file://"), f"{url} links outside the site: {href}"
                target, _, fragment = href.partition("#")
                path = _file(target)
                assert path.is_file(), f"{url} links to a missing file: {href}"
                assert path.resolve().is_relative_to(site.resolve()), f"{url} links outside the site: {href}"
                if fragment:
                    anchors.add((path, urllib.parse.unquote(fragment)))
                if path.suffix == ".html":
                    queue.append(target)
    assert sorted(visited) == sorted(_pages(site))
    assert requests and all(r.startswith("file://") for r in requests), [
        r for r in requests if not r.startswith("file://")
    ]
    for path, fragment in sorted(anchors):
        ids = {e.get("id") for e in _tree(path).iter() if e.get("id")}
        assert fragment in ids, f"{path.name}#{fragment} has no target"


@pytest.mark.slow
def test_axe_finds_no_violations(site: Path, axe_script: str) -> None:
    found = {}
    with chromium() as browser:
        page = browser.new_page()
        for path in _pages(site):
            page.goto(path.as_uri())
            found[path.relative_to(site).as_posix()] = _axe(page, axe_script)
        # the search results, as a reader sees them
        page.goto((site / "index.html").as_uri())
        assert _search(page, "委託先")
        found["index.html (検索結果)"] = _axe(page, axe_script)
    problems = {name: v for name, v in found.items() if v}
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.slow
@pytest.mark.parametrize("query", ["ガバメントクラウド", "委託先"])
def test_search_finds_words_inside_running_text(site: Path, query: str) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto((site / "index.html").as_uri())
        results = _search(page, query)
        assert results, f"no results for {query}"
        assert all(r["mark"] == query for r in results)
        # inside running text: characters stand right before or after the match
        assert any(r["before"].strip() and r["after"].strip() for r in results), results
        summary = page.text_content(".search-summary")
        assert summary.startswith(f"「{query}」を含む項目: ")
        # the results link to the item's row on the assessment page, which holds the word
        first = results[0]["href"]
        target, _, anchor = first.partition("#")
        assert _file(target).parent.name in (EXAMPLE_NAME, COPY)
        page.goto(first)
        row_text = page.text_content(f"[id='{urllib.parse.unquote(anchor)}']")
        assert query in normalise(row_text) or query in row_text
        # and the search box is on the assessment page too
        again = _search(page, query)
        assert [r["href"] for r in again] == [r["href"] for r in results]


@pytest.mark.slow
def test_search_ignores_width_and_finds_nothing_politely(site: Path) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto((site / "index.html").as_uri())
        half = _search(page, "ｶﾞﾊﾞﾒﾝﾄｸﾗｳﾄﾞ")
        full = _search(page, "ガバメントクラウド")
        assert half and [r["href"] for r in half] == [r["href"] for r in full]
        assert all(r["mark"] == "ガバメントクラウド" for r in half)
        page.fill("#search-query", "存在しない語句ですよ")
        page.press("#search-query", "Enter")
        page.wait_for_function(
            "() => document.querySelector('.search-summary').textContent.includes('存在しない')"
        )
        assert (
            page.text_content(".search-summary")
            == "「存在しない語句ですよ」を含む項目は見つかりませんでした。"
        )


@pytest.mark.slow
def test_a_reader_finds_the_paired_kiso_by_filter_link_and_search(site: Path) -> None:
    kiso_pages = [names.href(EXAMPLE_NAME + KISO, "index.html"), names.href(COPY + KISO, "index.html")]
    with chromium() as browser:
        page = browser.new_page()
        page.goto((site / "index.html").as_uri())
        assert page.is_visible("#kind-filter")  # two forms on the site
        page.select_option("#kind-filter", "基礎項目評価書")
        shown = page.eval_on_selector_all(
            "tbody tr:not([hidden]) th a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert shown == kiso_pages  # by number: 15, 99
        page.click(f"tbody a[href='{kiso_pages[0]}']")
        assert _file(page.url) == site / (EXAMPLE_NAME + KISO) / "index.html"
        page.click("nav.toc >> text=この事務の重点項目評価書")
        assert _file(page.url) == site / EXAMPLE_NAME / "index.html"
        page.click("nav.toc >> text=この事務の基礎項目評価書")
        assert _file(page.url) == site / (EXAMPLE_NAME + KISO) / "index.html"
        # what only the 基礎's own file says is found, on the 基礎 pages
        results = _search(page, "宛名番号で")
        assert results and {_file(r["href"].partition("#")[0]).parent.name for r in results} == {
            EXAMPLE_NAME + KISO,
            COPY + KISO,
        }


@pytest.mark.slow
def test_pages_work_without_javascript(site: Path) -> None:
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto((site / EXAMPLE_NAME / "index.html").as_uri())
        assert not page.is_visible("form.search")  # no search without the script
        assert page.is_visible("nav.toc")
        page.click("nav.toc >> text=Ⅲ リスク対策")
        assert page.url.endswith("#s3-1")
        page.click("text=評価書の一覧へ戻る")
        assert page.url.endswith("/index.html")
        assert page.is_visible("table.assessments")
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_index_needs_no_sideways_scrolling(site: Path, width: int) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto((site / "index.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # the sort buttons are there at either width
        assert page.is_visible("th[data-sort=number] button") and page.is_visible("th[data-sort=date] button")
        page.goto((site / EXAMPLE_NAME / "index.html").as_uri())
        for part in ("header.site-header", "nav.toc", "footer.site-footer"):
            box = page.eval_on_selector(part, "e => e.getBoundingClientRect().right")
            assert box <= width, part


@pytest.mark.slow
def test_focus_is_visible(site: Path) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto((site / "index.html").as_uri())
        page.keyboard.press("Tab")  # the skip link comes first and shows itself
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
        )
        assert style[0] == "solid" and style[1] == "3px", style


# ---------------------------------------------------------------------------
# The real examples


@pytest.mark.slow
def test_site_of_the_examples(tmp_path: Path, axe_script: str) -> None:
    """Acceptance: ``hyoka site sources`` links every example assessment; axe finds nothing."""
    result = run_cli("site", "sources", "--out", tmp_path / "site", "--build", tmp_path / "out")
    assert result.code == 0, result.describe()
    site = tmp_path / "site"
    examples = sorted(p.name for p in SOURCES.iterdir() if p.is_dir() and p.name != "blocks")
    links = {a.get("href") for a in _tree(site / "index.html").iter("a")}
    for name in examples:
        assert f"./{name}/index.html" in links and (site / name / "index.html").is_file()
        paired = (SOURCES / name / "8_基礎項目.yaml").is_file()  # every document has its page
        assert (names.href(name + KISO, "index.html") in links) == paired
        assert (site / (name + KISO) / "index.html").is_file() == paired
        related = _tree(site / name / "index.html").findall(".//p[@class='related']")
        assert len(related) == paired
    with chromium() as browser:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        problems = {}
        for path in _pages(site):
            page.goto(path.as_uri())
            violations = _axe(page, axe_script)
            if violations:
                problems[path.name if path.parent == site else path.parent.name] = violations
        assert _search(page, "ガバメントクラウド")
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    assert all(r.startswith("file://") for r in requests)
    assert EXAMPLE.name in examples
