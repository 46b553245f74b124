"""The files of the DTS API: how their JSON starts and is encoded, how links in them are quoted,
and how they are written (one ``open``, ``write`` and ``close`` each).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from urllib.parse import quote

DTS_VERSION = "1.0"
CONTEXT = "https://dtsapi.org/context/v1.0.json"

dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # the C encoder
RESPONSE_START = f'{{"@context":{dumps(CONTEXT)},"dtsVersion":{dumps(DTS_VERSION)},'  # how every JSON file starts


def response(obj: dict) -> bytes:
    """*obj* as a top-level response: ``@context`` and ``dtsVersion`` first."""
    return json_file({"@context": CONTEXT, "dtsVersion": DTS_VERSION, **obj})


def json_file(obj: dict) -> bytes:
    return (dumps(obj) + "\n").encode("utf-8")


_TAIL = re.compile(r"[{#]")  # where a link's template or fragment starts
_PLAIN = re.compile(r"[A-Za-z0-9_.~/;=#{},-]*")


def relative_link(target: str, here: str) -> str:
    """Site path *target* (it may end in a template or a #fragment) as a relative URL seen from folder *here*."""
    tail = _TAIL.search(target)
    cut = tail.start() if tail else len(target)
    folder, name = posixpath.split(target[:cut])
    if folder != here:
        name = f"{posixpath.relpath(folder or '.', here or '.')}/{name}"
    return quote_path(name + target[cut:])


def quote_path(url: str) -> str:
    """Percent-encode what a path may not hold raw (non-ASCII ids); keep template and path syntax."""
    return url if _PLAIN.fullmatch(url) else quote(url, safe="/;=#{},")


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


class Output:
    """Write files as ``SiteWriter.write`` does (into its staging folder, recorded in ``written``), cheaply.

    One ``open``, ``write`` and ``close`` per file, each folder made once: a document has ~250 files.
    """

    def __init__(self, site):
        self.site, self.root = site, os.fspath(site.staging)
        self.folders: set[str] = set()

    def write(self, url: str, data: bytes) -> None:
        folder = url.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(f"{self.root}/{folder}", exist_ok=True)
            self.folders.add(folder)
        fd = os.open(f"{self.root}/{url}", _FLAGS, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.site.written.append(url)
