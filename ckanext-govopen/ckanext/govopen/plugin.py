"""GovOpen's main CKAN plugin: thin glue that hands each CKAN call to the domain modules."""
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.govopen import cli


class GovOpenPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IClick)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    # IClick
    def get_commands(self):
        return cli.get_commands()
