"""しきい値 rules T1–T7 (guidelines.md §2.1): each triggered by an edited example, and silent on it unedited.

The 重点 rules are tried on 熊谷市 (対象人数 10万人以上30万人未満, result 基礎+重点), the 基礎 rules on the
standalone sample (1,000人以上1万人未満, result 基礎), T7 on 熊谷市's paired ``8_基礎項目.yaml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostic, Reporter
from generator.form.kiso_threshold import count_range, obligation
from generator.pipeline import load_all
from tests.conftest import SOURCES, errors, run_cli, set_value

JUTEN = "kumagaya-yobosesshu"
KISO = "mihon-jidofuyo"


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "sources" / name
    shutil.copytree(SOURCES / name, target)
    if not (tmp_path / "sources" / "blocks").exists():
        shutil.copytree(SOURCES / "blocks", tmp_path / "sources" / "blocks")
    return target


def diagnostics(folder: Path) -> list[Diagnostic]:
    reporter = Reporter()
    load_all([folder], reporter, every_block=False)
    return reporter.diagnostics


def by_rule(folder: Path, rule: str) -> list[Diagnostic]:
    return [d for d in diagnostics(folder) if d.rule == rule]


@pytest.fixture
def juten(tmp_path: Path) -> Path:
    return copy(tmp_path, JUTEN)


@pytest.fixture
def kiso(tmp_path: Path) -> Path:
    return copy(tmp_path, KISO)


# ---------------------------------------------------------------------------
# The table


def test_count_classes_are_read_from_the_labels() -> None:
    assert count_range("1,000人未満（任意実施）") == (0, 1000)
    assert count_range("１万人以上１０万人未満") == (10000, 100000)
    assert count_range("500人以上1,000人未満") == (500, 1000)
    assert count_range("") is None


def test_obligation_follows_the_guideline_table() -> None:
    assert obligation((100000, 300000), False, False) == {2}
    assert obligation((100000, 300000), True, False) == {3}
    assert obligation((100000, 300000), None, None) == {2, 3}
    assert obligation((10000, 100000), False, True) == {2}
    assert obligation((1000, 10000), True, True) == {1}
    assert obligation((0, 1000), None, None) == {0}


# ---------------------------------------------------------------------------
# The shipped examples pass every しきい値 rule (the non-triggering input of each rule)


@pytest.mark.parametrize("name", [JUTEN, KISO, "atsugi-kokuho"])
def test_examples_have_no_threshold_errors(name: str) -> None:
    found = [d for d in diagnostics(SOURCES / name) if d.rule.startswith("T") and d.severity >= 1]
    assert found == []


def test_t1_juten_result_contradicting_the_count(juten: Path) -> None:
    set_value(
        juten / "5_評価実施手続.yaml",
        "しきい値判断結果",
        "基礎項目評価の実施が義務付けられる（任意に重点項目評価を実施）",
    )
    [d] = by_rule(juten, "T1")
    assert d.severity == 2 and d.location.file.endswith("5_評価実施手続.yaml")
    assert "1_基本情報.yaml:10" in d.message and "10万人以上30万人未満" in d.message


def test_t1_kiso_result_contradicting_the_counts(kiso: Path) -> None:
    set_value(kiso / "2_しきい値判断項目.yaml", "評価対象の事務の対象人数は何人か", "10万人以上30万人未満")
    [d] = by_rule(kiso, "T1")
    assert d.location.file.endswith("3_しきい値判断結果.yaml")
    assert (
        "2_しきい値判断項目.yaml:3" in d.message
        and "基礎項目評価及び重点項目評価の実施が義務付けられる" in d.message
    )


def test_t1_kiso_documents_fewer_than_the_result_requires(kiso: Path) -> None:
    set_value(kiso / "2_しきい値判断項目.yaml", "評価対象の事務の対象人数は何人か", "1万人以上10万人未満")
    set_value(kiso / "2_しきい値判断項目.yaml", "特定個人情報ファイル取扱者数は500人以上か", "500人以上")
    set_value(
        kiso / "3_しきい値判断結果.yaml",
        "しきい値判断結果",
        "基礎項目評価及び重点項目評価の実施が義務付けられる",
    )
    [d] = by_rule(kiso, "T1")
    assert d.location.file.endswith("4_リスク対策.yaml") and "基礎項目評価書" in d.message


def test_t2_small_count_with_juten_obligation(juten: Path) -> None:
    set_value(juten / "1_基本情報.yaml", "対象人数", "1万人以上10万人未満")
    [d] = by_rule(juten, "T2")
    assert d.severity == 0 and "基礎項目評価書 Ⅱ" in d.message


def test_t3_staff_lower_bound_from_the_files(juten: Path) -> None:
    set_value(juten / "2_ファイル概要_1.yaml", "使用者数", "500人以上1,000人未満")
    [d] = by_rule(juten, "T3")
    assert d.severity == 2 and "全項目評価" in d.message and "少なくとも 500 人" in d.message


def test_t4_file_count_above_the_whole(juten: Path) -> None:
    set_value(juten / "1_基本情報.yaml", "対象人数", "1万人以上10万人未満")
    [d] = by_rule(juten, "T4")
    assert d.location.file.endswith("2_ファイル概要_1.yaml") and "10万人以上100万人未満" in d.message


def test_t5_incident_within_three_years(juten: Path) -> None:
    set_value(
        juten / "3_リスク対策_1.yaml",
        "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
        "発生あり",
    )
    [d] = by_rule(juten, "T5")
    assert d.severity == 0 and "過去1年以内の特定個人情報" in d.message


def test_t6_empty_counts(juten: Path, kiso: Path) -> None:
    set_value(juten / "1_基本情報.yaml", "対象人数", '""')
    (juten / "8_基礎項目.yaml").unlink()
    [d] = by_rule(juten, "T6")
    assert d.severity == 0  # published 重点 documents leave it blank (C01 reports the blank item)
    set_value(kiso / "2_しきい値判断項目.yaml", "特定個人情報ファイル取扱者数は500人以上か", '""')
    [d] = by_rule(kiso, "T6")
    assert d.severity == 1 and d.label == "Ⅱ ２．取扱者数"


def test_t7_paired_incident_against_the_juten(juten: Path) -> None:
    set_value(
        juten / "8_基礎項目.yaml",
        "過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか",
        "発生あり",
    )
    found = diagnostics(juten)
    [t7] = [d for d in found if d.rule == "T7"]
    assert t7.location.file.endswith("8_基礎項目.yaml") and "3_リスク対策_1.yaml" in t7.message
    # and the 基礎's own result no longer fits: 10万人以上30万人未満 with an incident is 全項目
    [t1] = [d for d in found if d.rule == "T1"]
    assert t1.location.file.endswith("5_評価実施手続.yaml") and "8_基礎項目.yaml" in t1.message


def test_t7_paired_staff_against_the_files(juten: Path) -> None:
    set_value(juten / "2_ファイル概要_1.yaml", "使用者数", "500人以上1,000人未満")
    [d] = by_rule(juten, "T7")
    assert d.severity == 1 and d.location.file.endswith("8_基礎項目.yaml") and "500人未満" in d.message


def test_paired_file_must_not_repeat_the_juten(juten: Path) -> None:
    path = juten / "8_基礎項目.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  対象人数:\n", "  対象人数:\n    評価対象の事務の対象人数は何人か: 10万人以上30万人未満\n", 1
    )
    path.write_text(text, encoding="utf-8")
    found = [d for d in diagnostics(juten) if d.severity == 2]
    assert len(found) == 1 and "書かないでください" in found[0].message
    assert "1_基本情報.yaml:10" in found[0].message


# ---------------------------------------------------------------------------
# Acceptance: the CLI names both the count and the result, with file:line


def test_check_names_count_and_result_with_file_and_line(juten: Path) -> None:
    set_value(
        juten / "5_評価実施手続.yaml",
        "しきい値判断結果",
        "基礎項目評価の実施が義務付けられる（任意に重点項目評価を実施）",
    )
    result = run_cli("check", juten)
    assert result.code == 1, result.describe()
    [e] = [e for e in errors(result) if e.rule == "T1"]
    assert e.file.endswith("5_評価実施手続.yaml") and e.line == 4
    assert "1_基本情報.yaml:10" in e.message and "「10万人以上30万人未満」" in e.message
    assert "「基礎項目評価の実施が義務付けられる（任意に重点項目評価を実施）」" in e.message


def test_t6_juten_count_given_in_the_paired_file_only(tmp_path: Path) -> None:
    folder = copy(tmp_path, "asahikawa-kenkozoshin")  # 重点 Ⅰ-1 ③ blank, as published
    assert by_rule(folder, "T6") == []
    text = (folder / "8_基礎項目.yaml").read_text(encoding="utf-8")
    (folder / "8_基礎項目.yaml").write_text(
        text.replace("    評価対象の事務の対象人数は何人か: 10万人以上30万人未満\n", ""), encoding="utf-8"
    )
    found = sorted((d.severity, d.label) for d in by_rule(folder, "T6"))
    # the 重点 may stay blank (an information; C01 reports the blank item), its 基礎 should not
    assert found == [(0, "Ⅰ １．③対象人数"), (1, "Ⅱ １．対象人数")]


def test_every_paired_kiso_item_has_one_source() -> None:
    """Each item of the 基礎 comes from the 重点 (``COPIES``) or from the paired file, never both
    and never neither (Ⅳ-1 is set by the pairing itself; fixed notes are printed by the form)."""
    from generator.form import kiso as k
    from generator.form import pairing
    from generator.form.schema import Head, Item

    def paths(nodes, prefix):
        for n in nodes:
            if isinstance(n, Item) and n.kind != "fixed":
                yield (*prefix, n.key)
            elif isinstance(n, Head):
                yield from ((*prefix, n.key, f.key) for f in n.flags)
                yield from paths(n.children, (*prefix, n.key))

    copied = {c.to for c in pairing.COPIES}
    written = set()
    for head in pairing.PAIRED.children:
        sid = {"表紙": "cover", "しきい値判断項目": "s2", "リスク対策": "s4"}[head.key]
        written |= {(sid, *p) for p in paths(head.children, ())}
    # the paired file may give the count only where the 重点 leaves Ⅰ-1 ③ blank (else an error)
    either = {("s2", "対象人数", k.K_対象人数)}
    for section in k.SECTIONS:
        for path in paths(section.children, (section.id,)):
            if path == ("s4", k.K_種類) or path in either:
                continue
            sources = (path in copied) + (path in written and section.id != "cover")
            assert sources == 1, path
