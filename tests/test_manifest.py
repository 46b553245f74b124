"""The record of a built site's files (edition.manifest): exact stale sets while most names stay on a shelf."""

from __future__ import annotations

from edition.cache import Cache, Shelf
from edition.manifest import Files

A = "aa" + "0" * 30
B = "bb" + "0" * 30
C = "cc" + "0" * 30


def _record(tmp_path, previous, fresh, kept=()):
    shelf = previous.shelf if previous else Shelf(Cache(tmp_path), "files-test", empty=True)
    return Files.record("build", shelf, previous, set(kept), dict(fresh))


def test_names_in_a_units_own_folders_go_to_the_shelf_and_come_back(tmp_path):
    files = _record(tmp_path, None, {A: "doc/a.html\napi/a/1.json\napi/a/2.json", B: "doc/b.html\napi/b/1.json",
                                     C: "index.html"})
    assert files.units[A].shared == "doc/a.html"  # doc/ is shared with B; api/a/ is A's alone
    assert files.shelf.get(A) == "api/a/1.json\napi/a/2.json"
    assert sorted(files.unit_urls(A)) == ["api/a/1.json", "api/a/2.json", "doc/a.html"]
    assert files.pages() == 3
    assert files.urls_in({"api/a", ""}) == {"api/a/1.json", "api/a/2.json", "index.html"}


def test_a_removed_unit_leaves_exactly_its_own_files_stale(tmp_path):
    first = _record(tmp_path, None, {A: "doc/a.html\nshared.xml\napi/a/1.json", B: "doc/b.html\nshared.xml"})
    second = _record(tmp_path, first, {C: "doc/c.html\napi/c/1.json"}, kept=[B])
    assert first.stale(second) == {"doc/a.html", "api/a/1.json"}  # shared.xml is still B's
    assert second.gone == {A}


def test_a_folder_that_becomes_shared_moves_the_kept_units_names_into_memory(tmp_path):
    first = _record(tmp_path, None, {A: "doc/a.html\napi/x/1.json"})
    assert first.units[A].shared == ""  # alone in the site: every folder its own
    second = _record(tmp_path, first, {B: "api/x/1.json\napi/x/2.json"}, kept=[A])
    assert second.units[A].shared_folders == ("api/x",)
    assert sorted(second.units[A].shared.split("\n")) == ["api/x/1.json"]
    third = _record(tmp_path, second, {}, kept=[A])
    assert second.stale(third) == {"api/x/2.json"}  # api/x/1.json is A's too


def test_the_record_survives_pickling_without_its_shelf(tmp_path):
    import pickle

    files = _record(tmp_path, None, {A: "doc/a.html"})
    files.shelf.save()
    again = pickle.loads(pickle.dumps(files))
    assert again.units == files.units and again.shelf is None and again.gone == frozenset()
    again.shelf = Shelf(Cache(tmp_path), "files-test")
    assert again.unit_urls(A) == ["doc/a.html"]
