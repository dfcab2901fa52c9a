"""City block templates: loops, calls, arithmetic and huge outputs refused with the block's id and
file, within 10 s and 1 GiB; titles with escape characters shown escaped by ``blocks list/show``."""

from __future__ import annotations

import pytest

from tests.conftest import set_value

from .conftest import assert_untouched
from .harness import Root, assert_clean, assert_error

BLOCK = "x/evil"
TEXTS = {
    "nested loops": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "string times 100,000,000": "{{ 'x' * 100000000 }}",
    "power": "{{ 9 ** 9 ** 9 }}",
    "center a billion": "{{ 'x' | center(1000000000) }}",
    "recursive macro": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "attribute escape": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "lipsum": "{{ lipsum(100000) }}",
    "5,000 tags": "{{ 団体 ~ 団体 }}" * 5000,
    "1,000 nested ifs": "{% if 団体 %}" * 1000 + "x" + "{% endif %}" * 1000,
}


def _block(root: Root, text: str, title: str = "x") -> None:
    path = root.sources / "blocks" / f"{BLOCK}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "\n".join(f"      {line}" for line in text.split("\n"))
    path.write_text(
        f"title: {title}\nparams:\n  団体: 呼び方\nversions:\n  - version: a\n    effective: 2020-01-01\n"
        f"    text: |\n      前\n{lines}\n",
        encoding="utf-8",
    )
    set_value(root.folder() / "0_表紙.yaml", "特記事項", f"[{{block: {BLOCK}, params: {{団体: 本市}}}}]")


@pytest.mark.parametrize("case", list(TEXTS))
def test_a_costly_block_template_is_refused_at_its_file(root: Root, case: str) -> None:
    _block(root, TEXTS[case])
    before = root.snapshot()
    for command in (("check", "sources/c"), ("build", "sources/c", "--out", "out", "-f", "html")):
        run = root.run(*command)
        assert_error(run, f"blocks/{BLOCK}.yaml", f"共通記載ブロック「{BLOCK}」")
    assert not root.out.exists()
    assert_untouched(root, before)


def test_a_parameter_expanding_past_the_cap_is_refused_at_the_reference(root: Root) -> None:
    _block(root, "{{ 団体 }}" * 400)
    long = "長" * 1000  # 400 × 1,000 characters: past the 200,000 of one block
    set_value(root.folder() / "0_表紙.yaml", "特記事項", f"[{{block: {BLOCK}, params: {{団体: {long}}}}}]")
    before = root.snapshot()
    run = root.run("build", "sources/c", "--out", "out", "-f", "html")
    assert_error(run, "c/0_表紙.yaml", "長すぎます", "200,000 文字まで", BLOCK)
    assert_untouched(root, before)


def test_an_if_and_a_filter_still_render(root: Root) -> None:
    _block(root, "{% if 団体 == '本市' %}{{ 団体 | trim }}の措置{% else %}他{% endif %}")
    run = root.run("build", "sources/c", "--out", "out", "-f", "html")
    assert_clean(run, 0)
    assert "本市の措置" in (root.out / "c" / "c.html").read_text(encoding="utf-8")


def test_escape_characters_in_a_block_title_are_shown_escaped(root: Root) -> None:
    _block(root, "{{ 団体 }}", title='"\\e]0;pwned\\a\\e[2J題"')
    for command in (
        ("blocks", "list", "--sources", "sources"),
        ("blocks", "show", BLOCK, "--sources", "sources"),
    ):
        run = root.run(*command)
        assert_clean(run, (0, 1))  # the title itself is an error in check; listing never prints it raw
        assert "\x1b" not in run.output and "\x07" not in run.output
        assert "\\x1b" in run.output or "U+001B" in run.output, run.result.describe()
