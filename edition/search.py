"""Static full-text search: one Pagefind record per paragraph, written into the site.

Every record's URL is a paragraph anchor (``documents/ID.html#p12``), so a hit
lands on the paragraph; filters come from the model (persons, places,
organisations mentioned in the paragraph, the year, the portion marking).
The index and Pagefind's JavaScript are written into the site: nothing is
loaded from elsewhere.

Two steps, so that a build can make the records where it reads each document
and index them at the end: :func:`document_records` (one document and the
entities, cheap) and :func:`index_records` (streams any number of records into
one Pagefind process, many in flight).

A large edition's index is cut into bundles (shards), each one Pagefind index
in a folder of its own, which the search page merges in the browser with
Pagefind's ``mergeIndex``: one Pagefind process per bundle keeps the memory of
indexing bounded, and a changed document re-indexes only its own bundle.
:func:`shard_count` says how many bundles an edition gets, :func:`shard_of`
which bundle a document's records go to, :func:`shard_folder` where a bundle
is written.  An edition of one bundle has it in ``pagefind/``; an edition of
*count* bundles has them in ``search/COUNT/I`` (``search/16/00`` …
``search/16/15``), so a folder's name tells which documents it holds.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import shutil
from collections import defaultdict, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .config import Config
from .errors import UsageError
from .model import Document, Edition, Entity

BUNDLE_DIR = "pagefind"  # the bundle of an edition that has one
SHARDS_DIR = "search"  # the bundles of an edition that has several: search/COUNT/I
# Documents per bundle, at most on average: 3,920 sample-sized records (49 paragraphs a memo), which
# Pagefind indexes with a peak of 244 MB; the fullest bundle holds some 35 % more, so one Pagefind process
# stays near 320 MB, under 400 (see shard_count for the measurements)
DOCS_PER_BUNDLE = 80
FILTER_KINDS = {"person": "person", "place": "place", "org": "organisation"}
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
# what the page shows around the source's words but is not part of them
NOT_TEXT = ("note-ref", "pb", "fw", "old-anchor")
REPLY_LIMIT = 2**31  # bytes of one reply of Pagefind's: the files of a bundle, in base64
IN_FLIGHT = 512  # records sent before their replies: Pagefind never waits for us, and its queue stays short


@dataclass
class Record:
    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)


def write_search_index(staging: Path, edition: Edition, config: Config) -> dict:
    """Index every paragraph of *edition* into its bundles; return {records, bytes, files, bundles}.

    ``bundles``: the folders of the bundles that have records, for the search page.
    """
    count = shard_count(len(edition.documents))
    totals = {"records": 0, "bytes": 0, "files": 0, "bundles": []}
    for i, folder in enumerate(bundle_folders(count)):
        documents = [doc for doc in edition.documents if shard_of(doc.id, count) == i]
        records = (record for doc in documents for record in document_records(doc, edition.entities))
        stats = index_records(staging, records, config, folder)
        for key in ("records", "bytes", "files"):
            totals[key] += stats[key]
        if stats["records"]:
            totals["bundles"].append(folder)
    return totals


# -- bundles -----------------------------------------------------------------------------------------

def shard_count(n_documents: int) -> int:
    """How many bundles an edition of *n_documents* gets: 1 up to :data:`DOCS_PER_BUNDLE`, else a power of two.

    The count is the least power of two that gives no bundle more than :data:`DOCS_PER_BUNDLE`
    documents on average, so it changes rarely as an edition grows (and when it doubles, each bundle
    splits in two: see :func:`shard_of`).  Peak resident memory of the Pagefind process (1.5.2)
    for records of the sample's paragraphs (433 characters of text on average, four meta fields,
    filters), measured on the process's VmHWM once it had sent the bundle's files::

        records     500   1,000   2,000   3,920   5,000   5,243   10,000
        peak MB      44      73     131     244     305     320      607

    That is some 60 KB a record, nearly all of it while Pagefind makes the files: once it has all
    the records it holds 74 MB for 5,000.  No option of ``create_index`` changes it
    (``write_playground``, ``keep_index_url``, ``verbose``, ``include_characters``: 293–300 MB for
    5,000 when Pagefind wrote the files itself, 294 MB without options), nor leaving out the filters
    (286 MB) or the meta but the title (301 MB).  Only the text does: 215 MB with each record cut to
    200 characters, 125 MB with two words, so some 25 KB a record whatever its text.  80 documents
    of 49 paragraphs are 3,920 records: 244 MB.  Hashing fills the bundles unevenly: of the
    benchmark's 10,000 memos in 128 bundles the fullest has 107 documents (5,243 records: 320 MB),
    the emptiest 59.
    """
    needed = -(-n_documents // DOCS_PER_BUNDLE)
    return 1 if needed <= 1 else 1 << (needed - 1).bit_length()


def shard_of(doc_id: str, count: int) -> int:
    """The bundle (0 ≤ i < *count*) that the records of document *doc_id* go to: the same on every machine.

    A hash of the id, not of its place in the edition, so adding a document moves no other while the
    count stays; and when a power-of-two count doubles, bundle i splits into bundles i and i + count.
    """
    digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def shard_folder(i: int, count: int) -> str:
    """The site-relative folder of bundle *i* of *count*: ``pagefind``, or ``search/16/03`` when sharded."""
    if not 0 <= i < count:
        raise ValueError(f"bundle {i} of {count}")
    if count == 1:
        return BUNDLE_DIR
    return f"{SHARDS_DIR}/{count}/{i:0{len(str(count - 1))}d}"


def bundle_folders(count: int) -> list[str]:
    """The folders of all *count* bundles, in shard order: the search page's ``bundles``."""
    return [shard_folder(i, count) for i in range(count)]


def has_records(bundle: Path) -> bool:
    """Whether the bundle in folder *bundle* indexes any record: the search page cannot merge an empty one.

    Pagefind writes no index for a bundle without records, and its search then fails to load.
    """
    if not (bundle / "pagefind-entry.json").is_file():  # no index at all
        return False
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return any(language.get("page_count") for language in entry.get("languages", {}).values())


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


def index_records(staging: Path, records: Iterable[Record], config: Config, folder: str = BUNDLE_DIR) -> dict:
    """Stream *records* into one Pagefind bundle in ``staging/folder``; return {records, bytes, files}."""
    out = staging / folder
    shutil.rmtree(out, ignore_errors=True)  # a staged update may hold the last build's bundle
    count, files = _run(lambda: _index(records, _language(config)))
    written = _save(files, out)
    return {"records": count, "bytes": sum(len(data) for data in written.values()), "files": len(written)}


def _save(files: list[dict], out: Path) -> dict[str, bytes]:
    """Write the bundle's *files* (as Pagefind sends them) into *out*; return them by path.

    Pagefind's own interfaces are left out: the site has its own search page.
    """
    written = {}
    for file in files:
        name = PurePosixPath(file["path"])
        if not any(name.match(pattern) for pattern in UNUSED):
            written[name.as_posix()] = base64.b64decode(file["content"])
    for name, data in written.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return written


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


async def _index(records: Iterable[Record], language: str) -> tuple[int, list[dict]]:
    """Index *records*; return how many, and the bundle's files as Pagefind sends them (base64).

    The files are asked for, not written by Pagefind: its service answers ``WriteFiles`` before the
    bytes are on disk, and stopping it then leaves files cut short (Pagefind 1.5.2; about one bundle in
    a hundred lost the end of its ``pagefind-entry.json`` here; Pagefind/pagefind#1271).
    """
    service = await _service()
    try:
        index = await service.create_index({"force_language": language})
        count = await service.add_records(index._index_id, records, language)
        reply = await service.post({"type": "GetFiles", "index_id": index._index_id}, "the bundle's files")
    except ConnectionError as lost:  # its end of the pipe closed: Pagefind stopped
        raise UsageError(f"pagefind stopped while indexing ({lost})") from lost
    finally:
        await service.close()
    return count, reply["files"]


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

        async def launch(self) -> "PipelinedService":
            """Start Pagefind; a reply may be as long as the bundle (the stock client allows 2 MB)."""
            self._backend = await asyncio.create_subprocess_exec(
                self._bin, "--service", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, limit=REPLY_LIMIT)
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

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
