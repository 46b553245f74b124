"""Run one function over many items in a process pool, results in input order.

Each worker process is set up once (``setup(*args)``: the schemas, the authorities, the templates)
and then handles items one at a time, so memory stays at about one document per worker.  With one
worker, or one item, everything runs in this process: the same code, no pool.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable


def default_workers() -> int:
    return os.cpu_count() or 1


def run(fn: Callable, items: Iterable, workers: int | None = None, setup: Callable | None = None,
        args: tuple = ()) -> list:
    """``[fn(item) for item in items]``, spread over *workers* processes."""
    items = list(items)
    workers = max(1, min(workers or default_workers(), len(items)))
    if workers == 1:
        if setup is not None:
            setup(*args)
        return [fn(item) for item in items]
    chunksize = max(1, min(32, len(items) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, initializer=setup, initargs=args) as pool:
        return list(pool.map(fn, items, chunksize=chunksize))
