"""The build as a whole: atomic output, refusal to write on errors, the CLI, ``edition init``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_edition, parse_html
from edition.build import build
from edition.config import load_config
from edition.errors import UsageError, ValidationFailed
from edition.scaffold import init_edition


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def new_edition(tmp_path) -> Path:
    init_edition(tmp_path / "ed", title="Test edition")
    return tmp_path / "ed"


def test_init_scaffolds_an_edition_that_validates_and_builds(new_edition):
    validated = run("validate", "--project", str(new_edition), "--strict")
    assert validated.returncode == 0, validated.stderr
    assert "0 errors, 0 warnings" in validated.stderr
    built = run("build", str(new_edition))
    assert built.returncode == 0, built.stderr
    out = new_edition / "output"
    assert (out / "documents" / "memo-example.html").is_file()
    assert parse_html(out / "index.html").xpath("string(//h1)") == "Test edition"


def test_init_refuses_a_non_empty_directory(new_edition):
    with pytest.raises(UsageError, match="not empty"):
        init_edition(new_edition)


def test_failed_build_writes_nothing_and_keeps_the_published_output(new_edition):
    out = new_edition / "output"
    build(load_config(new_edition))
    before = snapshot(out)
    memo = new_edition / "tei" / "memos" / "memo-example.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("</body>", "</bdy>"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failure:
        build(load_config(new_edition))
    assert any(d.code == "xml.syntax" and d.path == "tei/memos/memo-example.xml" for d in failure.value.diagnostics)
    assert snapshot(out) == before
    assert sorted(p.name for p in new_edition.iterdir() if p.name.startswith(".output")) == []


def test_cli_reports_a_located_error_and_exits_1_without_traceback(new_edition):
    memo = new_edition / "tei" / "memos" / "memo-example.xml"
    memo.write_text(memo.read_text(encoding="utf-8").replace("</body>", "</bdy>"), encoding="utf-8")
    result = run("build", str(new_edition))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert any(line.startswith("tei/memos/memo-example.xml:") and line.endswith("[xml.syntax]")
               for line in result.stderr.splitlines()), result.stderr
    assert not (new_edition / "output").exists()


def test_build_refuses_to_replace_a_directory_it_did_not_build(new_edition, tmp_path):
    foreign = tmp_path / "precious"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("years of work")
    with pytest.raises(UsageError, match="not built by edition"):
        build(load_config(new_edition), out_dir=foreign)
    assert (foreign / "thesis.txt").read_text() == "years of work"


def test_rebuild_replaces_output_whole(new_edition):
    build(load_config(new_edition))
    stale = new_edition / "output" / "documents" / "withdrawn.html"
    stale.write_text("old")
    build(load_config(new_edition))
    assert not stale.exists()
    assert (new_edition / "output" / "documents" / "memo-example.html").is_file()


def test_markup_in_tei_text_is_escaped_in_the_page(new_edition):
    memo = new_edition / "tei" / "memos" / "memo-example.xml"
    hostile = "&lt;script&gt;alert('x')&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
    memo.write_text(memo.read_text(encoding="utf-8").replace("opened the meeting", hostile), encoding="utf-8")
    (new_edition / "edition.toml").write_text(
        '[edition]\ntitle = "<script>alert(2)</script>"\n', encoding="utf-8")
    build(load_config(new_edition))
    page = new_edition / "output" / "documents" / "memo-example.html"
    root = parse_html(page)
    assert not root.xpath("//script[not(@src or @type='application/ld+json' or @type='application/json')] | //img")
    assert "<script>alert('x')</script>" in root.xpath("string(//p[@id='p1'])")
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page.read_text(encoding="utf-8")


def test_no_project_is_a_usage_error(tmp_path):
    result = run("build", str(tmp_path))
    assert result.returncode == 2
    assert "is not an edition" in result.stderr and "Traceback" not in result.stderr


def test_sample_edition_builds_from_the_cli(tmp_path):
    project = copy_edition(ROOT, tmp_path / "sample")
    result = run("build", cwd=project)
    assert result.returncode == 0, result.stderr
    pages = sum(1 for _ in (project / "output").rglob("*.html"))  # 12, and a page per index entry
    assert pages > 12 and f"built {pages} pages from 1 document into" in result.stdout
    assert (project / "output" / "documents" / "memcon-1988-05-31.html").is_file()
