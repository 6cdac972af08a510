"""The whole build, top to bottom: load -> validate -> link -> plan -> render -> write.

Pages render on every core (``parallel``); files whose bytes have not changed since
the published site are linked rather than written again (``write.StageWriter``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .config import Site
from .content import duplicates
from .content.images import check_images
from .content.load import read_content, walk_files
from .content.registry import Registry, link
from .content.translate import translate
from .content.validate import unreadable, validate_records
from .outputs.context import BuildContext, ExtraFilesMaker, Interrupted
from .outputs.extras import EXTRA_FILES, finalising, pages_read
from .problems import ContentError, Problem, counted
from .site import urls
from .site.i18n import catalogue_problems
from .site.parallel import ExtraFiles, Rendered, StartOnceWritten, render_pages
from .site.plan import Page, plan_pages
from .site.progress import BuildProgress
from .site.render import Renderer
from .site.theme import builtin_dir
from .site.write import (
    Content,
    StageWriter,
    check_output,
    copy_static,
    staging,
    static_shown,
)
from .tuning import collector_paused, rare_collections


@dataclass
class Checked:
    registry: Registry
    pages: list[Page]
    warnings: list[Problem]


# Asked between steps of long work: True once it should stop.
Stop = Callable[[], bool]


@dataclass
class Built:
    """What ``Builder.write`` wrote."""

    rendered: Rendered  # the pages, and the URLs of the extra files
    static_files: int


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
    if validated.translations:
        say("Checking the translations")
        link_problems += translate(
            registry,
            validated.translations,
            site.config.site_languages,
            validated.invalid | unread,
        )
    say("Reading the images")
    places = (site.content_dir / "images", site.static_dir)
    link_problems += check_images(registry, site.root, places, site.config.images.max_kb)
    say("Planning the pages")
    config = site.config
    trees = urls.trees(config)
    pages, plan_problems = plan_pages(registry, config.search, config.page_size, trees)
    problems = read_problems + validated.problems + link_problems + plan_problems
    problems += catalogue_problems(site)  # a language the interface cannot speak
    warnings: list[Problem] = []
    if not problems:
        say("Looking for probable duplicates")  # seconds at 10,000 events
        warnings = duplicates.warnings(registry)
    if strict or site.config.strict:
        problems += warnings
    if problems:
        raise ContentError(problems)
    return Checked(registry, pages, warnings)


class Builder:
    """Writes a checked site: the pages and the extra files on the render pool
    (``parallel``), the static files and the finalisers (the search index), into a
    staging folder published whole once all is in (``write.staging``). The one wiring
    of a build: ``build`` uses it, and so does the preview's full rebuild, through
    these hooks:

    * ``progress``: the bar that shows the stages (none in the preview);
    * ``stop``: asked between the extra files (and the pieces of a large one), while
      the finalisers run and before publishing; once it returns True the build raises
      Interrupted and nothing is published (the preview's, set when an edit comes in,
      which its renderer also asks before each page);
    * ``write``'s ``renderer`` and ``noted``: the preview's renderer notes what each
      page read, and ``noted`` is given it with the indices of each run's pages.

    Made before anything is read: raises OutputRefused for an output folder that a
    build must not replace."""

    def __init__(
        self,
        site: Site,
        jobs: int | None = None,
        progress: BuildProgress | None = None,
        stop: Stop | None = None,
    ) -> None:
        check_output(site.output_dir, site.inputs())
        self.site = site
        self.jobs = jobs  # render processes (None: one per core on a large site)
        self.progress = progress or BuildProgress(0, enabled=False)
        self.stop = stop

    def write(
        self,
        checked: Checked,
        renderer: Renderer | None = None,
        noted: Callable[[list[int], list[Any]], object] | None = None,
    ) -> Built:
        site, stop = self.site, self.stop
        plain = Renderer(site, checked.registry)
        # The extra files are made from the whole site with the plain records: the
        # preview's renderer hands out tracked ones, noted as the reads of a page.
        context = BuildContext(site, checked.registry, checked.pages, plain)
        renderer = renderer or plain
        self.progress.total = len(checked.pages)
        with staging(site.output_dir) as stage:
            writer = StageWriter(stage, site.output_dir)
            extra_files = [self._bound(make, context) for make in EXTRA_FILES]
            # The search index is made from the record pages while the extra files and
            # the other pages are written.
            read = pages_read(context)
            with finalising(context, stage, interrupted=stop) as start_finalisers:
                rendered = render_pages(
                    checked.pages,
                    renderer,
                    writer,
                    self.jobs,
                    self.progress,
                    extra_files,
                    StartOnceWritten(read, start_finalisers) if read else None,
                    noted,
                )
                static_count = copy_static(
                    [builtin_dir("static"), site.static_dir], stage, site.root
                )
                if site.config.search:
                    self.progress.stage("Indexing the pages for search")
            if stop is not None and stop():  # the last moment before the stage is published
                raise Interrupted
        return Built(rendered, static_count)

    def _bound(self, make: ExtraFilesMaker, context: BuildContext) -> ExtraFiles:
        stop = self.stop
        if stop is None:
            return functools.partial(make, context)
        return lambda: stoppable(make(context), stop)


def stoppable(files: Iterable[tuple[str, Content]], stop: Stop) -> Iterator[tuple[str, Content]]:
    """``files`` given up between files, and between the pieces of one made in pieces,
    once ``stop`` says so: a large site's data files take seconds to make, which an
    edit in the preview would otherwise wait out (bench/HISTORY.md, 47.)."""
    for url, content in files:
        if stop():
            raise Interrupted
        yield url, content if isinstance(content, bytes) else _pieces(content, stop)


def _pieces(content: Iterable[bytes], stop: Stop) -> Iterator[bytes]:
    for piece in content:
        if stop():
            raise Interrupted
        yield piece


def build(
    site: Site,
    jobs: int | None = None,
    progress: bool | BuildProgress = False,
    strict: bool = False,
) -> BuildResult:
    """Check, then write the whole site; ``jobs`` processes render pages (default: one
    per core), and ``progress`` shows a bar (the CLI asks for it on a terminal), or is
    what to tell the stages to (bench/profile.py times them so, through this wiring).
    ``strict`` makes warnings problems, so nothing is written. Raises OutputRefused,
    before reading anything, for an output folder that a build must not replace."""
    started = time.perf_counter()
    bar = progress if isinstance(progress, BuildProgress) else BuildProgress(0, progress)
    builder = Builder(site, jobs, bar)
    with rare_collections():
        try:
            with collector_paused():
                checked = check(site, jobs, bar, strict)
            built = builder.write(checked)
        finally:
            bar.stop()
    return BuildResult(
        len(checked.pages),
        len(checked.registry),
        built.static_files,
        time.perf_counter() - started,
        written=built.rendered.changed,
        unchanged=built.rendered.unchanged,
        warnings=checked.warnings,
    )
