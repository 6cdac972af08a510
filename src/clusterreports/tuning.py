"""Process-wide performance settings, each in one place with the reason it exists.

* **Forked workers** (``choose_jobs``, ``fork_pool``, ``map_chunks``): reading and
  rendering run in forked processes, which inherit the records and templates the
  parent has built instead of receiving them pickled. Without ``fork`` (Windows)
  everything runs in this process; for a handful of items forking costs more than it
  saves, so small sites stay in one process. Before forking, the parent's objects are
  frozen (``freeze_before_fork``): a collection in a child would otherwise write to
  every inherited object's header and so copy the pages the parent shares with it.
* **Never fork beside threads** (``fork_is_safe``, ``fork_process``): a lock another
  thread holds at the moment of the fork (the allocator's, logging's, a queue's) is
  held for ever in the child, which then hangs (Python 3.12 warns). A process with
  other threads renders in itself rather than fork; the preview forks its builder
  (``fork_process``) before its server's threads start, and the builder, which has
  none, forks its workers. ``tests/conftest.py`` fails any test that forks beside a
  thread.
* **The cycle collector during a build** (``rare_collections``, ``collector_paused``):
  a build allocates millions of objects that live to its end, and with Python's
  default thresholds the collector rescans them again and again. Checking creates no
  cycles at all (parsed data, models and backlinks refer down, never back), so it runs
  with the collector off; rendering leaves some, so it runs with rare collections.
* **Full collections in the preview's renderer** (``PageCollections``): the preview
  renders each page with new views, a cycle (views know their site, which knows its
  views); what a large page leaves is promoted past the young generations while it
  renders, and ``rare_collections`` reaches the oldest so seldom that it piles up in
  a render worker. So the preview's renderer collects fully every
  ``PREVIEW_COLLECTION_PAGES`` pages, where the build's own objects are frozen (a
  worker, ``freeze_before_fork``; the builder between edits, ``collect_and_freeze``),
  so that it walks only what rendering made: without, each would walk the whole build.
* **The preview's kept state** (``collect_and_freeze``, ``thaw``): between edits the
  preview keeps the whole last build (records, pages, what each page read) in memory.
  Frozen after a full build, the collector no longer walks it on every full
  collection, which would otherwise land on an edit; it is thawed before the next full
  build so that the old state's cycles can be freed.

What each of these saves is measured in ``bench/HISTORY.md``, not here: figures in
docstrings go stale.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from typing import TypeVar

# prctl's option to have a signal sent when the parent dies (<linux/prctl.h>).
PR_SET_PDEATHSIG = 1

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def fork_is_safe() -> bool:
    """Fork exists, and this process runs no thread but this one."""
    return can_fork() and threading.active_count() == 1


def choose_jobs(requested: int | None, items: int, minimum: int) -> int:
    """As many as asked for; by default one per core this process may use, but just
    this one for fewer than ``minimum`` items (forking would cost more than it saves),
    without fork, or while another thread runs (see ``fork_is_safe``)."""
    if not fork_is_safe():
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


def fork_process(target: Callable[[], object], name: str) -> BaseProcess | None:
    """``target`` run in a forked process (started), which ends when this one dies, as
    a worker does; None when forking is not safe here (``fork_is_safe``)."""
    if not fork_is_safe():
        return None
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_run_forked, args=(target, os.getpid()), name=name)
    process.start()
    return process


def _run_forked(target: Callable[[], object], parent: int) -> None:
    _worker_start(parent)
    target()


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


@contextmanager
def rare_collections() -> Iterator[None]:
    """Collect 70 times less often than by default for the length of a build: often
    enough to free the cycles rendering leaves, rarely enough not to rescan the build's
    long-lived objects again and again."""
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collections while checking: it makes no cycles, yet each collection would
    rescan everything built so far."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The pages the preview renders between two full collections (``PageCollections``).
PREVIEW_COLLECTION_PAGES = 300


class PageCollections:
    """Counts the pages one process renders, and collects fully every ``every``-th,
    while objects are frozen (see the module's docstring). One per renderer: a forked
    worker counts its own pages."""

    def __init__(self, every: int = PREVIEW_COLLECTION_PAGES) -> None:
        self.every = every
        self.pages = 0

    def rendered(self) -> None:
        self.pages += 1
        if self.pages % self.every == 0 and gc.get_freeze_count():
            gc.collect()


def collect_and_freeze() -> None:
    """Collect the garbage, then move everything that survives out of the collector's
    sight (the preview's state after a full build), so none of it is walked again."""
    gc.collect()
    gc.freeze()


def freeze_before_fork() -> None:
    """Move the parent's objects out of the collector's sight before forking workers."""
    gc.freeze()


def thaw() -> None:
    """Give what was frozen back to the collector: after the workers have finished, and
    before the preview's next full build replaces its kept state."""
    gc.unfreeze()
