"""``edition serve``: the built site over http on 127.0.0.1, rebuilt when a source or template changes.

A failed rebuild reports its diagnostics and leaves the last good site in place
(the build writes ``output/`` only when it succeeds), so the server keeps serving it.
"""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from jinja2 import TemplateError

from .config import CONFIG_FILE, Config
from .errors import EditionError, UsageError, plural

Report = Callable[[str], None]


class QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without a log line per request."""

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass


class SiteServer:
    """``directory`` over http in a background thread; ``port=0`` picks a free port."""

    def __init__(self, directory: Path, port: int = 0, host: str = "127.0.0.1"):
        handler = functools.partial(QuietHandler, directory=str(directory))
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror}; try another --port") from None
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(config: Config, port: int = 8000, report: Report = lambda line: None,
          stop: threading.Event | None = None) -> None:
    """Build, serve ``output/`` and rebuild on every change until *stop* is set (or Ctrl-C)."""
    import watchfiles

    rebuild(config, report)
    config.out_dir.mkdir(parents=True, exist_ok=True)
    with SiteServer(config.out_dir, port) as server:
        report(f"serving {config.out_dir} at {server.url} (Ctrl-C to stop); watching sources and templates")
        watched = [config.root, *(d for d in config.template_dirs if not d.is_relative_to(config.root))]
        for changes in watchfiles.watch(*watched, watch_filter=SourceFilter(config), stop_event=stop,
                                        raise_interrupt=False):
            changed = sorted({Path(path).name for _, path in changes})
            report(f"changed: {', '.join(changed)}")
            rebuild(config, report)


def rebuild(config: Config, report: Report) -> bool:
    """Build the site; on failure report why and leave the last good ``output/`` alone."""
    from .build import build

    started = time.monotonic()
    try:
        result = build(config)
    except EditionError as exc:
        for diagnostic in exc.diagnostics:
            report(str(diagnostic))
        report(f"{exc.format_message()}; still serving the last good site")
        return False
    except TemplateError as exc:  # a template being edited: say where, keep serving
        where = f"{exc.filename}:{exc.lineno}: " if getattr(exc, "filename", None) else ""
        report(f"{where}error: {exc.message} [template]; still serving the last good site")
        return False
    for diagnostic in result.reporter.sorted():
        report(str(diagnostic))
    report(f"built {plural(result.pages, 'page')} in {time.monotonic() - started:.1f} s")
    return True


class SourceFilter:
    """Changes that call for a rebuild: tei/, pages/, edition.toml and the templates."""

    def __init__(self, config: Config):
        self.config_file = (config.root / CONFIG_FILE).resolve()
        self.dirs = [d.resolve() for d in (config.tei_dir, config.pages_dir, *config.template_dirs)]

    def __call__(self, change, path: str) -> bool:
        target = Path(path).resolve()
        if target.name.startswith(".") or target.name.endswith(("~", ".swp", ".tmp")):
            return False
        return target == self.config_file or any(target.is_relative_to(d) for d in self.dirs)
