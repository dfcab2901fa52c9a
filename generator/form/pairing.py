"""The 基礎項目評価書 that goes with a 重点項目評価書, derived from the same sources.

Every 重点 has a paired 基礎 whose contents largely repeat it (guidelines.md §3.4): its Ⅰ is the
重点's Ⅰ, its しきい値判断結果 is the 重点's Ⅴ-1 ②, its Ⅳ answers are the 重点's Ⅲ 十分か answers
and heading check boxes. What the 重点 does not say (取扱者数 and 重大事故 with their dates,
人手を介在させる作業, the 最も優先度が高い対策) is written once in ``8_基礎項目.yaml``.

The correspondence is the table ``COPIES`` (data, read top to bottom); ``derive`` applies it.
A derived value keeps the place it was read from, so a message about the 基礎 points at the
重点's YAML line the value came from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..diagnostics import Location, Reporter, display_path
from ..model import Assessment, ChangeRow, Checks, Choice, Flag, Record, Text, Value
from ..records import dataclass
from . import kiso as k
from .definition import PAIRED_FILE, ChangesAnnex
from .kiso_threshold import RESULT_LEVELS, count_range
from .schema import Head, Item, Section

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import TypeGuard

PAIRS_WITH = ("重点項目評価書",)  # forms whose folders may hold the paired file
PAIRED_KIND = "基礎項目評価書及び重点項目評価書"  # 基礎 Ⅳ-1 of a 基礎 paired with a 重点

# The one small file: the 基礎's own items, under the part they are printed in.
PAIRED = Section(
    id="paired",
    file=PAIRED_FILE,
    title="基礎項目評価書（重点項目評価書と対のもの）",
    path_title="基礎項目評価書",
    children=(
        # 表紙: only what differs from the 重点's cover (評価書名 is derived, see _title)
        Head("表紙", "表紙", k.COVER.children),
        Head("しきい値判断項目", "Ⅱ しきい値判断項目", k.SECTION2.children),
        Head(
            "リスク対策",
            "Ⅳ リスク対策",
            tuple(
                n
                for n in k.SECTION4.children
                if isinstance(n, Head)
                and n.key in ("人手を介在させる作業", "最も優先度が高いと考えられる対策")
            ),
        ),
    ),
)


def companion_section(stem: str) -> tuple[Section, ChangesAnnex] | None:
    """What a companion file of a 重点 folder (``FormDefinition.companions``) holds: its section,
    and the change list it may carry under the list's key."""
    return (PAIRED, k.CHANGES) if stem == PAIRED_FILE else None


KeyPath = tuple[str, ...]  # section id, then YAML keys


@dataclass(frozen=True)
class Copy:
    """基礎 ``to`` ← 重点 ``source``. ``per_file``: the source is in every file's Ⅲ; ``combine``
    says how the files' values make one (``weakest``: the last of them in the option list, which
    runs from the best answer down; ``all``: a box checked in every file; ``union``: boxes
    checked in any file). ``how`` converts a value (``None``: as it is)."""

    to: KeyPath
    source: KeyPath
    per_file: bool = False
    combine: str = ""
    how: str = ""


_事務 = "特定個人情報ファイルを取り扱う事務"
_連携 = "情報提供ネットワークシステムによる情報連携"
_部署 = "評価実施機関における担当部署"
_SYSTEMS = "特定個人情報ファイルを取り扱う事務において使用するシステム"

COPIES: tuple[Copy, ...] = (
    # 表紙
    Copy(("cover", "評価書番号"), ("cover", "評価書番号")),
    Copy(("cover", "評価書名"), ("cover", "評価書名"), how="title"),
    *(
        Copy(("cover", key), ("cover", key))
        for key in ("個人のプライバシー等の権利利益の保護の宣言", "特記事項", "評価実施機関名", "公表日")
    ),
    # Ⅰ 関連情報 ← 重点 Ⅰ 基本情報
    Copy(("s1", _事務, "事務の名称"), ("s1", _事務, "事務の名称")),
    Copy(("s1", _事務, "事務の概要"), ("s1", _事務, "事務の内容")),
    Copy(("s1", _事務, "システムの名称"), ("s1", _SYSTEMS), how="names"),
    Copy(("s1", "特定個人情報ファイル名"), ("s1", "特定個人情報ファイル名")),
    Copy(("s1", "個人番号の利用", "法令上の根拠"), ("s1", "個人番号の利用", "法令上の根拠")),
    Copy(("s1", _連携, "実施の有無"), ("s1", _連携, "実施の有無")),
    Copy(("s1", _連携, "法令上の根拠"), ("s1", _連携, "法令上の根拠")),
    Copy(("s1", _部署, "部署"), ("s1", _部署, "部署")),
    Copy(("s1", _部署, "所属長の役職名"), ("s1", _部署, "所属長の役職名")),
    Copy(("s1", "他の評価実施機関"), ("s1", "他の評価実施機関")),
    # Ⅱ 対象人数 ← 重点 Ⅰ-1 ③ (the same count class, whatever its wording)
    Copy(("s2", "対象人数", k.K_対象人数), ("s1", _事務, "対象人数"), how="count"),
    # Ⅲ ← 重点 Ⅴ-1 ② (the same obligation: 重点 1 ↔ 基礎 2, 2 ↔ 3, 3 ↔ 4)
    Copy(("s3", k.K_結果), ("s5", "基礎項目評価", "しきい値判断結果"), how="level"),
    # Ⅳ ← 重点 Ⅲ of every file
    *(
        Copy(("s4", *to), ("s3", *source), per_file=True, combine="weakest")
        for to, source in (
            (
                ("特定個人情報の入手", "目的外の入手が行われるリスクへの対策は十分か"),
                ("特定個人情報の入手", "リスク", k.K_十分か),
            ),
            (
                (
                    "特定個人情報の使用",
                    "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策は十分か",
                ),
                ("特定個人情報の使用", "リスク1", k.K_十分か),
            ),
            (
                ("特定個人情報の使用", "権限のない者によって不正に使用されるリスクへの対策は十分か"),
                ("特定個人情報の使用", "リスク2", k.K_十分か),
            ),
            (
                ("特定個人情報ファイルの取扱いの委託", "委託先における不正な使用等のリスクへの対策は十分か"),
                ("特定個人情報ファイルの取扱いの委託", "リスク", k.K_十分か),
            ),
            (
                ("特定個人情報の提供・移転", "不正な提供・移転が行われるリスクへの対策は十分か"),
                ("特定個人情報の提供・移転", "リスク", k.K_十分か),
            ),
            (
                ("情報提供ネットワークシステムとの接続", "目的外の入手が行われるリスクへの対策は十分か"),
                ("情報提供ネットワークシステムとの接続", "リスク1", k.K_十分か),
            ),
            (
                ("情報提供ネットワークシステムとの接続", "不正な提供が行われるリスクへの対策は十分か"),
                ("情報提供ネットワークシステムとの接続", "リスク2", k.K_十分か),
            ),
            (
                ("特定個人情報の保管・消去", "特定個人情報の漏えい・滅失・毀損リスクへの対策は十分か"),
                ("特定個人情報の保管・消去", "リスク", k.K_十分か),
            ),
            (
                ("従業者に対する教育・啓発", "従業者に対する教育・啓発"),
                ("従業者に対する教育・啓発", "従業者に対する教育・啓発"),
            ),
        )
    ),
    *(
        Copy(("s4", head, flag), ("s3", head, flag), per_file=True, combine="all")
        for head, flag in (
            ("特定個人情報ファイルの取扱いの委託", "委託しない"),
            ("特定個人情報の提供・移転", "提供・移転しない"),
            ("情報提供ネットワークシステムとの接続", "接続しない（入手）"),
            ("情報提供ネットワークシステムとの接続", "接続しない（提供）"),
        )
    ),
    Copy(("s4", "監査", "実施の有無"), ("s3", "監査", "実施の有無"), per_file=True, combine="union"),
)


def _title(text: Text) -> Text:
    # 「国民健康保険に関する事務　重点項目評価書」 names its form; the 基礎 names its own
    parts = tuple(
        p.replace("重点項目評価書", "基礎項目評価書") if isinstance(p, str) else p for p in text.parts
    )
    return Text(parts, text.loc)


def _names(systems: object) -> Text | None:
    if not isinstance(systems, list) or not systems:
        return None
    names = []
    for member in systems:
        t = member.text("システムの名称") if isinstance(member, Record) else None
        name = "".join(p for p in t.parts if isinstance(p, str)).strip() if t else ""
        if name:
            names.append(name)
    return Text(("、".join(names),), systems[0].loc) if names else None


def _by_count(value: Choice) -> Choice:
    wanted = count_range(value.value)
    chosen = next((opt for opt in k.対象人数 if wanted is not None and count_range(opt) == wanted), None)
    return Choice(chosen, value.loc)


def _by_level(value: Choice) -> Choice:
    level = RESULT_LEVELS.get(value.value or "")
    chosen = next((opt for opt in k.しきい値判断結果 if RESULT_LEVELS[opt] == level), None)
    return Choice(chosen, value.loc)


_HOW: dict[str, Callable] = {"title": _title, "names": _names, "count": _by_count, "level": _by_level}


def _get(record: Record, path: KeyPath) -> object:
    return record.get(*path) if len(path) > 1 else record.values.get(path[0])


def _combine(values: list[object], how: str, options: tuple[str, ...]) -> Value | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if how == "all":
        flags = [v for v in present if isinstance(v, Flag)]
        return Flag(all(f.value for f in flags), flags[0].loc) if flags else None
    if how == "union":
        checks = [v for v in present if isinstance(v, Checks)]
        chosen = {c for v in checks for c, _ in v.checked}
        order = options or tuple(dict.fromkeys(c for v in checks for c, _ in v.checked))
        return Checks(tuple((o, None) for o in order if o in chosen), checks[0].loc) if checks else None
    # weakest: the last answer in the list's order (an empty answer stays empty only if all are)
    choices = [v for v in present if isinstance(v, Choice) and v.value]
    if not choices:
        return next((v for v in present if isinstance(v, Choice)), None)
    rank = {o: i for i, o in enumerate(options)}
    return max(choices, key=lambda c: rank.get(c.value or "", -1))


def _set(record: Record, path: KeyPath, value: object) -> None:
    for key in path[:-1]:
        child = record.values.get(key)
        if not isinstance(child, Record):
            child = Record(record.loc)
            record.values[key] = child
        record = child
    record.values[path[-1]] = value  # type: ignore[assignment]


def _item(nodes: tuple, path: KeyPath) -> Item | None:
    """The item at ``path`` (YAML keys) under ``nodes``, heading check boxes included."""
    key, rest = path[0], path[1:]
    for n in nodes:
        if isinstance(n, Head) and rest and n.key == key:
            flag = next((f for f in n.flags if f.key == rest[0]), None) if len(rest) == 1 else None
            return flag or _item(n.children, rest)
        if isinstance(n, Item) and not rest and n.key == key:
            return n
    return None


@dataclass
class Juten:
    """What the derivation reads of a 重点: its single sections by id and every file's Ⅲ."""

    sections: dict[str, Record]
    files: dict[str, list[Record]]  # per-file section id → one record per file


def derive(juten: Juten, paired: Record, reporter: Reporter) -> dict[str, Record]:
    """The 基礎's records by section id: empty items, then ``COPIES``, then the paired file."""
    from ..reader import Ctx, SectionReader  # the reader gives every item its empty value

    reader = SectionReader(reporter)
    out: dict[str, Record] = {}
    for section in k.SECTIONS:
        record = Record(paired.loc)
        reader.read(section.children, None, Ctx(section, ()), record)
        out[section.id] = record
    sections = {s.id: s for s in k.SECTIONS}
    for copy in COPIES:
        sid, *path = copy.source
        value: object
        if copy.per_file:
            values = [_get(r, tuple(path)) for r in juten.files.get(sid, [])]
            item = _item(sections[copy.to[0]].children, copy.to[1:])
            value = _combine(values, copy.combine, item.options if item else ())
        else:
            source = juten.sections.get(sid)
            value = _get(source, tuple(path)) if source is not None else None
        if value is not None and copy.how:
            value = _HOW[copy.how](value)  # a Value, as _get's
        if value is not None:
            _set(out[copy.to[0]], copy.to[1:], value)
    _overlay(out, paired, reporter)
    # Ⅳ-1: a 基礎 paired with a 重点 is submitted with it (said by the paired file's existence)
    _set(out["s4"], (k.K_種類,), Choice(PAIRED_KIND, paired.loc))
    return out


# where the paired file's parts go: its heading key → 基礎 section id
_TARGETS = {"表紙": "cover", "しきい値判断項目": "s2", "リスク対策": "s4"}


def _overlay(out: dict[str, Record], paired: Record, reporter: Reporter) -> None:
    """The paired file's written values over the derived ones; a value the 重点 already gives
    is an error (nothing is typed twice), except on the cover, where the 基礎 may differ."""
    for key, sid in _TARGETS.items():
        part = paired.values.get(key)
        if isinstance(part, Record):
            _merge(out[sid], part, (key,), sid == "cover", reporter)


def _written(value: object) -> TypeGuard[Value]:
    if isinstance(value, Text):
        return not value.empty
    if isinstance(value, Choice):
        return value.value is not None
    if isinstance(value, Checks):
        return bool(value.checked)
    if isinstance(value, Flag):
        return value.value or value.loc.line > 0
    return getattr(value, "date", None) is not None


def _merge(target: Record, part: Record, where: KeyPath, override: bool, reporter: Reporter) -> None:
    for key, value in part.values.items():
        if isinstance(value, Record):
            child = target.values.get(key)
            if not isinstance(child, Record):
                child = Record(value.loc)
                target.values[key] = child
            _merge(child, value, (*where, key), override, reporter)
            continue
        if not _written(value):
            continue
        known = target.values.get(key)
        if _written(known) and not override:
            loc = value.loc
            reporter.error(
                loc,
                " ".join((*where, key)),
                f"この項目は重点項目評価書（{known.loc}）から写すので、{PAIRED_FILE}.yaml には"
                "書かないでください（同じことを 2 か所に書くと食い違います）。",
            )
            continue
        target.values[key] = value


def read_paired(path: Path, reporter: Reporter) -> tuple[Record, list[ChangeRow]]:
    """The paired file read against ``PAIRED`` (unknown keys and bad values reported as anywhere),
    and the rows of the 基礎's own （別添）変更箇所 written in it under 「変更箇所」."""
    from ..reader import Ctx, SectionReader, read_change_rows
    from ..yamlsource import load

    reader = SectionReader(reporter)
    record = Record(Location(display_path(path), 1, 1))
    root = load(path, reporter)
    ctx = Ctx(PAIRED, (PAIRED.path_title,))
    ymap = reader.mapping(root, ctx, PAIRED.path_title) if root is not None else None
    changes: list[ChangeRow] = []
    if ymap is not None and k.CHANGES.key in ymap.items:
        _, rows = ymap.items.pop(k.CHANGES.key)
        changes = read_change_rows(rows, k.CHANGES, reader, reporter)
    reader.read(PAIRED.children, ymap, ctx, record)
    return record, changes


def juten_of(a: Assessment) -> Juten:
    return Juten(
        dict(a.sections),
        {sid: [f.records[sid] for f in a.files if sid in f.records] for sid in ("s2", "s3")},
    )


def paired_assessment(a: Assessment, path: Path, reporter: Reporter) -> Assessment:
    """The 基礎 paired with the 重点 ``a``: derived, plus the paired file at ``path``."""
    paired, changes = read_paired(path, reporter)
    return Assessment(
        folder=a.folder,
        name=a.name,
        form=k.CURRENT,
        sections=derive(juten_of(a), paired, reporter),
        files=[],
        changes=changes,
        sources=[*a.sources, path],
    )
