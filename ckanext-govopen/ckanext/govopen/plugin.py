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
    p.implements(p.IAuthenticator, inherit=True)  # issue 12 finding 8: login throttling, logout
    p.implements(p.IForkObserver)  # the job worker loads desensitize's dictionaries once
    p.implements(p.IConfigDeclaration)  # our ini options (config_options.py)

    def declare_config_options(self, declaration, key):
        from .config_options import declare
        declare(declaration, key)

    # ------------------------------------------------------------ IConfigurer
    def before_fork(self):
        # Called by `ckan jobs worker` before it forks the child that runs a job: the
        # dictionaries load once in the worker (not at the start of every publication
        # job, where they held the progress bar still for ~1.5 s) and each job's
        # processes share their pages.
        import desensitize

        desensitize.preload()

    def update_config(self, config):
        # our templates first, so package/*.html overrides apply over scheming's chain
        path = os.path.join(HERE, "templates")
        existing = config.get("extra_template_paths") or ""
        parts = [x for x in existing.split(",") if x and x != path]
        config["extra_template_paths"] = ",".join([path] + parts)
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "govopen")
        # walk 2026-12-06, finding 18: a login lands on the user's work (我的申请 /
        # 待办申请), not on CKAN's "我的数据集" (views/requests.py landing)
        config["ckan.auth.route_after_login"] = "govopen_requests.landing"
        if p.plugin_loaded("datastore"):  # issue 16: a CKAN 2.11.6 bug under concurrency
            from .publication.datastore import patch_core
            patch_core()
        import sys
        if "jobs" in sys.argv and "worker" in sys.argv:
            # issue 7: each job forks from the worker; import desensitize (pandas,
            # pyarrow, recognizers) once here so the forks inherit it
            import desensitize  # noqa: F401
            # issue 19: its command channel and registration survive a Redis restart
            from . import jobs_worker
            jobs_worker.install()

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
                **auths.publication_auth_functions(), **auths.people_auth_functions()}

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
            # fl rows: decide on the stored dataset and per resource (issue 12, finding 4),
            # not on the row's fields; the stored dict copies are protected like package_show
            import ckan.model as model
            pkg = model.Package.get(r.get("id")) if r.get("id") else None
            for key in ("validated_data_dict", "data_dict"):
                if key not in r:
                    continue
                inner = r[key]
                try:
                    inner = json.loads(inner) if isinstance(inner, str) else inner
                except ValueError:
                    inner = None
                if pkg is None or not isinstance(inner, dict):
                    r.pop(key, None)
                    continue
                access.protect_nested(actor, inner)
                inner.pop("validated_data_dict", None)
                inner.pop("data_dict", None)
                r[key] = json.dumps(inner) if isinstance(r[key], str) else inner
            allowed = access.public_urls(pkg, actor) if pkg is not None else set()
            for key in ("res_url", "urls"):
                if key not in r:
                    continue
                if pkg is None:
                    r.pop(key, None)
                elif isinstance(r[key], list):
                    r[key] = [u for u in r[key] if access.url_allowed(u, allowed)]
                elif not access.url_allowed(r[key], allowed):
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
        # issue 14: popularity for sorting (zero-padded: sorts right as a Solr string too)
        from .model import usage
        pkg_dict["govopen_downloads"] = usage.sort_key(pkg_dict.get("id"))
        fmts = pkg_dict.get("res_format") or []
        pkg_dict["res_format"] = [f.upper() for f in fmts if f]
        # never index where data lives that the public may not have (issue 12, finding 4):
        # res_url keeps only the URLs of resources the policy would give an anonymous
        # user once the entry is public (open type and publication gate, per resource),
        # so q=res_url:…, facet.field=res_url and fl=res_url cannot reveal the others
        self._index_public_urls(pkg_dict)
        return pkg_dict

    @staticmethod
    def _index_public_urls(pkg_dict):
        try:
            stored = json.loads(pkg_dict.get("data_dict") or "{}")
        except (TypeError, ValueError):
            stored = {}
        resources = [r for r in stored.get("resources") or [] if isinstance(r, dict)]
        ds = access.dataset_value(stored) if stored.get("id") else None
        urls = []
        if ds is not None:
            public = ot.Dataset(id=ds.id, owner_org=ds.owner_org, open_type=ds.open_type,
                                share_type=ds.share_type)  # as if public and active
            for r in resources:
                if r.get("url") and ot.decide(ot.ANONYMOUS, public, ot.DATA,
                                              access.resource_value(r)).allowed:
                    urls.append(r["url"])
        if urls:
            pkg_dict["res_url"] = urls
        else:
            pkg_dict.pop("res_url", None)
        pkg_dict.pop("urls", None)

    def after_dataset_update(self, context, pkg_dict):
        pkg = context.get("package")
        changes = getattr(pkg, "_govopen_type_changes", None) if pkg is not None else None
        if changes:
            # open type and share type: same rules (reason, record, history, withdrawal)
            pkg._govopen_type_changes = None
            from .logic.action import record_type_change
            from .publication import state as pub_state
            recorded = {}
            for field, change in changes.items():
                if not change:
                    continue
                record_type_change(context, pkg_dict.get("id"), change)
                recorded[field] = {"old": change.get("old"), "new": change.get("new"),
                                   "reason": change.get("reason"), "user": context.get("user")}
                pub_state.note_type_change(pkg_dict.get("id"), field, change.get("old"),
                                           change.get("new"), context)
            # picked up by the chained activity_create: the history shows the reasons
            pkg._govopen_recorded_changes = recorded or None
        self._publication_sync(context, pkg_dict)

    def after_dataset_create(self, context, pkg_dict):
        if pkg_dict.get("id"):
            from .logic.action import record_type_change
            for field in ("open_type", "share_type"):
                if pkg_dict.get(field):
                    record_type_change(context, pkg_dict["id"], {
                        "field": field, "old": None, "new": pkg_dict[field], "reason": None})
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
        from .views.apps import blueprint as apps_bp  # issue 16: applications, API page
        return get_blueprints() + [requests_bp, publication_bp, apps_bp]

    # ------------------------------------------------------------ IMiddleware
    def make_middleware(self, app, config):
        from .views.download import install_download_override
        install_download_override(app)
        from .views.input_guard import install_input_guard  # deep JSON → 400, not 500
        install_input_guard(app)
        from .web_security import install as install_security_headers  # issue 12 finding 13
        install_security_headers(app, config)
        from .login_security import connect_signals
        connect_signals()
        from .quota import install as install_quota  # issue 16: API quotas (flask-limiter)
        install_quota(app)
        from .page_cache import install as install_page_cache  # issue 19: after the quota
        install_page_cache(app, config)
        from .service_unavailable import install as install_unavailable  # issue 19: faults
        install_unavailable(app)
        return app

    # ------------------------------------------------------------ IAuthenticator (issue 12, finding 8)
    def identify(self):
        from .login_security import identify
        from . import app_keys  # outside test F6/F1: app keys read only; CSRF for anonymous forms
        return identify() or app_keys.guard()

    def login(self):
        from .login_security import before_login
        return before_login()

    def logout(self):
        from .login_security import before_logout  # outside test F5: logout by POST only
        return before_logout()

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
        from .login_security import on_failed_login
        return {signals.resource_download: [on_resource_download],
                signals.failed_login: [on_failed_login]}
