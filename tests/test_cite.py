"""Citations of the sample document, compared with hand-written expected strings."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from conftest import SAMPLE_ID, parse_html
from edition.cite import access_date

URL = f"https://example.org/moscow-1988/documents/{SAMPLE_ID}.html"
TITLE = "“President's Second One-on-One Meeting with General Secretary Gorbachev”"


@pytest.fixture(scope="module")
def page(sample_site):
    return parse_html(sample_site / "documents" / f"{SAMPLE_ID}.html")


def text(el) -> str:
    return " ".join(el.text_content().split())


def accessed(style: str) -> str:
    day = access_date()
    if style == "chicago":
        return f"{day.strftime('%B')} {day.day}, {day.year}"
    months = "Jan. Feb. Mar. Apr. May June July Aug. Sept. Oct. Nov. Dec.".split()
    return f"{day.day} {months[day.month - 1]} {day.year}"


def test_chicago_note_and_bibliography(page):
    [chicago, _] = page.xpath("//section[@id='cite']//div[@class='citation']")
    assert text(chicago.xpath(".//p[contains(@class, 'note-form')]")[0]) == (
        f"Note: National Security Council, {TITLE}, Memorandum of Conversation, in Memoranda of the Moscow "
        f"Summit, 1988, version 0.1.0, the edition project, May 31, 1988, SYSTEM II 90512, Ronald Reagan "
        f"Presidential Library, Simi Valley, California, accessed {accessed('chicago')}, {URL}.")
    assert text(chicago.xpath(".//p[contains(@class, 'bib-form')]")[0]) == (
        f"Bibliography: National Security Council. {TITLE}. Memorandum of Conversation. In Memoranda of the "
        f"Moscow Summit, 1988, version 0.1.0. The edition project, May 31, 1988. SYSTEM II 90512. Ronald "
        f"Reagan Presidential Library, Simi Valley, California. Accessed {accessed('chicago')}. {URL}.")
    assert chicago.xpath(".//i/text()") == ["Memoranda of the Moscow Summit, 1988"] * 2


def test_mla_works_cited_and_in_text(page):
    [_, mla] = page.xpath("//section[@id='cite']//div[@class='citation']")
    assert text(mla.xpath(".//p[contains(@class, 'bib-form')]")[0]) == (
        f"Works cited: National Security Council. {TITLE}. Memorandum of Conversation. Memoranda of the "
        f"Moscow Summit, 1988, Version 0.1.0, the edition project, 31 May 1988, Ronald Reagan Presidential "
        f"Library, Simi Valley, California, SYSTEM II 90512, {URL}. Accessed {accessed('mla')}.")
    assert text(mla.xpath(".//p[contains(@class, 'note-form')]")[0]) == (
        f"In-text: (National Security Council, {TITLE})")


def test_paragraph_pinpoint_and_correction_link(page):
    [entry] = page.xpath("//li[@id='cite-p12']")
    assert text(entry.xpath("span[@class='citation-text']")[0]) == (
        f"National Security Council, {TITLE}, Memorandum of Conversation, in Memoranda of the Moscow Summit, "
        f"1988, version 0.1.0, the edition project, May 31, 1988, para. 12, SYSTEM II 90512, Ronald Reagan "
        f"Presidential Library, Simi Valley, California, accessed {accessed('chicago')}, {URL}#p12.")
    [href] = entry.xpath("a[@class='correction']/@href")
    address, _, query = href.partition("?")
    fields = parse_qs(query)
    assert address == "mailto:corrections@example.org"
    assert fields["subject"] == [f"Correction: {SAMPLE_ID} ¶12 (#p12), release 0.1.0"]
    assert f"{URL}#p12" in fields["body"][0]
    assert len(page.xpath("//ol[@class='paragraph-citations']/li")) == 49


def test_bibtex_and_csl_json_downloads(sample_site):
    bib = (sample_site / "documents" / f"{SAMPLE_ID}.bib").read_text(encoding="utf-8")
    assert bib.startswith(f"@misc{{{SAMPLE_ID},\n")
    assert "  title = {{President's Second One-on-One Meeting with General Secretary Gorbachev}},\n" in bib
    assert "  author = {{National Security Council}},\n" in bib
    assert f"  url = {{{URL}}},\n" in bib and "  version = {0.1.0},\n" in bib
    [item] = json.loads((sample_site / "documents" / f"{SAMPLE_ID}.csl.json").read_text(encoding="utf-8"))
    assert item["type"] == "manuscript" and item["issued"] == {"date-parts": [[1988, 5, 31]]}
    assert item["archive_location"] == "SYSTEM II 90512" and item["version"] == "0.1.0"


def test_reference_manager_metadata(page):
    meta = {m.get("name"): m.get("content") for m in page.xpath("//meta[@name]")}
    assert meta["citation_title"] == "President's Second One-on-One Meeting with General Secretary Gorbachev"
    assert meta["citation_date"] == "1988/05/31"
    assert meta["citation_edition"] == "version 0.1.0"
    assert meta["citation_public_url"] == URL
    [coins] = page.xpath("//span[@class='Z3988']/@title")
    fields = parse_qs(coins)
    # Zotero's COinS reader maps book format + genre "document" to its "document" item type
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:book"] and fields["rft.genre"] == ["document"]
    assert fields["rft.date"] == ["1988-05-31"] and fields["rft_id"] == [URL]
    [ld] = page.xpath("//script[@type='application/ld+json']/text()")
    data = json.loads(ld)
    assert data["@type"] == "ArchiveComponent" and data["isPartOf"]["version"] == "0.1.0"
