"""HTML writer: page structure, table semantics, content, escaping, and the page in Chromium."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import timeit
import zlib
from pathlib import Path

import lxml.html
import markupsafe
import pytest

from generator import records
from generator.layout.ir import (
    Cell,
    CheckCaption,
    CheckGrid,
    CheckItem,
    ChoiceValue,
    Document,
    Heading,
    Options,
    Para,
    Paragraph,
    Part,
    Row,
    Run,
    Table,
    TextContent,
    check_line,
    text_cell,
)
from generator.writers import html as writer
from generator.writers import writer as writer_for
from tests.conftest import REPO
from tests.ir_sample import sample_document

EVIL = "<script>alert(1)</script>"


def _tree(doc: Document) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(writer.render(doc))


def _text(element: lxml.html.HtmlElement) -> str:
    return element.text_content()


def _doc(*parts: Part, **kw: str) -> Document:
    return records.replace(sample_document(), parts=parts, **kw)


# ---------------------------------------------------------------------------
# Page


def test_registered_writer_and_extension() -> None:
    assert writer_for("html") is writer
    assert writer.EXTENSION == ".html"
    assert writer.TEMPLATES.joinpath("style.css").is_file()


def test_page_head() -> None:
    doc = sample_document()
    out = writer.render(doc)
    assert out.startswith(b"<!DOCTYPE html>\n")
    tree = lxml.html.document_fromstring(out)
    assert tree.get("lang") == "ja"
    assert tree.xpath("//meta[@charset='utf-8']")
    assert tree.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert tree.findtext(".//title") == f"{doc.name} — {doc.title}"
    styles = tree.xpath("//style")
    assert len(styles) == 1
    assert "border-collapse: collapse" in styles[0].text
    assert "size: A4 portrait" in styles[0].text


def test_self_contained_without_scripts_or_urls() -> None:
    out = writer.render(sample_document()).decode("utf-8")
    assert "<script" not in out.lower()
    assert "http://" not in out and "https://" not in out
    assert "url(" not in out and "@import" not in out
    tree = lxml.html.document_fromstring(out)
    assert not tree.xpath("//*[@src or @href or @srcset]")


def test_deterministic() -> None:
    first = writer.render(sample_document())
    writer.render(_doc(Part("x", "x", "x", (Heading("別の文書", 1, "x"),))))  # caches in between
    assert writer.render(sample_document()) == first


def _fresh_chrome(monkeypatch: pytest.MonkeyPatch, cache_home: Path) -> str:
    """The site's page head rendered by a new template environment, its cache under ``cache_home``
    (the site's pages are the templates left: the HTML writer writes its page in Python)."""
    from generator.site import theme

    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    theme.environment.cache_clear()
    try:
        return str(theme.environment().get_template("chrome.html.j2").module.head("../"))
    finally:
        theme.environment.cache_clear()


def test_compiled_templates_are_cached_and_change_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = _fresh_chrome(monkeypatch, tmp_path)
    assert "<link" in first or "<meta" in first  # the head's markup, not an empty macro
    cached = sorted((tmp_path / "hyoka" / "jinja").iterdir())
    assert len(cached) == 1  # chrome.html.j2
    assert _fresh_chrome(monkeypatch, tmp_path) == first  # the second environment loads it
    for path in cached:
        path.write_bytes(b"not bytecode")  # a damaged cache is compiled again, not trusted
    assert _fresh_chrome(monkeypatch, tmp_path) == first


def test_writing_html_imports_no_template_engine() -> None:
    probe = (
        "import sys\n"
        "from generator.writers import html\n"
        "from tests.ir_sample import sample_document\n"
        "html.render(sample_document())\n"
        "print('jinja2' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True)
    assert result.stdout.split() == ["False"], result.stderr


def test_a_cache_that_cannot_be_made_is_done_without(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would go", encoding="utf-8")
    assert _fresh_chrome(monkeypatch, blocked) == _fresh_chrome(monkeypatch, tmp_path / "ok")


# ---------------------------------------------------------------------------
# Headings and sections


def test_one_h1_and_sections_per_part() -> None:
    doc = sample_document()
    tree = _tree(doc)
    assert [_text(h) for h in tree.xpath("//h1")] == ["特定個人情報保護評価書（重点項目評価書）"]
    assert [_text(h) for h in tree.xpath("//h2")] == ["Ⅰ　基本情報", "（別添２）　変更箇所"]
    sections = tree.xpath("//main/section")
    assert [s.get("id") for s in sections] == [p.id for p in doc.parts]
    for section in sections:
        label = tree.get_element_by_id(section.get("aria-labelledby"))
        assert label.tag in ("h1", "h2")
        assert label.getparent() is section


def test_ids_are_unique_and_anchors_kept() -> None:
    tree = _tree(sample_document())
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert tree.get_element_by_id("s1-1").tag == "tr"  # a row anchor


def test_a_cell_claims_an_id_before_its_row() -> None:
    row = Row((text_cell("a", "label", anchor="same"), text_cell("b", anchor="same")), anchor="same")
    tree = _tree(_doc(Part("p", "P", "P", (Table((50, 50), (row,)),))))
    assert [e.tag for e in tree.xpath("//*[@id='same']")] == ["th"]


def test_later_level_1_headings_and_skipped_levels() -> None:
    doc = _doc(
        Part("a", "A", "A", (Heading("表題", 1, "a"), Heading("深い見出し", 3))),
        Part("b", "B", "B", (Heading("二つ目の表題", 1, "b"), Heading("節", 2, "b-1"), Heading("項", 3))),
    )
    tree = _tree(doc)
    assert [(h.tag, _text(h)) for h in tree.xpath("//h1|//h2|//h3|//h4")] == [
        ("h1", "表題"),
        ("h2", "深い見出し"),  # h1 → h3 would skip a level
        ("h2", "二つ目の表題"),  # only one h1 per page
        ("h2", "節"),
        ("h3", "項"),
    ]
    assert tree.get_element_by_id("b-1").tag == "h2"


def test_hidden_h1_when_no_level_1_heading() -> None:
    doc = _doc(Part("s", "Ⅰ　基本情報", "Ⅰ", (Heading("Ⅰ　基本情報", 2, "s"),)))
    tree = _tree(doc)
    (h1,) = tree.xpath("//h1")
    assert _text(h1) == doc.title and h1.get("class") == "vh"
    assert [_text(h) for h in tree.xpath("//h2")] == ["Ⅰ　基本情報"]


def test_part_without_heading_is_labelled_by_its_title() -> None:
    tree = _tree(_doc(Part("p", "（別添１）", "別添1", (Paragraph((Para((Run("本文"),)),)),))))
    (section,) = tree.xpath("//section")
    assert section.get("aria-label") == "（別添１）"
    assert section.get("aria-labelledby") is None


# ---------------------------------------------------------------------------
# Tables


def test_table_grid_and_header_rows() -> None:
    tree = _tree(sample_document())
    cover, declaration, form, changes = tree.xpath("//table")
    assert [c.get("style") for c in form.xpath("colgroup/col")] == [
        "width:18%",
        "width:18%",
        "width:40%",
        "width:24%",
    ]
    assert [_text(th).strip() for th in cover.xpath("thead/tr/th[@scope='col']")] == [
        "評価書番号",
        "評価書名",
    ]
    assert len(changes.xpath("thead/tr/th[@scope='col']")) == 6
    assert not form.xpath("thead") and not declaration.xpath("thead")
    assert not form.xpath("caption")
    assert [_text(td).strip() for td in cover.xpath("tbody/tr/td")] == ["15", "健康増進事業に関する事務"]


def test_caption_when_set() -> None:
    table = Table((100,), (Row((text_cell("値"),)),), caption="表の説明")
    tree = _tree(_doc(Part("p", "P", "P", (Heading("P", 1), table))))
    assert [_text(c) for c in tree.xpath("//table/caption")] == ["表の説明"]


def test_cell_roles_scopes_and_spans() -> None:
    tree = _tree(sample_document())
    form = tree.xpath("//table")[2]

    def th(text: str) -> lxml.html.HtmlElement:
        (cell,) = [c for c in form.xpath(".//th") if _text(c).strip() == text]
        return cell

    heading = th("１．特定個人情報ファイルを取り扱う事務")
    assert (heading.get("scope"), heading.get("colspan")) == ("colgroup", "4")
    assert (th("①事務の名称").get("scope"), th("①事務の名称").get("colspan")) == ("row", "2")
    assert th("使用部署").get("scope") == "row"
    # a heading beside a value heads that value
    assert th("４．特定個人情報ファイルの取扱いの委託").get("scope") == "row"
    # a group cell heads its own <tbody>: exactly the rows it spans
    for text in ("④使用の主体", "再委託"):
        group = th(text)
        assert (group.get("scope"), group.get("rowspan")) == ("rowgroup", "2")
        tbody = group.getparent().getparent()
        assert tbody.tag == "tbody" and len(tbody) == 2 and tbody[0] is group.getparent()
    assert "vertical" in th("再委託").get("class").split()
    assert all(c.get("scope") is None for c in form.xpath(".//td"))
    assert not [c for c in form.xpath(".//td") if _text(c).strip() in ("①事務の名称", "使用部署")]


def test_row_groups_never_cut_a_rowspan() -> None:
    # a group starting inside a taller label's rowspan cannot open its own <tbody>
    rows = (
        Row((text_cell("外側", "label", rowspan=3), text_cell("a"))),
        Row((text_cell("内側", "group", rowspan=2), text_cell("b"))),
        Row((text_cell("c"),)),
        Row((text_cell("後", "label"), text_cell("d"))),
        Row((text_cell("次", "group"), text_cell("e"))),
    )
    tree = _tree(_doc(Part("p", "P", "P", (Heading("P", 1), Table((50, 50), rows)))))
    assert [len(b) for b in tree.xpath("//tbody")] == [4, 1]
    scopes = {_text(c).strip(): c.get("scope") for c in tree.xpath("//th")}
    assert scopes == {"外側": "row", "内側": "row", "後": "row", "次": "rowgroup"}


def test_rows_split_across_pages_only_when_allowed() -> None:
    rows = (Row((text_cell("長い本文"),), keep_together=False), Row((text_cell("短い"),)))
    tree = _tree(_doc(Part("p", "P", "P", (Heading("P", 1), Table((100,), rows)))))
    assert [tr.get("class") for tr in tree.xpath("//tbody/tr")] == ["split", None]
    css = writer.render(sample_document()).decode()
    assert "tr { break-inside: avoid; }" in css and "tr.split { break-inside: auto; }" in css


# ---------------------------------------------------------------------------
# Content


def _cell_with(tree: lxml.html.HtmlElement, text: str) -> lxml.html.HtmlElement:
    (cell,) = [c for c in tree.xpath("//td|//th") if text in _text(c)]
    return cell


def test_paragraphs_markers_breaks_and_strong() -> None:
    out = writer.render(sample_document()).decode()
    assert '<p class="li"><span class="marker">(1)</span> 受診勧奨</p>' in out
    assert (
        '<p class="li" style="--level:1"><span class="marker">1.</span> '
        "一行目<br>二行目 &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    ) in out
    assert "<p><strong>強調</strong>と普通</p>" in out
    cell = _cell_with(lxml.html.document_fromstring(out), "本市では")
    assert [p.tag for p in cell] == ["p"] * 4
    assert not cell.xpath(".//ol|.//ul|.//li")


def test_empty_flow_gives_an_empty_cell() -> None:
    tree = _tree(sample_document())
    (label,) = [c for c in tree.xpath("//th") if _text(c).strip() == "⑤再委託の許諾方法"]
    value = label.getnext()
    assert value.tag == "td" and len(value) == 0 and _text(value).strip() == ""


def test_choice_values() -> None:
    tree = _tree(sample_document())
    choices = [_text(s) for s in tree.xpath("//span[@class='choice']")]
    assert choices[:3] == ["[ 10万人以上30万人未満 ]", "[ 10人未満 ]", "[ 委託する ]"]
    assert choices[3] == "[\u00a0\u00a0\u00a0\u00a0]"  # the empty box keeps its width
    assert _text(_cell_with(tree, "[ 委託する ]")).strip() == "[ 委託する ]（ 2 ）件"


def test_options_box() -> None:
    tree = _tree(sample_document())
    boxes = tree.xpath("//div[@class='options']")
    assert len(boxes) == 4
    first = boxes[0]
    assert first.findtext("div[@class='options-heading']") == "＜選択肢＞"
    grid = first.find("div[@class='options-grid']")
    assert grid.get("style") == "--cols:2"
    options = Options(
        ("1,000人未満", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満"), 2
    )
    assert [_text(d) for d in grid] == options.numbered()


def test_check_grid_lines_match_the_ir() -> None:
    doc = sample_document()
    grids = [
        c
        for p in doc.parts
        for b in p.blocks
        if isinstance(b, Table)
        for r in b.rows
        for cell in r.cells
        for c in cell.content
        if isinstance(c, CheckGrid)
    ]
    tree = _tree(doc)
    rendered = tree.xpath("//div[@class='checks']")
    assert len(rendered) == len(grids) == 3
    for grid, div in zip(grids, rendered, strict=True):
        rows = grid.rows()
        assert len(div) == len(rows)
        for row, row_div in zip(rows, div, strict=True):
            expected = [it.text if isinstance(it, CheckCaption) else check_line(it) for it in row]
            assert [_text(d) for d in row_div] == expected
    lines = [_text(d) for d in tree.xpath("//div[starts-with(@class, 'check')]")]
    assert "[ ○ ] 情報提供ネットワークシステム" in lines
    assert "[ ] 庁内連携システム" in lines
    assert "[ ○ ] その他 （ 中間サーバーコネクタ ）" in lines
    # the state is in the glyph and in words, never in colour alone
    boxes = tree.xpath("//span[@class='box']")
    assert {(_text(b), b.get("role"), b.get("aria-label")) for b in boxes} == {
        ("[ ○ ]", "img", "選択"),
        ("[ ]", "img", "未選択"),
    }
    assert tree.xpath("//div[@class='check-caption']/text()") == ["・識別情報", "・業務関係情報"]
    assert [_text(d) for d in tree.xpath("//div[@class='check wide']")] == [
        "[ ○ ] その他 （ 中間サーバーコネクタ ）"
    ]


def test_check_count_printed_after_detail() -> None:
    item = CheckItem("その他", True, detail="詳細", count="（ 1 ）件")
    grid = Cell((CheckGrid((item,)),), role="checks")
    tree = _tree(_doc(Part("p", "P", "P", (Heading("P", 1), Table((100,), (Row((grid,)),))))))
    assert [_text(d) for d in tree.xpath("//div[@class='check']")] == [check_line(item)]


# ---------------------------------------------------------------------------
# Escaping


def test_sample_evil_text_is_escaped() -> None:
    out = writer.render(sample_document()).decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<script" not in out
    assert "=1+1" in out and "+SUM(A1)" in out  # formula-like text is plain text here


def test_every_text_field_is_escaped() -> None:
    evil = '"><script>alert(1)</script></style>'
    cells = (
        Cell(
            (
                TextContent((Para((Run(evil, strong=True),), marker=evil),)),
                ChoiceValue(evil, suffix=evil),
                Options((evil,), heading=evil),
                CheckGrid((CheckCaption(evil), CheckItem(evil, True, detail=evil, count=evil)), wide=(evil,)),
            ),
            anchor=evil,
        ),
        text_cell(evil, "label", anchor=evil + "2"),
    )
    table = Table((50, 50), (Row(cells, anchor=evil + "3"),), caption=evil)
    part = Part(evil, evil, evil, (Heading(evil, 1, evil + "4"), Paragraph((Para((Run(evil),)),)), table))
    doc = _doc(part, Part("x", evil, evil, ()), name=evil, title=evil)
    out = writer.render(doc).decode()
    assert "<script" not in out
    assert out.count("</style>") == 1
    tree = lxml.html.document_fromstring(out)
    assert not tree.xpath("//script")
    assert tree.findtext(".//title") == f"{evil} — {evil}"
    assert evil in _text(tree.xpath("//h1")[0]) and evil in _text(tree.xpath("//caption")[0])
    assert tree.xpath("//section")[1].get("aria-label") == evil
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids)) and all(" " not in i for i in ids)
    # the rows written in Python escape as the templates' autoescape does
    escaped = str(markupsafe.escape(evil))
    assert f'<span class="choice">[ {escaped} ]</span>{escaped}' in out
    assert f'<div class="check-caption">{escaped}</div>' in out
    assert _text(tree.xpath("//span[@class='detail']")[0]) == evil


def test_page_header_string_cannot_break_out_of_css() -> None:
    out = writer.render(_doc(Part("p", "P", "P", ()), name='健康"; } body { display: none } </style>'))
    css = out.decode().split("<style>")[1].split("</style>")[0]
    assert "body { display: none }" not in css  # the name stays inside its string
    (header,) = re.findall(r"@top-right \{ content: (\"[^\"]*\"); \}", css)
    assert header.startswith('"健康\\22 ')


# ---------------------------------------------------------------------------
# Performance


def test_renders_a_large_document_whole() -> None:
    # speed is measured in bench/, not asserted here; this checks a big document renders completely
    doc = sample_document()
    parts = (doc.parts[0], *(records.replace(doc.parts[1], id=f"s{i}") for i in range(30)))
    big = records.replace(doc, parts=parts)
    best = min(timeit.repeat(lambda: writer.render(big), number=1, repeat=3))
    print(f"~950 cells: {best * 1000:.0f} ms")
    out = writer.render(big).decode()
    assert all(f'id="s{i}"' in out for i in range(30))
    assert out.count("<table") == 30 + sum(isinstance(b, Table) for b in doc.parts[0].blocks)


# ---------------------------------------------------------------------------
# In Chromium


def _png_pixels(data: bytes) -> set[bytes]:
    """The distinct pixel values of an 8-bit RGB/RGBA PNG (a minimal decoder, stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    prev = bytearray(stride)
    pixels: set[bytes] = set()
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                up_left = prev[i - bpp] if i >= bpp else 0
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + pred) & 255
        pixels.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp))
        prev = line
    return pixels


def _contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    def luminance(rgb: tuple[float, ...]) -> float:
        c = [v / 255 for v in rgb[:3]]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.slow
def test_page_in_chromium(tmp_path) -> None:
    from tests.browser import chromium

    doc = sample_document()
    long_row = Row((text_cell("長い値", "label"), text_cell("x" * 400 + " " + "あ" * 300)))
    extra = Part("long", "長い値", "長い値", (Heading("長い値", 2), Table((20, 80), (long_row,))))
    path = tmp_path / "sample.html"
    path.write_bytes(writer.render(records.replace(doc, parts=(*doc.parts, extra))))
    url = path.as_uri()

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url)
        assert requests == [url]
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        assert EVIL in page.evaluate("document.body.innerText")
        assert page.title() == f"{doc.name} — {doc.title}"

        form = page.locator("table").nth(2)
        assert form.is_visible()
        box = form.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100

        # no cell's text runs out of its cell, however long the words
        overflowing = page.evaluate(
            "[...document.querySelectorAll('td, th')]"
            ".filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 20))"
        )
        assert overflowing == []
        assert (
            page.evaluate("getComputedStyle(document.querySelector('th.vertical')).writingMode")
            == "vertical-rl"
        )

        # black text on every cell fill, at ≥ 4.5:1
        colours = page.evaluate(
            "[...document.querySelectorAll('td, th')].map(c => {"
            " const s = getComputedStyle(c); return [s.color, s.backgroundColor]; })"
        )
        for fg, bg in {tuple(c) for c in colours}:
            fg_rgb = tuple(float(v) for v in re.findall(r"[\d.]+", fg))
            bg_rgba = tuple(float(v) for v in re.findall(r"[\d.]+", bg))
            if len(bg_rgba) == 4 and bg_rgba[3] == 0:
                bg_rgba = (255.0, 255.0, 255.0)
            assert _contrast(fg_rgb, bg_rgba) >= 4.5, (fg, bg)

        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        assert (tmp_path / "page.png").stat().st_size > 10_000
        clip = {"x": box["x"], "y": box["y"], "width": 500, "height": 300}
        drawn = _png_pixels(page.screenshot(clip=clip))

        page.emulate_media(media="print")
        breaks = page.evaluate(
            "[...document.querySelectorAll('main > section')].map(s => getComputedStyle(s).breakBefore)"
        )
        assert breaks == ["auto"] + ["page"] * (len(breaks) - 1)
        assert (
            page.evaluate("getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
        )

        page.set_content("<!DOCTYPE html><html><body></body></html>")
        blank = _png_pixels(page.screenshot(clip={"x": 0, "y": 0, "width": 500, "height": 300}))

    assert len(blank) == 1  # the decoder sees a blank page as blank …
    assert len(drawn) > 20  # … and the form as rules, fills and anti-aliased text
    assert b"\x00\x00\x00" in drawn and b"\xf2\xf2\xf2" in drawn


@pytest.mark.parametrize("text", ["a&b<c>\"d'e", "一行\n二行", "&amp;&lt;", "", "<script>"])
def test_text_and_ids_are_escaped_as_the_html_module_escapes_them(text: str) -> None:
    import html

    assert writer._text_html(text) == html.escape(text, quote=False).replace("\n", "<br>")
    assert writer._with_id("<tr>", text) == (f'<tr id="{html.escape(text)}">' if text else "<tr>")
