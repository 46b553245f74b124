"""TEI → HTML rules for block-level structure that needs code: numbered paragraphs and the region
that numbers them, headings, lists, quotations and tables.

Each of them degrades to a span inside phrase content (``t.inline``), so the HTML stays valid.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .html_tags import BLOCKS
from .html_translator import Translator, element, handles
from .model import Paragraph
from .tei import TEI_NS, XML_ID, localname


@handles("p", when=lambda el: bool(el.get(XML_ID)) and next(el.iterancestors(f"{{{TEI_NS}}}note"), None) is None)
def numbered_paragraph(t: Translator, el) -> Markup:
    """``<p xml:id="p12">`` in the body → ``<p id="p12">`` with a ¶12 permalink."""
    if t.inline or not t.numbered:
        return t.block(el, *BLOCKS["p"])
    n = len(t.paragraphs) + 1
    ident = el.get(XML_ID)
    saved = (t.anchor, t.anchor_label)
    t.anchor, t.anchor_label = ident, f"¶{n}"
    first_page = len(t.pages)
    try:
        inner = t.inline_content(el)
    finally:
        t.anchor, t.anchor_label = saved
    cls_id = (el.get("ana") or "").lstrip("#")
    para = Paragraph(ident, n, inner, cls_id, [p.id for p in t.pages[first_page:]])
    t.paragraphs.append(para)
    permalink = element("a", Markup(f"¶{n}"), cls="pnum", href=f"#{ident}",
                        aria_label=f"Permalink to paragraph {n}")
    cite = element("a", Markup("cite"), cls="pcite", href=f"#cite-{ident}",
                   aria_label=f"Cite paragraph {n} or report a correction")
    classes = " ".join(filter(None, ["para", cls_id and f"ana-{cls_id}", *t.rend_classes(el)]))
    return element("p", t.old_anchors(ident) + permalink + cite + Markup(" ") + inner, cls=classes, id=ident,
                   data_n=str(n))


@handles("body", "div", when=lambda el: localname(el) == "body" or el.get("type") in ("conversation", "document"))
def numbered_region(t: Translator, el) -> Markup:
    """The body numbers its paragraphs; the heading block does not."""
    t.numbered += 1
    try:
        return t.block(el, *BLOCKS[localname(el)])
    finally:
        t.numbered -= 1


@handles("head")
def head(t: Translator, el) -> Markup:
    """``<head>`` → a block heading (a span inside phrase content)."""
    if t.inline:
        return element("span", t.content(el), cls="head block")
    typ = el.get("type")
    return element("p", t.inline_content(el), cls=" ".join(filter(None, ["head", typ and f"head-{typ}"])))


@handles("list")
def list_(t: Translator, el) -> Markup:
    """``<list>`` → ``<ul>``; label/item pairs → ``<dl>``; inside a paragraph, spans."""
    typ = el.get("type")
    cls = " ".join(filter(None, ["list", typ and f"list-{typ}"]))
    if t.inline:
        return element("span", t.content(el), cls=f"{cls} block")
    heads, items = [], [escape(el.text or "")]
    glossary = el.find(f"{{{TEI_NS}}}label") is not None
    for child in el:
        if localname(child) == "head":
            heads.append(head(t, child) + escape(child.tail or ""))
        else:
            items.append(_list_child(t, child, glossary) + escape(child.tail or ""))
    heads, items = Markup("").join(heads), Markup("").join(items)
    if glossary:
        return heads + element("dl", items, cls=cls)
    return element("div", heads + element("ul", items), cls=cls)


def _list_child(t: Translator, child, glossary: bool) -> Markup:
    name = localname(child)
    if name == "label" and glossary:
        return element("dt", t.inline_content(child))
    if name == "item":
        return element("dd" if glossary else "li", t.content(child), id=child.get(XML_ID))
    # pbs, notes, comments and stray elements between items: keep them, inside an item
    rendered = t.render(child)
    if not rendered:
        return rendered
    return element("dd" if glossary else "li", rendered, cls="list-aside")


@handles("item")
def stray_item(t: Translator, el) -> Markup:
    return element("span", t.content(el), cls="item block")


@handles("quote")
def quote(t: Translator, el) -> Markup:
    if t.inline:
        return element("q", t.inline_content(el), cls="quote")
    return element("blockquote", t.content(el), cls="quote")


@handles("table")
def table(t: Translator, el) -> Markup:
    if t.inline:
        return element("span", t.content(el), cls="table block")
    saved, t.inline = t.inline, 0
    try:
        # the whitespace between rows and cells is kept: it separates their words in the page's text
        rows = Markup("").join(_row(t, row) + escape(row.tail or "") for row in el.iterfind(f"{{{TEI_NS}}}row"))
        heads = Markup("").join(element("caption", t.inline_content(h)) for h in el.iterfind(f"{{{TEI_NS}}}head"))
    finally:
        t.inline = saved
    return element("table", heads + element("tbody", rows), cls="table")


def _row(t: Translator, row) -> Markup:
    cells = []
    for cell in row.iterfind(f"{{{TEI_NS}}}cell"):
        tag = "th" if cell.get("role") == "label" or row.get("role") == "label" else "td"
        cells.append(element(tag, t.content(cell), colspan=cell.get("cols"), rowspan=cell.get("rows"))
                     + escape(cell.tail or ""))
    return element("tr", escape(row.text or "") + Markup("").join(cells))
