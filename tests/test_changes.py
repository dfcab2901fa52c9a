"""（別添２） rows from git history (``hyoka changes``) and the review page (``hyoka diff``).

The acceptance test commits the 旭川市 example to a temporary git repository, edits it in five
places (a choice, a check-box list, a free text, a block version, a new 委託事項) and expects
exactly five proposed rows. The item walk and the comparison are also tested on their own, on
two copies of the example without git.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import lxml.html
import pytest
import yaml

from generator import dates
from generator.blocks.library import load_library
from generator.changes import page
from generator.changes.annex2 import append_rows, new_rows
from generator.changes.compare import Change, compare
from generator.changes.rows import EMPTY, NEW, REMOVED, Row, change_date, propose
from generator.diagnostics import HyokaError, Location, Reporter
from generator.layout.builder import Builder
from generator.layout.items import PrintedItem, flow_plain, printed_items
from generator.markup import render_markdown
from generator.model import BlockRef, ChangeRow, Text
from generator.pipeline import load_all
from generator.reader import read_assessment
from tests.conftest import EXAMPLE_NAME, CliResult, copy_example, replace_once, run_cli

ARG = f"sources/{EXAMPLE_NAME}"
OVERVIEW = "2_ファイル概要_1.yaml"

L_JIMU = "Ⅰ 基本情報 １．特定個人情報ファイルを取り扱う事務 ②事務の内容"
L_NYUSHU = "Ⅱ 特定個人情報ファイルの概要 ３．特定個人情報の入手・使用 ②入手方法"
L_USERS = "Ⅱ 特定個人情報ファイルの概要 ３．特定個人情報の入手・使用 ④使用の主体 使用者数"
L_ITAKU = "Ⅱ 特定個人情報ファイルの概要 ４．特定個人情報ファイルの取扱いの委託"
L_HOKAN = "Ⅱ 特定個人情報ファイルの概要 ６．特定個人情報の保管・消去 保管場所"
L_TEIKYO = "Ⅱ 特定個人情報ファイルの概要 ５．特定個人情報の提供・移転（委託に伴うものを除く。）"

NYUSHU_BEFORE = (
    "[○]紙 []電子記録媒体（フラッシュメモリを除く。） []フラッシュメモリ []電子メール []専用線 "
    "[○]庁内連携システム [○]情報提供ネットワークシステム []その他"
)
NEW_ITAKU = "がん検診受診券の印刷・封入封緘"
HOKAN_BLOCK = "chukan-platform/hokan"


# ---------------------------------------------------------------------------
# Helpers


def git(cwd: Path, *args: str) -> str:
    env = dict(
        os.environ,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="テスト",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="テスト",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def commit_all(root: Path, message: str = "評価書") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``tmp_path/repo``: a git repository with the example (and its city blocks) committed."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    copy_example(root)
    commit_all(root)
    return root


def cli(root: Path, *args: str | Path, **env: str | None) -> CliResult:
    result = run_cli(*args, cwd=root, env=env)
    assert "Traceback" not in result.output, result.describe()
    return result


def proposed(result: CliResult) -> list[dict[str, str]]:
    """The rows ``hyoka changes`` printed (the YAML after its 「変更箇所の案…:」 line)."""
    assert result.code == 0, result.describe()
    head, sep, body = result.stdout.partition("追記します）:\n")
    assert sep, result.describe()
    rows = yaml.safe_load(body)
    assert isinstance(rows, list), result.describe()
    return rows


def hokan_versions() -> tuple[str, str, str]:
    """(old version name, newest text, old text) of the block referenced in 保管場所, as printed."""
    block = load_library(None, Reporter()).get(HOKAN_BLOCK)
    assert block is not None and len(block.versions) >= 2, f"{HOKAN_BLOCK} needs an older version"
    old = block.versions[-1]
    return old.version, flow_plain(render_markdown(block.newest.text)), flow_plain(render_markdown(old.text))


def edit_five(folder: Path) -> None:
    """The acceptance's five edits: choice, check boxes, free text, block version, new 委託事項."""
    overview = folder / OVERVIEW
    replace_once(overview, "  使用者数: 10人未満", "  使用者数: 10人以上50人未満")
    replace_once(overview, "    - 紙\n", "    - 紙\n    - 電子メール\n")
    replace_once(folder / "1_基本情報.yaml", "・各種がん検診の実施", "・各種がん検診及び精密検査の実施")
    old, _, _ = hokan_versions()
    text = overview.read_text(encoding="utf-8")
    pattern = re.compile(r"\{block: " + re.escape(HOKAN_BLOCK) + r"(, version: [^}]*)?\}")
    assert len(pattern.findall(text)) == 1, "the example should reference the block once in 保管場所"
    overview.write_text(pattern.sub(f'{{block: {HOKAN_BLOCK}, version: "{old}"}}', text), encoding="utf-8")
    add_itaku(folder)


def add_itaku(folder: Path, title: str = NEW_ITAKU) -> None:
    replace_once(
        folder / OVERVIEW,
        "\n特定個人情報の提供・移転:",
        f"    - 委託事項: {title}\n"
        "      委託内容: 受診券の印刷及び封入封緘\n"
        "      委託先における取扱者数: 10人未満\n"
        "      委託先名: 株式会社 旭川印刷\n"
        "      再委託の有無: 再委託しない\n"
        "\n特定個人情報の提供・移転:",
    )


def recorded_rows(folder: Path) -> list[ChangeRow]:
    reporter = Reporter()
    assessment = read_assessment(folder, reporter)
    assert assessment is not None and not reporter.errors, [d.format() for d in reporter.errors]
    return assessment.changes


def items_of(folder: Path) -> list[PrintedItem]:
    reporter = Reporter()
    [loaded] = load_all([folder], reporter)
    # an edit may leave the document incomplete (C01, a review finding): it still prints
    readable = [d for d in reporter.errors if not d.rule.startswith("C")]
    assert loaded.assessment is not None and not readable, [d.format() for d in readable]
    return printed_items(loaded.assessment, loaded.blocks.text)


def by_label(items: list[PrintedItem]) -> dict[str, PrintedItem]:
    return {it.label: it for it in items}


def two_copies(tmp_path: Path) -> tuple[Path, Path]:
    return copy_example(tmp_path / "old"), copy_example(tmp_path / "new")


def changes_between(old: Path, new: Path) -> list[Change]:
    return compare(items_of(old), items_of(new))


# ---------------------------------------------------------------------------
# Acceptance


def test_five_edits_propose_exactly_five_rows(repo: Path) -> None:
    folder = repo / ARG
    edit_five(folder)
    _, newest, old = hokan_versions()

    rows = proposed(cli(repo, "changes", "--since", "HEAD", "--date", "2026-01-15"))

    assert [r["項目"] for r in rows] == [L_JIMU, L_NYUSHU, L_USERS, f"{L_ITAKU} 委託事項3", L_HOKAN]
    row = {r["項目"]: r for r in rows}
    assert {r["変更日"] for r in rows} == {"令和8年1月15日"}

    jimu = row[L_JIMU]
    assert "・各種がん検診の実施に関する事務" in jimu["変更前の記載"]
    assert "・各種がん検診及び精密検査の実施に関する事務" in jimu["変更後の記載"]
    assert (jimu["提出時期"], jimu["提出時期に係る説明"]) == ("事後", "重要な変更に当たらないため")

    nyushu = row[L_NYUSHU]
    assert nyushu["変更前の記載"] == NYUSHU_BEFORE
    assert nyushu["変更後の記載"] == NYUSHU_BEFORE.replace("[]電子メール", "[○]電子メール")
    assert nyushu["提出時期"] == "事後"  # ②入手方法 has no ※

    users = row[L_USERS]
    assert (users["変更前の記載"], users["変更後の記載"]) == ("[10人未満]", "[10人以上50人未満]")
    assert users["提出時期"] == "事後"

    # one row for the new block; the count （ 2 ）件 → （ 3 ）件 of 委託の有無 ※ is part of it
    itaku = row[f"{L_ITAKU} 委託事項3"]
    assert (itaku["変更前の記載"], itaku["変更後の記載"]) == (NEW, NEW_ITAKU)
    assert itaku["提出時期"] == "事前"
    assert "委託の有無の件数" in itaku["提出時期に係る説明"]

    # the block is printed as its text: the pinned older version replaces the newest one
    hokan = row[L_HOKAN]
    assert newest in hokan["変更前の記載"] and newest not in hokan["変更後の記載"]
    assert old in hokan["変更後の記載"] and old not in hokan["変更前の記載"]
    assert "block" not in hokan["変更前の記載"] + hokan["変更後の記載"]
    assert (hokan["提出時期"], hokan["提出時期に係る説明"]) == ("事前", "重要な変更に当たるため")


def test_write_twice_leaves_five_rows_and_the_rebuilt_document_shows_them(repo: Path, tmp_path: Path) -> None:
    folder = repo / ARG
    annex2 = folder / "9_変更箇所.yaml"
    edit_five(folder)
    original = annex2.read_bytes()
    count = len(recorded_rows(folder))
    rows = proposed(cli(repo, "changes", "--since", "HEAD", "--date", "2026-01-15"))

    first = cli(repo, "changes", "--since", "HEAD", "--date", "2026-01-15", "--write")
    assert first.code == 0 and "5 行を追記しました" in first.stdout, first.describe()
    written = annex2.read_bytes()
    assert written.startswith(original)  # the author's rows and comments stay byte for byte
    second = cli(repo, "changes", "--since", "HEAD", "--date", "2026-02-01", "--write")
    assert second.code == 0 and "追記する行はありません" in second.stdout, second.describe()
    assert annex2.read_bytes() == written

    after = recorded_rows(folder)
    assert len(after) == count + 5
    reporter = Reporter()
    [loaded] = load_all([folder], reporter)  # the pinned references resolve: no errors
    assert loaded.assessment is not None and not reporter.errors, [d.format() for d in reporter.errors]
    builder = Builder(loaded.assessment, loaded.blocks.text)
    for got, want in zip(loaded.assessment.changes[count:], rows, strict=True):
        assert dates.to_wareki(got.date.date) == want["変更日"]  # type: ignore[arg-type]
        assert [flow_plain(builder.flow(t)) for t in (got.item, got.before, got.after)] == [
            want["項目"],
            want["変更前の記載"],
            want["変更後の記載"],
        ]
        assert got.timing.value == want["提出時期"]

    # the block change is recorded as pinned references, not as a copy of the standard text
    old_version, newest, old = hokan_versions()
    hokan = loaded.assessment.changes[count + 4]
    refs = [
        (p.id, p.version) for t in (hokan.before, hokan.after) for p in t.parts if isinstance(p, BlockRef)
    ]
    assert (HOKAN_BLOCK, old_version) in refs
    assert all(version is not None for _, version in refs)
    appended = written[len(original) :].decode("utf-8")
    for text in (newest, old):
        assert max(text.splitlines(), key=len) not in appended

    # with everything recorded, a plain run proposes nothing new
    again = cli(repo, "changes", "--since", "HEAD")
    assert "5 件は（別添２）に記載済み" in again.stdout and "変更箇所の案" not in again.stdout

    out = tmp_path / "out"
    built = cli(repo, "build", ARG, "--out", out, "--format", "html", "--quiet")
    assert built.code == 0, built.describe()
    doc = lxml.html.parse(str(out / EXAMPLE_NAME / f"{EXAMPLE_NAME}.html")).getroot()
    table_rows = doc.get_element_by_id("annex2").xpath(".//tr")
    cells = [[c.text_content().strip() for c in tr.xpath("./td|./th")] for tr in table_rows[-5:]]
    assert [c[1] for c in cells] == [r["項目"] for r in rows]
    assert [c[0] for c in cells] == ["令和8年1月15日"] * 5
    assert [c[4] for c in cells] == ["事後", "事後", "事後", "事前", "事前"]
    assert cells[3][2:4] == [NEW, NEW_ITAKU]


@pytest.mark.slow
def test_diff_page_marks_the_changed_text_in_chromium(repo: Path, tmp_path: Path) -> None:
    from tests.browser import chromium

    edit_five(repo / ARG)
    out = tmp_path / "review"
    result = cli(repo, "diff", "--since", "HEAD", "--out", out)
    assert result.code == 0, result.describe()
    path = out / EXAMPLE_NAME / "diff.html"
    assert path.is_file(), result.describe()
    rows = proposed(cli(repo, "changes", "--since", "HEAD"))
    _, newest, old = hokan_versions()

    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(path.as_uri())
        assert requests == [path.as_uri()]  # self-contained
        assert tab.evaluate("document.documentElement.lang") == "ja"
        assert tab.evaluate("document.querySelectorAll('script').length") == 0
        assert "変更 5 件（事前 2 件、事後 3 件）" in tab.inner_text("#summary")

        sections = tab.locator("section.change")
        assert sections.count() == 5
        for n, row in enumerate(rows):
            section = sections.nth(n)
            assert section.locator("h2").inner_text().endswith(row["項目"])
            before, after = (section.locator("table.sides").first.locator("td").nth(i) for i in (0, 1))
            # marks sit inside the text: the cells read exactly as the rows
            assert before.text_content() == row["変更前の記載"]
            assert after.text_content() == row["変更後の記載"]
            assert section.locator("table.sides").first.locator("ins").count() > 0

        jimu = sections.nth(0).locator("table.sides").first
        assert jimu.locator("ins").all_text_contents() == ["及び精密検査"]
        assert jimu.locator("del").count() == 0
        hokan = sections.nth(4).locator("table.sides").first
        deleted = "".join(hokan.locator("del").all_text_contents())
        inserted = "".join(hokan.locator("ins").all_text_contents())
        # the versions differ in these words (the premise, checked so a new block text fails clearly)
        assert (
            "ISMAP" in newest
            and "ISMAP" not in old
            and "データセンター" in old
            and "データセンター" not in newest
        )
        assert "ISMAP" in deleted and "ISMAP" not in inserted
        assert "データセンター" in inserted and "データセンター" not in deleted

        # marked by shape, not by colour alone: struck through / underlined, with bracket markers
        style = tab.evaluate(
            "(() => { const d = document.querySelector('del'), i = document.querySelector('ins');"
            " return [getComputedStyle(d).textDecorationLine, getComputedStyle(i).textDecorationLine,"
            " getComputedStyle(d, '::before').content, getComputedStyle(i, '::before').content]; })()"
        )
        assert style[0] == "line-through" and style[1] == "underline"
        assert style[2] not in ("none", "normal", '""') and style[3] not in ("none", "normal", '""')

        # the new 委託事項 lists its items and the folded count
        itaku = sections.nth(3)
        assert itaku.locator("details .detail").count() >= 5
        assert "委託の有無" in itaku.locator("details").inner_text()


def test_marks_cover_whole_changes_and_keep_both_texts() -> None:
    for before, after in (
        ("・各種がん検診の実施", "・各種がん検診及び精密検査の実施"),
        (
            "①中間サーバー・プラットフォームは、政府情報システム",
            "・中間サーバー･プラットフォームはデータセンター",
        ),
        ("[]電子メール", "[○]電子メール"),
        ("", "新設"),
    ):
        old, new = page.marked(before, after)
        assert "".join(s.text for s in old) == before and "".join(s.text for s in new) == after
        assert {s.kind for s in old} <= {"same", "del"} and {s.kind for s in new} <= {"same", "ins"}
    old, new = page.marked("[]電子メール", "[○]電子メール")
    assert [s.text for s in new if s.kind == "ins"] == ["○"] and old == (
        page.Segment("same", "[]電子メール"),
    )
    # a single kept letter between two rewritten runs is not marked as kept
    old, new = page.marked("あいうXかきく", "さしすXたちつ")
    assert [s.kind for s in old] == ["del"] and [s.kind for s in new] == ["ins"]


def test_diff_page_escapes_text() -> None:
    evil = "<script>alert(1)</script>"
    change = Change("項目 " + evil, "前", "後" + evil, False)
    html = page.render(
        title=evil,
        folder="f",
        before="HEAD",
        after="作業中のファイル",
        changes=[change],
        rows=propose([change], dates.FormDate(2026, 1, 1)),
    ).decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# ---------------------------------------------------------------------------
# Messages


def test_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    copy_example(tmp_path)
    result = cli(tmp_path, "changes", ARG, "--since", "HEAD")
    assert result.code == 2, result.describe()
    assert "git の管理下にありません" in result.stderr


def test_unknown_revision_is_a_clear_error(repo: Path) -> None:
    result = cli(repo, "changes", "--since", "no-such-tag")
    assert result.code == 2, result.describe()
    assert "リビジョン「no-such-tag」" in result.stderr
    diff = cli(repo, "diff", "--since", "no-such-tag", "--out", "out")
    assert diff.code == 2 and "リビジョン「no-such-tag」" in diff.stderr, diff.describe()


def test_assessment_missing_at_the_revision(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "README.md").write_text("評価書\n", encoding="utf-8")
    commit_all(root)
    copy_example(root)
    result = cli(root, "changes", "--since", "HEAD")
    assert result.code == 2, result.describe()
    assert "の時点には、この評価書" in result.stderr


def test_missing_since_and_bad_date(repo: Path) -> None:
    result = cli(repo, "changes")
    assert result.code == 2 and "--since" in result.stderr, result.describe()
    bad = cli(repo, "changes", "--since", "HEAD", "--date", "2026-02-30")
    assert bad.code == 2 and "--date" in bad.stderr, bad.describe()


def test_git_not_installed(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    result = cli(repo, "changes", "--since", "HEAD", PATH=str(empty))
    assert result.code == 1, result.describe()
    assert "git が見つかりません" in result.stderr


def test_errors_at_the_revision_are_shown_at_rev_path(repo: Path) -> None:
    overview = repo / ARG / OVERVIEW
    good = overview.read_text(encoding="utf-8")
    replace_once(overview, "  使用者数: 10人未満", "  使用者数: 10人以上")
    commit_all(repo, "誤り")
    overview.write_text(good, encoding="utf-8")
    result = cli(repo, "changes", "--since", "HEAD")
    assert result.code == 1, result.describe()
    assert f"HEAD:{ARG}/{OVERVIEW}:" in result.stderr
    assert "比べられません" in result.stderr


def test_annex2_edits_are_no_changes(repo: Path) -> None:
    annex2 = repo / ARG / "9_変更箇所.yaml"
    annex2.write_text(
        annex2.read_text(encoding="utf-8").replace("記載を具体化", "記載の具体化"), encoding="utf-8"
    )
    result = cli(repo, "changes", "--since", "HEAD")
    assert result.code == 0 and "変更はありません" in result.stdout, result.describe()


def test_date_defaults_to_source_date_epoch(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replace_once(repo / ARG / OVERVIEW, "  使用者数: 10人未満", "  使用者数: 1,000人以上")
    rows = proposed(cli(repo, "changes", "--since", "HEAD", SOURCE_DATE_EPOCH="1767225600"))  # 2026-01-01
    assert [r["変更日"] for r in rows] == ["令和8年1月1日"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert change_date(None) == dates.FormDate(2026, 1, 1)
    assert change_date("令和7年12月1日") == dates.FormDate(2025, 12, 1)


# ---------------------------------------------------------------------------
# Printed items


def test_items_name_print_and_star_as_the_form(example_copy: Path) -> None:
    items = by_label(items_of(example_copy))
    nyushu_moto = items["Ⅱ 特定個人情報ファイルの概要 ３．特定個人情報の入手・使用 ①入手元"]
    assert nyushu_moto.star
    assert "[○]評価実施機関内の他部署（市民生活部市民課）" in nyushu_moto.text
    assert "[]行政機関・独立行政法人等" in nyushu_moto.text
    assert not items[L_USERS].star and items[L_USERS].text == "[10人未満]"
    assert items[f"{L_ITAKU} 委託の有無"].text == "[委託する] 2件"
    assert items[f"{L_ITAKU} 委託の有無"].star
    assert items[f"{L_ITAKU} 委託事項1 ④再委託の有無"].star
    assert not items[f"{L_ITAKU} 委託事項1 ③委託先名"].star
    assert (
        items[f"{L_TEIKYO} 提供・移転の有無"].text
        == "[○]提供を行っている 1件 []移転を行っている []行っていない"
    )
    assert items["公表日"].text == "令和7年12月1日"
    assert items["Ⅰ 基本情報 ４．個人番号の利用 法令上の根拠"].star  # the heading's ※ covers it
    assert items[L_HOKAN].star
    # Ⅲ is ※ throughout except ７．②
    risks = [it for it in items.values() if it.label.startswith("Ⅲ ")]
    unstarred = [it.label for it in risks if not it.star]
    assert len(unstarred) == 3 and all("②過去３年以内" in label for label in unstarred)
    assert items["Ⅲ リスク対策 ４．特定個人情報ファイルの取扱いの委託"].text == "[]委託しない"
    # blocks print as their text, never as the reference
    assert all("{block" not in it.text for it in items.values())
    _, newest, _ = hokan_versions()
    assert newest in items[L_HOKAN].text


def test_items_follow_the_document_order(example_copy: Path) -> None:
    labels = [it.label for it in items_of(example_copy)]
    heads = ["評価書名", "Ⅰ 基本情報", "Ⅱ 特定個人情報ファイルの概要", "（別添１）", "Ⅲ リスク対策", "Ⅳ", "Ⅴ"]
    firsts = [next(i for i, label in enumerate(labels) if label.startswith(h)) for h in heads]
    assert firsts == sorted(firsts)
    assert len(labels) == len(set(labels)), "every printed item has its own label"


def test_several_files_name_the_file_and_a_new_file_is_one_change_per_part(tmp_path: Path) -> None:
    old, new = two_copies(tmp_path)
    rule = "    委託契約書中の特定個人情報ファイルの取扱いに関する規定: 定めている\n"
    for stem in ("2_ファイル概要", "3_リスク対策"):
        text = (new / f"{stem}_1.yaml").read_text(encoding="utf-8")
        # file 1's unreadable Ⅲ-4 十分か is acknowledged there (確認済み); the new file answers it
        text = text.replace(rule, rule + "    リスクへの対策は十分か: 十分である\n")
        (new / f"{stem}_2.yaml").write_text(
            text.replace("がん検診台帳ファイル", "精密検査台帳ファイル"), encoding="utf-8"
        )
    labels = [it.label for it in items_of(new)]
    assert any(
        label.startswith("Ⅱ 特定個人情報ファイルの概要 （精密検査台帳ファイル） ３．") for label in labels
    )
    assert "（別添１） 特定個人情報ファイル記録項目 （がん検診台帳ファイル）" in labels

    changes = changes_between(old, new)
    assert [(c.kind, c.label, c.before, c.after) for c in changes] == [
        ("added", "Ⅱ 特定個人情報ファイルの概要 （精密検査台帳ファイル）", None, "精密検査台帳ファイル"),
        ("added", "Ⅲ リスク対策 （精密検査台帳ファイル）", None, "精密検査台帳ファイル"),
    ]
    assert changes[1].star  # Ⅲ is ※


# ---------------------------------------------------------------------------
# Comparison


def test_removing_a_block_is_one_row_and_renumbering_is_none(tmp_path: Path) -> None:
    old, new = two_copies(tmp_path)
    overview = new / OVERVIEW
    text = overview.read_text(encoding="utf-8")
    start = text.index("    - 委託事項: GPRIME")
    end = text.index("    - 委託事項: がん検診データ入力")
    overview.write_text(text[:start] + text[end:], encoding="utf-8")

    changes = changes_between(old, new)
    assert len(changes) == 1, [(c.label, c.before, c.after) for c in changes]
    [c] = changes
    assert (c.kind, c.label, c.before, c.after) == (
        "removed",
        f"{L_ITAKU} 委託事項1",
        "GPRIME健康管理システム(がん検診)管理",
        None,
    )
    assert c.star  # 委託の有無 ※ changed with it
    assert [(d.before, d.after) for d in c.folded] == [("[委託する] 2件", "[委託する] 1件")]
    [row] = propose(changes, dates.FormDate(2026, 1, 1))
    assert (row.before, row.after, row.timing) == ("GPRIME健康管理システム(がん検診)管理", REMOVED, "事前")


def test_a_block_replacing_an_empty_member_one_is_記載なし(tmp_path: Path) -> None:
    old, new = two_copies(tmp_path)
    overview = old / OVERVIEW
    text = overview.read_text(encoding="utf-8")
    start = text.index("  提供先:\n")
    end = text.index("\n特定個人情報の保管・消去:")
    overview.write_text(text[:start] + "  提供先: []\n" + text[end:], encoding="utf-8")

    changes = changes_between(old, new)
    assert [(c.kind, c.label, c.before, c.after) for c in changes] == [
        ("added", f"{L_TEIKYO} 提供先1", "", "市町村長")
    ]
    [row] = propose(changes, dates.FormDate(2026, 1, 1))
    assert (row.before, row.timing) == (EMPTY, "事後")  # 提供・移転の有無 has no ※
    assert [d.after for d in changes[0].folded] == [
        "[○]提供を行っている 1件 []移転を行っている []行っていない"
    ]


def test_a_count_changed_otherwise_is_its_own_row(tmp_path: Path) -> None:
    old, new = two_copies(tmp_path)
    replace_once(
        new / OVERVIEW,
        "      時期・頻度: 照会を受けた都度",
        "      時期・頻度: 照会を受けた都度\n      件数: 22",
    )
    changes = changes_between(old, new)
    assert [(c.label, c.before, c.after) for c in changes] == [
        (
            f"{L_TEIKYO} 提供・移転の有無",
            "[○]提供を行っている 1件 []移転を行っている []行っていない",
            "[○]提供を行っている 22件 []移転を行っている []行っていない",
        )
    ]


def test_a_retitled_block_is_an_item_change(tmp_path: Path) -> None:
    old, new = two_copies(tmp_path)
    replace_once(new / OVERVIEW, "委託事項: がん検診データ入力", "委託事項: がん検診データ入力・点検")
    changes = changes_between(old, new)
    assert [(c.kind, c.label, c.after) for c in changes] == [
        ("item", f"{L_ITAKU} 委託事項2", "がん検診データ入力・点検")
    ]


def test_an_emptied_item_is_記載なし_not_削除(tmp_path: Path) -> None:
    old, new = two_copies(tmp_path)
    cover = new / "0_表紙.yaml"
    remarks = next(
        line for line in cover.read_text(encoding="utf-8").splitlines() if line.startswith("特記事項:")
    )
    replace_once(cover, remarks + "\n", "")  # an item written only when there is something to say (if_any)
    [row] = propose(changes_between(old, new), dates.FormDate(2026, 1, 1))
    assert (row.item, row.before, row.after) == ("特記事項", remarks.removeprefix("特記事項: "), EMPTY)


# ---------------------------------------------------------------------------
# Writing 9_変更箇所.yaml


def _row(**kw: object) -> Row:
    base = {
        "item": "Ⅴ 評価実施手続 １．基礎項目評価 ①実施日",
        "before": "令和4年2月14日",
        "after": "令和7年12月1日",
        "timing": "事後",
        "reason": "重要な変更に当たらないため",
    }
    return Row(dates.FormDate(2026, 1, 15), **(base | kw))  # type: ignore[arg-type]


def _printed_rows(folder: Path) -> list[tuple[str, ...]]:
    builder = Builder(read_assessment(folder, Reporter()))  # type: ignore[arg-type]
    return [
        tuple(flow_plain(builder.flow(t)) for t in (r.item, r.before, r.after, r.reason)) + (r.timing.value,)
        for r in recorded_rows(folder)
    ]


def _assessment_without_annex2(tmp_path: Path) -> Path:
    folder = copy_example(tmp_path)
    (folder / "9_変更箇所.yaml").unlink()
    return folder


def test_write_creates_the_file_and_texts_print_exactly(tmp_path: Path) -> None:
    folder = _assessment_without_annex2(tmp_path)
    tricky = [
        _row(),
        _row(before="1. 最初\n\n2. 次", after="*注* と **太字** と `code` と \\ と &amp;"),
        _row(before="　全角で字下げした段落\n\n二段落目", after="-\n\n---\n\n# 見出し"),
        _row(item="a: b # c", before="'引用' \"二重\"", after="yes"),
    ]
    path = append_rows(folder, tricky)
    assert path == folder / "9_変更箇所.yaml"
    assert path.read_text(encoding="utf-8").startswith("# （別添２） 変更箇所\n変更箇所:\n")
    assert _printed_rows(folder) == [(r.item, r.before, r.after, r.reason, r.timing) for r in tricky]


def test_write_keeps_comments_crlf_and_turns_an_empty_flow_list_into_rows(tmp_path: Path) -> None:
    folder = _assessment_without_annex2(tmp_path)
    path = folder / "9_変更箇所.yaml"
    path.write_bytes("# 先頭のコメント\r\n変更箇所: []  # まだない\r\n# 末尾のコメント\r\n".encode())
    append_rows(folder, [_row()])
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("# 先頭のコメント\r\n変更箇所:  # まだない\r\n# 末尾のコメント\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert len(_printed_rows(folder)) == 1

    append_rows(folder, [_row(after="令和8年1月1日")])
    assert [r[2] for r in _printed_rows(folder)] == ["令和7年12月1日", "令和8年1月1日"]


def test_write_refuses_a_flow_list_with_rows(tmp_path: Path) -> None:
    folder = _assessment_without_annex2(tmp_path)
    path = folder / "9_変更箇所.yaml"
    content = "変更箇所: [{変更日: 2025-12-01, 項目: x, 変更前の記載: a, 変更後の記載: b, 提出時期: 事後}]\n"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(HyokaError, match="追記できません"):
        append_rows(folder, [_row()])
    assert path.read_text(encoding="utf-8") == content


def test_a_text_markdown_cannot_print_exactly_is_refused(tmp_path: Path) -> None:
    folder = _assessment_without_annex2(tmp_path)
    with pytest.raises(HyokaError, match="そのまま印字される形で書けません"):
        append_rows(folder, [_row(before="行頭\n 半角空白")])  # CommonMark drops the space
    assert not (folder / "9_変更箇所.yaml").exists()


def test_a_pinned_version_the_working_tree_lacks_is_written_as_text(tmp_path: Path) -> None:
    folder = _assessment_without_annex2(tmp_path)
    ref = BlockRef("chukan-platform/hokan", "1999-01", (), Location("x"))
    source = Text(("＜本市の措置＞", ref), Location("x"))

    def printed(text: Text) -> str:
        raise LookupError("1999-01")

    append_rows(folder, [_row(before="＜本市の措置＞\n\n古い記載", sources=(source, None))], printed)
    [row] = recorded_rows(folder)
    assert row.before.parts == ("＜本市の措置＞\n\n古い記載",)


def test_rows_already_recorded_are_not_proposed_again() -> None:
    a, b = _row(), _row(after="令和8年1月1日")
    assert new_rows([a, b, b], {a.identity}) == [b]
