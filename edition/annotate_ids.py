"""``edition annotate ids``: give body paragraphs and notes their missing ``xml:id``s, byte-exactly.

Existing ids are never changed.  A new paragraph after the last identified one gets the next
free number (``p50``); one inserted before an identified paragraph gets the id of the paragraph
before it plus the next letter (``p12`` → ``p12a`` → ``p12b``; ``p12z`` → ``p12za``; before
the first paragraph, ``p0a``), so citations of existing paragraphs stay valid and ids stay in
reading order.  Notes get ``n…`` ids by the same rule.  An id published in ``tei/anchors.lock``
is never given to another paragraph, even if it has since disappeared from the document.
"""

from __future__ import annotations

import re
from pathlib import Path

from .anchors import lock_path, read_lock
from .annotate import _read, documents, write_if_unchanged
from .config import Config
from .errors import Reporter
from .tei import NS, XML_ID
from .xmlspans import SourceMap, insert

SERIES = (("p", "tei:text/tei:body//tei:p[not(ancestor::tei:note)]"), ("n", "tei:text//tei:note"))


def assign_ids(config: Config, paths: list[Path] | None = None) -> tuple[Reporter, dict[Path, list[str]]]:
    """Add the missing ids in the memos; return the new ids per changed file."""
    reporter = Reporter(root=config.root)
    locked = [entry.anchor for entry in read_lock(lock_path(config))]
    added = {}
    for path in documents(config, paths):
        source = _read(path, reporter)
        if source is None:
            continue
        doc_id = source.tree.getroot().get(XML_ID) or ""
        plan = plan_ids(source, {a.partition("#")[2] for a in locked if a.startswith(f"{doc_id}#")})
        if plan:
            write_if_unchanged(path, source.data, with_ids(source, plan))
            added[path] = [ident for _, ident in plan]
    return reporter, added


def plan_ids(source: SourceMap, retired: set[str] = frozenset()) -> list[tuple[int, str]]:
    """(node number, new id) for every paragraph and note without an id, in document order.

    *retired* ids (published in the anchor lock, since removed) are never given again.
    """
    root = source.tree.getroot()
    taken = {el.get(XML_ID) for el in root.iter() if isinstance(el.tag, str) and el.get(XML_ID)} | set(retired)
    plan = []
    for prefix, xpath in SERIES:
        plan += _plan_series(root.xpath(xpath, namespaces=NS), prefix, taken)
    return sorted((source.index[el], ident) for el, ident in plan)


def with_ids(source: SourceMap, plan) -> bytes:
    """The source's bytes with ``xml:id="…"`` added right after each element's name."""
    insertions = []
    for i, ident in plan:
        tag = source.tags[i]
        insertions.append((tag.start + 1 + len(tag.name.encode()), 0, f' xml:id="{ident}"'.encode()))
    return insert(source.data, insertions)


def _plan_series(elements: list, prefix: str, taken: set[str]) -> list[tuple[object, str]]:
    pattern = re.compile(rf"^{prefix}(\d+)([a-z]*)$")
    ids = [el.get(XML_ID) for el in elements]
    plan = []
    for k, el in enumerate(elements):
        if ids[k]:
            continue
        if any(ids[k + 1:]):
            new = _between(prefix, pattern, [i for i in ids[:k] if i and pattern.match(i)], taken)
        else:
            new = _next_number(prefix, pattern, taken)
        ids[k] = new
        taken.add(new)
        plan.append((el, new))
    return plan


def _next_number(prefix: str, pattern: re.Pattern, taken: set[str]) -> str:
    numbers = [int(m.group(1)) for m in map(pattern.match, taken) if m]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _between(prefix: str, pattern: re.Pattern, before: list[str], taken: set[str]) -> str:
    number, suffix = (pattern.match(before[-1]).groups() if before else ("0", ""))
    while True:
        suffix = _next_suffix(suffix)
        if f"{prefix}{number}{suffix}" not in taken:
            return f"{prefix}{number}{suffix}"


def _next_suffix(suffix: str) -> str:
    """a → b … → z → za: every result sorts after its input."""
    if suffix and suffix[-1] < "z":
        return suffix[:-1] + chr(ord(suffix[-1]) + 1)
    return suffix + "a"
