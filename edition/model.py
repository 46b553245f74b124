"""The edition as plain data: what templates and indexes see.  No lxml here."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

KINDS = ("person", "place", "org", "term", "work")
KIND_LABELS = {
    "person": ("Person", "Persons"),
    "place": ("Place", "Places"),
    "org": ("Organisation", "Organisations"),
    "term": ("Term", "Terms"),
    "work": ("Work", "Works"),
}


@dataclass
class Identifier:
    type: str
    value: str
    url: str | None = None


@dataclass
class Entity:
    """One authority entry: a person, place, organisation, term or work."""

    id: str
    kind: str
    name: str
    sort: str
    description: str = ""
    variants: list[str] = field(default_factory=list)
    dates: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    path: str = ""
    line: int = 0

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def names(self) -> list[str]:
        return [self.name, self.sort, *self.variants]


@dataclass
class Mention:
    """A tagged mention of an entity in a document."""

    ref: str
    kind: str
    text: str
    doc_id: str
    anchor: str  # the paragraph (or heading block) the mention is in
    label: str  # how a locator shows the anchor: "¶12", "heading"
    line: int = 0


@dataclass
class Note:
    id: str
    n: int
    html: Markup
    anchor: str = ""  # the paragraph the note is attached to
    label: str = ""  # the number shown; FRUS keeps its own (a source note may be "0")
    aliases: list[str] = field(default_factory=list)  # earlier ids that now land here
    kind: str = ""  # the TEI note/@type, e.g. "source" for a FRUS source note


@dataclass
class Paragraph:
    id: str
    n: int
    html: Markup
    classification: str = ""  # category id, e.g. "cls-S"
    pages: list[str] = field(default_factory=list)  # page anchors inside the paragraph
    fingerprint: str = ""  # hash of the paragraph's words, for readers that assign ids (anchors.lock)


@dataclass
class Participant:
    name: str
    ref: str = ""
    role: str = ""
    occupation: str = ""


@dataclass
class Delegation:
    label: str
    participants: list[Participant] = field(default_factory=list)


@dataclass
class Page:
    id: str
    n: str
    inferred: bool = False


@dataclass
class Bibl:
    """A citation of another version or source, e.g. the FRUS printing."""

    text: str
    url: str | None = None
    idno: str = ""


@dataclass
class Document:
    """One memorandum, ready to render."""

    id: str
    title: str
    subtitle: str = ""
    date: str = ""  # ISO day, for sorting
    date_label: str = ""  # "31 May 1988"
    time_label: str = ""  # "10:08–11:07"
    place: str = ""
    place_ref: str = ""
    delegations: list[Delegation] = field(default_factory=list)
    classification: str = ""  # e.g. "SECRET"
    classification_id: str = ""  # e.g. "cls-S"
    declassification: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    parallels: list[Bibl] = field(default_factory=list)
    front: Markup = Markup("")
    body: Markup = Markup("")
    paragraphs: list[Paragraph] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    genre: str = ""  # "Memorandum of Conversation"
    author: str = ""  # the originating office, e.g. "National Security Council"
    archive: str = ""
    archive_place: str = ""
    archive_location: str = ""  # "SYSTEM II 90512"
    source_path: str = ""
    tei_name: str = ""  # file name of the TEI copy in the output
    categories: dict[str, str] = field(default_factory=dict)  # cls-S → Secret
    moved_anchors: dict[str, tuple[str, int]] = field(default_factory=dict)  # old id → (new id, line)
    withdrawn: str = ""  # why the document was withdrawn; empty while it is published
    withdrawn_when: str = ""
    citation: object = None  # edition.cite.DocumentCitation, filled by the build
    path: str = ""  # the page's URL when it is not documents/{id}.html (a document of a volume)
    container: str = ""  # the publication the document is part of, e.g. a FRUS volume's title
    volume: object = field(default=None, repr=False, compare=False)  # its Volume, if it belongs to one
    number: str = ""  # the document's number in its volume
    # kept when the text is dropped (a summary, see edition.build.summarize): the citable anchors'
    # ids, space-separated (one string, not thousands of objects in a large edition)
    anchors: str = field(default="", repr=False, compare=False)
    summary_key: str = field(default="", repr=False, compare=False)  # a hash of the summary

    @property
    def url(self) -> str:
        return self.path or f"documents/{self.id}.html"


@dataclass
class IndexEntry:
    """One entry of an index: its entity, and in how many documents and paragraphs it is mentioned."""

    entity: Entity
    documents: int = 0
    count: int = 0  # how many locators

    @property
    def anchor(self) -> str:
        return self.entity.id

    @property
    def url(self) -> str:
        """Its page, listing the documents and paragraphs that mention it."""
        return f"indexes/{self.entity.kind}s/{self.entity.id}.html"


@dataclass
class Index:
    kind: str
    entries: list[IndexEntry] = field(default_factory=list)

    @property
    def title(self) -> str:
        return KIND_LABELS[self.kind][1]

    @property
    def url(self) -> str:
        return f"indexes/{self.kind}s.html"


@dataclass
class ProsePage:
    slug: str
    title: str
    body: Markup

    @property
    def url(self) -> str:
        return "index.html" if self.slug == "index" else f"{self.slug}.html"


@dataclass
class TocEntry:
    """One division of a volume's table of contents: a heading, documents and subdivisions."""

    id: str
    head: Markup
    kind: str = ""  # compilation, chapter, subchapter …
    documents: list[Document] = field(default_factory=list)
    children: list["TocEntry"] = field(default_factory=list)


@dataclass
class Volume:
    """A published collection of documents (a FRUS volume): its page lists them by division."""

    id: str
    title: str
    path: str  # the volume page's URL
    series: str = ""
    subtitle: str = ""
    publisher: str = ""
    pub_date: str = ""
    source_path: str = ""
    tei_name: str = ""
    toc: list[TocEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list, repr=False, compare=False)
    front: Markup = Markup("")  # front matter as the volume prints it (contents, list of papers)
    back: Markup = Markup("")  # back matter (the printed index)
    notes: list[Note] = field(default_factory=list)  # notes of headings outside the documents

    @property
    def url(self) -> str:
        return self.path


@dataclass
class Edition:
    title: str
    documents: list[Document] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)  # "person:reagan" → Entity
    indexes: list[Index] = field(default_factory=list)
    pages: list[ProsePage] = field(default_factory=list)
    withdrawn: list[Document] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    members: int | None = None  # the DTS root collection's size, where *documents* are left out
