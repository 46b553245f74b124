"""What a built site holds, file by file, without holding millions of names in memory.

A site is made of render *units* (a document's page and API files, an index entry's page, a search
bundle, the edition-wide pages together), each keyed by everything its files depend on.  An edition
of ten thousand memos has some two and a half million files, nearly all of them in folders of their
own (a document's DTS navigation, a search bundle's fragments).  So a unit keeps in memory only its
files in folders it shares with another unit, and the list of its folders; the names in its own
folders are kept in a :class:`~edition.cache.Shelf`, read for just the units a build removes or
whose folders were edited by hand.

Invariant: every folder that two units used when the record was made is among the *shared* folders
of each, so files another unit may also hold are always in memory.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from typing import NamedTuple

from .cache import Cache, Shelf


class UnitRecord(NamedTuple):
    shared: str  # its files in shared folders, newline-separated
    folders: tuple[str, ...]  # every folder it writes into
    pages: int  # how many of its files are HTML pages
    shared_folders: tuple[str, ...]  # the folders it shared when recorded


def folders_of(urls) -> set[str]:
    return {posixpath.dirname(url) for url in urls}


def _split(joined: str) -> list[str]:
    return [url for url in joined.split("\n") if url]


class Files:
    """The files of a built site, per unit (see the module's docstring)."""

    def __init__(self, build: str, units: dict[str, UnitRecord], gone: frozenset[str] = frozenset()):
        self.build, self.units = build, units
        self.gone = gone  # the units of the previous build this one no longer has
        self.shelf: Shelf | None = None  # the names in units' own folders (not pickled)

    def __getstate__(self):
        return {"build": self.build, "units": self.units}

    def __setstate__(self, state):
        self.__init__(state["build"], state["units"])

    @classmethod
    def record(cls, build: str, shelf: Shelf, previous: Files | None, kept: set[str], fresh: dict[str, str],
) -> Files:
        """The files of a build that kept *kept* of *previous*'s units and wrote *fresh* (key → joined
        names; emptied as it is read: a cold build's names take a few hundred megabytes); the names in
        units' own folders go into *shelf*."""
        units = {key: previous.units[key] for key in kept} if previous else {}
        owners: Counter = Counter()
        for unit in units.values():
            owners.update(unit.folders)
        for joined in fresh.values():  # one unit's names at a time: a cold build has millions
            owners.update(folders_of(_split(joined)))
        shared = {folder for folder, n in owners.items() if n > 1}
        for key in list(fresh):
            units[key] = _unit(shelf, key, _split(fresh.pop(key)), shared)
        for key in kept:  # a folder of its own that another unit now writes into too
            unit = units[key]
            if not shared.issuperset(unit.folders) and shared.intersection(unit.folders) - set(unit.shared_folders):
                units[key] = _unit(shelf, key, [*_split(unit.shared), *_split(shelf.get(key) or "")], shared)
        gone = frozenset(previous.units.keys() - units.keys()) if previous else frozenset()
        files = cls(build, units, gone)
        files.shelf = shelf
        return files

    def unit_urls(self, key: str) -> list[str]:
        return [*_split(self.units[key].shared), *_split(self.shelf.get(key) or "")]

    def folders(self) -> set[str]:
        return {folder for unit in self.units.values() for folder in unit.folders}

    def pages(self) -> int:
        """How many HTML pages the site has."""
        return sum(unit.pages for unit in self.units.values())

    def urls_in(self, folders: set[str]) -> set[str]:
        """Every file of the site in *folders*."""
        found = set()
        for key, unit in self.units.items():
            if folders.intersection(unit.folders):
                found.update(url for url in self.unit_urls(key) if posixpath.dirname(url) in folders)
        return found

    def stale(self, new: Files) -> set[str]:
        """Files of this site that *new* does not have (units both share are the same files)."""
        old = {url for key in self.units.keys() - new.units.keys() for url in self.unit_urls(key)}
        if not old:
            return set()
        fresh = {url for key in new.units.keys() - self.units.keys() for url in new.unit_urls(key)}
        candidates = old - fresh
        where = folders_of(candidates)  # a kept unit can hold one only in a folder it shares (the invariant)
        kept = {url for key, unit in new.units.items() if key in self.units and where.intersection(unit.shared_folders)
                for url in _split(unit.shared)}
        return candidates - kept


def _unit(shelf: Shelf, key: str, urls: list[str], shared: set[str]) -> UnitRecord:
    folders = folders_of(urls)
    mine = folders & shared
    together = [url for url in urls if posixpath.dirname(url) in mine]
    alone = [url for url in urls if posixpath.dirname(url) not in mine]
    shelf.put(key, "\n".join(alone))
    return UnitRecord("\n".join(together), tuple(sorted(folders)), sum(1 for url in urls if url.endswith(".html")),
                      tuple(sorted(mine)))


def shelf_for(cache: Cache, name: str, empty: bool) -> Shelf:
    """The shelf of the units' own files of the site recorded under *name*; *empty* for a new site."""
    return Shelf(cache, f"files-{name}", empty=empty)
