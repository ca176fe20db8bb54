"""Finding 2 (issue 12): active content from the portal's origin.

An uploaded .html or .svg was served inline with its own type (script ran for the
admin who opened it), the route's ``/download/<filename>`` chose the type, and after
a CSV passed the gate ``resource_patch mimetype=text/html`` made everyone get it as
HTML (the gate's fingerprint ignored the type). Every download is an attachment
unless its type is on a short safe list; the type comes from the file the gate
checked; ``X-Content-Type-Options: nosniff`` is set; a change of url, mimetype or
format of a passed file withdraws it until it passes again."""
from __future__ import annotations

import io

import pytest

from govopen_world import ROLES, headers, run_gate, upload

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
       b'<rect width="10" height="10"/></svg>')
CSV = "站点,客流\n天安门东,12000\n".encode("utf-8")
ACTIVE = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml",
          "application/xml", "text/javascript", "application/javascript")


def _create(world, pkg, filename, data, **kw):
    from ckan.tests import helpers
    ctx = {"user": world["users"]["dept_editor"]["name"]}
    res = helpers.call_action("resource_create", ctx, package_id=pkg["id"], name=filename,
                              url=filename, upload=upload(data, filename), **kw)
    run_gate(res["id"], world["users"]["dept_admin"]["name"])
    return res


def _download(world, role, pkg, res, filename=None):
    url = "/dataset/%s/resource/%s/download" % (pkg["id"], res["id"])
    if filename:
        url += "/" + filename
    return world["app"].get(url, headers=headers(world, role), status=None,
                            follow_redirects=False)


def _is_safe(r):
    ctype = (r.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    disposition = (r.headers.get("Content-Disposition") or "").lower()
    return (r.headers.get("X-Content-Type-Options") == "nosniff"
            and ctype not in ACTIVE
            and (disposition.startswith("attachment") or ctype in (
                "image/png", "image/jpeg", "application/pdf", "text/plain", "text/csv",
                "application/json")))


@pytest.fixture(scope="module")
def active_files(world):
    pkg = world["datasets"]["unconditional"]["pkg"]
    return pkg, {"html": _create(world, pkg, "report.html", HTML, format="HTML"),
                 "svg": _create(world, pkg, "chart.svg", SVG, format="SVG")}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["html", "svg"])
def test_uploaded_active_content_is_an_attachment(world, active_files, role, which):
    pkg, files = active_files
    r = _download(world, role, pkg, files[which])
    assert r.status_code == 200, r.status_code
    assert r.headers["Content-Disposition"].lower().startswith("attachment"), dict(r.headers)
    assert _is_safe(r), dict(r.headers)


@pytest.mark.parametrize("role", ["anonymous", "dept_admin", "authority"])
def test_the_route_filename_does_not_choose_the_type(world, role):
    pkg = world["datasets"]["unconditional"]["pkg"]
    res = world["datasets"]["unconditional"]["upload"]  # a passed CSV
    r = _download(world, role, pkg, res, "evil.html")
    assert r.status_code == 200
    assert _is_safe(r), dict(r.headers)


def test_type_change_of_a_passed_file_withdraws_it_until_it_passes_again(world):
    from ckan.tests import helpers
    pkg = world["datasets"]["unconditional"]["pkg"]
    res = _create(world, pkg, "counts.csv", CSV, format="CSV")
    r = _download(world, "anonymous", pkg, res)
    assert r.status_code == 200 and _is_safe(r), dict(r.headers)
    ctx = {"user": world["users"]["dept_editor"]["name"]}
    helpers.call_action("resource_patch", dict(ctx), id=res["id"], mimetype="text/html")
    r = _download(world, "anonymous", pkg, res)
    assert r.status_code == 403, (r.status_code, dict(r.headers))
    assert _download(world, "citizen", pkg, res).status_code == 403
    # the gate again (the job re-runs on the kept original), then it is served, never as HTML
    run_gate(res["id"], world["users"]["dept_admin"]["name"])
    r = _download(world, "anonymous", pkg, res)
    assert r.status_code == 200 and _is_safe(r), dict(r.headers)
    assert "html" not in r.headers["Content-Type"]
    assert "天安门东".encode("utf-8") in r.data or b"12000" in r.data
    # a format change too
    helpers.call_action("resource_patch", dict(ctx), id=res["id"], format="HTML")
    assert _download(world, "anonymous", pkg, res).status_code == 403


def test_url_change_of_a_passed_link_withdraws_it(world):
    from ckan.tests import helpers
    pkg = world["datasets"]["unconditional"]["pkg"]
    ext = world["datasets"]["unconditional"]["external"]
    assert _download(world, "anonymous", pkg, ext).status_code == 302
    ctx = {"user": world["users"]["dept_editor"]["name"]}
    helpers.call_action("resource_patch", dict(ctx), id=ext["id"],
                        url="https://evil.example.invalid/x.html")
    r = _download(world, "anonymous", pkg, ext)
    assert r.status_code == 403 and "evil" not in (r.headers.get("Location") or "")


@pytest.mark.parametrize("role", ["dept_editor", "dept_admin", "authority"])
def test_original_route_is_an_attachment_with_nosniff(world, active_files, role):
    pkg, files = active_files
    r = world["app"].get("/dataset/%s/resource/%s/original" % (pkg["id"], files["html"]["id"]),
                         headers=headers(world, role), status=None)
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].lower().startswith("attachment")
    assert _is_safe(r), dict(r.headers)


@pytest.mark.parametrize("name,inline,mimetype", [
    ("report.html", False, "application/octet-stream"),
    ("chart.SVG", False, "application/octet-stream"),
    ("page.xhtml", False, "application/octet-stream"),
    ("data.xml", False, "application/octet-stream"),
    ("script.js", False, "application/octet-stream"),
    ("noext", False, "application/octet-stream"),
    ("table.xlsx", False, "application/octet-stream"),
    ("counts.csv", True, "text/csv"),
    ("photo.JPG", True, "image/jpeg"),
    ("scan.pdf", True, "application/pdf"),
    ("https://x.invalid/a.png?x=.html", True, "image/png"),
])
def test_the_serving_rule(name, inline, mimetype):
    """DB-free: the one rule (domain.open_types.serving_for) every file route uses."""
    from ckanext.govopen.domain import open_types as ot
    how = ot.serving_for(name)
    assert (how.mimetype, not how.as_attachment) == (mimetype, inline)
    assert ot.serving_for(name, force_attachment=True).as_attachment
