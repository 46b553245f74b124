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
def build(project: Path, out: Path | None, strict: bool):
    """Validate the sources and build the static site."""
    from .build import build as run_build
    from .config import load_config

    config = load_config(project)
    result = run_build(config, out_dir=out, strict=strict)
    _print_diagnostics(result.reporter, fmt="text", summary=False)
    click.echo(f"built {plural(result.pages, 'page')} from {plural(result.documents, 'document')} "
               f"into {result.out_dir}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--project", "project", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="Edition directory (default: current directory).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(paths: tuple[Path, ...], project: Path, fmt: str, strict: bool):
    """Check TEI sources (default: the project's tei/) and report located diagnostics."""
    from .config import load_config
    from .validate import validate as run_validate

    config = load_config(project)
    reporter = run_validate(config, list(paths) or None)
    _print_diagnostics(reporter, fmt=fmt, summary=True)
    failed = reporter.has_errors or (strict and reporter.count("warning") > 0)
    sys.exit(1 if failed else 0)


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


if __name__ == "__main__":  # pragma: no cover
    main()
