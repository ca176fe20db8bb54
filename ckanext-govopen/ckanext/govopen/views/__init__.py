"""Flask blueprints of GovOpen. Views fetch through actions and render; no rule
is decided here (access answers come from logic.access / domain.open_types)."""


def get_blueprints():
    from .catalog import blueprint as catalog_bp
    return [catalog_bp]
