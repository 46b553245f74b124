"""Byte spans of an XML file's markup and character data, in step with lxml's tree.

lxml tells us *what* the text nodes are; this module tells us *where* they are in the
original bytes, so that edits can be made byte-exactly: a small lexer splits the file
into markup (tags, comments, processing instructions) and character data (literal
text, entity and character references, CDATA sections), and :func:`map_source` pairs
every data run with the ``text`` or ``tail`` of the lxml node it belongs to, checking
that both agree character for character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import ERROR, Diagnostic, SourceError
from .tei import parse_bytes

_MARKUP = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>|</[^>]*>|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S)
_REF = re.compile(rb"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);")
_NAME = re.compile(rb"</?([^\s/>]+)")
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


@dataclass(frozen=True)
class Token:
    """One piece of markup: ``start``, ``end``, ``empty``, ``comment``, ``pi`` or ``other``."""

    kind: str
    start: int
    end: int
    name: str = ""


@dataclass
class Run:
    """The character data between two pieces of markup, with each character's bytes."""

    start: int
    end: int
    text: str = ""
    begins: list[int] = field(default_factory=list)  # byte where a tag may go before char i
    cdata: list[int] = field(default_factory=list)  # CDATA section number of char i, or -1

    def boundary(self, i: int) -> int | None:
        """Byte offset for a tag between characters i-1 and i; None inside a CDATA section."""
        if i >= len(self.text):
            return self.end
        if i > 0 and self.cdata[i] >= 0 and self.cdata[i] == self.cdata[i - 1]:
            return None
        return self.begins[i]

    def add(self, text: str, begin: int, section: int = -1) -> None:
        self.text += text
        self.begins += [begin] * len(text)
        self.cdata += [section] * len(text)


@dataclass
class SourceMap:
    """A parsed file with the byte spans of its nodes' tags, texts and tails."""

    path: Path
    data: bytes
    tree: etree._ElementTree
    nodes: list = field(default_factory=list)  # root.iter() order: elements, comments, PIs
    tags: list[Token] = field(default_factory=list)  # start (or empty) tag of nodes[i]
    end_tags: list[Token | None] = field(default_factory=list)
    texts: list[Run] = field(default_factory=list)
    tails: list[Run | None] = field(default_factory=list)
    index: dict = field(default_factory=dict)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and character column of a byte offset."""
        line_start = self.data.rfind(b"\n", 0, offset) + 1
        col = len(self.data[line_start:offset].decode("utf-8", "replace")) + 1
        return self.data.count(b"\n", 0, offset) + 1, col


def read_source(path: Path) -> SourceMap:
    """Read, parse and map *path*; raise :class:`SourceError` if it cannot be mapped."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _error(path, 0, f"cannot read file: {exc.strerror or exc}", "io.read") from None
    return map_source(data, path)


def map_source(data: bytes, path: str | Path = "<bytes>") -> SourceMap:
    """Parse *data* with the hardened parser and map every node to its bytes."""
    path = Path(path)
    _check_encoding(data, path)
    tree = parse_bytes(data, path)
    source = SourceMap(path, data, tree)
    _walk(source, _root_tokens(lex(data), path))
    return source


def lex(data: bytes):
    """Yield markup tokens and data pieces (``text``, ``ref``, ``cdata`` tokens) in order."""
    pos = 0
    for match in _MARKUP.finditer(data):
        if match.start() > pos:
            yield from _text_pieces(data, pos, match.start())
        yield _token(match)
        pos = match.end()
    if pos < len(data):
        yield from _text_pieces(data, pos, len(data))


def insert(data: bytes, insertions: list[tuple[int, int, bytes]]) -> bytes:
    """Insert byte strings at offsets; *insertions* are (offset, order, bytes), applied in sorted order."""
    out, pos = [], 0
    for offset, _order, text in sorted(insertions, key=lambda i: (i[0], i[1])):
        out += [data[pos:offset], text]
        pos = offset
    out.append(data[pos:])
    return b"".join(out)


def delete(data: bytes, spans: list[tuple[int, int]]) -> bytes:
    """Remove the byte ranges *spans* (non-overlapping) from *data*."""
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(data[pos:start])
        pos = end
    out.append(data[pos:])
    return b"".join(out)


def unwrap(source: SourceMap, keep_content_of) -> bytes:
    """Remove the tags of every element for which ``keep_content_of(el)`` is true, keeping its content."""
    spans = []
    for i, node in enumerate(source.nodes):
        if isinstance(node.tag, str) and keep_content_of(node):
            spans.append((source.tags[i].start, source.tags[i].end))
            if source.end_tags[i] is not None:
                spans.append((source.end_tags[i].start, source.end_tags[i].end))
    return delete(source.data, spans)


# -- lexing --------------------------------------------------------------

def _token(match) -> Token:
    raw = match.group()
    if raw.startswith(b"<![CDATA["):
        return Token("cdata", match.start(), match.end())
    if raw.startswith(b"<!--"):
        return Token("comment", match.start(), match.end())
    if raw.startswith(b"<?"):
        return Token("pi", match.start(), match.end())
    if raw.startswith(b"<!"):
        return Token("other", match.start(), match.end())
    name = _NAME.match(raw).group(1).decode("utf-8")
    kind = "end" if raw.startswith(b"</") else "empty" if raw.endswith(b"/>") else "start"
    return Token(kind, match.start(), match.end(), name)


def _text_pieces(data: bytes, start: int, end: int):
    pos = start
    for match in _REF.finditer(data, start, end):
        if match.start() > pos:
            yield Token("text", pos, match.start())
        yield Token("ref", match.start(), match.end())
        pos = match.end()
    if pos < end:
        yield Token("text", pos, end)


def _root_tokens(tokens, path: Path) -> list[Token]:
    """The tokens from the root's start tag to its end tag."""
    tokens = list(tokens)
    first = next((i for i, t in enumerate(tokens) if t.kind in ("start", "empty")), None)
    if first is None:
        raise _error(path, 1, "no root element", "xml.syntax")
    depth = 0
    for i in range(first, len(tokens)):
        depth += {"start": 1, "end": -1}.get(tokens[i].kind, 0)
        if depth == 0:
            return tokens[first:i + 1]
    return tokens[first:]


# -- walking in step with lxml ------------------------------------------

def _walk(source: SourceMap, tokens: list[Token]) -> None:
    data = source.data
    source.nodes = list(source.tree.getroot().iter())
    source.index = {node: i for i, node in enumerate(source.nodes)}
    stack: list[int] = []
    run: Run | None = None
    for token in tokens:
        if token.kind in ("text", "ref", "cdata"):
            _add_piece(run, data, token)
            continue
        if run is not None:
            run.end = token.start
        run = _markup(source, token, stack)
    _verify(source)


def _markup(source: SourceMap, token: Token, stack: list[int]) -> Run | None:
    """Record *token* on its node; return the run that the following data belongs to."""
    run = Run(token.end, token.end)
    if token.kind == "end":
        if not stack:
            raise _error(source.path, 0, "unbalanced end tag", "xml.syntax")
        i = stack.pop()
        source.end_tags[i] = token
        source.tails[i] = run
        return run if stack else None
    if token.kind == "other":
        raise _error(source.path, source.position(token.start)[0], "unexpected markup declaration", "xml.syntax")
    i = len(source.tags)
    if i >= len(source.nodes):
        raise _error(source.path, source.position(token.start)[0], "more nodes than the parser found", "xml.map")
    source.tags.append(token)
    source.end_tags.append(None)
    source.texts.append(Run(token.end, token.end))
    source.tails.append(run)
    if token.kind == "start":
        stack.append(i)
        return source.texts[i]
    return run


def _add_piece(run: Run | None, data: bytes, token: Token) -> None:
    if run is None:
        return  # whitespace outside the root
    if token.kind == "ref":
        run.add(_resolve(data[token.start + 1:token.end - 1].decode("ascii")), token.start)
    elif token.kind == "cdata":
        _add_chars(run, data, token.start + 9, token.end - 3, section=token.start, first=token.start)
    else:
        _add_chars(run, data, token.start, token.end)


def _add_chars(run: Run, data: bytes, start: int, end: int, section: int = -1, first: int | None = None) -> None:
    """Add decoded characters with their byte offsets, normalising line ends as XML does."""
    text = data[start:end].decode("utf-8")
    pos = start
    i = 0
    while i < len(text):
        ch = text[i]
        size = len(ch.encode("utf-8"))
        begin = first if (first is not None and i == 0) else pos
        if ch == "\r":
            if text[i + 1:i + 2] == "\n":
                i, size = i + 1, 2
            ch = "\n"
        run.add(ch, begin, section)
        pos += size
        i += 1


def _resolve(name: str) -> str:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _PREDEFINED[name]


def _verify(source: SourceMap) -> None:
    """Refuse to edit a file whose byte map disagrees with the parser's tree."""
    if len(source.tags) != len(source.nodes):
        raise _error(source.path, 0, "cannot map the file's nodes to its bytes", "xml.map")
    for i, node in enumerate(source.nodes):
        own_text = node.text if isinstance(node.tag, str) else None
        if isinstance(node.tag, str) and source.texts[i].text != (own_text or ""):
            line = source.position(source.tags[i].start)[0]
            raise _error(source.path, line, f"cannot map the text of <{source.tags[i].name}> to its bytes", "xml.map")
        if i and source.tails[i] is not None and source.tails[i].text != (node.tail or ""):
            line = source.position(source.tags[i].start)[0]
            raise _error(source.path, line, "cannot map a text run to its bytes", "xml.map")


def _check_encoding(data: bytes, path: Path) -> None:
    declared = _ENCODING.match(data)
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise _error(path, 1, f"encoding {declared.group(1).decode('ascii')!r} is not supported for editing; "
                     "convert the file to UTF-8", "xml.encoding")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(path, 0, f"file is not UTF-8: {exc.reason}", "xml.encoding") from None


def _error(path, line: int, message: str, code: str) -> SourceError:
    diagnostic = Diagnostic(str(path), line, 1 if line else 0, ERROR, message, code)
    return SourceError(str(diagnostic), [diagnostic])
