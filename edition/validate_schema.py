"""The edition's RELAX NG grammar and Schematron rules: compile once, run on a tree, locate findings.

Both schemas are read with the hardened parser.  The Schematron is compiled to XSLT
without ``sch:include`` processing and run with every file and network access denied.

The ISO skeleton compiles every pattern into a walk over the whole document (about a
microsecond per element and pattern, so most of the time with 28 patterns).  The compiled
stylesheet is adjusted so that a pattern whose rule contexts are element paths visits just
the elements they select, in document order; it fires the same rules on the same nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, isoschematron

from . import tei
from .errors import ERROR, WARNING, ConfigError, Diagnostic, SourceError

RNG_FILE = "edition.rng"
SCH_FILE = "edition.sch"
TOOL_SCHEMA_DIR = Path(__file__).resolve().parent.parent / "tei" / "schema"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
XSL = "{http://www.w3.org/1999/XSL/Transform}"
# SVRL without a <fired-rule> per visited node: only failed asserts and successful reports are read
SKELETON_PARAMS = isoschematron.stylesheet_params(**{"generate-fired-rule": "false"})

_CACHE: dict[tuple, object] = {}


@dataclass(frozen=True)
class Schemas:
    """The compiled grammar and rules of one schema directory."""

    rng: etree.RelaxNG
    sch: etree.XSLT
    rng_path: Path
    sch_path: Path


def schema_dir(project_schema_dir: Path) -> Path:
    """Prefer the project's own schemas; fall back to the tool's."""
    return project_schema_dir if (project_schema_dir / RNG_FILE).is_file() else TOOL_SCHEMA_DIR


def load_schemas(directory: Path) -> Schemas:
    """Compile (or reuse) edition.rng and edition.sch from *directory*."""
    rng_path, sch_path = directory / RNG_FILE, directory / SCH_FILE
    return Schemas(_cached(rng_path, _compile_rng), _cached(sch_path, _compile_sch), rng_path, sch_path)


def _cached(path: Path, compile_):
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns)
    except OSError:
        raise ConfigError(f"{path}: schema file is missing; reinstall the tool or restore tei/schema/") from None
    if key not in _CACHE:
        _CACHE[key] = compile_(path)
    return _CACHE[key]


def _read_schema(path: Path) -> etree._ElementTree:
    try:
        return tei.parse_file(path)
    except SourceError as exc:
        raise ConfigError(f"schema cannot be read: {exc.message}") from None


def _compile_rng(path: Path) -> etree.RelaxNG:
    try:
        return etree.RelaxNG(_read_schema(path))
    except etree.RelaxNGParseError as exc:
        raise ConfigError(f"{path}: RELAX NG schema does not compile: {_first_error(exc)}") from None


def _compile_sch(path: Path) -> etree.XSLT:
    try:
        return etree.XSLT(rules_xslt(_read_schema(path)), access_control=etree.XSLTAccessControl.DENY_ALL)
    except etree.SchematronParseError as exc:
        raise ConfigError(f"{path}: Schematron does not compile: {exc}") from None
    except (etree.XSLTParseError, etree.XSLTApplyError) as exc:
        raise ConfigError(f"{path}: Schematron does not compile: {_first_error(exc)}") from None


def rules_xslt(schema: etree._ElementTree) -> etree._XSLTResultTree:
    """Compile a Schematron schema with the ISO skeleton; each pattern visits only its rules' contexts."""
    expanded = isoschematron.iso_abstract_expand(schema)
    if not isoschematron.schematron_schema_valid(expanded):
        raise etree.SchematronParseError(_first_error(isoschematron.schematron_schema_valid))
    return _visit_contexts_only(isoschematron.iso_svrl_for_xslt1(expanded, **SKELETON_PARAMS))


def _visit_contexts_only(validator: etree._XSLTResultTree) -> etree._XSLTResultTree:
    """Apply each pattern's rules to the nodes its contexts select instead of walking the document."""
    root = validator.getroot()
    for walk in root.findall(f"{XSL}template[@match='/']//{XSL}apply-templates"):
        if walk.get("select") is None:
            walk.getparent().remove(walk)  # a walk in the default mode, which has no rules
        elif walk.get("select") == "/" and walk.get("mode"):
            _select_contexts(root, walk)
    return validator


def _select_contexts(root: etree._Element, walk: etree._Element) -> None:
    """Point the pattern's walk from "/" at the union of its rule contexts, if they are element paths."""
    mode = walk.get("mode")
    templates = [t for t in root.iterfind(f"{XSL}template") if t.get("mode") == mode]
    rules = [t for t in templates if float(t.get("priority", 0)) >= 1000]  # the skeleton's rule priorities
    paths = [_as_path(t.get("match", "")) for t in rules]
    if not rules or None in paths:
        return
    walk.set("select", " | ".join(paths))
    for template in templates:
        if template in rules:  # no descent into the context's children: they are selected already
            for descend in template.findall(f"{XSL}apply-templates[@mode='{mode}']"):
                template.remove(descend)
        else:  # the default rules that walk on and skip text
            root.remove(template)


def _as_path(pattern: str) -> str | None:
    """``a | b/c[@x]`` → ``//a | //b/c[@x]``: an XPath that selects just what *pattern* matches, or None.

    Only patterns of element names, ``*``, ``/``, ``//`` and predicates qualify: a relative one
    matches a node exactly when ``//pattern`` selects it (XSLT 1.0, 5.2), and the skeleton's walk
    visits every element.  (A rule's own position() is the one thing that differs; rules have no
    use for it.)
    """
    branches, outside = _split_union(pattern)
    if outside is None or "::" in outside or not _ELEMENT_PATH.fullmatch(outside) or not all(branches):
        return None
    return " | ".join(_branch_path(branch) for branch in branches)


def _branch_path(branch: str) -> str:
    """``*[@a or @b]`` → ``//@a/.. | //@b/..``; other branches → ``//branch``.

    libxml2 tests a predicate on each of the document's elements about five times slower than
    it collects the elements that carry an attribute.
    """
    carrying = _CARRYING.fullmatch(branch)
    if carrying:
        return " | ".join(f"//{name}/.." for name in re.split(r"\s+or\s+", carrying.group(1)))
    return branch if branch.startswith("/") else "//" + branch


def _split_union(pattern: str) -> tuple[list[str], str | None]:
    """The ``|`` branches of *pattern*, and its text outside predicates and literals (None if unbalanced)."""
    branches, outside, depth, quote, start = [], [], 0, "", 0
    for i, ch in enumerate(pattern):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[]":
            depth += 1 if ch == "[" else -1
        elif depth == 0:
            outside.append(ch)
            if ch == "|":
                branches.append(pattern[start:i].strip())
                start = i + 1
    branches.append(pattern[start:].strip())
    return branches, None if depth or quote else "".join(outside)


_ELEMENT_PATH = re.compile(r"[\w.:*/|\s-]+")  # names, *, / and // (no axes, functions or attributes)
_CARRYING = re.compile(r"\*\[\s*(@[\w.:-]+(?:\s+or\s+@[\w.:-]+)*)\s*\]")  # *[@a], *[@a or @b]


def _first_error(exc: Exception) -> str:
    log = getattr(exc, "error_log", None)
    return (log[0].message if log else str(exc)).strip()


def check_grammar(schemas: Schemas, tree: etree._ElementTree, path: Path) -> list[Diagnostic]:
    """Validate *tree* against the RELAX NG grammar; one diagnostic per message."""
    if schemas.rng.validate(tree):
        return []
    return [Diagnostic(str(path), e.line or 1, e.column or 1, ERROR, _rng_message(e.message), "rng.invalid")
            for e in schemas.rng.error_log]


def _rng_message(message: str) -> str:
    message = message.strip().rstrip(".")
    for pattern, replacement in _RNG_MESSAGES:
        new = re.sub(pattern, replacement, message)
        if new != message:
            return new
    return message[:1].lower() + message[1:]


_RNG_MESSAGES = [
    (r"^Did not expect element (\S+) there$",
     r"<\1> is not allowed here; see docs/schema.md for where it may go"),
    (r"^Expecting element (\S+), got (\S+)$", r"expected <\1> here, found <\2>"),
    (r"^Element (\S+) failed to validate attributes$",
     r"<\1> has an attribute or attribute value the schema does not allow; see docs/schema.md for the value lists"),
    (r"^Invalid attribute (\S+) for element (\S+)$", r'<\2> does not take @\1; remove it'),
    (r"^Element (\S+) has extra content: (\S+)$", r"<\1> has unexpected content <\2>; see docs/schema.md"),
    (r"^Element (\S+) failed to validate content$", r"<\1> has content the schema does not allow"),
    (r"^Expecting an element (\S+), got nothing$", r"<\1> is missing here"),
    (r"^Element (\S+): Expecting an element (\S+), got nothing$", r"<\1> is missing <\2>"),
]


def check_rules(schemas: Schemas, tree: etree._ElementTree, path: Path) -> list[Diagnostic]:
    """Run the Schematron on *tree*; each finding at the line of the element it is about."""
    report = schemas.sch(tree).getroot()
    findings = [] if report is None else report.xpath("svrl:failed-assert | svrl:successful-report", namespaces=SVRL)
    return [_finding(el, tree, path) for el in findings]


def _finding(el, tree: etree._ElementTree, path: Path) -> Diagnostic:
    severity = WARNING if el.get("role") == WARNING else ERROR
    message = tei.normalize_space("".join(el.itertext()))
    return Diagnostic(str(path), _line(tree, el.get("location", "")), 1, severity, message, el.get("id") or "sch")


def _line(tree: etree._ElementTree, location: str) -> int:
    """Resolve an SVRL location (a namespace-free XPath) to a source line."""
    try:
        nodes = tree.xpath(location, namespaces=tei.NS) if location else []
    except etree.XPathError:
        return 1
    node = nodes[0] if nodes else None
    if node is not None and not hasattr(node, "sourceline"):
        node = node.getparent()  # an attribute or text result: its element
    return getattr(node, "sourceline", None) or 1
