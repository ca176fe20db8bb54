"""Browser / live-server fixtures.

``serve_world``  (module) factory: ``serve_world(name, settings={}, threaded=False)``
                 builds the shared world (tests/govopen_world.py) in the test database,
                 then serves it with ``ckan run`` on a free loopback port (tests/live.py;
                 child ini: zh_Hans_CN default locale, CSRF on, site_url = that port,
                 plus ``settings``). Returns the world dict plus ``url``, ``server_log``,
                 ``ini`` (for a worker with the same settings) and ``tmp``.
``live_portal``  (module) ``serve_world("e2e")``.
``browser``      (module) headless Debian Chromium driven by Playwright.
``shot``         saves a full-page screenshot under tests/e2e/screenshots/.
"""
from __future__ import annotations

import os

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
        import ckan.plugins as plugins
        from govopen_world import build_world
        plugins.load_all()
        try:
            world = build_world()
        finally:
            plugins.unload_non_system_plugins()
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


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


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
