"""Model → layout IR: the official form's tables, row by row.

With the schema, this is the only code that knows the form's layout: which item is a label
and value row, which prints a ＜選択肢＞ box, which label spans rows, where the repeated blocks'
group rows (「委託事項2～5」) stand, and the page order of the parts.

The form's main tables use one grid of four columns: group label | label | value | options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .. import dates
from ..epoch import source_date_epoch
from ..form import options as opts
from ..form import schema as s
from ..markup import render_markdown
from ..model import Assessment, BlockRef, Checks, Choice, DateValue, Flag, Record, Text
from . import ir

FORM_GRID = (12, 18, 45, 25)
CHANGES_GRID = (10, 17, 27, 27, 7, 12)

BlockText = Callable[[BlockRef], str]


def _no_blocks(ref: BlockRef) -> str:
    raise LookupError(ref.id)


class Builder:
    def __init__(self, assessment: Assessment, block_text: BlockText = _no_blocks) -> None:
        self.a = assessment
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
            return [ir.text_cell(dates.to_wareki(value.date) if value.date else "", colspan=span)]
        return [
            ir.Cell((ir.TextContent(self.flow(value if isinstance(value, Text) else None)),), colspan=span)
        ]

    def grid(self, item: s.Item, value: object) -> ir.CheckGrid:
        checks = value if isinstance(value, Checks) else Checks((), None)  # type: ignore[arg-type]
        if item.options is opts.記録項目:
            return self.record_items_grid(checks)
        items = tuple(
            ir.CheckItem(opt, checks.has(opt), checks.detail(opt) if opt in item.detail else None)
            if checks.has(opt)
            else ir.CheckItem(opt, False, "" if opt in item.detail else None)
            for opt in item.options
        )
        return ir.CheckGrid(items, item.columns, wide=("その他",) if item.columns > 1 else ())

    def record_items_grid(self, checks: Checks) -> ir.CheckGrid:
        """主な記録項目: captions start rows; the 4情報 label replaces 5情報 when that is the one checked."""
        items: list[ir.CheckItem | ir.CheckCaption] = []
        for caption, group in opts.記録項目_GROUPS:
            items.append(ir.CheckCaption(caption))
            for opt in group:
                if opt == opts.記録項目_5情報 and checks.has(opts.記録項目_4情報):
                    opt = opts.記録項目_4情報
                detail = (checks.detail(opt) or "") if opt in opts.記録項目_DETAIL else None
                items.append(ir.CheckItem(opt, checks.has(opt), detail))
        return ir.CheckGrid(tuple(items), 3, wide=("その他",))

    def derived(self, item: s.Item, record: Record) -> ir.CheckGrid:
        # 提供・移転の有無 follows from the 提供先 / 移転先 lists; counts include blocks standing for several
        def count(key: str) -> int:
            total = 0
            for member in record.records(key):
                extra = member.text("件数")
                total += int(self.plain(extra)) if extra and not extra.empty else 1
            return total

        provide, transfer = count("提供先"), count("移転先")

        def shown(n: int) -> str:
            return f"（ {n if n else '　'} ）件"

        return ir.CheckGrid(
            (
                ir.CheckItem("提供を行っている", provide > 0, count=shown(provide)),
                ir.CheckItem("移転を行っている", transfer > 0, count=shown(transfer)),
                ir.CheckItem("行っていない", provide == 0 and transfer == 0),
            ),
            columns=3,
        )

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
            return [
                ir.Row((self.label(item.label, colspan=4, star=item.star),), kind="heading"),
                ir.Row(
                    (
                        ir.Cell(
                            (ir.TextContent(self.flow(value if isinstance(value, Text) else None)),),
                            colspan=4,
                        ),
                    )
                ),
            ]
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
            group = s.group_label(r.member, n)
            if group and group.startswith(f"{r.member}{n}～"):
                rows.append(ir.Row((self.label(group, "heading", colspan=4),), kind="heading"))
            title = r.title and member.values.get(r.title.key)
            title_cell = ir.Cell(
                (ir.TextContent(self.flow(title if isinstance(title, Text) else None)),), colspan=2
            )
            rows.append(ir.Row((self.label(f"{r.member}{n}", "heading"), title_cell), kind="heading"))
            rows += self.rows(r.children, member)
        # unused groups print as their header row only
        for lo, hi in s.GROUPS:
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
        c = self.a.cover
        title = s.COVER.title
        declaration = c.text("個人のプライバシー等の権利利益の保護の宣言")
        remarks = c.text("特記事項")
        published = c.get("公表日")
        published_text = (
            dates.to_wareki(published.date) if isinstance(published, DateValue) and published.date else ""
        )
        blocks: list[ir.Block] = [
            ir.Heading(title, 1, "cover"),
            ir.Table(
                (20, 80),
                (
                    ir.Row(
                        (ir.text_cell("評価書番号", "header"), ir.text_cell("評価書名", "header")),
                        kind="header",
                    ),
                    ir.Row(
                        (
                            ir.text_cell(self.plain(c.text("評価書番号"))),
                            ir.text_cell(self.plain(c.text("評価書名"))),
                        )
                    ),
                ),
                header_rows=1,
                style="cover",
            ),
            ir.Table(
                (100,),
                (
                    ir.Row(
                        (ir.text_cell("個人のプライバシー等の権利利益の保護の宣言", "heading"),),
                        kind="heading",
                    ),
                    ir.Row((ir.Cell((ir.TextContent(self.flow(declaration)),)),)),
                    ir.Row((ir.text_cell("特記事項", "heading"),), kind="heading"),
                    ir.Row((ir.Cell((ir.TextContent(self.flow(remarks)),)),)),
                ),
                style="cover",
            ),
            ir.Table(
                (30, 70),
                (
                    ir.Row(
                        (
                            ir.text_cell("評価実施機関名", "label"),
                            ir.text_cell(self.plain(c.text("評価実施機関名"))),
                        )
                    ),
                    ir.Row((ir.text_cell("公表日", "label"), ir.text_cell(published_text))),
                ),
                style="cover",
            ),
            ir.Paragraph(ir.plain("項目一覧"), style="caption"),
            ir.Paragraph(tuple(ir.Para((ir.Run(line),)) for line in s.TOC)),
        ]
        return ir.Part("cover", title, "表紙", tuple(blocks), toc=False)

    def annex1(self, n: int, groups: list) -> ir.Part:
        pid = f"annex1-{n}"
        blocks: list[ir.Block] = [ir.Heading(s.ANNEX1_TITLE, 2, pid)]
        for g in groups:
            if g.caption:
                blocks.append(ir.Paragraph(ir.plain(g.caption), style="caption"))
            if g.subcaption:
                blocks.append(ir.Paragraph(ir.plain(g.subcaption), style="caption"))
            if g.items is not None and not g.items.empty:
                blocks.append(ir.Paragraph(self.flow(g.items)))
            if g.note is not None and not g.note.empty:
                blocks.append(ir.Paragraph(self.flow(g.note), style="note"))
        return ir.Part(pid, s.ANNEX1_TITLE, f"別添1 ファイル{n}", tuple(blocks))

    def changes(self) -> ir.Part:
        header = ir.Row(tuple(ir.text_cell(c.label, "header") for c in s.ANNEX2_COLUMNS), kind="header")
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
        return ir.Part(
            "annex2", s.ANNEX2_TITLE, "別添2 変更箇所", (ir.Heading(s.ANNEX2_TITLE, 2, "annex2"), table)
        )

    def document(self) -> ir.Document:
        a = self.a
        parts = [self.cover(), self.form_part("s1", s.SECTION1.title, "Ⅰ 基本情報", s.SECTION1, a.basic)]
        many = len(a.files) > 1
        for f in a.files:
            suffix = f" ファイル{f.number}" if many else ""
            parts.append(
                self.form_part(f"s2-{f.number}", s.SECTION2.title, f"Ⅱ 概要{suffix}", s.SECTION2, f.overview)
            )
            parts.append(self.annex1(f.number, f.annex1))
            parts.append(
                self.form_part(
                    f"s3-{f.number}", s.SECTION3.title, f"Ⅲ リスク対策{suffix}", s.SECTION3, f.risks
                )
            )
        parts.append(self.form_part("s4", s.SECTION4.title, "Ⅳ 開示請求、問合せ", s.SECTION4, a.disclosure))
        parts.append(self.form_part("s5", s.SECTION5.title, "Ⅴ 評価実施手続", s.SECTION5, a.procedure))
        parts.append(self.changes())
        published = a.cover.get("公表日")
        pub_date = published.date if isinstance(published, DateValue) else None
        return ir.Document(
            title=s.COVER.title,
            name=a.title,
            number=self.plain(a.cover.text("評価書番号")),
            organisation=self.plain(a.cover.text("評価実施機関名")),
            published=dates.to_wareki(pub_date) if pub_date else "",
            parts=tuple(_anchor_rows(p) for p in parts),
            timestamp=timestamp(pub_date),
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
