"""`ckan govopen …` commands. Each command is a thin wrapper over a domain or glue module."""
import click


@click.group(short_help="GovOpen portal commands")
def govopen():
    """GovOpen: open-data portal commands (政府数据开放平台命令)."""


@govopen.group(short_help="Demo data: departments, accounts, catalog entries, files")
def demo():
    """演示数据 / demo data (demo-only accounts and invented people)."""


@demo.command("load", short_help="Create or update the demo data (idempotent)")
@click.option("--files-dir", default="var/demo/files", show_default=True,
              help="Where the generated resource files are written before upload.")
@click.option("--scale", default=1.0, show_default=True, type=float,
              help="Multiply every generated file's row count (e.g. 0.05 for a quick load).")
@click.option("--quiet", is_flag=True, help="Only print the summary.")
def demo_load(files_dir, scale, quiet):
    """Load departments, demo accounts and 30+ catalog entries with generated files."""
    from .demo import load as loader
    summary = loader.load(files_dir=files_dir, scale=scale, echo=(lambda s: None) if quiet else click.echo)
    click.echo(loader.format_summary(summary))
    if summary["errors"]:
        raise click.exceptions.Exit(1)


@demo.command("accounts", short_help="Print the demo accounts (demo-only passwords)")
def demo_accounts():
    """Print role, username, password and what each demo account can do."""
    from .demo import accounts
    click.echo(accounts.table())


def get_commands():
    return [govopen]
