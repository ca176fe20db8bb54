"""docker/ writes the production config that CKAN with Solr expects (issue 19).

Docker cannot run here, so this runs the part of docker/entrypoint.sh that writes the
ini (``entrypoint.sh config``, with the environment docker/compose.yaml gives the ckan
service) and reads what it wrote: the plugin set is the portal's (config/ as written by
`make run`) without the PostgreSQL search, ``solr_url`` points at compose's Solr
service and the core the ``ckan/ckan-solr`` image creates, and both services of the
stack serve with the same server as `make run`.
"""
from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import write_config  # noqa: E402  (scripts/write_config.py: the `make run` plugin list)


def compose():
    with open(os.path.join(ROOT, "docker", "compose.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def expand(value: str, env: dict) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), value)


@pytest.fixture(scope="module")
def docker_ini(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docker")
    env_file = {}
    with open(os.path.join(ROOT, "docker", "env.example"), encoding="utf-8") as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                env_file[k] = v
    service_env = {k: expand(str(v), env_file)
                   for k, v in compose()["services"]["ckan"]["environment"].items()}
    env = {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
           "APP_DIR": ROOT, "CKAN_INI": str(tmp / "ckan.ini"), "STORAGE_PATH": str(tmp),
           **env_file, **service_env}
    run = subprocess.run(["sh", os.path.join(ROOT, "docker", "entrypoint.sh"), "config"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    parser = configparser.RawConfigParser(strict=False)
    parser.read(tmp / "ckan.ini", encoding="utf-8")
    return parser["app:main"], service_env


def test_plugins_are_the_portals_with_solr_search(docker_ini):
    section, _ = docker_ini
    plugins = section["ckan.plugins"].split()
    portal = write_config.DEFAULT_PLUGINS.split()
    # the same plugins in the same order, only the PostgreSQL search replacement left out
    assert plugins == [p for p in portal if p != "govopen_search"]
    assert "govopen_search" not in plugins
    # every name is a CKAN plugin entry point installed here (a typo would stop CKAN)
    from importlib.metadata import entry_points
    known = {ep.name for ep in entry_points(group="ckan.plugins")}
    assert set(plugins) <= known, set(plugins) - known
    # scheming's dataset type comes before the plugin that customises it
    assert plugins.index("scheming_datasets") < plugins.index("govopen")


def test_solr_url_is_composes_solr_core(docker_ini):
    section, service_env = docker_ini
    url = section["solr_url"]
    assert url == "http://solr:8983/solr/ckan"
    # the host is compose's Solr service, an image of CKAN's Solr schema for our CKAN line
    services = compose()["services"]
    assert "solr" in services
    assert services["solr"]["image"].startswith("ckan/ckan-solr:2.11")
    with open(os.path.join(ROOT, "requirements.txt")) as f:
        assert re.search(r"^ckan\[requirements\]==2\.11\.", f.read(), re.M)
    # the worker indexes into the same core as the web app
    assert services["worker"]["environment"]["SOLR_URL"] == service_env["SOLR_URL"] == url
    # Solr keys its index by site id: set, as in config/
    assert section["ckan.site_id"] == "govopen"


def test_production_settings(docker_ini):
    section, service_env = docker_ini
    assert section["sqlalchemy.url"] == service_env["DB_URL"]
    assert section["ckan.redis.url"] == "redis://redis:6379/0"
    assert section["ckan.site_url"] == service_env["SITE_URL"]
    assert section["ckan.datastore.write_url"] == service_env["DATASTORE_WRITE_URL"]
    assert section["ckan.datastore.read_url"] == service_env["DATASTORE_READ_URL"]
    assert section["ckan.csrf_protection.ignore_extensions"] == "false"
    assert int(section["govopen.page_cache.seconds"]) > 0


def test_served_by_gunicorn_like_make_run():
    with open(os.path.join(ROOT, "docker", "entrypoint.sh")) as f:
        entry = f.read()
    with open(os.path.join(ROOT, "scripts", "run.sh")) as f:
        run = f.read()
    app = "ckanext.govopen.wsgi:application"
    assert re.search(r'exec gunicorn -c "?\S*/config/gunicorn\.conf\.py"? %s' % re.escape(app), entry)
    assert re.search(r"gunicorn -c config/gunicorn\.conf\.py %s" % re.escape(app), run)
    assert "uwsgi" not in entry
    with open(os.path.join(ROOT, "docker", "Dockerfile")) as f:
        assert "uwsgi" not in f.read()


def test_the_web_app_and_the_worker_come_back_by_themselves():
    """Issue 19 (faults): a crashed or killed web app or jobs worker is restarted by the
    stack, no manual action; the fault test (tests/logic/test_faults.py) shows a killed
    worker's job failed with the re-run hint and the queue behind it run by the next one."""
    services = compose()["services"]
    for name in ("ckan", "worker"):
        assert services[name].get("restart") in ("always", "unless-stopped"), name


def test_the_daily_duties_run_in_their_own_service():
    """Issue 18: reminders need no cron entry: the `daily` service runs `ckan govopen
    daily` (the entrypoint knows the command) and comes back after a crash."""
    services = compose()["services"]
    assert services["daily"]["command"] == "daily"
    assert services["daily"].get("restart") in ("always", "unless-stopped")
    assert services["daily"]["environment"] == services["worker"]["environment"]
    with open(os.path.join(ROOT, "docker", "entrypoint.sh"), encoding="utf-8") as f:
        entry = f.read()
    assert "daily)" in entry and "exec ckan govopen daily" in entry
