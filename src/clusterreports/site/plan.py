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

from dataclasses import dataclass

from ..content.models import RECORD_TYPES
from ..content.registry import Key, Registry, key_of
from ..problems import Problem
from . import urls
from .paginate import page_count

DEPENDENCY_HOPS = 2


@dataclass(frozen=True)
class Page:
    url: str
    template: str
    kind: str
    record: Key | None = None
    index_of: str | None = None
    number: int = 1  # of an index page: which page of its index (paginate.py)
    of: int = 1  # of an index page: how many pages its index has


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
    registry: Registry, search: bool = True, page_size: int = 50
) -> tuple[list[Page], list[Problem]]:
    pages = [Page(urls.HOME_URL, "home.html", "home"), Page(urls.NOT_FOUND_URL, "404.html", "404")]
    if search:
        pages.append(Page(urls.SEARCH_URL, "search.html", "search"))
    for record_type in RECORD_TYPES:
        name = record_type.type_name
        count = page_count(len(registry.all(name)), page_size)
        template = f"{record_type.folder}_index.html"
        for number in range(1, count + 1):
            url = urls.index_page_url(name, number)
            pages.append(Page(url, template, "index", index_of=name, number=number, of=count))
        for record in registry.all(name):
            key = key_of(record)
            pages.append(Page(urls.url_of(record), TEMPLATES[name], name, record=key))
    return pages, _collisions(registry, pages)


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
