"""Static full-text search: one Pagefind record per paragraph, written into the site.

Every record's URL is a paragraph anchor (``documents/ID.html#p12``), so a hit
lands on the paragraph; filters come from the model (persons, places,
organisations mentioned in the paragraph, the year, the portion marking).
The index and Pagefind's JavaScript are written to ``pagefind/`` in the site:
nothing is loaded from elsewhere.

Two steps, so that a build can make the records where it reads each document
and index them at the end: :func:`document_records` (one document and the
entities, cheap) and :func:`index_records` (streams any number of records into
one Pagefind process, many in flight).
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re
import shutil
from collections import defaultdict, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import UsageError
from .model import Document, Edition, Entity

BUNDLE_DIR = "pagefind"
FILTER_KINDS = {"person": "person", "place": "place", "org": "organisation"}
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
# what the page shows around the source's words but is not part of them
NOT_TEXT = ("note-ref", "pb", "fw", "old-anchor")
IN_FLIGHT = 512  # records sent before their replies: Pagefind never waits for us, and its queue stays short


@dataclass
class Record:
    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)


def write_search_index(staging: Path, edition: Edition, config: Config) -> dict:
    """Index every paragraph of *edition* into ``staging/pagefind``; return {records, bytes, files}."""
    records = (record for doc in edition.documents for record in document_records(doc, edition.entities))
    return index_records(staging, records, config)


def document_records(doc: Document, entities: dict[str, Entity] | Edition) -> list[Record]:
    """One record per numbered paragraph of *doc*, with its filters (*entities*: by id, or an Edition's)."""
    entities = entities.entities if isinstance(entities, Edition) else entities
    mentioned = _mentions_by_anchor(doc, entities)
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


def index_records(staging: Path, records: Iterable[Record], config: Config) -> dict:
    """Stream *records* into a Pagefind index in ``staging/pagefind``; return {records, bytes, files}."""
    out = staging / BUNDLE_DIR
    shutil.rmtree(out, ignore_errors=True)  # a staged update may hold the last build's bundle
    count = _run(lambda: _write(records, out, _language(config)))
    for pattern in UNUSED:  # Pagefind's own interfaces: the site has its own search page
        for path in out.glob(pattern):
            path.unlink()
    files = [path for path in out.rglob("*") if path.is_file()]
    return {"records": count, "bytes": sum(path.stat().st_size for path in files), "files": len(files)}


# -- the reader's text of a paragraph --------------------------------------------------------------

_TAGS = re.compile(r"<(?:!--.*?--|/?[A-Za-z][^>]*)>", re.S)
_TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][^\s/>]*)([^>]*)>", re.S)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def plain_text(fragment: str) -> str:
    """The reader's text of an HTML fragment, without note numbers, page markers and furniture.

    ``Went <a>home</a><sup class="note-ref">1</sup> back`` → ``Went home back``: what lxml.html's
    ``text_content()`` gives once those elements are dropped, for the HTML the edition writes.
    """
    fragment = str(fragment)
    if any(name in fragment for name in NOT_TEXT):
        fragment = _without_furniture(fragment)
    return " ".join(html.unescape(_TAGS.sub("", fragment)).split())


def _without_furniture(fragment: str) -> str:
    """*fragment* without the elements whose class is one of :data:`NOT_TEXT` (their tails stay)."""
    kept, start, depth = [], 0, 0  # depth: how deep inside a dropped element
    for tag in _TAG.finditer(fragment):
        closing, name, attributes = tag.groups()
        if name is None or name.lower() in _VOID or attributes.rstrip().endswith("/"):
            continue  # a comment or an element without content
        if depth:
            depth += -1 if closing else 1
            start = tag.end()
        elif not closing and _is_furniture(attributes):
            kept.append(fragment[start:tag.start()])
            depth = 1
    return "".join(kept) + (fragment[start:] if not depth else "")


def _is_furniture(attributes: str) -> bool:
    found = _CLASS.search(attributes)
    if found is None:
        return False
    classes = f" {html.unescape(next(value for value in found.groups() if value is not None))} "
    return any(f" {name} " in classes for name in NOT_TEXT)


def _mentions_by_anchor(doc: Document, entities: dict[str, Entity]) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for mention in doc.mentions:
        entity = entities.get(mention.ref)
        if entity is not None and entity.kind in FILTER_KINDS:
            found[mention.anchor][FILTER_KINDS[entity.kind]].add(entity.name)
    return found


def _language(config: Config) -> str:
    return (config.language or "en").split("-")[0].lower()


# -- Pagefind ----------------------------------------------------------------------------------------

def _run(coroutine):
    """Run ``coroutine()`` to the end, also when the caller is inside an event loop (as under Playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine())).result()


async def _write(records: Iterable[Record], out: Path, language: str) -> int:
    service = await _service()
    try:
        index = await service.create_index({"force_language": language})
        count = await service.add_records(index._index_id, records, language)
        await index.write_files(output_path=str(out))
    except ConnectionError as lost:  # its end of the pipe closed: Pagefind stopped
        raise UsageError(f"pagefind stopped while indexing ({lost})") from lost
    finally:
        await service.close()
    return count


def _retrieved(future: asyncio.Future) -> None:
    """Mark a failed reply as seen: the first failure is raised, the others need no warning."""
    if not future.cancelled():
        future.exception()


def _original_id(payload: dict) -> int | None:
    """The id of the message an error is about, when Pagefind could not read it (newer versions say so)."""
    try:
        return json.loads(payload["original_message"])["message_id"]
    except (KeyError, TypeError, ValueError):
        return None


async def _service():
    from pagefind.service import PagefindService, get_executable

    if get_executable() is None:
        raise UsageError("the search index needs the Pagefind binary; install it with: pip install 'pagefind[bin]'")

    class PipelinedService(PagefindService):
        """Pagefind's service, with many records in flight and each reply read as it comes.

        The stock client sends one message and awaits its reply, after polling with a 0.1 s sleep:
        5 s for the 49 paragraphs of the sample.  Pagefind reads its input on a thread of its own and
        handles the messages in order, so records can be written while it indexes the earlier ones.
        """

        def __init__(self) -> None:
            super().__init__()
            self._labels: dict[int, str] = {}  # message id → the record it adds, for errors

        def post(self, payload: dict, label: str = "") -> asyncio.Future:
            """Write *payload* to Pagefind; the future has its reply."""
            if self._backend.stdin.is_closing():
                raise ConnectionResetError("its input is closed")
            self._message_id += 1
            future = self._responses[self._message_id] = self._loop.create_future()
            future.add_done_callback(_retrieved)
            if label:
                self._labels[self._message_id] = label
            message = json.dumps({"message_id": self._message_id, "payload": payload}, ensure_ascii=False)
            self._backend.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
            return future

        async def add_records(self, index_id: int, records: Iterable[Record], language: str) -> int:
            """Add *records*, at most :data:`IN_FLIGHT` unanswered; return how many."""
            pending: deque[asyncio.Future] = deque()
            count = 0
            for record in records:
                pending.append(self.post({"type": "AddRecord", "index_id": index_id, "url": record.url,
                                          "content": record.content, "language": language, "meta": record.meta,
                                          "filters": record.filters, "sort": None}, record.url))
                count += 1
                if len(pending) >= IN_FLIGHT:
                    await self._backend.stdin.drain()
                    while len(pending) > IN_FLIGHT // 2:
                        await pending.popleft()
            await self._backend.stdin.drain()
            for future in pending:
                await future
            return count

        async def _wait_for_responses(self) -> None:
            while True:
                try:
                    line = await self._backend.stdout.readuntil(b",")
                except asyncio.IncompleteReadError:  # Pagefind ended: no more replies will come
                    self._fail_all("pagefind stopped before it answered")
                    return
                reply = json.loads(base64.b64decode(line[:-1])) or {}
                payload = reply.get("payload") or {}
                message_id = reply.get("message_id")
                if message_id is None:  # a message it could not read, answered as soon as it was read
                    message_id = _original_id(payload)
                future = self._responses.pop(message_id, None)
                label = self._labels.pop(message_id, None)
                if future is None or future.done():
                    continue
                if payload.get("type") == "Error":
                    future.set_exception(UsageError(f"pagefind: {payload.get('message')}: {label or 'a request'}"))
                else:
                    future.set_result(payload)

        def _fail_all(self, why: str) -> None:
            for message_id, future in self._responses.items():
                if not future.done():
                    future.set_exception(UsageError(f"{why}: {self._labels.get(message_id, 'a request')}"))
            self._responses.clear()

        async def close(self) -> None:
            """Stop Pagefind (every request was answered, or the indexing failed)."""
            self._poll_task.cancel()
            if self._backend.returncode is None:
                self._backend.terminate()
            await self._backend.wait()

    return await PipelinedService().launch()
