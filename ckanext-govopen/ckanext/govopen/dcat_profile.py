"""RDF profile ``govopen`` for ckanext-dcat: GovOpen's catalog fields as DCAT /
DCAT-AP terms. Use after a DCAT-AP profile:
``ckanext.dcat.rdf.profiles = euro_dcat_ap_2 govopen``. Mapping: docs/dcat-mapping.md.

The dataset dicts it receives come from package_show/package_search as the
requesting user sees them, so resource URLs of data the user may not have are
already empty (logic.access); this profile only adds, never un-hides.
"""
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ckanext.dcat.profiles.base import DCAT, DCATAP, DCT, RDFProfile, VCARD

from .domain import catalog

GOVOPEN = Namespace("https://govopen.example.cn/ns#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"

ACCESS_RIGHTS = {"unconditional": "PUBLIC", "conditional": "RESTRICTED",
                 "not_open": "NON_PUBLIC"}
FREQUENCIES = {"realtime": "UPDATE_CONT", "daily": "DAILY", "weekly": "WEEKLY",
               "monthly": "MONTHLY", "quarterly": "QUARTERLY", "yearly": "ANNUAL",
               "irregular": "IRREG"}
THEMES = {"transport": "TRAN", "health": "HEAL", "market": "ECON", "education": "EDUC",
          "social_security": "SOCI", "economy": "ECON", "environment": "ENVI",
          "public_safety": "JUST", "urban_rural": "REGI", "agriculture": "AGRI",
          "government": "GOVE", "culture_tourism": "EDUC"}


class GovOpenDCATProfile(RDFProfile):

    def parse_dataset(self, dataset_dict, dataset_ref):
        return dataset_dict

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        g = self.g
        g.bind("govopen", GOVOPEN)
        g.bind("eli", ELI)
        get = dataset_dict.get

        ot = get("open_type")
        if ot in ACCESS_RIGHTS:
            g.remove((dataset_ref, DCT.accessRights, None))
            g.add((dataset_ref, DCT.accessRights, URIRef(ACCESS_RIGHT + ACCESS_RIGHTS[ot])))
            g.add((dataset_ref, GOVOPEN.openType, Literal(ot)))
        if get("open_conditions"):
            rs = BNode()
            g.add((rs, RDF.type, DCT.RightsStatement))
            g.add((rs, RDFS.label, Literal(get("open_conditions"), lang="zh")))
            g.add((dataset_ref, DCT.rights, rs))
            g.add((dataset_ref, GOVOPEN.openConditions, Literal(get("open_conditions"), lang="zh")))
        if get("legal_basis"):
            lr = BNode()
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
        if get("update_cycle") in FREQUENCIES:
            g.remove((dataset_ref, DCT.accrualPeriodicity, None))
            g.add((dataset_ref, DCT.accrualPeriodicity,
                   URIRef(FREQUENCY + FREQUENCIES[get("update_cycle")])))
        if get("theme"):
            g.add((dataset_ref, GOVOPEN.theme, Literal(get("theme"))))
            if get("theme") in THEMES:
                g.add((dataset_ref, DCAT.theme, URIRef(DATA_THEME + THEMES[get("theme")])))
        if get("spatial_code"):
            loc = BNode()
            g.add((loc, RDF.type, DCT.Location))
            g.add((loc, DCT.identifier, Literal(get("spatial_code"))))
            g.add((dataset_ref, DCT.spatial, loc))
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
        if (get("contact_name") or get("contact_email")) and not list(
                g.objects(dataset_ref, DCAT.contactPoint)):
            cp = BNode()
            g.add((cp, RDF.type, VCARD.Kind))
            if get("contact_name"):
                g.add((cp, VCARD.fn, Literal(get("contact_name"))))
            if get("contact_email"):
                g.add((cp, VCARD.hasEmail, URIRef("mailto:" + get("contact_email"))))
            if get("contact_phone"):
                g.add((cp, VCARD.hasTelephone, Literal(get("contact_phone"))))
            g.add((dataset_ref, DCAT.contactPoint, cp))

        for res in get("resources") or []:
            dist = None
            for d in g.objects(dataset_ref, DCAT.distribution):
                if str(d).endswith(res.get("id", "\0")):
                    dist = d
            if dist is None:
                continue
            g.add((dist, GOVOPEN.machineReadable, Literal(
                catalog.format_readability(res.get("format")) == "machine",
                datatype=XSD.boolean)))
            if not res.get("url"):
                # no location for those who may not have the data
                for pred in (DCAT.accessURL, DCAT.downloadURL):
                    g.remove((dist, pred, None))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        pass
