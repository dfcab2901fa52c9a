"""The positioned YAML loader (generator.yamlsource): positions, duplicates, syntax, safety."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Reporter, Severity
from generator.yamlsource import YMap, YNode, YScalar, YSeq, load, scalar_bool


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _load(tmp_path: Path, text: str, name: str = "src.yaml") -> tuple[YNode | None, Reporter]:
    reporter = Reporter()
    return load(_write(tmp_path / name, text), reporter), reporter


def _pos(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of ``needle`` in ``text`` (in characters)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


def _at(node_or_loc: object) -> tuple[int, int]:
    loc = node_or_loc.loc if isinstance(node_or_loc, YNode) else node_or_loc
    return loc.line, loc.column  # type: ignore[union-attr]


def _map(node: YNode | None) -> YMap:
    assert isinstance(node, YMap), node
    return node


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # locations are shown relative to the working directory
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------------------
# Positions

SAMPLE = """\
# 表紙
評価書番号: 15
評価書名: 健康増進事業に関する事務
入れ子:
  使用部署: 旭川市健康保健部健康推進課
  使用者数: "10人未満"
  事務の内容: |
    一行目
      字下げした二行目

    三段落目
  折り返し: >-
    一行目
    二行目
  入手方法: [紙, 庁内連携システム,  情報提供ネットワークシステム]
  対応: {連絡先: 窓口, 対応方法: 受付簿}
  入手元:
    - 本人又は本人の代理人
    - 評価実施機関内の他部署: 市民生活部市民課
公表日: 令和7年12月1日
実施日: 2025-12-01
委託しない: false
空欄:
番号: "15"
"""


def test_keys_and_values_keep_file_line_and_column(tmp_path: Path) -> None:
    root = _map(_load(tmp_path, SAMPLE)[0])
    assert _at(root) == (2, 1)
    key_loc, value = root.items["評価書番号"]
    assert key_loc.file == "src.yaml"
    assert _at(key_loc) == _pos(SAMPLE, "評価書番号")
    assert _at(value) == _pos(SAMPLE, "15")
    assert value.loc.file == "src.yaml"
    nested_loc, nested = root.items["入れ子"]
    assert _at(nested_loc) == _pos(SAMPLE, "入れ子")
    nested = _map(nested)
    assert _at(nested.items["使用部署"][0]) == (5, 3)
    assert _at(nested.items["使用部署"][1]) == _pos(SAMPLE, "旭川市健康保健部健康推進課")
    # a quoted scalar starts at its opening quote
    assert _at(nested.items["使用者数"][1]) == _pos(SAMPLE, '"10人未満"')
    assert _at(root.items["公表日"][1]) == _pos(SAMPLE, "令和7年12月1日")


def test_keys_keep_file_order(tmp_path: Path) -> None:
    root = _map(_load(tmp_path, SAMPLE)[0])
    assert list(root.items) == [
        "評価書番号",
        "評価書名",
        "入れ子",
        "公表日",
        "実施日",
        "委託しない",
        "空欄",
        "番号",
    ]


def test_scalars_keep_their_source_text_and_tag(tmp_path: Path) -> None:
    root = _map(_load(tmp_path, SAMPLE)[0])
    number = root.items["評価書番号"][1]
    assert isinstance(number, YScalar) and number.text == "15" and number.tag.endswith(":int")
    quoted = root.items["番号"][1]
    assert isinstance(quoted, YScalar) and quoted.text == "15" and quoted.tag.endswith(":str")
    iso = root.items["実施日"][1]
    assert isinstance(iso, YScalar) and iso.text == "2025-12-01" and iso.tag.endswith(":timestamp")
    wareki = root.items["公表日"][1]
    assert isinstance(wareki, YScalar) and wareki.text == "令和7年12月1日" and wareki.tag.endswith(":str")
    flag = root.items["委託しない"][1]
    assert isinstance(flag, YScalar) and scalar_bool(flag) is False
    blank = root.items["空欄"][1]
    assert isinstance(blank, YScalar) and blank.is_null and not number.is_null
    assert scalar_bool(number) is None


def test_block_scalars_keep_content_and_start_at_the_indicator(tmp_path: Path) -> None:
    nested = _map(_map(_load(tmp_path, SAMPLE)[0]).items["入れ子"][1])
    literal = nested.items["事務の内容"][1]
    assert isinstance(literal, YScalar)
    assert literal.text == "一行目\n  字下げした二行目\n\n三段落目\n"
    assert _at(literal) == _pos(SAMPLE, "|")
    folded = nested.items["折り返し"][1]
    assert isinstance(folded, YScalar)
    assert folded.text == "一行目 二行目"
    assert _at(folded) == _pos(SAMPLE, ">-")


def test_flow_sequence_and_mapping_items_have_their_own_positions(tmp_path: Path) -> None:
    nested = _map(_map(_load(tmp_path, SAMPLE)[0]).items["入れ子"][1])
    seq = nested.items["入手方法"][1]
    assert isinstance(seq, YSeq)
    assert _at(seq) == _pos(SAMPLE, "[紙")
    texts = [i.text for i in seq.items if isinstance(i, YScalar)]
    assert texts == ["紙", "庁内連携システム", "情報提供ネットワークシステム"]
    assert [_at(i) for i in seq.items] == [
        _pos(SAMPLE, "紙,"),
        _pos(SAMPLE, "庁内連携システム,"),
        _pos(SAMPLE, "情報提供ネットワークシステム]"),
    ]
    flow_map = _map(nested.items["対応"][1])
    assert _at(flow_map.items["対応方法"][0]) == _pos(SAMPLE, "対応方法")
    assert _at(flow_map.items["対応方法"][1]) == _pos(SAMPLE, "受付簿")


def test_block_sequence_items_and_nested_mappings(tmp_path: Path) -> None:
    nested = _map(_map(_load(tmp_path, SAMPLE)[0]).items["入れ子"][1])
    seq = nested.items["入手元"][1]
    assert isinstance(seq, YSeq) and len(seq.items) == 2
    first, second = seq.items
    assert isinstance(first, YScalar) and _at(first) == _pos(SAMPLE, "本人又は本人の代理人")
    second_map = _map(second)
    assert _at(second_map) == _pos(SAMPLE, "評価実施機関内の他部署")
    key_loc, detail = second_map.items["評価実施機関内の他部署"]
    assert _at(key_loc) == _pos(SAMPLE, "評価実施機関内の他部署")
    assert isinstance(detail, YScalar) and detail.text == "市民生活部市民課"
    assert _at(detail) == _pos(SAMPLE, "市民生活部市民課")


def test_a_utf8_byte_order_mark_does_not_shift_positions(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeff評価書番号: 15\n評価書名: 名前\n".encode())
    reporter = Reporter()
    root = _map(load(path, reporter))
    assert reporter.diagnostics == []
    assert _at(root.items["評価書番号"][0]) == (1, 1)
    assert _at(root.items["評価書名"][1]) == (2, 7)


def test_location_is_shown_relative_to_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    root, _ = _load(tmp_path, "a: 1\n", name="sub/x.yaml")
    assert _map(root).items["a"][0].file == "sub/x.yaml"
    assert str(_map(root).items["a"][1].loc) == "sub/x.yaml:1:4"


# ---------------------------------------------------------------------------
# Duplicate keys


def test_duplicate_key_is_reported_with_both_lines(tmp_path: Path) -> None:
    text = "評価書番号: 15\n評価書名: 一つ目\n公表日: 令和7年12月1日\n評価書名: 二つ目\n"
    root, reporter = _load(tmp_path, text)
    [diag] = reporter.diagnostics
    first_line, _ = _pos(text, "評価書名")
    second = _pos(text, "評価書名", nth=1)
    assert diag.severity is Severity.ERROR
    assert (diag.location.line, diag.location.column) == second
    assert f"{first_line} 行目" in diag.message
    assert diag.label == "評価書名"
    assert diag.format().startswith(f"src.yaml:{second[0]}:{second[1]} エラー [Y] 「評価書名」")
    # the first value stays; the second is not silently taken
    value = _map(root).items["評価書名"][1]
    assert isinstance(value, YScalar) and value.text == "一つ目"


def test_nested_duplicate_keys_are_each_reported(tmp_path: Path) -> None:
    text = "入れ子:\n  使用部署: a\n  使用者数: 10人未満\n  使用部署: b\nリスト:\n  - x: 1\n    x: 2\n"
    _, reporter = _load(tmp_path, text)
    found = sorted((d.location.line, d.label) for d in reporter.errors)
    assert found == [(_pos(text, "使用部署", 1)[0], "使用部署"), (_pos(text, "x: 2")[0], "x")]
    messages = {d.label: d.message for d in reporter.errors}
    assert f"{_pos(text, '使用部署')[0]} 行目" in messages["使用部署"]
    assert f"{_pos(text, 'x: 1')[0]} 行目" in messages["x"]


# ---------------------------------------------------------------------------
# Syntax errors

SYNTAX_ERRORS = {
    # text, needle on the line the error must point at
    "mapping value inside a value": ("a: 1\nb: がん検診: 対象者\nc: 3\n", "b: がん検診"),
    "tab indentation": ("a:\n  b: 1\n\tc: 2\n", "\tc"),
    "bad indentation": ("a:\n  b: 1\n c: 2\nd: 3\n", " c: 2"),
    "unclosed double quote": ('a: 1\nb: "がん検診\nc: 3\n', 'b: "'),
    "unclosed flow sequence": ("a: 1\nb: [紙, 電子メール\n", "b: ["),
    "two documents": ("a: 1\n---\nb: 2\n", "---"),
}


@pytest.mark.parametrize("case", list(SYNTAX_ERRORS))
def test_syntax_error_names_file_and_line_in_japanese(tmp_path: Path, case: str) -> None:
    text, needle = SYNTAX_ERRORS[case]
    root, reporter = _load(tmp_path, text)
    assert root is None
    [diag] = reporter.diagnostics
    line = _pos(text, needle)[0]
    assert diag.severity is Severity.ERROR
    assert diag.location.file == "src.yaml"
    assert diag.location.line == line, diag.format()
    assert diag.format().startswith(f"src.yaml:{line}:")
    assert "YAML の書き方に誤りがあります" in diag.message


def test_non_string_key_is_an_error(tmp_path: Path) -> None:
    text = "a: 1\n[x, y]: 2\n"
    root, reporter = _load(tmp_path, text)
    [diag] = reporter.errors
    assert diag.location.line == 2
    assert "項目名には文字列" in diag.message
    assert list(_map(root).items) == ["a"]


# ---------------------------------------------------------------------------
# Encoding


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "utf-16"])
def test_non_utf8_file_is_an_error_not_a_crash(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "sjis.yaml"
    path.write_bytes("評価書名: 健康増進事業に関する事務\n".encode(encoding))
    reporter = Reporter()
    assert load(path, reporter) is None
    [diag] = reporter.errors
    assert diag.location.file == "sjis.yaml"
    assert diag.location.line == 1
    assert "UTF-8 として読めません" in diag.message
    assert "UTF-8 で保存してください" in diag.message


# ---------------------------------------------------------------------------
# Safe loading: tags never construct anything

DANGEROUS = [
    '評価実施機関名: !!python/object/apply:os.system ["touch {marker}"]\n',
    "評価実施機関名: !!python/object/apply:subprocess.check_call [[touch, {marker}]]\n",
    '評価実施機関名: !!python/object/new:subprocess.Popen [["touch", "{marker}"]]\n',
    "評価実施機関名: !!python/name:os.system\n",
    "評価実施機関名: !!python/object:pathlib.Path {{}}\n",
    '--- !!python/object/apply:os.system ["touch {marker}"]\n',
    '!!python/object/apply:os.system ["touch {marker}"]: 1\n',
]


@pytest.mark.parametrize("template", DANGEROUS)
def test_python_tags_are_rejected_and_nothing_runs(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "hacked"
    text = template.format(marker=marker)
    root, reporter = _load(tmp_path, text)
    assert not marker.exists(), "a YAML tag executed code"
    [diag] = reporter.errors
    assert "!!python/" in diag.message
    assert "使えません" in diag.message
    assert diag.location.line == 1
    # the tagged value is dropped, never kept as text or as a list to print
    if isinstance(root, YMap) and "評価実施機関名" in root.items:
        value = root.items["評価実施機関名"][1]
        assert isinstance(value, YScalar) and value.is_null


def test_echo_hacked_example_from_the_issue(tmp_path: Path) -> None:
    text = '評価書名: 名前\n評価実施機関名: !!python/object/apply:os.system ["echo hacked"]\n'
    root, reporter = _load(tmp_path, text)
    [diag] = reporter.errors
    assert (diag.location.line, diag.location.column) == _pos(text, "!!python")
    assert "!!python/object/apply:os.system" in diag.message
    value = _map(root).items["評価実施機関名"][1]
    assert isinstance(value, YScalar) and value.is_null and "echo" not in value.text


@pytest.mark.parametrize("tagged", ["!!binary aGVsbG8=", "!custom 値", "!!set {a, b}", "!!omap [a: 1]"])
def test_other_explicit_tags_are_rejected(tmp_path: Path, tagged: str) -> None:
    _, reporter = _load(tmp_path, f"a: {tagged}\n")
    [diag] = reporter.errors
    assert "タグ" in diag.message
    assert diag.location.column == 4


def test_plain_values_that_look_like_tags_are_still_text(tmp_path: Path) -> None:
    # 「=」 and 「<<」 as values resolve to YAML 1.1's value / merge types: harmless text
    root, reporter = _load(tmp_path, "a: =\nb: <<\nc: !!str 15\n")
    assert reporter.diagnostics == []
    items = _map(root).items
    assert [items[k][1].text for k in "abc"] == ["=", "<<", "15"]  # type: ignore[union-attr]


# ---------------------------------------------------------------------------
# Merge keys


def test_merge_keys_are_rejected(tmp_path: Path) -> None:
    text = "共通: &base\n  部署: 健康推進課\n  役職: 課長\n担当:\n  <<: *base\n  役職: 係長\n"
    root, reporter = _load(tmp_path, text)
    [diag] = reporter.errors
    assert (diag.location.line, diag.location.column) == _pos(text, "<<")
    assert "マージキー" in diag.message
    merged = _map(_map(root).items["担当"][1])
    assert list(merged.items) == ["役職"], "merged keys must not appear as if written"


# ---------------------------------------------------------------------------
# Empty files


@pytest.mark.parametrize("text", ["", "\n\n", "# コメントだけ\n", "---\n", "---\n...\n"])
def test_empty_file_is_an_empty_mapping_without_errors(tmp_path: Path, text: str) -> None:
    root, reporter = _load(tmp_path, text)
    assert isinstance(root, YMap)
    assert root.items == {}
    assert root.loc.file == "src.yaml"
    assert reporter.diagnostics == []


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    reporter = Reporter()
    assert load(tmp_path / "missing.yaml", reporter) is None
    [diag] = reporter.errors
    assert "ファイルを読めません" in diag.message
    assert diag.location.file == "missing.yaml"
