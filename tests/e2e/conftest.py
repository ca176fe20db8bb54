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
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

HERE = os.path.dirname(__file__)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SHOTS = os.path.join(HERE, "screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_ini(tmp_dir: str, port: int, ini: str) -> str:
    path = os.path.join(tmp_dir, "e2e.ini")
    with open(path, "w") as f:
        f.write(f"""[app:main]
use = config:{ini}
ckan.site_url = http://127.0.0.1:{port}
ckan.locale_default = zh_Hans_CN
ckan.locale_order = zh_Hans_CN en
ckan.locales_offered = zh_Hans_CN en
WTF_CSRF_ENABLED = true

[loggers]
keys = root
[handlers]
keys = console
[formatters]
keys = generic
[logger_root]
level = WARNING
handlers = console
[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic
[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
""")
    return path


@pytest.fixture(scope="module")
def live_portal(request, tmp_path_factory):
    import ckan.plugins as plugins
    from govopen_world import build_world

    ini = os.path.abspath(request.config.getoption("--ckan-ini"))
    plugins.load_all()
    try:
        world = build_world()
    finally:
        plugins.unload_non_system_plugins()
    port = _free_port()
    tmp = str(tmp_path_factory.mktemp("e2e"))
    server_ini = _server_ini(tmp, port, ini)
    log = open(os.path.join(tmp, "server.log"), "w")
    ckan_bin = os.path.join(os.path.dirname(sys.executable), "ckan")
    proc = subprocess.Popen([ckan_bin, "-c", server_ini, "run", "-H", "127.0.0.1",
                             "-p", str(port), "--disable-reloader"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/api/3/action/status_show", timeout=2)
                break
            except Exception:
                if proc.poll() is not None or time.time() > deadline:
                    log.flush()
                    raise RuntimeError("ckan run did not start: " +
                                       open(os.path.join(tmp, "server.log")).read()[-3000:])
                time.sleep(0.5)
        yield {**world, "url": url, "server_log": os.path.join(tmp, "server.log")}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
