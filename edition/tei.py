"""The one hardened XML parser of the project, TEI namespaces and helpers.

Every XML read in the project goes through :func:`parse_file` or
:func:`parse_bytes`: no network, no DTD loading, no external or internal entity
expansion, no huge trees.  A document that declares a DOCTYPE is refused, so
entity bombs and external entities never get a chance to run.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .errors import Diagnostic, ERROR, SourceError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS, "xml": XML_NS}
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def make_parser() -> etree.XMLParser:
    """Return a parser that never touches the network, a DTD or an entity."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=False,
        collect_ids=False,
    )


def parse_bytes(data: bytes, path: str | Path = "<bytes>") -> etree._ElementTree:
    """Parse *data*; raise :class:`SourceError` with a located diagnostic."""
    path = Path(path)
    if not data.strip():
        raise _source_error(path, 1, 1, "file is empty", "xml.empty")
    doctype = _DOCTYPE.search(data)
    if doctype:
        line, col = _position(data, doctype.start())
        raise _source_error(
            path, line, col,
            "DOCTYPE declarations are not allowed; entities and DTDs are never loaded", "xml.doctype")
    try:
        root = etree.fromstring(data, make_parser(), base_url=str(path))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno or 1, 0)
        raise _source_error(path, line or 1, col or 1, _syntax_message(exc), "xml.syntax") from None
    return root.getroottree()


def parse_file(path: str | Path) -> etree._ElementTree:
    """Read and parse one XML file with the hardened parser."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _source_error(path, 0, 0, f"cannot read file: {exc.strerror or exc}", "io.read") from None
    return parse_bytes(data, path)


def check_tei_root(tree: etree._ElementTree, path: str | Path) -> list[Diagnostic]:
    """Check that *tree* is a TEI document with a header."""
    root = tree.getroot()
    where = (str(Path(path)), root.sourceline or 1, 1)
    if etree.QName(root).namespace != TEI_NS:
        ns = etree.QName(root).namespace or "no namespace"
        return [Diagnostic(*where, ERROR,
                           f"root element <{etree.QName(root).localname}> is in {ns!r}; "
                           f"expected <TEI> in {TEI_NS!r}", "tei.namespace")]
    if etree.QName(root).localname != "TEI":
        return [Diagnostic(*where, ERROR,
                           f"root element is <{etree.QName(root).localname}>; expected <TEI>", "tei.root")]
    if root.find("tei:teiHeader", NS) is None:
        return [Diagnostic(*where, ERROR, "<TEI> has no <teiHeader>; every source needs one", "tei.header")]
    return []


def load_tei(path: str | Path) -> etree._ElementTree:
    """Parse *path* and check it is TEI; raise :class:`SourceError` otherwise."""
    tree = parse_file(path)
    problems = check_tei_root(tree, path)
    if problems:
        raise SourceError(str(problems[0]), problems)
    return tree


def q(name: str) -> str:
    """Return the Clark name of a TEI element: ``q("p")`` → ``{…tei…}p``."""
    return f"{{{TEI_NS}}}{name}"


def localname(el) -> str:
    """Return the local name of an element; '' for comments and PIs."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def is_tei(el) -> bool:
    return isinstance(el.tag, str) and el.tag.startswith(f"{{{TEI_NS}}}")


def xml_id(el) -> str | None:
    return el.get(XML_ID)


def normalize_space(text: str) -> str:
    return " ".join(text.split())


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    message = " ".join((exc.msg or str(exc)).split())  # libxml2 messages may span lines
    message = re.sub(r",? line \d+, column \d+$", "", message)
    message = re.sub(r"^.*?:\d+:\d+:(FATAL|ERROR):\w+:\w+: ", "", message)
    return message[:1].lower() + message[1:] if message else "malformed XML"


def _source_error(path: Path, line: int, col: int, message: str, code: str) -> SourceError:
    diagnostic = Diagnostic(str(path), line, col, ERROR, message, code)
    return SourceError(str(diagnostic), [diagnostic])
