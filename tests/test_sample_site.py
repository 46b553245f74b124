"""The sample edition, built into a temporary directory and checked with XPath."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import SAMPLE_ID, SAMPLE_TEI, broken_links, parse_html
from edition.tei import NS, XML_ID, parse_file

DOC = f"documents/{SAMPLE_ID}.html"


@pytest.fixture(scope="module")
def page(sample_site):
    return parse_html(sample_site / DOC)


@pytest.fixture(scope="module")
def tei():
    return parse_file(SAMPLE_TEI).getroot()


def test_site_has_the_expected_pages(sample_site, page):
    pages = sorted(p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*.html"))
    # a page per entity the indexes list as mentioned; each mention in the text has one
    entries = {href.removeprefix("../") for kind in ("persons", "places", "orgs", "terms", "works")
               for href in parse_html(sample_site / "indexes" / f"{kind}.html").xpath("//dt/span/a/@href")}
    mentioned = {href.removeprefix("../").replace("s.html#", "s/") + ".html"
                 for href in page.xpath("//a[contains(@class, 'mention')]/@href")}
    assert len(mentioned) > 50 and mentioned <= entries
    assert pages == sorted([
        "index.html", "method.html", DOC, "indexes/index.html", "indexes/persons.html",
        "indexes/places.html", "indexes/orgs.html", "indexes/terms.html", "indexes/works.html",
        "changelog.html", "participants.html", "search.html", *entries])


def test_49_paragraph_anchors_equal_the_tei_ids(page, tei):
    tei_ids = [p.get(XML_ID) for p in tei.iterfind("tei:text/tei:body//tei:p", NS)]
    html_ids = page.xpath("//p[contains(@class, 'para')]/@id")
    assert len(html_ids) == 49
    assert html_ids == tei_ids


def test_each_paragraph_has_a_visible_permalink_to_itself(page):
    for n, para in enumerate(page.xpath("//p[contains(@class, 'para')]"), start=1):
        [link] = para.xpath("a[@class='pnum']")
        assert link.get("href") == f"#{para.get('id')}"
        assert link.text_content() == f"¶{n}"


def test_portion_markings_are_shown_and_recorded(page, tei):
    for para in page.xpath("//p[contains(@class, 'para')]"):
        [mark] = para.xpath(".//span[@class='portion']")
        tei_p = tei.find(f".//tei:p[@xml:id='{para.get('id')}']", NS)
        assert mark.text_content() == {"#cls-S": "(S)", "#cls-U": "(U)"}[tei_p.get("ana")]
        assert f"ana-{tei_p.get('ana')[1:]}" in para.get("class")


def test_three_paragraphs_continue_across_a_page_break(page):
    continuing = page.xpath("//p[contains(@class, 'para')][.//span[contains(@class, 'pb')]]/@id")
    assert len(continuing) == 3
    assert page.xpath("//span[contains(@class, 'pb')]/@id") == [f"page-{n}" for n in range(1, 6)]


def test_page_furniture_is_kept_out_of_the_reading_text(page):
    for para in page.xpath("//p[contains(@class, 'para')]"):
        for fw in para.xpath(".//*[contains(@class, 'fw')]"):
            # furniture sits at a page break, never in the middle of the words
            assert fw.xpath("preceding-sibling::*[contains(@class, 'pb') or contains(@class, 'fw')] "
                            "| following-sibling::*[contains(@class, 'pb') or contains(@class, 'fw')]")
    stamps = " ".join(page.xpath("//*[contains(@class, 'fw')]//text()"))
    for text in ("Declassify on: * OADR", "F97-004/2#12", "SECRET"):
        assert text in stamps


def test_footnotes_link_both_ways(page):
    refs = page.xpath("//a[@role='doc-noteref']")
    assert len(refs) >= 10
    for ref in refs:
        note_id = ref.get("href")[1:]
        [li] = page.xpath(f"//ol[@class='footnotes']/li[@id='{note_id}']")
        [back] = li.xpath("a[@class='note-back']")
        assert back.get("href") == f"#{ref.get('id')}"
        assert back.text_content() == ref.text_content()


def test_metadata_header(page):
    meta = {dt.text_content(): dd for dt, dd in zip(page.xpath("//dl[@class='doc-meta']/dt"),
                                                    page.xpath("//dl[@class='doc-meta']/dd"))}
    assert meta["Date"].text_content() == "31 May 1988, 10:08–11:07"
    assert meta["Date"].xpath("time/@datetime") == ["1988-05-31"]
    assert "Kremlin" in meta["Place"].text_content()
    labels = meta["Participants"].xpath(".//p[@class='delegation-label']/text()")
    assert labels == ["US", "USSR"]
    roles = Counter(meta["Participants"].xpath(".//span[@class='role']/text()"))
    assert roles == {"(notetaker)": 3, "(interpreter)": 2}
    assert "SECRET" in meta["Classification"].text_content()
    history = meta["Declassification"].text_content()
    assert "OADR" in history and "2000" in history
    assert "F97-004/2#12" in meta["Source"].text_content()
    assert "Ronald Reagan Presidential Library" in meta["Source"].text_content()
    assert meta["Other versions"].xpath(".//a/@href") == [
        "https://history.state.gov/historicaldocuments/frus1981-88v06/d160"]


def test_tei_source_is_downloadable_unchanged(page, sample_site):
    [href] = page.xpath("//a[@download][contains(@href, 'tei/')]/@href")
    assert (sample_site / "documents" / href).resolve().read_bytes() == SAMPLE_TEI.read_bytes()


def test_every_mention_links_to_its_index_entry(page, tei, sample_site):
    tagged = [el for name in ("persName", "placeName", "orgName", "term", "title")
              for el in tei.iterfind(f"tei:text//tei:{name}[@ref]", NS)]
    links = page.xpath("//section[contains(@class, 'transcription')]//a[contains(@class, 'mention')]")
    # a mention inside another (a term within a term) is recorded but cannot be a link inside a link
    nested = page.xpath("//section[contains(@class, 'transcription')]//span[contains(@class, 'mention-nested')]")
    assert len(links) + len(nested) == len(tagged)
    kinds = Counter(link.get("data-ref").split(":")[0] for link in links)
    assert set(kinds) == {"person", "place", "org", "term", "work"}


def test_index_locators_land_on_paragraphs(sample_site, page):
    paragraph_ids = set(page.xpath("//p[contains(@class, 'para')]/@id")) | {"heading", "doc-title"}
    located = 0
    for entry in sample_site.glob("indexes/*/*.html"):
        for href in parse_html(entry).xpath("//ol[@class='locators']/li/a[position() > 1]/@href"):
            path, _, anchor = href.partition("#")
            assert path == f"../../{DOC}"
            assert anchor in paragraph_ids
            located += 1
    assert located > 100


def test_index_entries_show_name_description_and_link_to_their_page(sample_site):
    index = parse_html(sample_site / "indexes" / "persons.html")
    [entry] = index.xpath("//dt[@id='gorbachev']")
    assert entry.xpath("string(span[@class='entry-name'])") == "Gorbachev, Mikhail"
    dd = entry.getnext()
    assert dd.xpath("string(p[@class='description'])")
    assert "https://www.wikidata.org/wiki/Q30487" in dd.xpath(".//a/@href")
    assert entry.xpath("span/a/@href") == dd.xpath("p[@class='mentioned']/a/@href") == [
        "../indexes/persons/gorbachev.html"]


def test_an_entry_page_lists_each_paragraph_that_mentions_the_entity(sample_site, page):
    entry = parse_html(sample_site / "indexes" / "persons" / "gorbachev.html")
    assert entry.xpath("string(//h1/span[@class='entry-name'])") == "Gorbachev, Mikhail"
    assert entry.xpath("//p[@class='breadcrumb']/a/@href") == ["../../indexes/persons.html#gorbachev"]
    [line] = entry.xpath("//ol[@class='locators']/li")  # one document
    assert line.xpath("a")[0].text == "31 May 1988" and line.xpath("a/@href")[0] == f"../../{DOC}"
    locators = line.xpath("a[position() > 1]/@href")
    mentioned = set(page.xpath("//p[contains(@class, 'para')][.//a[@data-ref='person:gorbachev']]/@id"))
    assert len(locators) > 30  # he speaks in most paragraphs
    # and the heading and metadata, where he is a participant
    assert {href.rpartition("#")[2] for href in locators} == mentioned | {"heading", "doc-title"}
    assert all(href.startswith(f"../../{DOC}#") for href in locators)


def test_every_internal_link_resolves(sample_site):
    assert broken_links(sample_site) == []


def test_only_our_deferred_scripts_no_external_resources_relative_links_only(sample_site):
    for path in sample_site.rglob("*.html"):
        root = parse_html(path)
        # JSON data blocks (never executed) and the site's own scripts, deferred: the page reads without them
        for script in root.xpath("//script"):
            if script.get("src"):
                assert script.get("defer") is not None and not (script.text or "").strip(), path
                assert script.get("src").rpartition("static/")[2] in ("edition.js", "search.js"), path
            else:
                assert script.get("type") in ("application/ld+json", "application/json"), path
        for url in root.xpath("//link/@href | //img/@src | //iframe/@src"):
            assert not url.startswith(("http:", "https:", "//", "/")), (path, url)
        for href in root.xpath("//a/@href"):
            assert not href.startswith("/"), (path, href)
            assert not href.lower().startswith("javascript:"), (path, href)


def test_landmarks_and_skip_link(sample_site):
    for path in sample_site.rglob("*.html"):
        root = parse_html(path)
        assert root.xpath("//a[@class='skip-link']/@href") == ["#main"], path
        assert len(root.xpath("//main[@id='main']")) == 1, path
        assert root.xpath("//header") and root.xpath("//footer") and root.xpath("//nav"), path
        assert len(root.xpath("//h1")) == 1, path
        assert root.get("lang") == "en"


def test_home_lists_documents_and_renders_the_rst_introduction(sample_site):
    home = parse_html(sample_site / "index.html")
    assert home.xpath("//ol[@class='document-list']/li/a/@href") == [DOC]
    assert home.xpath("//div[contains(@class, 'intro')]//p")
    method = parse_html(sample_site / "method.html")
    assert method.xpath("string(//h1)") == "Editorial method"
    assert len(method.xpath("//main//h2")) >= 4
