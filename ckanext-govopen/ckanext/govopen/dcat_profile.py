"""RDF profile ``govopen`` for ckanext-dcat: GovOpen's catalog fields as DCAT-AP 3.0.1
terms. Use after ckanext-dcat's DCAT-AP 3 profile:
``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 govopen``. Mapping: docs/dcat-mapping.md.

The output validates against the official DCAT-AP 3.0.1 SHACL shapes and range shapes
(tests/logic/test_dcat_shacl*.py): values from EU vocabularies (access rights,
frequencies, data themes, file types, languages) and IANA media types are IRIs whose
class DCAT-AP asks for is stated here, since a consumer (or a validator run offline)
cannot be expected to load those vocabularies. Chinese-specific values (open type,
legal basis, update cycle, 行政区划 code …) keep the portal's own terms alongside.

The dataset dicts it receives come from package_show/package_search as the
requesting user sees them, so resource URLs of data the user may not have are
already empty (logic.access); this profile only adds, never un-hides: a distribution
without a URL gets its own page on the portal (which shows no data location to those
who may not have the data) as dcat:accessURL, never a download.
"""
from __future__ import annotations

import re

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles.base import DCAT, DCATAP, DCT, RDFProfile, VCARD
from ckanext.dcat.utils import resource_uri

from .domain import catalog

GOVOPEN = Namespace("https://govopen.example.cn/ns#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
EU = "http://publications.europa.eu/resource/authority/"
ACCESS_RIGHT = EU + "access-right/"
FREQUENCY = EU + "frequency/"
DATA_THEME = EU + "data-theme/"
FILE_TYPE = EU + "file-type/"
LANGUAGE = EU + "language/"
IANA = "https://www.iana.org/assignments/media-types/"

ACCESS_RIGHTS = {"unconditional": "PUBLIC", "conditional": "RESTRICTED",
                 "not_open": "NON_PUBLIC"}
FREQUENCIES = {"realtime": "UPDATE_CONT", "daily": "DAILY", "weekly": "WEEKLY",
               "monthly": "MONTHLY", "quarterly": "QUARTERLY", "yearly": "ANNUAL",
               "irregular": "IRREG"}
THEMES = {"transport": "TRAN", "health": "HEAL", "market": "ECON", "education": "EDUC",
          "social_security": "SOCI", "economy": "ECON", "environment": "ENVI",
          "public_safety": "JUST", "urban_rural": "REGI", "agriculture": "AGRI",
          "government": "GOVE", "culture_tourism": "EDUC"}
#: the English labels of the EU data-theme vocabulary (a skos:Concept needs a prefLabel)
THEME_LABELS = {"TRAN": "Transport", "HEAL": "Health", "ECON": "Economy and finance",
                "EDUC": "Education, culture and sport", "SOCI": "Population and society",
                "ENVI": "Environment", "JUST": "Justice, legal system and public safety",
                "REGI": "Regions and cities", "AGRI": "Agriculture, fisheries, forestry and food",
                "GOVE": "Government and public sector"}
#: normalized format (domain.catalog.normalize_format) → (EU file type, IANA media type)
FORMATS = {
    "CSV": ("CSV", "text/csv"),
    "JSON": ("JSON", "application/json"),
    "XML": ("XML", "application/xml"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "RDF": ("RDF_XML", "application/rdf+xml"),
    "TTL": ("RDF_TURTLE", "text/turtle"),
    "JSONLD": ("JSON_LD", "application/ld+json"),
    "GEOJSON": ("GEOJSON", "application/geo+json"),
    "TSV": ("TSV", "text/tab-separated-values"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "PARQUET": ("PARQUET", "application/vnd.apache.parquet"),
    "PDF": ("PDF", "application/pdf"),
    "DOC": ("DOC", "application/msword"),
    "DOCX": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "JPG": ("JPEG", "image/jpeg"),
    "JPEG": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
    "GIF": ("GIF", "image/gif"),
    "BMP": ("BMP", "image/bmp"),
    "TIF": ("TIFF", "image/tiff"),
    "TIFF": ("TIFF", "image/tiff"),
    "PPT": ("PPT", "application/vnd.ms-powerpoint"),
    "PPTX": ("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "HTML": ("HTML", "text/html"),
    "TXT": ("TXT", "text/plain"),
    "ZIP": ("ZIP", "application/zip"),
}
MEDIA_TYPES = {media for _ft, media in FORMATS.values()}
#: CKAN locale → EU language (ISO 639-2/B code as the EU vocabulary spells it)
LANGUAGES = {"zh": "ZHO", "en": "ENG"}
#: catalog entries are written in Chinese
DATA_LANGUAGE = "ZHO"

_MEDIA_TYPE_RE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")


def eu_language(locale: str | None) -> str | None:
    """``zh_Hans_CN`` → the EU language IRI for Chinese; None for a locale we cannot map."""
    code = LANGUAGES.get((locale or "").replace("-", "_").split("_")[0].lower())
    return LANGUAGE + code if code else None


def file_type_and_media_type(fmt, mimetype=None) -> tuple[str | None, str | None]:
    """A resource's format (and CKAN's guessed mimetype) → (EU file-type IRI, IANA
    media-type IRI); None for what the vocabularies do not know (e.g. ``API``)."""
    known = FORMATS.get(catalog.normalize_format(fmt))
    if known:
        return FILE_TYPE + known[0], IANA + known[1]
    media = (mimetype or "").strip().lower()
    if _MEDIA_TYPE_RE.match(media) and media in MEDIA_TYPES:
        ft = next(f for f, m in FORMATS.values() if m == media)
        return FILE_TYPE + ft, IANA + media
    return None, None


class GovOpenDCATProfile(RDFProfile):

    def parse_dataset(self, dataset_dict, dataset_ref):
        return dataset_dict

    def _typed(self, iri: str, cls) -> URIRef:
        ref = URIRef(iri)
        self.g.add((ref, RDF.type, cls))
        return ref

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        g.bind("govopen", GOVOPEN)
        g.bind("eli", ELI)
        g.bind("dcatap", DCATAP)
        get = dataset_dict.get

        ot = get("open_type")
        if ot in ACCESS_RIGHTS:
            g.remove((dataset_ref, DCT.accessRights, None))
            g.add((dataset_ref, DCT.accessRights,
                   self._typed(ACCESS_RIGHT + ACCESS_RIGHTS[ot], DCT.RightsStatement)))
            g.add((dataset_ref, GOVOPEN.openType, Literal(ot)))
        if get("open_conditions"):
            rs = BNode()
            g.add((rs, RDF.type, DCT.RightsStatement))
            g.add((rs, RDFS.label, Literal(get("open_conditions"), lang="zh")))
            g.add((dataset_ref, DCT.rights, rs))
            g.add((dataset_ref, GOVOPEN.openConditions, Literal(get("open_conditions"), lang="zh")))
        g.remove((dataset_ref, DCATAP.applicableLegislation, None))
        if get("legal_basis"):
            # DCAT-AP wants an IRI (an ELI where there is one); Chinese law has no ELI,
            # so the entry's own IRI with a fragment names the legal basis it cites
            lr = URIRef(str(dataset_ref) + "#legal-basis")
            g.add((lr, RDF.type, ELI.LegalResource))
            g.add((lr, RDFS.label, Literal(get("legal_basis"), lang="zh")))
            g.add((dataset_ref, DCATAP.applicableLegislation, lr))
            g.add((dataset_ref, GOVOPEN.legalBasis, Literal(get("legal_basis"), lang="zh")))
        for key, pred in (("share_type", GOVOPEN.shareType),
                          ("share_conditions", GOVOPEN.shareConditions),
                          ("share_legal_basis", GOVOPEN.shareLegalBasis),
                          ("resource_category", GOVOPEN.resourceCategory),
                          ("open_method", GOVOPEN.openMethod),
                          ("update_cycle", GOVOPEN.updateCycle)):
            if get(key):
                g.add((dataset_ref, pred, Literal(get(key))))
        g.remove((dataset_ref, DCT.accrualPeriodicity, None))
        if get("update_cycle") in FREQUENCIES:
            g.add((dataset_ref, DCT.accrualPeriodicity,
                   self._typed(FREQUENCY + FREQUENCIES[get("update_cycle")], DCT.Frequency)))
        # the core profile turns the field's value into a relative IRI (<transport>)
        g.remove((dataset_ref, DCAT.theme, None))
        if get("theme"):
            g.add((dataset_ref, GOVOPEN.theme, Literal(get("theme"))))
            if get("theme") in THEMES:
                code = THEMES[get("theme")]
                concept = self._typed(DATA_THEME + code, SKOS.Concept)
                g.add((concept, SKOS.prefLabel, Literal(THEME_LABELS[code], lang="en")))
                g.add((dataset_ref, DCAT.theme, concept))
        g.add((dataset_ref, DCT.language,
               self._typed(LANGUAGE + DATA_LANGUAGE, DCT.LinguisticSystem)))
        if get("spatial_code"):
            loc = BNode()
            g.add((loc, RDF.type, DCT.Location))
            g.add((loc, DCT.identifier, Literal(get("spatial_code"))))
            g.add((dataset_ref, DCT.spatial, loc))
            g.add((dataset_ref, GOVOPEN.divisionCode, Literal(get("spatial_code"))))
        if get("record_count") not in (None, ""):
            try:
                g.add((dataset_ref, GOVOPEN.recordCount,
                       Literal(int(get("record_count")), datatype=XSD.integer)))
            except (TypeError, ValueError):
                pass
        last = catalog.last_data_update(dataset_dict)
        if last:
            g.add((dataset_ref, GOVOPEN.lastDataUpdate, Literal(last.isoformat(), datatype=XSD.date)))
        g.add((dataset_ref, GOVOPEN.overdue,
               Literal(catalog.is_overdue(dataset_dict), datatype=XSD.boolean)))
        self._contact_point(dataset_dict, dataset_ref)
        # ckanext-dcat's placeholder licence type (adms UnknownIPR) would have to be a
        # skos:Concept with a label; it says nothing, so it goes
        for lic in g.objects(dataset_ref, DCT.license):
            g.remove((lic, DCT.type, None))

        dists = {str(d): d for d in g.objects(dataset_ref, DCAT.distribution)}
        for res in get("resources") or []:
            res = dict(res, package_id=res.get("package_id") or get("id"))
            dist = dists.get(resource_uri(res))
            if dist is None:
                continue
            self._distribution(res, dist)

    def _contact_point(self, dataset_dict, dataset_ref):
        g, get = self.g, dataset_dict.get
        points = list(g.objects(dataset_ref, DCAT.contactPoint))
        if not points and (get("contact_name") or get("contact_email")):
            cp = BNode()
            if get("contact_name"):
                g.add((cp, VCARD.fn, Literal(get("contact_name"))))
            if get("contact_email"):
                g.add((cp, VCARD.hasEmail, URIRef("mailto:" + get("contact_email"))))
            g.add((dataset_ref, DCAT.contactPoint, cp))
            points = [cp]
        for cp in points:
            # the core profile says vcard:Organization; DCAT-AP's range is vcard:Kind
            g.add((cp, RDF.type, VCARD.Kind))
            if get("contact_phone") and not list(g.objects(cp, VCARD.hasTelephone)):
                g.add((cp, VCARD.hasTelephone, Literal(get("contact_phone"))))

    def _distribution(self, res, dist):
        g = self.g
        # the entry's licence, put on each distribution by ckanext-dcat's
        # resource.inherit.license fallback without its class (DCAT-AP's range)
        for lic in g.objects(dist, DCT.license):
            if isinstance(lic, URIRef):
                g.add((lic, RDF.type, DCT.LicenseDocument))
        g.add((dist, GOVOPEN.machineReadable, Literal(
            catalog.format_readability(res.get("format")) == "machine",
            datatype=XSD.boolean)))
        if not res.get("url"):
            # no location for those who may not have the data
            for pred in (DCAT.accessURL, DCAT.downloadURL):
                g.remove((dist, pred, None))
        if not list(g.objects(dist, DCAT.accessURL)):
            # DCAT-AP requires an access URL: the distribution's page on the portal,
            # where the data is offered to those who may have it (or applied for)
            g.add((dist, DCAT.accessURL, dist))
        file_type, media_type = file_type_and_media_type(res.get("format"), res.get("mimetype"))
        g.remove((dist, DCT["format"], None))
        g.remove((dist, DCAT.mediaType, None))
        if res.get("format"):
            g.add((dist, GOVOPEN["format"], Literal(res["format"])))
        if file_type:
            g.add((dist, DCT["format"], self._typed(file_type, DCT.MediaTypeOrExtent)))
            g.add((dist, DCAT.mediaType, self._typed(media_type, DCT.MediaType)))
        for size in list(g.objects(dist, DCAT.byteSize)):
            g.remove((dist, DCAT.byteSize, size))
            try:
                n = int(float(size))
            except (TypeError, ValueError):
                continue
            if n >= 0:
                g.add((dist, DCAT.byteSize, Literal(n, datatype=XSD.nonNegativeInteger)))
        for lic in g.objects(dist, DCT.license):
            g.remove((lic, DCT.type, None))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        from ckan.plugins import toolkit as tk
        g = self.g
        g.bind("govopen", GOVOPEN)
        title = tk.config.get("ckan.site_title") or "GovOpen"
        if not list(g.objects(catalog_ref, DCT.description)):
            g.add((catalog_ref, DCT.description,
                   Literal(tk.config.get("ckan.site_description") or title)))
        g.remove((catalog_ref, DCT.language, None))
        locales = [tk.config.get("ckan.locale_default")] + tk.aslist(
            tk.config.get("ckan.locales_offered"))
        for iri in dict.fromkeys(filter(None, map(eu_language, locales))):
            g.add((catalog_ref, DCT.language, self._typed(iri, DCT.LinguisticSystem)))
        for home in g.objects(catalog_ref, FOAF.homepage):
            g.add((home, RDF.type, FOAF.Document))
        if not list(g.objects(catalog_ref, DCT.publisher)):
            # the body that runs the portal (the competent authority), named by the site
            pub = BNode()
            g.add((pub, RDF.type, FOAF.Agent))
            g.add((pub, FOAF.name, Literal(title)))
            g.add((catalog_ref, DCT.publisher, pub))
