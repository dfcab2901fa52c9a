"""A form's YAML keys as a tree: what an author writes in each source file, walked generically
from a ``FormDefinition`` (``Item``/``RowGroup``/``Head``/``Repeat`` nodes, the per-file annex
and the changes annex), so that ``hyoka new``, ``hyoka schema`` and ``hyoka reference`` cover
every form the definitions hold and never drift from what the reader accepts.
"""

from __future__ import annotations

from .form import schema as s
from .form.definition import EDITION_KEY, FORM_KEY, ChangesAnnex, FormDefinition
from .records import dataclass, replace

# Kinds an author does not write: the form prints them, or they are counted from other items.
NOT_WRITTEN = ("fixed", "derived")


@dataclass(frozen=True)
class Field:
    """One key: a value (``text``, ``choice``, ``checks``, ``date``, ``flag``, ``number``), a
    mapping of keys (``map``) or a list of mappings (``list``; ``children`` are a member's keys)."""

    key: str
    label: str  # as printed on the form ("" for keys the form does not print)
    path: str  # the item as messages name it: 「Ⅱ ２．基本情報 ①ファイルの種類　※」
    kind: str
    options: tuple[str, ...] = ()
    detail: frozenset[str] = frozenset()  # check-box options with a （ ） text field
    star: bool = False  # ※: a change is a 重要な変更
    children: tuple[Field, ...] = ()
    limit: int = 0  # most members of a list (0: no limit)
    written: bool = True  # False: printed by the form or counted; listed, never written
    fixed: str = ""  # text the form prints (kind "fixed")
    note: str = ""  # what the form does not say: how to write a key it does not print
    group: str = ""  # the row group the item is printed under (「④使用の主体」), if any


@dataclass(frozen=True)
class SourceFile:
    """One source file of a form: ``stem`` + (「_1」 for per-file parts) + ``.yaml``."""

    stem: str
    title: str
    per_file: bool
    fields: tuple[Field, ...]

    @property
    def first_name(self) -> str:
        return self.stem + ("_1" if self.per_file else "") + ".yaml"


def _join(path: str, label: str) -> str:
    return f"{path} {label}".strip() if label else path


def _item(item: s.Item, path: str, star: bool) -> Field:
    return Field(
        key=item.key,
        label=item.label,
        path=_join(path, item.label),
        kind=item.kind,
        options=item.options,
        detail=item.detail,
        star=star or item.star or "※" in item.label,
        written=item.kind not in NOT_WRITTEN,
        fixed=item.fixed,
    )


def _nodes(nodes: tuple[s.Node, ...], path: str, sec: s.Section) -> list[Field]:
    def starred(key: str) -> bool:
        return sec.star_all and key not in sec.unstarred

    out: list[Field] = []
    for n in nodes:
        if isinstance(n, s.Item):
            out.append(_item(n, path, starred(n.key)))
        elif isinstance(n, s.RowGroup):
            if n.lead is not None:
                out.append(_item(n.lead, path, starred(n.lead.key) or n.star))
            over = n.lead.label if n.lead is not None else n.label
            out += [replace(_item(i, _join(path, over), starred(i.key)), group=over) for i in n.subs]
        elif isinstance(n, s.Head):
            here = _join(path, n.label)
            children = [_item(f, here, starred(f.key)) for f in n.flags] + _nodes(n.children, here, sec)
            if n.flat:
                out += children
            else:
                out.append(Field(n.key, n.label, here, "map", star=n.star, children=tuple(children)))
        elif isinstance(n, s.Repeat):
            member = _join(path, f"{n.member}n")
            children = [_item(n.title, member, starred(n.title.key))] if n.title is not None else []
            children += _nodes(n.children, member, sec)
            if n.extra_count:
                note = f"この{n.member}が表す{n.member}の数（1 つで複数を表すとき。省略すると 1）"
                children.append(Field(n.extra_count, "", _join(member, n.extra_count), "number", note=note))
            out.append(
                Field(n.key, f"{n.member}1～{n.limit}", path, "list", children=tuple(children), limit=n.limit)
            )
    return out


def _annex(annex: s.Annex) -> Field:
    title = " ".join(annex.title.split())
    members = tuple(
        Field(key, key, f"{title} {key}", "text") for key in annex.fields
    )  # as the reader reads them
    return Field(annex.key, title, title, "list", children=members)


def source_files(form: FormDefinition) -> list[SourceFile]:
    """Every source file of ``form`` in print order, the changes annex last."""
    files: list[SourceFile] = []
    for sec in form.sections:
        root = sec.path_title or " ".join(sec.title.split())
        fields = _nodes(sec.children, root, sec)
        if sec is form.cover:
            fields = [*_form_keys(form), *fields]
        if sec.annex is not None:
            fields.append(_annex(sec.annex))
        files.append(SourceFile(sec.file, " ".join(sec.title.split()), sec.per_file, tuple(fields)))
    from .form.pairing import companion_section

    for stem in form.companions:  # files a paired form reads from this form's folder (8_基礎項目)
        found = companion_section(stem)
        if found is not None:
            sec, annex = found
            title = " ".join(sec.title.split())
            fields = [*_nodes(sec.children, title, sec), _changes_field(annex)]
            files.append(SourceFile(sec.file, title, False, tuple(fields)))
    files.append(SourceFile(form.changes.file, form.changes.label, False, (_changes_field(form.changes),)))
    return files


def _changes_field(ch: ChangesAnnex) -> Field:
    columns = tuple(_item(c, ch.label, False) for c in ch.columns)
    return Field(ch.key, ch.label, ch.label, "list", children=columns)


def _form_keys(form: FormDefinition) -> list[Field]:
    """The cover's 「様式:」 and 「版:」: which form and edition the folder is written in."""
    from .form.registry import DEFAULT_KIND, all_forms

    kinds = tuple(dict.fromkeys(f.kind for f in all_forms()))
    editions = tuple(f.edition for f in all_forms() if f.kind == form.kind)
    return [
        Field(FORM_KEY, "", f"表紙 {FORM_KEY}", "choice", options=kinds, note=f"書かなければ{DEFAULT_KIND}"),
        Field(
            EDITION_KEY,
            "",
            f"表紙 {EDITION_KEY}",
            "choice",
            options=editions,
            note=f"書かなければ {editions[0]}",
        ),
    ]


def walk(fields: tuple[Field, ...] | list[Field]):
    """Every field under ``fields``, depth first, in print order."""
    for f in fields:
        yield f
        yield from walk(f.children)
