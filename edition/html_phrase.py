"""TEI → HTML rules for phrase-level elements that need code: page and line breaks, forme work,
portion marks, dates, links, gaps and graphics.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .html_translator import Translator, element, handles, void
from .model import Page
from .tei import XML_ID


@handles("pb")
def page_break(t: Translator, el) -> Markup:
    """``<pb n="2" xml:id="page-2"/>`` → an unobtrusive, linkable page marker."""
    n = el.get("n") or "?"
    inferred = el.get("type") == "inferred"
    ident = el.get(XML_ID) or f"page-{len(t.pages) + 1}"
    t.pages.append(Page(ident, n, inferred))
    label = f"[p. {n}]" if not inferred else f"[p. {n}?]"
    title = f"Page {n}" + (" (number not printed in the source)" if inferred else "")
    link = element("a", escape(label), href=f"#{ident}", title=title)
    return t.old_anchors(ident) + element("span", link, cls="pb" + (" inferred" if inferred else ""), id=ident,
                                          data_page=n)


@handles("fw")
def forme_work(t: Translator, el) -> Markup:
    """``<fw type="stamp">`` → kept out of the reading text but viewable."""
    kind = el.get("type") or "fw"
    tag = "span" if t.inline else "div"
    return element(tag, t.inline_content(el), cls=f"fw fw-{kind}", title=f"{kind} (not part of the text)")


@handles("lb")
def line_break(t: Translator, el) -> Markup:
    return void("br")


@handles("seg", when=lambda el: el.get("type") == "portion")
def portion_mark(t: Translator, el) -> Markup:
    """``<seg type="portion">(S)</seg>`` → a marked span that can be toggled."""
    return element("span", t.inline_content(el), cls="portion")


@handles("date", "origDate")
def date(t: Translator, el) -> Markup:
    """``<date when="1986">`` → ``<time datetime="1986">``."""
    when = el.get("when") or el.get("from")
    if when and _valid_datetime(when):
        return element("time", t.inline_content(el), cls="date", datetime=when)
    return element("span", t.inline_content(el), cls="date")


@handles("ref")
def reference(t: Translator, el) -> Markup:
    """``<ref target="https://…">`` → a link; an unsafe or unknown target → plain text."""
    target = el.get("target") or ""
    href = t.resolve(target)
    if href is None:
        if target.startswith("#") and t.links is not None:
            t.warn(el, f"<ref> target {target!r} is not in this source; rendered as text", "ref.unresolved")
        elif target:
            t.warn(el, f"<ref> target {target!r} is not a safe or known link; rendered as text", "html.unsafe-url")
        return element("span", t.inline_content(el), cls="ref")
    return element("a", t.inline_content(el), cls="ref", href=href)


@handles("gap")
def gap(t: Translator, el) -> Markup:
    return element("span", escape("[…]"), cls="gap", title=el.get("reason") or "omitted")


@handles("graphic")
def graphic(t: Translator, el) -> Markup:
    return Markup("")


def _valid_datetime(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?)?)?", value))
