"""N varied synthetic assessments for the scale benchmarks: copies of the examples.

    from bench.synth import make_sources
    folders = make_sources(Path("/tmp/n1000/sources"), 1000)

Copy ``i`` of an example gets its own folder (``0042-atsugi-kokuho``), 評価書番号 (i + 1), a
fictitious town (「架空42市」, in place of the example's city everywhere it is named, so every copy
has words of its own for the search index), a 評価書名 with the copy's number and a 公表日 spread
over the years. ``blocks/`` and ``city.yaml`` are copied beside them, so ``check``, ``build`` and
``site`` run on ``root`` as on ``sources/``. These are not published documents: the city.yaml
written says so.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "sources"
CITIES = ("旭川市", "熊谷市", "厚木市")
PROFILE = """\
# 合成データ（bench/synth.py）: 公表された評価書ではなく、例の写しを機械的に変えたものです。
団体名: 架空県（合成データ）
サイト名: 合成した特定個人情報保護評価書（ベンチマーク用）
連絡先: これは試験用の合成データです。問い合わせ先はありません。
"""


def example_folders() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and (p / "0_表紙.yaml").is_file())


def _vary(text: str, town: str) -> str:
    for city in CITIES:
        text = text.replace(city, town)
    return text


def _cover(text: str, i: int, town: str) -> str:
    text = re.sub(r"(?m)^評価書番号:.*$", f"評価書番号: {i + 1}", text)
    text = re.sub(r"(?m)^(評価書名: .*?)(　重点項目評価書)?$", rf"\1（{town}・第{i + 1}号）\2", text)
    year, month, day = 8 + i % 7, 1 + (i * 5) % 12, 1 + (i * 11) % 28
    return re.sub(r"(?m)^公表日:.*$", f"公表日: 令和{year}年{month}月{day}日", text)


def make_sources(root: Path, n: int) -> list[Path]:
    """Write ``n`` assessment folders (plus blocks/ and city.yaml) under ``root``; their paths."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLES / "blocks", root / "blocks", dirs_exist_ok=True)
    (root / "city.yaml").write_text(PROFILE, encoding="utf-8")
    examples = example_folders()
    folders = []
    for i in range(n):
        example = examples[i % len(examples)]
        town = f"架空{i + 1}市"
        folder = root / f"{i + 1:04d}-{example.name}"
        folder.mkdir(exist_ok=True)
        for source in sorted(example.iterdir()):
            if not source.is_file():
                continue
            text = _vary(source.read_text(encoding="utf-8"), town)
            if source.name.startswith("0_"):
                text = _cover(text, i, town)
            (folder / source.name).write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="例の写しから合成した評価書を N 件作ります。")
    parser.add_argument("root", type=Path)
    parser.add_argument("n", type=int)
    args = parser.parse_args()
    print(f"{len(make_sources(args.root, args.n))} 件: {args.root}")
