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
    ``scorecard.layer_rows``)], charts_title, charts: [(title, spec)] (the page's Chart.js
    specs, ``views/oversight.charts``), narrative_title, narrative, sections_title,
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

    charts = [c for c in (doc.get("charts") or ()) if c[1].get("labels")]
    if charts:
        pdf.set_font("cjk", size=13)
        pdf.multi_cell(width, 8, doc.get("charts_title") or "", new_x="LMARGIN", new_y="NEXT")
        for title, spec in charts:
            png = chart_png(title, spec, path)
            pdf.image(png, w=width)
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


def chart_png(title: str, spec: Mapping, font_path: str):
    """One of the page's chart specs ({type: bar|line, labels, datasets: [{label, data,
    axis?}], percent?}) drawn by matplotlib (object API, no pyplot: safe in threads) →
    PNG bytes in a BytesIO. ``axis: y2`` series go on a right-hand axis; ``percent``
    rates (0..1) are shown as %; None is a gap."""
    import io
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import PercentFormatter

    font = FontProperties(fname=font_path, size=8)
    labels = [str(x) for x in spec.get("labels") or ()]
    sets = list(spec.get("datasets") or ())
    fig = Figure(figsize=(7.2, 3.0), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    ax2 = ax.twinx() if any(d.get("axis") == "y2" for d in sets) else None
    x = list(range(len(labels)))

    def nums(data):
        return [float("nan") if v is None else float(v) for v in data]
    if spec.get("type") == "line":
        for i, d in enumerate(sets):       # one colour per series across both axes
            (ax2 if d.get("axis") == "y2" and ax2 is not None else ax).plot(
                x, nums(d.get("data") or ()), marker="o", markersize=2.5, label=d.get("label"),
                color="C%d" % i, linestyle="--" if d.get("axis") == "y2" else "-")
    else:
        width = 0.8 / max(1, len(sets))
        for i, d in enumerate(sets):
            ax.bar([xi - 0.4 + width * (i + 0.5) for xi in x], [0 if v is None else v for v in d.get("data") or ()],
                   width, label=d.get("label"))
    if spec.get("percent"):
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontproperties=font, rotation=30 if len(labels) > 6 else 0,
                       ha="right" if len(labels) > 6 else "center")
    ax.set_title(title, fontproperties=FontProperties(fname=font_path, size=10))
    handles, names = ax.get_legend_handles_labels()
    if ax2 is not None:
        h2, n2 = ax2.get_legend_handles_labels()
        handles, names = handles + h2, names + n2
    if handles:
        ax.legend(handles, names, prop=FontProperties(fname=font_path, size=7), loc="upper left",
                  fontsize=7, framealpha=0.8)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    out.seek(0)
    return out
