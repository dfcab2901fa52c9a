"""The portfolio as a layout IR document, so the HTML and XLSX writers print it like the forms."""

from __future__ import annotations

import datetime

from ..layout import ir
from .register import Entry, wareki

COLUMNS = (
    ("評価書番号", 5),
    ("評価書名", 13),
    ("評価実施機関名", 7),
    ("評価書の種類", 7),
    ("対象人数（時点）", 9),
    ("取扱者数（時点）", 8),
    ("重大事故", 6),
    ("しきい値判断結果", 10),
    ("公表日", 7),
    ("最後の再実施", 7),
    ("再実施の期限（5年）", 7),
    ("見直しの目安（1年）", 7),
    ("終了・公表終了", 7),
)


def _count(value: str, as_of: str) -> str:
    return f"{value}（{as_of}）" if value and as_of else value


def row(e: Entry) -> tuple[str, ...]:
    ended = f"{wareki(e.ended)} 終了（{wareki(e.keep_until)}まで公表）" if e.ended else ""
    return (
        e.number,
        e.title,
        e.organisation,
        e.forms,
        _count(e.people.value, e.people.as_of),
        _count(e.staff.value, e.staff.as_of),
        _count(e.incident.value, e.incident.as_of),
        e.threshold,
        wareki(e.published),
        wareki(e.last_assessed),
        wareki(e.deadline) + ("\n" + "・".join(e.notes) if e.notes else ""),
        wareki(e.review_due),
        ended,
    )


def document(entries: list[Entry], today: datetime.date, city: str = "") -> ir.Document:
    header = ir.Row(tuple(ir.text_cell(name, "label") for name, _ in COLUMNS), kind="header")
    rows = tuple(ir.Row(tuple(ir.text_cell(text) for text in row(e))) for e in entries)
    total = sum(w for _, w in COLUMNS)
    widths = tuple(round(w * 100 / total) for _, w in COLUMNS)
    widths = widths[:-1] + (100 - sum(widths[:-1]),)
    title = "特定個人情報保護評価計画管理書"
    table = ir.Table(widths, (header, *rows), header_rows=1, style="list")
    note = ir.Paragraph(
        ir.plain(
            f"{wareki(today)}現在。再実施の期限は最後の再実施（Ⅴ １．①実施日）から5年を経過する前の日、見直しの目安は公表日・変更日の1年後です。"
        ),
        "note",
    )
    part = ir.Part("portfolio", title, "計画管理書", (ir.Heading(title, 1), note, table))
    return ir.Document(
        title=title,
        name=title,
        number="",
        organisation=city,
        published=wareki(today),
        parts=(part,),
        timestamp=f"{today.isoformat()}T00:00:00Z",
    )
