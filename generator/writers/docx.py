"""DOCX writer: the package, page and named styles through python-docx; the body in one pass.

The body XML comes from ``generator.writers.docx_xml`` as one string and is parsed once (the
object API would cost 0.6 ms a table row). Styles are named so a city can restyle the whole
assessment in Word (「評価書 本文」, 「評価書 表」 …).
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, datetime

from generator.layout.ir import Document
from generator.sha import sha256_hex
from generator.writers import docx_xml as wml
from generator.writers.xmltext import escape
from generator.writers.zipfix import Deflated, deflated, zip_entries

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up
if TYPE_CHECKING:
    from pathlib import Path

EXTENSION = ".docx"

# A4 portrait in twips, margins 15 mm at the sides and bottom, 20 mm at the top for the header.
PAGE_WIDTH = 11906
PAGE_HEIGHT = 16838
MARGIN_SIDE = 851
MARGIN_TOP = 1134
MARGIN_BOTTOM = 851
HEADER_DISTANCE = 567
FOOTER_DISTANCE = 397

_NSDECL = f'xmlns:w="{wml.W_NS}"'
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def render(doc: Document) -> bytes:
    text_width = PAGE_WIDTH - 2 * MARGIN_SIDE
    text_height = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    body_xml = wml.BodyWriter(text_width, text_height).document(doc)
    name = wml.clean(doc.name)
    skeleton = _skeleton() if _plain(name) else None
    if skeleton is not None:
        return zip_entries(_filled(skeleton, name, doc.timestamp, body_xml), doc.timestamp)
    document = _document(doc.name, doc.timestamp)
    return zip_entries(_entries(document, body_xml), doc.timestamp)


def _document(name: str, timestamp: str):  # noqa: ANN202 - python-docx types
    """The package through python-docx: styles, page, header and footer, properties; no body."""
    import docx  # python-docx: imported only when DOCX is built (and its skeleton not cached)

    document = docx.Document()
    _set_defaults(document)
    _add_styles(document)
    _set_page(document)
    _set_header_footer(document, name)
    # The template's body keeps only its sectPr; ours goes in as text when the part is written.
    body = document.element.body
    for child in list(body):
        if child is not body.sectPr:
            body.remove(child)

    _set_properties(document, name, timestamp)
    _drop_stale_parts(document)
    return document


_BODY_START = b"<w:body>"


def _entries(document, body_xml: str) -> list[tuple[str, bytes]]:  # noqa: ANN001 - python-docx types
    """The package's parts as python-docx saves them (same parts, order and XML), the body's XML
    spliced into the main part as text: parsing it into lxml and serialising it again cost more
    than writing it."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    inner = body_xml.removeprefix(f'<w:body xmlns:w="{wml.W_NS}">').removesuffix("</w:body>")
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()

    # as docx.opc.pkgwriter.PackageWriter.write
    entries = [(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)]
    entries.append((PACKAGE_URI.rels_uri.membername, package.rels.xml))
    for part in parts:
        blob = part.blob
        if part is document.part:
            if blob.count(_BODY_START) != 1:
                raise RuntimeError("docx: the main part has no single <w:body> to fill")
            blob = blob.replace(_BODY_START, _BODY_START + inner.encode("utf-8"))
        entries.append((part.partname.membername, blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, part.rels.xml))
    return entries


# ---------------------------------------------------------------------------
# The skeleton: every part but the body is the same for every document except for its name and
# time, so it is made once through python-docx with stand-ins for those, kept in the user's cache
# (keyed by this package's writer code and python-docx's files) and filled in per document. A
# build then neither imports python-docx (0.2 s) nor has it load its template (20 ms a document).
# Names python-docx would write otherwise (a tab, a line break, space at an end) take the long way.

_NAME = "HyokaSkeletonName7f3a"
_TIME = "1999-12-31T23:59:58"  # stands for the document's time (created, modified, printed)
_BODY = "HyokaSkeletonBody7f3a"
_CORE = "docProps/core.xml"
# A part is either the bytes to fill in (it holds a stand-in) or, the same for every document,
# deflated once (styles.xml alone is 350 kB: filling it in and deflating it cost 7 ms a document).
Skeleton = list[tuple[str, bytes | Deflated]]
_SKELETON: list[Skeleton | None] = []  # made or loaded once a process


def _plain(name: str) -> bool:
    return bool(name) and name == name.strip() and "\t" not in name and "\n" not in name


def _filled(skeleton: Skeleton, name: str, timestamp: str, body_xml: str) -> Skeleton:
    inner = body_xml.removeprefix(f'<w:body xmlns:w="{wml.W_NS}">').removesuffix("</w:body>")
    when = _when(timestamp).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    values = {
        _NAME.encode(): escape(name).encode("utf-8"),  # as lxml writes an element's text
        _TIME.encode() + b"Z": when,
        _BODY.encode(): inner.encode("utf-8"),
    }
    title = {**values, _NAME.encode(): escape(name[:255]).encode("utf-8")}
    # one pass per part: what was filled in is never searched again
    return [
        (member, part if isinstance(part, Deflated) else _fill(part, title if member == _CORE else values))
        for member, part in skeleton
    ]


def _fill(blob: bytes, values: dict[bytes, bytes]) -> bytes:
    return _STAND_IN.sub(lambda m: values[m.group()], blob)


_STAND_IN = re.compile(b"|".join(re.escape(s.encode()) for s in (_NAME, _TIME + "Z", _BODY)))


def _skeleton() -> Skeleton | None:
    if not _SKELETON:
        _SKELETON.append(_cached_skeleton())
    return _SKELETON[0]


def _cached_skeleton() -> Skeleton | None:
    import marshal

    from generator.cachedir import cache_dir

    folder = cache_dir("docx")
    path = None if folder is None else folder / f"skeleton-{_skeleton_key()}.marshal"
    if path is not None:
        try:
            # marshal keeps plain tuples: (member, bytes to fill) or (member, crc, size, deflated)
            stored = marshal.loads(path.read_bytes())
            return [(part[0], Deflated(*part[1:]) if len(part) == 4 else part[1]) for part in stored]
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            pass
    skeleton = _made_skeleton()
    if skeleton is not None and path is not None:
        from generator.output import write_atomic

        stored = [
            (m, part.crc, part.size, part.stream) if isinstance(part, Deflated) else (m, part)
            for m, part in skeleton
        ]
        with contextlib.suppress(OSError):
            write_atomic(path, marshal.dumps(stored), sync=False)
            _prune(path.parent)
    return skeleton


_KEPT = 8  # skeletons kept in the cache: one per version of the code in use, a few at once


def _prune(folder: Path) -> None:
    """The newest skeletons only: each edit or install of the writer code names a new one."""
    found = sorted(folder.glob("skeleton-*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in found[_KEPT:]:
        old.unlink(missing_ok=True)


def _made_skeleton() -> Skeleton | None:
    """The parts with stand-ins, or None when they do not sit where expected (then every
    document goes through python-docx)."""
    entries = _entries(_document(_NAME, _TIME + "Z"), f'<w:body xmlns:w="{wml.W_NS}">{_BODY}</w:body>')
    found = {
        s: [m for m, blob in entries for _ in range(blob.count(s.encode()))] for s in (_NAME, _TIME, _BODY)
    }
    expected = {
        _TIME: [_CORE] * 3,
        _BODY: ["word/document.xml"],
    }
    names = found[_NAME]
    if found[_TIME] != expected[_TIME] or found[_BODY] != expected[_BODY]:
        return None
    if sorted(names) != sorted([_CORE, next((m for m in names if m.startswith("word/header")), "")]):
        return None
    filled = {*names, *found[_BODY]}
    return [(m, blob if m in filled else deflated(blob)) for m, blob in entries]


def _skeleton_key() -> str:
    """This package's writer modules and python-docx's files (its ``__init__`` and templates), by
    place, size and modification time, as Python checks a .pyc against its source (reading the
    modules and listing python-docx through ``rglob`` cost 3 ms of every build)."""
    import importlib.machinery  # the build imports it already; importlib.util cost 0.3 ms
    import zlib

    files = _files(_WRITERS, (".py",))
    spec = importlib.machinery.PathFinder.find_spec("docx")  # where python-docx is on sys.path
    if spec and spec.origin:
        templates = os.path.join(os.path.dirname(spec.origin), "templates")
        files += [spec.origin, *_files(templates, (".docx", ".xml"))]
    # a part deflated by another zlib could differ in its bytes from one deflated now
    parts = [zlib.ZLIB_RUNTIME_VERSION]
    for path in files:
        with contextlib.suppress(OSError):
            st = os.stat(path)
            parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}")
    return sha256_hex("\0\0".join(parts).encode("utf-8", "surrogateescape"))[:32]


_WRITERS = os.path.dirname(os.path.abspath(__file__))


def _files(folder: str, suffixes: tuple[str, ...]) -> list[str]:
    """The files under ``folder`` ending in one of ``suffixes``, in path order."""
    found = []
    for base, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [os.path.join(base, name) for name in names if name.endswith(suffixes)]
    return sorted(found)


def _drop_stale_parts(document) -> None:
    """The template's thumbnail pictures another, empty document, and its stylesWithEffects is a
    Word 2010 copy of the styles without ours: neither may disagree with what we print."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    stale = {RT.THUMBNAIL, _STYLES_WITH_EFFECTS}
    for rels in (document.part.package.rels, document.part.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in stale:
                del rels[r_id]


def _xml(fragment: str):
    """Parse WordprocessingML children given without a namespace declaration."""
    from docx.oxml import parse_xml

    return list(parse_xml(f"<w:x {_NSDECL}>{fragment}</w:x>"))


def _set_defaults(document) -> None:
    """Document defaults: the form's fonts and Japanese as the East Asian language, no theme fonts."""
    from docx.oxml.ns import qn

    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    for child in _xml(f'{wml.fonts_xml()}<w:sz w:val="21"/><w:szCs w:val="21"/>{wml.LANG_XML}'):
        rpr.append(child)
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    for child in _xml('<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'):
        ppr.append(child)
    normal = document.styles["Normal"].element
    _replace(normal, "w:rPr", f"<w:rPr>{wml.fonts_xml()}{wml.LANG_XML}</w:rPr>")


def _replace(style_element, tag: str, fragment: str) -> None:
    from docx.oxml.ns import qn

    old = style_element.find(qn(tag))
    if old is not None:
        style_element.remove(old)
    style_element.append(_xml(fragment)[0])


def _add_styles(document) -> None:
    from typing import cast  # here: a build whose skeleton is cached does not import typing

    from docx.enum.style import WD_STYLE_TYPE
    from docx.styles.style import ParagraphStyle, StyleFactory

    styles = document.styles
    normal = styles["Normal"]
    for spec in wml.PARAGRAPH_STYLES:
        # as styles.add_style without its search through every style for the name (1–2 ms a style):
        # ours are new by construction
        style = cast(
            "ParagraphStyle",
            StyleFactory(styles.element.add_style_of_type(spec.name, WD_STYLE_TYPE.PARAGRAPH, False)),
        )
        style.style_id = spec.style_id
        style.base_style = normal
        style.quick_style = True
        style.element.append(_xml(spec.ppr_xml())[0])
        style.element.append(_xml(spec.rpr_xml())[0])
    table = StyleFactory(styles.element.add_style_of_type(wml.TABLE_STYLE_NAME, WD_STYLE_TYPE.TABLE, False))
    table.style_id = wml.TABLE_STYLE_ID
    table.quick_style = True
    for child in _xml(wml.table_style_xml()):
        table.element.append(child)


def _set_page(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Twips

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Twips(PAGE_WIDTH)
    section.page_height = Twips(PAGE_HEIGHT)
    section.left_margin = section.right_margin = Twips(MARGIN_SIDE)
    section.top_margin = Twips(MARGIN_TOP)
    section.bottom_margin = Twips(MARGIN_BOTTOM)
    section.header_distance = Twips(HEADER_DISTANCE)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)


def _set_header_footer(document, name: str) -> None:
    """評価書名 at the top right of every page, 「ページ / 総ページ」 at the bottom centre."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = document.sections[0]
    running = document.styles[wml.RUNNING.name]
    head = section.header.paragraphs[0]
    head.style = running
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.add_run(wml.clean(name))
    foot = section.footer.paragraphs[0]
    foot.style = running
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fields = (
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> / </w:t></w:r>'
        '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    )
    for child in _xml(fields):
        foot._p.append(child)


def _set_properties(document, name: str, timestamp: str) -> None:
    props = document.core_properties
    props.author = "hyoka"
    props.last_modified_by = "hyoka"
    props.title = wml.clean(name)[:255]
    props.comments = ""
    props.revision = 1
    when = _when(timestamp)
    props.created = when
    props.modified = when
    props.last_printed = when


def _when(timestamp: str) -> datetime:
    when = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if when.tzinfo is not None:  # python-docx writes the time with a literal "Z"
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when
