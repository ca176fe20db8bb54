"""Import the stand-alone ``desensitize`` package even where the checkout's
``desensitize/`` folder shadows it as an empty namespace package (a process started
in the repository root: ``ckan jobs worker``, pytest)."""
from __future__ import annotations

import sys
from pathlib import Path


def desensitize():
    mod = sys.modules.get("desensitize")
    if mod is not None and getattr(mod, "__file__", None):
        return mod
    for name in [m for m in sys.modules if m == "desensitize" or m.startswith("desensitize.")]:
        if getattr(sys.modules[name], "__file__", None) is None:
            del sys.modules[name]
    try:
        import desensitize as mod
        if getattr(mod, "__file__", None):
            return mod
    except ImportError:
        pass
    for name in [m for m in sys.modules if m == "desensitize" or m.startswith("desensitize.")]:
        del sys.modules[name]
    source = Path(__file__).resolve().parents[4] / "desensitize"
    if (source / "desensitize" / "__init__.py").exists() and str(source) not in sys.path:
        sys.path.insert(0, str(source))
    import desensitize as mod
    return mod
