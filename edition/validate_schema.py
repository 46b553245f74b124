"""The edition's RELAX NG grammar and Schematron rules: compile once, run on a tree, locate findings.

Both schemas are read with the hardened parser.  The Schematron is compiled to XSLT
without ``sch:include`` processing and run with every file and network access denied.
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
        compiled = isoschematron.Schematron(_read_schema(path), include=False, store_xslt=True)
        return etree.XSLT(compiled.validator_xslt, access_control=etree.XSLTAccessControl.DENY_ALL)
    except (etree.SchematronParseError, etree.XSLTParseError, etree.XSLTApplyError) as exc:
        raise ConfigError(f"{path}: Schematron does not compile: {_first_error(exc)}") from None


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
    report = schemas.sch(tree)
    findings = report.getroot().iterfind("svrl:*", SVRL) if report.getroot() is not None else ()
    return [_finding(el, tree, path) for el in findings
            if etree.QName(el).localname in ("failed-assert", "successful-report")]


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
