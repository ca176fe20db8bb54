"""Flask blueprints of GovOpen. Views fetch through actions and render; no rule
is decided here (access answers come from logic.access / domain.open_types)."""


def get_blueprints():
    from .catalog import blueprint as catalog_bp
    from .demand import blueprint as demand_bp  # issue 8: demand board, objections
    return [catalog_bp, demand_bp]
