"""Writes config/ckan.ini from config/ckan.ini.template.

Secrets are generated once and kept on later runs (re-running `make run` must not log
everyone out); every other value is taken afresh from the environment, so PORT, DB_* and
REDIS_URL overrides apply on the next start.
"""
import configparser
import os
import secrets
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "config" / "ckan.ini.template"

DEFAULT_PLUGINS = ("govopen_search activity scheming_datasets govopen dcat datastore datatables_view "
                   "govopen_chart_view")


def existing_secrets(path: Path) -> dict:
    if not path.exists():
        return {}
    parser = configparser.RawConfigParser(strict=False)
    parser.read(path, encoding="utf-8")
    if not parser.has_section("app:main"):
        return {}
    section = parser["app:main"]
    found = {}
    if section.get("SECRET_KEY"):
        found["SECRET_KEY"] = section["SECRET_KEY"]
    jwt = section.get("api_token.jwt.encode.secret", "")
    if jwt.startswith("string:"):
        found["JWT_SECRET"] = jwt[len("string:"):]
    return found


def datastore_urls(env) -> dict:
    host, port = env.get("DB_HOST", "127.0.0.1"), env.get("DB_PORT", "5432")
    db = env.get("DATASTORE_DB") or env.get("DB_NAME", "govopen") + "_datastore"
    write = env.get("DATASTORE_WRITE_URL") or "postgresql://{u}:{p}@{h}:{port}/{n}".format(
        u=env.get("DB_USER", "govopen"), p=env.get("DB_PASSWORD", "govopen"), h=host, port=port, n=db)
    read = env.get("DATASTORE_READ_URL") or "postgresql://{u}:{p}@{h}:{port}/{n}".format(
        u=env.get("DS_RO_USER", "govopen_ro"), p=env.get("DS_RO_PASSWORD", "govopen_ro"), h=host,
        port=port, n=db)
    return {"DATASTORE_WRITE_URL": write, "DATASTORE_READ_URL": read}


def main(argv):
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "config" / "ckan.ini"
    env = os.environ
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "5000")
    db_url = env.get("DB_URL") or "postgresql://{u}:{p}@{h}:{port}/{n}".format(
        u=env.get("DB_USER", "govopen"), p=env.get("DB_PASSWORD", "govopen"),
        h=env.get("DB_HOST", "127.0.0.1"), port=env.get("DB_PORT", "5432"),
        n=env.get("DB_NAME", "govopen"))
    values = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "JWT_SECRET": secrets.token_urlsafe(32),
        **existing_secrets(out),
        "SITE_URL": env.get("SITE_URL", f"http://{host}:{port}"),
        "DB_URL": db_url,
        "REDIS_URL": env.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "STORAGE_PATH": env.get("STORAGE_PATH", str(ROOT / "var" / "storage")),
        "PLUGINS": env.get("CKAN_PLUGINS", DEFAULT_PLUGINS),
        "JURISDICTION": env.get("JURISDICTION", "demo"),
        "SMTP_SERVER": env.get("SMTP_SERVER", "127.0.0.1:8025"),
        # issue 16: the DataStore's own database (DATASTORE_DB, default <DB_NAME>_datastore),
        # written as DB_USER, read as the read-only DS_RO_USER
        **datastore_urls(env),
    }
    text = string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)
    Path(values["STORAGE_PATH"]).mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".ini.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(out)
    print(f"[govopen] wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
