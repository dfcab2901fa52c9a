"""DOCX writer: the package, page and named styles through python-docx; the body in one pass.

The body XML comes from ``generator.writers.docx_xml`` as one string and is parsed once (the
object API would cost 0.6 ms a table row). Styles are named so a city can restyle the whole
assessment in Word (「評価書 本文」, 「評価書 表」 …).
"""

from __future__ import annotations

from datetime import UTC, datetime

from generator.layout.ir import Document
from generator.writers import docx_xml as wml
from generator.writers.zipfix import zip_entries

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
    import docx  # python-docx: imported only when DOCX is built

    document = docx.Document()
    _set_defaults(document)
    _add_styles(document)
    _set_page(document)
    _set_header_footer(document, doc.name)

    text_width = PAGE_WIDTH - 2 * MARGIN_SIDE
    text_height = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    body_xml = wml.BodyWriter(text_width, text_height).document(doc)
    # The template's body keeps only its sectPr; ours goes in as text when the part is written.
    body = document.element.body
    for child in list(body):
        if child is not body.sectPr:
            body.remove(child)

    _set_properties(document, doc)
    _drop_stale_parts(document)
    return _package(document, body_xml, doc.timestamp)


_BODY_START = b"<w:body>"


def _package(document, body_xml: str, timestamp: str) -> bytes:  # noqa: ANN001 - python-docx types
    """The package as python-docx saves it (same parts, order and XML), zipped once with fixed
    entry times, the body's XML spliced into the main part as text: parsing it into lxml and
    serialising it again cost more than writing it."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    inner = body_xml.removeprefix(f'<w:body xmlns:w="{wml.W_NS}">').removesuffix("</w:body>")
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()

    def entries():  # as docx.opc.pkgwriter.PackageWriter.write
        yield CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob
        yield PACKAGE_URI.rels_uri.membername, package.rels.xml
        for part in parts:
            blob = part.blob
            if part is document.part:
                if blob.count(_BODY_START) != 1:
                    raise RuntimeError("docx: the main part has no single <w:body> to fill")
                blob = blob.replace(_BODY_START, _BODY_START + inner.encode("utf-8"))
            yield part.partname.membername, blob
            if len(part.rels):
                yield part.partname.rels_uri.membername, part.rels.xml

    return zip_entries(entries(), timestamp)


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
    from docx.enum.style import WD_STYLE_TYPE
    from docx.styles.style import StyleFactory

    styles = document.styles
    normal = styles["Normal"]
    for spec in wml.PARAGRAPH_STYLES:
        # as styles.add_style without its search through every style for the name (1–2 ms a style):
        # ours are new by construction
        style = StyleFactory(styles.element.add_style_of_type(spec.name, WD_STYLE_TYPE.PARAGRAPH, False))
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


def _set_properties(document, doc: Document) -> None:
    when = datetime.fromisoformat(doc.timestamp.replace("Z", "+00:00"))
    if when.tzinfo is not None:  # python-docx writes the time with a literal "Z"
        when = when.astimezone(UTC).replace(tzinfo=None)
    props = document.core_properties
    props.author = "hyoka"
    props.last_modified_by = "hyoka"
    props.title = wml.clean(doc.name)[:255]
    props.comments = ""
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
