"""Issue 14 / CSP: GovOpen's templates carry no inline script and no style attribute (a
Content-Security-Policy without 'unsafe-inline' must pass), and every POST form carries
its CSRF token. No database."""
import os
import re

TEMPLATES = os.path.join(os.path.dirname(__file__), "..", "..", "ckanext-govopen", "ckanext",
                         "govopen", "templates")


def _templates():
    for base, _dirs, names in os.walk(TEMPLATES):
        for n in names:
            if n.endswith(".html"):
                path = os.path.join(base, n)
                yield os.path.relpath(path, TEMPLATES), open(path, encoding="utf-8").read()


def test_no_inline_script_or_style_attribute():
    bad = []
    for name, text in _templates():
        for m in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in m.group(1):
                bad.append((name, "inline <script>"))
        if re.search(r"\sstyle=\"", text):
            bad.append((name, 'style="…"'))
        if re.search(r"\son(click|submit|change|load)=", text):
            bad.append((name, "inline event handler"))
    assert not bad, bad


def test_every_post_form_carries_its_csrf_token():
    bad = []
    for name, text in _templates():
        for m in re.finditer(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", text, re.S | re.I):
            if "csrf_input()" not in m.group(1):
                bad.append(name)
    assert not bad, bad
