"""The static DTS 1.0 API under ``dts/``: schemas, navigation, anchors, documents, URI templates.

The sample edition is built twice, with links relative and with ``base_url`` set, and every test
that takes ``site`` runs on both.  A small edition with a memo and a two-document FRUS volume
(``frus_site``) checks the volume's collection, its documents' navigation and their TEI.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import lxml.etree as etree
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import edition.build as build_module
from conftest import ROOT, SAMPLE_ID, SAMPLE_TEI, parse_html
from edition.anchors import release
from edition.authority import load_authorities
from edition.build import read_documents
from edition.config import load_config
from edition.dts import DTS_NS, ROOT_ID, write_dts
from edition.errors import Reporter, SourceError
from edition.frus import volumes_of
from edition.model import Document, Edition, Volume
from edition.scaffold import init_edition
from edition.site import SiteWriter
from edition.tei import NS, TEI_NS, XML_ID, parse_file

SCHEMAS = Path(__file__).parent / "dts-schemas"
OUR_SCHEMAS = {"entry": "entry.schema.json", "collection": "collection.schema.json",
               "navigation": "navigation.schema.json"}
VALIDATOR_SCHEMAS = {"entry": "entry_response_schema.json", "collection": "collection_response.schema.json",
                     "navigation": "navigation_response.schema.json"}  # their $ids
FALLBACK_BASE_URL = "https://example.org/edition/"
LINK_KEYS = {"collection", "navigation", "document", "download"}
LINKED_TYPES = {"EntryPoint", "Navigation", "CitableUnit"}  # objects whose @id is a URL, not a name


@dataclass
class Built:
    root: Path
    base_url: str

    @property
    def dts(self) -> Path:
        return self.root / "dts"


def build_with_dts(out: Path, **settings) -> Path:
    """Build the sample edition into *out* (the build writes the API)."""
    build_module.build(replace(load_config(ROOT), **settings), out_dir=out, workers=1)
    return out


def write_whole_api(config, out: Path) -> Path:
    """``write_dts`` over the edition read in this process, into *out*."""
    reporter = Reporter(root=config.root)
    documents = read_documents(config, load_authorities(config.authority_dir, reporter), reporter)
    published = [doc for doc in documents if not doc.withdrawn]
    edition = Edition(config.title, published, volumes=volumes_of(published))
    write_dts(SiteWriter(config, edition, out), edition, config)
    return out


def same_files(one: Path, other: Path) -> bool:
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    return files == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file()) and \
        all((one / f).read_bytes() == (other / f).read_bytes() for f in files)


def base_urls() -> dict[str, str]:
    return {"relative": "", "absolute": load_config(ROOT).base_url or FALLBACK_BASE_URL}


@pytest.fixture(scope="session", params=["relative", "absolute"])
def site(request, tmp_path_factory) -> Built:
    base_url = base_urls()[request.param]
    out = build_with_dts(tmp_path_factory.mktemp(f"dts-{request.param}") / "site", base_url=base_url)
    return Built(out, base_url)


@pytest.fixture(scope="module")
def tei_ids() -> list[str]:
    root = parse_file(SAMPLE_TEI).getroot()
    return [p.get(XML_ID) for p in root.iterfind("tei:text/tei:body//tei:p", NS)]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def endpoint(path: Path, dts: Path) -> str:
    rel = path.relative_to(dts).as_posix()
    return "entry" if rel == "index.json" else rel.split("/")[0].split(";")[0].removesuffix(".json")


def responses(built: Built) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {"entry": [], "collection": [], "navigation": []}
    for path in sorted(built.dts.rglob("*.json")):
        found[endpoint(path, built.dts)].append(path)
    return found


def validator(folder: Path, schema_id: str) -> Draft202012Validator:
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    for schema in schemas:
        Draft202012Validator.check_schema(schema)
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    return Draft202012Validator({s["$id"]: s for s in schemas}[schema_id], registry=registry)


def schema_errors(built: Built, folder: Path, schema_ids: dict[str, str]) -> list[str]:
    errors = []
    for kind, paths in responses(built).items():
        check = validator(folder, schema_ids[kind])
        for path in paths:
            for error in check.iter_errors(load(path)):
                errors.append(f"{path.relative_to(built.root)}: {error.json_path}: {error.message}")
    return errors


def expand(template: str, **values) -> str:
    """RFC 6570 expansion of ``{var}``, ``{/var,…}`` and ``{;var,…}``; unset variables vanish."""
    def expression(match) -> str:
        op, names = match[1], match[2].split(",")
        defined = [(name, str(values[name])) for name in names if values.get(name) is not None]
        if op == "/":
            return "".join("/" + quote(value, safe="") for _, value in defined)
        if op == ";":
            return "".join(f";{name}" + (f"={quote(value, safe='')}" if value else "") for name, value in defined)
        return ",".join(quote(value, safe="") for _, value in defined)

    return re.sub(r"\{([/;]?)([^}]+)\}", expression, template)


def target(built: Built, here: Path, url: str) -> tuple[Path, str]:
    """The file and fragment that *url*, found in the file *here*, points to."""
    if built.base_url:
        assert url.startswith(built.base_url), url
        parts = urlsplit(url[len(built.base_url):])
        return built.root / unquote(parts.path), parts.fragment
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, url
    return (here.parent / unquote(parts.path)).resolve(), parts.fragment


def links(obj, key=None, owner=None):
    """Yield every URL or URI template in a response."""
    if isinstance(obj, dict):
        for k, value in obj.items():
            yield from links(value, k, obj)
    elif isinstance(obj, list):
        for item in obj:
            yield from links(item, key, owner)
    elif isinstance(obj, str) and (key in LINK_KEYS or (key == "@id" and owner.get("@type") in LINKED_TYPES)):
        yield obj


# -- schemas ---------------------------------------------------------------------------------------


def test_the_api_has_one_file_per_request(site, tei_ids):
    found = responses(site)
    assert [len(found[k]) for k in ("entry", "collection", "navigation")] == [1, 6 + 3, 2 + 4 * len(tei_ids)]
    assert len(list((site.dts / "document").rglob("*.xml"))) == 1 + len(tei_ids)


def test_every_json_response_is_valid_against_the_dts_schemas(site):
    assert schema_errors(site, SCHEMAS, OUR_SCHEMAS) == []


@pytest.mark.skipif(not os.environ.get("DTS_VALIDATOR_SCHEMAS"),
                    reason="set DTS_VALIDATOR_SCHEMAS to a checkout's schemas/ (see tests/dts-schemas/README.md)")
def test_every_json_response_is_valid_against_the_dts_validator_schemas(site):
    assert schema_errors(site, Path(os.environ["DTS_VALIDATOR_SCHEMAS"]), VALIDATOR_SCHEMAS) == []


UNIT = {"identifier": "p1", "@type": "CitableUnit", "level": 1, "parent": None}
RESOURCE = {"@id": "x", "@type": "Resource", "collection": "c", "navigation": "n", "document": "d",
            "citationTrees": []}
NAVIGATION = {"@context": "c", "@id": "i", "@type": "Navigation", "dtsVersion": "1.0", "resource": RESOURCE}
COLLECTION = {"@context": "c", "dtsVersion": "1.0", "@id": "x", "@type": "Collection", "title": "t",
              "totalParents": 0, "totalChildren": 0, "collection": "c"}


@pytest.mark.parametrize("schema, response", [
    ("entry", {"@context": "c", "@id": "i", "@type": "EntryPoint", "dtsVersion": "1-alpha",
               "collection": "c", "navigation": "n", "document": "d"}),
    ("navigation", {**NAVIGATION, "resource": {**RESOURCE, "citationTrees": None}}),
    ("navigation", {k: v for k, v in NAVIGATION.items() if k != "resource"}),
    ("navigation", {**NAVIGATION, "member": [{**UNIT, "parent": "p0"}]}),
    ("navigation", {**NAVIGATION, "ref": UNIT, "start": UNIT, "end": UNIT}),
    ("navigation", {**NAVIGATION, "resource": {**RESOURCE, "citationTrees": [
        {"@type": "CitationTree", "identifier": "default"}]}}),
    ("collection", {**COLLECTION, "@type": "Resource"}),
    ("collection", {**COLLECTION, "member": [{"@id": "y", "@type": "Collection", "totalParents": 1}]}),
    ("collection", {**COLLECTION, "dublinCore": {"title": [{"value": "no language"}]}}),
    ("collection", {**COLLECTION, "extensions": {"schema:version": "1"}}),
], ids=["entry-version", "resource-trees", "no-resource", "top-unit-parent", "ref-and-range",
        "default-tree-identifier", "resource-links", "member-title", "dc-lang", "extensions-context"])
def test_the_schemas_reject_what_the_spec_forbids(schema, response):
    assert not validator(SCHEMAS, OUR_SCHEMAS[schema]).is_valid(response)


# -- navigation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("down", [1, -1])
def test_navigation_lists_the_49_paragraphs_in_document_order(site, tei_ids, down):
    nav = load(site.dts / "navigation" / f"{SAMPLE_ID};down={down}.json")
    assert len(tei_ids) == 49
    assert [unit["identifier"] for unit in nav["member"]] == tei_ids
    assert {(u["level"], u["parent"], u["citeType"]) for u in nav["member"]} == {(1, None, "paragraph")}
    assert "ref" not in nav


def test_each_paragraph_answers_ref_and_down(site, tei_ids):
    folder = site.dts / "navigation"
    for ref in tei_ids:
        alone = load(folder / SAMPLE_ID / f"{ref}.json")
        assert alone["ref"]["identifier"] == ref and "member" not in alone
        siblings = load(folder / f"{SAMPLE_ID};down=0" / f"{ref}.json")
        assert [u["identifier"] for u in siblings["member"]] == tei_ids
        for down in (1, -1):
            subtree = load(folder / f"{SAMPLE_ID};down={down}" / f"{ref}.json")
            assert subtree["ref"]["identifier"] == ref
            assert [u["identifier"] for u in subtree["member"]] == [ref]
    assert not (folder / f"{SAMPLE_ID}.json").exists()  # neither ref nor down: 400 in the spec


def test_each_citable_unit_links_to_its_paragraph_anchor(site):
    ids: dict[Path, set[str]] = {}
    checked = 0
    for path in responses(site)["navigation"]:
        nav = load(path)
        for unit in ([nav["ref"]] if "ref" in nav else []) + nav.get("member", []):
            page, fragment = target(site, path, unit["@id"])
            if page not in ids:
                ids[page] = set(parse_html(page).xpath("//@id"))
            assert page == (site.root / f"documents/{SAMPLE_ID}.html").resolve()
            assert fragment == unit["identifier"] and fragment in ids[page], unit
            checked += 1
    assert checked > 49 * 49


def test_a_unit_link_is_the_anchor_url(site):
    nav = load(site.dts / "navigation" / f"{SAMPLE_ID};down=1.json")
    href = f"{site.base_url}documents/{SAMPLE_ID}.html#p12" if site.base_url else \
        f"../../documents/{SAMPLE_ID}.html#p12"
    assert nav["member"][11]["@id"] == href


# -- documents -------------------------------------------------------------------------------------


def test_the_document_endpoint_is_the_tei_source_byte_for_byte(site):
    assert (site.dts / "document" / f"{SAMPLE_ID}.xml").read_bytes() == SAMPLE_TEI.read_bytes()


def test_each_paragraph_fragment_is_the_source_paragraph_in_a_dts_wrapper(site):
    c14n = dict(method="c14n", exclusive=True, with_tail=False)
    source = parse_file(SAMPLE_TEI).getroot()
    for para in source.iterfind("tei:text/tei:body//tei:p", NS):
        fragment = parse_file(site.dts / "document" / SAMPLE_ID / f"{para.get(XML_ID)}.xml").getroot()
        assert fragment.tag == f"{{{TEI_NS}}}TEI"
        [wrapper] = fragment
        assert wrapper.tag == f"{{{DTS_NS}}}wrapper"
        [copy] = wrapper
        assert etree.tostring(copy, **c14n) == etree.tostring(para, **c14n)


def test_download_is_the_tei_copy(site):
    path = site.dts / "collection" / f"{SAMPLE_ID}.json"
    tei, _ = target(site, path, load(path)["download"])
    assert tei.read_bytes() == SAMPLE_TEI.read_bytes()


# -- URI templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("template, expected", [
    ("{var}", "value"), ("{/var}", "/value"), ("{;var}", ";var=value"), ("{/var,x}", "/value/1024"),
    ("{;x,y}", ";x=1024;y=768"), ("{;x,y,empty}", ";x=1024;y=768;empty"), ("{/var,undef}/here", "/value/here"),
    ("{;undef}", ""), ("{/who}", "/fred"), ("{;half}", ";half=50%25"),
])
def test_the_expander_follows_rfc_6570(template, expected):
    values = {"var": "value", "x": 1024, "y": 768, "empty": "", "who": "fred", "half": "50%"}
    assert expand(template, **values) == expected


def entry_requests(paragraphs: list[str]):
    """(endpoint, parameters, what the response must be) for every request the API answers."""
    for id in (None, ROOT_ID, SAMPLE_ID):
        for nav in (None, "children", "parents"):
            yield "collection", {"id": id, "nav": nav}, {"@id": id or ROOT_ID}
    for down in (1, -1):
        yield "navigation", {"resource": SAMPLE_ID, "down": down}, {"@type": "Navigation"}
    yield "document", {"resource": SAMPLE_ID}, None
    for ref in paragraphs:
        for down in (None, 0, 1, -1):
            yield "navigation", {"resource": SAMPLE_ID, "ref": ref, "down": down}, {"ref": ref}
        yield "document", {"resource": SAMPLE_ID, "ref": ref}, None


def test_the_entry_templates_expand_to_the_responses(site, tei_ids):
    index = site.dts / "index.json"
    entry = load(index)
    for name, params, expected in entry_requests(tei_ids):
        path, _ = target(site, index, expand(entry[name], **params))
        assert path.is_file(), (name, params)
        if expected and "ref" in expected:
            assert load(path)["ref"]["identifier"] == expected["ref"]
        elif expected:
            assert {k: load(path)[k] for k in expected} == expected, (name, params)


def test_the_templates_of_every_collection_member_expand_to_responses(site):
    requests = {"collection": [{}, {"nav": "parents"}],
                "navigation": [{"down": 1}, {"ref": "p1"}, {"ref": "p49", "down": 0}],
                "document": [{}, {"ref": "p1"}]}
    for path in responses(site)["collection"]:
        response = load(path)
        for obj in [response, *response.get("member", [])]:
            for name in LINK_KEYS & obj.keys() - {"download"}:
                for params in requests[name]:
                    file, _ = target(site, path, expand(obj[name], **params))
                    assert file.is_file(), (path.name, obj["@id"], name, params)


def test_the_collections_link_parents_and_children(site):
    root = load(site.dts / "collection.json")
    assert root["@id"] == ROOT_ID and root["totalParents"] == 0
    assert [m["@id"] for m in root["member"]] == [SAMPLE_ID] and root["totalChildren"] == 1
    assert load(site.dts / "collection" / f"{ROOT_ID};nav=parents.json")["member"] == []
    parents = load(site.dts / "collection" / f"{SAMPLE_ID};nav=parents.json")
    assert [m["@id"] for m in parents["member"]] == [ROOT_ID]


# -- metadata and links ----------------------------------------------------------------------------


def test_dublin_core_comes_from_the_config_and_the_document(site):
    config = load_config(ROOT)
    root = load(site.dts / "collection.json")
    lang = config.language
    assert root["title"] == config.title
    assert root["dublinCore"] == {"title": [{"lang": lang, "value": config.title}], "date": config.release_date,
                                  "language": [lang], "publisher": [{"lang": lang, "value": config.publisher}]}
    assert root["extensions"]["schema:version"] == config.version
    doc = load(site.dts / "collection" / f"{SAMPLE_ID}.json")
    assert doc["dublinCore"]["date"] == "1988-05-31"
    assert doc["dublinCore"]["title"] == [{"lang": lang, "value": doc["title"]}]
    assert doc["mediaTypes"] == ["application/tei+xml"]


def test_links_are_all_relative_or_all_under_the_base_url(site):
    for path in sorted(site.dts.rglob("*.json")):
        for url in links(load(path)):
            if site.base_url:
                assert url.startswith(site.base_url), (path.name, url)
            else:
                assert "://" not in url and not url.startswith("/"), (path.name, url)


def test_the_output_is_deterministic(site, tmp_path):
    assert same_files(site.dts, build_with_dts(tmp_path / "site", base_url=site.base_url) / "dts")


def test_json_is_utf8_compact_and_not_ascii_escaped(site):
    for path in [site.dts / "collection.json", site.dts / "navigation" / f"{SAMPLE_ID};down=0" / "p12.json"]:
        text = path.read_bytes().decode("utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")) + "\n"
        assert text.startswith('{"@context":"https://dtsapi.org/context/v1.0.json","dtsVersion":"1.0",')
    assert "–" in (site.dts / "collection.json").read_text(encoding="utf-8")  # the subtitle's en dash


def test_the_build_writes_the_api_of_the_edition_read_whole(sample_site, tmp_path):
    """The build's workers see a reduced edition; what they write equals write_dts over the whole one."""
    assert same_files(sample_site / "dts", write_whole_api(load_config(ROOT), tmp_path / "whole") / "dts")


def test_a_document_may_not_take_the_root_collection_id(tmp_path):
    doc = Document(id=ROOT_ID, title="A memorandum", source_path="tei/memos/edition.xml")
    with pytest.raises(SourceError) as caught:
        write_dts(None, Edition("An edition", [doc]), load_config(ROOT))
    assert str(caught.value.diagnostics[0]) == (
        'tei/memos/edition.xml:1:1: error: document id "edition" is the id of the DTS root collection; '
        'rename the document [dts.reserved-id]')


# -- a FRUS volume ---------------------------------------------------------------------------------

VOLUME_ID = "frus2000v01"
VOLUME = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/frus/ns/1.0" xml:id="frus2000v01">
<teiHeader><fileDesc><titleStmt><title type="complete">Foreign Relations, 2000, Volume I, Arms</title>
<title type="series">Foreign Relations of the United States</title><title type="subseries">2000</title>
<title type="volumenumber">Volume I</title></titleStmt>
<publicationStmt><publisher>Office of the Historian</publisher><date>2001</date></publicationStmt>
<sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><body><div type="compilation" xml:id="comp1"><head>Arms</head>
<div type="document" xml:id="d1" n="1"><head>Memorandum</head>
<dateline><date when="2000-01-02">January 2, 2000</date></dateline>
<p>First paragraph.</p>
<p>Second, with a note.<note n="1" xml:id="d1fn1">A note.</note></p>
<frus:attachment><head>Tab A</head><p>Attached.</p></frus:attachment></div>
<pb n="2" xml:id="pg_2"/>
<div type="document" xml:id="d2" n="2"><head>Telegram</head>
<dateline><date when="2000-01-03">January 3, 2000</date></dateline><p>Third.</p></div>
</div></body></text></TEI>
"""
D1, D2 = f"{VOLUME_ID}-d1", f"{VOLUME_ID}-d2"


def frus_project(folder: Path, volume: str = VOLUME) -> Path:
    """An edition made by ``edition init`` (its example memo) with the volume in ``tei/``."""
    project = folder / "edition"
    init_edition(project)
    (project / "tei" / f"{VOLUME_ID}.xml").write_text(volume, encoding="utf-8")
    return project


def build_frus(project: Path, out: Path) -> Built:
    """Build *project* as `edition build` does."""
    build_module.build(load_config(project), out_dir=out, workers=1)
    return Built(out, "")


@pytest.fixture(scope="module")
def frus_site(tmp_path_factory) -> Built:
    folder = tmp_path_factory.mktemp("dts-frus")
    return build_frus(frus_project(folder), folder / "site")


def paragraph_ids(page: Path) -> list[str]:
    return parse_html(page).xpath("//p[contains(concat(' ', @class, ' '), ' para ')]/@id")


def test_the_volume_api_is_valid_and_complete(frus_site):
    assert schema_errors(frus_site, SCHEMAS, OUR_SCHEMAS) == []
    found = responses(frus_site)
    assert len(found["collection"]) == 6 + 3 * 4  # the root; the memo, the volume and its two documents
    folder = frus_site.dts / "navigation"
    units = [len(load(folder / f"{id};down=1.json")["member"]) for id in ("memo-example", D1, D2)]
    assert units[1:] == [3, 1]
    assert len(found["navigation"]) == sum(2 + 4 * n for n in units)
    assert len(list((frus_site.dts / "document").rglob("*.xml"))) == sum(1 + n for n in units)


def test_the_root_holds_the_memos_then_the_volumes_and_a_volume_its_documents(frus_site):
    folder = frus_site.dts / "collection"
    root = load(frus_site.dts / "collection.json")
    assert [(m["@id"], m["@type"]) for m in root["member"]] == [("memo-example", "Resource"),
                                                                (VOLUME_ID, "Collection")]
    assert root["totalChildren"] == 2
    volume = load(folder / f"{VOLUME_ID}.json")
    assert [m["@id"] for m in volume["member"]] == [D1, D2] and volume["totalChildren"] == 2
    assert volume["title"] == "Foreign Relations, 2000, Volume I, Arms"
    assert volume["description"] == "Foreign Relations of the United States, 2000, Volume I"
    assert volume["dublinCore"]["publisher"] == [{"lang": "en", "value": "Office of the Historian"}]
    assert volume["dublinCore"]["date"] == "2001"
    assert load(folder / f"{VOLUME_ID};nav=children.json")["member"] == volume["member"]
    assert [m["@id"] for m in load(folder / f"{VOLUME_ID};nav=parents.json")["member"]] == [ROOT_ID]
    assert [m["@id"] for m in load(folder / f"{D1};nav=parents.json")["member"]] == [VOLUME_ID]
    d1 = load(folder / f"{D1}.json")
    assert d1["title"] == "Memorandum" and d1["dublinCore"]["date"] == "2000-01-02" and "download" not in d1


def members_that_differ_from_their_own_response(built: Built) -> list[str]:
    """Members that do not say what their own collection response says (both in dts/collection/)."""
    folder = built.dts / "collection"
    differ = []
    for path in sorted(folder.glob("*.json")):
        for member in load(path).get("member", []):
            own = load(folder / f"{member['@id']}.json")
            if member != {k: v for k, v in own.items() if k not in ("@context", "dtsVersion", "member")}:
                differ.append(f"{path.name}: {member['@id']}")
    return differ


def test_every_member_is_its_own_response(site, frus_site):
    assert members_that_differ_from_their_own_response(site) == []
    assert members_that_differ_from_their_own_response(frus_site) == []


def test_volume_paragraphs_are_the_paragraphs_of_their_pages(frus_site):
    for id, local in ((D1, "d1"), (D2, "d2")):
        path = frus_site.dts / "navigation" / f"{id};down=1.json"
        page = frus_site.root / "documents" / VOLUME_ID / f"{local}.html"
        members = load(path)["member"]
        assert [u["identifier"] for u in members] == paragraph_ids(page)
        for unit in members:
            assert target(frus_site, path, unit["@id"]) == (page.resolve(), unit["identifier"])
    assert paragraph_ids(frus_site.root / "documents" / VOLUME_ID / "d1.html") == ["d1p1", "d1p2", "d1p3"]


def test_the_document_endpoint_wraps_the_volume_div_and_its_paragraphs(frus_site):
    c14n = dict(method="c14n", exclusive=True, with_tail=False)
    source = parse_file(frus_site.root / "tei" / "memos" / f"{VOLUME_ID}.xml").getroot()
    for id, local in ((D1, "d1"), (D2, "d2")):
        whole = parse_file(frus_site.dts / "document" / f"{id}.xml").getroot()
        assert whole.tag == f"{{{TEI_NS}}}TEI"
        [wrapper] = whole
        assert wrapper.tag == f"{{{DTS_NS}}}wrapper"
        [div] = wrapper
        [expected] = source.xpath(f"//tei:div[@xml:id='{local}']", namespaces=NS)
        paragraphs = div.findall(".//tei:p", NS)
        for p, p_source in zip(paragraphs, expected.findall(".//tei:p", NS), strict=True):
            p_source.set(XML_ID, p.get(XML_ID))  # the reader's ids, which the file does not have
        assert etree.tostring(div, **c14n) == etree.tostring(expected, **c14n)
        units = load(frus_site.dts / "navigation" / f"{id};down=1.json")["member"]
        assert [p.get(XML_ID) for p in paragraphs] == [u["identifier"] for u in units]
        for p in paragraphs:
            fragment = parse_file(frus_site.dts / "document" / id / f"{p.get(XML_ID)}.xml").getroot()
            [[copy]] = fragment
            assert fragment.tag == f"{{{TEI_NS}}}TEI" and copy.getparent().tag == f"{{{DTS_NS}}}wrapper"
            assert etree.tostring(copy, **c14n) == etree.tostring(p, **c14n)


def test_the_templates_of_the_volume_expand_to_responses(frus_site):
    index = frus_site.dts / "index.json"
    entry = load(index)
    for params in [{"id": VOLUME_ID}, {"id": VOLUME_ID, "nav": "parents"}, {"id": D2}]:
        assert target(frus_site, index, expand(entry["collection"], **params))[0].is_file(), params
    for params in [{"resource": D1, "down": -1}, {"resource": D1, "ref": "d1p3", "down": 0}]:
        assert target(frus_site, index, expand(entry["navigation"], **params))[0].is_file(), params
    for params in [{"resource": D1}, {"resource": D1, "ref": "d1p3"}]:
        assert target(frus_site, index, expand(entry["document"], **params))[0].is_file(), params
    for path in sorted((frus_site.dts / "collection").glob("*.json")):
        for url in links(load(path)):
            if "{" not in url:
                assert target(frus_site, path, url)[0].is_file(), (path.name, url)


def test_a_revised_volume_keeps_its_locked_paragraph_ids(tmp_path):
    project = frus_project(tmp_path)
    config = load_config(project)
    reporter = Reporter(root=config.root)
    release(config, read_documents(config, load_authorities(config.authority_dir, reporter), reporter))
    revised = VOLUME.replace("<p>First paragraph.</p>", "<p>Inserted by the Historian.</p><p>First paragraph.</p>")
    (project / "tei" / f"{VOLUME_ID}.xml").write_text(revised, encoding="utf-8")
    built = build_frus(project, tmp_path / "site")
    members = load(built.dts / "navigation" / f"{D1};down=1.json")["member"]
    ids = [u["identifier"] for u in members]
    page = built.root / "documents" / VOLUME_ID / "d1.html"
    assert ids == ["d1p4", "d1p1", "d1p2", "d1p3"] == paragraph_ids(page)
    inserted = parse_file(built.dts / "document" / D1 / "d1p4.xml").getroot()
    assert "".join(inserted.itertext()) == "Inserted by the Historian."


def test_the_build_writes_the_volume_api_of_the_edition_read_whole(frus_site, tmp_path):
    assert same_files(frus_site.dts, write_whole_api(load_config(frus_site.root.parent / "edition"),
                                                     tmp_path / "whole") / "dts")


def test_a_volume_may_not_take_the_root_collection_id():
    volume = Volume(ROOT_ID, "A volume", f"documents/{ROOT_ID}/index.html", source_path="tei/edition.xml")
    with pytest.raises(SourceError) as caught:
        write_dts(None, Edition("An edition", [], volumes=[volume]), load_config(ROOT))
    assert str(caught.value.diagnostics[0]) == (
        'tei/edition.xml:1:1: error: volume id "edition" is the id of the DTS root collection or of a document; '
        'rename the volume or the document [dts.reserved-id]')
