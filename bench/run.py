"""Benchmark: build generated editions of 1,000 and 10,000 memos and compare with lxml's floor.

    python bench/run.py [--sizes 1000 10000] [--workers N] [--out bench/results/NAME.json] [--work DIR]

For each size, a corpus is generated deterministically from the sample memo and its authority
files (ids, dates, titles, participants' order, which mentions are tagged and which notes are kept
vary per memo) into an edition directory, then measured, each step in a fresh ``edition``
process: a cold ``validate``, a cold ``build``, a rebuild with no change and a rebuild after one
memo changed.  Peak memory is the largest resident set of the build's process tree (psutil sampling
when it is installed, else the largest single process from ``getrusage``).  The floor is lxml
parsing and serialising the same files in one process.  Search indexing (Pagefind) is timed by the
build itself and shown on its own line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tei" / "memos" / "memcon-1988-05-31.xml"
SAMPLE_ID = "memcon-1988-05-31"
MENTION = re.compile(r'<(persName|placeName|orgName|term) ref="[^"]*">([^<]*)</\1>')
NOTE = re.compile(r'<note type="editorial" xml:id="n\d+">.*?</note>', re.S)
DELEGATION = re.compile(r"(<listPerson[^>]*>)(.*?)(</listPerson>)", re.S)


# -- the corpus --------------------------------------------------------------------------------

def generate(size: int, target: Path) -> Path:
    """Write an edition of *size* memos into *target*; return it."""
    if target.exists():
        shutil.rmtree(target)
    (target / "tei" / "memos").mkdir(parents=True)
    shutil.copy(ROOT / "edition.toml", target / "edition.toml")
    for folder in ("tei/authority", "tei/schema", "pages"):
        shutil.copytree(ROOT / folder, target / folder)
    sample = SAMPLE.read_text(encoding="utf-8")
    for n in range(size):
        ident, text = variant(sample, n)
        (target / "tei" / "memos" / f"{ident}.xml").write_text(text, encoding="utf-8")
    return target


def variant(sample: str, n: int) -> tuple[str, str]:
    """The sample as memo *n*: its own id, date and title; some mentions untagged, some notes left out."""
    rng = random.Random(n)
    year, month, day = 1981 + n % 8, 1 + (n // 8) % 12, 1 + (n // 96) % 28
    date = f"{year:04d}-{month:02d}-{day:02d}"
    ident = f"memcon-{date}-{n:05d}"
    text = sample.replace(SAMPLE_ID, ident).replace("1988-05-31", date)
    text = text.replace("President's Second One-on-One Meeting", f"President's Meeting No. {n + 1}", 1)
    text = MENTION.sub(lambda m: m.group(0) if rng.random() < 0.8 else m.group(2), text)
    text = NOTE.sub(lambda m: m.group(0) if rng.random() < 0.7 else "", text)
    return ident, DELEGATION.sub(lambda m: m.group(1) + _shuffled(m.group(2), rng) + m.group(3), text)


def _shuffled(people: str, rng: random.Random) -> str:
    entries = re.findall(r"\s*<person\b.*?</person>", people, re.S)
    if len(entries) < 2 or "".join(entries) != people.rstrip():
        return people
    rng.shuffle(entries)
    return "".join(entries) + people[len(people.rstrip()):]


# -- measuring ---------------------------------------------------------------------------------

def floor(edition: Path) -> dict:
    """lxml parse + serialise of every memo, in this process."""
    from lxml import etree

    files = sorted((edition / "tei" / "memos").glob("*.xml"))
    started = time.perf_counter()
    size = 0
    for path in files:
        data = path.read_bytes()
        size += len(data)
        etree.tostring(etree.fromstring(data))
    return {"seconds": time.perf_counter() - started, "bytes": size, "documents": len(files)}


def _run_cli(args: list[str], cwd: Path, tool: Path | None = None) -> dict:
    """Run ``edition ARGS`` in a fresh process (of the tool at *tool*); wall time, exit code, peak memory."""
    command = [sys.executable, "-c", _WRAPPER, *args]
    env = dict(os.environ, PYTHONPATH=str(tool)) if tool else None  # the tool's own copy comes first
    peak = {"tree": 0}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    sampler = threading.Thread(target=_sample, args=(process.pid, peak), daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    largest = int(out.strip().splitlines()[-1]) if out.strip() else 0  # KiB, from the wrapper
    result = {"seconds": seconds, "returncode": process.returncode, "largest_process_mb": largest / 1024,
              "tree_mb": peak["tree"] / 2**20 if peak["tree"] else None}
    if process.returncode not in (0, 1):
        result["stderr"] = err[-2000:]
    return result


# the wrapper runs the CLI as its child, so RUSAGE_CHILDREN sees that build alone
_WRAPPER = """
import os, resource, subprocess, sys
cli = @CLI@ if os.environ.get("BENCH_NO_SEARCH") else ["-m", "edition.cli"]
subprocess.run([sys.executable, *cli, *sys.argv[1:]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
""".replace("@CLI@", repr(["-c", "import sys, edition.search as s; s.index_records = lambda *a, **k: {}; "
                                       "sys.argv[0] = 'edition'; from edition.cli import main; main()"]))


def _sample(pid: int, peak: dict) -> None:
    try:
        import psutil
    except ImportError:
        return
    try:
        root = psutil.Process(pid)
        while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
            total = 0
            for proc in [root, *root.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            peak["tree"] = max(peak["tree"], total)
            time.sleep(0.05)
    except psutil.Error:
        return


def snapshot(work: Path) -> Path:
    """A copy of this tool (code, templates, schema), so that edits made during a run do not change it."""
    tool = work / "tool"
    if not tool.exists():
        for folder in ("edition", "templates", "tei/schema"):
            shutil.copytree(ROOT / folder, tool / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return tool


def measure(size: int, work: Path, workers: int, tool: Path, legacy: bool = False, repeat: int = 3) -> dict:
    edition = generate(size, work / f"edition-{size}")
    record = {"size": size, "workers": 1 if legacy else workers, "floor": floor(edition), "tool": str(tool)}
    workers_arg = [] if legacy else ["--workers", str(workers)]

    def run_cli(args, cwd):
        result = _run_cli(args, cwd, tool)
        print(f"  {size}: edition {args[0]}: {result['seconds']:.1f} s, exit {result['returncode']}",
              file=sys.stderr, flush=True)
        return result

    shutil.rmtree(edition / ".edition-cache", ignore_errors=True)
    record["validate_cold"] = run_cli(["validate", "--project", str(edition), *workers_arg], edition)
    shutil.rmtree(edition / ".edition-cache", ignore_errors=True)
    record["build_cold"] = run_cli(["build", str(edition), *workers_arg], edition)
    record["build_cold"]["stages"] = _stages(edition)
    record["rebuild_unchanged"] = _median([run_cli(["build", str(edition), *workers_arg], edition)
                                           for _ in range(repeat)])
    memos = sorted((edition / "tei" / "memos").glob("*.xml"))
    changed = []
    for n in range(repeat):  # a different memo each time, in the middle of the edition
        memo = memos[size // 2 + n]
        memo.write_text(memo.read_text(encoding="utf-8").replace("and would wait outside",
                                                                 "and would wait outside, he said"), encoding="utf-8")
        changed.append(run_cli(["build", str(edition), *workers_arg], edition))
        changed[-1]["stages"] = _stages(edition)
    record["rebuild_one_changed"] = _median(changed)
    record["output"] = _output_size(edition / "output")
    return record


def _median(runs: list[dict]) -> dict:
    """The run with the median time, with every run's time beside it."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "runs": [run["seconds"] for run in runs]}


def _stages(edition: Path) -> dict:
    path = edition / ".edition-cache" / "last-build.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _output_size(out: Path) -> dict:
    count = size = 0
    for folder, _, names in os.walk(out):
        for name in names:
            count += 1
            size += os.lstat(os.path.join(folder, name)).st_size
    return {"files": count, "bytes": size}


# -- reporting ---------------------------------------------------------------------------------

def table(record: dict) -> str:
    base = record["floor"]
    docs, mb = base["documents"], base["bytes"] / 2**20
    rows = [("lxml parse+serialise (floor)", base["seconds"], None)]
    for name, label in (("validate_cold", "validate, cold"), ("build_cold", "build, cold"),
                        ("rebuild_unchanged", "rebuild, no change"), ("rebuild_one_changed", "rebuild, 1 changed")):
        step = record[name]
        rows.append((label + ("" if step["returncode"] == 0 else f" (exit {step['returncode']})"), step["seconds"], step))
    if not os.environ.get("BENCH_NO_SEARCH"):
        for name, label in (("build_cold", "build, cold"), ("rebuild_one_changed", "rebuild, 1 changed")):
            search = record[name].get("stages", {}).get("search")
            if search:  # left out (--no-search): nothing to show
                rows.append((f"  {label}: of which search index", search, None))
                rows.append((f"  {label}, without search", record[name]["seconds"] - search, None))
    lines = [("(search index left out: --no-search)\n" if os.environ.get("BENCH_NO_SEARCH") else "")
             + f"{record['size']} memos, {mb:.1f} MB of TEI, {record['workers']} workers, "
             f"output {record['output']['files']} files / {record['output']['bytes'] / 2**20:.0f} MB",
             f"{'step':34} {'seconds':>9} {'docs/s':>9} {'MB/s':>8} {'x floor':>8} {'peak MB':>12}"]
    for label, seconds, step in rows:
        peak = ""
        if step:
            peak = f"{step['tree_mb']:.0f}" if step.get("tree_mb") else f"{step['largest_process_mb']:.0f}*"
        rate = (f"{docs / seconds:9.0f} {mb / seconds:8.2f}" if seconds > 0 else f"{'-':>9} {'-':>8}")
        lines.append(f"{label:34} {seconds:9.2f} {rate} {seconds / base['seconds']:8.1f} {peak:>12}")
    lines.append("(peak: the process tree's resident memory; * = largest single process)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, help="JSON record (default: bench/results/DATE-TIME.json)")
    parser.add_argument("--work", type=Path, help="where the corpora go (default: a temporary directory, removed)")
    parser.add_argument("--tool", type=Path, help="measure another copy of the tool (the directory holding its "
                        "edition/ and templates/), e.g. the code before the optimisations")
    parser.add_argument("--legacy", action="store_true", help="the tool has no --workers option")
    parser.add_argument("--repeat", type=int, default=3, help="rebuilds of each kind; the median is reported")
    parser.add_argument("--no-search", action="store_true",
                        help="leave the Pagefind index out (its service holds every record in memory)")
    args = parser.parse_args(argv)
    if args.no_search:
        os.environ["BENCH_NO_SEARCH"] = "1"
    work = args.work or Path(tempfile.mkdtemp(prefix="edition-bench-"))
    out = args.out or ROOT / "bench" / "results" / time.strftime("%Y%m%d-%H%M%S.json")
    records = []
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
               "search": not args.no_search}
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes:
            records.append(measure(size, work, args.workers, args.tool or snapshot(work), args.legacy, args.repeat))
            out.write_text(json.dumps({"machine": machine, "runs": records}, indent=1) + "\n", encoding="utf-8")
            print(table(records[-1]), end="\n\n", flush=True)
            shutil.rmtree(work / f"edition-{size}", ignore_errors=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
