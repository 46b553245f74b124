"""The output directory: staged, swapped in whole or updated in place, and what each build put there.

``output/`` is only ever replaced by a complete new site (a directory renamed over it) or updated
file by file from a complete staging directory; a build that fails leaves it as it was.  The cache
keeps a record of what each build wrote, so the next one can keep what did not change.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .cache import Cache, Shelf, digest
from .errors import UsageError
from .manifest import Files, shelf_for

MARKER = ".edition-build"  # marks a directory as ours, so a rebuild may replace it


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
#
# Two records per output directory in the cache: a small one read by every build (the inputs it was
# built from, its diagnostics, and the modification time of each of its directories), and the list of
# its files, read only when something changed.  A rebuild with no change stats the directories and
# looks inside only those whose time moved (a file was added or removed there by hand).

def _record_key(kind: str, out_dir: Path) -> str:
    return digest(kind, str(Path(out_dir).resolve()))


def _stamp(out_dir: Path) -> tuple | None:
    try:
        st = (out_dir / MARKER).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def last_build(cache: Cache, out_dir: Path) -> dict | None:
    """The record of the last build into *out_dir*, if *out_dir* is still exactly that build."""
    record = cache.get("meta", _record_key("last", out_dir))
    if not isinstance(record, dict) or record.get("marker") is None:
        return None
    return record if record["marker"] == _stamp(Path(out_dir).resolve()) else None


def previous_files(cache: Cache, out_dir: Path, last: dict | None) -> Files | None:
    """The files the build recorded by *last* wrote, or None (then the next build is a full one)."""
    if last is None:
        return None
    files = cache.get("meta", _record_key("files", out_dir))
    if not isinstance(files, Files) or files.build != last["build"]:
        return None
    files.shelf = site_shelf(cache, out_dir, empty=False)
    return files


def site_shelf(cache: Cache, out_dir: Path, empty: bool) -> Shelf:
    """Where the names in the units' own folders of the site in *out_dir* are kept (see :mod:`edition.manifest`)."""
    return shelf_for(cache, _record_key("files", Path(out_dir).resolve()), empty)


def _folder_stamps(out_dir: Path, folders: set[str], known: dict[str, int] | None = None) -> dict[str, int]:
    """Every folder of the site (and those above them) → its modification time: *known* with *folders*
    stamped again (those gone dropped), or, without *known*, *folders* alone."""
    every = {""}
    for folder in folders:
        while folder and folder not in every:
            every.add(folder)
            folder = posixpath.dirname(folder)
    base, stamps = str(out_dir), dict(known or {})
    for folder in sorted(every):
        mtime = _mtime(os.path.join(base, folder))
        if mtime is not None:
            stamps[folder] = mtime
        else:
            stamps.pop(folder, None)
    return stamps


def record_build(cache: Cache, out_dir: Path, files: Files, summary: dict, previous: Files | None = None,
                 last: dict | None = None) -> None:
    """Remember what is in *out_dir* now, so that the next build can keep it.  After an update of
    *previous* (recorded as *last*), only the folders of the units added or removed are stamped again."""
    out_dir = Path(out_dir).resolve()
    for key in files.gone:
        files.shelf.delete(key)
    files.shelf.save()
    cache.put("meta", _record_key("files", out_dir), files)
    if previous is not None and last is not None:
        touched = {folder for units, others in ((files.units, previous.units), (previous.units, files.units))
                   for key in units.keys() - others.keys() for folder in units[key].folders}
        stamps = _folder_stamps(out_dir, touched, last["folders"])
    else:
        stamps = _folder_stamps(out_dir, files.folders())
    cache.put("meta", _record_key("last", out_dir), {**summary, "build": files.build, "marker": _stamp(out_dir),
                                                     "folders": stamps})


def tidy_output(cache: Cache, out_dir: Path, last: dict) -> int:
    """Delete what was added by hand to an unchanged site since *last* was built; return how many files.

    Only the folders whose modification time moved are looked into.
    """
    out_dir = Path(out_dir).resolve()
    base = str(out_dir)  # strings, not Paths: an edition of 10,000 memos has some 50,000 folders
    moved = [folder for folder, mtime in last["folders"].items() if _mtime(os.path.join(base, folder)) != mtime]
    if not moved:
        return 0
    files = previous_files(cache, out_dir, last)
    if files is None:
        raise OSError("the record of the last build is incomplete")
    known, folders = files.urls_in(set(moved)) | {MARKER}, set(last["folders"])
    removed = 0
    for folder in moved:
        path = out_dir / folder
        for entry in (os.scandir(path) if path.is_dir() else ()):
            url = posixpath.join(folder, entry.name) if folder else entry.name
            if entry.is_dir(follow_symlinks=False) and url not in folders:
                removed += sum(len(names) for _, _, names in os.walk(entry.path))
                shutil.rmtree(entry.path)
            elif not entry.is_dir(follow_symlinks=False) and url not in known:
                os.unlink(entry.path)
                removed += 1
    cache.put("meta", _record_key("last", out_dir), {**last, "folders": _folder_stamps(out_dir, files.folders())})
    return removed


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


class Stage:
    """The staging directory of one build."""

    def __init__(self, out_dir: Path, staging: Path):
        self.out_dir, self.staging = out_dir, staging
        self.files: Files | None = None  # set by the build before the stage is committed
        self.whole: list[str] = []  # folders written whole (search bundles): swapped in as one


@contextmanager
def staged_update(out_dir: Path, previous: Files | None, cache: Cache):
    """Yield a :class:`Stage`; on success its files replace *out_dir* whole, or update *previous* in place.

    A full build swaps the new directory in.  An incremental one holds only the files that changed;
    they are moved into *out_dir* one by one (each atomically) and the files the site no longer has
    are removed.  The record of the previous build is dropped first, so an update that is
    interrupted makes the next build a full one.
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
            cache.put("meta", _record_key("last", out_dir), None)
            _merge(staging, out_dir, previous.stale(stage.files), stage.whole)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _merge(staging: Path, out_dir: Path, stale: set[str], whole: list[str]) -> None:
    old = []
    for name in (name for name in whole if (staging / name).is_dir()):  # a search bundle: all its files change
        if (out_dir / name).exists():
            old.append(out_dir.with_name(f".{out_dir.name}.old-{len(old)}-{os.getpid()}"))
            os.rename(out_dir / name, old[-1])
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging / name, out_dir / name)
    for source in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = out_dir / source.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    for url in sorted(stale, reverse=True):
        (out_dir / url).unlink(missing_ok=True)
    for folder in sorted({(out_dir / url).parent for url in stale}, key=lambda p: len(p.parts), reverse=True):
        while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    marker = out_dir / f".{MARKER}.new"
    marker.write_text("built by edition\n", encoding="utf-8")
    os.replace(marker, out_dir / MARKER)
