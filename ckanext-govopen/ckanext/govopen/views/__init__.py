"""Flask blueprints of GovOpen. Views fetch through actions and render; no rule
is decided here (access answers come from logic.access / domain.open_types)."""


def get_blueprints():
    from .catalog import blueprint as catalog_bp
    from .demand import blueprint as demand_bp  # issue 8: demand board, objections
    from .verification import blueprint as verification_bp  # issue 12: verified requesters
    from .i18n_alias import blueprint as i18n_bp  # /api/i18n/zh_Hans-CN (CKAN client.js)
    from .ui import blueprint as ui_bp  # issue 14: the review queue
    from .oversight import blueprint as oversight_bp  # issue 18: scorecards, reports, /stats
    return [catalog_bp, demand_bp, verification_bp, i18n_bp, ui_bp, oversight_bp]

