"""Citations of documents and paragraphs: CSL-JSON → Chicago and MLA through citeproc-py; BibTeX; COinS.

One CSL item per document.  Paragraph pinpoints are rendered once per document
with placeholder locators and filled in per paragraph, so a document with 50
paragraphs costs one citeproc run, not 50.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from .cite_templates import render as _render, rendered  # noqa: F401  (_render: citeproc directly, for tests)
from .config import Config
from .model import Document

STYLES = {
    "chicago": ("Chicago (notes and bibliography)", "chicago-notes-bibliography-access-dates"),
    "mla": ("MLA (9th edition)", "modern-language-association"),
}
_PARA = "PARAGRAPHNUMBERTOKEN"
_ANCHOR = "PARAGRAPHANCHORTOKEN"


@dataclass
class DocumentCitation:
    """Everything the page shows or offers for citing one document."""

    styles: list[tuple[str, Markup, Markup]] = field(default_factory=list)  # (label, note, bibliography)
    pinpoints: dict[str, Markup] = field(default_factory=dict)  # paragraph id → Chicago note with ¶
    corrections: dict[str, str] = field(default_factory=dict)  # paragraph id → report-a-correction URL
    csl_json: str = ""
    bibtex: str = ""
    coins: str = ""  # the title attribute of a Z3988 span
    meta: list[tuple[str, str]] = field(default_factory=list)  # Highwire/Dublin Core <meta> pairs
    json_ld: str = ""
    url: str = ""
    accessed: str = ""


def access_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's day for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def absolute_url(config: Config, path: str) -> str:
    """*path* under the edition's published base URL; the bare path when none is configured."""
    base = config.base_url
    return f"{base.rstrip('/')}/{path}" if base else path


def csl_item(doc: Document, config: Config, accessed: dt.date) -> dict:
    """The document as a CSL-JSON item (a manuscript held in an archive, published in the edition)."""
    item = {
        "id": doc.id,
        "type": "manuscript",
        "title": doc.title,
        "genre": doc.genre or "Memorandum",
        "container-title": doc.container or config.title,
        "collection-title": config.title if doc.container else None,
        "publisher": config.publisher or None,
        "version": config.version,
        "URL": absolute_url(config, doc.url),
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "archive": doc.archive or None,
        "archive-place": doc.archive_place or None,
        "archive_location": doc.archive_location or None,
        "language": config.language,
    }
    if doc.author:
        item["author"] = [{"literal": doc.author}]
    parts = [int(p) for p in doc.date.split("-") if p.isdigit()] if doc.date else []
    if parts:
        item["issued"] = {"date-parts": [parts]}
    return {k: v for k, v in item.items() if v is not None}


def cite_document(doc: Document, config: Config, accessed: dt.date | None = None) -> DocumentCitation:
    """Build the citation block, pinpoints, downloads and reference-manager metadata of *doc*."""
    accessed = accessed or access_date()
    item = csl_item(doc, config, accessed)
    citation = DocumentCitation(url=item["URL"], accessed=accessed.isoformat())
    for label, style_name in STYLES.values():
        note, entry = rendered(item, style_name, None)
        citation.styles.append((label, Markup(note.strip()), Markup(entry.strip())))
    citation.pinpoints = _pinpoints(doc, config, item)
    citation.corrections = _corrections(config, doc)
    citation.csl_json = json.dumps([item], indent=2, ensure_ascii=False) + "\n"
    citation.bibtex = bibtex(doc, config, item, accessed)
    citation.coins = coins(doc, config, item)
    citation.meta = meta_tags(doc, config, item)
    citation.json_ld = json_ld(doc, config, item)
    return citation


def _pinpoints(doc: Document, config: Config, item: dict) -> dict[str, Markup]:
    template_item = dict(item, URL=absolute_url(config, f"{doc.url}#{_ANCHOR}"))
    note = rendered(template_item, STYLES["chicago"][1], _PARA)[0].strip()
    return {p.id: Markup(note.replace(_PARA, str(p.n)).replace(_ANCHOR, str(escape(p.id))))
            for p in doc.paragraphs}


def _corrections(config: Config, doc: Document) -> dict[str, str]:
    """:func:`correction_url` of every paragraph: made once with placeholders, which percent-encoding keeps."""
    if not doc.paragraphs:
        return {}
    template = correction_url(config, doc, _ANCHOR, _PARA)  # type: ignore[arg-type]
    if template is None:
        return {}
    urls = {p.id: template.replace(_ANCHOR, quote(p.id, safe="")).replace(_PARA, str(p.n)) for p in doc.paragraphs}
    first = doc.paragraphs[0]
    if urls[first.id] != correction_url(config, doc, first.id, first.n):  # a placeholder in the document's text
        return {p.id: url for p in doc.paragraphs if (url := correction_url(config, doc, p.id, p.n))}
    return urls


def correction_url(config: Config, doc: Document, para_id: str, n: int) -> str | None:
    """A link that reports a correction to one paragraph: mailto or an issue-tracker URL template."""
    target = config.corrections.strip()
    where = f"{doc.id} ¶{n} (#{para_id}), release {config.version}"
    if target.lower().startswith("mailto:") and "?" not in target:
        body = (f"Document: {doc.title} ({doc.date_label})\nParagraph: ¶{n}, "
                f"{absolute_url(config, doc.url)}#{para_id}\nRelease: {config.version}\n\nCorrection:\n")
        return f"{target}?{urlencode({'subject': f'Correction: {where}', 'body': body}, quote_via=quote)}"
    if target.lower().startswith("https://"):
        for name, value in (("document", doc.id), ("paragraph", para_id), ("release", config.version)):
            target = target.replace(f"{{{name}}}", quote(value, safe=""))
        return target
    return None


def bibtex(doc: Document, config: Config, item: dict, accessed: dt.date) -> str:
    """A BibLaTeX ``@misc`` entry for *doc*."""
    fields = [
        ("title", f"{{{_tex(doc.title)}}}"),
        ("author", f"{{{_tex(doc.author)}}}" if doc.author else ""),
        ("date", doc.date),
        ("type", _tex(doc.genre)),
        ("howpublished", _tex(f"{config.title}, version {config.version}")),
        ("organization", _tex(config.publisher)),
        ("version", _tex(config.version)),
        ("url", item["URL"]),
        ("urldate", accessed.isoformat()),
        ("note", _tex(", ".join(filter(None, [doc.archive_location, doc.archive, doc.archive_place])))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{doc.id},\n{body}\n}}\n"


_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
        "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex(text: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in text or "")


def coins(doc: Document, config: Config, item: dict) -> str:
    """An OpenURL ContextObject that Zotero reads as a *document* (book format, genre document)."""
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"),
        ("rft.genre", "document"),
        ("rft.title", doc.title),
        ("rft.date", doc.date),
        ("rft.aucorp", doc.author),
        ("rft.pub", config.publisher),
        ("rft.edition", f"version {config.version}"),
        ("rft.series", config.title),
        ("rft_id", item["URL"]),
        ("rft.language", config.language),
    ]
    return urlencode([(k, v) for k, v in pairs if v], quote_via=quote)


def meta_tags(doc: Document, config: Config, item: dict) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` and Dublin Core tags for reference managers."""
    tags = [
        ("citation_title", doc.title),
        ("citation_author", doc.author),
        ("citation_date", doc.date.replace("-", "/")),
        ("citation_publication_date", doc.date.replace("-", "/")),
        ("citation_publisher", config.publisher),
        ("citation_inbook_title", config.title),
        ("citation_edition", f"version {config.version}"),
        ("citation_language", config.language),
        ("citation_public_url", item["URL"]),
        ("citation_abstract_html_url", item["URL"]),
        ("DC.title", doc.title),
        ("DC.date", doc.date),
        ("DC.type", "Text"),
        ("DC.identifier", item["URL"]),
        ("DC.publisher", config.publisher),
        ("DC.language", config.language),
    ]
    return [(name, value) for name, value in tags if value]


def json_ld(doc: Document, config: Config, item: dict) -> str:
    """schema.org ArchiveComponent description of *doc* (a data block, not a script)."""
    data = {
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "name": doc.title,
        "dateCreated": doc.date or None,
        "url": item["URL"],
        "inLanguage": config.language,
        "holdingArchive": {"@type": "ArchiveOrganization", "name": doc.archive} if doc.archive else None,
        "isPartOf": {"@type": "CreativeWork", "name": config.title, "version": config.version,
                     "publisher": config.publisher or None},
        "author": {"@type": "Organization", "name": doc.author} if doc.author else None,
    }
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False, indent=1)
    # no "<" at all inside the <script> data block, so nothing can close or comment it out
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
