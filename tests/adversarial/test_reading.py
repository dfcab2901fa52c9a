"""Source files read with limits: size, depth, node count, aliases, regular files only.

Each case breaks one section file of a copied example and expects ``check`` and ``build`` to
refuse it with exit 1 and a message naming the file and the limit, within 10 s and 1 GiB, without
writing anything (outputs of an earlier build stay as they were)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import assert_untouched
from .harness import Root, assert_clean, assert_error, tree_of

PART = "4_開示請求・問合せ.yaml"

_LOL = '"lol"'
BOMB = "".join(  # nine levels of nine aliases: 9**9 strings when expanded
    f"{name}: &{name} [{', '.join([f'*{prev}' if prev else _LOL] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)


def _text(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _link(target: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.unlink()
        path.symlink_to(target)

    return write


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _keys(n: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(f"k{i}: v\n" for i in range(n))

    return write


CASES: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "alias bomb (700 bytes)": (_text(BOMB), ("20,000 個まで",)),
    "2,000-deep mapping": (
        _text("".join(" " * i + f"k{i}:\n" for i in range(2000)) + " " * 2000 + "x\n"),
        ("入れ子が深すぎます", "64 段まで"),
    ),
    "100,000 nested brackets": (_text("a: " + "[" * 100_000 + "\n"), ("入れ子が深すぎます",)),
    "1,000,000 unknown keys": (_keys(1_000_000), ("ファイルが大きすぎます", "4,194,304 バイトまで")),
    "30,000 keys in bounds of size": (_keys(30_000), ("20,000 個まで",)),
    "FIFO": (_fifo, ("普通のファイルではありません", "名前付きパイプ")),
    "link to /dev/zero": (_link("/dev/zero"), ("普通のファイルではありません", "デバイス")),
    "symlink loop": (_link(PART), ("循環",)),
    "dangling link": (_link("nowhere.yaml"), ("リンク先がありません",)),
    "folder": (_folder, ("普通のファイルではありません", "フォルダ")),
    "undefined alias": (_text("a: *nothing\n"), ("*nothing",)),
    "two documents": (_text("a: 1\n---\nb: 2\n"), ("YAML の書き方に誤り",)),
    "a 4 MiB scalar + 1": (_text("a: " + "x" * (4 * 1024 * 1024) + "\n"), ("ファイルが大きすぎます",)),
    "NUL escape in a value": (_text('a: "x\\0y"\n'), ("U+0000",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_section_file_is_refused_naming_file_and_limit(root: Root, case: str) -> None:
    first = root.run("build", "sources/c", "--out", "out", "-f", "html", "-j", "1")
    assert_clean(first, 0)
    built = tree_of(root.out)
    breaker, needles = CASES[case]
    breaker(root.folder() / PART)
    before = root.snapshot()
    run = root.run("check", "sources/c")
    assert_error(run, f"c/{PART}", *needles)
    # build may refuse the file already when hashing its inputs: exit 1 naming the file
    run = root.run("build", "sources/c", "--out", "out", "-f", "html", "-j", "1")
    assert_clean(run, 1)
    assert f"c/{PART}" in run.output, run.result.describe()
    assert tree_of(root.out) == built, "the outputs of the earlier build changed"
    assert_untouched(root, before)


def test_many_files_each_under_the_limit_stop_at_the_folders_budget(root: Root) -> None:
    folder = root.folder()
    body = "".join(f"k{i}: v\n" for i in range(9_000))
    for n in range(1, 10):
        for part in ("2_ファイル概要", "3_リスク対策"):
            (folder / f"{part}_{n}.yaml").write_text(body, encoding="utf-8")
    before = root.snapshot()
    run = root.run("check", "sources/c")
    assert_error(run, ".yaml", "評価書フォルダのファイル全体で項目や値が多すぎます", "60,000 個まで")
    # one file's unknown keys: at most 100 lines and one 「ほかにも」
    lines = [line for line in run.result.stderr.splitlines() if "2_ファイル概要_1.yaml:" in line]
    assert 1 < len(lines) <= 101 and "ほかにも問題があります" in lines[-1], lines[-3:]
    assert_untouched(root, before)


def test_a_block_file_that_is_no_regular_file_is_not_read(root: Root) -> None:
    blocks = root.sources / "blocks" / "x"
    blocks.mkdir()
    (blocks / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(blocks / "fifo.yaml")
    before = root.snapshot()
    run = root.run("check", "sources/c")
    assert_clean(run, 0)
    listing = root.run("blocks", "list", "--sources", "sources")
    assert_clean(listing, 0)
    assert "x/zero" not in listing.output and "x/fifo" not in listing.output
    assert_untouched(root, before)


DUPLICATES = {
    "_01 beside _1": ("2_ファイル概要_1.yaml", "2_ファイル概要_01.yaml"),
    ".yml beside .yaml": ("0_表紙.yaml", "0_表紙.yml"),
    "_001 beside _1": ("3_リスク対策_1.yaml", "3_リスク対策_001.yml"),
}


@pytest.mark.parametrize("case", list(DUPLICATES))
def test_two_files_for_one_part_are_an_error(root: Root, case: str) -> None:
    original, twin = DUPLICATES[case]
    folder = root.folder()
    (folder / twin).write_bytes((folder / original).read_bytes())
    before = root.snapshot()
    for command in (("check", "sources/c"), ("build", "sources/c", "--out", "out", "-f", "html")):
        run = root.run(*command)
        assert_error(
            run,
            ".yml" if twin.endswith(".yml") and original < twin else ".yaml",
            "様式の同じ部分のファイルです",
        )
        assert twin in run.output and original in run.output, run.result.describe()
    assert not root.out.exists()
    assert_untouched(root, before)


def test_a_folder_of_thousands_of_yaml_files_is_refused_unread(root: Root) -> None:
    folder = root.folder()
    for n in range(2, 2002):
        (folder / f"2_ファイル概要_{n}.yaml").write_text("", encoding="utf-8")
    before = root.snapshot()
    run = root.run("check", "sources/c")
    assert_error(run, "sources/c", "YAML のファイルが多すぎます", "500 個まで")
    assert_untouched(root, before)


def test_links_looping_in_the_blocks_folder_do_not_hang(root: Root) -> None:
    blocks = root.sources / "blocks"
    (blocks / "up").symlink_to("..")
    (blocks / "self").symlink_to("self")
    before = root.snapshot()
    for command in (("check", "sources/c"), ("blocks", "list", "--sources", "sources")):
        assert_clean(root.run(*command), 0)
    assert_untouched(root, before)
