"""The 基礎項目評価書, standalone and paired, built through the same reader, builder and writers.

Acceptance of issue 10 (基礎 part): a 重点 folder with ``8_基礎項目.yaml`` writes ``<name>-基礎.*`` beside
its 重点; the standalone sample writes its 基礎; both open in LibreOffice with every text of the
document in the PDF; editing 対象人数 in the 重点 changes it in both documents.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.diagnostics import Reporter
from generator.documents import suffixes
from generator.layout import ir
from generator.pipeline import layout, load_all
from tests.conftest import SOURCES, run_cli, set_value
from tests.office import pdf_pages, require, to_pdf

FORMATS = ("html", "docx", "xlsx")
PAIRED = ("asahikawa-kenkozoshin", "atsugi-kokuho", "kumagaya-yobosesshu")
STANDALONE = "mihon-jidofuyo"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_raw_text(pdf: Path) -> str:
    """The PDF's text in content-stream order: a table cell's lines stay together (the layout order
    of ``pdftotext`` interleaves the lines of neighbouring cells)."""
    return subprocess.run(
        [require("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "sources" / name
    shutil.copytree(SOURCES / name, target)
    if not (tmp_path / "sources" / "blocks").exists():
        shutil.copytree(SOURCES / "blocks", tmp_path / "sources" / "blocks")
    return target


def _documents(folder: Path) -> dict[str, ir.Document]:
    reporter = Reporter()
    [loaded] = load_all([folder], reporter, every_block=False)
    assert not reporter.errors, [d.format() for d in reporter.errors]
    return {d.suffix: layout(d.assessment, loaded.blocks) for d in loaded.documents}


def _choice_after(doc: ir.Document, label: str) -> str | None:
    """The chosen value printed in the row whose label cell reads ``label``."""
    for part in doc.parts:
        for block in part.blocks:
            if not isinstance(block, ir.Table):
                continue
            for row in block.rows:
                texts = [c.text() for c in row.cells]
                if any(t.strip() == label for t in texts):
                    for cell in row.cells:
                        for content in cell.content:
                            if isinstance(content, ir.ChoiceValue):
                                return content.value
    return None


def test_every_shipped_juten_example_has_its_paired_kiso() -> None:
    for name in PAIRED:
        assert suffixes(SOURCES / name) == ["", "-基礎"], name
    assert suffixes(SOURCES / STANDALONE) == [""]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kiso")
    folders = [SOURCES / STANDALONE, *(SOURCES / name for name in PAIRED)]
    result = run_cli("build", *folders, "--out", out, "--format", ",".join(FORMATS), "-q", "-j", "1")
    assert result.code == 0, result.describe()
    return out


def test_build_writes_both_documents_in_every_format(built: Path) -> None:
    for fmt in FORMATS:
        assert (built / STANDALONE / f"{STANDALONE}.{fmt}").stat().st_size > 0
        assert (built / "kumagaya-yobosesshu" / f"kumagaya-yobosesshu.{fmt}").stat().st_size > 0
        assert (built / "kumagaya-yobosesshu" / f"kumagaya-yobosesshu-基礎.{fmt}").stat().st_size > 0
    html = (built / "kumagaya-yobosesshu" / "kumagaya-yobosesshu-基礎.html").read_text(encoding="utf-8")
    assert "特定個人情報保護評価書（基礎項目評価書）" in html and "Ⅲ　しきい値判断結果" in html
    assert "予防接種法に関する事務　基礎項目評価書" in html  # 評価書名 names the 基礎


def test_a_second_build_finds_both_documents_current(built: Path) -> None:
    folders = [SOURCES / STANDALONE, *(SOURCES / name for name in PAIRED)]
    result = run_cli("build", *folders, "--out", built, "--format", ",".join(FORMATS))
    count = len(FORMATS) * (1 + 2 * len(PAIRED))
    assert result.code == 0 and f"すべて最新です（{count} ファイル）" in result.stdout, result.describe()


def test_paired_kiso_takes_its_answers_from_the_juten() -> None:
    docs = _documents(SOURCES / "kumagaya-yobosesshu")
    kiso = docs["-基礎"]
    assert _choice_after(kiso, "評価対象の事務の対象人数は何人か") == "10万人以上30万人未満"
    assert _choice_after(kiso, "しきい値判断結果") == "基礎項目評価及び重点項目評価の実施が義務付けられる"
    assert (
        _choice_after(kiso, "１．提出する特定個人情報保護評価書の種類") == "基礎項目評価書及び重点項目評価書"
    )
    assert _choice_after(kiso, "特定個人情報ファイル取扱者数は500人以上か") == "500人未満"  # 8_基礎項目.yaml


@pytest.mark.slow
@pytest.mark.parametrize(
    ("folder", "name"),
    [(STANDALONE, STANDALONE), *((name, f"{name}-基礎") for name in PAIRED)],
)
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_libreoffice_prints_every_text_of_the_kiso(
    built: Path, tmp_path: Path, folder: str, name: str, fmt: str
) -> None:
    pdf = to_pdf(built / folder / f"{name}.{fmt}", tmp_path)
    assert len(pdf_pages(pdf)) > 0
    printed = _squash(_pdf_raw_text(pdf))
    doc = _documents(SOURCES / folder)["-基礎" if name.endswith("-基礎") else ""]
    missing = []
    for part in doc.parts:
        for block in part.blocks:
            rows = block.rows if isinstance(block, ir.Table) else ()
            for row in rows:
                for cell in row.cells:
                    for line in cell.text().splitlines():
                        if _squash(line) and _squash(line) not in printed:
                            missing.append(line)
    assert missing == []


def test_editing_the_juten_count_changes_both_documents(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "kumagaya-yobosesshu")
    set_value(folder / "1_基本情報.yaml", "対象人数", "1万人以上10万人未満")
    set_value(folder / "2_ファイル概要_1.yaml", "対象となる本人の数", "1万人以上10万人未満")
    set_value(
        folder / "5_評価実施手続.yaml",
        "しきい値判断結果",
        "基礎項目評価の実施が義務付けられる（任意に重点項目評価を実施）",
    )
    out = tmp_path / "out"
    result = run_cli("build", folder, "--out", out, "--format", "html", "-q")
    assert result.code == 0, result.describe()
    docs = _documents(folder)
    assert _choice_after(docs[""], "③対象人数") == "1万人以上10万人未満"
    assert _choice_after(docs["-基礎"], "評価対象の事務の対象人数は何人か") == "1万人以上10万人未満"
    assert _choice_after(docs["-基礎"], "しきい値判断結果") == "基礎項目評価の実施が義務付けられる"
    for name in ("kumagaya-yobosesshu.html", "kumagaya-yobosesshu-基礎.html"):
        assert "1万人以上10万人未満" in (out / "kumagaya-yobosesshu" / name).read_text(encoding="utf-8")


def test_paired_file_holds_the_kisos_own_change_rows(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "kumagaya-yobosesshu")
    with (folder / "8_基礎項目.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "\n変更箇所:\n"
            "  - 変更日: 令和6年12月25日\n"
            "    項目: Ⅱ ２．取扱者数 いつ時点の計数か\n"
            "    変更前の記載: 令和5年10月1日\n"
            "    変更後の記載: 令和6年10月1日\n"
            "    提出時期: 事後\n"
        )
    docs = _documents(folder)
    [annex] = [p for p in docs["-基礎"].parts if p.id == "annex"]
    text = " ".join(
        c.text() for b in annex.blocks if isinstance(b, ir.Table) for r in b.rows for c in r.cells
    )
    assert "Ⅱ ２．取扱者数 いつ時点の計数か" in text and "令和5年10月1日" in text
    # the 重点's （別添２） is its own
    [annex2] = [p for p in docs[""].parts if p.id == "annex2"]
    assert "令和5年10月1日" not in str(annex2)


def _reference_in_paired_file(folder: Path, block: str) -> None:
    """The first 判断の根拠 of the paired file written as a text with a block reference."""
    path = folder / "8_基礎項目.yaml"
    text, count = re.subn(
        r"^(\s+判断の根拠:) .*$",
        rf"\1 [前文。, {{block: {block}}}]",
        path.read_text(encoding="utf-8"),
        count=1,
        flags=re.M,
    )
    assert count == 1
    path.write_text(text, encoding="utf-8")


def test_a_block_referenced_only_by_the_paired_file_is_resolved_and_tracked(tmp_path: Path) -> None:
    # asahikawa/kino-betten2 is not used by atsugi's 重点: only the paired 基礎 brings it in
    folder = _copy(tmp_path, "atsugi-kokuho")
    _reference_in_paired_file(folder, "asahikawa/kino-betten2")
    out = tmp_path / "out"
    assert (result := run_cli("check", folder)).code == 0, result.describe()
    assert (result := run_cli("build", folder, "--out", out, "--format", "html", "-q")).code == 0, (
        result.describe()
    )
    kiso = out / "atsugi-kokuho" / "atsugi-kokuho-基礎.html"
    assert "符号管理機能" in kiso.read_text(encoding="utf-8")
    # the block is an input of the outputs: editing it rebuilds the 基礎
    block = tmp_path / "sources" / "blocks" / "asahikawa" / "kino-betten2.yaml"
    block.write_text(
        block.read_text(encoding="utf-8").replace("符号管理機能", "符号を管理する機能"), encoding="utf-8"
    )
    assert (result := run_cli("build", folder, "--out", out, "--format", "html", "-q")).code == 0, (
        result.describe()
    )
    assert "符号を管理する機能" in kiso.read_text(encoding="utf-8")
    result = run_cli("deps", folder, "--out", out, "--format", "html", "--output", out / "deps.mk")
    assert result.code == 0, result.describe()
    assert "asahikawa/kino-betten2.yaml" in (out / "atsugi-kokuho" / ".hyoka-deps.mk").read_text(
        encoding="utf-8"
    )


def test_an_unknown_block_in_the_paired_file_fails_check(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "atsugi-kokuho")
    _reference_in_paired_file(folder, "kaiji/nai")
    result = run_cli("check", folder)
    assert result.code == 1, result.describe()
    assert "8_基礎項目.yaml" in result.stdout + result.stderr
    assert "共通記載ブロック「kaiji/nai」はありません" in result.stdout + result.stderr


def test_the_site_reads_the_pair_as_the_build_did_without_checking_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``hyoka site`` takes a folder's documents and blocks through the build's own functions
    (``documents``, ``resolve_further``) with their checks off: the same pages, no rule run."""
    from generator import pipeline, rules
    from generator.commands import site

    folder = SOURCES / PAIRED[0]
    reporter = Reporter()
    [loaded] = load_all([folder], reporter, every_block=False)
    monkeypatch.setattr(rules, "run_rules", lambda *args: pytest.fail("a rule ran"))
    monkeypatch.setattr(pipeline, "check_lengths", lambda *args: pytest.fail("the lengths were checked"))
    documents, blocks = site._read(folder)
    assert list(documents) == [d.suffix for d in loaded.documents] == ["", "-基礎"]
    assert blocks.texts == loaded.blocks.texts
    for document in loaded.documents:
        assert layout(documents[document.suffix].assessment, blocks) == layout(
            document.assessment, loaded.blocks
        )


def test_the_pair_is_derived_once_for_its_rule_and_its_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """T7 (the 重点 against its pair) and ``documents`` share one derivation of the 基礎; what
    reading the paired file reports is reported once, with the 基礎, as the reader's (S)."""
    from generator.form import pairing

    derived = []
    derive = pairing.paired_assessment
    monkeypatch.setattr(pairing, "paired_assessment", lambda *a: derived.append(derive(*a)) or derived[-1])
    folder = _copy(tmp_path, "kumagaya-yobosesshu")
    with (folder / "8_基礎項目.yaml").open("a", encoding="utf-8") as f:
        f.write("\n知らない項目: 1\n")
    reporter = Reporter()
    [loaded] = load_all([folder], reporter, every_block=False)
    assert len(derived) == 1 and derived[0] is loaded.documents[1].assessment
    found = [d for d in reporter.diagnostics if "「知らない項目」" in d.message]
    assert [(d.rule, Path(d.location.file).name) for d in found] == [("S", "8_基礎項目.yaml")]
