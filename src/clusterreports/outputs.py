"""Files beside the HTML pages (feeds, calendars, data exports, sitemap, search index).

Each generator takes the checked site and yields (url, content); the build runs them in
its render pool (``parallel``). Finalisers work on the staging folder once its pages
are written (e.g. to index them for search): each starts a process that runs while the
build writes the other files, and the stage is swapped in only after every one has
finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import calendars, feeds, opendata, search, sitemap
from .config import Site
from .plan import Page
from .registry import Registry
from .render import Renderer
from .write import Content


@dataclass
class BuildContext:
    site: Site
    registry: Registry
    pages: list[Page]
    renderer: Renderer


Generator = Callable[[BuildContext], Iterable[tuple[str, Content]]]


class Running(Protocol):
    def wait(self) -> None: ...
    def cancel(self) -> None: ...


Finaliser = Callable[[BuildContext, Path], Running]

GENERATORS: list[Generator] = [
    calendars.files,
    feeds.files,
    opendata.files,
    sitemap.files,
]
FINALISERS: list[Finaliser] = [search.index_site]


def extra_files(context: BuildContext) -> Iterator[tuple[str, Content]]:
    for generator in GENERATORS:
        yield from generator(context)


@contextmanager
def finalising(context: BuildContext, stage: Path) -> Iterator[Callable[[], None]]:
    """Gives ``start``, to call once the pages are in ``stage``: the finalisers then run
    while the body writes other files. Leaving waits for them (starting them if the
    body did not), raising their errors; should the body fail, they are stopped."""
    running: list[Running] = []
    started = False

    def start() -> None:
        nonlocal started
        if not started:
            started = True
            running.extend(finaliser(context, stage) for finaliser in FINALISERS)

    try:
        yield start
        start()
        for process in running:
            process.wait()
    except BaseException:  # also an interrupt while waiting: never leave one running
        for process in running:
            process.cancel()
        raise


def finalise(context: BuildContext, stage: Path) -> None:
    with finalising(context, stage):
        pass
