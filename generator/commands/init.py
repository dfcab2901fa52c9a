"""``hyoka init DIR [--city 団体名]``: a city's own repository of assessments, ready to use.

The files come from ``templates/init`` (a path part 「dot-x」 is written as 「.x」: package data
globs skip dot files), with the city's name and this hyoka's version filled in; the editor
settings and the JSON Schema are generated (``hyoka schema``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import __version__
from ..diagnostics import UsageError, display_path
from ..output import write_atomic
from ..shipped import TEMPLATES
from . import schema

SKELETON = TEMPLATES / "init"
SCHEMA_DIR = ".hyoka/schema"


def _target(rel: Path) -> Path:
    return Path(*("." + part[4:] if part.startswith("dot-") else part for part in rel.parts))


def _ask_city() -> str:
    if not sys.stdin.isatty():
        raise UsageError("団体名を --city で指定してください（例: hyoka init asahikawa --city 旭川市）。")
    city = input("団体名（例: 旭川市）: ").strip()
    if not city:
        raise UsageError("団体名が空です。")
    return city


def files(city: str) -> dict[Path, bytes]:
    """Relative path → content of every file ``init`` writes."""
    fill = {"@CITY@": city, "@VERSION@": __version__, "@PACKAGE@": f"hyoka=={__version__}"}
    out: dict[Path, bytes] = {}
    for path in sorted(SKELETON.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for mark, value in fill.items():
            text = text.replace(mark, value)
        out[_target(path.relative_to(SKELETON))] = text.encode("utf-8")
    vscode = {
        "yaml.schemas": schema.settings(SCHEMA_DIR),
        "yaml.format.enable": False,  # the YAML extension would re-wrap long Japanese lines
        "files.encoding": "utf8",
    }
    out[Path(".vscode/settings.json")] = (json.dumps(vscode, ensure_ascii=False, indent=2) + "\n").encode()
    extensions = {"recommendations": ["redhat.vscode-yaml"]}
    out[Path(".vscode/extensions.json")] = (json.dumps(extensions, indent=2) + "\n").encode()
    return out


def run(folder: Path, city: str | None) -> int:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(
            f"{display_path(folder)} は空のフォルダではありません。新しいフォルダを指定してください。"
        )
    city = (city or "").strip() or _ask_city()
    content = files(city)
    for rel, data in content.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    schema.write(folder / SCHEMA_DIR)
    shown = display_path(folder)
    print(f"{shown} に {city} の評価書リポジトリを作りました（README.md に使い方）。")
    print(f"  cd {shown} && hyoka new 評価書の名前   # 新しい評価書のフォルダを sources/ に")
    return 0
