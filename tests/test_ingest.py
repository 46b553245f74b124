"""``edition import``: the sample transcript against the hand encoding, other layouts, bad input, safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLE_TEI, TRANSCRIPT, copy_edition
from edition import ingest_layout, xmledit
from edition.cli import main
from edition.config import load_config
from edition.errors import EditionError, SourceError, UsageError
from edition.ingest import import_transcript
from edition.tei import NS, XML_ID, normalize_space, parse_bytes, parse_file
from edition.validate import validate

TRANSCRIPTS = Path(__file__).parent / "transcripts"


@pytest.fixture
def edition(tmp_path):
    """A copy of the sample edition to import into."""
    return load_config(copy_edition(ROOT, tmp_path / "edition"))


def run_import(config, transcript, **kwargs):
    result = import_transcript(config, transcript, **kwargs)
    return result, parse_file(result.path).getroot()


def errors(config) -> list[str]:
    return [str(d) for d in validate(config).sorted() if d.severity == "error"]


def code_of(exc: EditionError) -> str:
    return exc.diagnostics[0].code


# ----- what a TEI document says, for comparison -----

def paragraphs(root) -> list[str]:
    """Each body paragraph's text without notes (the text of added tags included)."""
    return [normalize_space("".join(p.xpath(".//text()[not(ancestor::tei:note)]", namespaces=NS)))
            for p in root.iterfind(".//tei:body//tei:p", NS)]


def anas(root) -> list[str]:
    return [p.get("ana") for p in root.iterfind(".//tei:body//tei:p", NS)]


def page_breaks(root) -> list[tuple[str, str]]:
    """(page number, where): ``in:p4`` inside a paragraph, ``after:p12`` between paragraphs."""
    found = []
    for pb in root.iterfind(".//tei:body//tei:pb", NS):
        inside = pb.xpath("ancestor::tei:p[1]/@xml:id", namespaces=NS)
        before = pb.xpath("preceding::tei:p[1]/@xml:id", namespaces=NS)
        found.append((pb.get("n"), f"in:{inside[0]}" if inside else f"after:{before[0] if before else '-'}"))
    return found


def participants(root) -> list[tuple[str, str, str]]:
    return [(person.getparent().get("n") or "", normalize_space(person.findtext("tei:persName", "", NS)),
             person.get("role")) for person in root.iterfind(".//tei:particDesc//tei:person", NS)]


def creation(root) -> tuple:
    date = root.find(".//tei:profileDesc/tei:creation/tei:date", NS)
    return date.get("when"), date.get("from"), date.get("to")


def header_value(root, xpath: str) -> str:
    return normalize_space(root.xpath(f"string({xpath})", namespaces=NS))


HEADER_VALUES = {
    "system": "//tei:msIdentifier/tei:idno[@type='system']",
    "foia": "//tei:msIdentifier/tei:altIdentifier[@type='foia']/tei:idno",
    "declassified": "//tei:recordHist/tei:change[@type='declassified']/@when",
    "declassify-on": "//tei:note[@type='declassify-on']",
    "classification": "//tei:adminInfo/tei:note[@type='classification']",
}


# ----- the sample against the hand encoding -----

@pytest.fixture
def sample(edition):
    result, root = run_import(edition, TRANSCRIPT)
    return edition, result, root, parse_file(SAMPLE_TEI).getroot()


def test_sample_paragraphs_match_hand_encoding(sample):
    _, _, mine, hand = sample
    assert len(paragraphs(hand)) == 49
    assert paragraphs(mine) == paragraphs(hand)
    assert [p.get(XML_ID) for p in mine.iterfind(".//tei:body//tei:p", NS)] == [f"p{n}" for n in range(1, 50)]


def test_sample_markings_and_pages_match(sample):
    _, result, mine, hand = sample
    assert anas(mine) == anas(hand)
    assert page_breaks(mine) == page_breaks(hand) == [("2", "in:p4"), ("3", "after:p12"), ("4", "in:p42"),
                                                      ("5", "in:p48")]
    assert result.report.pages == 5


def test_sample_fw_order_at_page_two(sample):
    _, _, mine, hand = sample

    def around(root):
        p4 = root.find(".//tei:p[@xml:id='p4']", NS)
        return [(el.tag.rsplit("}")[1], el.get("type"), normalize_space("".join(el.itertext())))
                for el in p4 if el.tag.endswith(("fw", "pb"))]

    assert around(mine) == around(hand)


def test_sample_header_matches(sample):
    _, _, mine, hand = sample
    assert participants(mine) == participants(hand)
    assert creation(mine) == creation(hand) == ("1988-05-31", "1988-05-31T10:08:00+04:00", "1988-05-31T11:07:00+04:00")
    for name, xpath in HEADER_VALUES.items():
        assert header_value(mine, xpath) == header_value(hand, xpath), name
    assert header_value(mine, "//tei:title[@type='main']") == header_value(hand, "//tei:title[@type='main']")


def test_sample_import_is_valid_and_adds_nobody(sample):
    config, result, _, _ = sample
    assert result.doc_id == "memcon-1988-05-31-b"  # the hand encoding has the plain id
    assert result.new_persons == []
    assert errors(config) == []


def test_sample_report_names_lines(sample):
    _, result, _, _ = sample
    report = result.report
    assert "line 63: page number 2 inside p4 (continued across the break)" in report.recognised
    assert any(line.startswith("line 19: 'The President' → person:reagan") for line in report.inferred)
    assert "line 55: number '201' is not the page number; kept as a stamp" in report.todo


# ----- other layouts -----

EXPECTED = {
    "confidential-state-1990-03-02.txt": dict(
        id="memcon-1990-03-02", paragraphs=7, classification="CONFIDENTIAL",
        anas=["#cls-U", "#cls-C", "#cls-C", "#cls-C", "#cls-U", "#cls-C", "#cls-C"],
        pages=[("2", "in:p3")],
        participants=[("", "Foreign Minister Lenka Vořechová", "principal"), ("", "Ambassador Tomas Brandl", "participant"),
                      ("", "Mr. Piet Oostveen", "interpreter"), ("", "The Secretary", "principal"),
                      ("", "Assistant Secretary Harold Quayne", "participant"), ("", "Margaret Ellery", "notetaker")],
        creation=("1990-03-02", "1990-03-02T15:00:00", "1990-03-02T16:15:00"),
        header={"foia": "NLS F98-112/1 #7", "declassified": "2004-06-04", "system": ""}),
    "topsecret-nsc.txt": dict(
        id="memcon-1987-02-14", paragraphs=5, classification="TOP SECRET",
        anas=["#cls-U", "#cls-SNF", "#cls-S", "#cls-TS", "#cls-TS"],
        pages=[("2", "in:p3")],
        participants=[("US", "The President", "principal"), ("US", "Richard H. Calloway", "participant"),
                      ("US", "Susan Marlowe", "notetaker"), ("Veldoria", "President Émile Dravoš", "principal"),
                      ("Veldoria", "Foreign Minister Józef Ąbelski", "participant"),
                      ("Veldoria", "Anneliese Kühn", "interpreter")],
        creation=("1987-02-14", "1987-02-14T14:30:00-05:00", "1987-02-14T15:45:00-05:00"),
        header={"system": "SYSTEM III 91204", "foia": ""}),
    "hardwrap-stamps.txt": dict(
        id="memcon-1984-06-09", paragraphs=4, classification="SECRET",
        anas=["#cls-U", "#cls-S", "#cls-S", "#cls-S"],
        pages=[("2", "in:p2")],
        participants=[("U.S. Side", "The Vice President", "principal"),
                      ("U.S. Side", "Thomas Ketteridge", "participant"),
                      ("Nordmark Side", "Chancellor Marit Solberg-Ytre", "principal"),
                      ("Nordmark Side", "Ambassador Øystein Brække", "notetaker")],
        creation=("1984-06-09", "1984-06-09T12:30:00-04:00", "1984-06-09T14:00:00-04:00"),
        header={"foia": "NLR-748-25-4-1", "declassified": "2008-03-12", "declassify-on": "OADR"}),
    "no-heading-1979-11-04.txt": dict(
        id="memcon-1979-11-04", paragraphs=2, classification="CONFIDENTIAL", anas=["#cls-C", "#cls-U"], pages=[],
        participants=[], creation=("1979-11-04", None, None), header={}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layouts(edition, name):
    expected = EXPECTED[name]
    result, root = run_import(edition, TRANSCRIPTS / name)
    assert result.doc_id == expected["id"]
    assert len(paragraphs(root)) == expected["paragraphs"]
    assert anas(root) == expected["anas"]
    assert page_breaks(root) == expected["pages"]
    assert participants(root) == expected["participants"]
    assert creation(root) == expected["creation"]
    assert header_value(root, HEADER_VALUES["classification"]) == expected["classification"]
    for key, value in expected["header"].items():
        assert header_value(root, HEADER_VALUES[key]) == value, key
    assert errors(edition) == []


def test_paragraph_continues_over_page_break_without_blank_line(edition):
    _, root = run_import(edition, TRANSCRIPTS / "topsecret-nsc.txt")
    assert paragraphs(root)[2].endswith("allow the government to TOP SECRET 2 buy fuel on the open market until "
                                        "the spring. (S)")


def test_stamps_inside_paragraph_are_footers_and_stamps(edition):
    _, root = run_import(edition, TRANSCRIPTS / "hardwrap-stamps.txt")
    p2 = root.find(".//tei:p[@xml:id='p2']", NS)
    kinds = [(el.tag.rsplit("}")[1], el.get("type")) for el in p2 if el.tag.endswith(("fw", "pb"))]
    assert kinds == [("fw", "footer"), ("fw", "footer"), ("fw", "stamp"), ("fw", "stamp"), ("fw", "stamp"),
                     ("pb", "inferred"), ("fw", "header")]


def test_closing_lines_and_no_heading_are_reported(edition):
    result, root = run_import(edition, TRANSCRIPTS / "no-heading-1979-11-04.txt")
    assert header_value(root, "//tei:title[@type='main']") == "Untitled memorandum"
    assert [d.code for d in result.diagnostics] == ["import.no-heading", "import.date-from-filename"]
    result, _ = run_import(edition, TRANSCRIPTS / "confidential-state-1990-03-02.txt")
    assert any("closing lines ('Drafted by: EUR/RUR:MEllery')" in line for line in result.report.todo)


# ----- bad input -----

@pytest.mark.parametrize("name, data, code, line", [
    ("empty.txt", b"", "import.empty", 1),
    ("blank.txt", b"  \n\n \n", "import.empty", 1),
    ("scan.txt", b"%PDF-1.4\n\x00\x01\x02binary", "import.binary", 2),
    ("latin1.txt", "SECRET\n\nThe Minister met Mr. Ødegård. (S)\n".encode("latin-1"), "import.encoding", 3),
    ("undated.txt", b"SECRET\n\nThe Minister said nothing of note. (S)\n", "import.no-date", 1),
])
def test_bad_input(edition, tmp_path, name, data, code, line):
    path = tmp_path / name
    path.write_bytes(data)
    before = sorted(edition.root.rglob("*"))
    with pytest.raises(EditionError) as info:
        import_transcript(edition, path)
    assert code_of(info.value) == code
    assert info.value.diagnostics[0].line == line
    assert sorted(edition.root.rglob("*")) == before


def test_bad_input_on_the_command_line(edition, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"SECRET\n\nCaf\xe9 talk. (S)\n")
    result = CliRunner().invoke(main, ["import", str(path), "--project", str(edition.root)])
    assert result.exit_code == 1
    assert f"{path}:3:4: error: byte 0xe9 is not UTF-8" in result.output
    assert "Traceback" not in result.output


def test_undated_import_with_date_option(edition, tmp_path):
    path = tmp_path / "undated.txt"
    path.write_bytes(b"SECRET\n\nThe Minister said nothing of note. (S)\n")
    result, root = run_import(edition, path, date="1983-04-01")
    assert result.doc_id == "memcon-1983-04-01" and creation(root)[0] == "1983-04-01"
    assert errors(edition) == []


def test_crlf_and_bom_import_like_the_plain_transcript(edition, tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "windows").mkdir()
    data = TRANSCRIPT.read_bytes()
    (tmp_path / "plain" / "memo.txt").write_bytes(data)
    (tmp_path / "windows" / "memo.txt").write_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"))
    plain, _ = run_import(edition, tmp_path / "plain" / "memo.txt", doc_id="plain")
    windows, _ = run_import(edition, tmp_path / "windows" / "memo.txt", doc_id="windows")
    assert plain.path.read_bytes().replace(b'"plain"', b'"windows"') == windows.path.read_bytes()
    assert [d.code for d in windows.diagnostics] == ["import.bom", "import.crlf"]


# ----- safety -----

def test_import_is_deterministic(edition):
    first, _ = run_import(edition, TRANSCRIPTS / "topsecret-nsc.txt")
    data = first.path.read_bytes()
    again, _ = run_import(edition, TRANSCRIPTS / "topsecret-nsc.txt", doc_id=first.doc_id, force=True)
    assert again.path == first.path and again.path.read_bytes() == data
    other, _ = run_import(edition, TRANSCRIPTS / "topsecret-nsc.txt", out=edition.root / "copy.xml",
                          doc_id=first.doc_id)
    assert other.path.read_bytes() == data


def test_refuses_to_overwrite_without_force(edition):
    first, _ = run_import(edition, TRANSCRIPT, doc_id="memcon-test")
    first.path.write_bytes(b"edited by hand")
    with pytest.raises(UsageError, match="--force"):
        import_transcript(edition, TRANSCRIPT, doc_id="memcon-test")
    assert first.path.read_bytes() == b"edited by hand"


def test_nothing_lost_check_fires(edition, monkeypatch):
    real = ingest_layout.split_blocks

    def drop_line_81(lines):
        return real([line for line in lines if line.no != 81])

    monkeypatch.setattr(ingest_layout, "split_blocks", drop_line_81)
    before = sorted(edition.root.rglob("*"))
    with pytest.raises(SourceError) as info:
        import_transcript(edition, TRANSCRIPT)
    diagnostic = info.value.diagnostics[0]
    assert (diagnostic.code, diagnostic.line, diagnostic.col) == ("import.text-lost", 81, 1)
    assert sorted(edition.root.rglob("*")) == before


def test_persons_file_unchanged_outside_new_entries(edition):
    path = edition.authority_dir / "persons.xml"
    before = path.read_bytes()
    result, _ = run_import(edition, TRANSCRIPTS / "confidential-state-1990-03-02.txt")
    after = path.read_bytes()
    head = before.rindex(b"      </listPerson>")
    assert after[:head] == before[:head] and after.endswith(before[head:])
    inserted = after[head:len(after) - len(before) + head]
    assert inserted.count(b"<person ") == len(result.new_persons) == 6
    assert b'        <person xml:id="lenka-vorechova">\n          <persName type="preferred">Foreign Minister ' \
           b'Lenka Vo\xc5\x99echov\xc3\xa1</persName>\n' in inserted
    assert b"participant in memcon-1990-03-02; to be described by the editor" in inserted


def test_persons_file_keeps_crlf(edition):
    path = edition.authority_dir / "persons.xml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    run_import(edition, TRANSCRIPTS / "hardwrap-stamps.txt")
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert errors(edition) == []


def test_persons_file_created_when_missing(edition):
    (edition.authority_dir / "persons.xml").unlink()
    result, _ = run_import(edition, TRANSCRIPTS / "topsecret-nsc.txt")
    created = parse_file(edition.authority_dir / "persons.xml").getroot()
    assert len(created.findall(".//tei:listPerson/tei:person", NS)) == len(result.new_persons) == 6
    validation = validate(edition, [edition.authority_dir / "persons.xml", result.path])
    assert not validation.has_errors


def test_command_line_report(edition):
    result = CliRunner().invoke(main, ["import", str(TRANSCRIPTS / "topsecret-nsc.txt"), "--project", str(edition.root)])
    assert result.exit_code == 0, result.output
    assert "(5 paragraphs, 2 pages, 6 participants)" in result.output
    assert "left for the editor:" in result.output
    assert "line 20: 'Anneliese Kühn' is not in the person authority; added as person:anneliese-kuhn" in result.output


# ----- xmledit -----

XML = b"""<?xml version="1.0"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <text><body>
    <listPerson>
      <!-- </listPerson> in a comment -->
      <person xml:id="a"><listPerson/></person>
    </listPerson>
  </body></text>
</TEI>
"""


def test_splice_inserts_before_the_right_closing_tag():
    new = xmledit.splice(XML, "tei:text/tei:body/tei:listPerson", '<person xml:id="b">\n  <x/>\n</person>')
    assert new == XML.replace(b"    </listPerson>", b'      <person xml:id="b">\n        <x/>\n      </person>\n'
                                                    b"    </listPerson>")
    parse_bytes(new)


def test_insert_refuses_a_file_changed_since_read(tmp_path):
    path = tmp_path / "persons.xml"
    path.write_bytes(XML)
    with pytest.raises(SourceError, match="changed"):
        xmledit.insert_before_closing(path, "tei:text/tei:body/tei:listPerson", "<person/>", expected=XML + b" ")
    assert path.read_bytes() == XML


# ----- property: any mix of layout lines imports or fails cleanly -----

LINE_KINDS = ["~~SECRET~~", "CONFIDENTIAL", "TOP SECRET", "- 2 -", "3", "201", "8/29/00", "F97-004/2#12",
              "Declassify on: OADR", "SYSTEM II", "90512", "SUBJECT: Talks on the Vell (C)", "PARTICIPANTS: US",
              "The President", "Jan Novák, Minister of Trade (Notetaker)", "USSR",
              "DATE, TIME AND PLACE: May 3, 1989, 9:00 - 10:00 a.m., The Kremlin (U)", "DATE, TIME May 3, 1989,",
              "AND PLACE: Moscow", "MEMORANDUM OF CONVERSATION", "THE WHITE HOUSE", "Drafted by: EUR:JSmith",
              "The Minister said the talks would go on. (S)", "and that the delegation would", "agree. (U)",
              "cost \\$5 million", "(S/NF)", "", ""]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINE_KINDS), min_size=1, max_size=25))
def test_any_layout_imports_or_fails_cleanly(edition, tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("prop") / "memo-1989-05-03.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        result = import_transcript(edition, path, doc_id="prop", force=True)
    except EditionError as exc:
        assert exc.diagnostics and exc.diagnostics[0].code.startswith("import."), exc.message
        return
    assert result.path.is_file()
