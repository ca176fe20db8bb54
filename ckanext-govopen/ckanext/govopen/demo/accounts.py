"""The demo accounts table (DEMO-ONLY passwords), for `ckan govopen demo accounts`.

No CKAN import: the table comes from ``catalog.USERS``.
"""
from __future__ import annotations

import unicodedata

from . import catalog

WARNING = ("以下账号和密码仅用于演示环境，切勿用于生产环境。\n"
           "DEMO-ONLY accounts and passwords: never use them on a real deployment.")


def rows() -> list:
    out = []
    for u in catalog.USERS:
        out.append({"role_zh": u["role"][0], "role_en": u["role"][1], "username": u["name"],
                    "password": u["password"], "can_zh": u["can"][0], "can_en": u["can"][1]})
    return out


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def table() -> str:
    """A plain-text table: role / username / password / what they can do (zh + en)."""
    head = ("角色 Role", "用户名 Username", "密码 Password", "可以做什么 What they can do")
    body = []
    for r in rows():
        body.append((r["role_zh"], r["username"], r["password"], r["can_zh"]))
        body.append((r["role_en"], "", "", r["can_en"]))
    widths = [max(_width(x[i]) for x in [head] + body) for i in range(3)]
    lines = [WARNING, ""]
    lines.append("  ".join(_pad(head[i], widths[i]) for i in range(3)) + "  " + head[3])
    lines.append("-" * (sum(widths) + 6 + 40))
    for i, x in enumerate(body):
        lines.append("  ".join(_pad(x[j], widths[j]) for j in range(3)) + "  " + x[3])
        if i % 2:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
