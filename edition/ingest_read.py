"""Read an OCR transcript: refuse what is not text, normalise what is, keep line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ERROR, INFO, Diagnostic, SourceError

BOM = "\ufeff"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Line:
    """One transcript line: its number (1-based) and its text, normalised and stripped."""

    no: int
    text: str


@dataclass
class Transcript:
    """A decoded, normalised transcript."""

    path: Path
    lines: list[Line]
    notes: list[Diagnostic] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def read_transcript(path: str | Path) -> Transcript:
    """Read *path* as UTF-8 text; raise :class:`SourceError` for empty, binary or non-UTF-8 input."""
    path = Path(path)
    data = _read(path)
    if not data.strip():
        _fail(path, 1, 1, "transcript is empty; nothing to import", "import.empty")
    _refuse_binary(path, data)
    text = _decode(path, data)
    notes = []
    if text.startswith(BOM):
        text = text[1:]
        notes.append(Diagnostic(str(path), 1, 1, INFO, "UTF-8 byte order mark removed", "import.bom"))
    if "\r" in text:
        line = text[:text.index("\r")].count("\n") + 1
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append(Diagnostic(str(path), line, 1, INFO, "Windows (CR LF) line endings read as LF", "import.crlf"))
    lines = [Line(n, normalise(raw)) for n, raw in enumerate(text.split("\n"), start=1)]
    return Transcript(path, lines, notes)


def normalise(raw: str) -> str:
    """Resolve the transcript's ``\\$`` escape and strip the line: ``'\\$5 '`` → ``'$5'``."""
    return raw.replace("\\$", "$").strip()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        _fail(path, 0, 0, f"cannot read transcript: {exc.strerror or exc}", "io.read")


def _refuse_binary(path: Path, data: bytes) -> None:
    nul = data.find(b"\x00")
    if nul < 0:
        controls = _CONTROL.findall(data.decode("latin-1"))
        if len(controls) <= len(data) // 100:
            return
        nul = _CONTROL.search(data.decode("latin-1")).start()
    line, col = _position(data, nul)
    _fail(path, line, col, f"transcript is not text (control byte 0x{data[nul]:02x}); "
                           f"give the OCR text file, not the scan or a word-processor file", "import.binary")


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        _fail(path, line, col, f"byte 0x{data[exc.start]:02x} is not UTF-8; convert the transcript first, "
                               f"e.g. iconv -f windows-1252 -t utf-8, and check the result", "import.encoding")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _fail(path: Path, line: int, col: int, message: str, code: str):
    diagnostic = Diagnostic(str(path), line, col, ERROR, message, code)
    raise SourceError(str(diagnostic), [diagnostic])
