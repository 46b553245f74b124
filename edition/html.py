"""TEI element → HTML fragment, through a table of rules.

Lookup order for an element: predicated rules (:func:`handles` with ``when``)
→ the element's default handler → a :data:`WRAPPERS` row → :data:`UNWRAP` →
:data:`OMIT` → unknown: render the content and warn with the line.  Text is
never dropped.  All text goes through :func:`markupsafe.escape`.

This module is the one to import from; it loads every rule.  The parts:

- :mod:`edition.html_translator`: :class:`Translator` (state, lookup, walking) and its helpers
- :mod:`edition.html_tags`: the rows, for elements that need no code
- :mod:`edition.html_notes`: mentions and footnotes, which the translator records
- :mod:`edition.html_phrase`: phrase-level rules (breaks, dates, links, gaps)
- :mod:`edition.html_blocks`: block-level rules (numbered paragraphs, heads, lists, tables)
"""

from __future__ import annotations

from . import html_blocks, html_notes, html_phrase  # noqa: F401  (importing them registers their rules)
from .html_tags import BLOCKS, NAMESPACED_BLOCKS, OMIT, RENDS, UNWRAP, WRAPPERS
from .html_translator import Handler, Translator, element, handles, safe_href, void

__all__ = ["BLOCKS", "NAMESPACED_BLOCKS", "OMIT", "RENDS", "UNWRAP", "WRAPPERS",
           "Handler", "Translator", "element", "handles", "safe_href", "void"]
