"""The search records and the Pagefind index: the text lxml would give, streamed records, the bundle."""

from __future__ import annotations

import dataclasses

import lxml.html
import pytest

from conftest import ROOT
from edition import search
from edition.authority import load_authorities
from edition.build import read_documents
from edition.config import load_config
from edition.errors import Reporter, UsageError
from edition.model import Edition
from edition.search import Record, document_records, index_records, plain_text


def lxml_text(fragment: str) -> str:
    """The reader's text as lxml.html gives it: the reference :func:`plain_text` must match."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for cls in search.NOT_TEXT:
        for node in root.xpath(f".//*[contains(concat(' ', @class, ' '), ' {cls} ')]"):
            node.drop_tree()
    return " ".join(root.text_content().split())


SNIPPETS = {
    "plain": "Went home.",
    "empty": "",
    "spaces": "  \n ",
    "mention": 'Went <a class="mention place" href="x" title="A &amp; B">home</a> today',
    "note-ref": 'home<sup class="note-ref note-editorial"><a id="n1-ref" href="#n1">1</a></sup>. Then',
    "page-break": 'con<span class="pb" id="page-2"><a href="#page-2">[p. 2]</a></span>tinued',
    "forme-work": 'a <span class="fw fw-header"><span>SECRET</span> <b>x</b></span> b',
    "old-anchor": '<span class="old-anchor" id="p9"></span>Text',
    "nested-furniture": 'a<span class="pb"><span class="fw">x<span>y</span></span>z</span>b',
    "void-inside-furniture": 'a<span class="pb"><br>x<img src="i.png"></span>b',
    "self-closing-furniture": 'a<span class="pb"/>b<i>c</i>',
    "furniture-last": 'a<sup class="note-ref">1</sup>',
    "class-word-inside-another": '<span class="pbx">kept</span> <span class="xfw">kept</span>',
    "class-with-other-words": '<span class="inferred pb">gone</span>kept',
    "single-quotes": "<span class='note-ref'>1</span>kept",
    "unquoted-class": "<span class=pb>1</span>kept",
    "upper-case-markup": '<SPAN CLASS="pb">1</SPAN>kept',
    "entities": "R&amp;D &lt;b&gt; &#39;x&#39; &quot;y&quot; caf&eacute; a&nbsp;b",
    "comment": "a<!-- <span class=\"pb\">x</span> -->b",
    "furniture-words-in-text": "the pb and fw of a note-ref",
    "line-breaks": "a<br>b<br/>c\n\td",
    "dfn-and-time": '<dfn class="term">nuclear weapons</dfn> on <time datetime="1988">1988</time>',
}


@pytest.mark.parametrize("fragment", SNIPPETS.values(), ids=SNIPPETS.keys())
def test_plain_text_is_what_lxml_gives(fragment):
    assert plain_text(fragment) == lxml_text(fragment)


@pytest.fixture(scope="module")
def sample():
    config = load_config(ROOT)
    reporter = Reporter()
    entities = load_authorities(config.authority_dir, reporter)
    documents = read_documents(config, entities, reporter)
    return config, documents, entities


def test_plain_text_of_every_sample_paragraph_is_what_lxml_gives(sample):
    _, [doc], _ = sample
    for para in doc.paragraphs:
        assert plain_text(para.html) == lxml_text(str(para.html)), para.id


def test_records_need_only_the_document_and_the_entities(sample):
    config, [doc], entities = sample
    records = document_records(doc, entities)
    assert records == document_records(doc, Edition(config.title, [doc], entities))
    assert len(records) == len(doc.paragraphs)
    assert [r.content for r in records] == [lxml_text(str(p.html)) for p in doc.paragraphs]


def test_records_are_streamed_into_the_index_with_many_in_flight(sample, tmp_path, monkeypatch):
    config, [doc], entities = sample
    monkeypatch.setattr(search, "IN_FLIGHT", 4)
    taken = []

    def records():  # a generator: the index takes the records as they come
        for record in document_records(doc, entities):
            taken.append(record.url)
            yield record
        yield Record("documents/extra.html#p1", "A record of its own", {"title": "Extra"}, {"year": ["1999"]})

    stats = index_records(tmp_path, records(), config)
    bundle = tmp_path / search.BUNDLE_DIR
    assert stats["records"] == len(doc.paragraphs) + 1 == len(taken) + 1
    assert len(list(bundle.glob("fragment/*.pf_fragment"))) == stats["records"]
    assert (bundle / "pagefind.js").is_file() and not list(bundle.glob("pagefind-ui.*"))
    assert stats["files"] == sum(1 for p in bundle.rglob("*") if p.is_file())


def test_an_empty_edition_still_gets_a_bundle(sample, tmp_path):
    config, _, _ = sample
    stats = index_records(tmp_path, iter(()), config)
    assert stats["records"] == 0 and (tmp_path / search.BUNDLE_DIR / "pagefind.js").is_file()


def test_the_wrapper_indexes_a_whole_edition(sample, tmp_path):
    config, [doc], entities = sample
    twin = dataclasses.replace(doc, id="twin", path="documents/twin.html")
    stats = search.write_search_index(tmp_path, Edition(config.title, [doc, twin], entities), config)
    assert stats["records"] == 2 * len(doc.paragraphs)


def test_a_record_pagefind_cannot_read_is_an_error_not_a_hang(sample, tmp_path):
    config, [doc], entities = sample

    def records():
        yield from document_records(doc, entities)[:3]
        yield Record("x.html#p1", "text", {}, {"year": [{"not": "a string"}]})  # not what Pagefind reads
        yield from document_records(doc, entities)[3:]

    with pytest.raises(UsageError, match="pagefind: invalid type.*: x.html#p1"):
        index_records(tmp_path, records(), config)


def test_pagefind_ending_early_is_an_error_not_a_hang(sample, tmp_path, monkeypatch):
    config, [doc], entities = sample
    services, launch = [], search._service

    async def kept():
        services.append(await launch())
        return services[-1]

    def records():
        yield from document_records(doc, entities)[:3]
        services[0]._backend.kill()
        yield from document_records(doc, entities)[3:]

    monkeypatch.setattr(search, "_service", kept)
    with pytest.raises(UsageError, match="pagefind"):
        index_records(tmp_path, records(), config)


# -- bundles -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("documents", "bundles"), [
    (0, 1), (1, 1), (search.DOCS_PER_BUNDLE, 1), (search.DOCS_PER_BUNDLE + 1, 2), (2 * search.DOCS_PER_BUNDLE, 2),
    (2 * search.DOCS_PER_BUNDLE + 1, 4), (3 * search.DOCS_PER_BUNDLE, 4), (1000, 16), (10_000, 128)])
def test_shard_count_is_one_for_small_editions_and_a_power_of_two_above(documents, bundles):
    assert search.shard_count(documents) == bundles


def test_shard_count_never_gives_a_bundle_more_than_its_share():
    for documents in range(0, 40 * search.DOCS_PER_BUNDLE, 7):
        count = search.shard_count(documents)
        assert count & (count - 1) == 0 and documents <= count * search.DOCS_PER_BUNDLE
        assert count == 1 or documents > count // 2 * search.DOCS_PER_BUNDLE, "the least such power of two"


def test_shard_of_is_a_fixed_hash_of_the_id_not_pythons():
    # the same numbers on every machine and run (Python's hash() of a str changes per process)
    assert [search.shard_of(f"memcon-1988-05-{day:02d}", 16) for day in range(1, 9)] == [6, 10, 10, 14, 10, 4, 11, 15]
    assert search.shard_of("memcon-1988-05-31", 1) == 0


def test_shard_of_spreads_documents_evenly():
    ids = [f"memcon-{1981 + n % 8}-{1 + n // 8 % 12:02d}-{n:05d}" for n in range(4000)]
    sizes = [0] * 32
    for ident in ids:
        sizes[search.shard_of(ident, 32)] += 1
    assert min(sizes) > 0.75 * 4000 / 32 and max(sizes) < 1.25 * 4000 / 32


def test_a_doubled_count_splits_each_bundle_in_two():
    for ident in (f"doc-{n}" for n in range(500)):
        assert search.shard_of(ident, 8) % 4 == search.shard_of(ident, 4)


def test_shard_folders_are_distinct_and_none_holds_another():
    assert search.bundle_folders(1) == ["pagefind"]
    assert search.bundle_folders(2) == ["search/2/0", "search/2/1"]
    assert search.shard_folder(3, 16) == "search/16/03" and search.shard_folder(127, 128) == "search/128/127"
    for count in (1, 2, 16, 128):
        folders = search.bundle_folders(count)
        assert folders == sorted(folders) and len(set(folders)) == count
        assert not any(a != b and b.startswith(a + "/") for a in folders for b in folders)
    with pytest.raises(ValueError):
        search.shard_folder(2, 2)


def test_index_records_writes_the_bundle_into_its_folder(sample, tmp_path):
    config, _, _ = sample
    (tmp_path / "search" / "2" / "1" / "stale.txt").parent.mkdir(parents=True)
    (tmp_path / "search" / "2" / "1" / "stale.txt").write_text("from the last build")
    stats = index_records(tmp_path, [Record("documents/a.html#p1", "words", {"title": "A"})], config, "search/2/1")
    bundle = tmp_path / "search" / "2" / "1"
    assert stats["records"] == 1 and (bundle / "pagefind.js").is_file()
    assert not (bundle / "stale.txt").exists() and not (tmp_path / "pagefind").exists()


def test_a_large_edition_is_indexed_in_bundles_each_with_its_own_documents(sample, tmp_path, monkeypatch):
    config, [doc], entities = sample
    monkeypatch.setattr(search, "DOCS_PER_BUNDLE", 2)
    docs = [dataclasses.replace(doc, id=f"memo-{n}", path=f"documents/memo-{n}.html") for n in range(5)]
    stats = search.write_search_index(tmp_path, Edition(config.title, docs, entities), config)
    assert stats["records"] == 5 * len(doc.paragraphs)
    for i, folder in enumerate(search.bundle_folders(4)):
        mine = sum(len(doc.paragraphs) for d in docs if search.shard_of(d.id, 4) == i)
        assert len(list((tmp_path / folder).glob("fragment/*.pf_fragment"))) == mine
        assert search.has_records(tmp_path / folder) == (folder in stats["bundles"]) == (mine > 0)


def test_an_empty_bundle_is_known_as_such(sample, tmp_path):
    config, _, _ = sample
    index_records(tmp_path, [], config, "empty")
    index_records(tmp_path, [Record("documents/a.html#p1", "words", {"title": "A"})], config, "full")
    assert not search.has_records(tmp_path / "empty") and search.has_records(tmp_path / "full")


def test_every_file_of_a_bundle_is_whole(sample, tmp_path):
    # Pagefind's service answers WriteFiles before its files are on disk (Pagefind/pagefind#1271):
    # stopped then, it left about one bundle in a hundred with a pagefind-entry.json cut short
    import gzip
    import json

    config, _, _ = sample
    for n in range(10):
        bundle = tmp_path / str(n)
        records = [Record(f"documents/d{n}.html#p{i}", f"word{i} text", {"title": "T"}, {"year": ["1988"]})
                   for i in range(30)]
        index_records(tmp_path, records, config, str(n))
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["en"]["page_count"] == 30
        for path in bundle.rglob("*.pf_*"):
            assert gzip.decompress(path.read_bytes()).startswith(b"pagefind_dcd"), path
        assert (bundle / "pagefind.js").read_bytes() == (tmp_path / "0" / "pagefind.js").read_bytes()
