"""Issue 18: what an annual report gives out besides its page — the PDF (its first page
rendered to an image by PDFium and read back by an offline OCR: the title and a figure),
the CSV annex (equal to govopen_annual_report_show and govopen_scorecard for the year), the
deadlines from the jurisdiction's configuration with their reminders on a fixed day, and
the compilation's department sections, frozen and checked against the audit chain."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.govopen.domain import scorecard as sc

pytestmark = pytest.mark.ckan_config("govopen.publication.gate", "false")

DOWNLOADS = 4863          # a figure the OCR must read on the PDF's first page


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


@pytest.fixture
def scene(make_user, make_org, make_entry, sysadmin):
    from ckanext.govopen.model import DatasetUsageDay, Request
    head, head_b = make_user(), make_user()
    a = make_org(title="市交通局", users=[{"name": head["name"], "capacity": "admin"}])
    b = make_org(title="市卫生健康委", users=[{"name": head_b["name"], "capacity": "admin"}])
    e = make_entry(a["id"])
    model.Session.add(Request(kind="application", state="approved", requester_id="x", department_id=a["id"],
                              fields={}, received_at=dt.datetime(2025, 5, 6, 2), due_date=dt.date(2025, 5, 27),
                              decided_at=dt.datetime(2025, 5, 9, 2)))
    model.Session.add(DatasetUsageDay(package_id=e["id"], day=dt.date(2025, 8, 1), views=1, downloads=DOWNLOADS))
    model.Session.commit()
    return dict(head=head, head_b=head_b, sysadmin=sysadmin, a=a, b=b)


def _get(app, user, path, status=200, tokens={}):
    hdr = {}
    if user:
        if user["name"] not in tokens:
            tokens[user["name"]] = helpers.call_action("api_token_create", {"user": user["name"]},
                                                       user=user["name"], name="t")["token"]
        hdr = {"Authorization": tokens[user["name"]]}
    return app.get("/zh_Hans_CN" + path, headers=hdr, status=status)


def _ocr_first_page(pdf: bytes):
    """→ (OCR boxes [(text, x, y)] of the first page rendered at 144 dpi, PDFium's text)."""
    import numpy as np
    import pypdfium2 as pdfium
    from rapidocr_onnxruntime import RapidOCR
    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    image = page.render(scale=2).to_pil().convert("RGB")
    text = page.get_textpage().get_text_range()
    found, _elapse = RapidOCR()(np.asarray(image))
    boxes = [(t, sum(p[0] for p in box) / 4, sum(p[1] for p in box) / 4) for box, t, _score in (found or [])]
    return boxes, text, image


def test_the_published_report_as_a_pdf(scene, app):
    head, a = scene["head"], scene["a"]
    call("govopen_annual_report_generate", head, year=2025, organization=a["name"])
    call("govopen_annual_report_update", head, year=2025, organization=a["name"], narrative="本年度新开放交通数据。")
    url = "/oversight/reports/2025/report.pdf?organization=%s" % a["name"]
    _get(app, None, url, status=403)                                   # a draft's PDF is not public
    draft = _get(app, head, url)
    assert draft.headers["Content-Type"] == "application/pdf" and draft.data.startswith(b"%PDF-")
    pub = call("govopen_annual_report_publish", head, year=2025, organization=a["name"])
    page = _get(app, None, "/oversight/reports/2025?organization=%s" % a["name"]).body
    assert "report.pdf?organization=%s" % a["name"] in page and "annex.csv?organization=%s" % a["name"] in page
    resp = _get(app, None, url)
    assert resp.headers["Content-Type"] == "application/pdf"
    pdf = resp.data
    assert pdf.startswith(b"%PDF-")
    boxes, text, image = _ocr_first_page(pdf)
    ocr = "".join(t for t, _x, _y in boxes).replace(" ", "")
    assert "2025年度数据开放工作报告" in ocr                          # the title, read off the image
    assert "市交通局" in ocr
    label = [b for b in boxes if "下载次数" in b[0].replace(" ", "")]
    assert label, ocr
    same_row = [t for t, _x, y in boxes if abs(y - label[0][2]) < 12 and t != label[0][0]]
    assert str(DOWNLOADS) in "".join(same_row).replace(",", ""), same_row   # the figure, on the label's row
    assert "下载次数" in text and pub["sha256"] in text.replace("\n", "").replace(" ", "")
    import pypdfium2 as pdfium
    images = [o for pg in pdfium.PdfDocument(pdf) for o in pg.get_objects()
              if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 2                                      # the two charts (matplotlib)
    # the title region is drawn (not blank) in the rendered page
    assert image.crop((0, 0, image.width, 120)).convert("L").getextrema()[0] < 100


def test_the_pdf_without_a_chinese_font_says_so(scene, app, monkeypatch):
    from ckanext.govopen import report_pdf
    head, a = scene["head"], scene["a"]
    call("govopen_annual_report_generate", head, year=2025, organization=a["name"])
    for path in ("/oversight/reports/abc/report.pdf", "/oversight/reports/1999/annex.csv",
                 "/oversight/reports/2025/report.pdf?organization=no-such-department",
                 "/oversight/reports/2024/annex.csv?organization=%s" % a["name"]):   # not generated
        assert "Traceback" not in _get(app, head, path, status=404).body
    monkeypatch.setattr(report_pdf, "FONT_CANDIDATES", (("/nonexistent/font.ttf", 0),))
    body = _get(app, head, "/oversight/reports/2025/report.pdf?organization=%s" % a["name"], status=503).body
    assert "中文字体" in body


def test_the_csv_annex_equals_the_report_and_the_scorecard(scene, app):
    admin = scene["sysadmin"]
    rep = call("govopen_annual_report_generate", admin, year=2025)
    _get(app, None, "/oversight/reports/2025/annex.csv", status=403)   # the compilation's draft
    resp = _get(app, admin, "/oversight/reports/2025/annex.csv")
    assert resp.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))
    shown = call("govopen_annual_report_show", admin, year=2025)
    stats = call("govopen_scorecard", admin, period_start="2025-01-01", period_end="2025-12-31")
    assert shown["figures"] == rep["figures"] == stats
    cards = shown["figures"]["departments"] + [shown["figures"]["total"]]
    assert [r["organization_title"] for r in rows[:-1]] == [c["organization_title"] for c in cards[:-1]]
    assert {c["organization_title"] for c in cards[:-1]} >= {"市交通局", "市卫生健康委"}
    assert rows[-1]["organization_title"] == "全辖区合计"
    for row, card in zip(rows, cards):
        assert (row["period_start"], row["period_end"]) == ("2025-01-01", "2025-12-31")
        for name, path in sc.CSV_COLUMNS:
            if path is None:
                continue
            value = sc._dig(card, path)
            assert row[name] == ("" if value is None else str(value)), name
    a_row = rows[[c["organization_title"] for c in cards].index("市交通局")]
    assert a_row["downloads"] == str(DOWNLOADS) and a_row["application_median_days"] == "3"
    assert rows[-1]["downloads"] == str(stats["total"]["usage"]["downloads"])


def _notes(user):
    from ckanext.govopen.model import Notification
    return sorted((n.kind, n.message.splitlines()[0]) for n in
                  model.Session.query(Notification).filter(Notification.user_id == user["id"])
                  .filter(Notification.kind.like("report_%")))


def test_reminders_on_a_fixed_day(scene, app):
    from ckanext.govopen import notifications
    head, head_b, admin, a = scene["head"], scene["head_b"], scene["sysadmin"], scene["a"]
    call("govopen_annual_report_generate", head, year=2025, organization=a["name"])
    call("govopen_annual_report_publish", head, year=2025, organization=a["name"])
    assert notifications.notify_due(dt.date(2026, 1, 23))["report"] == 0          # 8 days before
    first = notifications.notify_due(dt.date(2026, 1, 24))                        # 7 days before
    assert first["report"] >= 2
    assert _notes(head) == []                                                     # a's report is published
    assert _notes(head_b) == [("report_draft_reminder",
                               "市卫生健康委 2025 年度开放数据工作报告须于 2026-01-31 前完成并发布，请及时填写情况说明。")]
    (kind, text), = _notes(admin)
    assert kind == "report_departments_pending" and "市卫生健康委" in text and "市交通局" not in text
    assert notifications.notify_due(dt.date(2026, 1, 25))["report"] == 0          # once each
    notifications.notify_due(dt.date(2026, 2, 1))
    assert ("report_draft_overdue", "市卫生健康委 2025 年度开放数据工作报告已超过截止日期（2026-01-31），尚未发布。") \
        in _notes(head_b)
    notifications.notify_due(dt.date(2026, 2, 21))
    assert "report_compilation_reminder" in [k for k, _t in _notes(admin)]
    # the dashboard links the reminder to the report page
    body = _get(app, head_b, "/dashboard/requests").body
    assert "/oversight/reports/2025?organization=%s" % scene["b"]["name"] in body


def test_deadlines_on_the_report_page(scene, app):
    head, a = scene["head"], scene["a"]
    body = _get(app, head, "/oversight/reports/2025?organization=%s" % a["name"]).body
    assert "部门报告截止" in body and "2026-01-31" in body and "2026-02-28" in body


def test_the_compilation_freezes_the_departments_sections(scene, app):
    from ckanext.govopen import audit
    head, head_b, admin, a, b = (scene[k] for k in ("head", "head_b", "sysadmin", "a", "b"))
    call("govopen_annual_report_generate", head, year=2025, organization=a["name"])
    call("govopen_annual_report_update", head, year=2025, organization=a["name"], narrative="交通局的情况说明。")
    call("govopen_annual_report_publish", head, year=2025, organization=a["name"])
    call("govopen_annual_report_generate", head_b, year=2025, organization=b["name"])
    call("govopen_annual_report_update", head_b, year=2025, organization=b["name"], narrative="卫健委草稿，未定稿。")
    comp = call("govopen_annual_report_generate", admin, year=2025)
    sections = {s["organization"]: s for s in comp["sections"]}
    assert sections[a["name"]]["narrative"] == "交通局的情况说明。" and sections[a["name"]]["state"] == "published"
    assert sections[b["name"]]["state"] == "draft" and sections[b["name"]]["narrative"] is None  # not public yet
    call("govopen_annual_report_update", admin, year=2025, narrative="全辖区汇总说明。")
    pub = call("govopen_annual_report_publish", admin, year=2025)
    assert pub["intact"] is True
    assert pub["sha256"] == sc.report_digest(2025, None, pub["figures"], pub["narrative"], pub["published_at"],
                                             pub["sections"])
    call("govopen_annual_report_publish", head_b, year=2025, organization=b["name"])
    after = call("govopen_annual_report_show", None, year=2025)
    assert after["sections"] == pub["sections"]                  # frozen: b's later publication is not in it
    page = _get(app, None, "/oversight/reports/2025").body
    assert "交通局的情况说明。" in page and "卫健委草稿" not in page and 'data-intact="yes"' in page
    # a direct edit in PostgreSQL no longer matches the hash in the audit chain
    import sqlalchemy as sa
    model.Session.execute(sa.text("UPDATE govopen_annual_report SET narrative = '改过的说明' WHERE id = :id"),
                          {"id": pub["id"]})
    model.Session.commit()
    assert call("govopen_annual_report_show", None, year=2025)["intact"] is False
    assert 'data-intact="no"' in _get(app, None, "/oversight/reports/2025").body
    assert audit.verify().ok                                     # the chain itself still holds
