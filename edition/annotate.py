"""``edition annotate``: find untagged mentions of known entities and tag them byte-exactly.

``suggest`` reports each untagged mention as a located diagnostic with the tag to add, and
each tagged mention whose text is none of its entry's names.  ``apply`` writes the tags:
the positions come from lxml's tree, the edits are made on the original bytes (see
:mod:`edition.xmlspans`), so comments, entities, CDATA, quoting and line ends stay as they were.

Where mentions are looked for: character data inside ``<text>`` (front, body, back and the
editorial notes), never inside ``fw``, an existing mention or name element, a date, or a
bibliographic citation (``bibl``), and never across an element boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .annotate_names import Gazetteer, Hit, authority_gazetteer, document_aliases, fold, known_forms
from .authority import KINDS, MENTION_KIND, load_authorities, split_ref
from .config import Config
from .errors import INFO, WARNING, Diagnostic, Reporter, SourceError, UsageError
from .model import Entity
from .tei import NS, localname, normalize_space
from .xmledit import write_if_unchanged
from .xmlspans import Run, SourceMap, insert, read_source

MENTION_ELEMENTS = {"persName", "placeName", "orgName", "term", "title", "rs", "name", "date"}
SKIP = MENTION_ELEMENTS | {"fw", "time", "bibl", "ref", "idno", "code", "gi", "att"}


@dataclass(frozen=True)
class Suggestion:
    """An untagged mention: bytes [start, end) of *path* should be wrapped in a tag for *ref*."""

    path: Path
    line: int
    col: int
    start: int
    end: int
    text: str
    ref: str
    shown: str  # the text as it stands, with a possessive: "Gorbachev's"

    @property
    def element(self) -> str:
        return KINDS[split_ref(self.ref)[0]].mention

    def tags(self, prefix: str = "") -> tuple[bytes, bytes]:
        name = f"{prefix}:{self.element}" if prefix else self.element
        return f'<{name} ref="{self.ref}">'.encode(), f"</{name}>".encode()

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(str(self.path), self.line, self.col, INFO,
                          f'untagged mention "{self.shown}" of {self.ref}; tag as '
                          f'<{self.element} ref="{self.ref}">{self.text}</{self.element}>', "annotate.untagged")


@dataclass
class Annotator:
    """What the commands share: the project, its entities and their names."""

    config: Config
    reporter: Reporter
    entities: dict[str, Entity]
    gazetteer: Gazetteer
    include_notes: bool = True

    @property
    def skip(self) -> set[str]:
        return SKIP if self.include_notes else SKIP | {"note"}


def annotator(config: Config, include_notes: bool = True) -> Annotator:
    reporter = Reporter(root=config.root)
    entities = load_authorities(config.authority_dir, reporter)
    return Annotator(config, reporter, entities, authority_gazetteer(entities), include_notes)


def documents(config: Config, paths: list[Path] | None) -> list[Path]:
    """The memos to work on: *paths* as given, else the project's memos."""
    if not paths:
        return config.memo_files()
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file")
    return [Path(p) for p in paths]


def suggest(config: Config, paths: list[Path] | None = None, include_notes: bool = True) -> Reporter:
    """Report untagged and doubtful mentions in the memos; nothing is written."""
    work = annotator(config, include_notes)
    for path in documents(config, paths):
        source = _read(path, work.reporter)
        if source is not None:
            suggestions, diagnostics = analyse(source, work)
            work.reporter.extend(_displayed(work.reporter, [s.diagnostic() for s in suggestions] + diagnostics))
    return work.reporter


def apply(config: Config, paths: list[Path] | None = None, only: str | None = None,
          include_notes: bool = True) -> tuple[Reporter, dict[Path, int]]:
    """Tag the untagged mentions (of entry *only*, if given) in place; return how many per file."""
    work = annotator(config, include_notes)
    if only and not _matching_refs(only, work.entities):
        raise UsageError(f"--only {only!r} is not an authority entry; use an id such as person:reagan")
    wanted = _matching_refs(only, work.entities) if only else None
    written = {}
    for path in documents(config, paths):
        source = _read(path, work.reporter)
        if source is None:
            continue
        suggestions, diagnostics = analyse(source, work)
        work.reporter.extend(_displayed(work.reporter, diagnostics))
        chosen = [s for s in suggestions if wanted is None or s.ref in wanted]
        if chosen:
            write_if_unchanged(path, source.data, tagged(source, chosen))
            written[path] = len(chosen)
    return work.reporter, written


def analyse(source: SourceMap, work: Annotator) -> tuple[list[Suggestion], list[Diagnostic]]:
    """The untagged mentions of one document, and diagnostics about its tagged ones."""
    aliases = {name: ref for name, ref in document_aliases(source.tree).items() if ref in work.entities}
    gazetteer = work.gazetteer.with_aliases(aliases)
    suggestions, diagnostics = [], []
    for run, after in text_runs(source, work.skip):
        for hit in gazetteer.find(run.text, after):
            found = _suggestion(source, run, hit)
            if isinstance(found, Suggestion):
                suggestions.append(found)
            else:
                diagnostics.append(found)
    diagnostics += mismatches(source, work.entities, aliases)
    return suggestions, diagnostics


def tagged(source: SourceMap, suggestions: list[Suggestion]) -> bytes:
    """The source's bytes with the suggested tags inserted, nothing else changed."""
    prefix = source.tags[0].name.rpartition(":")[0]
    insertions = []
    for s in suggestions:
        open_tag, close_tag = s.tags(prefix)
        insertions += [(s.start, 1, open_tag), (s.end, 0, close_tag)]
    return insert(source.data, insertions)


def text_runs(source: SourceMap, skip: set[str]):
    """The character data runs inside ``<text>`` where mentions may be tagged, each with the text after it."""
    text = source.tree.getroot().find("tei:text", NS)
    if text is not None:
        yield from _runs(source, text, skip)


def _runs(source: SourceMap, el, skip: set[str]):
    if localname(el) in skip:
        return
    children = list(el)
    yield source.texts[source.index[el]], _leading_text(children[:1])
    for k, child in enumerate(children):
        if isinstance(child.tag, str):
            yield from _runs(source, child, skip)
        yield source.tails[source.index[child]], _leading_text(children[k + 1:k + 2])


def _leading_text(nodes: list) -> str:
    """The start of the text of the element that follows a run ("Vice President <persName>George…")."""
    return "".join(nodes[0].itertext())[:40] if nodes and isinstance(nodes[0].tag, str) else ""


def mismatches(source: SourceMap, entities: dict[str, Entity], aliases: dict[str, str]) -> list[Diagnostic]:
    """Tagged mentions whose text is none of their entry's names: possibly the wrong @ref."""
    found = []
    for el in source.tree.getroot().iter(*(f"{{{NS['tei']}}}{name}" for name in MENTION_KIND)):
        entity = entities.get(el.get("ref") or "")
        text = normalize_space("".join(el.itertext()))
        if entity is None or not text or fold(text) in known_forms(entity, aliases):
            continue
        line, col = source.position(source.tags[source.index[el]].start)
        found.append(Diagnostic(
            str(source.path), line, col, WARNING,
            f'<{localname(el)}> "{text}" matches none of the names of {entity.ref} ({entity.name}); '
            f'check the @ref, or add "{text}" to the entry as a variant', "annotate.name-mismatch"))
    return found


def _suggestion(source: SourceMap, run: Run, hit: Hit) -> Suggestion | Diagnostic:
    start, end = run.boundary(hit.start), run.boundary(hit.end)
    line, col = source.position(run.begins[hit.start])
    shown = hit.name + hit.possessive
    if hit.ambiguous:
        return Diagnostic(str(source.path), line, col, INFO,
                          f'"{shown}" may be any of {", ".join(hit.refs)}; tag it by hand', "annotate.ambiguous")
    if start is None or end is None:
        return Diagnostic(str(source.path), line, col, INFO,
                          f'mention "{shown}" of {hit.refs[0]} is inside a CDATA section; tag it by hand',
                          "annotate.cdata")
    return Suggestion(source.path, line, col, start, end, hit.name, hit.refs[0], shown)


def _matching_refs(only: str, entities: dict[str, Entity]) -> set[str]:
    if ":" in only:
        return {only} & set(entities)
    return {ref for ref, e in entities.items() if e.id == only}


def _read(path: Path, reporter: Reporter) -> SourceMap | None:
    try:
        return read_source(path)
    except SourceError as exc:
        reporter.extend(_displayed(reporter, exc.diagnostics))
        return None


def _displayed(reporter: Reporter, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics with paths shown relative to the project."""
    return [Diagnostic(reporter.display(d.path), d.line, d.col, d.severity, d.message, d.code) for d in diagnostics]
