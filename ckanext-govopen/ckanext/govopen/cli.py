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
    click.echo("reminders: %(reminder)d  overdue: %(overdue)d  e-mailed: %(emailed)d" % result)


def get_commands():
    return [govopen]
