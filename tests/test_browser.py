"""What only a browser shows: the sample site in headless Chromium over http, with and without JavaScript.

One browser for the run (Debian's /usr/bin/chromium, driven by Playwright); the site is served from a
thread on 127.0.0.1.  The document page's screenshot is saved to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE_ID, SAMPLE_TEI
from edition.tei import NS, XML_ID, parse_file

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DOC = f"documents/{SAMPLE_ID}.html"
MARK = "rgb(255, 243, 176)"  # --mark in edition.css: the :target highlight
PAGE_TYPES = {
    "home": "index.html",
    "document": DOC,
    "persons": "indexes/persons.html",
    "entry": "indexes/persons/gorbachev.html",
    "places": "indexes/places.html",
    "orgs": "indexes/orgs.html",
    "terms": "indexes/terms.html",
    "works": "indexes/works.html",
    "indexes": "indexes/index.html",
    "search": "search.html?q=Gorbachev",
    "prose": "method.html",
    "participants": "participants.html",
}


@pytest.fixture(scope="session")
def base_url(sample_site):
    from edition.serve import SiteServer

    with SiteServer(sample_site) as server:
        yield server.url


def background(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def first_paragraph_with(text: str) -> str:
    """The xml:id of the first body paragraph whose own text (notes aside) contains *text*."""
    for p in parse_file(SAMPLE_TEI).getroot().iterfind("tei:text/tei:body//tei:p[@xml:id]", NS):
        own = "".join(t for t in p.xpath(".//text()[not(ancestor::tei:note)]", namespaces=NS))
        if text in own:
            return p.get(XML_ID)
    raise AssertionError(f"no paragraph contains {text!r}")


def test_footnote_opens_in_place_and_leads_to_the_notes_and_back(page, base_url):
    page.goto(base_url + DOC)
    ref = page.locator("a#n3-ref")
    ref.click()
    popover = page.locator("#edition-popover")
    assert popover.is_visible() and "Originating Agency" in popover.inner_text()
    assert ref.get_attribute("aria-expanded") == "true"
    popover.get_by_role("link", name="Note 3 among the notes").click()
    page.wait_for_url("**#n3")
    assert background(page, "li#n3") == MARK
    page.locator("li#n3 a.note-back").click()
    page.wait_for_url("**#n3-ref")
    assert page.locator("a#n3-ref").is_visible()


def test_without_javascript_footnotes_are_plain_links_both_ways(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + DOC)
        page.locator("a#n3-ref").click()
        page.wait_for_url("**#n3")
        page.locator("li#n3 a.note-back").click()
        page.wait_for_url("**#n3-ref")
        assert page.locator(".reader-tools").is_hidden()
        assert page.locator("#entity-data").count() == 1 and page.locator("#edition-popover").count() == 0
    finally:
        context.close()


def test_search_finds_harley_davidson_and_the_first_hit_lands_on_its_paragraph(page, base_url):
    expected = first_paragraph_with("Harley-Davidson")
    page.goto(base_url + "search.html?q=Harley-Davidson")
    hit = page.locator("#search-results a.search-hit").first
    hit.wait_for()
    assert "paragraphs found" in page.inner_text("#search-status")
    assert hit.get_attribute("href").endswith(f"{DOC}#{expected}")
    hit.click()
    page.wait_for_url(f"**/{DOC}#{expected}")
    assert background(page, f"p#{expected}") == MARK
    assert "Harley-Davidson" in page.inner_text(f"p#{expected}")


def test_search_filters_narrow_the_results(page, base_url):
    page.goto(base_url + "search.html?q=motorcycles")
    page.locator("#search-results li").first.wait_for()
    everything = page.locator("#search-results li").count()
    page.select_option("#filter-classification", "Unclassified")
    page.wait_for_function(f"document.querySelectorAll('#search-results li').length < {everything}")
    assert "classification=Unclassified" in page.url


def test_search_page_opened_from_a_file_says_plainly_that_it_cannot_search(page, sample_site):
    page.goto((sample_site / "search.html").as_uri() + "?q=Gorbachev")
    message = page.locator("#search-message")
    message.wait_for(state="visible")
    assert "file://" in message.inner_text() and "http" in message.inner_text()
    assert page.inner_text("#search-status") == "Search is not available."


def test_index_locator_lands_on_a_highlighted_paragraph(page, base_url):
    page.goto(base_url + "indexes/persons.html")
    page.locator("dt#gorbachev a").click()
    page.wait_for_url("**/indexes/persons/gorbachev.html")
    locator = page.locator("ol.locators a[href*='#p']").first
    anchor = locator.get_attribute("href").rpartition("#")[2]
    locator.click()
    page.wait_for_url(f"**#{anchor}")
    assert background(page, f"p#{anchor}") == MARK
    assert page.get_attribute(f"p#{anchor}", "aria-current") == "location"
    assert page.evaluate("document.activeElement.id") == anchor


def test_entity_popup_works_with_the_keyboard_alone(page, base_url):
    page.goto(base_url + DOC)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    mention = page.locator(".doc-body a.mention[data-ref='person:gorbachev']").first
    mention.focus()
    page.keyboard.press("Enter")
    popover = page.locator("#edition-popover")
    assert popover.is_visible()
    assert page.evaluate("document.activeElement.id") == "edition-popover"
    assert mention.get_attribute("aria-expanded") == "true"
    assert mention.get_attribute("aria-controls") == "edition-popover"
    assert "General Secretary" in popover.inner_text() and "Mikhail Gorbachev" in popover.inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith("persons.html#gorbachev")
    page.keyboard.press("Escape")
    assert popover.is_hidden()
    assert mention.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.getAttribute('data-ref')") == "person:gorbachev"
    page.keyboard.press(" ")
    assert popover.is_visible()
    page.keyboard.press("Escape")
    assert popover.is_hidden()


def test_display_toggles_hide_and_remember(page, base_url):
    page.goto(base_url + DOC)
    assert page.locator(".reader-tools").is_visible()
    assert page.locator("p#p5 .pnum").is_visible() and page.locator("p#p5 .portion").is_visible()
    page.get_by_label("paragraph numbers").uncheck()
    page.get_by_label("portion markings").uncheck()
    assert page.locator("p#p5 .pnum").is_hidden() and page.locator("p#p5 .portion").is_hidden()
    page.reload()
    assert page.locator("p#p5 .pnum").is_hidden() and not page.get_by_label("paragraph numbers").is_checked()
    page.get_by_label("page breaks").uncheck()
    assert page.locator("#page-2").is_hidden()
    page.emulate_media(media="print")
    assert page.locator("p#p5 .pnum").is_visible(), "paragraph numbers always print"
    assert page.locator(".reader-tools").is_hidden()


def test_copy_button_puts_the_citation_on_the_clipboard(page, base_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page.goto(base_url + DOC)
    first = page.locator(".cite .citation").first
    first.locator("button.copy-citation").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = first.locator(".citation-text").first.inner_text().split(":", 1)[1].strip()
    assert " ".join(copied.split()) == " ".join(expected.split())
    assert "copied" in page.inner_text(".cite [role=status]")


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_axe_violations(page, base_url, kind):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(base_url + PAGE_TYPES[kind])
    if kind == "search":
        page.locator("#search-results li").first.wait_for()
    if kind == "document":  # with a pop-up open too
        page.locator("a#n3-ref").click()
    results = Axe().run(page)
    violations = [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
                  for v in results.response["violations"]]
    assert violations == []


def test_document_page_screenshot(page, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base_url + DOC + "#p23")
    page.locator("a.mention[data-ref='org:harley-davidson']").first.click()
    path = ARTIFACTS / "document.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
