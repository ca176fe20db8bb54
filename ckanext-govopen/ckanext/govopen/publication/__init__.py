"""The publication gate's CKAN side (issue 7).

``storage``  where originals live (private, outside CKAN's upload path) and how the
             public copy is written (temporary name, then rename).
``state``    the per-resource row: fingerprints, resets on a new file/link/policy,
             enqueueing, staleness, the plain ``open_types.Publication`` value.
``job``      the background job: run ``desensitize.apply`` with the department's
             policy and a progress callback, heartbeat, record the report.
The rule itself (what "passed" means, who may sign, when an entry may go public)
is ``domain/open_types.py``.
"""
