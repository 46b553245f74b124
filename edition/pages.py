"""The edition's prose pages: reStructuredText rendered with docutils."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docutils.core import publish_parts
from docutils.writers import html5_polyglot
from markupsafe import Markup

from .cache import FINGERPRINT, Cache, digest
from .errors import Diagnostic
from .model import ProsePage

# Prose is trusted less than code: no file inclusion, no raw HTML.
DOCUTILS_SETTINGS = {
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "halt_level": 5,
    "report_level": 2,
    "initial_header_level": 2,
    "doctitle_xform": True,
    "embed_stylesheet": False,
    "input_encoding": "utf-8",
    "syntax_highlight": "none",
}
_MESSAGE = re.compile(r"^(?P<path>.*?):(?P<line>\d+): \((?P<level>[A-Z]+)/\d\) (?P<msg>.*)$")
_SEVERITY = {"INFO": "info", "WARNING": "warning", "ERROR": "error", "SEVERE": "error"}


def read_pages(pages_dir: Path, display, cache: Cache | None = None) -> tuple[list[ProsePage], list[Diagnostic]]:
    """Render every ``*.rst`` in *pages_dir*; ``index.rst`` becomes the home page text.  Pages rendered
    before are taken from *cache* (by their text)."""
    pages, diagnostics = [], []
    if not pages_dir.is_dir():
        return pages, diagnostics
    for path in sorted(pages_dir.glob("*.rst")):
        shown = display(path)
        key = digest(FINGERPRINT, shown, path.read_bytes())
        done = cache.get("pages", key) if cache else None
        page, found = done if done is not None else render_page(path, shown)
        if cache and done is None:
            cache.put("pages", key, (page, found))
        pages.append(page)
        diagnostics.extend(found)
    return pages, diagnostics


def render_page(path: Path, shown: str) -> tuple[ProsePage, list[Diagnostic]]:
    stream = io.StringIO()
    settings = dict(DOCUTILS_SETTINGS, warning_stream=stream)
    parts = publish_parts(source=path.read_text(encoding="utf-8"), source_path=shown,
                          writer=html5_polyglot.Writer(), settings_overrides=settings)
    page = ProsePage(path.stem, parts["title"] or path.stem.replace("-", " ").title(), Markup(parts["body"]))
    return page, _diagnostics(stream.getvalue(), shown)


def _diagnostics(text: str, shown: str) -> list[Diagnostic]:
    found = []
    for line in text.splitlines():
        m = _MESSAGE.match(line)
        if m:
            message = m["msg"][:1].lower() + m["msg"][1:].rstrip(".")
            found.append(Diagnostic(shown, int(m["line"]), 0, _SEVERITY.get(m["level"], "warning"),
                                    message, "rst.docutils"))
    return found
