"""Finding assessment folders among the paths given on the command line."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from .diagnostics import Location, Reporter, UsageError, display_path

SUFFIXES = (".yaml", ".yml")  # of every file hyoka reads: sources and blocks
CITY_BLOCKS = "blocks"  # the city's blocks, beside the assessment folders (generator.blocks.library)
MAX_FILES = 500  # YAML files of one assessment folder (the examples: at most 17)


def part_key(path: Path) -> str:
    """The part of the form a file stands for, however its name is written: Unicode NFC (a name
    from macOS may be NFD), ``.yml`` = ``.yaml``, ``_01`` = ``_1``."""
    stem = unicodedata.normalize("NFC", path.stem)
    # re.sub(r"_0*([0-9]+)$", r"_\1", stem), read by hand (the pattern took 0.1 ms to compile)
    body, end = (stem[:-1], "\n") if stem.endswith("\n") else (stem, "")  # 「$」: before a last \n
    head, found, number = body.rpartition("_")
    if found and number.isascii() and number.isdigit():
        return f"{head}_{number.lstrip('0') or '0'}{end}"
    return stem


def section_files(folder: Path, reporter: Reporter) -> list[Path]:
    """The folder's YAML files (not hidden), in name order, one per part of the form.

    Two files for one part (``2_ファイル概要_01.yaml`` beside ``_1``, ``0_表紙.yml`` beside
    ``.yaml``) would leave one of them unread without a word; the second is an error instead."""
    first: dict[str, Path] = {}
    result = []
    candidates = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))
    if len(candidates) > MAX_FILES:
        reporter.error(
            Location(display_path(folder), 0, 0),
            "",
            f"YAML のファイルが多すぎます（{len(candidates):,} 個。1 つの評価書フォルダに {MAX_FILES} 個まで）。"
            "評価書ごとにフォルダを分けてください。このフォルダは読んでいません。",
        )
        return []
    for path in candidates:
        key = part_key(path)
        if key in first:
            reporter.error(
                Location(display_path(path), 1, 1),
                "",
                f"「{path.name}」と「{first[key].name}」は様式の同じ部分のファイルです（名前の書き方が違うだけです）。"
                "どちらか 1 つにまとめ、もう一方を消してください。",
            )
            continue
        first[key] = path
        result.append(path)
    return result


def is_assessment(folder: Path) -> bool:
    # names, not Path objects: a build of a thousand folders looks at each one's files
    return folder.is_dir() and _holds_sources(os.listdir(folder))


def _holds_sources(names: list[str]) -> bool:
    return any(n.endswith(SUFFIXES) and n[0].isdigit() for n in names)


def assessment_folders(paths: list[Path]) -> list[Path]:
    """Each path is an assessment folder or a folder of them (``sources/``)."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: フォルダがありません。")
        if not path.is_dir():
            raise UsageError(
                f"{path}: 評価書のフォルダを指定してください（YAML ファイルではなく、それを含むフォルダ）。"
            )
        if path.name in ("", ".", ".."):  # 「hyoka build .」: outputs are named after the folder
            path = path.resolve()
        if is_assessment(path):
            found.append(path)
            continue
        # sources/blocks holds the city's shared texts (共通記載ブロック), never an assessment
        children = [path / name for name in sorted(_assessment_names(path))]
        if not children:
            raise UsageError(f"{path}: 評価書の YAML（0_表紙.yaml など）が見つかりません。")
        found.extend(children)
    return found


def _assessment_names(folder: Path) -> list[str]:
    """The names of the assessment folders in ``folder``: its listing tells the folders from
    the files without a stat of each (a thousand folders' listings are read here anyway)."""

    def is_dir(entry: os.DirEntry[str]) -> bool:
        try:
            return entry.is_dir()  # follows a link, as Path.is_dir
        except OSError:
            return False

    with os.scandir(folder) as entries:
        return [
            e.name
            for e in entries
            if e.name != CITY_BLOCKS and is_dir(e) and _holds_sources(os.listdir(e.path))
        ]
