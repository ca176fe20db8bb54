"""`ckan govopen …` commands. Each command is a thin wrapper over a domain or glue module."""
import click


@click.group(short_help="GovOpen portal commands")
def govopen():
    """GovOpen: open-data portal commands (政府数据开放平台命令)."""


@govopen.group(short_help="Demo data: departments, accounts, catalog entries, files")
def demo():
    """演示数据 / demo data (demo-only accounts and invented people)."""


@demo.command("load", short_help="Create or update the demo data (idempotent)")
@click.option("--files-dir", default=None,
              help="Where the generated files are written before upload "
                   "[default: demo/files next to ckan.storage_path, i.e. var/demo/files].")
@click.option("--scale", default=1.0, show_default=True, type=float,
              help="Multiply every generated file's row count (e.g. 0.05 for a quick load).")
@click.option("--update", is_flag=True,
              help="Also patch existing departments and entries back to the demo catalog.")
@click.option("--quiet", is_flag=True, help="Only print the summary.")
def demo_load(files_dir, scale, update, quiet):
    """Load departments, demo accounts and 30+ catalog entries with generated files."""
    from .demo import load as loader
    summary = loader.load(files_dir=files_dir, scale=scale, update=update, echo=(lambda s: None) if quiet else click.echo)
    click.echo(loader.format_summary(summary))
    if summary["errors"]:
        raise click.exceptions.Exit(1)


@demo.command("accounts", short_help="Print the demo accounts (demo-only passwords)")
def demo_accounts():
    """Print role, username, password and what each demo account can do."""
    from .demo import accounts
    click.echo(accounts.table())


@govopen.command("deadline", short_help="Due date of a request received on DATE with N working days")
@click.argument("received")
@click.argument("n", type=int)
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]), show_default=True)
def deadline(received, n, lang):
    """Print how the due date is worked out (days skipped and why), then the due
    date as YYYY-MM-DD on the last line. Uses the configured jurisdiction and the
    calendar (package data, config/calendar/*.yaml, database overrides)."""
    import datetime as _dt
    from .domain import workdays
    from .logic import requests_glue as glue
    try:
        day = _dt.date.fromisoformat(received)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="RECEIVED")
    due = workdays.due_date(day, n, glue.calendar(), tz=glue.tz())
    for line in due.explanation.lines(lang):
        click.echo(line)
    if due.provisional:
        click.echo("（暂定：相关年份的节假日安排尚未录入）" if lang == "zh" else "(provisional)")
    click.echo(due.date.isoformat())


@govopen.command("notify-due", short_help="Send due-date reminders and overdue notices (idempotent)")
@click.option("--date", "on", default=None, help="Pretend today is this local date (YYYY-MM-DD).")
@click.option("--enqueue", is_flag=True, help="Queue the run as a background job instead.")
def notify_due(on, enqueue):
    """Run daily: remind reviewers N working days before a due date and notify
    overdue requests; each notice is created (and e-mailed) once."""
    import datetime as _dt
    from . import notifications
    if enqueue:
        import ckan.plugins.toolkit as tk
        job = tk.enqueue_job(notifications.notify_due_job, title="govopen notify-due")
        click.echo("queued %s" % job.id)
        return
    result = notifications.notify_due(_dt.date.fromisoformat(on) if on else None)
    click.echo("reminders: %(reminder)d  overdue: %(overdue)d  annual report: %(report)d  e-mailed: %(emailed)d"
               % result)


@govopen.command("daily", short_help="Run notify-due now and then every day at a local hour")
@click.option("--hour", default=8, show_default=True, type=click.IntRange(0, 23),
              help="Local hour (Asia/Shanghai) of the daily run.")
@click.option("--once", is_flag=True, help="Run the duties once and exit (no waiting).")
def daily(hour, once):
    """The portal's scheduler (started by `make run` and by docker's `daily` service):
    runs what `notify-due` runs at start-up and then each day at HOUR:00 in
    Asia/Shanghai, so reminders go out without a cron entry. A failed run is logged and
    the next day's run still happens; notify-due is idempotent, so a restart does not
    send anything twice."""
    import datetime as _dt
    import logging
    import time
    from . import notifications
    from .domain import daily as schedule
    log = logging.getLogger("ckanext.govopen.daily")

    def run_once():
        try:
            result = notifications.notify_due(None)
            click.echo("%s reminders: %d  overdue: %d  annual report: %d  e-mailed: %d"
                       % (_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                          result["reminder"], result["overdue"], result["report"], result["emailed"]))
        except Exception:
            log.exception("daily run failed; the next one is tomorrow")
    run_once()
    while not once:
        time.sleep(max(1.0, schedule.seconds_until(_dt.datetime.now(_dt.timezone.utc), hour)))
        run_once()


@govopen.group(short_help="The tamper-evident audit trail: verify, export, anchor, archive")
def audit():
    """审计链 / the tamper-evident audit trail (table govopen_audit)."""


@audit.command("verify", short_help="Walk the hash chain; exit 1 naming the first broken row")
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]), show_default=True)
def audit_verify(lang):
    """Check every row's hash, every link to the previous row, the sequence of ids,
    the head record and the published anchors. Exit 0 when the chain holds, 1 and
    the first broken row's id otherwise."""
    from . import audit as trail
    result = trail.verify()
    if result.ok:
        click.echo(("审计链完整：%d 行，链头第 %d 行，哈希 %s" if lang == "zh" else
                    "audit chain OK: %d rows, head row %d, hash %s") % (result.rows, result.head_id, result.head_hash))
        return
    b = result.broken
    click.echo(b.message_zh if lang == "zh" else b.message_en, err=True)
    click.echo("broken row id: %d" % b.id, err=True)
    raise click.exceptions.Exit(1)


@audit.command("export", short_help="Write the chain as CSV for auditors, and its head hash")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="CSV file to write; the head hash goes to FILE.head.json.")
def audit_export(out):
    """CSV (id, at, actor, actor_name, event, subject, data, prev_hash, hash) and
    FILE.head.json (head id and hash, base hash, rows, verification, CSV SHA-256)."""
    from . import audit as trail
    doc = trail.export(out)
    click.echo("rows: %d" % doc["rows"])
    click.echo("head: %d %s" % (doc["head_id"], doc["head_hash"]))
    click.echo("verified: %s" % ("ok" if doc["verified"]["ok"] else doc["verified"]["broken"]["message"]))
    click.echo("written: %s, %s.head.json" % (out, out))


@audit.command("anchor", short_help="Store and print the chain's head hash with a timestamp")
@click.option("--note", default=None, help="Where the anchor is published (e.g. the gazette issue).")
@click.option("--force", is_flag=True, help="Anchor even if the chain does not verify.")
def audit_anchor(note, force):
    """Verify, then store the head (id, hash, time) as an anchor the authority
    publishes; a later rewrite of the chain no longer matches a published anchor."""
    from . import audit as trail
    result = trail.verify()
    if not result.ok and not force:
        click.echo(result.broken.message_zh + " / " + result.broken.message_en, err=True)
        click.echo("broken row id: %d (not anchored)" % result.broken.id, err=True)
        raise click.exceptions.Exit(1)
    a = trail.anchor(note=note)
    click.echo("%s  row %d  %s" % (a["at"], a["last_id"], a["hash"]))


@audit.command("archive", short_help="Export and remove rows older than the retention period")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="CSV of the archived segment; its boundary hashes go to FILE.head.json.")
def audit_archive(out):
    """Rows older than govopen.audit.retention_days (0 = keep all) are verified,
    written with the segment's boundary hashes, removed, and the chain's base moved
    to the segment's last row (verification goes on from there)."""
    import ckan.plugins.toolkit as tk
    from . import audit as trail
    try:
        doc = trail.archive(out)
    except tk.ValidationError as e:
        for msgs in e.error_dict.values():
            for m in msgs:
                click.echo(m, err=True)
        raise click.exceptions.Exit(1)
    if not doc.get("rows"):
        click.echo("nothing older than the retention period")
        return
    click.echo("archived rows %(first_id)d-%(last_id)d (%(rows)d); first prev_hash %(first_prev_hash)s; "
               "last hash %(last_hash)s" % doc)
@govopen.command("datastore-sync", short_help="Bring the DataStore in line with the gate (idempotent)")
def datastore_sync():
    """Load every tabular resource that passed the publication gate and has no DataStore
    table yet (in this process), and drop every table whose resource no longer passes
    (issue 16). `make run` runs it, so demo data loaded before the DataStore existed
    gets its tables."""
    from .publication import datastore as ds
    if not ds.enabled():
        click.echo("the datastore plugin is not enabled")
        return
    result = ds.sync(echo=click.echo)
    click.echo("loaded: %(loaded)d  dropped: %(dropped)d  in place: %(kept)d" % result)


def get_commands():
    return [govopen]
