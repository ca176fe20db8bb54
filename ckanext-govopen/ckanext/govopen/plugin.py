"""GovOpen's main CKAN plugin: thin glue that hands each CKAN call to the domain modules."""
import ckan.plugins as p
import ckan.plugins.toolkit as tk


class GovOpenPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
