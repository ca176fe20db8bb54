"""Browser / live-server fixtures.

``serve_world``  (module) factory: ``serve_world(name, settings={}, threaded=False)``
                 builds the shared world (tests/govopen_world.py) in the test database,
                 then serves it with ``ckan run`` on a free loopback port (tests/live.py;
                 child ini: zh_Hans_CN default locale, CSRF on, site_url = that port,
                 plus ``settings``). Returns the world dict plus ``url``, ``server_log``,
                 ``ini`` (for a worker with the same settings) and ``tmp``.
``live_portal``  (module) ``serve_world("e2e")``.
``browser``      (module) headless Debian Chromium driven by Playwright. Every page it
                 opens (``new_page``, or a page of ``new_context()``) is watched: a
                 console error (a CSP violation among them) or an uncaught script
                 error fails the test that was running (issue 12, finding 13).
``shot``         saves a full-page screenshot under tests/e2e/screenshots/.
``page_problems`` (autouse) every page a test opens through ``browser`` is watched: a
                 console error, an uncaught script error, a failed request or an HTTP
                 answer >= 400 fails the test at its end. A test that provokes one on
                 purpose says so: ``page_problems.allow(status, url_part)``.
"""
from __future__ import annotations

import os
import re

import pytest

import live

HERE = os.path.dirname(__file__)
SHOTS = os.path.join(HERE, "screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def serve_world(request, tmp_path_factory):
    """Factory (see module doc); every server it started stops at the module's end."""
    servers = []

    def serve(name, settings={}, threaded=False):
        from govopen_world import build_world_served
        world = build_world_served()
        port = live.free_port()
        tmp = str(tmp_path_factory.mktemp(name))
        ini = live.write_child_ini(tmp, name, request.config.getoption("--ckan-ini"), {
            "ckan.site_url": live.loopback_url(port), **live.BROWSER_SITE, **settings})
        servers.append(live.start_server(ini, port, os.path.join(tmp, "server.log"),
                                         threaded=threaded))
        return {**world, "url": servers[-1].url, "server_log": servers[-1].log,
                "ini": ini, "tmp": tmp}
    try:
        yield serve
    finally:
        for server in servers:
            server.stop(grace=10)


@pytest.fixture(scope="module")
def live_portal(serve_world):
    return serve_world("e2e")


class PageProblems:
    """What went wrong on the pages of the running test (see the module doc)."""

    # the console echo of a failed request: reported once, as the request itself
    _ECHO = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")

    def __init__(self):
        self.problems: list = []
        self.allowed: list = list(self.ALWAYS_ALLOWED)
        self.dialogs: list = []

    #: CKAN 2.11's datatables_view stylesheet names an image its wheel does not ship
    #: (a packaging gap of CKAN's, not a failure of ours)
    ALWAYS_ALLOWED = [(404, "/ckanext-datatablesview/vendor/FontAwesome/images/")]

    def reset(self):
        self.problems, self.allowed, self.dialogs = [], list(self.ALWAYS_ALLOWED), []

    def allow(self, status: int, url_part: str = ""):
        """An answer ``status`` for a URL containing ``url_part`` is what the test wants."""
        self.allowed.append((status, url_part))

    def _is_allowed(self, status, url):
        return any(status == s and part in url for s, part in self.allowed)

    def watch(self, target):
        """Listen on a Page or a BrowserContext."""
        target.on("console", self._on_console)
        target.on("response", self._on_response)
        target.on("requestfailed", self._on_failed)
        if hasattr(target, "pages"):  # a context: uncaught errors and dialogs are per page
            target.on("page", self._watch_page)
        else:
            self._watch_page(target)
        return target

    def _watch_page(self, page):
        page.on("pageerror", self._on_page_error)
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.accept()

    def _on_console(self, msg):
        if msg.type != "error":
            return
        m = self._ECHO.match(msg.text)
        if m:
            return  # the response listener reports it (with its URL, and allow())
        self.problems.append("console error: %s (%s)" % (msg.text, msg.location.get("url", "")))

    def _on_page_error(self, err):
        self.problems.append("script error: %s" % err)

    def _on_response(self, response):
        if response.status >= 400 and not self._is_allowed(response.status, response.url):
            self.problems.append("HTTP %s %s %s" % (response.status, response.request.method,
                                                    response.url))

    def _on_failed(self, request):
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return  # navigation away or a download the page handed over: not an error
        self.problems.append("request failed: %s %s (%s)" % (request.method, request.url, failure))


_PROBLEMS = PageProblems()


class _WatchedBrowser:
    """The Playwright browser with every new page and context watched by ``_PROBLEMS``."""

    def __init__(self, browser):
        self._browser = browser

    def new_page(self, *args, **kwargs):
        return _PROBLEMS.watch(self._browser.new_page(*args, **kwargs))

    def new_context(self, *args, **kwargs):
        return _PROBLEMS.watch(self._browser.new_context(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield _WatchedBrowser(b)
        b.close()


@pytest.fixture(autouse=True)
def page_problems():
    """Fails the test if a watched page logged an error or a request failed (4xx/5xx)."""
    _PROBLEMS.reset()
    yield _PROBLEMS
    problems, _PROBLEMS.problems = list(_PROBLEMS.problems), []
    assert not problems, "problems on the pages this test opened:\n" + "\n".join(problems[:30])


@pytest.fixture
def shot():
    os.makedirs(SHOTS, exist_ok=True)
    taken = []

    def save(page, name):
        path = os.path.join(SHOTS, name + ".png")
        page.screenshot(path=path, full_page=True)
        taken.append(path)
        return path
    save.taken = taken
    return save
