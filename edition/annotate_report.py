"""``edition annotate report``: how far the annotation has come, per document and edition-wide."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .annotate import _read, analyse, annotator, documents
from .authority import MENTION_KIND, split_ref
from .config import Config
from .errors import Reporter
from .model import KINDS
from .tei import NS, XML_ID


@dataclass
class DocumentReport:
    """Tagged and suggested mentions of one document, by kind and by entity."""

    path: str
    id: str
    tagged: Counter = field(default_factory=Counter)
    suggested: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {"path": self.path, "id": self.id, "tagged": _by_kind(self.tagged),
                "suggested": _by_kind(self.suggested), "entities": dict(self.entities.most_common())}


@dataclass
class Report:
    documents: list[DocumentReport]
    unused: list[str]

    def as_json(self) -> str:
        return json.dumps({"documents": [d.as_dict() for d in self.documents], "unused": self.unused},
                          indent=2, ensure_ascii=False)

    def as_table(self) -> str:
        """A plain-text table: one row per document and kind, then frequencies and unused entries."""
        rows = [("document", "kind", "tagged", "suggested")]
        for doc in self.documents:
            rows += [(doc.id, kind, str(doc.tagged[kind]), str(doc.suggested[kind])) for kind in KINDS
                     if doc.tagged[kind] or doc.suggested[kind]]
        lines = _columns(rows)
        for doc in self.documents:
            lines += ["", f"entity frequencies in {doc.id}:"]
            lines += _columns([(ref, str(n)) for ref, n in doc.entities.most_common()], indent="  ")
        lines += ["", f"unused authority entries ({len(self.unused)}):"]
        lines += [f"  {ref}" for ref in self.unused] or ["  none"]
        return "\n".join(lines)


def report(config: Config, paths: list[Path] | None = None) -> tuple[Reporter, Report]:
    """Count tagged and suggested mentions in the memos; list entries no memo mentions."""
    work = annotator(config)
    docs = []
    for path in documents(config, paths):
        source = _read(path, work.reporter)
        if source is None:
            continue
        suggestions, _ = analyse(source, work)
        doc = DocumentReport(work.reporter.display(path), source.tree.getroot().get(XML_ID) or path.stem)
        for el in _mentions(source.tree):
            doc.tagged[split_ref(el.get("ref"))[0]] += 1
            doc.entities[el.get("ref")] += 1
        doc.suggested.update(split_ref(s.ref)[0] for s in suggestions)
        docs.append(doc)
    used = set().union(*(d.entities for d in docs)) if docs else set()
    return work.reporter, Report(docs, sorted(set(work.entities) - used))


def _mentions(tree):
    text = tree.getroot().find("tei:text", NS)
    if text is None:
        return []
    names = [f"{{{NS['tei']}}}{name}" for name in MENTION_KIND]
    return [el for el in text.iter(*names) if split_ref(el.get("ref") or "")]


def _by_kind(counter: Counter) -> dict:
    return {kind: counter[kind] for kind in KINDS}


def _columns(rows, indent: str = "") -> list[str]:
    if not rows:
        return [f"{indent}none"]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
