"""Render and write pages, and the files beside them, on every core.

Workers are forked after planning, so they inherit the registry, the views and the
compiled templates instead of receiving them pickled. Each renders a contiguous run
of pages and writes the files itself: only counts (and the extra files' URLs) travel
back, never HTML. The extra files (feeds, calendars, data) are tasks in the same pool,
so no core waits while one process writes them: first, being the longest tasks, unless
something reads some pages once written (the search indexer, which reads the record
pages): those pages go first, and the indexer starts beside the extra files and the
other pages.
Without ``fork`` (Windows) or with one job, the same runs are rendered in this process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from typing import Any

import jinja2

from .. import tuning
from ..cache import flush_all
from ..problems import ContentError, Problem
from .plan import Page
from .progress import BuildProgress
from .render import Renderer
from .write import Content, StageWriter

# Each worker gets about this many contiguous runs: few enough that neighbouring pages
# (which show the same records) share one worker's view caches, enough that the
# progress bar moves. The last runs are shorter, so that both cores finish together.
RUNS_PER_JOB = 8
MIN_RUN = 50
# Below this, forking costs more than it saves.
MIN_PARALLEL_PAGES = 400
# A worker keeps the record views it made (and what they cached) from one run of pages
# to the next, up to this many; past it, it starts afresh, so a large site's worker
# holds about a run's views, not the whole site's.
MAX_VIEWS = 20_000


@dataclass
class Rendered:
    """What the pool made: how many pages, how many of them changed (written, not
    linked from the published site), and the URL of every extra file."""

    pages: int = 0
    changed: int = 0
    extra_urls: set[str] = field(default_factory=set)

    @property
    def unchanged(self) -> int:
        return self.pages - self.changed


# Makes the (url, content) of some files beside the pages: one of outputs.EXTRA_FILES
# bound to its build.
ExtraFiles = Callable[[], Iterable[tuple[str, Content]]]


@dataclass
class StartOnceWritten:
    """Calls ``start`` (e.g. the search indexer) once every page ``reads`` picks is
    written, while the other pages and the extra files may still be rendering."""

    reads: Callable[[Page], bool]
    start: Callable[[], object]


@dataclass
class _Job:
    pages: list[Page]
    order: list[int]  # the pages' indices in the order they are rendered (runs cut it)
    renderer: Renderer
    writer: StageWriter
    extra_files: Sequence[ExtraFiles] = ()


_job: _Job | None = None  # set before forking; workers inherit it


def choose_jobs(requested: int | None, pages: int) -> int:
    """Processes to render ``pages`` with (see ``tuning.choose_jobs``)."""
    return tuning.choose_jobs(requested, pages, MIN_PARALLEL_PAGES)


def _runs(count: int, jobs: int) -> list[tuple[int, int]]:
    """(start, stop) of each run: of equal length while what is left gives each worker
    two or more; from there each run is half a worker's share of what is left (at
    least MIN_RUN), so a worker that drew slow pages (an event's takes ten times a
    session's) is not left at work alone at the end."""
    size = max(MIN_RUN, -(-count // (jobs * RUNS_PER_JOB)))
    runs: list[tuple[int, int]] = []
    start = 0
    while start < count:
        length = min(size, max(MIN_RUN, (count - start) // (2 * jobs)))
        runs.append((start, min(start + length, count)))
        start += length
    return runs


@dataclass
class _Run:
    start: int
    count: int
    written: int
    problems: list[Problem]
    notes: list[Any] | None  # the renderer's, one per page (Renderer.take_notes)


def _render_run(bounds: tuple[int, int]) -> _Run:
    """Render pages[start:stop]; stops at the first template problem."""
    assert _job is not None
    start, stop = bounds
    written = 0
    _job.renderer.view.limit_views(MAX_VIEWS)
    for index in _job.order[start:stop]:
        page = _job.pages[index]
        try:
            content = _job.renderer.render(page)
        except ContentError as error:  # problems pickle; the exception may not
            return _Run(start, stop - start, written, error.problems, None)
        written += _job.writer.write(page.url, content)
    flush_all()
    return _Run(start, stop - start, written, [], _job.renderer.take_notes())


def _write_extra_files(index: int) -> list[str]:
    """Write the files of extra_files[index]; their URLs (they are not pages: nothing
    to count)."""
    assert _job is not None
    _job.renderer.view.limit_views(MAX_VIEWS)
    urls = []
    for url, content in _job.extra_files[index]():
        _job.writer.write(url, content)
        urls.append(url)
    flush_all()
    return urls


def _results(
    jobs: int, runs: list[tuple[int, int]], extra_files: int, first: int, progress: BuildProgress
) -> Iterator[_Run | list[str]]:
    """Results of every run (the URLs written for extra files), in any order: the first
    ``first`` runs, then the extra files, then the other runs. The progress display (a
    thread) starts only after forking, so no child inherits a lock it holds."""
    Task = tuple[Callable[[Any], _Run | list[str]], Any]
    pages: list[Task] = [(_render_run, run) for run in runs]
    others: list[Task] = [(_write_extra_files, index) for index in range(extra_files)]
    tasks = pages[:first] + others + pages[first:]
    if jobs <= 1:
        progress.start()
        yield from (task(argument) for task, argument in tasks)
        return
    tuning.freeze_before_fork()
    pool = tuning.fork_pool(jobs)
    try:
        # No list of the futures is kept: each result (with what its pages read, in the
        # preview) is freed once used instead of all living until the last one.
        done = as_completed([pool.submit(task, argument) for task, argument in tasks])  # forks
        progress.start()
        for future in done:
            yield future.result()
    finally:
        pool.shutdown(cancel_futures=True)
        tuning.thaw()


def render_pages(
    pages: list[Page],
    renderer: Renderer,
    writer: StageWriter,
    jobs: int | None,
    progress: BuildProgress,
    extra_files: Sequence[ExtraFiles] = (),
    once_written: StartOnceWritten | None = None,
    noted: Callable[[list[int], list[Any]], object] | None = None,
) -> Rendered:
    """Render every page into the stage with ``jobs`` processes (None: see
    ``choose_jobs``), and write the ``extra_files`` beside them; raises ContentError on
    a template problem. ``once_written`` is started as soon as every page it reads is
    written; ``noted`` is called with the indices of the pages of each run and what the
    renderer noted about them."""
    global _job
    for template in sorted({page.template for page in pages}):
        with contextlib.suppress(jinja2.TemplateError):  # reported with its page later
            renderer.env.get_template(template)  # compiled once, before workers fork
    jobs = choose_jobs(jobs, len(pages))
    order = list(range(len(pages)))
    read = len(pages)  # the pages [:read] of the order go first
    if once_written is not None:
        picked = [once_written.reads(page) for page in pages]
        order = [i for i in order if picked[i]] + [i for i in order if not picked[i]]
        read = sum(picked)
    runs = _runs(read, jobs)
    waiting = len(runs) if once_written is not None else 0  # runs to write before it starts
    # The unread pages are few (home, indexes), and an index page of a large site is
    # slow to render: one run each, shared out beside what ``once_written`` started.
    runs += [(n, n + 1) for n in range(read, len(pages))]
    _job = _Job(pages, order, renderer, writer, extra_files)
    total = Rendered()
    try:
        if once_written is not None and waiting == 0:
            once_written.start()
        for result in _results(jobs, runs, len(extra_files), waiting, progress):
            if isinstance(result, list):
                total.extra_urls.update(result)
                continue
            if result.problems:
                raise ContentError(result.problems)
            if noted is not None and result.notes is not None:
                noted(order[result.start : result.start + result.count], result.notes)
            total.pages += result.count
            total.changed += result.written
            progress.advance(result.count)
            if once_written is not None and result.start < read:
                waiting -= 1
                if waiting == 0:
                    once_written.start()
    finally:
        _job = None
        flush_all()  # what this process converted itself (with one job, everything)
    return total
