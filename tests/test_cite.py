"""Citations of the sample document, compared with hand-written expected strings."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
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


# -- templates: what citeproc itself gives --------------------------------------------------------

FRUS_VOLUME = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "frus-volumes" / "frus1936v03.xml"
FRUS = {"container": "Foreign Relations of the United States Diplomatic Papers, 1936, The Near East and Africa, "
                     "Volume III", "genre": "Document", "archive_location": "765.84/4513; [Translation]",
        "path": "documents/frus1936v03/d226.html"}
# pairs of documents of one shape: the first makes the template, the second is filled in from it
TWINS = {
    "plain": ({}, {"title": "Another Talk", "date": "1987-01-09"}),
    "month-kinds": ({"date": "1988-09-17"}, {"date": "1986-06-03"}),
    "same-month-as-accessed": ({"date": f"1985-{access_date().month:02d}-0{access_date().month % 9 + 1}"},
                               {"date": "1990-02-28"}),
    "year-and-month": ({"date": "1988-05"}, {"date": "1979-12"}),
    "year": ({"date": "1988"}, {"date": "2001"}),
    "no-date": ({"date": ""}, {"date": "", "title": "Undated"}),
    "no-author": ({"author": ""}, {"author": "", "date": "1984-07-04"}),
    "parenthesis": ({"title": "Memo (draft)"}, {"title": "Letter from the Minister (Engert)"}),
    "final-period": ({"title": "The talk ends."}, {"title": "Notes, etc.", "date": "1983-03-03"}),
    "question": ({"title": "What now?"}, {"title": "Why then?", "date": "1982-11-11"}),
    "quotes": ({"title": "“Quoted” title"}, {"title": "“Other” words"}),
    "markup-characters": ({"title": "Q&A: <one> 'two' \"three\""}, {"title": "R & D's <b>"}),
    "stop-words": ({"title": "the talk with a man"}, {"title": "of mice and men"}),
    "capitals": ({"title": "SECRET MEMO ON ARMS"}, {"title": "NSC MEETING"}),
    "mixed-case-first-word": ({"title": "iPhone talks"}, {"title": "eBay and the mRNA memo"}),
    "non-ascii": ({"title": "Été à Genève — Ünïcode"}, {"title": "Ostpolitik: Gespräche"}),
    "author-period": ({"author": "Dept. of State, Washington, D.C."}, {"author": "H. Kissinger, Jr."}),
    "frus-volume": (FRUS, dict(FRUS, title="The Chargé in Italy (Kirk) to the Secretary of State", date="1936-05-05",
                               author="Kirk", archive_location="765.84/4269: Telegram")),
}


@pytest.fixture(scope="module")
def sample_doc():
    from edition.authority import load_authorities
    from edition.build import read_documents
    from edition.config import load_config
    from edition.errors import Reporter

    config = load_config(Path(__file__).resolve().parent.parent)
    reporter = Reporter(root=config.root)
    return config, read_documents(config, load_authorities(config.authority_dir, reporter), reporter)[0]


def citeproc_citation(doc, config) -> tuple:
    """The styles and pinpoints of *doc* as citeproc renders them, without templates."""
    from edition.cite import _ANCHOR, _PARA, STYLES, _render, absolute_url, csl_item

    item = csl_item(doc, config, access_date())
    styles = tuple(tuple(s.strip() for s in _render(item, name, None)) for _, name in STYLES.values())
    pinned = dict(item, URL=absolute_url(config, f"{doc.url}#{_ANCHOR}"))
    note = _render(pinned, STYLES["chicago"][1], _PARA)[0].strip()
    pins = {p.id: note.replace(_PARA, str(p.n)).replace(_ANCHOR, p.id) for p in doc.paragraphs}
    return styles, pins


def templated_citation(doc, config) -> tuple:
    from edition.cite import cite_document

    citation = cite_document(doc, config)
    return tuple((str(note), str(entry)) for _, note, entry in citation.styles), \
        {k: str(v) for k, v in citation.pinpoints.items()}


@pytest.mark.parametrize("twins", TWINS.values(), ids=TWINS.keys())
def test_templates_give_what_citeproc_gives(sample_doc, twins, monkeypatch):
    from edition import cite_templates

    config, doc = sample_doc
    monkeypatch.setattr(cite_templates, "_TEMPLATES", {})
    first, second = (dataclasses.replace(doc, id=f"{doc.id}-{n}", **change) for n, change in enumerate(twins))
    assert templated_citation(first, config) == citeproc_citation(first, config)
    expected = citeproc_citation(second, config)
    monkeypatch.setattr(cite_templates, "render", lambda *args: pytest.fail(f"rendered {args[1:]}, not filled in"))
    assert templated_citation(second, config) == expected


def test_templates_made_in_one_process_are_used_by_the_next(sample_doc, monkeypatch, tmp_path):
    from edition import cite_templates
    from edition.cache import Cache

    config, doc = sample_doc
    monkeypatch.setattr(cite_templates, "_TEMPLATES", {})
    monkeypatch.setattr(cite_templates, "_KEPT", [])
    cite_templates.remember_in(Cache(tmp_path))
    made = templated_citation(doc, config)
    monkeypatch.setattr(cite_templates, "_TEMPLATES", {})  # as in a new process
    monkeypatch.setattr(cite_templates, "render", lambda *args: pytest.fail(f"rendered {args[1:]}, not filled in"))
    cite_templates.remember_in(Cache(tmp_path))
    assert templated_citation(doc, config) == made


@pytest.mark.skipif(not FRUS_VOLUME.is_file(), reason="the FRUS volumes are not beside the checkout")
def test_templates_give_what_citeproc_gives_for_a_frus_volume(sample_doc, monkeypatch):
    from edition import cite_templates
    from edition.errors import Reporter
    from edition.readers import read_source

    config, _ = sample_doc
    monkeypatch.setattr(cite_templates, "_TEMPLATES", {})
    documents = read_source(FRUS_VOLUME, {}, Reporter(root=config.root).display(FRUS_VOLUME)).documents
    assert documents[0].volume is not None
    for doc in documents[:: len(documents) // 12]:
        assert templated_citation(doc, config) == citeproc_citation(doc, config), doc.id


def test_correction_links_are_made_per_paragraph(sample_doc):
    from edition.cite import _corrections, correction_url

    config, doc = sample_doc
    odd = dataclasses.replace(doc, title="Q&A? ¶ 100% “sure”")
    for c in (config, dataclasses.replace(config, corrections="https://example.org/new?doc={document}&p={paragraph}")):
        assert _corrections(c, odd) == {p.id: correction_url(c, odd, p.id, p.n) for p in odd.paragraphs}
