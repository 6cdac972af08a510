"""Files beside the HTML pages (feeds, calendars, data exports, sitemap, search index).

Each generator takes the checked site and yields (url, content); the build runs them in
its render pool (``parallel``). Finalisers work on the pages in the staging folder (e.g.
to index them for search): each is started before the pages are rendered, is told as
they are written (in batches, in the order it asks for), runs processes while the build
writes the rest, and the stage is swapped in only after every one has finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import calendars, feeds, opendata, search, sitemap
from .config import Site
from .plan import Page, Ranges
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
    """A finaliser at work. ``batches``: the order it wants the pages written in (None:
    any); ``written(n)`` tells it that batches[n] is in the stage (without batches, n is
    0: every page is)."""

    batches: list[Ranges] | None

    def written(self, batch: int) -> None: ...
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


class Finishing:
    """The finalisers of one build, as the renderer sees them: the order in which to
    write the pages (at most one finaliser asks for one), and whom to tell."""

    def __init__(self, running: list[Running], pages: int) -> None:
        self.running = running
        ordered = [r.batches for r in running if r.batches is not None]
        assert len(ordered) <= 1, "two finalisers ask for an order of the pages"
        self.batches: list[Ranges] = ordered[0] if ordered else [[(0, pages)]]
        self.left = set(range(len(self.batches)))

    def written(self, batch: int) -> None:
        self.left.discard(batch)
        for process in self.running:
            if process.batches is not None:
                process.written(batch)
            elif not self.left:
                process.written(0)


@contextmanager
def finalising(context: BuildContext, stage: Path) -> Iterator[Finishing]:
    """Starts the finalisers; the body renders the pages in the order of the
    ``batches`` it is given and calls ``written`` for each. Leaving tells them every
    page is written (if the body did not), waits for them and raises their errors;
    should the body fail, they are stopped."""
    running: list[Running] = []
    try:
        running.extend(finaliser(context, stage) for finaliser in FINALISERS)
        finishing = Finishing(running, len(context.pages))
        yield finishing
        for batch in sorted(finishing.left):
            finishing.written(batch)
        for process in running:
            process.wait()
    except BaseException:  # also an interrupt while waiting: never leave one running
        for process in running:
            process.cancel()
        raise


def finalise(context: BuildContext, stage: Path) -> None:
    with finalising(context, stage):
        pass
