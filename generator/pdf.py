"""PDF for publication through LibreOffice, with the same bytes from the same sources.

Route: the DOCX printed by Writer. Measured on every example document (LibreOffice 7.4, the
form's ＭＳ 明朝 replaced by IPAexMincho), pages of the DOCX route / of the XLSX route printed by
Calc, and lines beginning with 「。」「、」「）」 in the XLSX route's print:

                                 pages          XLSX route       lines beginning with 。、）
                                 DOCX / XLSX    before issue 12  (XLSX route, before → now)
    asahikawa-kenkozoshin        22 / 24        39               44 → 0
    asahikawa-kenkozoshin-基礎    7 /  7                           4 → 0
    atsugi-kokuho                76 / 80        108              104 → 0
    atsugi-kokuho-基礎            8 /  8                           9 → 0
    kumagaya-yobosesshu          37 / 38        62               72 → 0
    kumagaya-yobosesshu-基礎      7 /  7                           3 → 0
    mihon-jidofuyo                7 /  7                           2 → 0

Both routes now break lines the Japanese way and keep headings with what follows; Writer still
prints closer to the form: it lays the text out itself (row heights from the text, no estimate),
splits a table row between any two lines where Calc's rows end only between bands of four
(xlsx_metrics.band_heights), and prints fewer pages. The XLSX route stays available
(``route="xlsx"``); its page count is tested against the DOCX route's (tests/test_print.py).

LibreOffice writes the time of the run into /CreationDate and a random /ID: the PDF is rewritten
(pikepdf) with the document's timestamp (``SOURCE_DATE_EPOCH`` or the 公表日), an /ID derived from
its content, its title and its language, so two builds give identical bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from .diagnostics import HyokaError, ToolMissingError
from .layout import ir

INSTALL_HINT = (
    "PDF の出力には LibreOffice が必要です。Debian/Ubuntu では "
    "`sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-ipaexfont`、"
    "Windows・macOS では https://www.libreoffice.org/ からインストールしてください。"
)

Route = Literal["docx", "xlsx"]
ROUTE: Route = "docx"


def soffice_path() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise ToolMissingError(INSTALL_HINT)
    return path


def profile_xcu() -> str:
    """LibreOffice settings for printing the form: the fonts of ``generator.writers.fonts`` replaced
    by their fallbacks (always: LibreOffice takes a font it lacks for present, and prints its
    Latin in DejaVu Serif), and Japanese as the default Asian language."""
    from .writers.fonts import FALLBACKS
    from .writers.xmltext import quote

    def prop(name: str, value: str) -> str:
        return f'<prop oor:name="{name}" oor:op="fuse"><value>{quote(value)}</value></prop>'

    pairs = "".join(
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
        f'<node oor:name="hyoka{i}" oor:op="replace">'
        + prop("Always", "true")
        + prop("OnScreenOnly", "false")
        + prop("ReplaceFont", font)
        + prop("SubstituteFont", fallback)
        + "</node></item>"
        for i, (font, fallback) in enumerate(sorted(FALLBACKS.items()))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        + prop("Replacement", "true")
        + "</item>"
        + pairs
        + '<item oor:path="/org.openoffice.Office.Linguistic/General">'
        + prop("DefaultLocale_CJK", "ja-JP")
        + "</item></oor:items>\n"
    )


def _soffice(profile: Path, target: str, outdir: Path, source: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            soffice_path(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )


def _failed(proc: subprocess.CompletedProcess[str]) -> HyokaError:
    return HyokaError(
        f"LibreOffice が PDF に変換できませんでした: {proc.stderr.strip() or proc.stdout.strip()}"
    )


# Calc applies the forbidden-character rules of Japanese line breaking (no line begins with 「。」
# or 「、」, none ends with 「（」) only to cells whose style says so (Format Cells → Asian
# Typography), and its default is off; an XLSX cannot say it (Excel always applies them). Before
# this, Calc's print of the examples had 44 / 104 / 72 lines beginning with 「。」「、」「）」.
# The XLSX is therefore printed through a flat ODS whose default cell style turns the rules on.
_STYLE_TAG = re.compile(r"<style:style\b[^>]*?(/?)>")
_PARAGRAPH_TAG = re.compile(r"<style:paragraph-properties\b[^>]*?/?>")
_LINE_BREAK = re.compile(r'\sstyle:line-break="[^"]*"')
_KINSOKU = '<style:paragraph-properties style:line-break="strict"/>'


def with_kinsoku(fods: str) -> str:
    """The flat ODS with Japanese line breaking on for every cell (its default cell style):
    the style found whatever the order of its attributes, written out when it is empty
    (``<style:style …/>``), and its paragraph properties given ``line-break="strict"`` where it
    has them already, added where not."""
    for tag in _STYLE_TAG.finditer(fods):
        if 'style:name="Default"' in tag[0] and 'style:family="table-cell"' in tag[0]:
            break
    else:
        raise HyokaError("LibreOffice の書き出した表計算文書に既定のセルスタイルが見つかりません")
    if tag[1]:  # empty element: give it content
        opened = tag[0][:-2].rstrip() + ">"
        return f"{fods[: tag.start()]}{opened}{_KINSOKU}</style:style>{fods[tag.end() :]}"
    end = fods.find("</style:style>", tag.end())
    properties = _PARAGRAPH_TAG.search(fods, tag.end(), end if end >= 0 else len(fods))
    if properties is None:
        return fods[: tag.end()] + _KINSOKU + fods[tag.end() :]
    old = properties[0]
    new = _LINE_BREAK.sub("", old)
    close = "/>" if new.endswith("/>") else ">"
    new = new[: -len(close)].rstrip() + ' style:line-break="strict"' + close
    return fods[: properties.start()] + new + fods[properties.end() :]


def convert(source: Path, outdir: Path) -> Path:
    """``source`` (DOCX or XLSX) printed to ``outdir/<stem>.pdf`` by LibreOffice in a private
    profile (parallel runs stay apart; the fonts are substituted as the form needs). An XLSX goes
    through a flat ODS first, with Japanese line breaking turned on (``with_kinsoku``)."""
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        user = profile / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(profile_xcu(), encoding="utf-8")
        printed = source
        if source.suffix.lower() == ".xlsx":
            proc = _soffice(profile, "fods", Path(work), source)
            fods = Path(work) / (source.stem + ".fods")
            if proc.returncode != 0 or not fods.exists():
                raise _failed(proc)
            fods.write_text(with_kinsoku(fods.read_text(encoding="utf-8")), encoding="utf-8")
            printed = fods
        proc = _soffice(profile, "pdf", outdir, printed)
    pdf = outdir / (source.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists():
        raise _failed(proc)
    return pdf


def pdf_date(timestamp: str) -> str:
    """ISO 8601 → a PDF date string, D:YYYYMMDDHHmmSSZ."""
    when = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("D:%Y%m%d%H%M%SZ")


def normalise(pdf: bytes, doc: ir.Document) -> bytes:
    """The PDF with fixed dates, an /ID from its content, its title and language in the catalog."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as src:
        date = pdf_date(doc.timestamp)
        info = src.docinfo
        info["/Title"] = doc.name
        info["/CreationDate"] = date
        info["/ModDate"] = date
        src.Root.Lang = pikepdf.String(doc.lang)
        # show the title, not the file name, in a reader's window
        prefs = src.Root.get("/ViewerPreferences") or pikepdf.Dictionary()
        prefs.DisplayDocTitle = True
        src.Root.ViewerPreferences = prefs
        if "/Metadata" in src.Root:  # LibreOffice writes XMP only for PDF/A; its dates would vary
            del src.Root.Metadata
        # LibreOffice's random /ID (qpdf keeps its first half) and its checksum of the run
        for key in ("/ID", "/DocChecksum"):
            if key in src.trailer:
                del src.trailer[key]
        out = io.BytesIO()
        src.save(out, deterministic_id=True, linearize=False)
    return out.getvalue()


def print_pdf(doc: ir.Document, name: str, route: Route = ROUTE) -> bytes:
    """The document printed to PDF through its DOCX (or XLSX), saved as ``<name>.docx``."""
    from .writers import writer

    module = writer(route)
    with tempfile.TemporaryDirectory() as work:
        src = Path(work) / (name + module.EXTENSION)
        src.write_bytes(module.render(doc))
        return normalise(convert(src, Path(work)).read_bytes(), doc)
