"""Shared fixtures: paths, the sample edition built once, HTML helpers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
TRANSCRIPT = ROOT / "sources" / "000_cb4c2dd5a4a58b8f.txt"
SAMPLE_TEI = ROOT / "tei" / "memos" / "memcon-1988-05-31.xml"
SAMPLE_ID = "memcon-1988-05-31"


def copy_edition(source: Path, target: Path) -> Path:
    """Copy an edition's sources (not its output) to *target*."""
    ignore = shutil.ignore_patterns("output", ".git", "__pycache__", ".pytest_cache", "*.egg-info")
    shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """Build the sample edition once per session; return the output directory."""
    from edition.build import build
    from edition.config import load_config

    out = tmp_path_factory.mktemp("sample") / "site"
    result = build(load_config(ROOT), out_dir=out)
    assert result.documents == 1
    return out


def parse_html(path: Path):
    return lxml.html.parse(str(path)).getroot()


def internal_links(site: Path):
    """Yield (page, href, target file, fragment) for every relative link and resource in *site*."""
    from urllib.parse import unquote, urlsplit

    for page in sorted(site.rglob("*.html")):
        root = parse_html(page)
        for el, attr in [(e, "href") for e in root.xpath("//*[@href]")] + [(e, "src") for e in root.xpath("//*[@src]")]:
            href = el.get(attr)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            yield page, href, target, parts.fragment


def broken_links(site: Path) -> list[str]:
    """Every internal link whose file or #fragment does not exist."""
    ids: dict[Path, set[str]] = {}
    broken = []
    for page, href, target, fragment in internal_links(site):
        if not target.is_file() or site.resolve() not in target.parents:
            broken.append(f"{page.relative_to(site)}: {href} (no file)")
            continue
        if fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = set(parse_html(target).xpath("//@id"))
            if fragment not in ids[target]:
                broken.append(f"{page.relative_to(site)}: {href} (no #{fragment})")
    return broken


# -- the browser: Debian's Chromium driven by Playwright, one per test module that asks for a page ----

CHROMIUM = os.environ.get("EDITION_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (bash .ci/run installs Debian's chromium)"
        (pytest.fail if os.environ.get("CI") else pytest.skip)(message)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab; the test fails if the page raised a JavaScript error."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], "JavaScript errors on the page"
