"""A search index cut into bundles, merged in the browser: hits, filters and counts across all of them.

A small site made here: eight documents spread by :func:`edition.search.shard_of` over four bundles
(two each), indexed by the real Pagefind, the search page rendered from the project's templates with
``bundles``, served over http and searched in headless Chromium (the browser of test_browser.py).
"""

from __future__ import annotations


import lxml.html
import pytest

from conftest import ROOT
from edition import search
from edition.config import load_config
from edition.model import Edition
from edition.search import Record
from edition.site import SiteWriter

COUNT = 4
PER_BUNDLE = 2  # documents
WANTED = "Gorbachev"  # the person of the first paragraph of the first document of each bundle


def shard_documents() -> dict[int, list[str]]:
    """The first ids ``memo-N`` that give every bundle :data:`PER_BUNDLE` documents."""
    shards: dict[int, list[str]] = {i: [] for i in range(COUNT)}
    n = 0
    while any(len(ids) < PER_BUNDLE for ids in shards.values()):
        ident, n = f"memo-{n}", n + 1
        if len(shards[search.shard_of(ident, COUNT)]) < PER_BUNDLE:
            shards[search.shard_of(ident, COUNT)].append(ident)
    return shards


SHARDS = shard_documents()
EVERY = [ident for ids in SHARDS.values() for ident in ids]
FIRSTS = [ids[0] for ids in SHARDS.values()]  # the documents whose ¶1 names the person


def records(ident: str, first: bool) -> list[Record]:
    """Two paragraphs: the treaty (with the person when *first*) and the grain."""
    year = str(1980 + int(ident.split("-")[1]))
    meta = {"title": f"{ident}, ¶1"}
    filters = {"year": [year], **({"person": [WANTED]} if first else {"person": ["Shultz"]})}
    return [Record(f"documents/{ident}.html#p1", f"The treaty was discussed in {ident}.", meta, filters),
            Record(f"documents/{ident}.html#p2", "Grain exports.", {"title": f"{ident}, ¶2"}, {"year": [year]})]


def document_page(ident: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><title>{ident}</title><main><p id="p1">The treaty was discussed in '
            f'{ident}.</p><p id="p2">Grain exports.</p></main></html>').encode("utf-8")


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT)


@pytest.fixture(scope="module")
def site(tmp_path_factory, config):
    """The static files, the search page with four bundles, the documents and their index."""
    staging = tmp_path_factory.mktemp("shards") / "site"
    writer = SiteWriter(config, Edition(config.title), staging)
    writer.copy_static()
    writer.page("search.html", "search.html", bundles=search.bundle_folders(COUNT))
    writer.page("search-nothing.html", "search.html", bundles=[])  # an edition without records
    for i, ids in SHARDS.items():
        for ident in ids:
            writer.write(f"documents/{ident}.html", document_page(ident))
        shard = [record for n, ident in enumerate(ids) for record in records(ident, n == 0)]
        assert search.index_records(staging, shard, config, search.shard_folder(i, COUNT))["records"] == 4
    return staging


@pytest.fixture(scope="module")
def base_url(site):
    from edition.serve import SiteServer

    with SiteServer(site) as server:
        yield server.url


def hits(page) -> list[str]:
    """The hrefs of the results, once the search has ended (the status says how many were found)."""
    page.wait_for_function("/found/.test(document.getElementById('search-status').textContent)", timeout=10_000)
    return page.eval_on_selector_all("#search-results a.search-hit", "links => links.map(a => a.getAttribute('href'))")


def urls(base_url: str, idents: list[str], anchor: str = "p1") -> list[str]:
    return sorted(f"{base_url}documents/{ident}.html#{anchor}" for ident in idents)


def bundle_of(href: str) -> int:
    return search.shard_of(href.rpartition("/")[2].partition(".html")[0], COUNT)


def test_the_page_lists_its_bundles_and_defaults_to_the_single_one(site, config):
    form = lxml.html.parse(str(site / "search.html")).getroot().get_element_by_id("search-form")
    assert form.get("data-bundles").split() == [f"search/4/{i}/" for i in range(COUNT)]
    html = SiteWriter(config, Edition(config.title), site).env.get_template("search.html").render(
        config=config, edition=Edition(config.title), root="../", url="x/search.html")
    assert lxml.html.fromstring(html).get_element_by_id("search-form").get("data-bundles") == "../pagefind/"


def test_a_query_finds_the_paragraphs_of_every_bundle(page, base_url):
    page.goto(base_url + "search.html?q=treaty")
    found = hits(page)
    assert sorted(found) == urls(base_url, EVERY)
    assert {bundle_of(href) for href in found} == set(range(COUNT))
    assert page.inner_text("#search-status") == "8 paragraphs found for “treaty”."


def test_a_filter_counts_and_narrows_across_bundles(page, base_url):
    page.goto(base_url + "search.html?q=treaty")
    assert len(hits(page)) == len(EVERY)
    person = page.locator("#filter-person option", has_text=WANTED)
    assert person.inner_text() == f"{WANTED} ({COUNT})", "one paragraph in each bundle"
    page.select_option("#filter-person", WANTED)
    found = hits(page)
    assert sorted(found) == urls(base_url, FIRSTS)
    assert "person=Gorbachev" in page.url and page.inner_text("#search-status").startswith("4 paragraphs found")


def test_a_filter_alone_from_the_address_covers_every_bundle(page, base_url):
    page.goto(base_url + f"search.html?person={WANTED}")
    assert [bundle_of(href) for href in sorted(hits(page), key=bundle_of)] == list(range(COUNT))
    assert page.input_value("#filter-person") == WANTED


def test_each_hit_leads_to_its_paragraph(page, base_url):
    page.goto(base_url + "search.html?q=grain")
    assert sorted(hits(page)) == urls(base_url, EVERY, "p2")
    last = page.locator("#search-results a.search-hit").last
    target = last.get_attribute("href")
    last.click()
    page.wait_for_url(target)
    assert page.eval_on_selector(":target", "p => p.id + ' ' + p.textContent") == "p2 Grain exports."


def test_a_sharded_page_opened_from_a_file_says_plainly_that_it_cannot_search(page, site):
    page.goto((site / "search.html").as_uri() + "?q=treaty")
    page.locator("#search-message").wait_for(state="visible")
    assert "file://" in page.inner_text("#search-message")
    assert page.inner_text("#search-status") == "Search is not available."


def test_a_page_without_bundles_says_there_is_nothing_to_search(page, base_url):
    page.goto(base_url + "search-nothing.html?q=treaty")
    page.locator("#search-message").wait_for(state="visible")
    assert "nothing to search" in page.inner_text("#search-message")
    assert page.inner_text("#search-status") == "Search is not available."
