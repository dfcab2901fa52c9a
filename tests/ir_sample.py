"""A small hand-made layout IR document using every node type, for writer tests.

Writers must render it without knowing anything about the form; the real documents come from
``generator.layout.builder``.
"""

from __future__ import annotations

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
    plain,
    text_cell,
)

FORM = (18, 18, 40, 24)


def sample_document(evil: str = "<script>alert(1)</script>") -> Document:
    cover = Part(
        id="cover",
        title="特定個人情報保護評価書（重点項目評価書）",
        short_title="表紙",
        blocks=(
            Heading("特定個人情報保護評価書（重点項目評価書）", 1, "cover"),
            Table(
                (20, 80),
                (
                    Row((text_cell("評価書番号", "header"), text_cell("評価書名", "header")), kind="header"),
                    Row((text_cell("15"), text_cell("健康増進事業に関する事務"))),
                ),
                style="cover",
                header_rows=1,
            ),
            Table(
                (100,),
                (
                    Row(
                        (text_cell("個人のプライバシー等の権利利益の保護の宣言", "heading"),), kind="heading"
                    ),
                    Row((text_cell("旭川市は、健康増進事業に関する事務における…宣言する。"),)),
                ),
                style="cover",
            ),
            Paragraph(plain("項目一覧"), style="caption"),
            Paragraph(
                (Para((Run("Ⅰ　基本情報"),), marker="・"), Para((Run("Ⅱ　特定個人情報ファイルの概要"),)))
            ),
        ),
    )
    s1_rows = (
        Row(
            (text_cell("１．特定個人情報ファイルを取り扱う事務", "heading", colspan=4),),
            kind="heading",
            anchor="s1-1",
        ),
        Row((text_cell("①事務の名称", "label", colspan=2), text_cell("健康増進事業に関する事務", colspan=2))),
        Row(
            (
                text_cell("②事務の内容", "label", colspan=2),
                Cell(
                    (
                        TextContent(
                            (
                                Para((Run("本市では健康増進法に基づきがん検診を実施している。"),)),
                                Para((Run("受診勧奨"),), marker="(1)"),
                                Para((Run("一行目\n二行目 " + evil),), marker="1.", level=1),
                                Para(
                                    (Run("強調", strong=True), Run("と普通")),
                                ),
                            )
                        ),
                    ),
                    colspan=2,
                ),
            )
        ),
        Row(
            (
                text_cell("③対象人数", "label", colspan=2),
                Cell((ChoiceValue("10万人以上30万人未満"),), role="choice"),
                Cell(
                    (
                        Options(
                            (
                                "1,000人未満",
                                "1,000人以上1万人未満",
                                "1万人以上10万人未満",
                                "10万人以上30万人未満",
                            ),
                            2,
                        ),
                    ),
                    role="options",
                ),
            )
        ),
        Row(
            (
                text_cell("③他のシステムとの接続", "label", colspan=2),
                Cell(
                    (
                        CheckGrid(
                            (
                                CheckItem("情報提供ネットワークシステム", True),
                                CheckItem("庁内連携システム", False),
                                CheckItem("住民基本台帳ネットワークシステム", False),
                                CheckItem("既存住民基本台帳システム", True),
                                CheckItem("その他", True, detail="中間サーバーコネクタ"),
                            ),
                            columns=2,
                            wide=("その他",),
                        ),
                    ),
                    role="checks",
                    colspan=2,
                ),
            )
        ),
        Row(
            (
                text_cell("④使用の主体", "group", rowspan=2),
                text_cell("使用部署", "sublabel"),
                text_cell("旭川市健康保健部健康推進課", colspan=2),
            )
        ),
        Row(
            (
                text_cell("使用者数", "sublabel"),
                Cell((ChoiceValue("10人未満"),), role="choice"),
                Cell((Options(("10人未満", "10人以上50人未満", "50人以上100人未満"), 2),), role="options"),
            )
        ),
        Row(
            (
                text_cell("委託の有無　※", "label", colspan=2, star=True),
                Cell((ChoiceValue("委託する", suffix="（ 2 ）件"),), role="choice"),
                Cell((Options(("委託する", "委託しない"), 2),), role="options"),
            )
        ),
        Row(
            (
                text_cell("再委託", "group", rowspan=2, vertical=True),
                text_cell("④再委託の有無　※", "sublabel", star=True),
                Cell((ChoiceValue(None),), role="choice"),
                Cell((Options(("再委託する", "再委託しない"), 2),), role="options"),
            )
        ),
        Row((text_cell("⑤再委託の許諾方法", "sublabel"), text_cell("", colspan=2))),
        Row(
            (
                text_cell("主な記録項目　※", "label", colspan=2, star=True),
                Cell(
                    (
                        CheckGrid(
                            (
                                CheckCaption("・識別情報"),
                                CheckItem("個人番号", True),
                                CheckItem("個人番号対応符号", False),
                                CheckCaption("・業務関係情報"),
                                CheckItem("国税関係情報", False),
                                CheckItem("その他", False, detail=""),
                            ),
                            columns=3,
                        ),
                    ),
                    role="checks",
                    colspan=2,
                ),
            )
        ),
        Row(
            (
                text_cell("４．特定個人情報ファイルの取扱いの委託", "heading", colspan=3),
                Cell((CheckGrid((CheckItem("委託しない", False),)),), role="checks"),
            ),
            kind="heading",
        ),
        Row((text_cell("７．他の評価実施機関", "heading", colspan=4),), kind="heading"),
        Row((text_cell("=1+1", colspan=4),)),
    )
    s1 = Part(
        id="s1",
        title="Ⅰ　基本情報",
        short_title="Ⅰ 基本情報",
        blocks=(Heading("Ⅰ　基本情報", 2, "s1"), Table(FORM, s1_rows)),
    )
    annex2 = Part(
        id="annex2",
        title="（別添２）　変更箇所",
        short_title="別添2 変更箇所",
        blocks=(
            Heading("（別添２）　変更箇所", 2, "annex2"),
            Table(
                (12, 20, 24, 24, 6, 14),
                (
                    Row(
                        tuple(
                            text_cell(h, "header")
                            for h in (
                                "変更日",
                                "項目",
                                "変更前の記載",
                                "変更後の記載",
                                "提出時期",
                                "提出時期に係る説明",
                            )
                        ),
                        kind="header",
                    ),
                    Row(
                        tuple(
                            text_cell(t)
                            for t in (
                                "令和7年8月4日",
                                "Ⅱ …主な記録項目",
                                "4情報",
                                "5情報",
                                "事前",
                                "+SUM(A1)",
                            )
                        )
                    ),
                ),
                header_rows=1,
                style="list",
            ),
        ),
    )
    return Document(
        title="特定個人情報保護評価書（重点項目評価書）",
        name="健康増進事業に関する事務",
        number="15",
        organisation="旭川市長",
        published="令和7年12月1日",
        parts=(cover, s1, annex2),
    )
