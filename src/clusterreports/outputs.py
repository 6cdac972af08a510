"""Files beside the HTML pages (feeds, calendars, data exports, sitemap, search index).

Each generator takes the checked site and yields (url, bytes); ``finalise`` runs on
the complete staging folder before it is swapped in (e.g. to index it for search).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
Finaliser = Callable[[BuildContext, Path], None]

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


def finalise(context: BuildContext, stage: Path) -> None:
    for finaliser in FINALISERS:
        finaliser(context, stage)
