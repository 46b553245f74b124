"""Build the three FRUS volumes with ``edition build`` and print the time next to the lxml floor.

    python3 bench/frus.py [--workers N]

A fresh edition made with ``edition init`` (so a cold cache) gets the three volumes of
``shared/corpus/frus-volumes/`` in ``tei/``; :func:`edition.build.build` builds it as the
command does (validation with TEI All, reading, citations, pages, search index, DTS).  The
floor, measured in the same run, is lxml parsing and serialising the same files (best of
three).  Printed: wall time, CPU time (this process and its workers), peak RSS, the build's
own stage times.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
VOLUMES = sorted((ROOT.parent / "shared" / "corpus" / "frus-volumes").glob("*.xml"))
sys.path.insert(0, str(ROOT))

from edition.build import build  # noqa: E402
from edition.config import load_config  # noqa: E402
from edition.scaffold import init_edition  # noqa: E402


def floor() -> float:
    """lxml parse + serialise of every volume, the best of three."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for path in VOLUMES:
            etree.tostring(etree.parse(str(path)), encoding="utf-8")
        runs.append(time.perf_counter() - started)
    return min(runs)


def cpu() -> float:
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def main(workers: int | None) -> None:
    base = floor()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "edition"
        init_edition(project, "FRUS volumes")
        for path in VOLUMES:
            shutil.copyfile(path, project / "tei" / path.name)
        config = load_config(project)
        cpu0, started = cpu(), time.perf_counter()
        result = build(config, workers=workers)
        total, used = time.perf_counter() - started, cpu() - cpu0
        volumes = sum(1 for _ in (result.out_dir / "documents").glob("frus*/index.html"))
        documents = sum(1 for p in (result.out_dir / "documents").glob("frus*/*.html") if p.name != "index.html")
    rss = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"volumes: {volumes}, document pages: {documents}, HTML pages: {result.pages}")
    print(f"lxml parse + serialise floor: {base:.2f} s ({sum(p.stat().st_size for p in VOLUMES) / 1e6:.1f} MB)")
    stages = ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items())
    print(f"edition build (workers {workers or 'default'}): {total:.1f} s wall = {total / base:.0f}x the floor, "
          f"{used:.1f} s CPU, peak RSS {rss / 1024:.0f} MB ({stages})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    main(parser.parse_args().workers)
