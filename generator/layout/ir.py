"""Layout IR: the official form as tables, rows and cells, free of form knowledge.

The layout builder (``generator.layout.builder``) is the only producer; the writers (html, docx,
xlsx) are consumers that render these nodes and nothing else. Like a docutils document tree,
the IR says *what* stands where (a label cell spanning two grid columns, a choice box, a
check-box grid, a page break) and leaves *how* to the writer.

Text content is a *flow*: a tuple of paragraphs. A paragraph holds runs; a run's text may
contain ``\\n`` (a hard line break inside the paragraph). A list item is a paragraph with a
``marker`` ("1.", "・") printed before it, so numbers survive in every format as text.
"""

from __future__ import annotations

from ..records import dataclass, field

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from typing import Literal

# ---------------------------------------------------------------------------
# Text


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Para:
    runs: tuple[Run, ...]
    marker: str = ""  # list marker printed before the text ("1.", "・"); empty for plain paragraphs
    level: int = 0  # list nesting depth (0 = not indented)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


Flow = tuple[Para, ...]


def plain(text: str) -> Flow:
    """A flow of one paragraph per blank-line-separated chunk; single newlines stay line breaks."""
    if not text:
        return ()
    chunks = [c for c in text.split("\n\n") if c.strip()]
    return tuple(Para((Run(c),)) for c in chunks)


def flow_text(flow: Flow) -> str:
    """The flow as plain text: paragraphs on their own lines, markers kept (for diffs, search)."""
    lines = []
    for p in flow:
        lines.append((p.marker + " " if p.marker else "") + p.text)
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Cell content


@dataclass(frozen=True, slots=True)
class TextContent:
    flow: Flow


@dataclass(frozen=True, slots=True)
class ChoiceValue:
    """The chosen value of a single-choice item, printed in brackets: ``[ 十分である ]``."""

    value: str | None  # None prints the empty box ``[ ]``
    suffix: str = ""  # printed after the box, e.g. a count ``（ 2 ）件``


@dataclass(frozen=True, slots=True)
class Options:
    """The ＜選択肢＞ box: numbered options, laid out ``columns`` to a row."""

    options: tuple[str, ...]
    columns: int = 1
    heading: str = "＜選択肢＞"

    def numbered(self) -> list[str]:
        return [f"{i}） {o}" for i, o in enumerate(self.options, 1)]


@dataclass(frozen=True, slots=True)
class CheckItem:
    label: str
    checked: bool
    detail: str | None = None  # text of a （ ） field; None when the option has no field
    count: str | None = None  # a count printed after, e.g. "（ 1 ）件"; None when none


@dataclass(frozen=True, slots=True)
class CheckCaption:
    """A caption line inside a grid (「・識別情報」); it starts a new grid row."""

    text: str


@dataclass(frozen=True, slots=True)
class CheckGrid:
    """Check boxes, ``columns`` to a row (row-major). ``wide`` items stand on a row of their own."""

    items: tuple[CheckItem | CheckCaption, ...]
    columns: int = 1
    wide: tuple[str, ...] = ()  # labels that take a whole row (「その他」)

    def rows(self) -> list[list[CheckItem | CheckCaption]]:
        rows: list[list[CheckItem | CheckCaption]] = []
        current: list[CheckItem | CheckCaption] = []
        for item in self.items:
            starts_row = isinstance(item, CheckCaption) or (
                isinstance(item, CheckItem) and item.label in self.wide
            )
            if starts_row and current:
                rows.append(current)
                current = []
            current.append(item)
            caption_row = isinstance(current[0], CheckCaption)
            limit = self.columns + (1 if caption_row else 0)
            if (isinstance(item, CheckItem) and item.label in self.wide) or len(current) >= limit:
                rows.append(current)
                current = []
        if current:
            rows.append(current)
        return rows


Content = TextContent | ChoiceValue | Options | CheckGrid

if TYPE_CHECKING:
    CellRole = Literal[
        "label", "sublabel", "group", "value", "choice", "options", "heading", "header", "checks"
    ]


@dataclass(frozen=True, slots=True)
class Cell:
    content: tuple[Content, ...]
    role: CellRole = "value"
    colspan: int = 1
    rowspan: int = 1
    vertical: bool = False  # text set vertically (the form's 「再委託」 group label)
    star: bool = False  # the label carries ※ (already part of its text; kept for writers' styling)
    anchor: str | None = None  # stable id for links (HTML anchors, search results)

    def text(self) -> str:
        out: list[str] = []
        for c in self.content:
            if isinstance(c, TextContent):
                out.append(flow_text(c.flow))
            elif isinstance(c, ChoiceValue):
                out.append(f"[ {c.value or ''} ]{c.suffix}")
            elif isinstance(c, Options):
                out.append(c.heading + " " + " ".join(c.numbered()))
            elif isinstance(c, CheckGrid):
                for it in c.items:
                    if isinstance(it, CheckCaption):
                        out.append(it.text)
                    else:
                        out.append(check_line(it))
        return "\n".join(out)


def check_line(item: CheckItem) -> str:
    box = "[ ○ ]" if item.checked else "[ ]"
    text = f"{box} {item.label}"
    if item.detail is not None:
        text += f" （ {item.detail} ）"
    if item.count is not None:
        text += f" {item.count}"
    return text


def text_cell(text: str | Flow, role: CellRole = "value", **kw) -> Cell:
    flow = plain(text) if isinstance(text, str) else text
    return Cell((TextContent(flow),), role=role, **kw)


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    kind: Literal["item", "heading", "group", "header"] = "item"
    keep_together: bool = True  # a short row is not split across pages
    anchor: str | None = None

    def anchored(self, anchor: str) -> Row:
        """The row with ``anchor`` (as records.replace, at a fraction of its cost: every row
        of a document gets one)."""
        return Row(self.cells, self.kind, self.keep_together, anchor)


# ---------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int  # 1 = document title, 2 = part (Ⅰ, Ⅱ …), 3 = sub heading
    anchor: str | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    flow: Flow
    style: Literal["body", "caption", "note", "title"] = "body"


@dataclass(frozen=True, slots=True)
class Table:
    """A table on a grid of ``widths`` (relative column widths, summing to 100)."""

    widths: tuple[int, ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    header_rows: int = 0  # leading rows repeated on every printed page
    style: Literal["form", "list", "cover"] = "form"


Block = Heading | Paragraph | Table


@dataclass(frozen=True, slots=True)
class Part:
    """A printed part of the form; every part after the first starts on a new page."""

    id: str  # stable anchor / sheet key ("cover", "s1", "s2-1", "annex1-1", "s3-1", "s4", "s5", "annex2")
    title: str  # heading as printed (「Ⅱ　特定個人情報ファイルの概要」)
    short_title: str  # for sheet names and tables of contents (≤ 31 chars)
    blocks: tuple[Block, ...]
    toc: bool = True  # listed in tables of contents


@dataclass(frozen=True, slots=True)
class Document:
    title: str  # the form's title (特定個人情報保護評価書（重点項目評価書）)
    name: str  # 評価書名, for headers and footers
    number: str  # 評価書番号
    organisation: str  # 評価実施機関名
    published: str  # 公表日 as printed (和暦)
    parts: tuple[Part, ...]
    lang: str = "ja"
    # ISO 8601 UTC time written into file metadata (zip entries, core properties): SOURCE_DATE_EPOCH
    # when set, else the 公表日, so that two builds give identical bytes.
    timestamp: str = "2000-01-01T00:00:00Z"
    meta: dict[str, str] = field(default_factory=dict)
