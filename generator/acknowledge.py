"""Acknowledged findings: a warning the author has checked, with the rule id and a reason.

Two ways, both in the assessment's folder (README「検査」):

* a comment on the line the message points at:  ``… # hyoka: 確認済み R09 公表どおり``
  (several ids may precede the reason: ``# hyoka: 確認済み R05 R06 理由``);
* the list file ``確認済み.yaml``::

      確認済み:
        - 規則: R16
          場所: 9_変更箇所.yaml:206      # file of this folder and line; or 項目 (part of the label)
          理由: 公表版の（別添２）19行目も説明欄が空欄（熊谷市 令和6年12月25日公表）

An acknowledged message is listed, not counted (``--strict`` fails only on the others). Findings
about the content (ids C, R, G, T, and E: a 公表日 outside its form's edition, which a city may have
published on the older form during the change-over) can be acknowledged, errors included: a faithful copy of a
published document keeps its gaps; problems that stop the document from being read or printed
(Y, S, B) cannot. An acknowledgement that matches nothing any more is itself reported (A01), as
is one without reason or with an unknown id (A02).
"""

from __future__ import annotations

import re
from pathlib import Path

from .diagnostics import Diagnostic, Location, Reporter, Severity, display_path
from .records import dataclass, replace
from .yamlsource import YMap, YScalar, YSeq, load

ACK_FILE = "確認済み"  # stem of the list file; the reader skips it
ACK_KEY = "確認済み"
ACKNOWLEDGEABLE = ("C", "R", "G", "T", "E")  # content findings; structure (Y, S, B) must be fixed
# patterns compiled at their first use by re's cache: most folders have no such comment
_COMMENT = (
    r"#\s*hyoka:\s*確認済み\s+(?P<ids>(?:[A-Z][A-Z0-9]*[\s,、]+)*[A-Z][A-Z0-9]*)(?:[\s　]+(?P<reason>.*))?$"
)
_ID = r"[A-Z][A-Z0-9]*"


@dataclass
class Ack:
    rules: tuple[str, ...]
    reason: str
    loc: Location  # where the acknowledgement is written
    file: Path | None = None  # the file and line it covers (None: any place matching ``label``)
    line: int = 0
    label: str = ""
    used: bool = False

    def covers(self, d: Diagnostic) -> bool:
        if d.rule not in self.rules:
            return False
        if self.file is not None:
            # both as display_path prints them: no file system access (a hostile folder may loop)
            if d.location.file != display_path(self.file) or (self.line and d.location.line != self.line):
                return False
        return not self.label or self.label in d.label


def acknowledgeable(d: Diagnostic) -> bool:
    return d.rule[:1] in ACKNOWLEDGEABLE and d.severity >= Severity.WARNING


def apply(folders: list[Path], reporter: Reporter) -> None:
    """Mark the reporter's diagnostics that an acknowledgement in ``folders`` covers; report the
    acknowledgements that cover nothing."""
    acks: list[Ack] = []
    problems = Reporter()
    with problems.rule_scope("A02"):
        for folder in folders:
            acks += _comments(folder, problems) + _list_file(folder, problems)
    if acks:
        out = []
        for d in reporter.diagnostics:
            if acknowledgeable(d) and not d.acknowledged:
                for ack in acks:
                    if ack.covers(d):
                        ack.used = True
                        d = replace(d, acknowledged=ack.reason)
                        break
            out.append(d)
        reporter.diagnostics[:] = out
    for ack in acks:
        if not ack.used:
            reporter.warning(
                ack.loc,
                "",
                f"確認済みとした {'・'.join(ack.rules)} の指摘はもう出ていません。この確認済みを消してください。",
                rule="A01",
            )
    reporter.extend(problems)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for p in sorted(folder.iterdir()):
        try:
            if p.suffix in (".yaml", ".yml") and p.is_file() and not p.is_symlink():
                found.append(p)
        except OSError:
            continue  # the reader reports a file it cannot read
    return found


def _comments(folder: Path, problems: Reporter) -> list[Ack]:
    found = []
    for path in _yaml_files(folder):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the reader reports the file
        for n, text in enumerate(lines, 1):
            if "hyoka:" not in text:
                continue
            m = re.search(_COMMENT, text)
            if m is None:
                continue
            loc = Location(display_path(path), n, m.start() + 1)
            ack = _checked(re.findall(_ID, m["ids"]), (m["reason"] or "").strip(), loc, problems)
            if ack is not None:
                ack.file, ack.line = path, n
                found.append(ack)
    return found


def _list_file(folder: Path, problems: Reporter) -> list[Ack]:
    paths = [p for p in _yaml_files(folder) if p.stem == ACK_FILE]
    found: list[Ack] = []
    for path in paths:
        root = load(path, problems)
        if root is None:
            continue
        entries = root.items.get(ACK_KEY) if isinstance(root, YMap) else None
        if entries is None or not isinstance(entries[1], YSeq):
            problems.error(
                root.loc,
                ACK_FILE,
                f"「{ACK_KEY}:」の下に「- 規則: R09」で始まる項目のリストを書いてください。",
            )
            continue
        for entry in entries[1].items:
            ack = _entry(entry, folder, problems)
            if ack is not None:
                found.append(ack)
    return found


def _entry(entry: object, folder: Path, problems: Reporter) -> Ack | None:
    if not isinstance(entry, YMap):
        problems.error(
            getattr(entry, "loc", Location("")),
            ACK_FILE,
            "各項目は「規則」「場所」か「項目」「理由」の組で書いてください。",
        )
        return None
    values = {
        k: (v.text.strip() if isinstance(v, YScalar) and not v.is_null else "")
        for k, (_, v) in entry.items.items()
    }
    unknown = set(values) - {"規則", "場所", "項目", "理由"}
    if unknown:
        problems.error(
            entry.loc,
            ACK_FILE,
            f"「{'」「'.join(sorted(unknown))}」は書けません。書けるのは 規則、場所、項目、理由 です。",
        )
    ack = _checked(re.findall(_ID, values.get("規則", "")), values.get("理由", ""), entry.loc, problems)
    if ack is None:
        return None
    place = values.get("場所", "")
    ack.label = values.get("項目", "")
    if place:
        name, _, line = place.rpartition(":")
        if not name or not line.isdigit():
            name, line = place, "0"
        ack.file, ack.line = folder / name, int(line)
        if not ack.file.is_file():  # a warning: a past revision of the folder may lack the file
            problems.warning(
                entry.loc,
                ACK_FILE,
                f"場所「{place}」のファイルがこのフォルダにありません（「2_ファイル概要_1.yaml:38」の形で）。",
            )
            return None
    if not place and not ack.label:
        problems.error(
            entry.loc, ACK_FILE, "「場所」（ファイル:行）か「項目」（項目名の一部）を書いてください。"
        )
        return None
    return ack


def _checked(ids: list[str], reason: str, loc: Location, problems: Reporter) -> Ack | None:
    from .form.editions import RULE_ID as EDITION_RULE
    from .rules.registry import all_rules

    known = {r.id for r in all_rules()} | {EDITION_RULE}  # E01 is the reader's, not a registered rule
    bad = [i for i in ids if i not in known or i[:1] not in ACKNOWLEDGEABLE]
    if not ids or bad:
        problems.error(
            loc,
            ACK_FILE,
            f"確認済みにできる規則の ID ではありません: {'、'.join(bad) or '（なし）'}。"
            f"確認済みにできるのは {'・'.join(ACKNOWLEDGEABLE)} で始まる規則です（hyoka check の [ ] 内の ID）。",
        )
        return None
    if not reason:
        problems.error(
            loc, ACK_FILE, f"確認済み {' '.join(ids)} の理由を書いてください（例: 公表版のとおり）。"
        )
        return None
    return Ack(tuple(ids), reason, loc)
