"""The validation gate: XML → RELAX NG → Schematron → edition-wide checks, as located diagnostics.

``validate(config)`` checks the project's memos and authority files; ``validate(config, paths)``
checks the given files (directories are searched for ``*.xml``) against the same schemas and
the project's authority files.  Nothing is written; problems in the data are diagnostics, a
missing or broken schema is a :class:`~edition.errors.ConfigError`.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from . import tei
from .authority import load_authorities
from .config import Config
from .errors import Diagnostic, Reporter, SourceError, UsageError
from .validate_refs import Source, check_doc_ids, check_refs, check_unused
from .validate_schema import Schemas, check_grammar, check_rules, load_schemas, schema_dir

RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
AUTHORITY_LISTS = ("listPerson", "listPlace", "listOrg", "list", "listBibl")


def validate(config: Config, paths: list[Path] | None = None) -> Reporter:
    """Check *paths* (default: the project's memos and authority files); return the diagnostics."""
    reporter = Reporter(root=config.root)
    schemas = load_schemas(schema_dir(config.schema_dir))
    files = source_files(config) if paths is None else expand(paths)
    sources = [s for s in (check_file(path, schemas, reporter) for path in files) if s is not None]

    entities = load_authorities(config.authority_dir, Reporter(root=config.root))
    check_doc_ids(sources, reporter)
    used = check_refs(sources, entities, reporter)
    if paths is None:
        check_unused(entities, used, reporter)
    return reporter


def source_files(config: Config) -> list[Path]:
    """The project's sources: memos, then authority files."""
    authority = sorted(config.authority_dir.glob("*.xml")) if config.authority_dir.is_dir() else []
    return [*config.memo_files(), *authority]


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
