"""One distribution that installs both of GovOpen's packages.

``ckanext.govopen`` (the CKAN plugins) lives under ``ckanext-govopen/`` and the
stand-alone ``desensitize`` library under ``desensitize/``; the mapping below lets a
single ``pip install -e .`` put both on the path, as the layout of the brief asks.
"""
from setuptools import setup, find_namespace_packages

govopen_packages = find_namespace_packages("ckanext-govopen", include=["ckanext.*"])
desensitize_packages = find_namespace_packages("desensitize", include=["desensitize", "desensitize.*"])

setup(
    name="govopen",
    version="0.1.0",
    description="GovOpen: open-data publishing portal for Chinese government bodies (CKAN extensions)",
    python_requires=">=3.10",
    package_dir={
        "ckanext": "ckanext-govopen/ckanext",
        "desensitize": "desensitize/desensitize",
    },
    packages=govopen_packages + desensitize_packages,
    include_package_data=True,
    package_data={
        "ckanext.govopen": [
            "schemas/*.yaml", "templates/**/*", "assets/**/*", "i18n/**/*",
            "migration/**/*", "public/**/*", "config_declaration.yaml",
        ],
        "desensitize": ["*.yaml", "data/*"],
    },
    entry_points={
        "ckan.plugins": [
            "govopen = ckanext.govopen.plugin:GovOpenPlugin",
            "govopen_search = ckanext.govopen.search.plugin:GovOpenSearchPlugin",
            "govopen_chart_view = ckanext.govopen.chart_view:GovOpenChartViewPlugin",
        ],
        "ckan.rdf.profiles": [
            "govopen = ckanext.govopen.dcat_profile:GovOpenDCATProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
        "console_scripts": [
            "desensitize = desensitize.cli:main",
        ],
    },
)
