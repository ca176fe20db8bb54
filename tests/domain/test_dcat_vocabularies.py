"""The DCAT profile's vocabulary lookups (issue 19), without a database: formats to EU
file types and IANA media types, CKAN locales to EU languages."""
from ckanext.govopen.dcat_profile import eu_language, file_type_and_media_type

FT = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"


def test_formats_become_eu_file_types_and_iana_media_types():
    assert file_type_and_media_type("CSV") == (FT + "CSV", IANA + "text/csv")
    assert file_type_and_media_type(" xlsx ") == (
        FT + "XLSX", IANA + "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert file_type_and_media_type("RDF/XML") == (FT + "RDF_XML", IANA + "application/rdf+xml")
    assert file_type_and_media_type("jpg") == (FT + "JPEG", IANA + "image/jpeg")
    # no format, but a mimetype the table knows
    assert file_type_and_media_type("", "application/pdf") == (FT + "PDF", IANA + "application/pdf")


def test_what_the_vocabularies_lack_gets_no_iri():
    assert file_type_and_media_type("API") == (None, None)
    assert file_type_and_media_type("OFD") == (None, None)
    assert file_type_and_media_type(None, "application/x-made-up") == (None, None)
    assert file_type_and_media_type(None, "not a type") == (None, None)


def test_locales_become_eu_languages():
    assert eu_language("zh_Hans_CN") == "http://publications.europa.eu/resource/authority/language/ZHO"
    assert eu_language("en") == "http://publications.europa.eu/resource/authority/language/ENG"
    assert eu_language("fr") is None and eu_language(None) is None
