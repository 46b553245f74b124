"""The validation gate: XML → RELAX NG → Schematron → edition-wide checks, as located diagnostics.

``validate(config)`` checks the project's memos and authority files; ``validate(config, paths)``
checks the given files (directories are searched for ``*.xml``) against the same schemas and
the project's authority files.  Nothing is written; problems in the data are diagnostics, a
missing or broken schema is a :class:`~edition.errors.ConfigError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import parallel, tei
from .authority import load_authorities
from .cache import FINGERPRINT, Bundle, Cache, digest
from .config import Config
from .errors import Diagnostic, Reporter, SourceError, UsageError
from .frus import is_frus
from .frus_check import check_volume
from .validate_refs import Source, SourceInfo, check_doc_ids, check_refs, check_unused
from .validate_schema import RNG_FILE, SCH_FILE, Schemas, check_grammar, check_rules, load_schemas, schema_dir

RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
AUTHORITY_LISTS = ("listPerson", "listPlace", "listOrg", "list", "listBibl")


def validate(config: Config, paths: list[Path] | None = None, workers: int | None = None,
             cache: Cache | None = None) -> Reporter:
    """Check *paths* (default: the project's memos and authority files); return the diagnostics.

    The per-file layers run on *workers* processes.  Their findings are looked up in the build cache
    by the file's hash, the schemas' and the authority files' (see :mod:`edition.cache`), and stored
    there only when the caller passes a writable *cache*: validating alone writes nothing.
    """
    reporter = Reporter(root=config.root)
    directory = schema_dir(config.schema_dir)
    load_schemas(directory)  # a broken schema stops the run here, before any worker starts
    files = source_files(config) if paths is None else expand(paths)
    cache = cache or Cache(config.root, writable=False)
    checks = _checked(config, files, directory, workers, cache, paths is None)
    for check in checks:
        reporter.extend(check.diagnostics)

    entities = load_authorities(config.authority_dir, Reporter(root=config.root))
    check_doc_ids([check.source for check in checks if check.source is not None], reporter)
    if paths is None:
        check_unused(entities, set().union(*(check.used for check in checks)), reporter)
    return reporter


@dataclass
class FileCheck:
    """What the per-file layers found in one file, and what the edition-wide checks need of it."""

    diagnostics: list[Diagnostic]
    source: SourceInfo | None
    used: set[str]


def _checked(config: Config, files: list[Path], directory: Path, workers: int | None, cache: Cache,
             paths_are_the_project: bool = True) -> list[FileCheck]:
    shared = [_hash(cache, p) for p in [*_schema_files(directory), *config.authority_files()]]
    context = digest(FINGERPRINT, str(config.root), *shared)
    hashes = [None if None in shared else _hash(cache, path) for path in files]
    keys = [digest(context, str(path), h) if h else None for path, h in zip(files, hashes)]
    bundle = Bundle(cache, "checks")
    checks = [bundle.get(key) if key else None for key in keys]
    todo = [i for i, check in enumerate(checks) if check is None]
    done = parallel.run(check_source, [files[i] for i in todo], workers, _setup, (config.root, directory,
                                                                                  config.authority_dir))
    for i, check in zip(todo, done):
        checks[i] = check
        if keys[i] is not None:
            bundle.put(keys[i], check)
    if paths_are_the_project:
        bundle.save()
    cache.save_hashes()
    return checks


def _hash(cache: Cache, path: Path) -> str | None:
    try:
        return cache.file_hash(path)
    except OSError:
        return None  # reported by the check itself; never cached


def _schema_files(directory: Path) -> list[Path]:
    return [directory / RNG_FILE, directory / SCH_FILE]


_WORKER: dict = {}


def _setup(root: Path, directory: Path, authority_dir: Path) -> None:
    _WORKER.update(root=root, schemas=load_schemas(directory),
                   entities=load_authorities(authority_dir, Reporter(root=root)))


def check_source(path: Path) -> FileCheck:
    """The per-file layers and this file's share of the reference checks (in a worker)."""
    reporter = Reporter(root=_WORKER["root"])
    source = check_file(path, _WORKER["schemas"], reporter)
    used = check_refs([source], _WORKER["entities"], reporter) if source is not None else set()
    return FileCheck(reporter.diagnostics, source.info() if source is not None else None, used)


def source_files(config: Config) -> list[Path]:
    """The project's sources: memos, then authority files."""
    return [*config.memo_files(), *config.authority_files()]


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; directories searched for ``*.xml``."""
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob("*.xml"))
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return files


def check_file(path: Path, schemas: Schemas, reporter: Reporter) -> Source | None:
    """Run the per-file layers on *path*; return it for the edition-wide checks if it parsed as TEI."""
    try:
        tree = tei.parse_file(path)
    except SourceError as exc:
        _add(reporter, exc.diagnostics)
        return None
    problems = tei.check_tei_root(tree, path)
    _add(reporter, problems)
    if problems:
        return None
    if is_frus(tree):  # another encoding's profile: the adapter's checks instead of the edition's schemas
        _add(reporter, check_volume(tree, path))
        return Source(path, tree, "frus")
    _add(reporter, check_xml_model(tree, path))
    _add(reporter, check_grammar(schemas, tree, path))
    _add(reporter, check_rules(schemas, tree, path))
    return Source(path, tree, _kind(tree))


def check_xml_model(tree: etree._ElementTree, path: Path) -> list[Diagnostic]:
    """Warn unless the file declares both schemas for live validation in editors."""
    declared = {pi.get("schematypens") for pi in _prolog_pis(tree) if pi.target == "xml-model"}
    missing = [name for ns, name in ((RNG_NS, "edition.rng"), (SCH_NS, "edition.sch")) if ns not in declared]
    if not missing:
        return []
    message = (f'no <?xml-model?> instruction for {" and ".join(missing)}; add '
               + " and ".join(f'<?xml-model href="../schema/{name}" ...?>' for name in missing)
               + " before the root (see docs/schema.md)")
    return [Diagnostic(str(path), 1, 1, "warning", message, "xml-model.missing")]


def _prolog_pis(tree: etree._ElementTree):
    return [n for n in tree.getroot().itersiblings(preceding=True) if isinstance(n, etree._ProcessingInstruction)]


def _kind(tree: etree._ElementTree) -> str:
    body = tree.getroot().find("tei:text/tei:body", tei.NS)
    if body is None:
        return "other"
    if any(tei.localname(el) in AUTHORITY_LISTS for el in body):
        return "authority"
    return "memo" if body.find("tei:div[@type='conversation']", tei.NS) is not None else "other"


def _add(reporter: Reporter, diagnostics: list[Diagnostic]) -> None:
    """Add diagnostics made elsewhere: paths relative to the project, messages on one line."""
    for d in diagnostics:
        reporter.report(d.path, d.line, d.col, d.severity, tei.normalize_space(d.message), d.code)
