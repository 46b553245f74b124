"""Diagnostics about the data, and the errors that stop a run.

A problem in a source is a :class:`Diagnostic`, collected by a :class:`Reporter`
and shown as ``path:line:col: severity: message [code]``.  A problem that stops
the run is an :class:`EditionError`; the CLI prints it as one line and exits
with its ``exit_code``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located finding about a source file."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.code}]"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Reporter:
    """Collect diagnostics; sort and de-duplicate them on the way out."""

    root: Path | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(self, path, line, col, severity, message, code) -> Diagnostic:
        diagnostic = Diagnostic(self.display(path), int(line or 0), int(col or 0), severity, message, code)
        self.diagnostics.append(diagnostic)
        return diagnostic

    def error(self, path, line, message, code, col=0) -> Diagnostic:
        return self.report(path, line, col, ERROR, message, code)

    def warning(self, path, line, message, code, col=0) -> Diagnostic:
        return self.report(path, line, col, WARNING, message, code)

    def extend(self, diagnostics) -> None:
        self.diagnostics.extend(diagnostics)

    def display(self, path) -> str:
        """Show *path* relative to the project root when it lies inside it."""
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.diagnostics), key=_sort_key)

    def count(self, severity: str) -> int:
        return sum(1 for d in set(self.diagnostics) if d.severity == severity)

    @property
    def has_errors(self) -> bool:
        return self.count(ERROR) > 0

    def summary(self) -> str:
        """Say e.g. ``2 errors, 1 warning in 3 files``."""
        unique = set(self.diagnostics)
        counts = Counter(d.severity for d in unique)
        files = len({d.path for d in unique})
        parts = [plural(counts[ERROR], "error"), plural(counts[WARNING], "warning")]
        if counts[INFO]:
            parts.append(plural(counts[INFO], "note"))
        return f"{', '.join(parts)} in {plural(files, 'file')}"

    def as_json(self) -> str:
        return json.dumps(
            {
                "diagnostics": [d.as_dict() for d in self.sorted()],
                "errors": self.count(ERROR),
                "warnings": self.count(WARNING),
            },
            indent=2,
            ensure_ascii=False,
        )


def _sort_key(d: Diagnostic):
    return (d.path, d.line, d.col, SEVERITIES.index(d.severity), d.code, d.message)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class EditionError(Exception):
    """A problem that stops the run; shown as one line."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []

    def format_message(self) -> str:
        return f"error: {self.message}"


class UsageError(EditionError):
    """Bad command-line use or a missing project: exit 2."""

    exit_code = 2


class ConfigError(EditionError):
    """An unreadable or invalid edition.toml: exit 2."""

    exit_code = 2


class ValidationFailed(EditionError):
    """The sources have errors (or warnings under --strict): exit 1."""

    exit_code = 1


class SourceError(EditionError):
    """A source file cannot be read or parsed at all."""

    exit_code = 1
