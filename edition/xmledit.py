"""Byte-exact edits of XML files: insert a snippet, leave every other byte as it was.

Re-serialising a hand-edited file with lxml would change quotes, entities and line breaks
everywhere; :func:`insert_before_closing` splices new text in front of one element's closing
tag instead, matching the file's indentation and line endings, and writes atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from . import tei
from .errors import SourceError

# Markup that can hide tags (comments, CDATA, PIs) and the tags themselves.
_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(/?)([^\s/>!?]+)[^>]*?(/?)>", re.DOTALL)


def insert_before_closing(path: str | Path, parent_xpath: str, snippet: str,
                          expected: bytes | None = None) -> bytes:
    """Insert *snippet* as the last child of the element at *parent_xpath*; return the new bytes.

    *parent_xpath* is evaluated on the root with the ``tei:`` prefix bound; its first match is
    the parent.  *expected* is the content the caller read (default: read now); the file is
    re-read just before writing and the edit refused if it changed in between.
    """
    path = Path(path)
    data = _read(path) if expected is None else expected
    new = splice(data, parent_xpath, snippet, path)
    write_if_unchanged(path, data, new)
    return new


def splice(data: bytes, parent_xpath: str, snippet: str, path: str | Path = "<bytes>") -> bytes:
    """Return *data* with *snippet* inserted before the closing tag of the element at *parent_xpath*."""
    root = tei.parse_bytes(data, path).getroot()
    found = root.xpath(parent_xpath, namespaces=tei.NS)
    if not found:
        raise SourceError(f"{path}: no element matches {parent_xpath!r}; cannot insert")
    close = _closing_tag(data, found[0], path)
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    line_start = data.rfind(b"\n", 0, close) + 1
    indent = data[line_start:close]
    if indent.strip():  # closing tag shares its line with content: insert in place
        text = _indented(snippet, b"", newline)
        return data[:close] + text.rstrip(b"\r\n") + data[close:]
    child_indent = _child_indent(data, found[0], indent)
    return data[:line_start] + _indented(snippet, child_indent, newline) + data[line_start:]


def write_if_unchanged(path: Path, expected: bytes, new: bytes) -> None:
    """Replace *path* atomically with *new*, unless it no longer holds *expected*."""
    if _read(path) != expected:
        raise SourceError(f"{path}: file changed since it was read; nothing written, run the command again")
    write_atomic(path, new)


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file in the same directory and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)  # mkstemp creates 0600; keep the file's mode (or the usual one)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read file: {exc.strerror or exc}") from None


def _closing_tag(data: bytes, element, path) -> int:
    """Offset of ``</name>`` closing *element* (found from its start line by counting depth)."""
    name = _raw_name(element)
    start_line = element.sourceline or 1
    offset = data.find(b"<" + name, _line_offset(data, start_line))
    depth = 0
    for match in _TOKEN.finditer(data, offset):
        closing, tag, empty = match.group(1), match.group(2), match.group(3)
        if tag is None:
            continue
        if not closing and not empty:
            depth += 1
        elif closing:
            depth -= 1
            if depth == 0:
                if tag != name:
                    break
                return match.start()
        elif depth == 0:  # <name/>: nothing to insert into
            break
    raise SourceError(f"{path}:{start_line}: <{name}> has no closing tag to insert before")


def _raw_name(element) -> bytes:
    prefix = element.prefix
    local = tei.localname(element)
    return (f"{prefix}:{local}" if prefix else local).encode()


def _line_offset(data: bytes, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = data.index(b"\n", offset) + 1
    return offset


def _child_indent(data: bytes, element, closing_indent: bytes) -> bytes:
    """The indentation of the element's last child, else one step (2 spaces) deeper."""
    children = [c for c in element if isinstance(c.tag, str)]
    if children and children[-1].sourceline:
        offset = _line_offset(data, children[-1].sourceline)
        line = data[offset:data.find(b"\n", offset)]
        return line[:len(line) - len(line.lstrip(b" \t"))]
    return closing_indent + b"  "


def _indented(snippet: str, indent: bytes, newline: bytes) -> bytes:
    lines = snippet.strip("\n").splitlines()
    return b"".join(indent + line.rstrip().encode("utf-8") + newline for line in lines)
