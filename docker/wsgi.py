import os

from ckan.config.middleware import make_app
from ckan.cli import CKANConfigLoader

config = CKANConfigLoader(os.environ.get("CKAN_INI", "/var/lib/ckan/ckan.ini")).get_config()
application = make_app(config)
