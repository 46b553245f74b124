"""Decide what each furniture run is: footers, a page break, headers and the page number.

A run inside a paragraph is always a page break; one between paragraphs is a page break when it
holds a banner or a page number (banners are printed at the top and bottom of every page); the
run after the last paragraph is the last page's footer.  Within a run the page break falls before
the banners that precede the printed page number, else in the middle of the final banners.
"""

from __future__ import annotations

import re

from .ingest_layout import Break, Fw, Layout, Para, PageBreak

DASHED = re.compile(r"-\s*(\d+)\s*-|Page (\d+)(?: of \d+)?")
FRONT_TYPES = {"banner": "header", "docNumber": "docNumber", "declass": "footer", "stamp": "stamp", "number": "stamp"}


def paginate(layout: Layout, doc_cls: str) -> list[PageBreak]:
    """Type every fw and place the page breaks; return them in order (page 1 first)."""
    for item in layout.front:
        if isinstance(item, Fw):
            _type_front(item, doc_cls)
    pages = [PageBreak("1", True, 1, "page-1")]
    for brk, is_break in breaks(layout.body):
        split(brk, doc_cls, pages if is_break else None)
    return pages


def breaks(body: list):
    """Each :class:`Break` of the body, with whether it is a page break."""
    last_para = max((i for i, item in enumerate(body) if isinstance(item, Para)), default=-1)
    for i, item in enumerate(body):
        if isinstance(item, Para):
            for part in item.parts:
                if isinstance(part, Break):
                    yield part, True
        else:
            yield item, i < last_para and any(fw.role in ("banner", "number") for fw in item.items)


def split(brk: Break, doc_cls: str, pages: list[PageBreak] | None) -> None:
    """Fill ``brk.before``, ``brk.pb`` and ``brk.after``; *pages* None: no page break here."""
    for fw in brk.items:
        _type_front(fw, doc_cls)
    if pages is None:
        brk.before = [_as(fw, "footer") for fw in brk.items]
        return
    expected = _next_number(pages)
    number = _page_number(brk.items, expected)
    cut = _cut(brk.items, number)
    brk.before = [_as(fw, "footer") for fw in brk.items[:cut]]
    brk.after = [_as(fw, "header") for fw in brk.items[cut:]]
    printed = _number_value(brk.items[number]) if number is not None else None
    if number is not None:
        brk.items[number].type = "pageNum"
    n = str(printed if printed is not None else expected)
    line = brk.items[number].lines[0].no if number is not None else brk.line
    brk.pb = PageBreak(n, printed is None, line, _page_id(n, pages))
    pages.append(brk.pb)


def _type_front(fw: Fw, doc_cls: str) -> None:
    if fw.role == "banner" and doc_cls and fw.cls != doc_cls:
        fw.role = "stamp"  # another classification than the document's: an archive or review stamp
    fw.type = FRONT_TYPES[fw.role]


def _as(fw: Fw, position: str) -> Fw:
    if fw.role == "banner":
        fw.type = position
    return fw


def _page_number(items: list[Fw], expected: int) -> int | None:
    """Index of the printed page number: the expected number, or one typed as ``- 3 -`` / ``Page 3``."""
    for i, fw in enumerate(items):
        if fw.role == "number" and (_number_value(fw) == expected or DASHED.fullmatch(fw.text)):
            return i
    return None


def _number_value(fw: Fw) -> int | None:
    digits = re.findall(r"\d+", fw.text)
    return int(digits[0]) if digits else None


def _cut(items: list[Fw], number: int | None) -> int:
    """Where the page break falls in *items*."""
    if number is not None:
        k = number
        while k > 0 and items[k - 1].role == "banner":
            k -= 1
        return k
    t = len(items)
    while t > 0 and items[t - 1].role == "banner":
        t -= 1
    run = len(items) - t
    return t + run // 2


def _next_number(pages: list[PageBreak]) -> int:
    last = pages[-1].n
    return int(last) + 1 if last.isdigit() else len(pages) + 1


def _page_id(n: str, pages: list[PageBreak]) -> str:
    taken = {p.id for p in pages}
    ident, k = f"page-{n}", 2
    while ident in taken:
        ident, k = f"page-{n}-{k}", k + 1
    return ident
