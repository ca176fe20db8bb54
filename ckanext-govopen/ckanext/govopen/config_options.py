"""The portal's own ini options, declared to CKAN (``IConfigDeclaration``).

CKAN 2.11 logs "Option … is not declared" on every read of an undeclared option: under
an outside test `make run`'s log held 339,000 such lines (88% of it) from
``govopen.jurisdiction`` and ``govopen.config_dir`` alone, read on most requests. They
are declared here with the defaults the code reads them with, so reading them answers
as before; ``ckan config declaration
govopen`` lists them. tests/domain/test_config_options.py checks that every
``govopen.*`` key the code or the ini files read is in this list."""
from __future__ import annotations

from .domain.quotas import MEASURES, SCOPES

#: declared options with the default the code reads them with (declaring an option puts
#: its default into CKAN's config, so ``config.get(key, default)`` then answers the
#: declared default: they must agree; the test checks every literal default in the code)
DEFAULTS = {
    "govopen.csp.report_only": False,
    "govopen.publication.gate": True,
    "govopen.publication.stale_seconds": 60,
    "govopen.publication.keep_original": True,
    "govopen.publication.chunk_rows": 10000,
    "govopen.publication.timeout": 3600,
    "govopen.datastore.load_inline": False,
    "govopen.datastore.lock_timeout_ms": 5000,
}

OPTIONS = (
    "govopen.jurisdiction", "govopen.config_dir",
    "govopen.competent_authority", "govopen.competent_authority_en", "govopen.license_default",
    "govopen.audit.retention_days", "govopen.csp.report_only",
    "govopen.datastore.load_inline", "govopen.datastore.lock_timeout_ms",
    "govopen.datastore.maintenance_work_mem", "govopen.datastore.query_timeout_ms",
    "govopen.demand.real_name_check", "govopen.demand.requester_verification",
    "govopen.verification.email_max_age_days", "govopen.demo.files_dir",
    "govopen.login.max_failures_per_account", "govopen.login.max_failures_per_address",
    "govopen.login.window_minutes", "govopen.page_cache.seconds",
    "govopen.publication.chunk_rows", "govopen.publication.gate",
    "govopen.publication.keep_original", "govopen.publication.private_path",
    "govopen.publication.queue", "govopen.publication.secret",
    "govopen.publication.stale_seconds", "govopen.publication.timeout",
    "govopen.publication.workers", "govopen.search.max_terms", "govopen.search.timeout_ms",
    "govopen.report_pdf.font",
) + tuple("govopen.api_quota.%s.%s" % (scope, measure) for scope in SCOPES for measure in MEASURES)


def declare(declaration, key) -> None:
    for name in OPTIONS:
        declaration.declare(key.from_string(name), DEFAULTS.get(name))
