"""No text lost: transcript → TEI → page, word for word and in order; FRUS documents too."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import CORPUS, SAMPLE_ID, SAMPLE_TEI, TRANSCRIPT, parse_html
from edition.reader import read_document
from edition.tei import NS, TEI_NS, load_tei, parse_file

# Text the site adds around the source's text: permalinks, note numbers, page markers.
GENERATED = "contains(concat(' ', @class, ' '), ' {} ')"
GENERATED_CLASSES = ("pnum", "pcite", "note-ref", "pb", "note-back")


def transcript_blocks() -> list[str]:
    """The transcript's blank-line separated blocks, markdown escapes resolved."""
    text = TRANSCRIPT.read_text(encoding="utf-8").replace("~~", "").replace("\\$", "$")
    return [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]


def tei_text(el, skip_notes: bool = True) -> str:
    """Text of *el* in document order, without notes (they are the editor's, not the source's)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and not (skip_notes and etree.QName(child).localname == "note"):
            parts.append(tei_text(child, skip_notes))
        parts.append(child.tail or "")
    return "".join(parts)


def page_text(el) -> str:
    """Text of an HTML element without what the site generates."""
    for cls in GENERATED_CLASSES:
        for node in el.xpath(f".//*[{GENERATED.format(cls)}]"):
            node.drop_tree()
    return el.text_content()


def words(text: str) -> list[str]:
    return text.split()


def assert_in_order(needles: list[str], haystack: list[str]) -> None:
    """Every block of *needles* occurs in *haystack*, each after the previous one."""
    hay = " " + " ".join(haystack) + " "
    position = 0
    for block in needles:
        found = hay.find(" " + block + " ", position)
        assert found >= 0, f"lost or out of order: {block[:80]!r}"
        position = found + len(block)


def test_transcript_equals_tei_text_exactly():
    text_el = parse_file(SAMPLE_TEI).getroot().find("tei:text", NS)
    assert words(tei_text(text_el)) == words(" ".join(transcript_blocks()))


def test_every_transcript_block_reaches_the_page_in_order(sample_site):
    page = parse_html(sample_site / "documents" / f"{SAMPLE_ID}.html")
    [transcription] = page.xpath("//section[contains(@class, 'transcription')]")
    [reading_note] = transcription.xpath(".//p[@class='reading-note']")
    reading_note.drop_tree()
    transcription.xpath(".//h2")[0].drop_tree()
    assert words(page_text(transcription)) == words(" ".join(transcript_blocks()))


def test_editorial_notes_reach_the_page(sample_site):
    tree = parse_file(SAMPLE_TEI)
    page = parse_html(sample_site / "documents" / f"{SAMPLE_ID}.html")
    notes = tree.getroot().findall(".//tei:text//tei:note", NS)
    assert len(notes) >= 10
    for note in notes:
        [li] = page.xpath(f"//li[@id='{note.get('{http://www.w3.org/XML/1998/namespace}id')}']")
        assert words(page_text(li.xpath(".//div[@class='note-body']")[0])) == words(tei_text(note, False))


FRUS_DOCS = sorted((CORPUS / "frus").glob("*.xml"))


@pytest.mark.parametrize("path", FRUS_DOCS, ids=[p.stem for p in FRUS_DOCS])
def test_frus_document_renders_without_losing_text(path: Path):
    tree = load_tei(path)
    doc, diagnostics = read_document(tree, path, {})
    body = tree.getroot().find("tei:text/tei:body", NS)
    html = lxml.html.fragment_fromstring(str(doc.body), create_parent="div")
    assert words(page_text(html)) == words(tei_text(body))
    note_html = " ".join(str(n.html) for n in doc.notes)
    note_words = words(page_text(lxml.html.fragment_fromstring(note_html, create_parent="div")))
    expected = [w for n in body.iter(f"{{{TEI_NS}}}note") for w in words(tei_text(n, False))]
    assert note_words == expected
    # their pointers into the (absent) volume front matter are reported, located
    unresolved = [d for d in diagnostics if d.code == "ref.unresolved"]
    assert unresolved and all(d.line > 0 for d in unresolved)
    assert not [d for d in diagnostics if d.code == "html.unknown-element"]
