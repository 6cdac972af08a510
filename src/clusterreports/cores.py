"""How many processes a stage may use, and a map over forked workers.

Workers are forked, so they inherit what the parent has built instead of receiving it
pickled; without ``fork`` (Windows) everything runs in this process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

# prctl's option to have a signal sent when the parent dies (<linux/prctl.h>).
PR_SET_PDEATHSIG = 1

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def choose_jobs(requested: int | None, items: int, minimum: int) -> int:
    """As many as asked for; by default one per core this process may use, but just
    this one for fewer than ``minimum`` items (forking would cost more than it saves)
    or without fork."""
    if not can_fork():
        return 1
    if requested is not None:
        return max(1, requested)
    if items < minimum:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def fork_pool(jobs: int) -> ProcessPoolExecutor:
    # An executor, not a Pool: a worker that dies (out of memory, say) fails the build
    # with BrokenProcessPool instead of leaving it waiting forever for its result.
    return ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )


def _worker_start(parent: int) -> None:
    """A worker ends at SIGTERM (the command line turns it into a clean stop, which
    only the main process needs), and when its parent dies, even by SIGKILL, which
    leaves no chance to stop it: an orphan would go on rendering for nothing."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def map_chunks(
    function: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int, chunks: int = 4
) -> Iterator[R]:
    """``function`` over contiguous slices of ``items`` (``chunks`` per job) on ``jobs``
    forked workers; results come back in the order of ``items``."""
    if jobs <= 1:
        yield from function(items)
        return
    size = max(1, -(-len(items) // (jobs * chunks)))
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    with fork_pool(jobs) as pool:
        for results in pool.map(function, slices):
            yield from results
