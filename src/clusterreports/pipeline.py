"""The whole build, top to bottom: load -> validate -> link -> plan -> render -> write.

Pages render on every core (``parallel``); files whose bytes have not changed since
the published site are linked rather than written again (``write.StageWriter``).
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from . import duplicates
from .config import Site
from .load import read_content
from .outputs import GENERATORS, BuildContext, finalising, pages_read
from .parallel import Reader, render_pages
from .plan import Page, plan_pages
from .problems import ContentError, Problem, counted
from .progress import BuildProgress
from .registry import Registry, link
from .render import Renderer
from .theme import builtin_dir
from .validate import validate_records
from .write import StageWriter, copy_static, staging


@dataclass
class Checked:
    registry: Registry
    pages: list[Page]
    warnings: list[Problem]


@dataclass
class BuildResult:
    pages: int
    records: int
    static_files: int
    seconds: float
    written: int = 0
    unchanged: int = 0
    warnings: list[Problem] | None = None

    def summary(self) -> str:
        return (
            f"Built {counted(self.pages, 'page')} ({self.written} written, "
            f"{self.unchanged} unchanged) from {counted(self.records, 'record')} "
            f"({counted(self.static_files, 'static file')}) in {self.seconds:.2f} s"
        )


def check(
    site: Site,
    jobs: int | None = None,
    progress: BuildProgress | None = None,
    strict: bool = False,
) -> Checked:
    """Every check a build makes, without writing anything; raises ContentError with
    every problem found across all files. ``jobs`` processes read the files. Warnings
    (probable duplicates) are returned, or with ``strict`` raised as problems."""
    say = (progress or BuildProgress(0, enabled=False)).checking
    say("Reading and validating the content")
    # Each record is validated here while the workers read the next ones.
    read_problems: list[Problem] = []
    validated = validate_records(read_content(site.content_dir, site.root, read_problems, jobs))
    say(f"Linking {counted(len(validated.records), 'record')}")
    registry, link_problems = link(validated.records, validated.invalid)
    say("Planning the pages")
    pages, plan_problems = plan_pages(registry, site.config.search)
    problems = read_problems + validated.problems + link_problems + plan_problems
    warnings = duplicates.warnings(registry) if not problems else []
    if strict or site.config.strict:
        problems += warnings
    if problems:
        raise ContentError(problems)
    return Checked(registry, pages, warnings)


def build(
    site: Site, jobs: int | None = None, progress: bool = False, strict: bool = False
) -> BuildResult:
    """Check, then write the whole site; ``jobs`` processes render pages (default: one
    per core), and ``progress`` shows a bar (the CLI asks for it on a terminal).
    ``strict`` makes warnings problems, so nothing is written."""
    started = time.perf_counter()
    bar = BuildProgress(0, enabled=progress)
    with rare_collections():
        try:
            with collector_paused():
                checked = check(site, jobs, bar, strict)
            renderer = Renderer(site, checked.registry)
            context = BuildContext(site, checked.registry, checked.pages, renderer)
            bar.total = len(checked.pages)
            with staging(site.output_dir) as stage:
                writer = StageWriter(stage, site.output_dir)
                extras = [functools.partial(generate, context) for generate in GENERATORS]
                # The search index is made from the record pages while the extras and
                # the other pages are written.
                read = pages_read(context)
                with finalising(context, stage) as start_finalisers:
                    pages = render_pages(
                        checked.pages,
                        renderer,
                        writer,
                        jobs,
                        bar,
                        extras,
                        Reader(read, start_finalisers) if read else None,
                    )
                    static_count = copy_static([builtin_dir("static"), site.static_dir], stage)
                    if site.config.search:
                        bar.stage("Indexing the pages for search")
        finally:
            bar.stop()
    return BuildResult(
        len(checked.pages),
        len(checked.registry),
        static_count,
        time.perf_counter() - started,
        written=pages.written,
        unchanged=pages.unchanged,
        warnings=checked.warnings,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Checking builds the records and leaves no cycles to collect (parsed data, models
    and backlinks refer down, never back), yet each collection rescans everything it
    has built so far: at 10,000 events a seventh of checking."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def rare_collections() -> Iterator[None]:
    """A build allocates millions of objects that live to its end; with the default
    thresholds the cycle collector rescans them again and again (a fifth of checking
    time). Collecting 70 times less often still frees the cycles that rendering leaves."""
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
