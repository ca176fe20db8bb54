"""Make the stand-alone ``desensitize`` package importable from the source tree.

Until ``pip install -e .`` has run, and also when pytest starts in the repository
root (where the ``desensitize/`` folder would otherwise be taken for a namespace
package), the real package lives one level down in ``desensitize/desensitize``.
"""
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "desensitize"
if str(PACKAGE_ROOT) not in sys.path:
    sys.path.insert(0, str(PACKAGE_ROOT))
for name in [m for m in sys.modules if m == "desensitize" or m.startswith("desensitize.")]:
    if getattr(sys.modules[name], "__file__", None) is None:  # a namespace stand-in
        del sys.modules[name]
