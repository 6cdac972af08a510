"""The extra files beside the HTML pages (feeds, calendars, data exports, sitemap), and
the finalisers (the search index).

Each of ``EXTRA_FILES`` takes the checked site and yields (url, content); the build
runs them in its render pool (``parallel``). Finalisers work on the staging folder once its pages
are written (e.g. to index them for search): each starts a process that runs while the
build writes the other files, and the stage is swapped in only after every one has
finished. A finaliser reads the pages in one folder and writes into another (the same
one in a build), and owns the top-level folders it writes there: the preview indexes
its live pages into a side folder and swaps those folders in whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..site import urls
from ..site.plan import Page
from ..site.write import Content
from . import calendars, feeds, images, opendata, search, sitemap
from .context import BuildContext, ExtraFilesMaker, Finaliser, Interrupted, Running


@dataclass(frozen=True)
class PerLanguage:
    """``make``'s files for each language of the site, each in its language's folder
    (a site in one language: as they are)."""

    make: ExtraFilesMaker

    def __call__(self, context: BuildContext) -> Iterator[tuple[str, Content]]:
        for tree in urls.trees(context.site.config):
            in_language = replace(context, language=tree.language)
            for url, content in self.make(in_language):
                yield urls.in_language(url, tree.prefix), content


EXTRA_FILES: list[ExtraFilesMaker] = [
    images.files,
    PerLanguage(calendars.files),
    PerLanguage(feeds.files),
    opendata.files,
    sitemap.files,
]
FINALISERS: list[Finaliser] = [search.index_site]
# Given changed pages, a finaliser may write only some of its files into the folder
# given; these complete such a folder from the previous one (the preview's live output).
CARRY_OVER: list[Callable[[Path, Path], None]] = [search.carry_over]


def pages_read(context: BuildContext) -> Callable[[Page], bool] | None:
    """Which pages a finaliser of this build reads once they are written (only the
    search index does, and only its record pages), or None if none does."""
    return search.indexed if search.indexes(context) else None


def extra_files(context: BuildContext) -> Iterator[tuple[str, Content]]:
    for make in EXTRA_FILES:
        yield from make(context)


@contextmanager
def finalising(
    context: BuildContext,
    stage: Path,
    into: Path | None = None,
    interrupted: Callable[[], bool] | None = None,
    changed: AbstractSet[str] | None = None,
) -> Iterator[Callable[[], None]]:
    """Gives ``start``, to call once the pages are in ``stage``: the finalisers then run
    while the body writes other files, writing into ``into`` (default: ``stage``).
    Leaving waits for them (starting them if the body did not), raising their errors;
    should the body fail, or ``interrupted`` (asked while waiting) return True, they
    are stopped (the latter raises Interrupted)."""
    running: list[Running] = []
    started = False

    def start() -> None:
        nonlocal started
        if not started:
            started = True
            target = stage if into is None else into
            running.extend(finaliser(context, stage, target, changed) for finaliser in FINALISERS)

    try:
        yield start
        start()
        for process in running:
            while not process.wait(None if interrupted is None else 0.05):
                if interrupted is not None and interrupted():
                    raise Interrupted
    except BaseException:  # also an interrupt while waiting: never leave one running
        for process in running:
            process.cancel()
        raise
