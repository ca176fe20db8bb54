"""GovOpen's main CKAN plugin: thin glue that hands each CKAN call to the domain modules.

Access enforcement (all via ``logic.access`` → ``domain.open_types.decide``):
  * API output: after_dataset_show / after_dataset_search hide resource URLs;
    chained actions protect activity data and resource_search;
  * the download route: every ``*.download`` resource endpoint is replaced by
    ``views.download.download`` (IMiddleware, after all blueprints exist);
  * the index: restricted datasets' resource URLs are never indexed as fields;
  * exports and the negative list go through package_show/package_search.
"""
from __future__ import annotations

import json
import logging
import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from .domain import open_types as ot
from .logic import access, validators
from .logic import action as actions
from .logic import auth as auths

log = logging.getLogger(__name__)

HERE = os.path.dirname(__file__)


class GovOpenPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IValidators)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IBlueprint)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IClick)
    p.implements(p.ISignal)
    p.implements(p.IResourceController, inherit=True)  # issue 7: publication gate

    # ------------------------------------------------------------ IConfigurer
    def update_config(self, config):
        # our templates first, so package/*.html overrides apply over scheming's chain
        path = os.path.join(HERE, "templates")
        existing = config.get("extra_template_paths") or ""
        parts = [x for x in existing.split(",") if x and x != path]
        config["extra_template_paths"] = ",".join([path] + parts)
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "govopen")
        import sys
        if "jobs" in sys.argv and "worker" in sys.argv:
            # issue 7: each job forks from the worker; import desensitize (pandas,
            # pyarrow, recognizers) once here so the forks inherit it
            import desensitize  # noqa: F401

    # ------------------------------------------------------------ ITranslation
    def i18n_domain(self):
        return "ckanext-govopen"

    # ------------------------------------------------------------ IValidators
    def get_validators(self):
        return validators.get_validators()

    # ------------------------------------------------------------ IActions / IAuth
    def get_actions(self):
        return actions.get_actions()

    def get_auth_functions(self):
        return {**auths.get_auth_functions(), **auths.datastore_auth_functions(),
                **auths.publication_auth_functions()}

    # ------------------------------------------------------------ IPackageController
    def after_dataset_show(self, context, pkg_dict):
        if context.get("ignore_auth") or context.get("__govopen_internal"):
            return  # internal reads (indexing, jobs) see the stored dict
        access.protect_dataset(access.actor_from_context(context), pkg_dict)

    def before_dataset_search(self, search_params):
        fl = search_params.get("fl")
        if fl:  # field-list queries: make sure we can tell which dataset each row is
            if isinstance(fl, str):
                fl = fl.replace(",", " ").split()
            fl = list(fl)
            for needed in ("id", "owner_org", "open_type", "private"):
                if needed not in fl:
                    fl.append(needed)
            search_params["fl"] = fl
        return search_params

    def after_dataset_search(self, search_results, search_params):
        from ckan.common import current_user
        try:
            user = current_user.name if current_user and not current_user.is_anonymous else None
        except Exception:
            user = None
        ctx = search_params.get("__govopen_context") or {}
        actor = access.actor_from_context(ctx) if ctx else access.actor_for(user)
        results = search_results.get("results") or []
        full = [r for r in results if isinstance(r, dict) and "resources" in r]
        access.protect_many(actor, full)
        for r in results:
            if not isinstance(r, dict) or "resources" in r:
                continue
            # fl rows: decide on the stored dataset, not on the row's fields
            import ckan.model as model
            pkg = model.Package.get(r.get("id")) if r.get("id") else None
            allowed = pkg is not None and access.decide_data(actor, pkg).allowed
            for key in ("validated_data_dict", "data_dict"):
                if key in r and not allowed:
                    if key == "validated_data_dict" and isinstance(r[key], str):
                        try:
                            inner = json.loads(r[key])
                            access.protect_dataset(actor, inner)
                            r[key] = json.dumps(inner)
                            continue
                        except ValueError:
                            pass
                    r.pop(key, None)
            if not allowed:
                for key in ("res_url", "urls"):
                    r.pop(key, None)
        from .helpers import govopen_choice_label
        for key in ("open_type", "share_type", "theme", "resource_category", "update_cycle"):
            facet = (search_results.get("search_facets") or {}).get(key)
            for item in (facet or {}).get("items", []):
                item["display_name"] = govopen_choice_label(key, item["name"])
        return search_results

    def before_dataset_index(self, pkg_dict):
        for key in ("open_type", "share_type", "theme", "resource_category",
                    "update_cycle", "open_method", "spatial_code"):
            v = pkg_dict.get(key) or pkg_dict.get("extras_" + key)
            if v:
                pkg_dict[key] = v
        fmts = pkg_dict.get("res_format") or []
        pkg_dict["res_format"] = [f.upper() for f in fmts if f]
        if pkg_dict.get("open_type") != ot.UNCONDITIONAL:
            # never index where restricted data lives
            pkg_dict.pop("res_url", None)
            pkg_dict.pop("urls", None)
        return pkg_dict

    def after_dataset_update(self, context, pkg_dict):
        pkg = context.get("package")
        change = getattr(pkg, "_govopen_open_type_change", None) if pkg is not None else None
        if change:
            pkg._govopen_open_type_change = None
            from .logic.action import record_open_type_change
            record_open_type_change(context, pkg_dict.get("id"), change)
            # picked up by the chained activity_create: the history shows the reason
            pkg._govopen_recorded_change = {**change, "user": context.get("user")}
            from .publication import state as pub_state
            pub_state.note_open_type_change(pkg_dict.get("id"), change.get("old"),
                                            change.get("new"), context)
        self._publication_sync(context, pkg_dict)

    def after_dataset_create(self, context, pkg_dict):
        if pkg_dict.get("open_type") and pkg_dict.get("id"):
            from .logic.action import record_open_type_change
            record_open_type_change(context, pkg_dict["id"], {
                "old": None, "new": pkg_dict["open_type"], "reason": None})
        self._publication_sync(context, pkg_dict)

    # ------------------------------------------------------------ publication gate (issue 7)
    # A new or replaced file/link resets its resource's gate row (publication/state.py).
    # resource_create/update write the file after package_update: the file is taken
    # out of the public upload path and the job queued in after_resource_*; a direct
    # package_create/update has written its files already.
    def _publication_sync(self, context, pkg_dict):
        from .publication import state as pub_state
        pkg_id = (pkg_dict or {}).get("id")
        if not pkg_id:
            return
        ready = pub_state.sync_package(pkg_id, context,
                                       files_ready=not context.get("__govopen_files_pending"))
        pub_state.enqueue(ready)  # the job waits for this transaction to commit

    def before_resource_create(self, context, resource):
        context["__govopen_files_pending"] = True

    def before_resource_update(self, context, current, resource):
        context["__govopen_files_pending"] = True

    def _publication_after_resource(self, context, resource):
        import ckan.model as model
        from .publication import state as pub_state
        context.pop("__govopen_files_pending", None)
        ready = pub_state.sync_package(resource.get("package_id"), context, files_ready=True)
        model.repo.commit()
        pub_state.enqueue(ready)
        model.repo.commit()

    def after_resource_create(self, context, resource):
        self._publication_after_resource(context, resource)

    def after_resource_update(self, context, resource):
        self._publication_after_resource(context, resource)

    # ------------------------------------------------------------ IBlueprint
    def get_blueprint(self):
        from .views import get_blueprints
        from .views.requests import blueprint as requests_bp  # issue 5: applications
        from .views.publication import blueprint as publication_bp  # issue 7: publication gate
        return get_blueprints() + [requests_bp, publication_bp]

    # ------------------------------------------------------------ IMiddleware
    def make_middleware(self, app, config):
        from .views.download import install_download_override
        install_download_override(app)
        return app

    # ------------------------------------------------------------ IFacets
    def dataset_facets(self, facets_dict, package_type):
        from collections import OrderedDict
        new = OrderedDict()
        new["open_type"] = tk._("Open type")
        new["organization"] = tk._("Providing department")
        new["theme"] = tk._("Theme")
        new["share_type"] = tk._("Share type")
        new["res_format"] = tk._("Formats")
        new["tags"] = tk._("Keywords")
        return new

    def organization_facets(self, facets_dict, organization_type, package_type):
        return self.dataset_facets(facets_dict, package_type)

    # ------------------------------------------------------------ helpers
    def get_helpers(self):
        from . import helpers
        return helpers.get_helpers()

    # ------------------------------------------------------------ IClick / ISignal (issue 5)
    def get_commands(self):
        from . import cli
        return cli.get_commands()

    def get_signal_subscriptions(self):
        from ckan.lib import signals
        from .logic.requests_glue import on_resource_download
        return {signals.resource_download: [on_resource_download]}
