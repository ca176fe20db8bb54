"""A small portal world shared by the matrix test (tests/logic) and the browser
tests (tests/e2e): one department with an entry of each open type (an uploaded
CSV and an external-URL resource each), another department, a user per role,
API tokens, and grants (enterprise: valid; citizen: expired) on the conditional
entry. Call :func:`build_world` with plugins loaded; it resets the database."""
from __future__ import annotations

import io
import os
import uuid



VALID_ENTRY = {
    "resource_category": "basic",
    "theme": "transport",
    "update_cycle": "monthly",
    "open_method": "download",
    "spatial_code": "110000",
    "share_type": "unconditional",
    "contact_name": "张三",
    "contact_email": "opendata@example.gov.cn",
    "contact_phone": "010-12345678",
    "record_count": "100",
}

LEGAL_BASIS = "《中华人民共和国个人信息保护法》第二十八条"
CONDITIONS = "仅限用于交通规划研究，申请人须签署数据使用协议"


def _plugins_to_migrate():
    import ckan.plugins as p
    from ckan.cli.db import _resolve_alembic_config

    names = []
    for name in ("activity", "govopen_search", "govopen"):
        if not p.plugin_loaded(name):
            continue
        try:
            if os.path.exists(_resolve_alembic_config(name)):
                names.append(name)
        except Exception:
            continue
    return names


ROLES = ["anonymous", "citizen", "enterprise", "dept_editor", "dept_admin",
         "other_editor", "authority"]
OPEN_TYPES = ["unconditional", "conditional", "not_open"]
CSV_BYTES = "站点,客流\n天安门东,12000\n".encode("utf-8")
TITLES = {"unconditional": "公交站点客流统计", "conditional": "出租车运营轨迹",
          "not_open": "交通违法人员信息"}


def upload(data: bytes, filename: str):
    from werkzeug.datastructures import FileStorage
    return FileStorage(stream=io.BytesIO(data), filename=filename)


#: a verified requester (issue 12 finding 8: only verified accounts count towards the
#: high-demand threshold), under every verification method
VERIFIED = {m: {"at": "2026-01-01T00:00:00+00:00", "reference": "test"}
            for m in ("email", "real_name")}

ALL_YES = {"no_state_secret": True, "no_trade_secret": True,
           "personal_data_within_policy": True, "open_type_correct": True}


def run_gate(resource_id: str, reviewer: str | None = None, sign: bool = True) -> dict:
    """Run one resource through the publication gate (issue 7) in this process: its
    desensitization job, then the confidentiality review signed by ``reviewer``
    (a user name; default the site user, i.e. the competent authority)."""
    import ckan.model as model
    from ckan.tests import helpers
    from ckanext.govopen.publication import job, state
    row = state.get_row(resource_id)
    if row is not None and row.state in ("queued", "running"):
        job.run(resource_id, row.token)
        model.Session.remove()
    if sign:
        if reviewer is None:
            reviewer = helpers.call_action("get_site_user", {"ignore_auth": True})["name"]
        return helpers.call_action("govopen_publication_review", {"user": reviewer},
                                   id=resource_id, checklist=dict(ALL_YES), note="测试签署")
    return helpers.call_action("govopen_publication_show", {"ignore_auth": True, "user": ""},
                               id=resource_id)


def publish(package_id: str, reviewer: str | None = None, user: str | None = None) -> dict:
    """Every resource of a dataset through the gate, then the dataset made public."""
    from ckan.tests import helpers
    site = helpers.call_action("get_site_user", {"ignore_auth": True})["name"]
    pkg = helpers.call_action("package_show", {"user": site}, id=package_id)
    for res in pkg["resources"]:
        run_gate(res["id"], reviewer)
    return helpers.call_action("package_patch", {"user": user or site}, id=package_id,
                               private=False)


def build_world(password: str = "Test-Passw0rd!") -> dict:
    import ckan.model as model
    from ckan.cli.db import _run_migrations
    from ckan.tests import factories, helpers
    helpers.reset_db()
    for name in _plugins_to_migrate():
        _run_migrations(name)
    users = {}
    for role in ROLES[1:]:
        make = factories.Sysadmin if role == "authority" else factories.User
        # image_url "": the factory's third-party image breaks the CSP; about: the
        # factory's random English sentence once began "None …" and the crawl's check
        # for Python values on pages took it for one (CI, 2026-12-06)
        users[role] = make(name="%s_%s" % (role, uuid.uuid4().hex[:4]), password=password,
                           image_url="", about="测试账号")
    for role in ("citizen", "enterprise"):
        u = model.User.get(users[role]["id"])
        u.plugin_extras = {"govopen": {"kind": role, "verified": VERIFIED}}
        model.repo.commit()
    # no image_url: the factory's default is a third-party image, which the portal's
    # CSP (img-src 'self') blocks in the browser tests
    # descriptions fixed too: the factory's random English could read as a Python value
    dept = factories.Organization(title="市交通运输局", image_url="", description="测试部门", users=[
        {"name": users["dept_editor"]["name"], "capacity": "editor"},
        {"name": users["dept_admin"]["name"], "capacity": "admin"}])
    other = factories.Organization(title="市卫生健康委员会", image_url="", description="测试部门", users=[
        {"name": users["other_editor"]["name"], "capacity": "editor"}])
    tokens = {role: helpers.call_action("api_token_create", {"user": u["name"]},
                                        user=u["name"], name="t")["token"]
              for role, u in users.items()}
    editor_ctx = {"user": users["dept_editor"]["name"]}
    datasets = {}
    for ot in OPEN_TYPES:
        data = {"name": "m-%s-%s" % (ot.replace("_", "-"), uuid.uuid4().hex[:4]),
                "title": TITLES[ot], "owner_org": dept["id"], "open_type": ot,
                "notes": "用于测试的%s目录。" % TITLES[ot], **VALID_ENTRY}
        if ot != "unconditional":
            data["legal_basis"] = LEGAL_BASIS
        if ot == "conditional":
            data["open_conditions"] = CONDITIONS
        pkg = helpers.call_action("package_create", dict(editor_ctx), **data)
        up = helpers.call_action(
            "resource_create", dict(editor_ctx), package_id=pkg["id"],
            name="客流 CSV", format="CSV", url="passengers.csv",
            upload=upload(CSV_BYTES, "passengers.csv"))
        ext = helpers.call_action(
            "resource_create", dict(editor_ctx), package_id=pkg["id"], name="外部链接",
            format="JSON", url="https://data.example.invalid/secret-%s.json" % ot)
        publish(pkg["id"], users["dept_admin"]["name"], users["dept_editor"]["name"])
        up = helpers.call_action("resource_show", id=up["id"])
        ext = helpers.call_action("resource_show", id=ext["id"])
        datasets[ot] = {"pkg": helpers.call_action("package_show", id=pkg["id"]),
                        "upload": up, "external": ext}
    cond = datasets["conditional"]["pkg"]["id"]
    helpers.call_action("govopen_grant_create", {"user": users["dept_admin"]["name"]},
                        user_id=users["enterprise"]["id"], package_id=cond,
                        expires="2999-01-01T00:00:00")
    helpers.call_action("govopen_grant_create", {"user": users["authority"]["name"]},
                        user_id=users["citizen"]["id"], package_id=cond,
                        expires="2020-01-01T00:00:00")
    return {"users": users, "tokens": tokens, "datasets": datasets, "dept": dept,
            "other": other, "password": password}


def build_world_served() -> dict:
    """:func:`build_world` with the ini's plugins loaded only while it builds (for a world
    served by a live server in another process)."""
    import ckan.plugins as plugins
    plugins.load_all()
    try:
        return build_world()
    finally:
        plugins.unload_non_system_plugins()


# ------------------------------------------------------------------ calling the world's app
def headers(world: dict, role: str) -> dict:
    """The HTTP headers of ``role`` (an API token; none for anonymous)."""
    return {} if role == "anonymous" else {"Authorization": world["tokens"][role]}


def post_form(world: dict, role: str, url: str, **kw):
    """POST a page's form or script endpoint (the datatables preview …) as ``role``: with
    its API token, or for anonymous as a browser does, with the CSRF token of its own
    session in the X-CSRFToken header (anonymous posts without one are refused: outside
    test, finding F1)."""
    if role != "anonymous":
        return world["app"].post(url, headers=headers(world, role), **kw)
    import re
    c = world["app"].test_client(use_cookies=True)
    html = c.get("/dataset/", status=None).get_data(as_text=True)
    token = re.search(r'name="_csrf_token"\s+(?:content|value)="([^"]+)"', html).group(1)
    return c.post(url, headers={"X-CSRFToken": token}, **kw)


def api(world: dict, role: str, name: str, /, **params):
    """POST the API action ``name`` as ``role`` through the world's test app:
    (status, decoded answer)."""
    r = world["app"].post("/api/3/action/" + name, json=params, headers=headers(world, role),
                          status=None)
    return r.status_code, r.json
