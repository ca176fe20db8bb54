"""The portal as a WSGI application, for gunicorn (config/gunicorn.conf.py):
``gunicorn -c config/gunicorn.conf.py ckanext.govopen.wsgi:application`` with the
ini in ``CKAN_INI`` (`make run`: config/ckan.ini; docker/: /var/lib/ckan/ckan.ini)."""
import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_ini = os.environ.get("CKAN_INI") or os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "config", "ckan.ini")
_ini = os.path.abspath(_ini)
fileConfig(_ini, disable_existing_loggers=False)  # as CKAN's documented wsgi script
application = make_app(CKANConfigLoader(_ini).get_config())
