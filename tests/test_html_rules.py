"""One row per TEI → HTML rule: (TEI fragment, expected HTML)."""

from __future__ import annotations

import pytest
from edition.html import Translator, safe_href
from edition.model import Entity
from edition.tei import TEI_NS, parse_bytes

ENTITIES = {
    "person:reagan": Entity("reagan", "person", "Ronald Reagan", "Reagan, Ronald"),
    "place:kremlin": Entity("kremlin", "place", "the Kremlin", "Kremlin"),
}


def render(fragment: str, numbered: bool = False) -> tuple[str, Translator]:
    el = parse_bytes(f'<wrap xmlns="{TEI_NS}">{fragment}</wrap>'.encode()).getroot()[0]
    t = Translator("doc", "doc.xml", ENTITIES)
    t.numbered = int(numbered)
    return str(t.render(el)), t


ROWS = [
    ("hi-italic", '<hi rend="italic">x</hi>', '<span class="hi r-i">x</span>'),
    ("foreign", '<foreign xml:lang="ru-Latn">da</foreign>', '<i class="foreign" lang="ru-Latn">da</i>'),
    ("title-plain", "<title>Pravda</title>", '<cite class="title">Pravda</cite>'),
    ("del-strike", '<del rend="strikethrough">SECRET</del>', '<del class="del r-s">SECRET</del>'),
    ("lb", "<lb/>", "<br>"),
    ("date-when", '<date when="1986">1986</date>', '<time class="date" datetime="1986">1986</time>'),
    ("date-bad", '<date when="spring">x</date>', '<span class="date">x</span>'),
    ("portion", '<seg type="portion">(S)</seg>', '<span class="portion">(S)</span>'),
    ("fw-block", '<fw type="stamp">F97-004/2#12</fw>',
     '<div class="fw fw-stamp" title="stamp (not part of the text)">F97-004/2#12</div>'),
    ("pb", '<pb n="2" xml:id="page-2"/>',
     '<span class="pb" id="page-2" data-page="2"><a href="#page-2" title="Page 2">[p. 2]</a></span>'),
    ("pb-inferred", '<pb n="3" type="inferred" xml:id="page-3"/>',
     '<span class="pb inferred" id="page-3" data-page="3"><a href="#page-3" '
     'title="Page 3 (number not printed in the source)">[p. 3?]</a></span>'),
    ("persName-ref", '<persName ref="person:reagan">The President</persName>',
     '<a class="mention person" href="../indexes/persons.html#reagan" title="Ronald Reagan" '
     'data-ref="person:reagan">The President</a>'),
    ("placeName-ref", '<placeName ref="place:kremlin">Kremlin</placeName>',
     '<a class="mention place" href="../indexes/places.html#kremlin" title="the Kremlin" '
     'data-ref="place:kremlin">Kremlin</a>'),
    ("ref-https", '<ref target="https://history.state.gov/">HSG</ref>',
     '<a class="ref" href="https://history.state.gov/">HSG</a>'),
    ("ref-javascript", '<ref target="javascript:alert(1)">x</ref>', '<span class="ref">x</span>'),
    ("ref-frus", '<ref target="frus1969-76v12#d150">doc 150</ref>',
     '<a class="ref" href="https://history.state.gov/historicaldocuments/frus1969-76v12/d150">doc 150</a>'),
    ("escape-text", "<hi>&lt;script&gt;alert(1)&lt;/script&gt;</hi>",
     '<span class="hi">&lt;script&gt;alert(1)&lt;/script&gt;</span>'),
    ("list-labels", "<list><label>SUBJECT:</label><item>Trade</item></list>",
     '<dl class="list"><dt>SUBJECT:</dt><dd>Trade</dd></dl>'),
    ("list-items", "<list><item>a</item><item>b</item></list>",
     '<div class="list"><ul><li>a</li><li>b</li></ul></div>'),
    ("p-plain", "<p>text</p>", '<p class="p">text</p>'),
    ("quote-block", "<quote>q</quote>", '<blockquote class="quote">q</blockquote>'),
    ("p-list-inside", '<p>a <list><item>b</item></list></p>',
     '<p class="p">a <span class="list block"><span class="item block">b</span></span></p>'),
    ("gap", '<gap reason="illegible"/>', '<span class="gap" title="illegible">[…]</span>'),
    ("comment-dropped", "<hi>a<!-- editor's comment -->b</hi>", '<span class="hi">ab</span>'),
]


@pytest.mark.parametrize("tei, expected", [(r[1], r[2]) for r in ROWS], ids=[r[0] for r in ROWS])
def test_rule(tei, expected):
    html, t = render(tei)
    assert html == expected
    assert not [d for d in t.diagnostics if d.code == "html.unknown-element"]


def test_numbered_paragraph_gets_permalink_and_classification():
    html, t = render('<p xml:id="p7" ana="#cls-S">Text. <seg type="portion">(S)</seg></p>', numbered=True)
    assert html == (
        '<p class="para ana-cls-S" id="p7" data-n="1"><a class="pnum" href="#p7" '
        'aria-label="Permalink to paragraph 1">¶1</a><a class="pcite" href="#cite-p7" '
        'aria-label="Cite paragraph 1 or report a correction">cite</a> Text. <span class="portion">(S)</span></p>')
    assert [(p.id, p.n, p.classification) for p in t.paragraphs] == [("p7", 1, "cls-S")]


def test_moved_anchor_lands_inside_its_new_paragraph():
    el = parse_bytes(f'<w xmlns="{TEI_NS}"><p xml:id="p7a">Text.</p></w>'.encode()).getroot()[0]
    t = Translator("doc", "doc.xml", ENTITIES, aliases={"p7a": ["p7"]})
    t.numbered = 1
    html = str(t.render(el))
    assert html.startswith('<p class="para" id="p7a" data-n="1"><span class="old-anchor" id="p7" '
                           'title="formerly cited as #p7"></span><a class="pnum"')


def test_footnote_links_both_ways_and_keeps_its_paragraph():
    html, t = render('<p xml:id="p1">word<note type="editorial" xml:id="n1">Explained.</note> more</p>',
                     numbered=True)
    assert '<a id="n1-ref" href="#n1" role="doc-noteref" aria-label="Note 1">1</a>' in html
    assert [(n.id, n.label, n.anchor, str(n.html)) for n in t.notes] == [("n1", "1", "p1", "Explained.")]


def test_mentions_are_recorded_with_their_paragraph():
    _, t = render('<p xml:id="p3"><persName ref="person:reagan">Reagan</persName> in the '
                  '<placeName ref="place:kremlin">Kremlin</placeName></p>', numbered=True)
    assert [(m.ref, m.anchor, m.label, m.text) for m in t.mentions] == [
        ("person:reagan", "p3", "¶1", "Reagan"), ("place:kremlin", "p3", "¶1", "Kremlin")]


def test_unknown_element_keeps_text_and_warns_with_line():
    html, t = render("<hi>a</hi>")
    el = parse_bytes(f'<wrap xmlns="{TEI_NS}">\n<unknownThing>kept text</unknownThing></wrap>'.encode()).getroot()[0]
    html = str(t.render(el))
    assert "kept text" in html
    [diag] = t.diagnostics
    assert str(diag) == ("doc.xml:2:0: warning: no rule for <unknownThing>; its content is rendered "
                         "as plain text [html.unknown-element]")


def test_unresolved_ref_keeps_text_and_warns():
    html, t = render('<persName ref="person:nobody">Someone</persName>')
    assert "Someone" in html and "<a" not in html
    assert [d.code for d in t.diagnostics] == ["ref.unresolved"]


def test_attribute_values_are_escaped():
    html, _ = render('<pb n="2&quot; onmouseover=&quot;alert(1)" xml:id="page-2"/>')
    assert 'data-page="2&#34; onmouseover=&#34;alert(1)"' in html
    assert 'onmouseover="' not in html


@pytest.mark.parametrize("target, expected", [
    ("https://example.org/a", "https://example.org/a"),
    ("mailto:editor@example.org", "mailto:editor@example.org"),
    ("#p1", "#p1"),
    ("javascript:alert(1)", None),
    (" JavaScript:alert(1)", None),
    ("data:text/html,<script>", None),
    ("vbscript:x", None),
    ("file:///etc/passwd", None),
])
def test_safe_href(target, expected):
    assert safe_href(target) == expected
