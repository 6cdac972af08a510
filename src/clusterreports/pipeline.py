"""The whole build, top to bottom: load -> validate -> link -> plan -> render -> write.

Pages render on every core (``parallel``); files whose bytes have not changed since
the published site are linked rather than written again (``write.StageWriter``).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from .config import Site
from .content import duplicates
from .content.load import read_content, walk_files
from .content.registry import Registry, link
from .content.validate import unreadable, validate_records
from .outputs.context import BuildContext
from .outputs.extras import GENERATORS, finalising, pages_read
from .problems import ContentError, Problem, counted
from .site.parallel import Reader, render_pages
from .site.plan import Page, plan_pages
from .site.progress import BuildProgress
from .site.render import Renderer
from .site.theme import builtin_dir
from .site.write import StageWriter, check_output, copy_static, staging, static_shown
from .tuning import collector_paused, rare_collections


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
    if site.static_dir.is_dir():  # its links and unreadable folders (copied only later)
        walk_files(site.static_dir, site.root, read_problems, static_shown)
    say(f"Linking {counted(len(validated.records), 'record')}")
    unread = unreadable(read_problems, site.content_dir, site.root)
    registry, link_problems = link(validated.records, validated.invalid | unread)
    say("Planning the pages")
    pages, plan_problems = plan_pages(registry, site.config.search, site.config.page_size)
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
    ``strict`` makes warnings problems, so nothing is written. Raises OutputRefused,
    before reading anything, for an output folder that a build must not replace."""
    started = time.perf_counter()
    check_output(site.output_dir, site.inputs())
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
                    static_count = copy_static(
                        [builtin_dir("static"), site.static_dir], stage, site.root
                    )
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
