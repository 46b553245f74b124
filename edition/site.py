"""The website: Jinja environment (autoescape on), page contexts, atomic writing of ``output/``."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import __version__
from .authority import split_ref
from .config import Config
from .errors import UsageError
from .model import Edition, KIND_LABELS

MARKER = ".edition-build"  # marks a directory as ours, so a rebuild may replace it


def make_env(config: Config) -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(d) for d in config.template_dirs]),
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
        for static_dir in reversed(self.config.template_dirs):
            source = static_dir / "static"
            if source.is_dir():
                shutil.copytree(source, self.staging / "static", dirs_exist_ok=True)

    def copy_file(self, source: Path, url: str) -> None:
        self.write(url, source.read_bytes())


@contextmanager
def staged_output(out_dir: Path):
    """Yield a fresh staging directory; on success it replaces *out_dir* whole."""
    out_dir = out_dir.resolve()
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    try:
        yield staging
        (staging / MARKER).write_text("built by edition\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        _swap(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _check_replaceable(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise UsageError(f"refusing to replace {out_dir}: it is not empty and was not built by edition")


def _swap(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)

