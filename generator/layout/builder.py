"""Model → layout IR: the official form's tables, row by row, driven by the form definition.

The definition (``generator.form.definition``) says what is printed; this module says how an
item, a row group, a heading, a repeated block, the cover, an annex and the change list are
laid out: which item is a label and value row, which prints a ＜選択肢＞ box, which label spans
rows, where the repeated blocks' group rows (「システム2～5」) stand. It names no form's items.

The form's main tables use one grid of four columns: group label | label | value | options.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import dates
from ..epoch import source_date_epoch
from ..form import schema as s
from ..form.definition import FormDefinition
from ..markup import render_markdown
from ..model import Assessment, BlockRef, Checks, Choice, DateValue, Flag, Record, Text
from ..records import replace
from . import ir

FORM_GRID = (12, 18, 45, 25)
CHANGES_GRID = (10, 17, 27, 27, 7, 12)

BlockText = Callable[[BlockRef], str]


def _no_blocks(ref: BlockRef) -> str:
    raise LookupError(ref.id)


class Builder:
    def __init__(self, assessment: Assessment, block_text: BlockText = _no_blocks) -> None:
        self.a = assessment
        self.form: FormDefinition = assessment.form
        self.block_text = block_text

    # -- text -------------------------------------------------------------

    def flow(self, text: Text | None) -> ir.Flow:
        if text is None:
            return ()
        out: list[ir.Para] = []
        for part in text.parts:
            source = part if isinstance(part, str) else self.block_text(part)
            out.extend(render_markdown(source))
        return tuple(out)

    def plain(self, text: Text | None) -> str:
        return ir.flow_text(self.flow(text))

    # -- cells ------------------------------------------------------------

    @staticmethod
    def label(text: str, role: ir.CellRole = "label", colspan: int = 2, **kw) -> ir.Cell:
        return ir.text_cell(text, role, colspan=colspan, **kw)

    def value_cells(self, item: s.Item, value: object, span: int, record: Record) -> list[ir.Cell]:
        """Cells for an item's value over ``span`` grid columns (the last one is the options box)."""
        if item.kind == "choice":
            chosen = value.value if isinstance(value, Choice) else None
            box: tuple[ir.Content, ...] = (ir.Options(item.options, item.columns),)
            if item.count_of:
                # the form prints the count after the option list: 「1) 委託する 2) 委託しない （ 2 ）件」
                n = len(record.records(item.count_of))
                box += (ir.TextContent(ir.plain(f"（ {n if n else '　'} ）件")),)
            return [
                ir.Cell((ir.ChoiceValue(chosen),), role="choice", colspan=span - 1),
                ir.Cell(box, role="options"),
            ]
        if item.kind == "checks":
            return [ir.Cell((self.grid(item, value),), role="checks", colspan=span)]
        if item.kind == "fixed":
            return [ir.text_cell(item.fixed, colspan=span)]
        if item.kind == "derived":
            return [ir.Cell((self.derived(item, record),), role="checks", colspan=span)]
        if isinstance(value, DateValue):
            shown = dates.to_wareki(value.date) if value.date else ""
            # a unit follows a written date (「令和7年4月1日 時点」)
            return [ir.text_cell(f"{shown} {item.unit}" if shown and item.unit else shown, colspan=span)]
        return [
            ir.Cell((ir.TextContent(self.flow(value if isinstance(value, Text) else None)),), colspan=span)
        ]

    def grid(self, item: s.Item, value: object) -> ir.CheckGrid:
        checks = value if isinstance(value, Checks) else Checks((), None)  # type: ignore[arg-type]
        aliases = dict(item.aliases)
        alternatives = set(aliases.values())

        def box(opt: str) -> ir.CheckItem:
            alt = aliases.get(opt)
            if alt is not None and checks.has(alt):  # the alternative is printed in the option's place
                opt = alt
            detail = (checks.detail(opt) or "") if opt in item.detail else None
            return ir.CheckItem(opt, checks.has(opt), detail)

        cells: list[ir.CheckItem | ir.CheckCaption] = []
        captioned: set[str] = set()
        for caption, group in item.captions:  # captions start rows of the grid
            cells.append(ir.CheckCaption(caption))
            cells += [box(opt) for opt in group]
            captioned.update(group)
        cells += [box(o) for o in item.options if o not in captioned and o not in alternatives]
        # the last option, when it has a （ ） field (「その他」), spans the grid's width
        last = item.captions[-1][1][-1] if item.captions else (item.options[-1] if item.options else "")
        wide = (last,) if item.columns > 1 and last in item.detail else ()
        return ir.CheckGrid(tuple(cells), item.columns, wide=wide)

    def tally(self, item: s.Item, record: Record) -> list[tuple[str, int]]:
        """(box label, count) of a derived item: members of its lists, a member standing for
        several when it gives its own count (a 提供先 block with 「件数: 22」)."""
        out: list[tuple[str, int]] = []
        for label, key, own in item.tally:
            total = 0
            for member in record.records(key):
                extra = member.text(own) if own else None
                written = self.plain(extra).strip() if extra and not extra.empty else ""
                # a count that is no number is the reader's error; rules may lay out all the same
                total += int(written) if re.fullmatch("[0-9０-９]{1,9}", written) else 1
            out.append((label, total))
        return out

    def derived(self, item: s.Item, record: Record) -> ir.CheckGrid:
        counts = self.tally(item, record)

        def shown(n: int) -> str:
            return f"（ {n if n else '　'} ）件"

        boxes = [ir.CheckItem(label, n > 0, count=shown(n)) for label, n in counts]
        if item.tally_none:
            boxes.append(ir.CheckItem(item.tally_none, all(n == 0 for _, n in counts)))
        return ir.CheckGrid(tuple(boxes), columns=len(boxes))

    # -- rows -------------------------------------------------------------

    def rows(self, nodes: tuple[s.Node, ...], record: Record) -> list[ir.Row]:
        out: list[ir.Row] = []
        for n in nodes:
            if isinstance(n, s.Item):
                out += self.item_rows(n, record)
            elif isinstance(n, s.RowGroup):
                out += self.group_rows(n, record)
            elif isinstance(n, s.Head):
                out += self.head_rows(n, record)
            elif isinstance(n, s.Repeat):
                out += self.repeat_rows(n, record)
        return out

    def item_rows(self, item: s.Item, record: Record) -> list[ir.Row]:
        value = record.values.get(item.key)
        if item.wide:
            flow = (
                ir.plain(item.fixed)
                if item.kind == "fixed"
                else self.flow(value if isinstance(value, Text) else None)
            )
            rows = [ir.Row((ir.Cell((ir.TextContent(flow),), colspan=4),))]
            if not item.label:  # a note printed by the form under the item before it
                return rows
            return [ir.Row((self.label(item.label, colspan=4, star=item.star),), kind="heading"), *rows]
        cells = [self.label(item.label, star=item.star), *self.value_cells(item, value, 2, record)]
        return [ir.Row(tuple(cells))]

    def group_rows(self, g: s.RowGroup, record: Record) -> list[ir.Row]:
        height = len(g.subs) + (1 if g.lead else 0)
        group = ir.text_cell(g.label, "group", rowspan=height, vertical=g.vertical, star=g.star)
        rows: list[ir.Row] = []
        if g.lead is not None:
            lead_value = record.values.get(g.lead.key)
            rows.append(ir.Row((group, *self.value_cells(g.lead, lead_value, 3, record))))
        for i, sub in enumerate(g.subs):
            cells = [self.label(sub.label, "sublabel", colspan=1, star=sub.star)]
            cells += self.value_cells(sub, record.values.get(sub.key), 2, record)
            if i == 0 and g.lead is None:
                cells.insert(0, group)
            rows.append(ir.Row(tuple(cells)))
        return rows

    def head_rows(self, h: s.Head, record: Record) -> list[ir.Row]:
        child = record if h.flat else record.values.get(h.key)
        if not isinstance(child, Record):
            child = Record(record.loc)
        if h.flags:
            flags = ir.CheckGrid(
                tuple(ir.CheckItem(f.label, self._flag(child, f.key)) for f in h.flags), columns=len(h.flags)
            )
            heading = ir.Row(
                (self.label(h.label, "heading", colspan=3, star=h.star), ir.Cell((flags,), role="checks")),
                kind="heading",
            )
        else:
            heading = ir.Row((self.label(h.label, "heading", colspan=4, star=h.star),), kind="heading")
        return [heading, *self.rows(h.children, child)]

    @staticmethod
    def _flag(record: Record, key: str) -> bool:
        v = record.values.get(key)
        return isinstance(v, Flag) and v.value

    def repeat_rows(self, r: s.Repeat, record: Record) -> list[ir.Row]:
        members = record.records(r.key) or [Record(record.loc)]  # member 1 is always printed
        rows: list[ir.Row] = []
        for n, member in enumerate(members, 1):
            group = s.group_label(r.member, n, r.printed_groups)
            if group and group.startswith(f"{r.member}{n}～"):
                rows.append(ir.Row((self.label(group, "heading", colspan=4),), kind="heading"))
            title = r.title and member.values.get(r.title.key)
            title_cell = ir.Cell(
                (ir.TextContent(self.flow(title if isinstance(title, Text) else None)),), colspan=2
            )
            rows.append(ir.Row((self.label(f"{r.member}{n}", "heading"), title_cell), kind="heading"))
            rows += self.rows(r.children, member)
        # unused groups print as their header row only
        for lo, hi in r.printed_groups:
            if lo > len(members):
                rows.append(
                    ir.Row((self.label(f"{r.member}{lo}～{hi}", "heading", colspan=4),), kind="heading")
                )
        return rows

    # -- parts ------------------------------------------------------------

    def form_part(self, pid: str, title: str, short: str, section: s.Section, record: Record) -> ir.Part:
        table = ir.Table(FORM_GRID, tuple(self.rows(section.children, record)))
        return ir.Part(pid, title, short, (ir.Heading(title, 2, pid), table))

    def cover(self) -> ir.Part:
        """The cover: the edition mark, the title, the cover's items in the official three tables
        (the leading short items as a header row over their values, the long ones as headed
        paragraphs, the rest as label | value rows) and the 項目一覧."""
        form = self.form
        sec = form.cover
        items = [n for n in sec.children if isinstance(n, s.Item)]
        blocks: list[ir.Block] = [
            ir.Paragraph(ir.plain(form.mark), style="note"),
            ir.Heading(form.title, 1, sec.id),
        ]
        lead: list[s.Item] = []
        for item in items:
            if item.wide:
                break
            lead.append(item)
        rest = items[len(lead) :]
        wide = [i for i in rest if i.wide]
        facts = [i for i in rest if not i.wide]
        if lead:
            widths = (20, 80) if len(lead) == 2 else tuple(100 // len(lead) for _ in lead)
            blocks.append(
                ir.Table(
                    widths,
                    (
                        ir.Row(tuple(ir.text_cell(i.label, "header") for i in lead), kind="header"),
                        ir.Row(tuple(ir.text_cell(self.printed(i)) for i in lead)),
                    ),
                    header_rows=1,
                    style="cover",
                )
            )
        if wide:
            rows: list[ir.Row] = []
            for i in wide:
                rows.append(ir.Row((ir.text_cell(i.label, "heading"),), kind="heading"))
                rows.append(ir.Row((ir.Cell((ir.TextContent(self.flow(self.a.cover.text(i.key))),)),)))
            blocks.append(ir.Table((100,), tuple(rows), style="cover"))
        if facts:
            blocks.append(
                ir.Table(
                    (30, 70),
                    tuple(
                        ir.Row((ir.text_cell(i.label, "label"), ir.text_cell(self.printed(i)))) for i in facts
                    ),
                    style="cover",
                )
            )
        if form.toc:
            blocks.append(ir.Paragraph(ir.plain(form.toc_caption), style="caption"))
            blocks.append(ir.Paragraph(tuple(ir.Para((ir.Run(line),)) for line in form.toc)))
        return ir.Part(sec.id, form.title, sec.short, tuple(blocks), toc=False)

    def printed(self, item: s.Item) -> str:
        """A cover item's value as one line of text (dates in 和暦)."""
        value = self.a.cover.get(item.key)
        if isinstance(value, DateValue):
            return dates.to_wareki(value.date) if value.date else ""
        if isinstance(value, Choice):
            return value.value or ""
        return self.plain(value if isinstance(value, Text) else None)

    def annex(self, annex: s.Annex, n: int, groups: list) -> ir.Part:
        pid = f"{annex.id}-{n}"
        blocks: list[ir.Block] = [ir.Heading(annex.title, 2, pid)]
        for g in groups:
            if g.caption:
                blocks.append(ir.Paragraph(ir.plain(g.caption), style="caption"))
            if g.subcaption:
                blocks.append(ir.Paragraph(ir.plain(g.subcaption), style="caption"))
            if g.items is not None and not g.items.empty:
                blocks.append(ir.Paragraph(self.flow(g.items)))
            if g.note is not None and not g.note.empty:
                blocks.append(ir.Paragraph(self.flow(g.note), style="note"))
        return ir.Part(pid, annex.title, f"{annex.short} {self.form.file_word}{n}", tuple(blocks))

    def changes(self) -> ir.Part:
        annex = self.form.changes
        header = ir.Row(tuple(ir.text_cell(c.label, "header") for c in annex.columns), kind="header")
        rows = [header]
        for row in self.a.changes:
            date = dates.to_wareki(row.date.date) if row.date.date else ""
            rows.append(
                ir.Row(
                    (
                        ir.text_cell(date),
                        ir.Cell((ir.TextContent(self.flow(row.item)),)),
                        ir.Cell((ir.TextContent(self.flow(row.before)),)),
                        ir.Cell((ir.TextContent(self.flow(row.after)),)),
                        ir.text_cell(row.timing.value or ""),
                        ir.Cell((ir.TextContent(self.flow(row.reason)),)),
                    ),
                    keep_together=False,
                )
            )
        table = ir.Table(CHANGES_GRID, tuple(rows), header_rows=1, style="list")
        return ir.Part(annex.id, annex.title, annex.short, (ir.Heading(annex.title, 2, annex.id), table))

    def section_part(self, sec: s.Section, record: Record, number: int = 0) -> ir.Part:
        pid = f"{sec.id}-{number}" if number else sec.id
        short = sec.short
        if number and len(self.a.files) > 1:
            short += f" {self.form.file_word}{number}"
        return self.form_part(pid, sec.title, short, sec, record)

    def document(self) -> ir.Document:
        a, form = self.a, self.form
        parts: list[ir.Part] = []
        for sec in form.sections:
            if sec is form.cover:
                parts.append(self.cover())
            elif not sec.per_file:
                parts.append(self.section_part(sec, a.section(sec.id)))
            elif sec is form.per_file_sections[0]:  # the per-file sections, file after file
                for f in a.files:
                    for fsec in form.per_file_sections:
                        parts.append(self.section_part(fsec, f.record(fsec.id), f.number))
                        if fsec.annex is not None:
                            parts.append(self.annex(fsec.annex, f.number, f.annexes.get(fsec.id, [])))
        parts.append(self.changes())
        keys = form.cover_keys
        published = a.cover.get(keys.published)
        pub_date = published.date if isinstance(published, DateValue) else None
        return ir.Document(
            title=form.title,
            name=a.title,
            number=self.plain(a.cover.text(keys.number)),
            organisation=self.plain(a.cover.text(keys.organisation)),
            published=dates.to_wareki(pub_date) if pub_date else "",
            parts=tuple(_anchor_rows(p) for p in parts),
            timestamp=timestamp(pub_date),
            meta={"form": form.kind, "edition": form.edition, "mark": form.mark},
        )


def _anchor_rows(part: ir.Part) -> ir.Part:
    """Every table row gets an id, ``<part id>-r<n>`` in row order: a link target for the site's
    search results and tables of contents (the same sources give the same ids)."""
    n = 0
    blocks: list[ir.Block] = []
    for block in part.blocks:
        if isinstance(block, ir.Table):
            rows = []
            for row in block.rows:
                n += 1
                rows.append(row if row.anchor else replace(row, anchor=f"{part.id}-r{n}"))
            block = replace(block, rows=tuple(rows))
        blocks.append(block)
    return replace(part, blocks=tuple(blocks))


def timestamp(published: dates.FormDate | None) -> str:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the 公表日 at midnight UTC."""
    epoch = source_date_epoch()
    if epoch is not None:
        return epoch.strftime("%Y-%m-%dT%H:%M:%SZ")
    if published is not None:
        return published.as_date().strftime("%Y-%m-%dT00:00:00Z")
    return "2000-01-01T00:00:00Z"


def build_document(assessment: Assessment, block_text: BlockText = _no_blocks) -> ir.Document:
    return Builder(assessment, block_text).document()
