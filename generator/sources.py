"""Finding assessment folders among the paths given on the command line."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import UsageError

SUFFIXES = (".yaml", ".yml")  # of every file hyoka reads: sources and blocks
CITY_BLOCKS = "blocks"  # the city's blocks, beside the assessment folders (generator.blocks.library)


def is_assessment(folder: Path) -> bool:
    return folder.is_dir() and any(p.suffix in SUFFIXES and p.name[0].isdigit() for p in folder.iterdir())


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
        if is_assessment(path):
            found.append(path)
            continue
        # sources/blocks holds the city's shared texts (共通記載ブロック), never an assessment
        children = sorted(p for p in path.iterdir() if p.name != CITY_BLOCKS and is_assessment(p))
        if not children:
            raise UsageError(f"{path}: 評価書の YAML（0_表紙.yaml など）が見つかりません。")
        found.extend(children)
    return found
