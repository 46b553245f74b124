"""Plain-text memorandum → TEI: ``import_transcript()`` is the importer, one stage per paragraph.

Read and normalise the transcript, recognise its layout, place the page breaks, derive the
header, match the participants to the person authority, build and serialise the TEI, prove that
no transcript character was lost and that the result is valid, then write (new authority
entries byte-exactly into persons.xml, the memo atomically).  Any failure writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import tei
from .authority import load_authorities
from .config import Config
from .errors import ERROR, WARNING, Diagnostic, EditionError, Reporter, SourceError, UsageError
from .ingest_dates import human_date, local_offset
from .ingest_header import Header, derive, title_case
from .ingest_layout import PORTION, STRUCK, Layout, Para, parse
from .ingest_pages import paginate
from .ingest_people import match_person, new_id, norm, person_snippet
from .ingest_read import Transcript, read_transcript
from .ingest_report import Report, describe
from .ingest_tei import build_text, indent
from .ingest_tei_header import Meta, build_header
from .validate_schema import check_grammar, check_rules, load_schemas, schema_dir
from .xmledit import insert_before_closing, write_atomic

XML_MODELS = ('<?xml-model href="../schema/edition.rng" type="application/xml" '
              'schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
              '<?xml-model href="../schema/edition.sch" type="application/xml" '
              'schematypens="http://purl.oclc.org/dsdl/schematron"?>\n')
ISO_DATE = re.compile(r"(?:19|20)\d\d(?:-\d\d(?:-\d\d)?)?")
DOC_ID = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
LISTPERSON = "tei:text/tei:body/tei:listPerson[last()]"


@dataclass
class ImportResult:
    """What ``edition import`` did, for the command line to report."""

    path: Path
    doc_id: str
    report: Report
    new_persons: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def import_transcript(config: Config, transcript_path: Path, out: Path | None = None, doc_id: str | None = None,
                      force: bool = False, date: str | None = None) -> ImportResult:
    """Import one transcript into the edition; raise :class:`EditionError` (nothing written) on failure."""
    transcript = read_transcript(transcript_path)
    layout = parse(transcript.lines)
    header = derive(layout)
    pages = paginate(layout, header.classification)
    ids = paragraph_ids(layout, transcript)
    when, date_note = creation_date(header, transcript, date)
    doc_id = checked_id(doc_id) if doc_id else default_id(config, when, transcript.path)
    out = Path(out) if out else config.memos_dir / f"{doc_id}.xml"
    if out.exists() and not force:
        raise UsageError(f"{out}: file exists; import with --force to replace it")

    persons_path = config.authority_dir / "persons.xml"
    persons_bytes = persons_path.read_bytes() if persons_path.is_file() else None
    new = match_participants(config, header, doc_id, when, out)
    meta = make_meta(config, header, transcript, layout, doc_id, when, pages)
    root = assemble(layout, header, meta, ids)
    data = serialise(root)
    check_nothing_lost(transcript, root.find("tei:text", tei.NS))
    warnings = check_valid(config, data, out)

    write_persons(persons_path, persons_bytes, new, doc_id)
    write_atomic(out, data)
    report = describe(layout, header, pages, ids, new, date_note, meta)
    notes = [*transcript.notes, *input_warnings(layout, transcript, date_note), *warnings]
    return ImportResult(out, doc_id, report, [ident for ident, _, _ in new], notes)


def input_warnings(layout: Layout, transcript: Transcript, date_note: str) -> list[Diagnostic]:
    """Located warnings about what the transcript lacks."""
    path, found = str(transcript.path), []
    if not layout.heading_found:
        first = next(p for p in layout.body if isinstance(p, Para)).first_line.no
        found.append(Diagnostic(path, first, 1, WARNING, "no heading recognised (subject, participants, date); "
                                "imported as body only, titled \"Untitled memorandum\"", "import.no-heading"))
    if "file name" in date_note:
        found.append(Diagnostic(path, 1, 1, WARNING, date_note, "import.date-from-filename"))
    return found


def paragraph_ids(layout: Layout, transcript: Transcript) -> dict[int, str]:
    """``p1``, ``p2`` … in order; a memo without body text cannot be imported."""
    paras = [item for item in layout.body if isinstance(item, Para)]
    if not paras:
        raise _located(transcript.path, len(transcript.lines), "no body text after the heading; "
                       "a memo needs at least one paragraph", "import.no-body")
    return {id(p): f"p{n}" for n, p in enumerate(paras, start=1)}


def creation_date(header: Header, transcript: Transcript, given: str | None) -> tuple[str, str]:
    """The creation day: from the date line, --date, or the file name; never invented."""
    if given:
        if not ISO_DATE.fullmatch(given):
            raise UsageError(f"--date {given!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return given, "creation date given with --date"
    if header.date:
        return header.date.value, ""
    match = ISO_DATE.search(transcript.path.stem)
    if match and len(match.group(0)) == 10:
        return match.group(0), f"creation date {match.group(0)} taken from the file name; check it"
    raise _located(transcript.path, 1, "no date recognised in the transcript or its file name; "
                   "give the creation date with --date YYYY-MM-DD", "import.no-date")


def checked_id(doc_id: str) -> str:
    if not DOC_ID.fullmatch(doc_id):
        raise UsageError(f"--id {doc_id!r} is not a valid xml:id; use letters, digits and '-', starting with a letter")
    return doc_id


def default_id(config: Config, when: str, path: Path) -> str:
    """``memcon-YYYY-MM-DD`` (``-b``, ``-c`` … if taken), else from the file name."""
    base = f"memcon-{when}" if when else re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    base = base if base[:1].isalpha() else f"memo-{base}"
    ident, letter = base, "b"
    while (config.memos_dir / f"{ident}.xml").exists():
        ident, letter = f"{base}-{letter}", chr(ord(letter) + 1)
    return ident


def match_participants(config: Config, header: Header, doc_id: str, when: str, out: Path) -> list:
    """Set each participant's ``ref``; return the new entries as (id, name, line)."""
    if not header.participants:
        return []
    entities = load_authorities(config.authority_dir, Reporter(root=config.root))
    persons = {ref: e for ref, e in entities.items() if e.kind == "person"}
    aliases = memo_aliases(config, when[:4], out)
    taken = {e.id for e in persons.values()}
    new, by_name = [], {}
    for entry in header.participants.entries:
        found = match_person(entry.name, persons, aliases)
        if found:
            entry.ref, entry.how = found
            continue
        if norm(entry.name) not in by_name:
            ident = new_id(entry.name, taken)
            taken.add(ident)
            by_name[norm(entry.name)] = ident
            new.append((ident, entry.name, entry.lines[0].no))
        entry.ref, entry.how = f"person:{by_name[norm(entry.name)]}", "new"
    return new


def memo_aliases(config: Config, year: str, out: Path) -> dict[str, set[str]]:
    """Names other memos of the same year give their participants (``The President``)."""
    aliases: dict[str, set[str]] = {}
    for path in config.memo_files():
        if path.resolve() == out.resolve():
            continue
        try:
            root = tei.parse_file(path).getroot()
        except SourceError:
            continue
        if root.xpath("string(.//tei:profileDesc/tei:creation/tei:date/@when)", namespaces=tei.NS)[:4] != year:
            continue
        for name in root.iterfind(".//tei:particDesc//tei:person/tei:persName", tei.NS):
            aliases.setdefault(norm(name.xpath("string()")), set()).add(name.getparent().get("corresp"))
    return aliases


def make_meta(config: Config, header: Header, transcript: Transcript, layout: Layout, doc_id: str,
              when: str, pages: list) -> Meta:
    subtitle = ", ".join(p for p in (title_case(header.doctype or "Memorandum"),
                                     header.city_zone[0] if header.city_zone else "",
                                     human_date(when) if len(when) == 10 else when) if p)
    meta = Meta(doc_id, header.subject or "Untitled memorandum", subtitle, source_name(config, transcript.path),
                config.publisher or config.title, when, pages=len(pages),
                printed_pages=sum(1 for p in pages if not p.inferred))
    meta.start, meta.end = time_range(header, when)
    meta.place_ref = place_ref(config, header.place)
    meta.categories = {m.group(1).replace("/", "") for line in transcript.lines if (m := PORTION.search(line.text))}
    return meta


def time_range(header: Header, when: str) -> tuple[str, str]:
    """``@from``/``@to``: the day and time, with the offset only where the place gives it."""
    if not header.time or len(when) != 10:
        return "", ""
    zone = header.city_zone[1] if header.city_zone else None
    stamp = lambda clock: f"{when}T{clock}{(local_offset(when, clock, zone) or '') if zone else ''}"  # noqa: E731
    return stamp(header.time.start), stamp(header.time.end) if header.time.end else ""


def place_ref(config: Config, place: str) -> str:
    """The places authority entry named by the place, or by its last or first comma part."""
    if not place:
        return ""
    entities = load_authorities(config.authority_dir, Reporter(root=config.root))
    names = {norm(n): ref for ref, e in entities.items() if e.kind == "place" for n in e.names}
    parts = [place, *reversed([p.strip() for p in place.split(",")])]
    return next((names[norm(p)] for p in parts if norm(p) in names), "")


def source_name(config: Config, path: Path) -> str:
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return path.name


def assemble(layout: Layout, header: Header, meta: Meta, ids: dict) -> etree._Element:
    root = etree.Element(tei.q("TEI"), nsmap={None: tei.TEI_NS})
    root.set(tei.XML_ID, meta.doc_id)
    root.set(tei.XML_LANG, "en")
    root.append(build_header(header, meta))
    default = header.cls_code or "U"
    root.append(build_text(layout, ids, lambda p: (p.marking or default).replace("/", "")))
    indent(root)
    return root


def serialise(root: etree._Element) -> bytes:
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + XML_MODELS + etree.tostring(root, encoding="unicode")
    return (text + "\n").encode("utf-8")


def check_nothing_lost(transcript: Transcript, text_el) -> None:
    """Every non-space transcript character is in ``<text>``, in order, and nothing else is."""
    expected = [(ch, line.no, col) for line in transcript.lines
                for col, ch in enumerate(STRUCK.sub(r"\1", line.text), start=1) if not ch.isspace()]
    actual = "".join("".join(text_el.itertext()).split())
    if actual == "".join(ch for ch, _, _ in expected):
        return
    for i, (ch, line, col) in enumerate(expected):
        if i >= len(actual) or actual[i] != ch:
            raise _located(transcript.path, line, f"transcript text from here is missing from the TEI "
                           f"(expected {ch!r}, found {actual[i:i + 1]!r}); nothing written", "import.text-lost", col)
    raise _located(transcript.path, expected[-1][1] if expected else 1,
                   "the TEI text has characters that are not in the transcript; nothing written", "import.text-added")


def check_valid(config: Config, data: bytes, out: Path) -> list[Diagnostic]:
    """Run the edition's grammar and rules on the new file; errors stop the import."""
    tree = tei.parse_bytes(data, out)
    schemas = load_schemas(schema_dir(config.schema_dir))
    found = check_grammar(schemas, tree, out) + check_rules(schemas, tree, out)
    errors = [d for d in found if d.severity == ERROR]
    if errors:
        raise EditionError(f"the imported TEI would not be valid ({len(errors)} errors); nothing written", errors)
    return [d for d in found if d.severity == WARNING]


def write_persons(path: Path, expected: bytes | None, new: list, doc_id: str) -> None:
    """Add the new entries before ``</listPerson>`` (every other byte kept), or create the file."""
    if not new:
        return
    snippet = "\n".join(person_snippet(ident, name, doc_id) for ident, name, _ in new)
    if expected is None:
        write_atomic(path, new_persons_file(snippet).encode("utf-8"))
    else:
        insert_before_closing(path, LISTPERSON, snippet, expected=expected)


def new_persons_file(snippet: str) -> str:
    entries = "\n".join("        " + line for line in snippet.splitlines())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + XML_MODELS +
            '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="persons" xml:lang="en">\n'
            '  <teiHeader>\n    <fileDesc>\n      <titleStmt>\n        <title type="main">Persons</title>\n'
            '      </titleStmt>\n      <publicationStmt>\n        <publisher>edition</publisher>\n'
            '      </publicationStmt>\n      <sourceDesc>\n        <p>Authority file of the edition.</p>\n'
            '      </sourceDesc>\n    </fileDesc>\n  </teiHeader>\n  <text>\n    <body>\n      <listPerson>\n'
            f'{entries}\n      </listPerson>\n    </body>\n  </text>\n</TEI>\n')


def _located(path: Path, line: int, message: str, code: str, col: int = 1) -> SourceError:
    diagnostic = Diagnostic(str(path), line, col, ERROR, message, code)
    return SourceError(str(diagnostic), [diagnostic])
