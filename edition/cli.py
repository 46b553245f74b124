"""The ``edition`` command: parse arguments, call one function, map errors to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import EditionError, Reporter, plural


def _fail(exc: EditionError):
    for diagnostic in exc.diagnostics:
        click.echo(str(diagnostic), err=True)
    if not exc.diagnostics or len(exc.diagnostics) > 1 or str(exc.diagnostics[0]) != exc.message:
        click.echo(exc.format_message(), err=True)
    sys.exit(exc.exit_code)


class EditionGroup(click.Group):
    """Show an EditionError as one line and exit with its code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EditionError as exc:
            _fail(exc)


@click.group(cls=EditionGroup)
@click.version_option(__version__, prog_name="edition")
def main():
    """Turn declassified memoranda into a TEI scholarly edition and a static site."""


@main.command()
@click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory (default: PROJECT/output).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to validate, read and render with (default: the number of CPUs).")
def build(project: Path, out: Path | None, strict: bool, workers: int | None):
    """Validate the sources and build the static site."""
    from .cache import Cache
    from .cite import access_date
    from .config import load_config
    from .inputs import input_hashes, unchanged

    config = load_config(project)
    cache = Cache(config.root)  # first the shortcut, without loading the pipeline
    inputs = input_hashes(config, cache, access_date())
    result = unchanged(config, out or config.out_dir, strict, cache, inputs)
    if result is None:
        from .build import build as run_build

        result = run_build(config, out_dir=out, strict=strict, workers=workers, cache=cache, inputs=inputs)
    _print_diagnostics(result.reporter, fmt="text", summary=False)
    click.echo(f"built {plural(result.pages, 'page')} from {plural(result.documents, 'document')} "
               f"into {result.out_dir}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="Edition directory (default: current directory).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes to check files with (default: the number of CPUs).")
def validate(paths: tuple[Path, ...], project: Path, fmt: str, strict: bool, workers: int | None):
    """Check TEI sources (default: the project's tei/) and report located diagnostics."""
    from .config import load_config
    from .validate import validate as run_validate

    config = load_config(project)
    reporter = run_validate(config, list(paths) or None, workers=workers)
    _print_diagnostics(reporter, fmt=fmt, summary=True)
    failed = reporter.has_errors or (strict and reporter.count("warning") > 0)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
def release(project: Path):
    """Record the anchors of this release (the version in edition.toml) in tei/anchors.lock."""
    from .build import release as run_release
    from .config import load_config

    config = load_config(project)
    added, reporter = run_release(config)
    _print_diagnostics(reporter, fmt="text", summary=False)
    click.echo(f"recorded {plural(len(added), 'new anchor')} for release {config.version} in tei/anchors.lock")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="A new edition", help="Title of the edition.")
def init(directory: Path, title: str):
    """Scaffold a new edition in DIRECTORY."""
    from .scaffold import init_edition

    created = init_edition(directory, title=title)
    click.echo(f"created {len(created)} files in {directory}; build it with: edition build {directory}")


def _print_diagnostics(reporter: Reporter, fmt: str, summary: bool) -> None:
    if fmt == "json":
        click.echo(reporter.as_json())
        return
    for diagnostic in reporter.sorted():
        click.echo(str(diagnostic), err=True)
    if summary:
        click.echo(reporter.summary(), err=True)


# -- annotate, authority ------------------------------------------------

def _project_option(f):
    return click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path),
                        help="Edition directory (default: current directory).")(f)


def _docs_argument(f):
    return click.argument("docs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))(f)


def _finish(reporter: Reporter, strict: bool = False) -> None:
    _print_diagnostics(reporter, fmt="text", summary=False)
    sys.exit(1 if reporter.has_errors or (strict and reporter.count("warning") > 0) else 0)


@main.group("annotate")
def annotate_group():
    """Find untagged mentions of known entities and tag them, byte-exactly."""


@annotate_group.command("suggest")
@_docs_argument
@_project_option
@click.option("--no-notes", is_flag=True, help="Leave editorial notes out.")
@click.option("--strict", is_flag=True, help="Fail on warnings (possible mis-identifications) too.")
def annotate_suggest(docs: tuple[Path, ...], project: Path, no_notes: bool, strict: bool):
    """Report untagged mentions (DOCS, default: all memos) with the tag to add."""
    from .annotate import suggest
    from .config import load_config

    reporter = suggest(load_config(project), list(docs) or None, include_notes=not no_notes)
    _print_diagnostics(reporter, fmt="text", summary=True)
    sys.exit(1 if reporter.has_errors or (strict and reporter.count("warning") > 0) else 0)


@annotate_group.command("apply")
@_docs_argument
@_project_option
@click.option("--only", help="Tag only mentions of this entry (person:reagan, or just reagan).")
@click.option("--no-notes", is_flag=True, help="Leave editorial notes out.")
def annotate_apply(docs: tuple[Path, ...], project: Path, only: str | None, no_notes: bool):
    """Write the suggested tags into the sources; every other byte stays as it was."""
    from .annotate import apply
    from .config import load_config

    reporter, written = apply(load_config(project), list(docs) or None, only=only, include_notes=not no_notes)
    click.echo(f"tagged {plural(sum(written.values()), 'mention')} in {plural(len(written), 'file')}")
    _finish(reporter)


@annotate_group.command("ids")
@_docs_argument
@_project_option
def annotate_ids(docs: tuple[Path, ...], project: Path):
    """Give body paragraphs and notes their missing xml:ids; existing ids never change."""
    from .annotate_ids import assign_ids
    from .config import load_config

    reporter, added = assign_ids(load_config(project), list(docs) or None)
    click.echo(f"added {plural(sum(map(len, added.values())), 'id')} in {plural(len(added), 'file')}")
    _finish(reporter)


@annotate_group.command("report")
@_docs_argument
@_project_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def annotate_report(docs: tuple[Path, ...], project: Path, fmt: str):
    """Tagged and suggested mentions per document, entity frequencies, unused entries."""
    from .annotate_report import report
    from .config import load_config

    reporter, result = report(load_config(project), list(docs) or None)
    click.echo(result.as_json() if fmt == "json" else result.as_table())
    _finish(reporter)


@main.group("authority")
def authority_group():
    """Edit the authority files."""


@authority_group.command("add")
@click.argument("kind", type=click.Choice(["person", "place", "org", "term", "work"]))
@click.option("--id", "ident", required=True, help="Lower-case ASCII words joined by '-', e.g. henry-jackson.")
@click.option("--name", required=True, help="The preferred name.")
@click.option("--wikidata", help="Wikidata id, e.g. Q9960.")
@click.option("--description", help="One sentence describing the entry.")
@_project_option
def authority_add(kind: str, ident: str, name: str, wikidata: str | None, description: str | None,
                  project: Path):
    """Add an entry to the right authority file, leaving every other byte unchanged."""
    from .annotate_authority import add_entry
    from .config import load_config

    config = load_config(project)
    path = add_entry(config, kind, ident, name, wikidata, description)
    click.echo(f"added {kind}:{ident} to {path.relative_to(config.root).as_posix()}")
    if not (description or "").strip():
        click.echo(f"warning: {kind}:{ident} has no description yet; edition validate requires one", err=True)


@main.command()
@click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
def serve(project: Path, port: int):
    """Build, serve PROJECT/output on 127.0.0.1 and rebuild when a source or template changes."""
    from .config import load_config
    from .serve import serve as run_serve

    run_serve(load_config(project), port=port, report=lambda line: click.echo(line, err=True))




@main.command("import")
@click.argument("transcript", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: PROJECT/tei/memos/ID.xml).")
@click.option("--id", "doc_id", help="Document id (default: memcon-YYYY-MM-DD from the recognised date).")
@click.option("--date", "date", help="Creation date YYYY[-MM[-DD]] when the transcript gives none.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="Edition directory (default: current directory).")
def import_(transcript: Path, out: Path | None, doc_id: str | None, date: str | None, force: bool, project: Path):
    """Import an OCR transcript of a memorandum as a TEI document and report what was recognised."""
    from .config import load_config
    from .ingest import import_transcript

    config = load_config(project)
    result = import_transcript(config, transcript, out=out, doc_id=doc_id, force=force, date=date)
    for diagnostic in sorted(result.diagnostics):
        click.echo(str(diagnostic), err=True)
    report = result.report
    click.echo(f"imported {transcript} as {result.path} ({plural(report.paragraphs, 'paragraph')}, "
               f"{plural(report.pages, 'page')}, {plural(report.participants, 'participant')})")
    for title, lines in (("recognised", report.recognised), ("inferred", report.inferred),
                         ("left for the editor", report.todo)):
        if lines:
            click.echo(f"{title}:")
            for line in lines:
                click.echo(f"  {line}")


if __name__ == "__main__":  # pragma: no cover
    main()
