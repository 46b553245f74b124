"""The website: Jinja environment (autoescape on), page contexts, files written into the staging directory."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape

from . import __version__
from .authority import split_ref
from .cache import CACHE_DIR
from .config import Config
from .model import Edition, KIND_LABELS


def make_env(config: Config) -> Environment:
    compiled = config.root / CACHE_DIR / "jinja"  # templates compiled once, not in every process of every build
    compiled.mkdir(parents=True, exist_ok=True)
    env = Environment(
        loader=FileSystemLoader([str(d) for d in config.template_dirs]),
        bytecode_cache=FileSystemBytecodeCache(str(compiled)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(kind_labels=KIND_LABELS, tool_version=__version__, index_href=index_href)
    env.filters["mla_date"] = mla_date
    return env


MLA_MONTHS = "Jan. Feb. Mar. Apr. May June July Aug. Sept. Oct. Nov. Dec.".split()


def mla_date(iso: str) -> str:
    """``2026-11-28`` → ``28 Nov. 2026``."""
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day} {MLA_MONTHS[month - 1]} {year}"


def index_href(ref: str) -> str:
    """``person:reagan`` → ``indexes/persons.html#reagan`` (relative to the site root); '' if no pointer."""
    parts = split_ref(ref or "")
    return f"indexes/{parts[0]}s.html#{parts[1]}" if parts else ""


class SiteWriter:
    """Render templates into a staging directory; relative links only."""

    def __init__(self, config: Config, edition: Edition, staging: Path):
        self.config, self.edition, self.staging = config, edition, staging
        self.env = make_env(config)
        self.env.globals["index_href"] = lambda ref: index_href(ref) if ref in edition.entities else ""
        self.written: list[str] = []

    def page(self, url: str, template: str, **context) -> None:
        depth = url.count("/")
        html = self.env.get_template(template).render(
            config=self.config, edition=self.edition, root="../" * depth, url=url, **context)
        self.write(url, html.encode("utf-8"))

    def write(self, url: str, data: bytes) -> None:
        target = self.staging / url
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(url)

    def copy_static(self) -> None:
        """The tool's static files, then the project's over them."""
        for static_dir in reversed(self.config.template_dirs):
            source = static_dir / "static"
            for path in sorted(source.rglob("*")) if source.is_dir() else ():
                if path.is_file():
                    self.copy_file(path, f"static/{path.relative_to(source).as_posix()}")

    def copy_file(self, source: Path, url: str) -> None:
        self.write(url, source.read_bytes())
