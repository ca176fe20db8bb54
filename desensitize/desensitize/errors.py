"""Exceptions raised by desensitize; each carries a Chinese-first, English-second message.

Callers (the CLI, the CKAN publication job) show ``str(error)`` to people as is.
"""
from __future__ import annotations


class DesensitizeError(Exception):
    """Base class of every error this package raises on purpose."""

    def __init__(self, zh: str, en: str, detail: str | None = None):
        self.zh = zh
        self.en = en
        self.detail = detail
        text = f"{zh} ({en})"
        if detail:
            text = f"{text}: {detail}"
        super().__init__(text)

    def __reduce__(self):  # picklable: errors raised in worker processes reach the caller intact
        return type(self), (self.zh, self.en, self.detail)


class InputError(DesensitizeError):
    """The input cannot be read as a table: unreadable, empty, ragged or mis-encoded."""


class PolicyError(DesensitizeError):
    """The YAML policy is malformed or names unknown operators, types or options."""


class ResidualPIIError(DesensitizeError):
    """The residual scan still found identifiers in the output; nothing was written."""

    def __init__(self, findings: list[dict], report: dict | None = None):
        self.findings = findings
        self.report = report
        summary = ", ".join(
            f"{f['column']}:{f['entity_type']}×{f['count']}" for f in findings[:10]
        )
        super().__init__(
            "输出中仍含有个人身份信息，未写出文件",
            "residual personal data found in the output; no file was written",
            summary,
        )

    def __reduce__(self):
        return type(self), (self.findings, self.report)
