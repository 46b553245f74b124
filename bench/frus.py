"""Build the three FRUS volumes and print the time next to the lxml parse + serialise floor.

    python3 bench/frus.py [--real-cite]

The build is :func:`edition.frus_site.build_serial` (validate, read, cite, write pages; one
process, no search index or DTS files) into a temporary edition made with ``edition init``.
Citations: by default citeproc's rendering is stubbed and its cost measured on a sample
and extrapolated; ``--real-cite`` runs it for every document (about 85 ms each).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
VOLUMES = sorted((ROOT.parent / "shared" / "corpus" / "frus-volumes").glob("*.xml"))
sys.path.insert(0, str(ROOT))

from edition import cite  # noqa: E402
from edition.config import load_config  # noqa: E402
from edition.frus_site import build_serial  # noqa: E402
from edition.scaffold import init_edition  # noqa: E402

SAMPLE = 40


def floor() -> float:
    """lxml parse + serialise of every volume, the best of three."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for path in VOLUMES:
            etree.tostring(etree.parse(str(path)), encoding="utf-8")
        runs.append(time.perf_counter() - started)
    return min(runs)


def stub(item: dict, style: str, locator):
    return (f"{item['title']}, ¶{locator}" if locator else item["title"]), item["title"]


def main(real_cite: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "edition"
        init_edition(project, "FRUS volumes")
        for path in VOLUMES:
            shutil.copyfile(path, project / "tei" / path.name)
        config = load_config(project)
        real = cite._rendered
        if not real_cite:
            cite._rendered = stub
        started = time.perf_counter()
        result = build_serial(config, Path(tmp) / "out")
        total = time.perf_counter() - started
        cite._rendered = real
        sample = [d for d in result.edition.documents if d.volume is not None][:SAMPLE]
        t0 = time.perf_counter()
        for doc in sample:
            cite.cite_document(doc, config)
        per_doc = (time.perf_counter() - t0) / len(sample)
    documents = sum(len(v.documents) for v in result.edition.volumes)
    base = floor()
    print(f"volumes: {len(result.edition.volumes)}, document pages: {documents}, HTML pages: {result.pages}, "
          f"index entries: {sum(len(i.entries) for i in result.edition.indexes)}")
    print(f"lxml parse + serialise floor: {base:.2f} s ({sum(p.stat().st_size for p in VOLUMES) / 1e6:.1f} MB)")
    stages = ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items())
    print(f"build: {total:.2f} s = {total / base:.0f}x the floor ({stages})"
          + ("" if real_cite else "; citations stubbed"))
    print(f"citeproc: {per_doc * 1000:.0f} ms per document (sample of {len(sample)}), "
          f"about {per_doc * documents:.0f} s for all {documents}" + (" (included above)" if real_cite else ""))


if __name__ == "__main__":
    main("--real-cite" in sys.argv)
