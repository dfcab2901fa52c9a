"""The fonts every writer names, in one place, so that a city can change them here.

The XLSX and DOCX name what Japanese Windows PCs have (ＭＳ 明朝; 游明朝 on newer ones), so the
files a city submits open in the form's look. Where that font is absent (Linux, the PDF build),
LibreOffice is told to print with IPAex明朝 instead (``generator.pdf`` writes the substitution into
its profile): its kana and kanji are one em wide like ＭＳ 明朝's, so lines and pages come out alike.
"""

from __future__ import annotations

# Body text of the form (tables, headings): a Mincho face, as the official workbook uses.
MINCHO = "ＭＳ 明朝"
# The workbook's default font: Japanese Excel's own default, whose digit width is the unit of
# column widths (``xlsx_metrics.UNIT_PT``).
SHEET_DEFAULT = "ＭＳ Ｐゴシック"
# Printed instead by LibreOffice (Debian's fonts-ipaexfont). The English family names: its
# replacement table does not find a font by its Japanese name.
FALLBACKS: dict[str, str] = {
    MINCHO: "IPAexMincho",
    "游明朝": "IPAexMincho",
    SHEET_DEFAULT: "IPAexGothic",
}
