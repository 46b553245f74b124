"""Parallel and incremental builds: same bytes for any number of workers, only what changed is rendered."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from edition import cite
from edition.build import build
from edition.cache import CACHE_DIR
from edition.config import load_config
from edition.errors import ValidationFailed
from edition.scaffold import init_edition

from conftest import SAMPLE_TEI

SITE_WIDE = {"index.html", "indexes/index.html", "participants.html", "search.html", "changelog.html",
             "method.html"}


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def make_edition(root: Path, extra: int = 2) -> Path:
    """The scaffold plus *extra* copies of its memo with their own ids, dates and titles."""
    init_edition(root, title="Incremental")
    memo = root / "tei" / "memos" / "memo-example.xml"
    text = memo.read_text(encoding="utf-8")
    for n in range(1, extra + 1):
        ident = f"memo-copy-{n}"
        copy = text.replace('xml:id="memo-example"', f'xml:id="{ident}"')
        copy = re.sub(r'(<title type="main">)', rf"\1Copy {n}: ", copy, count=1)
        (root / "tei" / "memos" / f"{ident}.xml").write_text(copy, encoding="utf-8")
    return root


def files(site: Path) -> dict[str, bytes]:
    """Every file of *site* but the search index (Pagefind's own output is not reproducible)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and "pagefind" not in p.parts and p.relative_to(site).parts[0] != "search"}


def document_pages(rendered: list[str]) -> set[str]:
    return {url for url in rendered if url.startswith("documents/")}


def test_output_is_byte_identical_for_one_and_two_workers(tmp_path):
    root = make_edition(tmp_path / "ed")
    one = build(load_config(root), out_dir=tmp_path / "one", workers=1)
    two = build(load_config(root), out_dir=tmp_path / "two", workers=2)
    assert one.documents == two.documents == 3
    assert files(tmp_path / "one") == files(tmp_path / "two")


def test_a_rebuild_without_changes_renders_nothing(tmp_path):
    root = make_edition(tmp_path / "ed")
    first = build(load_config(root), workers=2)
    before = files(root / "output")
    again = build(load_config(root), workers=2)
    assert first.rendered and again.rendered == []
    assert again.reused == 3 and again.pages == first.pages
    assert files(root / "output") == before


def test_changing_one_memos_text_renders_its_page_alone(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=2)
    memo = root / "tei" / "memos" / "memo-copy-1.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("opened the meeting", "began the meeting"),
                    encoding="utf-8")
    result = build(load_config(root), workers=2)
    assert result.rendered == ["documents/memo-copy-1.html"]  # no list or index shows its text
    assert result.reused == 2
    assert "began the meeting" in (root / "output" / "documents" / "memo-copy-1.html").read_text(encoding="utf-8")
    fresh = build(load_config(root), out_dir=tmp_path / "fresh", workers=1)
    assert fresh.reused == 0
    assert files(root / "output") == files(tmp_path / "fresh")


def test_changing_one_memos_title_renders_the_pages_that_show_it(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=2)
    memo = root / "tei" / "memos" / "memo-copy-1.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("Copy 1: ", "Copy One: ", 1), encoding="utf-8")
    result = build(load_config(root), workers=2)
    assert SITE_WIDE <= set(result.rendered)
    # its neighbours show its title in their navigation; the entries' pages name it
    assert "documents/memo-copy-1.html" in result.rendered and len(document_pages(result.rendered)) >= 2
    assert "indexes/places/washington.html" in result.rendered
    assert "Copy One: " in (root / "output" / "index.html").read_text(encoding="utf-8")
    assert files(root / "output") == files(_fresh(root, tmp_path))


def test_a_change_renders_only_the_index_entries_it_touches(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    entries = {"indexes/orgs/state-department.html", "indexes/places/washington.html"}
    assert entries <= {p.relative_to(root / "output").as_posix() for p in (root / "output").rglob("*.html")}
    memo = root / "tei" / "memos" / "memo-copy-1.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("opened the meeting", "began the meeting"),
                    encoding="utf-8")
    result = build(load_config(root), workers=1)
    assert not [url for url in result.rendered if url.startswith("indexes/orgs/")]  # its lines are the same
    untagged = {}
    for memo in sorted((root / "tei" / "memos").glob("*.xml")):
        text = memo.read_text(encoding="utf-8")
        untagged[memo] = re.sub(r'<orgName ref="org:state-department">([^<]*)</orgName>', r"\1", text)
        assert untagged[memo] != text
    memo.write_text(untagged[memo], encoding="utf-8")
    result = build(load_config(root), workers=1)
    assert [url for url in result.rendered if url.startswith("indexes/") and "/" in url[8:]] == [
        "indexes/orgs/state-department.html"]  # one document fewer; the place's page is kept
    assert files(root / "output") == files(_fresh(root, tmp_path))
    for memo, text in untagged.items():
        memo.write_text(text, encoding="utf-8")
    build(load_config(root), workers=1)
    assert not (root / "output" / "indexes" / "orgs" / "state-department.html").exists()
    orgs = (root / "output" / "indexes" / "orgs.html").read_text(encoding="utf-8")
    assert "Not mentioned in the documents" in orgs and "orgs/state-department.html" not in orgs
    assert files(root / "output") == files(_fresh(root, tmp_path / "again"))


def test_a_change_re_indexes_only_the_search_bundle_that_holds_the_document(tmp_path, monkeypatch):
    from edition import search

    monkeypatch.setattr(search, "DOCS_PER_BUNDLE", 1)  # three memos, four bundles: one stays empty
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    entries = {p.parent.relative_to(root / "output").as_posix(): p.read_bytes()
               for p in (root / "output" / "search").rglob("pagefind-entry.json")}
    assert len(entries) == 3 and all(folder.startswith("search/4/") for folder in entries)
    bundles = re.search(r'data-bundles="([^"]*)"', (root / "output" / "search.html").read_text(encoding="utf-8"))
    assert sorted(url.removeprefix("./").strip("/") for url in bundles.group(1).split()) == sorted(entries)
    memo = root / "tei" / "memos" / "memo-copy-1.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("opened the meeting", "began the meeting"),
                    encoding="utf-8")
    build(load_config(root), workers=1)
    mine = search.shard_folder(search.shard_of("memo-copy-1", 4), 4)
    after = {folder: (root / "output" / folder / "pagefind-entry.json").read_bytes() for folder in entries}
    assert [folder for folder in entries if after[folder] != entries[folder]] == [mine]
    assert not (root / "output" / "pagefind").exists()
    assert files(root / "output") == files(_fresh(root, tmp_path))
    monkeypatch.setattr(search, "DOCS_PER_BUNDLE", 80)  # one bundle again: the four are gone
    memo.write_text(memo.read_text(encoding="utf-8").replace("began the meeting", "opened the meeting"),
                    encoding="utf-8")
    build(load_config(root), workers=1)
    assert (root / "output" / "pagefind" / "pagefind-entry.json").is_file()
    assert not (root / "output" / "search").exists()
    assert 'data-bundles="pagefind/"' in (root / "output" / "search.html").read_text(encoding="utf-8")


def test_index_lines_lost_from_the_cache_are_gathered_again(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    shutil.rmtree(root / CACHE_DIR / "entry")
    memo = root / "tei" / "memos" / "memo-copy-1.xml"
    memo.write_text(re.sub(r'<orgName ref="org:state-department">([^<]*)</orgName>', r"\1",
                           memo.read_text(encoding="utf-8")), encoding="utf-8")
    result = build(load_config(root), workers=1)
    assert "indexes/orgs/state-department.html" in result.rendered
    assert files(root / "output") == files(_fresh(root, tmp_path))


@pytest.mark.parametrize("change", ["template", "config", "authority"])
def test_shared_inputs_invalidate_every_page(tmp_path, change):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    if change == "template":
        tool = Path(__file__).resolve().parent.parent / "templates" / "document.html"
        (root / "templates").mkdir()
        (root / "templates" / "document.html").write_text(tool.read_text(encoding="utf-8").replace(
            "Cite this document", "How to cite"), encoding="utf-8")
    elif change == "config":
        toml = root / "edition.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace("Incremental", "Renamed"), encoding="utf-8")
    else:
        persons = root / "tei" / "authority" / "persons.xml"
        persons.write_text(persons.read_text(encoding="utf-8").replace("</listPerson>", "</listPerson>\n"),
                           encoding="utf-8")
    result = build(load_config(root), workers=1)
    assert len(document_pages(result.rendered)) == 3 and result.reused == 0
    assert files(root / "output") == files(_fresh(root, tmp_path))


def _fresh(root: Path, tmp_path: Path) -> Path:
    build(load_config(root), out_dir=tmp_path / "fresh", workers=1)
    return tmp_path / "fresh"


def test_a_corrupt_cache_is_ignored(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    for entry in (root / CACHE_DIR).rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    result = build(load_config(root), workers=1)
    assert len(document_pages(result.rendered)) == 3
    assert files(root / "output") == files(_fresh(root, tmp_path))


def test_an_invalid_source_fails_and_leaves_output_and_cache_consistent(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    before = files(root / "output")
    memo = root / "tei" / "memos" / "memo-copy-2.xml"
    good = memo.read_text(encoding="utf-8")
    memo.write_text(good.replace("</body>", "</bdy>"), encoding="utf-8")
    with pytest.raises(ValidationFailed):
        build(load_config(root), workers=1)
    assert files(root / "output") == before
    memo.write_text(good, encoding="utf-8")
    result = build(load_config(root), workers=1)
    assert files(root / "output") == before
    assert document_pages(result.rendered) <= {"documents/memo-copy-2.html"}


def test_citation_templates_give_what_citeproc_gives(sample_site):
    from edition.authority import load_authorities
    from edition.build import read_documents
    from edition.errors import Reporter

    config = load_config(Path(__file__).resolve().parent.parent)
    reporter = Reporter(root=config.root)
    doc = read_documents(config, load_authorities(config.authority_dir, reporter), reporter)[0]
    variants = [{}, {"author": ""}, {"date": "1988-05"}, {"date": "1988"}, {"date": ""}, {"date": "1988-11-17"},
                {"title": "memo (draft)"}, {"title": "the talk with a man"}, {"archive": ""}]
    for change in variants:
        variant = dataclasses.replace(doc, **change)
        fast = cite.cite_document(variant, config)
        item = cite.csl_item(variant, config, cite.access_date())
        for (label, note, entry), style in zip(fast.styles, cite.STYLES.values()):
            assert (str(note), str(entry)) == tuple(s.strip() for s in cite._render(item, style[1], None)), change
    assert SAMPLE_TEI.is_file()


def test_files_added_to_an_unchanged_site_by_hand_are_removed(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    before = files(root / "output")
    (root / "output" / "documents" / "stray.html").write_text("not ours", encoding="utf-8")
    (root / "output" / "dts" / "extra" / "deep").mkdir(parents=True)
    (root / "output" / "dts" / "extra" / "deep" / "x.json").write_text("{}", encoding="utf-8")
    again = build(load_config(root), workers=1)
    assert again.rendered == [] and files(root / "output") == before
    assert not (root / "output" / "dts" / "extra").exists()


def test_deleting_a_memo_removes_its_files(tmp_path):
    root = make_edition(tmp_path / "ed")
    build(load_config(root), workers=1)
    assert (root / "output" / "documents" / "memo-copy-2.html").is_file()
    (root / "tei" / "memos" / "memo-copy-2.xml").unlink()
    result = build(load_config(root), workers=1)
    assert result.documents == 2  # only its neighbours' pages change (their previous/next links)
    assert document_pages(result.rendered) <= {"documents/memo-copy-1.html", "documents/memo-example.html"}
    assert not any("memo-copy-2" in url for url in files(root / "output"))
    assert files(root / "output") == files(_fresh(root, tmp_path))
