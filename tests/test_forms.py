"""Forms as data (issue 10): a form of the test's own through the whole pipeline, editions chosen by
the cover's 「版:」, unknown forms, the 公表日 that does not fit an edition, and 様式変更 rows.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest

from generator import writers
from generator.changes.compare import compare
from generator.changes.rows import FORM_CHANGE, LATER, propose
from generator.dates import FormDate
from generator.diagnostics import Reporter
from generator.form import registry
from generator.form.definition import ChangesAnnex, CoverKeys, FormDefinition
from generator.form.schema import Head, Item, Repeat, Section
from generator.layout import ir
from generator.layout.builder import build_document
from generator.layout.items import printed_items
from generator.pipeline import layout, load_all
from generator.reader import read_assessment
from tests.conftest import EXAMPLE_NAME, copy_example, errors, replace_once, run_cli
from tests.test_changes import cli, commit_all, git, proposed

# ---------------------------------------------------------------------------
# A tiny form, defined here alone: a cover and one section with a choice, a check-box list and a
# repeated block. Nothing of it is known to the generator.

TINY = FormDefinition(
    kind="試験用届出書",
    short="試験",
    number=99,
    edition="令和8年1月",
    since=datetime.date(2026, 1, 1),
    title="試験用の届出書（テスト専用の様式）",
    sections=(
        Section(
            "front",
            "0_おもて",
            "試験用の届出書",
            (
                Item("届出番号", "届出番号", "number"),
                Item("届出名", "届出名"),
                Item("趣旨", "趣旨", wide=True),
                Item("届出者", "届出者"),
                Item("届出日", "届出日", "date"),
            ),
            short="おもて",
        ),
        Section(
            "body",
            "1_本文",
            "第一　本文",
            (
                Head(
                    "区分",
                    "一．区分",
                    (
                        Item("規模", "①規模", "choice", ("小さい", "中くらい", "大きい"), columns=3),
                        Item(
                            "手段",
                            "②手段",
                            "checks",
                            ("郵便", "窓口", "その他"),
                            frozenset({"その他"}),
                            columns=2,
                        ),
                    ),
                ),
                Head(
                    "窓口一覧",
                    "二．窓口一覧",
                    (
                        Repeat(
                            "窓口", "窓口", (Item("所在地", "所在地"),), title=Item("窓口", "窓口"), limit=3
                        ),
                    ),
                    flat=True,
                ),
            ),
            path_title="第一 本文",
            short="第一 本文",
        ),
    ),
    toc=("第一　本文", "（別紙）　変更の記録"),
    changes=ChangesAnnex(
        "history",
        "9_記録",
        "記録",
        "（別紙）　変更の記録",
        "別紙 記録",
        (
            Item("変更日", "変更日", "date"),
            Item("項目", "項目"),
            Item("変更前の記載", "変更前"),
            Item("変更後の記載", "変更後"),
            Item("提出時期", "提出時期", "choice", ("事前", "事後")),
            Item("提出時期に係る説明", "説明"),
        ),
    ),
    cover_keys=CoverKeys("届出番号", "届出名", "届出者", "届出日"),
)

TINY_FILES = {
    "0_おもて.yaml": "様式: 試験用届出書\n届出番号: 7\n届出名: 試験の届出\n趣旨: 試験のための文章。\n"
    "届出者: 試験市長\n届出日: 令和8年2月3日\n",
    "1_本文.yaml": "区分:\n  規模: 中くらい\n  手段:\n    - 窓口\n    - その他: 電子申請\n"
    "窓口:\n  - 窓口: 本庁舎\n    所在地: 一丁目1番\n  - 窓口: 支所\n    所在地: 二丁目2番\n",
    "9_記録.yaml": "記録:\n  - 変更日: 令和8年2月3日\n    項目: 第一 本文 ①規模\n    変更前の記載: 小さい\n"
    "    変更後の記載: 中くらい\n    提出時期: 事後\n    提出時期に係る説明: 試験\n",
}


@pytest.fixture
def tiny_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder in the tiny form, which the registry knows for this test only."""
    known = registry.all_forms()
    monkeypatch.setattr(registry, "all_forms", lambda: (*known, TINY))
    covers = registry.cover_files()  # the reader finds a folder's cover by these, no form imported
    monkeypatch.setattr(registry, "cover_files", lambda: covers | {TINY.cover.file})
    folder = tmp_path / "tiny"
    folder.mkdir()
    for name, text in TINY_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _docx_text(data: bytes) -> str:
    """Every paragraph's text in document.xml, nested tables (check-box columns) included."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs)


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_a_form_defined_in_a_test_builds_in_every_format(tiny_folder: Path) -> None:
    reporter = Reporter()
    assessment = read_assessment(tiny_folder, reporter)  # chosen by 「様式: 試験用届出書」
    assert not reporter.errors, [d.format() for d in reporter.errors]
    assert assessment is not None and assessment.form is TINY
    doc = build_document(assessment)
    assert [p.id for p in doc.parts] == ["front", "body", "history"]
    assert (doc.title, doc.number, doc.name, doc.organisation, doc.published) == (
        TINY.title,
        "7",
        "試験の届出",
        "試験市長",
        "令和8年2月3日",
    )
    texts = {
        "html": writers.writer("html").render(doc).decode("utf-8"),
        "md": re.sub(r"\\(.)", r"\1", writers.writer("md").render(doc).decode("utf-8")),  # unescaped
        "docx": _docx_text(writers.writer("docx").render(doc)),
        "xlsx": _xlsx_text(writers.writer("xlsx").render(doc)),
    }
    for fmt, text in texts.items():
        for expected in (
            "[令和8年1月 様式99]",  # the edition mark
            "試験用の届出書（テスト専用の様式）",
            "第一　本文",  # section title and 項目一覧
            "①規模",
            "中くらい",
            "大きい",  # the choice's options box
            "電子申請",  # a check box's （ ） field
            "窓口2",  # the repeated block, numbered as the form numbers it
            "二丁目2番",
            "（別紙）　変更の記録",
            "試験のための文章。",
        ):
            assert expected in text, f"{fmt}: {expected} missing"
        assert "窓口2～3" in text and "窓口6～10" not in text, fmt  # group rows end at the limit
        for other in ("重点項目評価書", "Ⅰ　基本情報", "委託"):  # nothing of the shipped form leaks in
            assert other not in text, f"{fmt}: {other}"


def test_the_tiny_form_checks_its_own_items(tiny_folder: Path) -> None:
    replace_once(tiny_folder / "1_本文.yaml", "規模: 中くらい", "規模: 普通")
    replace_once(tiny_folder / "1_本文.yaml", "    - 窓口\n", "    - 窓口\n    - 電話\n")
    (tiny_folder / "2_余分.yaml").write_text("a: 1\n", encoding="utf-8")
    reporter = Reporter()
    read_assessment(tiny_folder, reporter)
    messages = [d.format() for d in reporter.errors]
    assert any("1_本文.yaml:2:" in m and "「普通」は選べません" in m and "1) 小さい" in m for m in messages)
    assert any("「電話」はこの項目の選択肢にありません" in m and "郵便、窓口、その他" in m for m in messages)
    assert any("2_余分.yaml" in m and "0_おもて.yaml" in m and "9_記録.yaml" in m for m in messages), messages


# ---------------------------------------------------------------------------
# Editions


def h30_folder(root: Path) -> Path:
    """The 旭川市 example rewritten in the 平成30年5月 edition (a test fixture, not a publication)."""
    folder = copy_example(root)
    replace_once(folder / "0_表紙.yaml", "公表日: 令和7年12月1日", "版: 平成30年5月\n公表日: 令和3年12月1日")
    replace_once(folder / "1_基本情報.yaml", "  事務の内容:", "  事務の概要:")
    replace_once(
        folder / "2_ファイル概要_1.yaml",
        "5情報（氏名、氏名の振り仮名、性別、生年月日、住所）",
        "4情報（氏名、性別、生年月日、住所）",
    )
    return folder


def _printed(folder: Path) -> tuple[str, str, Reporter]:
    """(the HTML's visible text, the label cells of the document, the load's diagnostics)."""
    reporter = Reporter()
    [loaded] = load_all([folder], reporter)
    assert loaded.assessment is not None and not reporter.errors, [d.format() for d in reporter.errors]
    doc = layout(loaded.assessment, loaded.blocks)
    html = writers.writer("html").render(doc).decode("utf-8")
    labels = [
        cell.text()
        for part in doc.parts
        if part.id != doc.parts[-1].id  # （別添２） quotes old labels in its rows
        for block in part.blocks
        if isinstance(block, ir.Table)
        for row in block.rows
        for cell in row.cells
    ]
    return re.sub(r"<[^>]+>", "", html), "\n".join(labels), reporter


def test_the_older_edition_prints_its_labels_and_the_current_prints_todays(tmp_path: Path) -> None:
    old, old_cells, old_report = _printed(h30_folder(tmp_path / "h30"))
    new, new_cells, new_report = _printed(copy_example(tmp_path / "now"))
    assert "[平成30年5月 様式3]" in old and "[令和6年10月 様式3]" not in old
    assert "②事務の概要" in old_cells and "②事務の内容" not in old_cells
    assert (
        "4情報（氏名、性別、生年月日、住所）" in old_cells
        and "5情報（氏名、氏名の振り仮名、性別、生年月日、住所）" not in old_cells
    )
    assert "[令和6年10月 様式3]" in new and "[平成30年5月 様式3]" not in new
    assert "②事務の内容" in new_cells and "②事務の概要" not in new_cells
    assert "5情報（氏名、氏名の振り仮名、性別、生年月日、住所）" in new_cells
    # both 公表日 fit their edition: no warning about it
    for report in (old_report, new_report):
        assert not [d for d in report.diagnostics if "様式の版に合いません" in d.message]


def test_the_older_edition_rejects_the_newer_labels(tmp_path: Path) -> None:
    folder = h30_folder(tmp_path)
    replace_once(folder / "1_基本情報.yaml", "  事務の概要:", "  事務の内容:")
    replace_once(
        folder / "2_ファイル概要_1.yaml",
        "4情報（氏名、性別、生年月日、住所）",
        "5情報（氏名、氏名の振り仮名、性別、生年月日、住所）",
    )
    reporter = Reporter()
    read_assessment(folder, reporter)
    messages = [d.format() for d in reporter.errors]
    assert any(
        "「事務の内容」はこの位置に書ける項目ではありません" in m and "事務の概要" in m for m in messages
    )
    assert any("5情報" in m and "選択肢にありません" in m for m in messages), messages


@pytest.mark.parametrize(
    ("edition", "published", "warned"),
    [
        ("", "令和7年12月1日", False),
        ("", "令和3年4月1日", True),  # before the current edition
        ("平成30年5月", "令和3年4月1日", False),
        ("平成30年5月", "平成29年4月1日", True),  # before 平成30年5月21日
        ("平成30年5月", "令和7年12月1日", True),  # after the next edition came
    ],
)
def test_a_published_date_outside_the_edition_warns(
    tmp_path: Path, edition: str, published: str, warned: bool
) -> None:
    folder = h30_folder(tmp_path) if edition else copy_example(tmp_path)
    cover = folder / "0_表紙.yaml"
    text = cover.read_text(encoding="utf-8")
    cover.write_text(re.sub(r"公表日: .*", f"公表日: {published}", text), encoding="utf-8")
    reporter = Reporter()
    read_assessment(folder, reporter)
    found = [d for d in reporter.diagnostics if "様式の版に合いません" in d.message]
    assert bool(found) == warned, [d.format() for d in reporter.diagnostics]
    if warned:
        line = cover.read_text(encoding="utf-8").splitlines().index(f"公表日: {published}") + 1
        assert found[0].location.line == line and found[0].label == "表紙 公表日"
        assert not reporter.errors


def test_an_unknown_form_or_edition_lists_the_known_ones(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    replace_once(folder / "0_表紙.yaml", "公表日:", "様式: 全項目評価書\n公表日:")
    result = run_cli("check", str(folder))
    assert result.code == 1, result.describe()
    [error] = [e for e in errors(result) if "様式「全項目評価書」はありません" in e.message]
    lines = (folder / "0_表紙.yaml").read_text(encoding="utf-8").splitlines()
    assert error.file.endswith("0_表紙.yaml") and error.line == lines.index("様式: 全項目評価書") + 1
    assert "使える様式: 重点項目評価書（版: 令和6年10月、平成30年5月）" in error.message
    assert "Traceback" not in result.output

    replace_once(folder / "0_表紙.yaml", "様式: 全項目評価書", "様式: 重点項目評価書\n版: 令和2年4月")
    result = run_cli("check", str(folder))
    assert result.code == 1
    [error] = [e for e in errors(result) if "版「令和2年4月」はありません" in e.message]
    assert "使える版: 令和6年10月、平成30年5月" in error.message
    assert error.line == lines.index("様式: 全項目評価書") + 2


def test_an_edition_change_is_proposed_as_form_change_rows(tmp_path: Path) -> None:
    old_folder = h30_folder(tmp_path / "old")
    new_folder = copy_example(tmp_path / "new")
    items = {}
    for name, folder in (("old", old_folder), ("new", new_folder)):
        reporter = Reporter()
        [loaded] = load_all([folder], reporter)
        assert loaded.assessment is not None
        items[name] = printed_items(loaded.assessment, loaded.blocks.text)
    changes = compare(items["old"], items["new"])
    form_changes = [c for c in changes if c.kind == "form"]
    assert [(c.before, c.after) for c in form_changes] == [
        ("重点項目評価書 [平成30年5月 様式3]", "重点項目評価書 [令和6年10月 様式3]"),
        ("②事務の概要", "②事務の内容"),
    ]
    rows = propose(changes, FormDate(2026, 1, 5))
    form_rows = [r for r in rows if r.before in ("②事務の概要",)]
    assert form_rows and form_rows[0].timing == LATER and form_rows[0].reason == FORM_CHANGE
    assert form_rows[0].item.endswith("１．特定個人情報ファイルを取り扱う事務 ②事務の内容")
    # the 4情報 → 5情報 box is a change of the item's text, as the published （別添２） records it
    assert any(
        "4情報" in (c.before or "") and "5情報" in (c.after or "") for c in changes if c.kind == "item"
    )


def test_hyoka_changes_proposes_form_change_rows_for_a_new_edition(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    h30_folder(root)
    commit_all(root)
    folder = root / "sources" / EXAMPLE_NAME
    replace_once(folder / "0_表紙.yaml", "版: 平成30年5月\n", "")
    replace_once(folder / "1_基本情報.yaml", "  事務の概要:", "  事務の内容:")
    rows = proposed(
        cli(root, "changes", f"sources/{EXAMPLE_NAME}", "--since", "HEAD", "--date", "令和8年1月5日")
    )
    form_rows = [r for r in rows if r["提出時期に係る説明"] == FORM_CHANGE]
    assert [(r["項目"], r["変更前の記載"], r["変更後の記載"]) for r in form_rows] == [
        ("様式", "重点項目評価書 [平成30年5月 様式3]", "重点項目評価書 [令和6年10月 様式3]"),
        (
            "Ⅰ 基本情報 １．特定個人情報ファイルを取り扱う事務 ②事務の内容",
            "②事務の概要",
            "②事務の内容",
        ),
    ]
    assert all(r["提出時期"] == LATER for r in form_rows)


def test_labels_and_file_names_are_read_by_hand_as_their_patterns_read_them() -> None:
    # the label helpers, reader's per-file stems and numbers, and markup's line breaks, written
    # out instead of patterns compiled at every start, give what the patterns gave
    import itertools
    import random
    import re

    from generator import reader
    from generator.form.definition import clean_label, label_number

    rng = random.Random(11)
    alphabet = ["0", "9", "０", "９", "．", ".", "_", " ", "\u3000", "※", "\n", "\t", "a", "日", "٣"]
    texts = ["".join(p) for n in range(4) for p in itertools.product(alphabet, repeat=n)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(4, 16))) for _ in range(20000)]
    texts += [
        "３．特定個人情報の入手",
        "2_ファイル概要_12",
        "2_ファイル概要_1\n",
        "①ファイルの種類　※",
        "123456789",
        "1234567890",
    ]
    heading = re.compile(r"^([０-９0-9]+．)")
    per_file = re.compile(r"^(?P<stem>.+)_(?P<n>[0-9]+)$")
    number = re.compile("[0-9０-９]{1,9}")
    for text in texts:
        found = heading.match(text)
        assert label_number(text) == (found.group(1) if found else ""), repr(text)
        assert clean_label(text) == re.sub(r"[ \u3000]+", " ", text.replace("※", "")).strip(), repr(text)
        found = per_file.match(text)
        assert reader._per_file(text) == (found.group("stem", "n") if found else None), repr(text)
        ok = 0 < len(text) <= reader._NUMBER_DIGITS and reader._NUMBER_CHARS.issuperset(text)
        assert ok == bool(number.fullmatch(text)), repr(text)
    assert (
        sum(bool(label_number(t)) for t in texts) > 100
        and sum(bool(reader._per_file(t)) for t in texts) > 100
    )
    from generator.markup import render_markdown

    for text in ["".join(p) + "x" for n in range(6) for p in itertools.product("\r\n a-", repeat=n)]:
        assert render_markdown(text) == render_markdown(re.sub(r"\r\n?", "\n", text)), repr(text)


def test_count_bounds_and_part_keys_are_read_by_hand_as_their_patterns_read_them() -> None:
    import itertools
    import random
    import re

    from generator.form.kiso_threshold import _bounds
    from generator.sources import part_key

    rng = random.Random(13)
    pieces = ["1", "0", ",", "万", "人", "以上", "未満", "以", "上", "x", "_", "\n", "٣", "1,000", "10万"]
    texts = ["".join(p) for n in range(5) for p in itertools.product(pieces, repeat=n)]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(5, 14))) for _ in range(20000)]
    bound = re.compile(r"([0-9,]+)(万)?人(以上|未満)")
    number = re.compile(r"_0*([0-9]+)$")
    for text in texts:
        assert _bounds(text) == bound.findall(text), repr(text)
        assert part_key(Path(f"d/{text}.yaml")) == number.sub(r"_\1", Path(f"d/{text}.yaml").stem), repr(text)
    assert sum(bool(_bounds(t)) for t in texts) > 500
    assert sum(part_key(Path(f"{t}.yaml")) != Path(f"{t}.yaml").stem for t in texts) > 40
    assert part_key(Path("2_ファイル概要_01.yml")) == "2_ファイル概要_1"


def test_the_registry_knows_each_modules_kind_names_and_cover_files_before_importing_it() -> None:
    import importlib

    kinds = []
    for name, (kind, short, number, covers) in registry.MODULES.items():
        forms = importlib.import_module(name).FORMS
        assert {(f.kind, f.short, f.number) for f in forms} == {(kind, short, number)}, name
        assert {f.cover.file for f in forms} == set(covers), name
        kinds.append(kind)
    assert len(set(kinds)) == len(kinds)  # every edition of a kind in one module (``until``)
    assert registry.cover_files() == {f.cover.file for f in registry.all_forms()}
    for kind, short, number, _ in registry.MODULES.values():
        for words in (kind, short, f"様式{number}", f"様式 {number}"):
            assert registry.get_form(words) == next(f for f in registry.all_forms() if f.kind == kind)
