"""Nothing written outside --out: folder names from 「.」 and 「..」, links out of the output folder,
an output folder that is a file. Each case compares the whole temp root before and after."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import set_value

from .conftest import assert_untouched
from .harness import Root, assert_clean, tree_of


def _outputs(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def test_build_dot_inside_an_assessment_folder_names_outputs_after_the_folder(root: Root) -> None:
    folder = root.folder()
    before = root.snapshot(outside=folder / "X")
    run = root.run("build", ".", "--out", "X", "-f", "html", cwd=folder)
    assert_clean(run, 0)
    # the build's own records (out/.hyoka-index, out/c/.hyoka-…) are not outputs; the example
    # folder holds its paired 基礎 (8_基礎項目.yaml), which is named after the folder too
    outputs = [p for p in _outputs(folder / "X") if not Path(p).name.startswith(".hyoka")]
    assert outputs == ["c/c-基礎.html", "c/c.html"]
    assert_untouched(root, before, outside=folder / "X")


def test_build_dotdot_from_a_subfolder_writes_only_inside_out(root: Root) -> None:
    sub = root.folder() / "sub"
    sub.mkdir()
    before = root.snapshot(outside=sub / "X")
    run = root.run("build", "..", "--out", "X", "-f", "html", cwd=sub)
    assert_clean(run, 0)
    assert "c/c.html" in _outputs(sub / "X")
    assert not any(p.name.startswith(".") and p.suffix == ".html" for p in root.path.rglob("*"))
    assert_untouched(root, before, outside=sub / "X")


def test_an_output_folder_linked_out_of_out_is_refused(root: Root) -> None:
    elsewhere = root.path / "elsewhere"
    elsewhere.mkdir()
    root.out.mkdir()
    (root.out / "c").symlink_to(elsewhere)
    before = root.snapshot()
    run = root.run("build", "sources/c", "--out", "out", "-f", "html")
    assert_clean(run, 1)
    assert "出力先フォルダ" in run.output and "外" in run.output, run.result.describe()
    assert not any(elsewhere.iterdir())
    assert_untouched(root, before)


def test_a_manifest_lock_linked_elsewhere_is_not_followed(root: Root) -> None:
    target = root.out / "c"
    target.mkdir(parents=True)
    (target / ".hyoka-manifest.lock").symlink_to(root.path / "home" / "created-by-hyoka")
    before = root.snapshot()
    run = root.run("build", "sources/c", "--out", "out", "-f", "html")
    assert_clean(run, 1)
    assert ".hyoka-manifest.lock" in run.output, run.result.describe()
    assert not (root.path / "home" / "created-by-hyoka").exists()
    assert_untouched(root, before)


def test_an_output_folder_that_is_a_file_is_a_clear_error(root: Root) -> None:
    (root.path / "F").write_text("a file\n", encoding="utf-8")
    before = root.snapshot()
    run = root.run("build", "sources/c", "--out", "F", "-f", "html")
    assert_clean(run, 1)
    assert "F/c" in run.output, run.result.describe()
    assert_untouched(root, before)


def test_deps_output_onto_a_folder_is_a_clear_error(root: Root) -> None:
    (root.out / "deps.mk").mkdir(parents=True)
    before = root.snapshot()
    run = root.run("deps", "sources/c", "--out", "out", "--output", "out/deps.mk")
    assert_clean(run, 1)
    assert "deps.mk" in run.output, run.result.describe()
    assert_untouched(root, before)


def test_a_failed_build_leaves_the_previous_outputs_as_they_were(root: Root) -> None:
    first = root.run("build", "sources/c", "--out", "out", "-f", "html,xlsx")
    assert_clean(first, 0)
    built = tree_of(root.out)
    set_value(root.folder() / "0_表紙.yaml", "公表日", "1800-01-01")  # passes no longer: before 明治
    before = root.snapshot()
    run = root.run("build", "sources/c", "--out", "out", "-f", "html,xlsx")
    assert_clean(run, 1)
    assert tree_of(root.out) == built
    assert_untouched(root, before)
