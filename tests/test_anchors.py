"""The anchor lock: published anchors keep resolving, or the build says which and where."""

from __future__ import annotations

import pytest

from conftest import broken_links, parse_html
from edition.anchors import LOCK_NAME, read_lock
from edition.build import build, release
from edition.config import load_config
from edition.errors import ValidationFailed
from edition.scaffold import init_edition

MEMO = "tei/memos/memo-example.xml"


@pytest.fixture
def released(tmp_path):
    """A new edition whose 0.1 release is recorded in the lock."""
    root = tmp_path / "ed"
    init_edition(root)
    added, _ = release(load_config(root))
    assert "memo-example#p1" in added
    return root


def edit(root, old: str, new: str) -> None:
    path = root / MEMO
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def declare(root, revision: str, status: str = "") -> None:
    edit(root, "</teiHeader>", f"<revisionDesc{status}>{revision}</revisionDesc>\n  </teiHeader>")


def test_release_records_every_citable_anchor(released):
    anchors = {e.anchor: e.release for e in read_lock(released / "tei" / LOCK_NAME)}
    assert anchors == {"memo-example": "0.1.0", "memo-example#page-1": "0.1.0",
                       "memo-example#p1": "0.1.0", "memo-example#n1": "0.1.0"}


def test_a_vanished_paragraph_fails_the_build_naming_anchor_and_file(released):
    edit(released, 'xml:id="p1"', 'xml:id="p2"')
    with pytest.raises(ValidationFailed) as failure:
        build(load_config(released))
    [diagnostic] = [d for d in failure.value.diagnostics if d.code == "anchor.removed"]
    lock_line = read_lock(released / "tei" / LOCK_NAME)
    line = next(e.line for e in lock_line if e.anchor == "memo-example#p1")
    assert str(diagnostic) == (
        f"tei/anchors.lock:{line}:1: error: anchor 'memo-example#p1' (published in 0.1.0) no longer exists "
        f"in {MEMO}; declare where it went with <change type=\"anchor\" n=\"p1\" target=\"#NEW-ID\"/> "
        f"in its <revisionDesc> [anchor.removed]")
    assert not (released / "output").exists()


def test_a_declared_move_keeps_the_old_anchor_working(released):
    edit(released, 'xml:id="p1"', 'xml:id="p2"')
    declare(released, '<change when="2027-01-10" type="anchor" n="p1" target="#p2">Paragraph renumbered.</change>')
    build(load_config(released))
    page = parse_html(released / "output" / "documents" / "memo-example.html")
    [old] = page.xpath("//*[@id='p1']")
    assert old.get("class") == "old-anchor"
    assert old.getparent().get("id") == "p2"
    assert broken_links(released / "output") == []
    added, _ = release(load_config(released))
    assert added == ["memo-example#p2"]
    assert "memo-example#p1" in {e.anchor for e in read_lock(released / "tei" / LOCK_NAME)}


def test_a_move_to_nowhere_is_an_error_at_the_declaration(released):
    declare(released, '<change when="2027-01-10" type="anchor" n="p9" target="#p99">Wrong.</change>')
    with pytest.raises(ValidationFailed) as failure:
        build(load_config(released))
    assert [d.code for d in failure.value.diagnostics if d.path == MEMO] == ["anchor.bad-move"]


def test_a_withdrawn_document_leaves_a_tombstone_where_its_anchors_land(released):
    declare(released, '<change when="2027-02-01" type="withdrawn">Withdrawn as a duplicate.</change>',
            status=' status="withdrawn"')
    build(load_config(released))
    out = released / "output"
    tombstone = parse_html(out / "documents" / "memo-example.html")
    assert "Withdrawn as a duplicate." in tombstone.xpath("string(//div[@class='tombstone-notice'])")
    assert set(tombstone.xpath("//span[@class='old-anchor']/@id")) == {"page-1", "p1", "n1"}
    assert parse_html(out / "index.html").xpath("//ol[@class='document-list']") == []
    assert broken_links(out) == []


def test_a_deleted_document_fails_the_build(released):
    (released / MEMO).unlink()
    with pytest.raises(ValidationFailed) as failure:
        build(load_config(released))
    [diagnostic] = [d for d in failure.value.diagnostics if d.path == "tei/anchors.lock"]
    assert diagnostic.code == "anchor.document-removed" and "'memo-example'" in diagnostic.message
