"""Project settings: ``edition.toml`` (or ``[tool.edition]`` in pyproject.toml), with defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
import os
import time
from pathlib import Path

from .errors import ConfigError, UsageError

CONFIG_FILE = "edition.toml"
TOOL_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class Config:
    """Where an edition's files are and how to describe it."""

    root: Path
    title: str = "Untitled edition"
    subtitle: str = ""
    publisher: str = ""
    editors: list[str] = field(default_factory=list)
    version: str = "0.1"
    release_date: str = ""
    language: str = "en"
    base_url: str = ""  # where the site is published, for citations: https://example.org/edition/
    corrections: str = ""  # mailto:ADDRESS or an issue-tracker URL with {document} {paragraph} {release}
    output: str = "output"

    @property
    def tei_dir(self) -> Path:
        return self.root / "tei"

    @property
    def memos_dir(self) -> Path:
        return self.tei_dir / "memos"

    @property
    def authority_dir(self) -> Path:
        return self.tei_dir / "authority"

    @property
    def schema_dir(self) -> Path:
        return self.tei_dir / "schema"

    @property
    def pages_dir(self) -> Path:
        return self.root / "pages"

    @property
    def template_dirs(self) -> list[Path]:
        """Project templates first, so an edition can override the tool's."""
        own = self.root / "templates"
        dirs = [own] if own.is_dir() and own.resolve() != TOOL_TEMPLATES else []
        return [*dirs, TOOL_TEMPLATES]

    @property
    def out_dir(self) -> Path:
        return self.root / self.output

    def authority_files(self) -> list[Path]:
        return sorted(self.authority_dir.glob("*.xml")) if self.authority_dir.is_dir() else []

    def memo_files(self) -> list[Path]:
        """The document sources: ``tei/*.xml`` (e.g. FRUS volumes) and ``tei/memos/*.xml``."""
        return [path for folder in (self.tei_dir, self.memos_dir) for path in _xml_files(folder)]


_LISTED: dict[str, tuple[tuple, list[Path]]] = {}  # folder → (its stat when listed, its XML files)


def _xml_files(folder: Path) -> list[Path]:
    """The ``*.xml`` files in *folder*, sorted; listed again only when the folder changed."""
    try:
        st = os.stat(folder)
    except OSError:
        return []
    stamp = (st.st_ino, st.st_mtime_ns)
    known = _LISTED.get(str(folder))
    if known is None or known[0] != stamp or time.time_ns() - st.st_mtime_ns < 2_000_000_000:  # racy: list again
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".xml") and entry.is_file())
        known = _LISTED[str(folder)] = (stamp, [folder / name for name in names])
    return list(known[1])


_FIELDS = {"title", "subtitle", "publisher", "editors", "version", "release_date",
           "language", "base_url", "corrections", "output"}


def load_config(root: str | Path = ".") -> Config:
    """Read the project's settings from *root*; raise if it is no edition."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise UsageError(f"{root}: no such directory")
    settings = _read_settings(root)
    if settings is None and not (root / "tei").is_dir():
        raise UsageError(f"{root} is not an edition: it has neither {CONFIG_FILE} nor tei/; "
                         f"run 'edition init DIR' to make one")
    settings = settings or {}
    unknown = sorted(set(settings) - _FIELDS)
    if unknown:
        raise ConfigError(f"{root / CONFIG_FILE}: unknown setting {unknown[0]!r}; "
                          f"known: {', '.join(sorted(_FIELDS))}")
    if "release_date" in settings:
        settings["release_date"] = str(settings["release_date"])
    return Config(root=root, **settings)


def _read_settings(root: Path) -> dict | None:
    path = root / CONFIG_FILE
    if path.is_file():
        return _load_toml(path).get("edition", {})
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _load_toml(pyproject).get("tool", {})
        if "edition" in tool:
            return tool["edition"]
    return None


def _load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
