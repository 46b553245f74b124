"""Invariants of the TEI → HTML translation, over generated documents."""

from __future__ import annotations

import lxml.html
from hypothesis import given, settings, strategies as st
from lxml import etree

from edition.html import Translator
from edition.model import Entity
from edition.tei import TEI_NS
from test_text_conservation import page_text, tei_text

ENTITIES = {"person:reagan": Entity("reagan", "person", "Ronald Reagan", "Reagan, Ronald")}
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("<>&\"' \n"),
               max_size=12)
INLINE = ["hi", "foreign", "persName", "seg", "del", "term", "unknownThing"]


@st.composite
def fragment(draw, depth=0):
    """A TEI element with mixed content: text, nested inline elements, pb, lb and notes."""
    name = draw(st.sampled_from(INLINE))
    el = etree.Element(f"{{{TEI_NS}}}{name}")
    if name == "persName" and draw(st.booleans()):
        el.set("ref", "person:reagan")
    el.text = draw(TEXT)
    for _ in range(draw(st.integers(0, 3 if depth < 3 else 0))):
        kind = draw(st.sampled_from(["inline", "pb", "lb", "note"]))
        if kind == "inline":
            child = draw(fragment(depth + 1))
        else:
            child = etree.Element(f"{{{TEI_NS}}}{kind}")
            if kind == "pb":
                child.set("n", draw(st.sampled_from(["1", "2", "<3>"])))
            if kind == "note":
                child.text = draw(TEXT)
        child.tail = draw(TEXT)
        el.append(child)
    return el


@settings(max_examples=200, deadline=None)
@given(st.lists(fragment(), min_size=1, max_size=4), TEXT)
def test_paragraph_text_survives_and_markup_is_escaped(children, text):
    p = etree.Element(f"{{{TEI_NS}}}p", {"{http://www.w3.org/XML/1998/namespace}id": "p1"})
    p.text = text
    for child in children:
        p.append(child)
    t = Translator("doc", "doc.xml", ENTITIES)
    t.numbered = 1
    html = str(t.render(p))
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    # exactly one paragraph element came out: no markup from the text became elements
    assert len(root.xpath("//p")) == 1
    assert not root.xpath("//script | //*[@onerror] | //img")
    assert page_text(root).split() == tei_text(p).split()
    notes = p.findall(f".//{{{TEI_NS}}}note")
    assert [lxml.html.fragment_fromstring(str(n.html) or " ", create_parent="div").text_content().split()
            for n in t.notes] == [tei_text(n, skip_notes=False).split() for n in notes]
