"""edition annotate (suggest, apply, ids, report) and edition authority add.

The measure: strip the hand-tagged person, place and organisation names from the sample
memo's ``<text>`` (byte-exactly), let suggest + apply tag them again, and compare with the
hand encoding (run with ``-s`` to see recall and precision).  Every edit is checked to be
byte-exact: removing the inserted tags again gives back the original bytes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLE_TEI, copy_edition
from edition import annotate, annotate_ids
from edition.annotate_authority import add_entry
from edition.annotate_report import report
from edition.cli import main
from edition.config import load_config
from edition.errors import SourceError, UsageError
from edition.tei import NS, TEI_NS, localname, parse_bytes
from edition.xmlspans import map_source, unwrap

NAMES = ("persName", "placeName", "orgName")
ALL_MENTIONS = (*NAMES, "term", "title")
MEMO = Path("tei/memos/memcon-1988-05-31.xml")


# -- helpers -------------------------------------------------------------

def strip_mentions(data: bytes, names=NAMES) -> bytes:
    """Unwrap every *names* element inside <text>, byte-exactly."""
    source = map_source(data)
    return unwrap(source, lambda el: localname(el) in names and _in_text(el))


def _in_text(el) -> bool:
    return any(localname(a) == "text" for a in el.iterancestors())


def mention_spans(data: bytes, names=ALL_MENTIONS, skip_notes: bool = False) -> set[tuple[int, int, str]]:
    """(start, end, ref) of the mentions in <text>, as character offsets in its text content."""
    text = parse_bytes(data).getroot().find("tei:text", NS)
    spans, pos = set(), 0

    def visit(el, in_note):
        nonlocal pos
        in_note = in_note or localname(el) == "note"
        start = pos
        pos += len(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                visit(child, in_note)
            pos += len(child.tail or "")
        if localname(el) in names and el.get("ref") and not (skip_notes and in_note):
            spans.add((start, pos, el.get("ref")))

    visit(text, False)
    return spans


@pytest.fixture
def edition(tmp_path):
    return copy_edition(ROOT, tmp_path / "ed")


# -- suggest + apply on the sample ----------------------------------------

def test_recovers_stripped_mentions(edition):
    original = SAMPLE_TEI.read_bytes()
    stripped = strip_mentions(original)
    (edition / MEMO).write_bytes(stripped)
    config = load_config(edition)
    reporter, written = annotate.apply(config, include_notes=False)

    result = (edition / MEMO).read_bytes()
    expected = mention_spans(original, NAMES)
    before = mention_spans(stripped)
    added = mention_spans(result) - before
    right = added & expected
    recall, precision = len(right) / len(expected), len(right) / len(added)
    print(f"\nrecall {recall:.3f} ({len(right)}/{len(expected)}), "
          f"precision {precision:.3f} ({len(right)}/{len(added)})")
    print("missed:", sorted(expected - added), "\nwrong:", sorted(added - expected))
    assert recall >= 0.95 and precision >= 0.95
    assert not [d for d in reporter.diagnostics if d.severity == "error"]


def test_apply_inserts_only_tags(edition):
    stripped = strip_mentions(SAMPLE_TEI.read_bytes())
    (edition / MEMO).write_bytes(stripped)
    (edition / MEMO).chmod(0o644)
    annotate.apply(load_config(edition))
    result = (edition / MEMO).read_bytes()
    assert (edition / MEMO).stat().st_mode & 0o777 == 0o644
    assert result != stripped
    assert strip_mentions(result, ALL_MENTIONS) == strip_mentions(stripped, ALL_MENTIONS)
    parse_bytes(result)


def test_suggest_on_sample(edition):
    reporter = annotate.suggest(load_config(edition))
    assert "annotate.name-mismatch" not in {d.code for d in reporter.diagnostics}
    assert any('"Gorbachev\'s" of person:gorbachev; tag as <persName ref="person:gorbachev">Gorbachev</persName>'
               in d.message for d in reporter.diagnostics)
    # outside the notes, the hand encoding leaves only these three untagged, deliberately
    outside_notes = annotate.suggest(load_config(edition), include_notes=False).sorted()
    assert [(d.line, d.message.split(";")[0]) for d in outside_notes] == [
        (222, 'untagged mention "Nancy" of person:nancy-reagan'),  # a baby named after her
        (236, 'untagged mention "samostoiatel\'nost\'" of term:autonomy'),  # the Russian gloss of the term
        (269, 'untagged mention "President" of person:reagan'),  # "still President of the United States"
    ]


def test_apply_is_idempotent(edition):
    annotate.apply(load_config(edition))
    once = (edition / MEMO).read_bytes()
    _, written = annotate.apply(load_config(edition))
    assert written == {} and (edition / MEMO).read_bytes() == once


SNIPPETS = [
    ("longest-first", "<p>George Bush met Bush.</p>",
     '<p><persName ref="person:george-bush">George Bush</persName> met <persName ref="person:george-bush">Bush</persName>.</p>'),
    ("possessive", "<p>Gorbachev's book</p>", '<p><persName ref="person:gorbachev">Gorbachev</persName>\'s book</p>'),
    ("word-boundary", "<p>Americans and Russian</p>", "<p>Americans and Russian</p>"),
    ("case-exact", "<p>the Soviets and the soviets</p>",
     '<p>the Soviets and the <term ref="term:soviets">soviets</term></p>'),
    ("article-outside-places", "<p>in the Kremlin</p>", '<p>in the <placeName ref="place:kremlin">Kremlin</placeName></p>'),
    ("alias", "<p>The President said</p>", '<p><persName ref="person:reagan">The President</persName> said</p>'),
    ("title-with-person", "<p>Senator Baker left</p>",
     '<p><persName ref="person:howard-baker">Senator Baker</persName> left</p>'),
    ("part-of-a-longer-name", "<p>the Ronald Reagan Presidential Library</p>",
     "<p>the Ronald Reagan Presidential Library</p>"),
    ("ambiguous", "<p>Perestroika</p>", "<p>Perestroika</p>"),
    ("not-across-elements", "<p>George <hi>Bush</hi></p>",
     '<p>George <hi><persName ref="person:george-bush">Bush</persName></hi></p>'),
    ("title-before-a-tagged-name", '<p>Vice President <persName ref="person:george-bush">George Bush</persName></p>',
     '<p>Vice President <persName ref="person:george-bush">George Bush</persName></p>'),
    ("not-in-fw", '<p><fw type="header">Gorbachev</fw></p>', '<p><fw type="header">Gorbachev</fw></p>'),
    ("not-in-mention", '<p><orgName ref="org:nsc">NSC Moscow</orgName></p>',
     '<p><orgName ref="org:nsc">NSC Moscow</orgName></p>'),
    ("entity-kept", "<p>Tom &amp; Gorbachev&#x27;s</p>",
     '<p>Tom &amp; <persName ref="person:gorbachev">Gorbachev</persName>&#x27;s</p>'),
    ("cdata-whole", "<p><![CDATA[Gorbachev]]> said</p>",
     '<p><persName ref="person:gorbachev"><![CDATA[Gorbachev]]></persName> said</p>'),
    ("cdata-part", "<p><![CDATA[Gorbachev said]]></p>", "<p><![CDATA[Gorbachev said]]></p>"),
    ("comment-splits", "<p>George<!-- x --> Bush</p>",
     '<p>George<!-- x --> <persName ref="person:george-bush">Bush</persName></p>'),
]


PARTICIPANTS = ('<profileDesc><particDesc><listPerson><person corresp="person:reagan">'
                '<persName>The President</persName></person></listPerson></particDesc></profileDesc>')


def memo_bytes(body: str, header: str = PARTICIPANTS) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI_NS}" xml:id="t">\n'
            f"<teiHeader>{header}</teiHeader>\n<text><body>{body}</body></text>\n</TEI>\n").encode()


@pytest.fixture(scope="module")
def sample_work():
    return annotate.annotator(load_config(ROOT))


def tag_bytes(data: bytes, work) -> bytes:
    source = map_source(data)
    suggestions, _ = annotate.analyse(source, work)
    return annotate.tagged(source, suggestions)


@pytest.mark.parametrize("snippet, expected", [row[1:] for row in SNIPPETS], ids=[row[0] for row in SNIPPETS])
def test_snippets(snippet, expected, sample_work):
    assert tag_bytes(memo_bytes(snippet), sample_work) == memo_bytes(expected)


def test_never_in_header(sample_work):
    data = memo_bytes("<p>x</p>", header="<fileDesc><titleStmt><title>Gorbachev</title></titleStmt></fileDesc>")
    assert tag_bytes(data, sample_work) == data


def test_name_mismatch_and_ambiguous_are_reported(sample_work):
    data = memo_bytes('<p><persName ref="person:reagan">Gorbachev</persName> Perestroika</p>')
    _, diagnostics = annotate.analyse(map_source(data, "m.xml"), sample_work)
    assert [(d.line, d.col, d.code) for d in diagnostics] == [(4, 67, "annotate.ambiguous"),
                                                              (4, 16, "annotate.name-mismatch")]
    assert str(diagnostics[1]).startswith('m.xml:4:16: warning: <persName> "Gorbachev" matches none of the '
                                          "names of person:reagan")


# -- byte-exactness, as a property ----------------------------------------

WORDS = ["Gorbachev", "Gorbachev's", "George Bush", "the Kremlin", "US", "Moscow", "and", "said", "é"]
PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from([" ", "  ", "\n", "\r\n", "\t", " \r\n   "]),
    st.sampled_from(["&amp;", "&lt;", "&gt;", "&#233;", "&#xE9;", "&quot;"]),
    st.builds(lambda w: f"<![CDATA[{w}]]>", st.sampled_from(WORDS + ["a<b&c", ""])),
    st.sampled_from(["<!-- note Gorbachev -->", "<?pi Bush?>", "<lb/>", "<hi rend='i'>Bush</hi>",
                     '<fw type="header">US</fw>', "<note type='editorial'>Nancy Reagan</note>"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(st.lists(PIECES, max_size=12).map("".join), min_size=1, max_size=4),
       crlf=st.booleans())
def test_apply_is_byte_exact(paragraphs, crlf, sample_work):
    body = "\n".join(f'<p xml:id="p{i}" ana=\'#cls-S\'>{p}</p>' for i, p in enumerate(paragraphs, 1))
    data = memo_bytes(body).replace(b"\n", b"\r\n") if crlf else memo_bytes(body)
    result = tag_bytes(data, sample_work)
    parse_bytes(result)
    assert strip_mentions(result, ALL_MENTIONS) == data


# -- ids ------------------------------------------------------------------

def test_ids_fill_gaps_and_keep_existing(tmp_path):
    body = ('<div><p xml:id="p1">a</p><p>b<note>x</note></p><p xml:id="p2">c</p><p>d</p>\r\n'
            '<p>e<note xml:id="n1">y</note></p></div>')
    path = tmp_path / "m.xml"
    path.write_bytes(memo_bytes(body))
    plan = annotate_ids.plan_ids(map_source(path.read_bytes()))
    assert [ident for _, ident in plan] == ["p1a", "n0a", "p3", "p4"]
    new = annotate_ids.with_ids(map_source(path.read_bytes()), plan)
    assert re.sub(rb' xml:id="(p1a|n0a|p3|p4)"', b"", new) == path.read_bytes()
    assert annotate_ids.plan_ids(map_source(new)) == []


def test_ids_letters_sort_after_previous():
    assert [annotate_ids._next_suffix(s) for s in ("", "a", "y", "z", "za")] == ["a", "b", "z", "za", "zb"]


def test_ids_command_is_idempotent(edition):
    memo = edition / MEMO
    data = memo.read_bytes().replace(b'<p xml:id="p12" ', b"<p ").replace(b'<p xml:id="p49" ', b"<p ")
    memo.write_bytes(data)
    result = CliRunner().invoke(main, ["annotate", "ids", "--project", str(edition)])
    assert result.exit_code == 0, result.output
    once = memo.read_bytes()
    assert b'<p xml:id="p11a" ' in once and b'<p xml:id="p50" ' in once
    CliRunner().invoke(main, ["annotate", "ids", "--project", str(edition)])
    assert memo.read_bytes() == once


# -- writing safely -------------------------------------------------------

def test_refuses_when_file_changed_since_read(edition):
    memo = edition / MEMO
    data = memo.read_bytes()
    memo.write_bytes(data + b"\n")
    with pytest.raises(SourceError, match="changed since it was read"):
        annotate.write_if_unchanged(memo, data, data.replace(b"Kremlin", b"Kreml"))
    assert memo.read_bytes() == data + b"\n"


def test_authority_add(edition):
    config = load_config(edition)
    path = config.authority_dir / "persons.xml"
    path.chmod(0o644)
    before = path.read_bytes()
    add_entry(config, "person", "eduard-shevardnadze", "Eduard Shevardnadze", "Q153149",
              "Soviet Minister of Foreign Affairs, 1985–1990")
    after = path.read_bytes()
    assert b'        <person xml:id="eduard-shevardnadze">\n          <persName type="preferred">' in after
    removed = re.sub(rb'        <person xml:id="eduard-shevardnadze">.*?</person>\n', b"", after, flags=re.S)
    assert removed == before
    assert path.stat().st_mode & 0o777 == 0o644
    tree = parse_bytes(after)
    assert tree.getroot().find(".//tei:person[@xml:id='eduard-shevardnadze']/tei:idno", NS).text == "Q153149"
    assert "person:eduard-shevardnadze" in annotate.annotator(config).entities


@pytest.mark.parametrize("args, message", [
    (("person", "reagan", "Ronald Reagan"), "already taken"),
    (("person", "Bad_Id", "X"), "malformed"),
    (("person", "ok", "X", "9960"), "Wikidata id"),
    (("ship", "ok", "X"), "unknown kind"),
])
def test_authority_add_refuses(edition, args, message):
    config = load_config(edition)
    before = (config.authority_dir / "persons.xml").read_bytes()
    with pytest.raises(UsageError, match=message):
        add_entry(config, *args)
    assert (config.authority_dir / "persons.xml").read_bytes() == before


def test_authority_add_refuses_changed_file(edition, monkeypatch):
    from edition import annotate_authority, xmledit

    config = load_config(edition)
    path = config.authority_dir / "places.xml"
    real = xmledit.splice

    def splice_and_touch(data, *args, **kwargs):
        path.write_bytes(data + b"<!-- edited meanwhile -->\n")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(xmledit, "splice", splice_and_touch)
    with pytest.raises(SourceError, match="changed"):
        annotate_authority.add_entry(config, "place", "leningrad", "Leningrad", description="city")
    assert path.read_bytes().endswith(b"<!-- edited meanwhile -->\n")


# -- report and the command line ------------------------------------------

def test_report(edition):
    _, result = report(load_config(edition))
    (doc,) = result.documents
    assert doc.id == "memcon-1988-05-31"
    assert doc.entities["person:gorbachev"] > 50 and doc.tagged["person"] > 100
    assert "org:soviet-mfa" not in result.unused
    data = json.loads(result.as_json())
    assert data["documents"][0]["tagged"]["place"] == doc.tagged["place"]
    assert "entity frequencies in memcon-1988-05-31:" in result.as_table()


def test_cli(edition):
    runner = CliRunner()
    out = runner.invoke(main, ["annotate", "suggest", "--project", str(edition)])
    assert out.exit_code == 0, out.output
    assert "[annotate.untagged]" in out.output
    out = runner.invoke(main, ["annotate", "report", "--project", str(edition), "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["documents"]
    out = runner.invoke(main, ["annotate", "apply", "--project", str(edition), "--only", "person:reagan"])
    assert out.exit_code == 0, out.output
    assert b'succeeded <persName ref="person:reagan">Reagan</persName>' in (edition / MEMO).read_bytes()
    assert b'<persName ref="person:gorbachev">Gorbachev</persName>\'s on American' not in (edition / MEMO).read_bytes()
    out = runner.invoke(main, ["authority", "add", "place", "--id", "kremlin", "--name", "x",
                               "--project", str(edition)])
    assert out.exit_code == 2 and "already taken" in out.output
    out = runner.invoke(main, ["annotate", "apply", "--project", str(edition), "--only", "nobody"])
    assert out.exit_code == 2


def test_commands_work_on_new_edition(tmp_path):
    from edition.scaffold import init_edition

    ed = tmp_path / "ed"
    init_edition(ed)
    runner = CliRunner()
    out = runner.invoke(main, ["authority", "add", "person", "--id", "harry-truman", "--name", "Harry S. Truman",
                               "--description", "President of the United States, 1945–1953", "--project", str(ed)])
    assert out.exit_code == 0, out.output
    memo = ed / "tei" / "memos" / "memo-example.xml"
    memo.write_bytes(memo.read_bytes().replace(b"for the <orgName", b"for Harry S. Truman and the <orgName"))
    for command in (["suggest"], ["apply"], ["ids"], ["report"]):
        out = runner.invoke(main, ["annotate", *command, "--project", str(ed)])
        assert out.exit_code == 0, (command, out.output)
    assert b'<persName ref="person:harry-truman">Harry S. Truman</persName>' in memo.read_bytes()
    from edition.validate import validate

    assert not validate(load_config(ed)).has_errors
