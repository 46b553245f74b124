"""FRUS volumes as sources: the three corpus volumes built once, no text lost, every link lands.

The session build runs :func:`edition.frus_site.build_serial` (the pipeline in one process,
without search index and DTS) with citeproc's rendering replaced by a stub: citeproc costs
about 85 ms per document, 164 s for the 1,927 documents (cite.py's business, see docs/frus.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import broken_links, parse_html
from test_text_conservation import page_text, tei_text, words
from edition import cite
from edition.anchors import read_lock, release
from edition.config import load_config
from edition.frus import is_frus
from edition.frus_anchors import assign_ids
from edition.frus_site import build_serial
from edition.html import Translator
from edition.readers import read_source
from edition.scaffold import init_edition
from edition.tei import NS, TEI_NS, XML_ID, load_tei, parse_bytes
from edition.validate import validate

VOLUMES_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "frus-volumes"
VOLUMES = {"frus1936v03": 586, "frus1934v04": 702, "frus1934v05": 639}
pytestmark = pytest.mark.skipif(not VOLUMES_DIR.is_dir(), reason="the FRUS volumes are not beside the checkout")


def stub_render(item: dict, style: str, locator):
    return (f"{item['title']}, ¶{locator}" if locator else item["title"]), item["title"]


def build(config, out: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cite, "_rendered", stub_render)
        return build_serial(config, out)


@pytest.fixture(scope="session")
def frus_site(tmp_path_factory):
    """An edition made with ``edition init``, two volumes in tei/, one in tei/memos/, built once."""
    project = tmp_path_factory.mktemp("frus") / "edition"
    init_edition(project, "FRUS volumes")
    for name in VOLUMES:
        folder = project / "tei" / ("memos" if name == "frus1934v05" else "")
        shutil.copyfile(VOLUMES_DIR / f"{name}.xml", folder / f"{name}.xml")
    out = project / "output"
    return build(load_config(project), out), out


def test_every_document_gets_a_page_and_every_volume_a_contents_page(frus_site):
    result, site = frus_site
    for volume, count in VOLUMES.items():
        assert len(list((site / "documents" / volume).glob("d*.html"))) == count
        page = parse_html(site / "documents" / volume / "index.html")
        assert len(page.xpath("//nav[@class='volume-toc']//ol[@class='toc-documents']/li/a")) == count
    assert sum(len(v.documents) for v in result.edition.volumes) == 1927
    assert [d for d in result.reporter.diagnostics if d.severity == "error"] == []


def test_no_internal_link_is_broken(frus_site):
    assert broken_links(frus_site[1]) == []


@pytest.mark.parametrize("volume", VOLUMES)
def test_no_text_is_lost(frus_site, volume):
    """Per document: the words of the TEI div (notes excluded) are the words of the page's text."""
    site = frus_site[1]
    root = load_tei(VOLUMES_DIR / f"{volume}.xml").getroot()
    for div in root.iterfind(".//tei:div[@type='document']", NS):
        page = parse_html(site / "documents" / volume / f"{div.get(XML_ID)}.html")
        [body] = page.xpath("//div[@class='doc-body']")
        assert words(page_text(body)) == words(tei_text(div)), div.get(XML_ID)
        for note in div.iter(f"{{{TEI_NS}}}note"):
            if note.get(XML_ID):
                [li] = page.xpath(f"//li[@id='{note.get(XML_ID)}']")
                assert words(page_text(li.xpath(".//div[@class='note-body']")[0])) == words(tei_text(note, False))


def test_document_page_shows_what_frus_encodes(frus_site):
    page = parse_html(frus_site[1] / "documents" / "frus1936v03" / "d1.html")
    assert page.xpath("string(//h1)") == "The Secretary of State to the Chargé in France (Marriner)"
    assert page.xpath("//p[@id='d1p2']/a[@class='pnum']/text()") == ["¶2"]
    assert [li.get("id") for li in page.xpath("//ol[@class='footnotes']/li")][:3] == \
        ["frus1936v03-d1-note1", "d1fn2", "d1fn3"]
    assert page.xpath("//ol[@class='footnotes']/li[1]/a[@class='note-back']/text()") == ["Source"]
    assert page.xpath("//sup[a[@href='#d1fn2']]/a/text()") == ["2"]  # FRUS's own number
    assert page.xpath("//span[@id='pg_2']//text()") == ["[p. 2]"]
    assert page.xpath("//div[contains(@class, 'closer')]//p[contains(@class, 'signed')]")
    assert page.xpath("//time[@datetime='1936-02-13']")
    assert page.xpath("//li[@class='next']/a/@href") == ["../../documents/frus1936v03/d2.html"]
    assert page.xpath("//li[@class='prev']/a") == []
    [cross] = page.xpath("//a[@class='ref'][contains(@href, 'frus1935v01')]")[:1]
    assert cross.get("href") == "https://history.state.gov/historicaldocuments/frus1935v01/pg_563"
    d2 = parse_html(frus_site[1] / "documents" / "frus1936v03" / "d2.html")
    assert d2.xpath("//section[contains(@class, 'attachment')]")


def test_page_references_land_on_the_document_that_holds_the_page(frus_site):
    volume = parse_html(frus_site[1] / "documents" / "frus1936v03" / "index.html")
    assert volume.xpath("//a[text()='1'][@href='d1.html#pg_1']")  # the list of papers' page numbers
    assert volume.xpath("//li[@id='ch1']/span[@class='toc-head']//sup[a[@href='#ch1fn1']]")


def test_recognised_by_content():
    assert is_frus(load_tei(VOLUMES_DIR / "frus1936v03.xml"))
    assert not is_frus(load_tei(Path(__file__).resolve().parent / "roots" / "valid" / "tei" / "memos" /
                                "memcon-1988-05-31.xml"))


def test_memo_files_are_in_tei_and_tei_memos(tmp_path):
    init_edition(tmp_path / "e")
    (tmp_path / "e" / "tei" / "vol.xml").write_text("<x/>")
    names = [p.relative_to(tmp_path / "e" / "tei").as_posix() for p in load_config(tmp_path / "e").memo_files()]
    assert names == ["vol.xml", "memos/memo-example.xml"]


# -- a small volume with lists of persons and terms ----------------------------------------------

MINI = """\ufeff<?xml version="1.0" encoding="UTF-8"?>
<?xml-model href="../../schemas/frus.rnc" type="application/relax-ng-compact-syntax"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/frus/ns/1.0" xml:id="frus2000v01">
<teiHeader><fileDesc><titleStmt><title type="complete">Mini Volume</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
<text><front>
<div type="section" xml:id="persons"><head>Persons</head><list type="names">
<item><hi rend="strong"><persName xml:id="p_DJ1">Doe, Jane</persName></hi>, Ambassador</item></list></div>
<div type="section" xml:id="terms"><head>Terms</head><list type="terms">
<item><hi rend="strong"><term xml:id="t_ABM1">ABM</term></hi>, Anti-Ballistic Missile</item></list></div>
</front><body><div type="compilation" xml:id="comp1"><head>Arms</head>
<div type="document" xml:id="d1" n="1"><note type="source" n="0">Source: files.</note>
<head>Memorandum</head><dateline><date when="2000-01-02">January 2, 2000</date></dateline>
<p>First: <persName corresp="#p_DJ1">Ms. Doe</persName> on the <gloss target="#t_ABM1">ABM</gloss>.</p>
<p>Second, see <ref target="#d2">document 2</ref> and <ref target="#pg_7">page 7</ref>.<note n="1" xml:id="d1fn1">A note.</note></p>
<frus:attachment><head>Tab A</head><p>Attached.</p></frus:attachment>
<closer><signed><persName corresp="#p_DJ1">Jane Doe</persName></signed></closer></div>
<pb n="7" xml:id="pg_7"/>
<div type="document" xml:id="d2" n="2"><head>Telegram</head><p>Third <ref target="#p_XX">x</ref>.</p></div>
</div></body></text></TEI>
"""


@pytest.fixture
def mini(tmp_path):
    init_edition(tmp_path / "e")
    (tmp_path / "e" / "tei" / "memos" / "memo-example.xml").unlink()
    path = tmp_path / "e" / "tei" / "frus2000v01.xml"
    path.write_text(MINI, encoding="utf-8")
    return load_config(tmp_path / "e"), path


def test_person_and_term_lists_become_index_entries_with_paragraph_locators(mini, tmp_path):
    config, path = mini
    result = build(config, tmp_path / "out")
    entities = result.edition.entities
    assert entities["person:frus2000v01-p_DJ1"].name == "Doe, Jane"
    assert entities["person:frus2000v01-p_DJ1"].description == "Ambassador"
    assert entities["term:frus2000v01-t_ABM1"].description == "Anti-Ballistic Missile"
    page = parse_html(tmp_path / "out" / "documents" / "frus2000v01" / "d1.html")
    assert page.xpath("//p[@id='d1p1']/a[contains(@class, 'mention')]/@href") == [
        "../../indexes/persons.html#frus2000v01-p_DJ1", "../../indexes/terms.html#frus2000v01-t_ABM1"]
    assert page.xpath("//a[.='document 2']/@href") == ["d2.html"]
    assert page.xpath("//a[.='page 7']/@href") == ["d2.html#pg_7"]
    persons = parse_html(tmp_path / "out" / "indexes" / "persons.html")
    locators = persons.xpath("//dt[@id='frus2000v01-p_DJ1']/following-sibling::dd[1]//p[@class='locators']/a/@href")
    # the signature is outside the numbered paragraphs: its locator is the document's top
    assert locators == ["../documents/frus2000v01/d1.html#d1p1", "../documents/frus2000v01/d1.html#heading"]
    assert broken_links(tmp_path / "out") == []
    codes = [(d.code, d.line) for d in result.reporter.diagnostics]
    assert ("frus.pointer-unresolved", 19) in codes and ("ref.unresolved", 19) in codes


BAD = MINI.replace('<div type="document" xml:id="d2" n="2"><head>Telegram</head>', '<div type="document" n="2">')


def test_a_volume_is_validated_by_the_adapter_with_located_diagnostics(mini):
    config, path = mini
    path.write_text(BAD, encoding="utf-8")
    found = sorted(str(d) for d in validate(config, [path]).sorted() if d.code.startswith("frus."))
    assert found == [
        'tei/frus2000v01.xml:15:1: warning: <ref> @target "#d2" points to no xml:id of this volume; '
        'it is rendered unlinked [frus.pointer-unresolved]',
        'tei/frus2000v01.xml:19:1: error: document "2" has no <head>; it is the page\'s title [frus.document-head]',
        'tei/frus2000v01.xml:19:1: error: document 2 has no xml:id; it names the page (e.g. xml:id="d2") '
        '[frus.document-id]',
        'tei/frus2000v01.xml:19:1: warning: <ref> @target "#p_XX" points to no xml:id of this volume; '
        'it is rendered unlinked [frus.pointer-unresolved]',
    ]


# -- paragraph ids that survive a revision ---------------------------------------------------------

def test_positional_ids_without_a_lock():
    assert assign_ids("d3", ["a", "b"], []).ids == ["d3p1", "d3p2"]


@pytest.mark.parametrize("new, ids, moved", [
    (["a", "b", "c"], ["d3p1", "d3p2", "d3p3"], {}),
    (["x", "a", "b", "c"], ["d3p4", "d3p1", "d3p2", "d3p3"], {}),  # inserted before: a new number
    (["a", "B", "c"], ["d3p1", "d3p2", "d3p3"], {}),  # corrected in place: same id
    (["a", "c"], ["d3p1", "d3p3"], {"d3p2": "d3p3"}),  # removed: its id lands on the next paragraph
    (["c", "a", "b"], ["d3p3", "d3p1", "d3p2"], {}),  # moved: follows its words
], ids=["same", "inserted", "corrected", "removed", "moved"])
def test_locked_ids_follow_their_paragraphs(new, ids, moved):
    result = assign_ids("d3", new, [("d3p1", "a"), ("d3p2", "b"), ("d3p3", "c")])
    assert (result.ids, result.moved) == (ids, moved)


def test_release_records_fingerprints_and_a_revised_volume_keeps_its_anchors(mini, tmp_path):
    config, path = mini
    documents = read_source(path, {}, "v").documents
    release(config, documents)
    locked = {e.anchor: e.fingerprint for e in read_lock(config.tei_dir / "anchors.lock")}
    assert locked["frus2000v01-d1#d1p2"] and locked["frus2000v01-d1"] == ""
    path.write_text(MINI.replace("<p>First:", "<p>Inserted by the Historian.</p><p>First:"), encoding="utf-8")
    [d1, _] = read_source(path, {}, "v").documents
    by_id = {p.id: lxml.html.fragment_fromstring(str(p.html), create_parent="div").text_content() for p in d1.paragraphs}
    assert by_id["d1p1"].startswith("First:") and by_id["d1p2"].startswith("Second")
    assert by_id["d1p4"] == "Inserted by the Historian."
    result = build(config, tmp_path / "out")
    assert [d for d in result.reporter.diagnostics if d.code.startswith("anchor.")] == []


# -- generic rules the adapter relies on ---------------------------------------------------------

def render(xml: str, **kwargs) -> str:
    el = parse_bytes(f'<p xmlns="{TEI_NS}" xmlns:frus="http://history.state.gov/frus/ns/1.0">{xml}</p>'.encode())
    t = Translator("doc", "x.xml", **kwargs)
    return str(t.content(el.getroot())), t


def test_resolved_local_pointers_and_links():
    html, t = render('<ref target="#d2">two</ref> <ref target="#gone">x</ref>', links={"#d2": "d2.html"})
    assert html == '<a class="ref" href="d2.html">two</a> <span class="ref">x</span>'
    assert [d.code for d in t.diagnostics] == ["ref.unresolved"]


def test_attachment_is_a_block():
    html, t = render("<frus:attachment><head>Tab</head></frus:attachment>")
    assert html == '<section class="attachment"><p class="head">Tab</p></section>' and not t.diagnostics
