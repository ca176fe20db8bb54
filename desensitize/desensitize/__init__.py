"""desensitize: a fast, checksum-exact Chinese PII desensitizer (library + CLI).

Public API::

    import desensitize
    result = desensitize.scan("people.csv")                      # dict
    report = desensitize.apply("people.csv", "public.csv",
                               policy="policy.yaml", progress=lambda done, total: ...)
    report.to_dict()

Errors: ``desensitize.errors.DesensitizeError`` and its subclasses ``InputError``,
``PolicyError``, ``ResidualPIIError``; ``str(error)`` is Chinese first, then English.
Never imports ckan.
"""
from .api import apply, preload, scan
from .errors import DesensitizeError, InputError, PolicyError, ResidualPIIError
from .policy import Policy, load_policy
from .report import Report

__version__ = "0.1.0"
__all__ = [
    "apply", "preload", "scan", "load_policy", "Policy", "Report",
    "DesensitizeError", "InputError", "PolicyError", "ResidualPIIError", "__version__",
]
