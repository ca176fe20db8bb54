"""Every govopen.* option the code or the ini files read is declared to CKAN
(config_options.py): an undeclared one is logged as a warning on every read."""
from __future__ import annotations

import os
import re

import ast

from ckanext.govopen.config_options import DEFAULTS, OPTIONS

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PKG = os.path.join(ROOT, "ckanext-govopen", "ckanext", "govopen")
# a config read of a literal key: config.get("govopen.x"), config["govopen.x"], KEY = "govopen.x"
READ = re.compile(r"""config(?:\.get)?[\(\[]\s*["'](govopen\.[a-z_.0-9]+)["']"""
                  r"""|^\s*[A-Z_]*KEY\s*=\s*["'](govopen\.[a-z_.0-9]+)["']""", re.M)
INI_KEY = re.compile(r"^(govopen\.[a-z_.0-9]+)\s*=", re.M)


def _read_in_code():
    found = set()
    for base, _dirs, names in os.walk(PKG):
        for n in names:
            if n.endswith(".py"):
                text = open(os.path.join(base, n), encoding="utf-8").read()
                found |= {a or b for a, b in READ.findall(text)}
    return found


def test_every_option_the_code_reads_is_declared():
    read = _read_in_code()
    assert "govopen.jurisdiction" in read and "govopen.page_cache.seconds" in read  # the scan works
    assert not read - set(OPTIONS), sorted(read - set(OPTIONS))


def test_every_option_the_ini_files_set_is_declared():
    keys = set()
    for path in ("config/ckan.ini.template", "test-govopen.ini"):
        keys |= set(INI_KEY.findall(open(os.path.join(ROOT, path), encoding="utf-8").read()))
    assert "govopen.jurisdiction" in keys
    assert not keys - set(OPTIONS), sorted(keys - set(OPTIONS))


def test_declared_once_each():
    assert len(OPTIONS) == len(set(OPTIONS))


# config.get("govopen.x", <literal>): the literal the code falls back to
WITH_DEFAULT = re.compile(r"""config\.get\(\s*["'](govopen\.[a-z_.0-9]+)["']\s*,\s*([^)]+?)\s*\)""")


def test_the_declared_default_is_the_one_the_code_reads_with():
    """Declaring an option puts its default into CKAN's config, so config.get(key, d)
    answers the declared default: with none declared, the publication gate read as off."""
    seen = {}
    for base, _dirs, names in os.walk(PKG):
        for n in names:
            if n.endswith(".py"):
                for key, literal in WITH_DEFAULT.findall(open(os.path.join(base, n), encoding="utf-8").read()):
                    seen[key] = ast.literal_eval(literal)
    assert seen.get("govopen.publication.gate") is True       # the scan works
    wrong = {k: (v, DEFAULTS.get(k)) for k, v in seen.items() if DEFAULTS.get(k) != v}
    assert not wrong, wrong
