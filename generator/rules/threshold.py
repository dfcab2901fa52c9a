"""T1–T7: しきい値判断 (guidelines.md §2.1) — the form level and the しきい値判断結果 agree with the counts.

The table itself is ``generator.form.kiso_threshold``. Both forms carry a count and a result, in
different places (``ITEMS``); a 基礎 also carries 取扱者数 and 重大事故, so its result is checked
exactly, a 重点's only against what its 対象人数 allows. T7 checks a 重点 against the 基礎 paired
with it (``8_基礎項目.yaml``). Every message names both the count and the result, each with its
file:line.
"""

from __future__ import annotations

from ..diagnostics import Location, Reporter
from ..form import kiso as k
from ..form.kiso_threshold import KIND_LEVELS, LEVEL_NAMES, RESULT_LEVELS, ZENKOMOKU, count_range, obligation
from ..model import Assessment, Choice, Record
from ..records import dataclass
from .registry import rule

JUTEN = "重点項目評価書"
KISO = k.KIND
BOTH = (JUTEN, KISO)


@dataclass(frozen=True)
class Place:
    path: tuple[str, ...]  # section id, YAML keys
    label: str  # official label for messages


# Where each form keeps the しきい値 items
ITEMS: dict[str, dict[str, Place]] = {
    JUTEN: {
        "people": Place(("s1", "特定個人情報ファイルを取り扱う事務", "対象人数"), "Ⅰ １．③対象人数"),
        "result": Place(("s5", "基礎項目評価", "しきい値判断結果"), "Ⅴ １．②しきい値判断結果"),
    },
    KISO: {
        "people": Place(("s2", "対象人数", k.K_対象人数), "Ⅱ １．対象人数"),
        "staff": Place(("s2", "取扱者数", k.K_取扱者数), "Ⅱ ２．取扱者数"),
        "incident": Place(("s2", "重大事故", k.K_重大事故), "Ⅱ ３．重大事故"),
        "result": Place((k.SECTION3.id, k.K_結果), "Ⅲ しきい値判断結果"),
        "kind": Place(("s4", k.K_種類), "Ⅳ １．提出する特定個人情報保護評価書の種類"),
    },
}
_INCIDENT_3Y = (
    "特定個人情報の保管・消去",
    "リスク",
    "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
)


def _kind(a: Assessment) -> str:
    return a.form.kind


def _choice(a: Assessment, what: str) -> Choice | None:
    place = ITEMS[_kind(a)].get(what)
    if place is None:
        return None
    record = a.sections.get(place.path[0])
    value = record.get(*place.path[1:]) if isinstance(record, Record) else None
    return value if isinstance(value, Choice) else None


def _at(loc: Location) -> str:
    return f"{loc.file}:{loc.line}" if loc.line else loc.file


def _named(a: Assessment, what: str, value: Choice) -> str:
    """「Ⅰ １．③対象人数「10万人以上30万人未満」（sources/x/1_基本情報.yaml:51）」"""
    return f"{ITEMS[_kind(a)][what].label}「{value.value}」（{_at(value.loc)}）"


def _yes(value: Choice | None, yes: str) -> bool | None:
    return None if value is None or not value.value else value.value == yes


def _allowed(a: Assessment) -> tuple[Choice, set[int]] | None:
    people = _choice(a, "people")
    span = count_range(people.value) if people else None
    if people is None or span is None:
        return None
    staff = _yes(_choice(a, "staff"), "500人以上")
    incident = _yes(_choice(a, "incident"), "発生あり")
    if _kind(a) == JUTEN:
        # a 重点 says neither; Ⅱ gives a lower bound
        users, incident = staff_from_files(a), None
        staff = True if users is not None and users >= 500 else None
    return people, obligation(span, staff, incident)


def _options_for(a: Assessment, levels: set[int]) -> str:
    place = ITEMS[_kind(a)]["result"]
    options = [o for o, lv in RESULT_LEVELS.items() if lv in levels and o in _result_options(a, place)]
    return "」または「".join(options) if options else "、".join(LEVEL_NAMES[lv] for lv in sorted(levels))


def _result_options(a: Assessment, place: Place) -> tuple[str, ...]:
    from ..form.definition import walk_items

    section = next(s for s in a.form.sections if s.id == place.path[0])
    item = next((i for i in walk_items(section.children) if i.key == place.path[-1]), None)
    return item.options if item else ()


@rule(
    "T1", forms=BOTH, title="しきい値判断結果と対象人数（基礎は取扱者数・重大事故、提出する評価書の種類も）"
)
def result_fits_counts(a: Assessment, form: object, report: Reporter) -> None:
    if _kind(a) == KISO:
        _kind_fits_result(a, report)
    result = _choice(a, "result")
    allowed = _allowed(a)
    if result is None or not result.value or allowed is None:
        return
    people, levels = allowed
    level = RESULT_LEVELS.get(result.value)
    if level is None or level in levels:
        return
    if _kind(a) == JUTEN and levels == {ZENKOMOKU}:
        return  # T3: the document is the wrong form, not its result
    also = ""
    if _kind(a) == KISO:
        extra = [_named(a, w, v) for w in ("staff", "incident") if (v := _choice(a, w)) and v.value]
        also = "、" + "、".join(extra) if extra else ""
    report.error(
        result.loc,
        ITEMS[_kind(a)]["result"].label,
        f"{_named(a, 'result', result)}は、{_named(a, 'people', people)}{also}と合いません。"
        f"このしきい値では「{_options_for(a, levels)}」です（特定個人情報保護評価指針 第5の2）。",
    )


def _kind_fits_result(a: Assessment, report: Reporter) -> None:
    """基礎 Ⅳ-1: the documents submitted include every one the result makes obligatory."""
    result, kind = _choice(a, "result"), _choice(a, "kind")
    if not result or not kind or not result.value or not kind.value:
        return
    need, have = RESULT_LEVELS.get(result.value), KIND_LEVELS.get(kind.value)
    if need is not None and have is not None and have < need:
        report.error(
            kind.loc,
            ITEMS[KISO]["kind"].label,
            f"{_named(a, 'kind', kind)}では、{_named(a, 'result', result)}の評価書がそろいません。",
        )


@rule("T2", forms=(JUTEN,), title="対象人数 1万人以上10万人未満で重点項目評価が義務")
def aggravated_small(a: Assessment, form: object, report: Reporter) -> None:
    people, result = _choice(a, "people"), _choice(a, "result")
    if not people or not result or count_range(people.value) != (10000, 100000):
        return
    if RESULT_LEVELS.get(result.value or "") == 2:
        report.info(
            result.loc,
            ITEMS[JUTEN]["result"].label,
            f"{_named(a, 'result', result)}は、{_named(a, 'people', people)}では取扱者数 500人以上か"
            "過去1年以内の特定個人情報に関する重大事故がある場合です。基礎項目評価書 Ⅱ と一致するか確認してください。",
        )


def staff_from_files(a: Assessment) -> int | None:
    """A lower bound of 取扱者数 from a 重点's Ⅱ: the largest 使用者数 of any file plus the
    委託先's 取扱者数, each 委託先 (by name) once with its largest class. None without counts."""
    own = 0
    contractors: dict[str, float] = {}
    found = False
    for f in a.files:
        overview = f.overview
        if not isinstance(overview, Record):
            continue
        users = count_range(overview.choice("特定個人情報の入手・使用", "使用者数"))
        if users:
            own, found = max(own, int(users[0])), True
        for i, m in enumerate(overview.records("特定個人情報ファイルの取扱いの委託", "委託事項"), 1):
            span = count_range(m.choice("委託先における取扱者数"))
            if not span:
                continue
            found = True
            t = m.text("委託先名")
            name = "".join(p for p in t.parts if isinstance(p, str)).strip() if t else ""
            key = name or f"ファイル{f.number}の委託事項{i}"
            contractors[key] = max(contractors.get(key, 0), span[0])
    return int(own + sum(contractors.values())) if found else None


@rule("T3", forms=(JUTEN,), title="Ⅱ の使用者数・委託先の取扱者数から見た取扱者数")
def staff_lower_bound(a: Assessment, form: object, report: Reporter) -> None:
    people, result = _choice(a, "people"), _choice(a, "result")
    staff = staff_from_files(a)
    span = count_range(people.value) if people else None
    if staff is None or staff < 500 or people is None or span is None or span[0] < 10000:
        return
    where = result if result is not None and result.value else people
    if span[0] >= 100000:
        report.error(
            where.loc,
            ITEMS[JUTEN]["result"].label,
            f"Ⅱ の使用者数と委託先の取扱者数を合わせると少なくとも {staff} 人で、{_named(a, 'people', people)}では"
            "全項目評価が義務付けられます（重点項目評価書ではなく全項目評価書です）。",
        )
    elif result is not None and RESULT_LEVELS.get(result.value or "", 2) < 2:
        report.error(
            result.loc,
            ITEMS[JUTEN]["result"].label,
            f"Ⅱ の使用者数と委託先の取扱者数を合わせると少なくとも {staff} 人で、{_named(a, 'people', people)}では"
            f"重点項目評価が義務付けられます。{_named(a, 'result', result)}と合いません。",
        )


@rule("T4", forms=(JUTEN,), title="ファイルの対象となる本人の数と対象人数")
def file_people(a: Assessment, form: object, report: Reporter) -> None:
    people = _choice(a, "people")
    if people is not None:
        _file_people(a, people, _named(a, "people", people), report)


def _file_people(a: Assessment, people: Choice, named: str, report: Reporter) -> None:
    total = count_range(people.value)
    if total is None:
        return
    for f in a.files:
        overview = f.overview
        value = overview.get("基本情報", "対象となる本人の数") if isinstance(overview, Record) else None
        span = count_range(value.value) if isinstance(value, Choice) else None
        if isinstance(value, Choice) and span and span[0] >= total[1]:
            report.error(
                value.loc,
                f"Ⅱ（ファイル{f.number}） ２．②対象となる本人の数",
                f"「{value.value}」は、事務全体の{named}より多くなっています"
                "（対象人数は事務の全ての特定個人情報ファイルの本人の数です）。",
            )


@rule("T5", forms=(JUTEN,), title="Ⅲ-7 ② 重大事故（3年・個人情報）としきい値の重大事故")
def incident_three_years(a: Assessment, form: object, report: Reporter) -> None:
    result = _choice(a, "result")
    if result is None or RESULT_LEVELS.get(result.value or "") != 2:
        return
    for f in a.files:
        risks = f.risks
        value = risks.get(*_INCIDENT_3Y) if isinstance(risks, Record) else None
        if isinstance(value, Choice) and value.value == "発生あり":
            report.info(
                value.loc,
                f"Ⅲ（ファイル{f.number}） ７．②重大事故",
                f"過去3年以内の個人情報に関する重大事故が「発生あり」です。{_named(a, 'result', result)}のままでよいのは、"
                "それが過去1年以内の特定個人情報に関する重大事故でない場合です（あれば全項目評価）。確認してください。",
            )
            return


@rule("T6", forms=BOTH, title="しきい値判断項目の記入")
def counts_written(a: Assessment, form: object, report: Reporter) -> None:
    wanted = ("people", "staff", "incident", "result") if _kind(a) == KISO else ("people",)
    for what in wanted:
        value = _choice(a, what)
        if value is not None and value.value:
            continue
        place = ITEMS[_kind(a)][what]
        loc = value.loc if value is not None and value.loc.file else a.sections[place.path[0]].loc
        text = "空欄です。しきい値判断（特定個人情報保護評価指針 第5の2）に使う項目なので、選択肢から選んでください。"
        # a warning, not an error: a blank count still prints, and a folder just made by
        # ``hyoka new`` must pass ``check`` (``--strict`` fails on it)
        if _kind(a) == KISO:
            report.warning(loc, place.label, text)
        elif not _paired_people(a):
            # published 重点 documents leave it blank (旭川市), and C01 reports the blank item;
            # this only says what the しきい値 then misses (an information)
            report.info(
                loc,
                place.label,
                text + f"（対の基礎項目評価書の {ITEMS[KISO]['people'].label} に書いても構いません）",
            )


def _paired_people(a: Assessment) -> bool:
    from ..documents import paired_file
    from ..form.pairing import read_paired

    path = paired_file(a.folder)
    if path is None:
        return False
    value = read_paired(path, Reporter())[0].get("しきい値判断項目", *ITEMS[KISO]["people"].path[1:])
    return isinstance(value, Choice) and bool(value.value)


@rule("T7", forms=(JUTEN,), title="重点項目評価書と対の基礎項目評価書（8_基礎項目.yaml）の一致")
def paired_agrees(a: Assessment, form: object, report: Reporter) -> None:
    """What the paired file says beside the 重点: the 基礎's counts against the 重点's Ⅱ and Ⅲ."""
    from ..documents import paired_file, paired_for

    path = paired_file(a.folder)
    if path is None:
        return
    b, _ = paired_for(a, path)  # its reading problems are reported with the 基礎 (documents)
    staff, estimate = _choice(b, "staff"), staff_from_files(a)
    if staff is not None and staff.value == "500人未満" and estimate is not None and estimate >= 500:
        report.warning(
            staff.loc,
            ITEMS[KISO]["staff"].label,
            f"基礎項目評価書の{_named(b, 'staff', staff)}は、重点項目評価書 Ⅱ の使用者数と委託先の取扱者数"
            f"（合わせて少なくとも {estimate} 人）と合いません。どちらかを直してください。",
        )
    incident = _choice(b, "incident")
    answers = []
    for f in a.files:
        risks = f.risks
        value = risks.get(*_INCIDENT_3Y) if isinstance(risks, Record) else None
        if isinstance(value, Choice) and value.value:
            answers.append(value)
    if (
        incident is not None
        and incident.value == "発生あり"
        and answers
        and all(v.value == "発生なし" for v in answers)
    ):
        report.error(
            incident.loc,
            ITEMS[KISO]["incident"].label,
            f"基礎項目評価書の{_named(b, 'incident', incident)}は、重点項目評価書 Ⅲ ７．②（過去3年以内の個人情報に関する"
            f"重大事故）「発生なし」（{_at(answers[0].loc)}）と合いません。1年以内の特定個人情報の重大事故は、"
            "3年以内の個人情報の重大事故でもあります。",
        )
    people = _choice(b, "people")
    juten_people = _choice(a, "people")
    if people is not None and people.value and (juten_people is None or not juten_people.value):
        # the count is written only in the paired file (the 重点 leaves Ⅰ-1 ③ blank)
        _file_people(a, people, f"基礎項目評価書の{_named(b, 'people', people)}", report)
