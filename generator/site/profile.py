"""The city profile: who publishes the site and how to reach them (``sources/city.yaml``)."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Location, Reporter, UsageError, display_path, in_rule_scope
from ..records import dataclass

FILE_NAME = "city.yaml"
REQUIRED = ("団体名", "サイト名", "連絡先")
OPTIONAL = ("説明",)
EXAMPLE = "団体名: ○○市\nサイト名: ○○市 特定個人情報保護評価書\n連絡先: ○○市総務部○○課 電話 000-000-0000"


@dataclass(frozen=True)
class Profile:
    organisation: str  # 団体名
    site_name: str  # サイト名
    contact: str  # 連絡先 (line breaks kept)
    description: str = ""  # 説明: a lead paragraph for the index page


def find(roots: list[Path], given: Path | None) -> Path:
    """``given``, else ``city.yaml`` in the folder holding the (first) assessment folders
    (``roots``: the folders holding them, resolved, in order)."""
    if given is not None:
        if not given.is_file():
            raise UsageError(f"{given}: 団体の情報のファイルがありません。")
        return given
    for root in roots:
        if (root / FILE_NAME).is_file():
            return root / FILE_NAME
    where = "、".join(display_path(r / FILE_NAME) for r in roots)
    raise UsageError(
        f"団体の情報（{FILE_NAME}）が見つかりません（探した場所: {where}）。"
        f"評価書フォルダを含むフォルダに次のように書いて置くか、--profile で指定してください。\n{EXAMPLE}"
    )


@in_rule_scope("S")  # 様式との照合 (README「検査」)
def read(path: Path, reporter: Reporter) -> Profile | None:
    from ..reader import suggest  # not imported by a no-op run, which reads no profile
    from ..yamlsource import YMap, YScalar, load

    root = load(path, reporter)
    if root is None:
        return None
    shown = display_path(path)
    if not isinstance(root, YMap):
        reporter.error(root.loc, "", f"「項目名: 値」の形で {'、'.join(REQUIRED)} を書いてください。")
        return None
    known = (*REQUIRED, *OPTIONAL)
    values: dict[str, str] = {}
    for key, (loc, node) in root.items.items():
        if key not in known:
            reporter.error(
                loc, key, f"「{key}」は書けない項目です。{suggest(key, known)} 書ける項目: {'、'.join(known)}"
            )
            continue
        if not isinstance(node, YScalar) or (node.is_null or not node.text.strip()):
            reporter.error(node.loc, key, "文字を書いてください。")
            continue
        values[key] = node.text.strip()
    for key in REQUIRED:
        if key not in root.items:
            reporter.error(Location(shown, 1, 1), key, f"「{key}」がありません。")
    if any(key not in values for key in REQUIRED):
        return None
    return Profile(values["団体名"], values["サイト名"], values["連絡先"], values.get("説明", ""))
