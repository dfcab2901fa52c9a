"""What the walker found, as the source folder's YAML data, and the review list of what to check."""

from __future__ import annotations

import re
from typing import Any

from ..form import schema as s
from ..form.definition import FormDefinition
from ..records import dataclass, field
from .blockmatch import Matcher
from .cells import Cell
from .labels import fold, label_key
from .values import Box, markdown_text, read_boxes, read_choice
from .walk import ANNEX1, ANNEX2, Found, Part, Walker


@dataclass(frozen=True)
class Note:
    """One line of the review list: the item, what to check, where in the input it came from."""

    kind: str  # 見つからない / 選択肢にない / 推定 / 件数 / 共通記載 / 取り込まなかった文字
    label: str
    message: str
    where: str = ""


@dataclass
class FlowRef:
    """A block reference written as a flow mapping (``{block: id, version: v}``)."""

    block: str
    version: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    files: dict[str, dict[str, Any]]  # file stem → YAML mapping, in form order
    notes: list[Note]


def assemble(walker: Walker, matcher: Matcher | None) -> Result:
    form = walker.form
    files: dict[str, dict[str, Any]] = {}
    notes: list[Note] = []
    builder = _Builder(notes, matcher)
    annex1: dict[int, list[dict[str, Any]]] = {}
    changes: list[dict[str, Any]] = []
    for idx, part in enumerate(walker.parts):
        if part.section == ANNEX1:
            annex1.setdefault(part.number, []).extend(_annex1(part))
            continue
        if part.section == ANNEX2:
            changes.extend(builder.annex2(part, form))
            continue
        sec = part.section
        assert isinstance(sec, s.Section)
        stem = f"{sec.file}_{part.number}" if sec.per_file else sec.file
        prefix = f"{sec.path_title.split()[0]}（ファイル{part.number}）" if sec.per_file else sec.path_title
        data = builder.section(
            part, prefix or "表紙", {k[1]: v for k, v in walker.counts.items() if k[0] == idx}
        )
        files[stem] = data
    annexed = next((sec for sec in form.per_file_sections if sec.annex is not None), None)
    for n, groups in annex1.items():
        if annexed is None or annexed.annex is None:
            break
        stem = f"{annexed.file}_{n}"
        if groups and stem in files:
            files[stem][annexed.annex.key] = groups
    _every_file_whole(form, files, notes)
    for sec in form.sections:
        stems = [k for k in files if k == sec.file or k.startswith(sec.file + "_")]
        if not stems:
            notes.append(
                Note("見つからない", sec.path_title or sec.title, "様式のこの部分が見つかりませんでした。")
            )
    if changes:
        files[form.changes.file] = {form.changes.key: changes}
    _name_form(form, files)
    runs: list[list[Any]] = []  # consecutive lines left over: one note each run
    for u in sorted(walker.unplaced, key=lambda u: u.row):
        if runs and runs[-1][-1].section == u.section and u.row - runs[-1][-1].row <= 2:
            runs[-1].append(u)
        else:
            runs.append([u])
    for run in runs:
        first = run[0]
        more = f"ほか {len(run) - 1} 行、" if len(run) > 1 else ""
        notes.append(
            Note(
                "取り込まなかった文字",
                first.section,
                f"どの項目にも当てはめられませんでした: 「{_short(first.cell.text)}」（{more}入力の {first.cell.where} から）",
            )
        )
    return Result(files, notes)


_DATE = re.compile(
    r"(?:令和|平成|昭和)(?:元|[0-9０-９]{1,2})年[0-9０-９]{1,2}月(?:[0-9０-９]{1,2}日)?"
    r"|[0-9]{4}[-/年][0-9]{1,2}[-/月][0-9]{1,2}日?"
)


def _is_date(text: str) -> bool:
    from .. import dates

    try:
        dates.parse_date(text.strip())
        return True
    except dates.DateError:
        return False


def _short(text: str, n: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


class _Builder:
    def __init__(self, notes: list[Note], matcher: Matcher | None) -> None:
        self.notes = notes
        self.matcher = matcher

    def section(self, part: Part, prefix: str, counts: dict[int, int]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        sec = part.section
        assert isinstance(sec, s.Section)
        slots_found = part.found
        self._adopt_orphans(part, prefix)
        count_checks: list[tuple[int, Found, str]] = []
        derived: list[tuple[Found, str]] = []
        for index in sorted(slots_found):
            found = slots_found[index]
            slot = found.slot
            label = f"{prefix} {slot.printed}".strip()
            if slot.flags:
                text = _joined(found.cells)
                for flag in slot.flags:
                    boxes = read_boxes(text, (flag.label,), frozenset())
                    if boxes:
                        state = boxes[0].state
                        if state is None:
                            self.notes.append(
                                Note(
                                    "推定",
                                    f"{label} {flag.label}",
                                    "チェックの有無を読み取れません。チェックなしとしました。",
                                    found.where,
                                )
                            )
                        _put(data, (*slot.path, flag.key), bool(state))
                continue
            item = slot.item
            if slot.starts_member:
                _ensure(data, slot.path if item is None else slot.path[:-1])
            if item is not None and item.kind == "derived":
                derived.append((found, label))
            if item is None or item.kind in ("fixed", "derived"):
                continue
            if found.adopted:
                self.notes.append(
                    Note(
                        "推定",
                        label,
                        f"前の項目に合わない文章 {found.adopted} 行（「{_short(found.cells[0][1].text)}」など）をこの項目としました。確かめてください。",
                        found.cells[0][1].where,
                    )
                )
            value = self.value(item, found, label)
            if value is not None:
                _put(data, slot.path, value)
            if item.count_of and index in counts:
                count_checks.append((index, found, label))
        for index, found, label in count_checks:
            item = found.slot.item
            assert item is not None
            listed = _count_members(data, found.slot.path[:-1], item.count_of)
            if counts[index] != listed:
                self.notes.append(
                    Note(
                        "件数",
                        label,
                        f"文書の件数（{counts[index]}件）と取り込んだ{item.count_of}の数（{listed}件）が違います。"
                        "件数は一覧から自動で数えます。1 つのブロックが複数件を表すときは「件数:」を書いてください。",
                        found.where,
                    )
                )
        _prune(data)
        for found, label in derived:
            self._derived_counts(sec, data, found, label)
        self._missing(sec, part, prefix)
        return data

    def _adopt_orphans(self, part: Part, prefix: str) -> None:
        """Text printed before the part's first label (a scrambled extraction) goes to the part's
        first free-text item that received nothing; the review list says so."""
        if not part.orphans:
            return
        from .slots import section_slots

        sec = part.section
        assert isinstance(sec, s.Section)
        for slot in section_slots(sec):
            item = slot.item
            if item is None or item.kind != "text" or slot.member is not None:
                continue
            found = part.found.get(slot.index)
            if found is not None and found.cells:
                continue
            if found is None:
                found = part.found[slot.index] = Found(slot, where=part.orphans[0][1].where)
            found.cells[:0] = part.orphans
            self.notes.append(
                Note(
                    "推定",
                    f"{prefix} {slot.printed}".strip(),
                    f"ラベルの前にあった文章（「{_short(part.orphans[0][1].text)}」など）をこの項目としました。確かめてください。",
                    part.orphans[0][1].where,
                )
            )
            part.orphans = []
            return

    def _derived_counts(self, sec: s.Section, data: dict[str, Any], found: Found, label: str) -> None:
        """Counts a derived item prints (「提供を行っている （ 22 ）件」) belong, in order, to the
        repeated blocks beside it that allow one block to stand for several (``件数``)."""
        from .slots import section_slots

        parent = found.slot.path[:-1]
        repeats: list[s.Repeat] = []
        for slot in section_slots(sec):
            r = slot.repeat
            if r is not None and r.extra_count and slot.path[: len(parent)] == parent and r not in repeats:
                repeats.append(r)
        counts = [int(n) for n in re.findall(r"\((\d+)\)件", fold(_joined(found.cells)))]
        node: Any = data
        for p in parent:
            node = node.get(p, {}) if isinstance(node, dict) else {}
        for repeat, printed in zip(repeats, counts, strict=False):
            members = node.get(repeat.key, []) if isinstance(node, dict) else []
            listed = sum(int(m.get(repeat.extra_count, 1)) for m in members)
            if members and printed > listed and repeat.extra_count not in members[0]:
                members[0][repeat.extra_count] = printed - (len(members) - 1)
                self.notes.append(
                    Note(
                        "件数",
                        label,
                        f"文書の件数（{printed}件）が{repeat.member}の数（{len(members)}件）より多いので、"
                        f"{repeat.member}1 に「{repeat.extra_count}: {printed - (len(members) - 1)}」と書きました。確かめてください。",
                        found.where,
                    )
                )
            elif printed != listed:
                self.notes.append(
                    Note(
                        "件数",
                        label,
                        f"文書の件数（{printed}件）と{repeat.member}の数（{listed}件）が違います。",
                        found.where,
                    )
                )

    def _missing(self, sec: s.Section, part: Part, prefix: str) -> None:
        from .slots import section_slots

        for slot in section_slots(sec):
            item = slot.item
            if item is None or item.kind in ("fixed", "derived") or slot.member is not None:
                continue
            if slot.index not in part.found:
                self.notes.append(
                    Note("見つからない", f"{prefix} {slot.printed}", "この項目が見つかりませんでした。")
                )

    def value(self, item: s.Item, found: Found, label: str) -> Any:
        text = _joined(found.cells)
        match item.kind:
            case "choice":
                chosen = read_choice(text, item.options)
                if chosen is None:
                    if fold(text).replace("[]", "").split("<選択肢>")[0]:
                        self.notes.append(
                            Note(
                                "選択肢にない",
                                label,
                                f"「{_short(text)}」から選択肢を読み取れません。選択肢: {'、'.join(item.options)}",
                                found.where,
                            )
                        )
                    else:
                        self.notes.append(
                            Note("見つからない", label, "選んだ選択肢が印字されていません。", found.where)
                        )
                return chosen
            case "checks":
                boxes = read_boxes(text, item.options, item.detail)
                return self.checks(item, boxes, label, found.where)
            case "flag":
                boxes = read_boxes(text, (item.label,), frozenset())
                return bool(boxes and boxes[0].state)
            case "date":
                return self.date(_clean_text(text).strip(), label, found.where)
            case "number":
                value = _clean_text(text).strip()
                return int(value) if value.isascii() and value.isdigit() else (value or None)
            case _:
                return self.text(_clean_text(text), label, found.where)

    def date(self, text: str, label: str, where: str) -> str | None:
        """The date in the cell; a cell holding more (a scrambled extraction) keeps only the date."""
        from .. import dates

        if not text:
            return None
        try:
            dates.parse_date(text)
            return text
        except dates.DateError:
            pass
        for m in _DATE.finditer(text):
            try:
                dates.parse_date(m.group(0))
            except dates.DateError:
                continue
            self.notes.append(
                Note("推定", label, f"「{_short(text)}」から日付「{m.group(0)}」だけを取りました。", where)
            )
            return m.group(0)
        self.notes.append(Note("見つからない", label, f"「{_short(text)}」から日付を読み取れません。", where))
        return None

    def checks(self, item: s.Item, boxes: list[Box], label: str, where: str) -> list[Any]:
        unknown = [b.option for b in boxes if b.state is None]
        if unknown:
            self.notes.append(
                Note(
                    "推定",
                    label,
                    f"チェックの有無を読み取れない選択肢があります（{'、'.join(unknown)}）。"
                    "（ ）に記入のあるものだけをチェックありとしました。確かめてください。",
                    where,
                )
            )
        if not boxes:
            self.notes.append(Note("見つからない", label, "チェック欄を読み取れませんでした。", where))
        out: list[Any] = []
        for b in boxes:
            checked = b.state if b.state is not None else bool(b.detail)
            if not checked:
                continue
            out.append({b.option: b.detail} if b.option in item.detail else b.option)
        return out

    def text(self, text: str, label: str, where: str) -> Any:
        if not text.strip():
            return ""
        if self.matcher is None:
            return markdown_text(text)
        lines = text.split("\n")
        nonblank = [(i, ln) for i, ln in enumerate(lines) if ln.strip()]
        matches = self.matcher.exact([ln for _, ln in nonblank])
        if not matches:
            self._near(text, label, where)
            return markdown_text(text)
        parts: list[Any] = []
        pos = 0  # in nonblank
        for m in matches:
            if m.start > pos:
                chunk = _lines_between(lines, nonblank, pos, m.start)
                self._near(chunk, label, where)
                parts.append(markdown_text(chunk))
            c = m.candidate
            parts.append(FlowRef(c.block_id, c.version, dict(m.params)))
            pos = m.end
        if pos < len(nonblank):
            chunk = _lines_between(lines, nonblank, pos, len(nonblank))
            self._near(chunk, label, where)
            parts.append(markdown_text(chunk))
        return parts

    def _near(self, text: str, label: str, where: str) -> None:
        if self.matcher is None or len(fold(text)) < 40:
            return
        near = self.matcher.nearest(text, limit=1, minimum=0.9)
        if near and near[0].ratio >= 0.9:
            n = near[0]
            self.notes.append(
                Note(
                    "共通記載",
                    label,
                    f"共通記載ブロック {n.candidate.ref} とほぼ同じです（一致率 {n.ratio:.1%}）。"
                    f"文章のまま取り込みました。違い: {_short(n.diff, 200)}",
                    where,
                )
            )

    def annex2(self, part: Part, form: FormDefinition) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        keys = {label_key(i.label): i for i in form.changes.columns}
        for mapped in part.rows:
            row: dict[str, Any] = {}
            for col, cell in mapped:
                item = keys.get(col)
                if item is None:
                    continue
                text = _clean_text(cell.text)
                if item.kind == "choice":
                    row[item.key] = read_choice(text, item.options) or text.strip()
                elif item.kind == "date":
                    row[item.key] = text.strip()
                else:
                    prev = row.get(item.key)
                    row[item.key] = (prev + "\n\n" if prev else "") + markdown_text(text)
            date_key = next((i.key for i in form.changes.columns if i.kind == "date"), "")
            starts = _is_date(str(row.get(date_key, ""))) or (not rows and len(row) >= 3)
            if starts:
                rows.append(row)
            elif rows:  # a row continued below (a PDF table row carried over to the next page)
                last = rows[-1]
                for k, v in row.items():
                    glue = "" if k == date_key else "\n"
                    last[k] = (str(last.get(k, "")) + glue + str(v)).strip()
        # every cell as the reader takes it: a row run together with the next one (a PDF table
        # whose rule was lost) keeps its first date and option, and the review list says so
        for n, row in enumerate(rows, 1):
            for item in form.changes.columns:
                text = str(row.get(item.key, "")).strip()
                if not text:
                    continue
                where = f"{form.changes.label} {n}行目 {item.label}"
                if item.kind == "date" and not _is_date(text):
                    row[item.key] = self.date(text, where, "")
                elif item.kind == "choice":
                    chosen = read_choice(text, item.options)
                    if chosen is None:
                        found = sorted((text.find(o), o) for o in item.options if o in text)
                        chosen = found[0][1] if found else None
                        self.notes.append(
                            Note(
                                "推定",
                                where,
                                f"「{_short(text)}」から「{chosen or '（なし）'}」としました。確かめてください。",
                            )
                        )
                    row[item.key] = chosen or ""
        return rows


def _annex1(part: Part) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for mapped in part.rows:
        for _, cell in mapped:
            text = _clean_text(cell.text).rstrip()
            if not text.strip():
                continue
            if re.fullmatch(r"【[^【】]+】", text):
                groups.append({"見出し": text})
            elif re.fullmatch(r"[（(][^（）()]{1,40}[)）]", text):
                if groups and set(groups[-1]) <= {"見出し"}:
                    groups[-1]["小見出し"] = text
                else:
                    groups.append({"小見出し": text})
            elif text.startswith("※") and groups and "項目" in groups[-1]:
                groups[-1]["注記"] = markdown_text(text)
            elif groups and "項目" not in groups[-1]:
                groups[-1]["項目"] = markdown_text(text)
            elif groups:
                groups[-1]["項目"] += "\n\n" + markdown_text(text)
            else:
                groups.append({"項目": markdown_text(text)})
    return groups


def _lines_between(lines: list[str], nonblank: list[tuple[int, str]], a: int, b: int) -> str:
    first = nonblank[a][0]
    last = nonblank[b - 1][0]
    return "\n".join(lines[first : last + 1]).strip("\n")


def _joined(cells: list[tuple[int, Cell]]) -> str:
    """Cells of one row joined by a line break, rows by a blank line (the next paragraph)."""
    out: list[str] = []
    last_row = None
    for row, cell in cells:
        if last_row is not None:
            out.append("\n" if row == last_row else "\n\n")
        out.append(cell.text.strip("\n"))
        last_row = row
    return "".join(out)


def _clean_text(text: str) -> str:
    # only line breaks are trimmed: a paragraph may start with an indenting 「　」
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip("\n")


def _put(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = data
    for here, nxt in zip(path, path[1:], strict=False):
        node = _child(node, here, isinstance(nxt, int))
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append({})
        node[last] = value
    else:
        node[last] = value


def _ensure(data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    node: Any = data
    for here, nxt in zip(path, (*path[1:], None), strict=False):
        node = _child(node, here, isinstance(nxt, int))


def _child(node: Any, key: str | int, list_next: bool) -> Any:
    if isinstance(key, int):
        while len(node) <= key:
            node.append({})
        return node[key]
    if key not in node:
        node[key] = [] if list_next else {}
    return node[key]


def _count_members(data: dict[str, Any], path: tuple[str | int, ...], key: str) -> int:
    node: Any = data
    for p in path:
        if isinstance(node, dict) and p in node:
            node = node[p]
        else:
            return 0
    members = node.get(key, []) if isinstance(node, dict) else []
    return sum(int(m.get("件数", 1)) if isinstance(m, dict) else 1 for m in members)


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return value in (None, "", False)


def _prune(node: Any) -> None:
    """Drop members of repeated blocks that print nothing (the form's empty 「移転先1」)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, list) and value and all(isinstance(m, dict) for m in value):
                node[key] = [m for m in value if not _empty(m)]
            _prune(node[key])
    elif isinstance(node, list):
        for v in node:
            _prune(v)


def _name_form(form: FormDefinition, files: dict[str, dict[str, Any]]) -> None:
    """「様式:」 and 「版:」 first on the cover when they are not what a cover without them means."""
    from ..form.definition import EDITION_KEY, FORM_KEY
    from ..form.registry import get_form

    head: dict[str, Any] = {}
    if form.kind != get_form().kind:
        head[FORM_KEY] = form.kind
    if form.edition != get_form(form.kind).edition:
        head[EDITION_KEY] = form.edition
    if head:
        stem = form.cover.file
        files[stem] = {**head, **files.get(stem, {})}


def _every_file_whole(form: FormDefinition, files: dict[str, dict[str, Any]], notes: list[Note]) -> None:
    """Each 特定個人情報ファイル needs every per-file part: one the document lost is started from
    the file's name, so the folder reads, and the review list says so."""
    per_file = form.per_file_sections
    numbers = {int(k.rsplit("_", 1)[1]) for sec in per_file for k in files if k.startswith(sec.file + "_")}
    for n in sorted(numbers):
        name = next(
            (
                files[f"{sec.file}_{n}"].get(form.file_name_key)
                for sec in per_file
                if f"{sec.file}_{n}" in files
            ),
            None,
        )
        for sec in per_file:
            stem = f"{sec.file}_{n}"
            if stem not in files:
                files[stem] = {form.file_name_key: name} if form.file_name_key and name else {}
                notes.append(
                    Note(
                        "見つからない",
                        f"{sec.path_title}（ファイル{n}）",
                        "この部分が見つからないので、ファイル名だけのファイルを作りました。",
                    )
                )
