"""Shared standard texts (共通記載ブロック): the library, references, rendering, the CLI.

Library tests write small block files into ``tmp_path``; reference tests edit a private copy of
the example and run the CLI from the copy's root, so printed paths are ``sources/…``. Expected
lines are looked up in the edited files, never typed in.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from generator.blocks import library as lib
from generator.blocks import render
from generator.blocks.library import load_library
from generator.blocks.resolve import resolve_assessment
from generator.blocks.usage import references
from generator.commands import build
from generator.diagnostics import Reporter, Severity
from generator.pipeline import load_all
from generator.reader import read_assessment
from generator.sources import assessment_folders
from tests.conftest import (
    EXAMPLE_NAME,
    SOURCES,
    CliResult,
    copy_example,
    diagnostics,
    errors,
    line_of,
    replace_once,
    run_cli,
)

COVER = "0_表紙.yaml"
OVERVIEW = "2_ファイル概要_1.yaml"
RISKS = "3_リスク対策_1.yaml"
CHANGES = "9_変更箇所.yaml"


# ---------------------------------------------------------------------------
# Helpers


def write_block(root: Path, block_id: str, body: str) -> Path:
    path = root / f"{block_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


TWO_VERSIONS = """\
title: ＜テストの措置＞
where: Ⅱ ６．保管場所
params:
  団体: 団体の呼び方
versions:
  - version: "2017-06"
    effective: 2017-06-01
    text: |
      ＜テストの措置＞

      旧文言。{{ 団体 }}はデータセンターに置く。
  - version: "2025-08"
    effective: 2025-08-04
    note: ISMAP
    text: |
      ＜テストの措置＞

      新文言。{{ 団体 }}はクラウドに置く。
  - version: "2020-01"
    effective: 2020-01-10
    text: |
      ＜テストの措置＞

      中間の文言。{{ 団体 }}。
"""


def library_of(tmp_path: Path, files: dict[str, str], city: dict[str, str] | None = None):
    shipped = tmp_path / "shipped"
    shipped.mkdir(exist_ok=True)
    for block_id, body in files.items():
        write_block(shipped, block_id, body)
    sources = tmp_path / "sources"
    for block_id, body in (city or {}).items():
        write_block(sources / "blocks", block_id, body)
    reporter = Reporter()
    return load_library(sources, reporter, shipped=shipped), reporter


def cli(copy: Path, *args: str) -> CliResult:
    """The CLI run from the copy's root (``…/sources/<name>`` → ``…``)."""
    return run_cli(*args, cwd=copy.parents[1])


def shown(path: Path) -> str:
    return str(path.relative_to(path.parents[2]))


def no_traceback(result: CliResult) -> None:
    assert "Traceback" not in result.output, result.describe()
    assert "内部エラー" not in result.output, result.describe()


def built_html(copy: Path, out: Path) -> str:
    result = cli(copy, "build", f"sources/{copy.name}", "--out", str(out), "-f", "html", "-q")
    assert result.code == 0, result.describe()
    return (out / copy.name / f"{copy.name}.html").read_text(encoding="utf-8")


def block_text(block_id: str, version: str | None = None) -> str:
    data = yaml.safe_load((lib.SHIPPED / f"{block_id}.yaml").read_text(encoding="utf-8"))
    versions = sorted(data["versions"], key=lambda v: str(v["effective"]), reverse=True)
    chosen = versions[0] if version is None else next(v for v in versions if v["version"] == version)
    return chosen["text"]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


# ---------------------------------------------------------------------------
# The library


def test_every_shipped_and_example_block_loads_cleanly() -> None:
    reporter = Reporter()
    library = load_library(SOURCES, reporter)
    assert not reporter.diagnostics, "\n".join(d.format() for d in reporter.diagnostics)
    for block_id in (
        "sengen",
        "sengen-hitsuyo",
        "chukan-platform/hokan",
        "gov-cloud/hokan",
        "kaiji/seikyu-hoho",
    ):
        assert library.get(block_id) is not None, block_id


def test_id_is_the_path_under_the_root_and_newest_is_the_latest_effective_date(tmp_path: Path) -> None:
    library, reporter = library_of(tmp_path, {"sub/dir/test": TWO_VERSIONS})
    assert not reporter.diagnostics
    block = library.get("sub/dir/test")
    assert block is not None
    assert block.newest.version == "2025-08"  # listed second in the file, latest date
    assert [v.version for v in block.versions] == ["2025-08", "2020-01", "2017-06"]
    assert block.version("2017-06").text.startswith("＜テストの措置＞\n\n旧文言。")
    assert block.params == {"団体": "団体の呼び方"}


def test_block_files_are_the_visible_yaml_files_in_path_order(tmp_path: Path) -> None:
    for name in ("a/x.yaml", "a/.hidden/y.yaml", "a/.z.yaml", "a-c.yaml", "a-c/t.yml", "top.yaml", "c/r.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("title: x\n", encoding="utf-8")
    (tmp_path / "d.yaml").mkdir()  # a folder, whatever its name
    (tmp_path / "c/s.YAML").write_text("", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "c")  # a linked folder is not followed
    (tmp_path / "link.yaml").symlink_to(tmp_path / "top.yaml")  # a linked file is a file
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop1.yaml").symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(tmp_path / "loop1.yaml")
    found = lib.block_files(tmp_path)
    # in the order of the paths' parts, as sorted(rglob) gives them: 「a/x」, the folder 「a-c」, 「a-c.yaml」
    assert list(found) == ["a/x", "a-c/t", "a-c", "c/r", "link", "top"]
    assert found["a-c/t"] == tmp_path / "a-c" / "t.yml"
    assert lib.block_files(tmp_path / "missing") == {}


def test_params_render_and_version_digest_is_the_text_hash(tmp_path: Path) -> None:
    library, _ = library_of(tmp_path, {"t": TWO_VERSIONS})
    block = library.get("t")
    assert render.render(block.newest.text, {"団体": "本市"}).endswith("新文言。本市はクラウドに置く。\n")
    assert block.newest.digest == hashlib.sha256(block.newest.text.encode()).hexdigest()
    assert block.newest.digest != block.version("2017-06").digest


@pytest.mark.parametrize(
    ("body", "needle", "message"),
    [
        ("versions: []\ntitle: a: b\n", "title: a: b", "YAML の書き方に誤り"),
        ("title: x\n", "title: x", "「versions」がありません"),
        (
            "title: x\nversions:\n  - version: a\n    effective: 2020-01-01\n    text: A\n"
            "  - version: b\n    effective: 2020-01-01\n    text: B\n",
            "version: b",
            "effective が同じ日",
        ),
        (
            "title: x\nversions:\n  - version: a\n    effective: 令和2年\n    text: A\n",
            "effective: 令和2年",
            "日付として読めません",
        ),
        (
            "title: x\nversions:\n  - version: a\n    effective: 2020-01-01\n    text: |\n      一行目\n      {{ 団体 }}\n",
            "{{ 団体 }}",
            "params に宣言されていません",
        ),
        (
            "title: x\nversions:\n  - version: a\n    effective: 2020-01-01\n    text: |\n      一行目\n      {{ 'a' | nosuch }}\n",
            "nosuch",
            "テンプレートの書き方に誤り",
        ),
        ("title: x\ntitel: y\nversions: []\n", "titel", "書ける項目ではありません"),
    ],
)
def test_a_bad_block_file_is_an_error_at_its_line(
    tmp_path: Path, body: str, needle: str, message: str
) -> None:
    library, reporter = library_of(tmp_path, {"bad": body})
    path = tmp_path / "shipped" / "bad.yaml"
    line = line_of(path, needle)
    found = [d for d in reporter.errors if message in d.message]
    assert found, "\n".join(d.format() for d in reporter.diagnostics)
    assert found[0].location.line == line
    assert found[0].location.file.endswith("bad.yaml")
    assert library.get("bad") is None and "bad" in library.broken


def test_a_block_file_read_again_in_the_same_process_reports_the_same_and_sees_edits(
    tmp_path: Path,
) -> None:
    # parsed once per process (a build worker renders many assessments): every reporter still
    # gets the file's problems, and a file whose bytes changed is read again
    bad = "title: x\ntitel: y\nversions: []\n"
    library_of(tmp_path, {"b": bad})
    first, second = Reporter(), Reporter()
    path = tmp_path / "shipped" / "b.yaml"
    assert lib.load_block("b", path, False, first) is None
    assert lib.load_block("b", path, False, second) is None
    assert first.diagnostics and first.diagnostics == second.diagnostics
    path.write_text(TWO_VERSIONS, encoding="utf-8")
    fixed = Reporter()
    block = lib.load_block("b", path, False, fixed)
    assert block is not None and not fixed.diagnostics and block.newest.version == "2025-08"


def test_a_build_reads_only_the_blocks_it_uses_and_check_reads_them_all(example_copy: Path) -> None:
    path = write_block(example_copy.parent / "blocks", "unused", "title: x\nversions: nope\n")
    (loaded,) = load_all([example_copy], Reporter(), every_block=False)
    library = loaded.library
    assert library is not None and {ref.id for ref in loaded.blocks.texts} == set(library.blocks)
    assert "unused" in library.pending  # never read
    # the broken file no assessment uses: hyoka check reports it, a build does without it
    checked = cli(example_copy, "check", f"sources/{EXAMPLE_NAME}")
    assert checked.code == 1 and [e.file for e in errors(checked)] == [shown(path)], checked.describe()
    built = cli(example_copy, "build", f"sources/{EXAMPLE_NAME}", "--out", "out", "-f", "html", "-q")
    assert built.code == 0, built.describe()


def test_a_build_lists_the_block_folders_when_it_first_asks_for_a_block(monkeypatch) -> None:
    listed: list[Path] = []
    real = lib.block_files
    monkeypatch.setattr(lib, "block_files", lambda root: listed.append(root) or real(root))
    folder = SOURCES / "mihon-jidofuyo"  # references no block
    (loaded,) = load_all([folder], Reporter(), every_block=False)
    assert loaded.assessment is not None and not loaded.blocks.texts and listed == []
    library = loaded.library
    assert library is not None and library.get("no-such-block") is None
    assert listed == [lib.SHIPPED, folder.resolve().parent / "blocks"]  # shipped first, the city's over it
    assert library.get("no-such-block") is None and len(listed) == 2  # listed once


def test_a_city_block_overrides_a_shipped_id(tmp_path: Path) -> None:
    city = TWO_VERSIONS.replace("新文言。", "市の文言。")
    library, reporter = library_of(tmp_path, {"t": TWO_VERSIONS}, city={"t": city, "own/x": TWO_VERSIONS})
    assert not reporter.diagnostics
    assert library.get("t").city and "市の文言。" in library.get("t").newest.text
    assert library.get("own/x").city


def _through_jinja(text: str, params: dict[str, str]) -> tuple[str, frozenset[str]]:
    from jinja2 import meta

    return render._template(text).render(params), frozenset(
        meta.find_undeclared_variables(render._env().parse(text))
    )


def test_plain_and_name_only_texts_render_as_jinja_renders_them() -> None:
    """Texts whose only syntax is ``{{ name }}`` are substituted without Jinja: same text, same names."""
    library = load_library(SOURCES, Reporter())
    texts = [v.text for block_id in library.ids() for v in library.get(block_id).versions]
    texts += [
        "{{ 団体 }}{{団体}}と{{\t事務 }}。\n",
        "前 {{ 団体 }} 後\n\n",
        "}} {{ 団体 }} }",
        "{ {{ 団体 }} {",
    ]
    simple = [t for t in texts if render._simple(t) is not None]
    assert len(simple) > 100 and any(render._simple(t) for t in simple)  # with and without names
    for text in simple:
        params = {name: f"«{name}»" for name in render.variables(text)}
        assert (render.render(text, params), render.variables(text)) == _through_jinja(text, params), text


@pytest.mark.parametrize(
    "text",
    [
        "{{ 団体|upper }}",
        "{{{ 団体 }}",
        "{% if x %}a{% endif %}",
        "{# c #}",
        "{{ 1 + 1 }}",
        "{{ true }}",
        "a\r\n{{ b }}",
    ],
)
def test_other_jinja_syntax_still_goes_through_jinja(text: str) -> None:
    assert render._simple(text) is None


def test_the_sandbox_refuses_attribute_tricks() -> None:
    for trick in ("{{ ''.__class__.__mro__ }}", "{{ 団体.__class__.__base__.__subclasses__() }}"):
        with pytest.raises(render.RenderError) as info:
            render.render(trick, {"団体": "本市"})
        assert "は使えません" in str(info.value)
    with pytest.raises(render.RenderError):
        render.render("{{ 団体 }}", {})  # StrictUndefined: never an empty string


def test_a_block_using_the_sandbox_escape_is_reported_at_its_file(example_copy: Path) -> None:
    blocks = example_copy.parent / "blocks"
    path = write_block(
        blocks,
        "evil",
        "title: x\nversions:\n  - version: a\n    effective: 2020-01-01\n    text: |\n      前\n"
        "      {{ ''.__class__.__mro__[1].__subclasses__() }}\n",
    )
    set_free_text(example_copy / COVER, "特記事項", "{block: evil}")
    result = cli(example_copy, "check", f"sources/{EXAMPLE_NAME}")
    no_traceback(result)
    assert result.code == 1, result.describe()
    errs = [d for d in errors(result) if d.file == shown(path)]
    assert errs and "使えません" in errs[0].message, result.describe()
    # the reference itself is not reported again as an unknown block
    assert not [d for d in errors(result) if "はありません" in d.message], result.describe()


# ---------------------------------------------------------------------------
# References in an assessment


def set_free_text(path: Path, key: str, ref: str) -> int:
    """Make the one-line ``key: value`` of ``path`` a list of one reference; returns its line."""
    text = path.read_text(encoding="utf-8")
    m = re.search(rf"^(?P<indent> *){re.escape(key)}: .*$", text, re.M)
    assert m, f"{path.name}: no one-line {key}"
    replacement = f"{m['indent']}{key}:\n{m['indent']}  - {ref}"
    path.write_text(text[: m.start()] + replacement + text[m.end() :], encoding="utf-8")
    return line_of(path, ref)


def test_the_example_renders_its_references_exactly_as_typed_text(example_copy: Path, tmp_path: Path) -> None:
    html = built_html(example_copy, tmp_path / "out")
    plain = flat(re.sub(r"<[^>]+>", "", html))
    # a parameterised block, the newest version of an unpinned one, an old pinned version
    assert flat("旭川市は、健康増進事業に関する事務における特定個人情報ファイルの取扱いに当たり") in plain
    assert flat(block_text("chukan-platform/hokan").splitlines()[2]) in plain
    assert flat(block_text("chukan-platform/kyoiku", "2017-06").splitlines()[2]) in plain
    assert "{{" not in html and "block:" not in html


def test_explicit_version_is_used(example_copy: Path, tmp_path: Path) -> None:
    overview = example_copy / OVERVIEW
    replace_once(
        overview, "- {block: chukan-platform/hokan}", '- {block: chukan-platform/hokan, version: "2017-06"}'
    )
    plain = flat(re.sub(r"<[^>]+>", "", built_html(example_copy, tmp_path / "out")))
    assert flat("中間サーバー･プラットフォームはデータセンターに設置しており") in plain


def test_unknown_block_id_is_an_error_with_file_line_and_hint(example_copy: Path) -> None:
    overview = example_copy / OVERVIEW
    replace_once(overview, "- {block: chukan-platform/hokan}", "- {block: chukan-platform/hokann}")
    result = cli(example_copy, "check", f"sources/{EXAMPLE_NAME}")
    no_traceback(result)
    assert result.code == 1
    [err] = errors(result)
    assert (err.file, err.line) == (shown(overview), line_of(overview, "hokann"))
    assert "保管場所" in err.label
    assert "「chukan-platform/hokann」はありません" in err.message
    assert "もしかして「chukan-platform/hokan」" in err.message and "hyoka blocks list" in err.message


def test_unknown_version_lists_the_versions(example_copy: Path) -> None:
    overview = example_copy / OVERVIEW
    replace_once(
        overview, "- {block: chukan-platform/hokan}", '- {block: chukan-platform/hokan, version: "2019-01"}'
    )
    result = cli(example_copy, "build", f"sources/{EXAMPLE_NAME}", "--out", "out", "-f", "html")
    no_traceback(result)
    assert result.code == 1 and not (example_copy.parents[1] / "out").exists()
    [err] = errors(result)
    assert (err.file, err.line) == (shown(overview), line_of(overview, "2019-01"))
    assert "版「2019-01」はありません" in err.message
    assert "2025-08" in err.message and "2017-06" in err.message


def test_missing_parameter_names_block_parameter_and_declared_params(example_copy: Path) -> None:
    cover = example_copy / COVER
    replace_once(cover, ", 事務: 健康増進事業に関する事務}", "}")
    result = cli(example_copy, "check", f"sources/{EXAMPLE_NAME}")
    no_traceback(result)
    assert result.code == 1
    [err] = errors(result)
    assert (err.file, err.line) == (shown(cover), line_of(cover, "sengen-hitsuyo"))
    assert "宣言" in err.label
    assert "「sengen-hitsuyo」" in err.message and "「事務」が指定されていません" in err.message
    assert "団体（" in err.message and "事務（" in err.message  # the declared params


def test_unknown_parameter_is_a_warning(example_copy: Path) -> None:
    cover = example_copy / COVER
    replace_once(cover, "事務: 健康増進事業に関する事務}", "事務: 健康増進事業に関する事務, 首長: 市長}")
    result = cli(example_copy, "check", f"sources/{EXAMPLE_NAME}")
    no_traceback(result)
    assert result.code == 0, result.describe()
    warnings = [d for d in diagnostics(result.stderr) if d.level == "警告"]
    assert [(w.file, w.line) for w in warnings] == [(shown(cover), line_of(cover, "首長"))]
    assert "パラメータ「首長」はありません" in warnings[0].message


def test_city_text_is_never_a_template(example_copy: Path, tmp_path: Path) -> None:
    cover = example_copy / COVER
    typed = "{{ 団体 }}と{% if x %}と{{ 1 + 1 }}"
    text = cover.read_text(encoding="utf-8")
    text, n = re.subn(r"^特記事項: .*$", lambda _: "特記事項: |-\n  " + typed, text, flags=re.M)
    assert n == 1
    cover.write_text(text, encoding="utf-8")
    html = built_html(example_copy, tmp_path / "out")
    assert typed in html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def test_a_city_block_overriding_a_shipped_id_changes_the_output(example_copy: Path, tmp_path: Path) -> None:
    body = (lib.SHIPPED / "kaiji/seikyu-hoho.yaml").read_text(encoding="utf-8")
    body = body.replace("指定様式による書面の提出により", "窓口又は郵送で、指定様式による書面の提出により")
    write_block(example_copy.parent / "blocks", "kaiji/seikyu-hoho", body)
    html = built_html(example_copy, tmp_path / "out")
    assert "窓口又は郵送で、指定様式による書面の提出により" in html
    listing = cli(example_copy, "blocks", "list", "--sources", "sources")
    assert re.search(r"^kaiji/seikyu-hoho .*［市独自・標準を置換］$", listing.stdout, re.M), (
        listing.describe()
    )


def test_an_unpinned_reference_in_annex2_is_a_warning(example_copy: Path) -> None:
    changes = example_copy / CHANGES
    text = changes.read_text(encoding="utf-8")
    first = re.search(r'\{block: ([^,}]+), version: "[^"]+"\}', text)
    assert first
    changes.write_text(text.replace(first[0], f"{{block: {first[1]}}}", 1), encoding="utf-8")
    result = cli(example_copy, "check", f"sources/{EXAMPLE_NAME}")
    assert result.code == 0, result.describe()
    [warning] = [d for d in diagnostics(result.stderr) if d.level == "警告"]
    assert warning.file == shown(changes) and "version を書いてください" in warning.message


def test_the_blocks_folder_is_never_an_assessment(tmp_path: Path) -> None:
    copy = copy_example(tmp_path)
    write_block(copy.parent / "blocks", "1_digit", TWO_VERSIONS)  # a name like an assessment file
    assert assessment_folders([copy.parent]) == [copy]


# ---------------------------------------------------------------------------
# Acceptance: no copy of a standard text in the examples


def _literal_paragraphs(text: str) -> list[str]:
    """Paragraphs of a block text without its title line, cut at template expressions."""
    lines = text.strip("\n").split("\n")
    body = "\n".join(lines[1:]) if lines and re.fullmatch(r"[＜<【].*[＞>】]", lines[0].strip()) else text
    pieces = re.split(r"\{\{.*?\}\}|\{%.*?%\}", body)
    return [p for piece in pieces for p in re.split(r"\n\s*\n|\n", piece) if len(flat(p)) >= 30]


def test_no_block_text_stands_verbatim_in_a_source_file() -> None:
    reporter = Reporter()
    library = load_library(SOURCES, reporter)
    sources = {
        path: flat(path.read_text(encoding="utf-8"))
        for folder in assessment_folders([SOURCES])
        for path in folder.iterdir()
        if path.suffix in (".yaml", ".yml")
    }
    assert sources, "no source files found"
    copies = [
        f"{path.relative_to(SOURCES)}: {block.id}@{v.version} 「{para[:40]}…」"
        for block in library.blocks.values()
        for v in block.versions
        for para in _literal_paragraphs(v.text)
        for path, text in sources.items()
        if flat(para) in text
    ]
    assert not copies, "standard texts copied instead of referenced:\n" + "\n".join(copies)


# ---------------------------------------------------------------------------
# Usage


def _yaml_references(folder: Path) -> list[tuple[str, int, str, str | None]]:
    """Every ``{block: …}`` list item of the folder's YAML, found independently of the reader."""
    found = []

    def walk(node: yaml.Node, path: Path, in_list: bool = False) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, path, True)
        elif isinstance(node, yaml.MappingNode):
            keys = {k.value: v for k, v in node.value}
            if in_list and "block" in keys:
                version = keys["version"].value if "version" in keys else None
                found.append((path.name, node.start_mark.line + 1, keys["block"].value, version))
            for _, value in node.value:
                walk(value, path)

    for path in sorted(folder.glob("*.yaml")):
        walk(yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader), path)
    return found


def test_usage_lists_every_reference_of_the_example() -> None:
    expected = _yaml_references(SOURCES / EXAMPLE_NAME)
    assert len(expected) >= 20
    result = run_cli("blocks", "usage", f"sources/{EXAMPLE_NAME}")
    assert result.code == 0, result.describe()
    listed = re.findall(
        r"^  sources/[^/]+/(\S+):(\d+)  (\S+)  (\S+?)（(版指定|最新版を使用)）", result.stdout, re.M
    )
    got = sorted((f, int(line), bid, ver if how == "版指定" else None) for f, line, bid, ver, how in listed)
    assert got == sorted(expected)
    assert f"参照 {len(expected)} 件" in result.stdout


def test_usage_marks_references_behind_the_newest(example_copy: Path) -> None:
    overview = example_copy / OVERVIEW
    replace_once(
        overview, "- {block: chukan-platform/hokan}", '- {block: chukan-platform/hokan, version: "2017-06"}'
    )
    result = cli(example_copy, "blocks", "usage")
    assert result.code == 0, result.describe()
    behind = [line for line in result.stdout.splitlines() if "最新ではありません" in line]
    assert len(behind) == 1 and f"{OVERVIEW}:{line_of(overview, '2017-06')}" in behind[0]
    # a pinned old version in （別添２） is history, not behind
    assert any("（別添２）の記録のため固定" in line for line in result.stdout.splitlines())


def test_references_api_gives_block_version_file_line_label_and_hash() -> None:
    reporter = Reporter()
    folder = SOURCES / EXAMPLE_NAME
    library = load_library(SOURCES, reporter)
    assessment = read_assessment(folder, reporter)
    used = references(assessment, library)
    cover = next(u for u in used if u.id == "sengen-hitsuyo")
    assert cover.file.endswith(COVER) and cover.line == line_of(folder / COVER, "sengen-hitsuyo")
    assert "宣言" in cover.label and not cover.pinned and not cover.history
    assert cover.digest == library.get("sengen-hitsuyo").newest.digest
    history = [u for u in used if u.history]
    assert history and all(u.pinned and u.file.endswith(CHANGES) for u in history)


# ---------------------------------------------------------------------------
# Upgrade


def test_upgrade_rewrites_only_the_version_text(example_copy: Path) -> None:
    overview = example_copy / OVERVIEW
    risks = example_copy / RISKS
    changes = example_copy / CHANGES
    replace_once(
        overview,
        "    - {block: chukan-platform/hokan}",
        '    # 旧版のまま（コメントは残る）\n    - {block: chukan-platform/hokan, version: "2017-06"}  # 行末のコメント',
    )
    replace_once(
        risks,
        "    - {block: chukan-platform/kyoiku}",
        "    - block: chukan-platform/kyoiku   # ブロック形式\n      version: '2017-06'",
    )
    before = {p: p.read_text(encoding="utf-8").splitlines() for p in (overview, risks, changes)}

    result = cli(example_copy, "blocks", "upgrade", "chukan-platform/hokan")
    assert result.code == 0, result.describe()
    after = overview.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before[overview], after, strict=True) if a != b]
    assert changed == [
        (
            '    - {block: chukan-platform/hokan, version: "2017-06"}  # 行末のコメント',
            '    - {block: chukan-platform/hokan, version: "2025-08"}  # 行末のコメント',
        )
    ]
    assert risks.read_text(encoding="utf-8").splitlines() == before[risks]  # another block
    assert f"{OVERVIEW}:{line_of(overview, '2025-08')}  2017-06 → 2025-08" in result.stdout

    result = cli(example_copy, "blocks", "upgrade", "chukan-platform/kyoiku")
    assert result.code == 0, result.describe()
    after = risks.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before[risks], after, strict=True) if a != b]
    assert changed == [("      version: '2017-06'", "      version: '2025-08'")]
    # （別添２） keeps the version of its change date
    assert changes.read_text(encoding="utf-8").splitlines() == before[changes]
    assert "（別添２）は変更当時の記載" in result.stdout
    assert cli(example_copy, "check", f"sources/{EXAMPLE_NAME}").code == 0

    again = cli(example_copy, "blocks", "upgrade", "chukan-platform/kyoiku")
    assert again.code == 0 and "更新が必要な参照はありません" in again.stdout


def test_upgrade_of_an_unknown_block_fails_clearly(example_copy: Path) -> None:
    result = cli(example_copy, "blocks", "upgrade", "chukan-platform/hokann")
    no_traceback(result)
    assert result.code == 1 and "もしかして「chukan-platform/hokan」" in result.stderr


# ---------------------------------------------------------------------------
# Changing a block changes exactly its users


def test_changing_a_blocks_newest_text_changes_its_users_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "shipped"
    shutil.copytree(lib.SHIPPED, shipped)
    monkeypatch.setattr(lib, "SHIPPED", shipped)
    user = copy_example(tmp_path / "src")
    other = copy_example(tmp_path / "src", "other")
    # ``other`` writes the 請求方法 out instead of referring to the block
    replace_once(
        other / "4_開示請求・問合せ.yaml",
        "  請求方法:\n    - {block: kaiji/seikyu-hoho}\n",
        "  請求方法: 書面の提出により開示・訂正・利用停止請求を受け付ける。\n",
    )

    def outputs(out: Path) -> dict[str, str]:
        assert build.run([user.parent], out, ["html"], quiet=True) == 0
        return {n: (out / n / f"{n}.html").read_text(encoding="utf-8") for n in (user.name, other.name)}

    first = outputs(tmp_path / "out1")
    block = shipped / "kaiji/seikyu-hoho.yaml"
    text = block.read_text(encoding="utf-8")
    assert text.count("受け付ける。") == 1
    block.write_text(text.replace("受け付ける。", "受け付ける（改訂）。"), encoding="utf-8")
    second = outputs(tmp_path / "out2")

    assert "受け付ける（改訂）。" in second[user.name] and "受け付ける（改訂）。" not in first[user.name]
    assert second[other.name] == first[other.name]


def test_resolution_reports_every_problem_of_an_assessment_at_once(example_copy: Path) -> None:
    replace_once(example_copy / OVERVIEW, "- {block: gov-cloud/hokan}", "- {block: gov-cloud/nope}")
    replace_once(
        example_copy / RISKS,
        "- {block: chukan-software/risk1}",
        '- {block: chukan-software/risk1, version: "x"}',
    )
    reporter = Reporter()
    assessment = read_assessment(example_copy, reporter)
    library = load_library(example_copy.parent, reporter)
    resolved = resolve_assessment(assessment, library, reporter)
    assert len([d for d in reporter.diagnostics if d.severity is Severity.ERROR]) == 2
    assert all(ref.id not in ("gov-cloud/nope",) for ref in resolved.texts)


def test_upgrade_keeps_crlf_line_ends_and_flow_style_neighbours(tmp_path: Path) -> None:
    from generator.blocks.upgrade import apply, plan_file

    path = tmp_path / "3_リスク対策_1.yaml"
    original = (
        "# コメント\r\n"
        "a:\r\n"
        "  - 本文\r\n"
        "  - {block: t, version: '2017-06', params: {団体: 本市}}   # 旧\r\n"
        '  - {block: other, version: "2017-06"}\r\n'
    )
    path.write_bytes(original.encode("utf-8"))
    reporter = Reporter()
    plan = plan_file(path, "t", "2025-08", reporter)
    assert not reporter.diagnostics and len(plan.edits) == 1
    apply(path, plan.edits)
    assert path.read_bytes().decode("utf-8") == original.replace("'2017-06'", "'2025-08'")


def test_show_prints_the_text_params_and_versions() -> None:
    result = run_cli("blocks", "show", "sengen-hitsuyo")
    assert result.code == 0, result.describe()
    assert "{{ 団体 }}は、{{ 事務 }}における" in result.stdout
    assert "パラメータ: 団体（" in result.stdout and "事務（" in result.stdout
    old = run_cli("blocks", "show", "chukan-platform/kyoiku", "--version", "2017-06")
    assert old.code == 0 and "定期的に監査を行うこととしている" in old.stdout
    assert re.search(r"^ \* 2017-06 ", old.stdout, re.M), old.stdout
    missing = run_cli("blocks", "show", "chukan-platform/kyoiku", "--version", "1999-01")
    assert missing.code == 1 and "2025-08" in missing.stderr and "Traceback" not in missing.stderr


def test_the_load_resolves_each_reference_once_and_reports_it_after_the_rules(example_copy: Path) -> None:
    from generator.rules import printed
    from generator.rules.registry import rules_for

    reporter = Reporter()
    (loaded,) = load_all([example_copy], reporter, every_block=False)
    # the rules' walk printed the references with the texts the load resolved: it read no library
    walk = printed.printed(loaded.assessment)
    assert walk._library is None and not printed._resolved
    assert loaded.blocks.texts and all(walk.block_text(ref) == t for ref, t in loaded.blocks.texts.items())
    overview = example_copy / OVERVIEW
    replace_once(overview, "- {block: chukan-platform/hokan}", "- {block: chukan-platform/hokann}")
    reporter = Reporter()
    (loaded,) = load_all([example_copy], reporter, every_block=False)
    ids = {r.id for r in rules_for(loaded.assessment.form)}
    order = [d.rule for d in reporter.diagnostics if d.rule in ids or d.rule == "B"]
    # resolved before the rules ran, reported after them, once (the walk's own look-up is quiet)
    assert order.count("B") == 1 and order[-1] == "B" and len(order) > 1


def test_messages_held_and_passed_on_are_kept_as_if_reported_then() -> None:
    from generator.diagnostics import HeldReporter, Location

    def report(r: Reporter, n: int, severity: Severity, file: str = "a.yaml") -> None:
        for i in range(n):
            r.add(severity, Location(file, i + 1), "", f"{severity.word}{i}", rule="B")

    direct, late, held = Reporter(), Reporter(), HeldReporter()
    for r in (direct, late):
        report(r, 40, Severity.WARNING)
    report(direct, 90, Severity.INFO)  # past the cap of 100 a file: one line for the rest
    report(direct, 20, Severity.ERROR)
    report(held, 90, Severity.INFO)
    report(held, 20, Severity.ERROR)
    assert len(held.diagnostics) == 110  # nothing capped while held
    late.extend(held)
    assert late.diagnostics == direct.diagnostics and len(direct.diagnostics) == 101
