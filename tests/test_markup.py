from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from generator.layout.ir import Para, Run, flow_text, plain
from generator.markup import (
    _MAYBE_SYNTAX,
    _FlowBuilder,
    _has_syntax,
    _may_have_syntax,
    _parser,
    plain_text,
    render_markdown,
)

REPO = Path(__file__).resolve().parents[1]


def texts(text: str) -> list[str]:
    return [p.text for p in render_markdown(text)]


def test_paragraphs_and_soft_line_breaks() -> None:
    assert render_markdown("一行目\n二行目\n\n次の段落") == (
        Para((Run("一行目\n二行目"),)),
        Para((Run("次の段落"),)),
    )


def test_hard_line_breaks_become_newlines() -> None:
    assert texts("a  \nb\\\nc") == ["a\nb\nc"]


def test_nakaguro_lines_stay_lines_of_one_paragraph() -> None:
    flow = render_markdown("・符号管理機能\n・情報照会機能\n・情報提供機能")
    assert flow == (Para((Run("・符号管理機能\n・情報照会機能\n・情報提供機能"),)),)


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "　"])
def test_empty_text_is_an_empty_flow(text: str) -> None:
    assert render_markdown(text) == ()


def test_ordered_list_keeps_numbers_and_delimiter() -> None:
    assert render_markdown("1. 収集\n2. 保管") == (
        Para((Run("収集"),), marker="1."),
        Para((Run("保管"),), marker="2."),
    )
    assert [p.marker for p in render_markdown("1) a\n2) b")] == ["1)", "2)"]


def test_ordered_list_counts_from_its_start() -> None:
    assert [(p.marker, p.text) for p in render_markdown("3. 三\n4. 四\n9. 五")] == [
        ("3.", "三"),
        ("4.", "四"),
        ("5.", "五"),
    ]


def test_nested_bullets() -> None:
    assert render_markdown("- 親\n  - 子\n    - 孫\n- 次") == (
        Para((Run("親"),), marker="・", level=0),
        Para((Run("子"),), marker="・", level=1),
        Para((Run("孫"),), marker="・", level=2),
        Para((Run("次"),), marker="・", level=0),
    )


def test_ordered_list_inside_bullet() -> None:
    assert [(p.marker, p.level) for p in render_markdown("- a\n   1. b\n   2. c")] == [
        ("・", 0),
        ("1.", 1),
        ("2.", 1),
    ]


def test_list_item_with_several_paragraphs() -> None:
    assert render_markdown("1. 最初\n\n   続き\n2. 次") == (
        Para((Run("最初"),), marker="1.", level=0),
        Para((Run("続き"),), level=1),
        Para((Run("次"),), marker="2.", level=0),
    )


def test_item_opening_with_a_nested_list_keeps_its_marker() -> None:
    assert render_markdown("- - a") == (
        Para((), marker="・", level=0),
        Para((Run("a"),), marker="・", level=1),
    )


def test_strong() -> None:
    assert render_markdown("これは**重要**です") == (
        Para((Run("これは"), Run("重要", strong=True), Run("です"))),
    )
    assert render_markdown("「**番号法**」")[0].runs == (Run("「"), Run("番号法", strong=True), Run("」"))


def test_strong_around_brackets_before_a_letter_keeps_asterisks() -> None:
    # CommonMark's flanking rules: a documented pitfall, the text is at least not lost.
    assert render_markdown("**「番号法」**という") == (Para((Run("**「番号法」**という"),)),)


def test_emphasis_and_code_are_plain_text() -> None:
    assert render_markdown("*注* と `code  x`") == (Para((Run("注 と code  x"),)),)


def test_atx_heading_is_a_strong_paragraph() -> None:
    assert render_markdown("# 事務の内容\n本文") == (
        Para((Run("事務の内容", strong=True),)),
        Para((Run("本文"),)),
    )


def test_setext_heading_is_a_plain_paragraph_without_underline() -> None:
    assert render_markdown("見出し\n---\n本文") == (Para((Run("見出し"),)), Para((Run("本文"),)))
    assert render_markdown("見出し\n===") == (Para((Run("見出し"),)),)


@pytest.mark.parametrize(
    "html", ["<b>太字</b>", "<script>alert(1)</script>", "<div>\n中身\n</div>", "a <br> b"]
)
def test_raw_html_stays_literal(html: str) -> None:
    assert flow_text(render_markdown(html)) == html
    assert all(not r.strong for p in render_markdown(html) for r in p.runs)


@pytest.mark.parametrize("placeholder", ["-", "－", "—", "―", "ー", "--", "---", "***", "___", "- ", " - "])
def test_dash_placeholders_survive(placeholder: str) -> None:
    assert render_markdown(placeholder) == (Para((Run(placeholder.strip()),)),)


def test_placeholders_between_paragraphs() -> None:
    assert texts("前\n\n-\n\n後") == ["前", "-", "後"]
    assert texts("前\n\n---\n\n後") == ["前", "---", "後"]


def test_empty_ordered_item_prints_its_number() -> None:
    assert render_markdown("1.") == (Para((Run("1."),)),)


def test_entities_and_escapes() -> None:
    assert texts("A &amp; B &lt;C&gt; &copy; &#x41; &unknown;") == ["A & B <C> © A &unknown;"]
    assert texts(r"\*注\* C:\Users\hyoka") == [r"*注* C:\Users\hyoka"]


@pytest.mark.parametrize(
    "text",
    [
        "（1）受診勧奨",
        "(1) 受診勧奨",
        "①中間サーバー・プラットフォーム",
        "1　番号法第19条第8号",  # digit + full-width space: no list in CommonMark
        "1 番号法第19条第8号(特定個人情報の提供の制限)",
        "１．全角の番号",
        "※1 ISMAPに登録されたクラウドサービス事業者",
        "＜選択肢＞ 1) 1,000人未満",
        "【情報提供】",
        "＊全角のアスタリスク＊",
        "ファイル名_a_b.csv",
    ],
)
def test_japanese_numbering_is_untouched(text: str) -> None:
    assert render_markdown(text) == (Para((Run(text),)),)


def test_full_width_indent_is_kept() -> None:
    assert texts("　厚木市は、\n　国民健康保険に関する事務") == ["　厚木市は、\n　国民健康保険に関する事務"]
    assert texts("前\n\n　 字下げ") == ["前", "　 字下げ"]
    assert texts("  ascii indent") == ["ascii indent"]


def test_links_and_images() -> None:
    assert texts("[デジタル庁](https://www.digital.go.jp/)") == ["デジタル庁 (https://www.digital.go.jp/)"]
    assert texts("<https://www.ppc.go.jp/>") == ["https://www.ppc.go.jp/"]
    assert texts("[https://例.jp/あ](https://例.jp/あ)") == ["https://例.jp/あ"]
    assert texts("<info@example.jp>") == ["info@example.jp"]
    assert texts("![構成図](system.png)") == ["構成図"]


def test_block_quotes_and_code_blocks_become_plain_paragraphs() -> None:
    assert texts("> 引用\n> 二行目") == ["引用\n二行目"]
    assert texts("```\n  コード\n```") == ["  コード"]
    assert texts("    字下げコード") == ["字下げコード"]


def test_windows_line_endings() -> None:
    assert texts("a\r\nb\r\n\r\nc") == ["a\nb", "c"]


# 旭川市 がん検診 評価書 (seeds/001) 「Ⅰ 1. ②事務の内容」, its <p> paragraphs as Markdown paragraphs.
JIMU_NO_NAIYOU = """\
本市では健康増進法に基づきがん検診を実施しているが、その受診状況等を適切に管理するため、システムを利用し事務を行っている。特定個人情報ファイルは、行政手続における特定の個人を識別するための番号の利用等に関する法律（平成25年法律第27号。以下「番号法」という）の規定に従い、以下の事務で取り扱う。

・各種がん検診の実施に関する事務

【事務の内容】

（1）受診勧奨 住民基本台帳（以下「住基」という。）の情報を基に、必要に応じ、対象年齢となった者にごがん検診の案内を送付する。

（2）繰越受診通知書の発行 該当のがん検診について、前年度受診対象者のうち前年度に受診しなかった者が受診を希望する場合は、受診可能であることを通知する。

（3）がん検診記録の管理 医療機関等でがん検診を受けた市民の受診票等について、当該医療機関等から提出を受け、検診結果を入力・管理する。

（4）精密検査記録の管理 1次検診で要精密検査と診断された市民について、医療機関から連絡票の提出を受け、2次検診結果（精密検査結果）を入力・管理する。
"""


def test_seed_cell_comes_out_word_for_word() -> None:
    flow = render_markdown(JIMU_NO_NAIYOU)
    assert len(flow) == 7
    assert flow == plain(JIMU_NO_NAIYOU.strip())
    assert [p.text for p in flow] == JIMU_NO_NAIYOU.strip().split("\n\n")
    assert all(p.marker == "" and p.level == 0 for p in flow)


# seeds/001 「Ⅰ 5. ②法令上の根拠」: numbered lines that are no Markdown lists.
HOUREI_NO_KONKYO = """\
1 番号法第19条第8号(特定個人情報の提供の制限)
2 番号法第19条第8号に基づく利用特定個人情報の提供に関する命令(令和6年5月24日号外デジタル庁、総務省令第9号)
【情報提供】
(1) 第2条の表について、第3欄(情報提供者)が「市町村長」の項のうち、第4欄(特定個人情報)に「健康増進法による健康増進事業の実施に関する情報であって第141条で定めるもの」が含まれる項(139の項)
(2)第141条"""


def test_seed_numbered_lines_stay_one_paragraph() -> None:
    assert render_markdown(HOUREI_NO_KONKYO) == (Para((Run(HOUREI_NO_KONKYO),)),)


def test_plain_text_keeps_markers() -> None:
    assert plain_text(render_markdown("前文\n\n1. 一\n2. 二\n- 点")) == "前文\n1. 一\n2. 二\n・ 点"


# ---------------------------------------------------------------------------
# The short way for text without Markdown syntax gives markdown-it's flow exactly


def _through_markdown_it(text: str):  # noqa: ANN202 - a Flow
    source = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FlowBuilder(source).build(_parser().parse(source))


# pieces of plain Japanese cells, and every kind of white space around line breaks
_PIECES = (
    "本市",
    "・",
    "（1）",
    "①",
    "令和7年",
    "1　",
    "１．",
    "a",
    "x y",
    ":",
    "%",
    "@",
    "(2)",
    "「番号法」",
    "。",
    "800-88",  # block markers inside a line: plain text (the syntax only at a line's start)
    "A+B",
    "x=y",
    "第#1",
    "a>b",
    "a|b",
    "~",
    "!",
    "R&D",
    "-",
    "＃",
    "国保_被保険者",  # an underscore inside a word, brackets that close into nothing, no autolink
    "_",
    "[○]",
    "[",
    "]",
    "](",
    "]:",
    "<旭川市>",
    "<",
    "<http://a.jp>",
    "<a@b.jp>",
    "1.個人番号",
    "1.",
    "１.",
    "6. 保管",  # a list number under a line of text: that paragraph goes on (only 1 interrupts it)
    "2) 提供",
    "1. 一",
    "10.",
    "）_2018",
)
_SPACES = ("", " ", "  ", "   ", "    ", "　", "　　", "\xa0", " 　 ")
_BREAKS = ("\n", "\n\n", " \n", "  \n", "\n   \n", "\n　\n", "\r\n", "\n\n\n")


def _generated(count: int) -> list[str]:
    rng = random.Random(20251201)  # fixed: the same texts every run
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts += [rng.choice(_SPACES), rng.choice(_PIECES), rng.choice(_SPACES), rng.choice(_BREAKS)]
        out.append("".join(parts[: rng.randint(1, len(parts))]))
    return out


def _example_texts() -> list[str]:
    from generator.blocks.usage import texts
    from generator.diagnostics import Reporter
    from generator.pipeline import load_all
    from generator.sources import assessment_folders

    found = []
    for loaded in load_all(assessment_folders([REPO / "sources"]), Reporter()):
        for text in texts(loaded.assessment):
            found += [p if isinstance(p, str) else loaded.blocks.text(p) for p in text.parts]
    return found


def test_text_without_syntax_takes_the_short_way_to_markdown_its_flow() -> None:
    candidates = _generated(3000) + _example_texts()
    plain_ones = [t for t in candidates if t.strip() and not _has_syntax(t.replace("\r", ""))]
    assert len(plain_ones) > 2000  # the check covers many texts, not a handful
    for text in plain_ones:
        assert render_markdown(text) == _through_markdown_it(text), repr(text)


def test_the_syntax_pattern_is_compiled_only_for_a_text_it_may_match() -> None:
    """_may_have_syntax, which spares most builds compiling _MAYBE_SYNTAX, passes every text the
    pattern finds something in; and most texts of the examples it does not pass."""
    pattern = re.compile(_MAYBE_SYNTAX, re.M)
    examples = _example_texts()
    edges = ["21", "21.", "21)", "x\n3) a", "a\n b", "#", "\\", "a&b", "a]b", "\0", "_", "9", "a\n~"]
    texts = [t.replace("\r\n", "\n").replace("\r", "\n") for t in _generated(3000) + examples + edges]
    missed = [t for t in texts if pattern.search(t) and not _may_have_syntax(t)]
    assert missed == []
    assert not _may_have_syntax("21") and not _may_have_syntax("21（二十一）") and _may_have_syntax("21.")
    assert sum(not _may_have_syntax(t) for t in examples) > len(examples) // 2


@pytest.mark.parametrize("text", ["-", " - ", "-\n", "\n  -  \n\n"])
def test_a_lone_dash_placeholder_is_its_marker_as_markdown_it_reads_it(text: str) -> None:
    assert render_markdown(text) == _through_markdown_it(text) == (Para((Run("-"),)),)


def test_raw_html_and_lone_brackets_take_the_short_way_and_stay_text() -> None:
    for text in ("<b>太字</b>", "[○]その他", "<旭川市における措置>", "国保_被保険者", "1.個人番号",
                 "Ⅲ リスク対策\n6. 情報提供ネットワーク", "比較（予防接種）_201812.pdf"):  # fmt: skip
        assert not _has_syntax(text), text
        assert render_markdown(text) == _through_markdown_it(text) == (Para((Run(text),)),)


def test_a_list_number_starts_a_list_where_a_list_may_start() -> None:
    for text in ("6. 保管", "前の段落\n\n6. 保管", "前の段落\n1. 保管", "a _b_ c"):
        assert _has_syntax(text), text
        assert render_markdown(text) == _through_markdown_it(text)
    assert render_markdown("6. 保管")[0].marker == "6."


def test_text_with_syntax_still_goes_through_markdown_it() -> None:
    for text in ("a\n- b", "1. a", "   1) a", "*注*", "a\n===", "    code", "a\tb", "&amp;", "# x",
                 "  > q", "~~~\nx\n~~~", "a\n+ b", "&#12354;", "a\n   ---", "![a](b)", "[a]: b\n\n[a]",
                 "a _b_ c", "「_強調_」", "<http://a.jp>", "<a@b.jp>", "1. a", "2)", "a\n10.\tb"):  # fmt: skip
        assert _has_syntax(text), text
        assert render_markdown(text) == _through_markdown_it(text)
