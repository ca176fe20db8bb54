"""`ckan govopen …` commands. Each command is a thin wrapper over a domain or glue module."""
import click


@click.group(short_help="GovOpen portal commands")
def govopen():
    """GovOpen: open-data portal commands (政府数据开放平台命令)."""


def get_commands():
    return [govopen]
