"""What a build reads, by content hash, and the shortcut when none of it changed.

Kept apart from :mod:`edition.build` and light to import: a rebuild with nothing to do hashes its
inputs (file stats, mostly: see :meth:`edition.cache.Cache.file_hash`), finds them equal to those of
the last build into the same output directory, and stops, without loading the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cache import FINGERPRINT, Cache, digest
from .config import Config
from .errors import ERROR, WARNING, Reporter, ValidationFailed
from .output import last_build, tidy_output


@dataclass
class BuildResult:
    out_dir: Path
    documents: int
    pages: int
    reporter: Reporter
    rendered: list[str] = field(default_factory=list)  # the HTML pages this build rendered
    reused: int = 0  # documents whose pages were kept from the previous build
    timings: dict[str, float] = field(default_factory=dict)  # stage → seconds


@dataclass
class Inputs:
    """Content hashes of everything a build reads."""

    sources: dict[Path, str]  # memo → hash
    authority: str  # the authority files together
    lock: str  # the anchor lock
    render: str  # what every page depends on: templates, configuration, tool, access date
    key: str  # all of it: equal keys, equal site
    accessed: object = None  # the access date citations give (part of *render*)


def input_hashes(config: Config, cache: Cache, accessed) -> Inputs:
    from .anchors import lock_path
    from .validate_schema import RNG_FILE, SCH_FILE, schema_dir

    sources = {path: cache.file_hash(path) for path in config.memo_files()}
    authority = files_hash(cache, config.authority_files())
    templates = files_hash(cache, [p for d in config.template_dirs for p in sorted(d.rglob("*")) if p.is_file()])
    schemas = schema_dir(config.schema_dir)
    lock = files_hash(cache, [lock_path(config)])
    extra = files_hash(cache, [schemas / RNG_FILE, schemas / SCH_FILE, *sorted(config.pages_dir.glob("*.rst"))])
    render = digest(FINGERPRINT, templates, repr(config), accessed.isoformat())
    key = digest(render, authority, lock, extra, sorted((str(p), h) for p, h in sources.items()))
    cache.save_hashes()
    return Inputs(sources, authority, lock, render, key, accessed)


def files_hash(cache: Cache, paths: list[Path]) -> str:
    return digest(*[(str(p), cache.file_hash(p) if p.is_file() else None) for p in paths])


def unchanged(config: Config, out_dir: Path, strict: bool, cache: Cache, inputs: Inputs,
              last: dict | None = None) -> BuildResult | None:
    """The last build into *out_dir* (its record *last*, if already read), if it was built from *inputs*;
    what was added to it by hand is removed."""
    last = last or last_build(cache, out_dir)
    if last is None or last["inputs"] != inputs.key:
        return None
    reporter = Reporter(root=config.root, diagnostics=list(last["diagnostics"]))
    gate(reporter, strict, "the build")
    tidy_output(cache, out_dir, last)
    return BuildResult(Path(out_dir), last["documents"], last["pages"], reporter, [], last["units"])


def gate(reporter: Reporter, strict: bool, stage: str) -> None:
    """Stop with :class:`ValidationFailed` on an error (or, when *strict*, a warning)."""
    failing = [d for d in reporter.sorted() if d.severity == ERROR or (strict and d.severity == WARNING)]
    if failing:
        what = "errors" if any(d.severity == ERROR for d in failing) else "warnings (--strict)"
        raise ValidationFailed(f"{stage} found {reporter.summary()}; nothing was written ({what})",
                               reporter.sorted())
