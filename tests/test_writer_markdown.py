"""Markdown writer: the IR as CommonMark + GFM pipe tables, read back with markdown-it."""

from __future__ import annotations

import lxml.html
from markdown_it import MarkdownIt

from generator import records
from generator.layout.ir import Cell, Para, Paragraph, Part, Row, Run, Table, text_cell
from generator.writers import markdown as writer
from generator.writers import writer as writer_for
from tests.ir_sample import sample_document

EVIL = "<script>alert(1)</script>"


def _markdown(doc=None) -> str:  # noqa: ANN001
    return writer.render(doc or sample_document(EVIL)).decode("utf-8")


def _html(text: str) -> lxml.html.HtmlElement:
    rendered = MarkdownIt("commonmark", {"html": True, "breaks": False}).enable("table").render(text)
    return lxml.html.fragment_fromstring(rendered, create_parent="div")


def _one_part(*blocks) -> str:  # noqa: ANN002
    part = Part("p", "題", "題", tuple(blocks))
    return _markdown(records.replace(sample_document(), parts=(part,)))


def test_registered_as_a_format() -> None:
    assert writer_for("md") is writer
    assert writer.EXTENSION == ".md"


def test_headings_tables_and_text_survive_a_markdown_reader() -> None:
    tree = _html(_markdown())
    assert [h.text_content() for h in tree.iter("h1")] == ["特定個人情報保護評価書（重点項目評価書）"]
    assert "Ⅰ　基本情報" in [h.text_content() for h in tree.iter("h2")]
    cells = [c.text_content() for c in tree.iter("td", "th")]
    assert "健康増進事業に関する事務" in cells
    assert "[ 10万人以上30万人未満 ]" in cells
    assert any("[ ○ ] その他 （ 中間サーバーコネクタ ）" in c for c in cells)
    assert any(c.startswith("＜選択肢＞") for c in cells)
    assert not list(tree.iter("script")), "raw HTML came through"
    assert EVIL in tree.text_content()


def test_every_table_row_has_the_grid_width_and_spans_leave_empty_cells() -> None:
    table = Table(
        (25, 25, 25, 25),
        (
            Row((text_cell("群", "group", rowspan=2), text_cell("見出し", colspan=2), text_cell("値"))),
            Row((text_cell("下1"), text_cell("下2"), text_cell("下3"))),
        ),
    )
    tree = _html(_one_part(table))
    rows = [[c.text_content() for c in tr.iter("td")] for tr in tree.iter("tr")][1:]
    assert rows == [["群", "見出し", "", "値"], ["", "下1", "下2", "下3"]]


def test_markdown_syntax_in_the_text_stays_text() -> None:
    text = "1. 番号付きではない\n- 箇条書きではない\n# 見出しではない\n*強調ではない* a|b [リンク](x) &amp;"
    tree = _html(_one_part(Paragraph((Para((Run(text),)),)), Table((100,), (Row((text_cell("a|b *c*"),)),))))
    assert not list(tree.iter("ol", "ul", "h1", "em", "a"))
    body = tree.text_content()
    for piece in (
        "1. 番号付きではない",
        "- 箇条書きではない",
        "# 見出しではない",
        "*強調ではない*",
        "[リンク](x)",
        "&amp;",
    ):
        assert piece in body, piece
    assert "a|b *c*" in [c.text_content() for c in tree.iter("td", "th")]


def test_list_markers_line_breaks_and_strong() -> None:
    cell = Cell(
        (
            records.replace(
                text_cell("").content[0],
                flow=(
                    Para((Run("一行目\n二行目"),), marker="1."),
                    Para(
                        (Run("強", strong=True), Run("弱")),
                    ),
                ),
            ),
        ),
    )
    tree = _html(
        _one_part(
            Paragraph(
                (
                    Para((Run("一行目\n二行目"),), marker="1."),
                    Para(
                        (Run("強", strong=True), Run("弱")),
                    ),
                )
            ),
            Table((100,), (Row((cell,)),)),
        )
    )
    paragraphs = [p.text_content() for p in tree.iter("p")]
    assert "1. 一行目\n二行目" in paragraphs
    assert [s.text_content() for s in tree.iter("strong")] == ["強"]
    assert [len(list(td.iter("br"))) for td in tree.iter("td")] == [2]


def test_deterministic() -> None:
    assert writer.render(sample_document()) == writer.render(sample_document())
