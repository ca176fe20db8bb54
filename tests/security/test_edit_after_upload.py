"""An entry stays editable while a newly uploaded file waits for its job and review
(an outside test found package_patch / a second resource_create answering 500 there:
the index asked the gate inside a closed transaction)."""
from __future__ import annotations

from govopen_world import upload

CSV = "站点,客流\n天安门东,12000\n".encode("utf-8")


def test_entry_editable_while_an_upload_waits_for_the_gate(world):
    from ckan.tests import helpers
    pkg = world["datasets"]["unconditional"]["pkg"]
    ctx = lambda: {"user": world["users"]["dept_editor"]["name"]}  # noqa: E731
    helpers.call_action("resource_create", ctx(), package_id=pkg["id"], name="waiting.csv",
                        url="waiting.csv", upload=upload(CSV, "waiting.csv"), format="CSV")
    second = helpers.call_action("resource_create", ctx(), package_id=pkg["id"], name="link",
                                 url="https://example.org/x.csv", format="CSV")
    assert second["id"]
    patched = helpers.call_action("package_patch", ctx(), id=pkg["id"], notes="edited")
    assert patched["notes"] == "edited"
