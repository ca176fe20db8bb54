"""Browser / live-server fixtures.

``live_portal``  (module) builds the shared world (tests/govopen_world.py) in the
                 test database, then serves it with ``ckan run`` on a free loopback
                 port (child ini: zh_Hans_CN default locale, site_url = that port).
                 Yields the world dict plus ``url``.
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
def live_portal(request, tmp_path_factory):
    import ckan.plugins as plugins
    from govopen_world import build_world

    plugins.load_all()
    try:
        world = build_world()
    finally:
        plugins.unload_non_system_plugins()
    port = live.free_port()
    tmp = str(tmp_path_factory.mktemp("e2e"))
    ini = live.write_child_ini(tmp, "e2e", request.config.getoption("--ckan-ini"),
                               {"ckan.site_url": live.loopback_url(port), **live.BROWSER_SITE})
    server = live.start_server(ini, port, os.path.join(tmp, "server.log"))
    try:
        yield {**world, "url": server.url, "server_log": server.log}
    finally:
        server.stop(grace=10)


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
