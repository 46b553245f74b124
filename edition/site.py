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
from .cache import Cache, digest
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
        """The tool's static files, then the project's over them."""
        for static_dir in reversed(self.config.template_dirs):
            source = static_dir / "static"
            for path in sorted(source.rglob("*")) if source.is_dir() else ():
                if path.is_file():
                    self.copy_file(path, f"static/{path.relative_to(source).as_posix()}")

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



# -- updating a previous build in place ----------------------------------------------------------

def _manifest_key(out_dir: Path) -> str:
    return digest("output", str(Path(out_dir).resolve()))


def _stamp(out_dir: Path) -> tuple | None:
    try:
        st = (out_dir / MARKER).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def previous_output(cache: Cache, out_dir: Path) -> dict | None:
    """What the last build wrote into *out_dir*, if *out_dir* is still exactly that build."""
    manifest = cache.get("meta", _manifest_key(out_dir))
    if not isinstance(manifest, dict) or manifest.get("marker") is None:
        return None
    return manifest if manifest["marker"] == _stamp(Path(out_dir).resolve()) else None


class Stage:
    """The staging directory of one build, and the files the finished site will hold."""

    def __init__(self, out_dir: Path, staging: Path):
        self.out_dir, self.staging = out_dir, staging
        self.files: set[str] = set()

    def record(self, cache: Cache, manifest: dict) -> None:
        """Remember what is in the output now, so that the next build can keep it."""
        cache.put("meta", _manifest_key(self.out_dir), {**manifest, "marker": _stamp(self.out_dir)})


@contextmanager
def staged_update(out_dir: Path, previous: dict | None, cache: Cache):
    """Yield a :class:`Stage`; on success its files replace *out_dir* whole, or update *previous* in place.

    A full build swaps the new directory in, as :func:`staged_output`.  An incremental one holds only
    the files that changed; they are moved into *out_dir* one by one (each atomically) and the files
    the site no longer has are removed.  The record of the previous build is dropped first, so an
    update that is interrupted makes the next build a full one.
    """
    out_dir = out_dir.resolve()
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    stage = Stage(out_dir, staging)
    try:
        yield stage
        if previous is None:
            (staging / MARKER).write_text("built by edition\n", encoding="utf-8")
            os.chmod(staging, 0o755)
            _swap(staging, out_dir)
        else:
            cache.put("meta", _manifest_key(out_dir), None)
            remove_strays(out_dir, previous)
            _merge(staging, out_dir, _files(previous) - stage.files)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def remove_strays(out_dir: Path, manifest: dict) -> int:
    """Delete files in *out_dir* that the build recorded in *manifest* did not write; return how many."""
    known, removed = _files(manifest) | {MARKER}, 0
    out_dir = Path(out_dir).resolve()
    for folder, _, names in os.walk(out_dir):
        for name in names:
            url = Path(folder, name).relative_to(out_dir).as_posix()
            if url not in known:
                Path(folder, name).unlink()
                removed += 1
    return removed


def _files(manifest: dict) -> set[str]:
    return {url for urls in manifest["units"].values() for url in urls} | set(manifest["site"])


def _merge(staging: Path, out_dir: Path, stale: set[str]) -> None:
    for source in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = out_dir / source.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for url in sorted(stale, reverse=True):
        (out_dir / url).unlink(missing_ok=True)
    for folder in sorted({(out_dir / url).parent for url in stale}, key=lambda p: len(p.parts), reverse=True):
        while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    marker = out_dir / f".{MARKER}.new"
    marker.write_text("built by edition\n", encoding="utf-8")
    os.replace(marker, out_dir / MARKER)
