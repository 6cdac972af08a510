"""Stage 4, plan pages: decide every page of the site, its template and its URL, before
anything is rendered.

``dependencies`` are the records a record page may show, which a preview rebuild uses
when an edit changes who refers to whom: its own record, the records it refers to and
those that refer to it, and one step further (a person page names each session's
event). They are worked out only for the records an edit touches: a full build never
needs them, and around a hub (someone who spoke at hundreds of events) the two-hop
sets grow quadratically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..content.models import RECORD_TYPES
from ..content.registry import Key, Registry, key_of
from ..problems import Problem
from . import urls
from .paginate import page_count, record_page_count

DEPENDENCY_HOPS = 2


@dataclass(frozen=True)
class Page:
    """A page to write at ``url``. Templates and views know it by its ``path`` within its
    language's tree (``urls.Tree``), the same in every language ('/people/x/' for
    '/fr/people/x/'), which is its URL on a site in one language."""

    url: str
    template: str
    kind: str
    record: Key | None = None
    index_of: str | None = None
    number: int = 1  # of an index or a record page: which of its pages (paginate.py)
    of: int = 1  # of an index or a record page: how many pages it has
    language: str = ""  # '': the site's only (default) language
    path: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.path:
            object.__setattr__(self, "path", self.url)


TEMPLATES = {
    "event": "event.html",
    "session": "session.html",
    "person": "person.html",
    "organisation": "organisation.html",
    "award": "award.html",
    "call": "call.html",
    "poll": "poll.html",
    "report": "report.html",
    "series": "series.html",
}


def dependencies(registry: Registry, key: Key, hops: int = DEPENDENCY_HOPS) -> frozenset[Key]:
    reached = {key}
    frontier = {key}
    for _ in range(hops):
        frontier = {n for k in frontier for n in registry.neighbours(k)} - reached
        reached |= frontier
    return frozenset(reached)


def plan_pages(
    registry: Registry,
    search: bool = True,
    page_size: int = 50,
    trees: Sequence[urls.Tree] = (),
) -> tuple[list[Page], list[Problem]]:
    """Every page of the site: on a site in several languages (``trees``), each
    language's tree whole, the default's first. With the default language in a folder
    of its own, the top of the site has a page that leads to each language, and the
    default language's 404 page (servers look for /404.html)."""
    counts = record_page_counts(registry, page_size)
    if len(trees) < 2:
        pages = _tree(registry, search, page_size, counts, urls.Tree(""), "")
        return pages, _collisions(registry, pages)
    pages = []
    if trees[0].prefix:
        default = trees[0].language
        pages.append(Page(urls.HOME_URL, "languages.html", "languages", language=default))
        pages.append(Page(urls.NOT_FOUND_URL, "404.html", "404", language=default))
    for tree in trees:
        pages += _tree(registry, search, page_size, counts, tree, tree.language)
    return pages, _collisions(registry, pages)


def record_page_counts(registry: Registry, page_size: int) -> dict[Key, int]:
    """The records whose page takes more than one page, with how many: the same in
    every language, as translations change no reference."""
    counts = {}
    for record in registry:
        count = record_page_count(registry, record, page_size)
        if count > 1:
            counts[key_of(record)] = count
    return counts


def _tree(
    registry: Registry,
    search: bool,
    page_size: int,
    counts: dict[Key, int],
    tree: urls.Tree,
    language: str,
) -> list[Page]:
    """The pages of one language, each known by its path and written at its URL."""

    def page(path: str, template: str, kind: str, **more: Any) -> Page:
        url = urls.in_language(path, tree.prefix)
        return Page(url, template, kind, language=language, path=path, **more)

    pages = [page(urls.HOME_URL, "home.html", "home"), page(urls.NOT_FOUND_URL, "404.html", "404")]
    if search:
        pages.append(page(urls.SEARCH_URL, "search.html", "search"))
    for record_type in RECORD_TYPES:
        name = record_type.type_name
        count = page_count(len(registry.all(name)), page_size)
        template = f"{record_type.folder}_index.html"
        for number in range(1, count + 1):
            url = urls.index_page_url(name, number)
            pages.append(page(url, template, "index", index_of=name, number=number, of=count))
        for record in registry.all(name):
            key = key_of(record)
            count = counts.get(key, 1)
            for number in range(1, count + 1):
                url = urls.record_page_url(name, record.id, number)
                pages.append(page(url, TEMPLATES[name], name, record=key, number=number, of=count))
    return pages


def _collisions(registry: Registry, pages: list[Page]) -> list[Problem]:
    owners: dict[str, Page] = {}
    problems = []
    for page in pages:
        first = owners.setdefault(page.url, page)
        if first is page:
            continue
        where = registry.origins.get(page.record) if page.record else None
        other = registry.origins.get(first.record) if first.record else None
        problems.append(
            Problem(
                where.display if where else "content",
                None,
                None,
                f"two pages would be written to {page.url}"
                + (
                    f" (the other is {other.display})"
                    if other
                    else f" (a built-in {first.kind} page)"
                )
                + ": change one record's id",
            )
        )
    return problems
