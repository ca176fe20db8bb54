"""The annual report as a PDF (issue 18), laid out with fpdf2 (pure Python, in-process:
no browser on the web server) in a CJK font of the system. Plain Python, no CKAN: the
view (``views/oversight.report_pdf``) passes what the report page shows.

Font: ``govopen.report_pdf.font`` (a .ttf/.otf/.ttc path; ``path#N`` picks face N of a
collection), else the first of ``FONT_CANDIDATES`` found (Debian's fonts-noto-cjk, which
``scripts/ensure_system.sh`` and docker/Dockerfile install). None found: ``FontMissing``.
"""
from __future__ import annotations

import datetime as _dt
import os
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

#: (path, face of a collection) tried in order; Noto Sans CJK's face 2 is Simplified Chinese
FONT_CANDIDATES: Tuple[Tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)


class FontMissing(RuntimeError):
    """No CJK font: the PDF cannot be made (the page says so in the user's language)."""


def find_font(configured: Optional[str] = None) -> Tuple[str, int]:
    """→ (path, face). ``configured``: ``path`` or ``path#face``."""
    if configured:
        path, _sep, face = str(configured).partition("#")
        if not os.path.isfile(path):
            raise FontMissing("govopen.report_pdf.font: no such file %s" % path)
        return path, int(face) if face.isdigit() else 0
    for path, face in FONT_CANDIDATES:
        if os.path.isfile(path):
            return path, face
    raise FontMissing("no CJK font found (install Debian's fonts-noto-cjk or set govopen.report_pdf.font)")


def value_text(value, rate: bool) -> str:
    if value is None:
        return "—"
    if rate:
        return "%s%%" % round(float(value) * 100, 1)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(doc: Mapping, font: Tuple[str, int]) -> bytes:
    """``doc``: {title, subtitle, status, lines: [text], cards: [(card title, layer rows as
    ``scorecard.layer_rows``)], narrative_title, narrative, sections_title,
    sections: [(department title, text)], footer, created: datetime or None} → PDF bytes.
    The first page holds the title, the status and the first card's figures."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    footer = doc.get("footer") or ""

    class _PDF(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("cjk", size=8)
            self.set_text_color(110)
            self.cell(0, 6, "%s  ·  %d" % (footer, self.page_no()), align="C")

    pdf = _PDF(format="A4")
    pdf.set_auto_page_break(True, margin=16)
    path, face = font
    pdf.add_font("cjk", "", path, collection_font_number=face) if path.lower().endswith(".ttc") \
        else pdf.add_font("cjk", "", path)
    pdf.set_title(doc.get("title") or "")
    pdf.set_lang("zh-CN")
    if doc.get("created"):
        created = doc["created"]
        pdf.set_creation_date(created if created.tzinfo else created.replace(tzinfo=_dt.timezone.utc))
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("cjk", size=20)
    pdf.multi_cell(width, 11, doc.get("title") or "", align="C", new_x="LMARGIN", new_y="NEXT",
                   wrapmode=WrapMode.CHAR)
    pdf.set_font("cjk", size=13)
    if doc.get("subtitle"):
        pdf.multi_cell(width, 8, doc["subtitle"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=9)
    for line in [doc.get("status")] + list(doc.get("lines") or ()):
        if line:
            pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    pdf.ln(3)

    for title, layers in doc.get("cards") or ():
        _card(pdf, title, layers, width)

    def text_block(heading, text):
        pdf.set_font("cjk", size=13)
        pdf.multi_cell(width, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(width, 6, text or "—", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        pdf.ln(3)

    text_block(doc.get("narrative_title") or "", doc.get("narrative"))
    sections = list(doc.get("sections") or ())
    if sections:
        pdf.set_font("cjk", size=14)
        pdf.multi_cell(width, 9, doc.get("sections_title") or "", new_x="LMARGIN", new_y="NEXT")
        for title, text in sections:
            text_block(title, text)
    return bytes(pdf.output())


def _card(pdf, title: str, layers: Sequence[Mapping], width: float) -> None:
    pdf.set_font("cjk", size=13)
    pdf.multi_cell(width, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    with pdf.table(col_widths=(22, 48, 30), text_align=("LEFT", "LEFT", "RIGHT"),
                   line_height=6, first_row_as_headings=False) as table:
        for layer in layers:
            first = True
            for f in layer["figures"]:
                row = table.row()
                row.cell(layer["title"] if first else "")
                row.cell(f["label"])
                row.cell(value_text(f["value"], f["rate"]))
                first = False
    pdf.ln(4)
