"""Static full-text search: one Pagefind record per paragraph, written into the site.

Every record's URL is a paragraph anchor (``documents/ID.html#p12``), so a hit
lands on the paragraph; filters come from the model (persons, places,
organisations mentioned in the paragraph, the year, the portion marking).
The index and Pagefind's JavaScript are written to ``pagefind/`` in the site:
nothing is loaded from elsewhere.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from .config import Config
from .errors import UsageError
from .model import Document, Edition

BUNDLE_DIR = "pagefind"
FILTER_KINDS = {"person": "person", "place": "place", "org": "organisation"}
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
# what the page shows around the source's words but is not part of them
NOT_TEXT = ("note-ref", "pb", "fw", "old-anchor")


@dataclass
class Record:
    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)


def write_search_index(staging: Path, edition: Edition, config: Config) -> dict:
    """Index every paragraph of *edition* into ``staging/pagefind``; return {records, bytes, files}."""
    records = [record for doc in edition.documents for record in document_records(doc, edition)]
    out = staging / BUNDLE_DIR
    shutil.rmtree(out, ignore_errors=True)  # a staged update may hold the last build's bundle
    _run(lambda: _write(records, out, _language(config)))
    for pattern in UNUSED:  # Pagefind's own interfaces: the site has its own search page
        for path in out.glob(pattern):
            path.unlink()
    files = [path for path in out.rglob("*") if path.is_file()]
    return {"records": len(records), "bytes": sum(path.stat().st_size for path in files), "files": len(files)}


def document_records(doc: Document, edition: Edition) -> list[Record]:
    """One record per numbered paragraph of *doc*, with its filters."""
    mentioned = _mentions_by_anchor(doc, edition)
    year = doc.date[:4]
    records = []
    for para in doc.paragraphs:
        filters = {name: sorted(values) for name, values in mentioned.get(para.id, {}).items()}
        if year:
            filters["year"] = [year]
        marking = doc.categories.get(para.classification) or para.classification
        if marking:
            filters["classification"] = [marking]
        title = f"{doc.date_label or doc.id}, ¶{para.n} — {doc.title}"
        meta = {"title": title, "document": doc.title, "date": doc.date_label, "paragraph": f"¶{para.n}"}
        records.append(Record(f"{doc.url}#{para.id}", plain_text(para.html), meta, filters))
    return records


def plain_text(html: str) -> str:
    """The reader's text of an HTML fragment, without note numbers, page markers and furniture."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(str(html), create_parent="div")
    for cls in NOT_TEXT:
        for node in root.xpath(f".//*[contains(concat(' ', @class, ' '), ' {cls} ')]"):
            node.drop_tree()
    return " ".join(root.text_content().split())


def _mentions_by_anchor(doc: Document, edition: Edition) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for mention in doc.mentions:
        entity = edition.entities.get(mention.ref)
        if entity is not None and entity.kind in FILTER_KINDS:
            found[mention.anchor][FILTER_KINDS[entity.kind]].add(entity.name)
    return found


def _language(config: Config) -> str:
    return (config.language or "en").split("-")[0].lower()


def _run(coroutine) -> None:
    """Run ``coroutine()`` to the end, also when the caller is inside an event loop (as under Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine())
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(coroutine())).result()


async def _write(records: list[Record], out: Path, language: str) -> None:
    service = await _service()
    try:
        index = await service.create_index({"force_language": language})
        for record in records:
            await index.add_custom_record(url=record.url, content=record.content, language=language,
                                          meta=record.meta, filters=record.filters)
        await index.write_files(output_path=str(out))
    finally:
        await service.close()


async def _service():
    from pagefind.service import PagefindService, get_executable

    if get_executable() is None:
        raise UsageError("the search index needs the Pagefind binary; install it with: pip install 'pagefind[bin]'")

    class PromptService(PagefindService):
        """Pagefind's service, reading each reply as it comes.

        The stock poller sleeps 0.1 s before every reply: 5 s for the 49 paragraphs of the sample.
        """

        async def _wait_for_responses(self) -> None:
            while True:
                line = await self._backend.stdout.readuntil(b",")
                reply = json.loads(base64.b64decode(line[:-1])) or {}
                future = self._responses.get(reply.get("message_id"))
                if future is None or future.done():
                    continue
                payload = reply["payload"]
                if payload.get("type") == "Error":
                    future.set_exception(UsageError(f"pagefind: {payload.get('message')}"))
                else:
                    future.set_result(payload)

    return await PromptService().launch()
