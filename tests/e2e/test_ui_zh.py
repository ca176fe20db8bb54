"""Chinese-first UI: the pages people use show no English UI text in the zh locale.

Two guards:
  * the merged catalog (CKAN's zh_Hans_CN ckan.mo, then ours over it, as flask_babel
    merges them) gives a Chinese translation, without traditional characters, for every
    core msgid in TRANSLATED below: the strings CKAN's own catalog lacks or gets wrong,
    that our ckanext-govopen.po supplies ("Core CKAN strings missing ..." section);
  * against a live `ckan run` in zh (default locale): the home page, dataset search,
    dataset and resource pages, departments, login/register, the 404 page as anonymous,
    and the dataset form, API tokens and dashboard as a department editor, plus the
    demand board, a demand page and the department's oversight dashboard, rendered in
    headless Chromium: no visible text node, placeholder, title or aria-label equals one
    of the English UI strings in ENGLISH_UI (on the demand pages also the English msgids
    of the demand templates, DEMAND_UI), and the GovOpen header/home are there.
Screenshots: tests/e2e/screenshots/{home,dataset-list,dataset-page,login,...}-zh.png.
"""
from __future__ import annotations

import os
import re

import pytest

import live

pytestmark = pytest.mark.e2e

HERE = os.path.dirname(__file__)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUR_I18N = os.path.join(ROOT, "ckanext-govopen", "ckanext", "govopen", "i18n")

# Core msgids shown on the key pages whose zh translation comes from our catalog
# (missing, empty, English or wrong in CKAN 2.11's zh_Hans_CN catalog).
TRANSLATED = [
    # issue 14: core's zh translation has a typo (文挡)
    "A resource can be any file or link to a file containing useful data.",
    # header, page, footer
    "Log in", "Register", "Account", "Profile settings", "View dashboard", "Toggle navigation",
    "Search Datasets...", "Search datasets", "Submit", "Skip to main content", "Breadcrumb",
    "Site logo", "Organizations", "Organization", "News feed", "API Docs",
    # traditional characters leaking from core's catalog
    "Welcome to CKAN", "No matches found", "There are currently no organizations for this site",
    # dataset search / dataset / resource pages
    "There is no description for this dataset", "Dataset description:", "Data last updated",
    "Follow", "Unfollow", "Followers", "Reorder resources", "Fullscreen", "Embed",
    "Search organizations...", "Add Organization", "My Organizations",
    # forms
    "Data", "Please select the license", "No Organization", "An organization must be provided",
    "Your password must be 8 characters or longer",
    "A CKAN Dataset is a collection of data resources (such as files), together with a "
    "description and other information, at a fixed URL. Datasets are what users see when "
    "searching for data.",
    # login / register / reset / user
    "Username or Email", "Email or username", "Request Reset", "Profile picture",
    "Profile picture URL", "Create datasets, groups and other exciting things",
    "Your profile lets other CKAN users know about who you are and what you do.",
    # errors
    "You might need to login to access this page.", "Click here to login",
    "Dataset not found or you have no permission to view it", "Not authorized to download resource",
    # API tokens, activity
    "Token", "Last access", "Revoke", "All activity types", "No activity found",
    "{actor} updated the {dataset_type} {dataset}", "{actor} created the {dataset_type} {dataset}",
]

# English UI strings (core msgids) that must not be visible on the zh pages.
ENGLISH_UI = {
    "Log in", "Login", "Register", "Datasets", "Dataset", "Organizations", "Organization", "Groups",
    "About", "Search", "Search Datasets...", "Search datasets...", "Search datasets", "Submit",
    "Order by", "Relevance", "Name Ascending", "Name Descending", "Last Modified", "Popular",
    "Filter by", "Formats", "Tags", "Licenses", "Show More Tags", "Activity Stream", "Followers",
    "Follow", "Unfollow", "Social", "License", "Additional Info", "Field", "Value", "Source",
    "Author", "Maintainer", "Version", "Last Updated", "Created", "Explore",
    "More information", "Download", "Go to resource", "Preview", "Data and Resources",
    "Resources", "Edit", "Manage", "Add new resource", "Update Dataset", "Delete", "Username",
    "Password", "Remember me", "Forgot your password?", "Create an Account", "Need an Account?",
    "Username or Email", "API Tokens", "Create API Token", "Dashboard", "News feed",
    "Skip to main content", "Welcome", "Not Found", "Forbidden", "Profile settings",
    "Toggle navigation", "Breadcrumb", "Account", "Home", "Read more", "Powered by",
    "CKAN Association", "CKAN API", "Data", "Title", "Description", "Visibility", "Private",
    "Public", "Next: Add Data", "Add Data", "Finish", "Previous", "Cancel", "Save", "Profile picture",
    "Full name", "Email", "Change password", "Request Reset", "Email or username",
    "Reorder resources", "Dataset description:", "Data last updated", "Metadata last updated",
    "Format", "Name", "Token", "Last access", "Revoke", "Actions", "Click here to login",
    "Welcome to CKAN", "Twitter", "Facebook", "Changed Package", "New Package", "Follow Dataset",
    "Activity type",
}


def _demand_msgids():
    """The English msgids of the demand pages: every _('...') in templates/govopen/demand/."""
    tdir = os.path.join(ROOT, "ckanext-govopen", "ckanext", "govopen", "templates", "govopen", "demand")
    pattern = re.compile(r"""\b_\(\s*(['"])((?:\\.|(?!\1).)*)\1\s*\)""")
    ids = set()
    for n in os.listdir(tdir):
        if n.endswith(".html"):
            for m in pattern.finditer(open(os.path.join(tdir, n), encoding="utf-8").read()):
                ids.add(m.group(2).replace("\\'", "'").replace('\\"', '"'))
    return ids


# English labels of the demand board, demand page and oversight dashboard
DEMAND_UI = _demand_msgids()

TRADITIONAL = "來沒們這為與時後從會對發開關標籤檔檢視編輯設說請選擇註冊帳號輸網頁應該無據組織顯刪創"

VISIBLE_TEXT_JS = """() => {
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = w.nextNode())) {
    const el = n.parentElement;
    if (!el || el.closest('script,style,noscript,template')) continue;
    const st = getComputedStyle(el);
    if (st.display === 'none' || st.visibility === 'hidden') continue;
    const t = n.textContent.replace(/\\s+/g, ' ').trim();
    if (t) out.push(t);
  }
  document.querySelectorAll('[placeholder],[title],[aria-label],input[type=submit]').forEach(e => {
    for (const a of ['placeholder', 'title', 'aria-label']) {
      const v = e.getAttribute(a);
      if (v) out.push(v.trim());
    }
    if (e.type === 'submit' && e.value) out.push(e.value.trim());
  });
  return out;
}"""


# ---------------------------------------------------------------- the merged catalog
def _merged_catalog():
    from babel.support import Translations
    import ckan
    core_dir = os.path.join(os.path.dirname(ckan.__file__), "i18n")
    merged = Translations.load(core_dir, ["zh_Hans_CN"], "ckan")
    ours = Translations.load(OUR_I18N, ["zh_Hans_CN"], "ckanext-govopen")
    assert isinstance(ours, Translations), "ckanext-govopen.mo missing: compile the catalog"
    merged.merge(ours)  # extensions' catalogs override core's, as flask_babel merges them
    return merged


def test_translated_core_strings_have_zh():
    cat = _merged_catalog()
    missing, traditional = [], []
    for msgid in TRANSLATED:
        zh = cat.gettext(msgid)
        if zh == msgid or not re.search(r"[\u4e00-\u9fff]", zh):
            missing.append(msgid)
        elif any(ch in TRADITIONAL for ch in zh):
            traditional.append((msgid, zh))
    assert not missing, "core strings without a Chinese translation: %r" % missing
    assert not traditional, "traditional characters: %r" % traditional


def test_our_portal_strings_have_zh():
    """Every _('...') in GovOpen's templates has a zh translation (issue 14: all of
    them, not only the home/header/footer ones)."""
    cat = _merged_catalog()
    tdir = os.path.join(ROOT, "ckanext-govopen", "ckanext", "govopen", "templates")
    files = []
    for base, _dirs, names in os.walk(tdir):
        files += [os.path.join(base, n) for n in names if n.endswith(".html")]
    pattern = re.compile(r"""_\(\s*(['"])((?:\\.|(?!\1).)*)\1\s*\)""")
    untranslated = []
    for path in files:
        for m in pattern.finditer(open(path, encoding="utf-8").read()):
            msgid = m.group(2).replace("\\'", "'").replace('\\"', '"')
            if cat.gettext(msgid) == msgid:
                untranslated.append((os.path.basename(path), msgid))
    assert not untranslated, untranslated


def _python_msgids(path: str):
    """The msgids of every ``_(...)`` / ``tk._(...)`` / ``toolkit._(...)`` call in a module,
    read with Python's parser, so a message split over lines as adjacent literals
    ("... Check its " "syntax ...") is one msgid, as gettext sees it (a regular
    expression over the text missed those)."""
    import ast
    tree = ast.parse(open(path, encoding="utf-8").read(), filename=path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        first = node.args[0]
        if name == "_" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield node.lineno, first.value


def test_our_python_messages_have_zh():
    """Every ``_('...')`` / ``tk._('...')`` in GovOpen's Python (refusals of auth functions
    and views, flashes) has a zh translation: an English refusal (e.g. the demand
    route's 403) must not reach the Chinese interface."""
    cat = _merged_catalog()
    pdir = os.path.join(ROOT, "ckanext-govopen", "ckanext", "govopen")
    untranslated, seen = [], 0
    for base, _dirs, names in os.walk(pdir):
        for n in names:
            if n.endswith(".py"):
                for line, msgid in _python_msgids(os.path.join(base, n)):
                    seen += 1
                    if cat.gettext(msgid) == msgid:
                        untranslated.append(("%s:%d" % (n, line), msgid))
    assert seen > 100          # the walk found the extension's messages at all
    assert not untranslated, untranslated


# ---------------------------------------------------------------- live pages
def _english_on(page, extra=()):
    texts = page.evaluate(VISIBLE_TEXT_JS)
    english = sorted({t for t in texts if t in ENGLISH_UI or t in extra})
    trad = sorted({t for t in texts if any(ch in TRADITIONAL for ch in t)})
    return english, trad


def _login(page, portal, role):
    live.sign_in(page, portal["url"], portal["users"][role]["name"], portal["password"])


def _check(page, url, problems, expect_status=200, extra=()):
    resp = page.goto(url)
    allowed = expect_status if isinstance(expect_status, tuple) else (expect_status,)
    assert resp.status in allowed, (url, resp.status)
    english, trad = _english_on(page, extra)
    if english or trad:
        problems.append((url, english, trad))


def test_pages_in_zh_anonymous(live_portal, browser, shot, page_problems):
    url = live_portal["url"]
    pkg = live_portal["datasets"]["unconditional"]["pkg"]
    res = live_portal["datasets"]["unconditional"]["upload"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    problems = []

    _check(page, url + "/", problems)
    # the GovOpen home: our brand and nav, the three open types with counts, no CKAN placeholder
    assert page.locator(".govopen-brand-title").inner_text() == "政府数据开放平台"
    nav = page.locator(".masthead .navbar-nav").inner_text()
    for label in ("数据集", "部门", "负面清单", "统计"):
        assert label in nav, (label, nav)
    cards = page.locator(".govopen-type-card")
    assert cards.count() == 3
    for i, label in enumerate(("无条件开放", "有条件开放", "不予开放")):
        assert label in cards.nth(i).inner_text()
        assert int(cards.nth(i).locator(".govopen-type-count").inner_text()) >= 1
    html = page.content()
    for placeholder in ("placeholder-420x220", "ckan-logo.png", "欢迎來到CKAN", "Welcome to CKAN"):
        assert placeholder not in html, placeholder
    assert page.locator("a[href$='/negative-list']").count() >= 1
    assert page.locator("a[href$='/catalog.csv']").count() >= 1
    shot(page, "home-zh")

    _check(page, url + "/dataset/", problems)
    shot(page, "dataset-list-zh")
    _check(page, url + "/dataset/?q=%E5%AE%A2%E6%B5%81&sort=title_string+asc", problems)
    _check(page, "%s/dataset/%s" % (url, pkg["name"]), problems)
    shot(page, "dataset-page-zh")
    _check(page, "%s/dataset/activity/%s" % (url, pkg["name"]), problems)
    _check(page, "%s/dataset/%s/resource/%s" % (url, pkg["name"], res["id"]), problems)
    shot(page, "resource-page-zh")
    _check(page, url + "/organization/", problems)
    _check(page, "%s/organization/%s" % (url, live_portal["dept"]["name"]), problems)
    _check(page, url + "/user/login", problems)
    shot(page, "login-zh")
    # registration may be closed to anonymous users (403 page, itself checked)
    page_problems.allow(403, "/user/register")
    page_problems.allow(404, "/dataset/no-such-entry-zh")
    _check(page, url + "/user/register", problems, expect_status=(200, 403))
    _check(page, url + "/user/reset", problems)
    _check(page, url + "/about", problems)
    _check(page, url + "/dataset/no-such-entry-zh", problems, expect_status=404)
    assert page.locator("h1").first.inner_text().strip() == "404 页面不存在"
    shot(page, "not-found-zh")
    page.close()
    assert not problems, "English UI / traditional characters on zh pages: %r" % problems


def test_pages_in_zh_department_editor(live_portal, browser, shot):
    url = live_portal["url"]
    pkg = live_portal["datasets"]["unconditional"]["pkg"]
    editor = live_portal["users"]["dept_editor"]["name"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _login(page, live_portal, "dept_editor")
    problems = []
    _check(page, url + "/", problems)
    assert page.locator(".account-masthead .username").count() == 1
    _check(page, url + "/dataset/", problems)
    _check(page, "%s/dataset/%s" % (url, pkg["name"]), problems)
    _check(page, "%s/dataset/edit/%s" % (url, pkg["name"]), problems)
    shot(page, "dataset-form-editor-zh")
    _check(page, url + "/dataset/new", problems)
    _check(page, "%s/dataset/%s/resource/new" % (url, pkg["name"]), problems)
    _check(page, "%s/user/%s/api-tokens" % (url, editor), problems)
    shot(page, "api-tokens-zh")
    _check(page, url + "/dashboard/datasets", problems)
    _check(page, "%s/user/edit/%s" % (url, editor), problems)
    page.close()
    assert not problems, "English UI / traditional characters on zh pages: %r" % problems


def _api(portal, action, token, **data):
    return live.action_result(portal["url"], action, token, **data)


def test_demand_pages_in_zh(live_portal, browser, shot):
    """The demand board, a demand page (with its “我也需要” button) and the department's
    dashboard show no English demand label in zh, and do show them under /en."""
    url = live_portal["url"]
    assert {"Data demands", "I need this too", "High-demand reviews"} <= DEMAND_UI, DEMAND_UI
    d = _api(live_portal, "govopen_demand_create", live_portal["tokens"]["citizen"],
             title="全市共享单车停放点位", description="希望开放各区共享单车停放点位及容量",
             suggested_org=live_portal["dept"]["name"])
    problems = []
    anon = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _check(anon, url + "/demand", problems, extra=DEMAND_UI)
    assert anon.locator("h1").first.inner_text().strip() == "数据需求"
    assert anon.locator("tr[data-demand='%s']" % d["id"]).count() == 1
    shot(anon, "demand-board-zh")
    _check(anon, "%s/demand/%s" % (url, d["id"]), problems, extra=DEMAND_UI)
    anon.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _login(page, live_portal, "enterprise")
    _check(page, url + "/demand", problems, extra=DEMAND_UI)
    assert "提出目录外数据需求" in page.content()
    _check(page, "%s/demand/%s" % (url, d["id"]), problems, extra=DEMAND_UI)
    assert page.locator("button.govopen-second").inner_text().strip() == "我也需要"
    shot(page, "demand-page-zh")
    page.goto("%s/en/demand/%s" % (url, d["id"]))
    assert page.locator("button.govopen-second").inner_text().strip() == "I need this too"
    page.goto(url + "/en/demand")
    assert page.locator("h1").first.inner_text().strip() == "Data demands"
    page.close()

    head = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _login(head, live_portal, "dept_admin")
    _check(head, url + "/dashboard/oversight", problems, extra=DEMAND_UI)
    # the heading names the department too (issue 14)
    assert head.locator("h1").first.inner_text().strip().startswith("部门办理台账")
    head.close()
    assert not problems, "English UI / traditional characters on zh demand pages: %r" % problems
