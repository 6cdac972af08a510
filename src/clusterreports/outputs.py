"""Files beside the HTML pages (feeds, calendars, data exports, sitemap, search index).

Each generator takes the checked site and yields (url, bytes); the build runs them in
its render pool (``parallel``). Finalisers work on the staging folder once its pages
and files are written (e.g. to index them for search): each starts a process that runs
while the build does its last chores, and the stage is swapped in only after every
one has finished.
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


@dataclass
class BuildContext:
    site: Site
    registry: Registry
    pages: list[Page]
    renderer: Renderer


Generator = Callable[[BuildContext], Iterable[tuple[str, bytes]]]


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


def extra_files(context: BuildContext) -> Iterator[tuple[str, bytes]]:
    for generator in GENERATORS:
        yield from generator(context)


@contextmanager
def finalising(context: BuildContext, stage: Path) -> Iterator[None]:
    """Start the finalisers on the pages in ``stage``; they run while the body writes
    other files, and leaving it waits for them (raising their errors). Should the body
    fail, they are stopped."""
    running: list[Running] = []
    try:
        for finaliser in FINALISERS:
            running.append(finaliser(context, stage))
        yield
    except BaseException:
        for process in running:
            process.cancel()
        raise
    for process in running:
        process.wait()


def finalise(context: BuildContext, stage: Path) -> None:
    with finalising(context, stage):
        pass
