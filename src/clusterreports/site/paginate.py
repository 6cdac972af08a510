"""Index listings, and the long lists of a record's page, split into pages of
``page_size`` records (``site.yaml``).

Every page of an index holds ``page_size`` records in the listing's order, the last
one the rest, so how many pages an index has depends only on how many records it
lists: editing a record never changes it (the preview re-renders the pages that read
the edited fields), while adding or removing one rebuilds the whole site. A listing
made of groups (people by letter, events by year, sessions by event) fills its pages
across the groups: a group that does not fit goes on at the top of the next page,
under its heading again, marked as continued; a bar of the groups (letters, years)
links each to the page where it starts.

A record's page lists what refers to it (a person's appearances, an organisation's
people), which grows with the site: each such list is paged by ``page_size`` too, the
record's page having as many pages as its longest list needs. The lengths are counted
from the registry's backlinks (``record_lengths``), before anything renders, so they
change only when a reference does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Generic, NamedTuple, TypeVar

from ..content.models import Record
from ..content.registry import Key, Registry, key_of
from . import urls

T = TypeVar("T")

# Page links shown either side of the current one, besides the first and the last.
NEIGHBOURS = 2


class Group(NamedTuple, Generic[T]):
    """A group's records on one page; ``continued`` when the group began on an
    earlier page."""

    label: Any
    items: Sequence[T]
    continued: bool = False


def page_count(records: int, page_size: int) -> int:
    """How many pages an index of ``records`` records takes: one at least, even empty."""
    return max(1, -(-records // page_size))


# The lists of a record's page that grow with the site, by the view's name for each
# (each is a cached attribute of the view): ``record_lengths`` counts them.
PAGED_LISTS = {
    "person": ("appearances", "quotes", "reports"),
    "organisation": ("people", "unit_people", "organised", "unit_events", "took_part", "reports"),
}


def record_lengths(registry: Registry, record: Record) -> dict[str, int]:
    """How many entries each list of a record's page that grows with the site holds,
    by the view's name for it: one per reference the view turns into an entry (the
    record views in ``views/people.py`` list exactly these). A record's own fields, and
    the lists a record page shows only a few of (awards, calls), stay on its first page."""
    if record.type_name == "person":
        return {
            "appearances": _count(registry, record, "session", {"participants"})
            + _count(registry, record, "event", {"moderators", "people"}),
            "quotes": _count(registry, record, "session", {"quotes"}),
            "reports": len(_sources(registry, record, "report", {"authors"})),
        }
    if record.type_name == "organisation":
        units = _units(registry, record)
        return {
            "people": _count(registry, record, "person", {"roles"}),
            "unit_people": sum(_count(registry, u, "person", {"roles"}) for u in units),
            "organised": len(_sources(registry, record, "event", ORGANISED)),
            "unit_events": sum(len(_sources(registry, u, "event", ORGANISED)) for u in units),
            "took_part": sum(
                1
                for session in _sources(registry, record, "session").values()
                if registry.find("event", getattr(session, "event", None)) is not None
            ),
            "reports": len(_sources(registry, record, "report", {"publishers"})),
        }
    return {}


# The fields through which an event names the organisations it lists as organised.
ORGANISED = frozenset({"organisers", "supporters", "organisations"})


def record_page_count(registry: Registry, record: Record, page_size: int) -> int:
    """How many pages a record's page takes: as many as its longest list needs."""
    return page_count(max(record_lengths(registry, record).values(), default=0), page_size)


def counted_in(registry: Registry, key: Key) -> set[Key]:
    """The records whose ``record_lengths`` count the references to ``key``: itself,
    and an organisation's ancestors (the lists of their units' people and events)."""
    found = {key}
    record = registry.find(*key)
    while record is not None and record.type_name == "organisation":
        record = registry.find("organisation", getattr(record, "parent", None))
        if record is None or key_of(record) in found:
            break
        found.add(key_of(record))
    return found


def _count(registry: Registry, record: Record, type_name: str, fields: set[str]) -> int:
    """The references to ``record`` from records of ``type_name`` through ``fields``."""
    links = registry.backlinks.get(key_of(record), ())
    return sum(1 for b in links if b.source.type_name == type_name and b.field in fields)


def _sources(
    registry: Registry, record: Record, type_name: str, fields: AbstractSet[str] | None = None
) -> dict[Key, Record]:
    """The records of ``type_name`` that refer to ``record`` (through ``fields``), each once."""
    found: dict[Key, Record] = {}
    for b in registry.backlinks.get(key_of(record), ()):
        if b.source.type_name == type_name and (fields is None or b.field in fields):
            found.setdefault(key_of(b.source), b.source)
    return found


def _units(registry: Registry, record: Record) -> list[Record]:
    """An organisation's departments and units at every level below it, each once
    (``OrganisationView.units``)."""
    found: dict[Key, Record] = {}
    stack = list(_sources(registry, record, "organisation", {"parent"}).values())
    while stack:
        unit = stack.pop()
        if key_of(unit) in found or key_of(unit) == key_of(record):
            continue
        found[key_of(unit)] = unit
        stack.extend(_sources(registry, unit, "organisation", {"parent"}).values())
    return list(found.values())


def split(groups: Iterable[tuple[Any, Sequence[T]]], page_size: int) -> list[list[Group[T]]]:
    """The groups of a listing, in order, spread over pages of ``page_size`` records."""
    pages: list[list[Group[T]]] = [[]]
    room = page_size
    for label, items in groups:
        start = 0
        while start < len(items):
            if room == 0:
                pages.append([])
                room = page_size
            part = items[start : start + room]  # a lazy list's slice stays lazy
            pages[-1].append(Group(label, part, start > 0))
            start += len(part)
            room -= len(part)
    return pages


# A listing as a template hands it to the pager: the SiteView method that makes it (with
# its arguments after it), so that it is made once for all the pages of an index; or the
# listing itself (a short one, made in the template).
Listing = Callable[..., Iterable[tuple[Any, Sequence[T]]]] | Iterable[tuple[Any, Sequence[T]]]


class PlanMismatch(RuntimeError):
    """A record page's list that its planned pages cannot hold (a bug)."""


class Listings:
    """The listings the pages of an index share, each made for the first page that
    asks: made anew for each page, the listings of a large site would cost the square
    of its size. A build keeps them for as long as its renderer keeps its SiteView (a
    worker's every page); the preview, which gives each page a view of its own,
    keeps them in a subclass that makes them apart from any page
    (``preview.reads.KeptListings``).

    ``made`` is the hook: what a listing is made into; ``shown`` turns what was
    made into what the page shows, ``identity`` tells which record an item shows."""

    def __init__(self) -> None:
        self.cache: dict[Any, Any] = {}

    def made(self, listing: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """What ``listing(*args)`` makes, as a list, made once."""
        key = ("listing", getattr(listing, "__func__", listing), args)
        made = self.cache.get(key)
        if made is None:
            made = self.cache[key] = list(listing(*args))
        return made

    def records(self, site: Any, type_name: str) -> Sequence[Any]:
        """Every record of the index's type, as ``site`` (the page's SiteView) views
        them: what an index template sees as ``records``."""
        key = ("records", type_name)
        records: Sequence[Any] | None = self.cache.get(key)
        if records is None:
            records = self.cache[key] = site.all(type_name)
        return records

    def shown(self, item: Any) -> Any:
        return item

    def identity(self, item: Any) -> Any:
        # By the record: a view may be made again between pages (SiteView.limit_views),
        # the record it shows is not.
        return id(_shown(item))


class Pager:
    """What an index template sees as ``pager``: which page of its index it renders,
    that page's share of a listing, and the links to the other pages. A record's page
    (``record_id``) sees one too, and shows each of its long lists through it.

    A listing named by the method that makes it is made once by ``listings``, for
    every page given the same; a listing itself (made by the template) is shown as it is."""

    def __init__(
        self,
        type_name: str,
        number: int,
        count: int,
        page_size: int,
        listings: Listings | None = None,
        record_id: str = "",
    ) -> None:
        self.type_name = type_name
        self.number = number
        self.count = count
        self.page_size = page_size
        self.listings = Listings() if listings is None else listings
        self.record_id = record_id

    def url(self, number: int) -> str:
        if self.record_id:
            return urls.record_page_url(self.type_name, self.record_id, number)
        return urls.index_page_url(self.type_name, number)

    def _planned(self, length: int) -> None:
        """A record's list longer than its planned pages hold would lose entries:
        ``record_lengths`` and the view disagree, a bug to report, never to hide."""
        if self.record_id and length > self.count * self.page_size:
            raise PlanMismatch(
                f"{self.type_name} {self.record_id}: a list of {length} entries on "
                f"{self.count} planned page(s) of {self.page_size}: paginate.record_lengths "
                "no longer counts what the record's view lists"
            )

    @property
    def previous(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None

    @property
    def links(self) -> list[tuple[int | None, str]]:
        """(page number, site URL) for the first page, the last, and the current one
        with its neighbours; (None, "") where pages are left out between them."""
        shown = {1, self.count} | set(range(self.number - NEIGHBOURS, self.number + NEIGHBOURS + 1))
        numbers = sorted(n for n in shown if 1 <= n <= self.count)
        links: list[tuple[int | None, str]] = []
        for before, number in zip([0, *numbers], numbers, strict=False):
            if number - before > 1 and before:
                links.append((None, ""))
            links.append((number, self.url(number)))
        return links

    def _made(self, listing: Listing[T], args: tuple[Any, ...]) -> list[tuple[Any, Sequence[T]]]:
        if not callable(listing):
            return list(listing)
        made: list[tuple[Any, Sequence[T]]] = self.listings.made(listing, args)
        return made

    def _pages(self, listing: Listing[T], args: tuple[Any, ...]) -> list[list[Group[T]]]:
        made = self._made(listing, args)
        key = ("pages", getattr(listing, "__func__", listing), args)
        cache = self.listings.cache
        pages: list[list[Group[T]]] | None = cache.get(key) if callable(listing) else None
        if pages is None:
            self._planned(sum(len(items) for _, items in made))
            pages = split(made, self.page_size)
            if callable(listing):
                cache[key] = pages
        return pages

    def items(self, records: Callable[..., Sequence[T]] | Sequence[T], *args: Any) -> list[T]:
        """This page's share of a listing without groups (or a method making it)."""
        start = (self.number - 1) * self.page_size
        made: Sequence[T] = self.listings.made(records, args) if callable(records) else records
        self._planned(len(made))
        share = made[start : start + self.page_size]
        return [self.listings.shown(item) for item in share] if callable(records) else list(share)

    def groups(self, listing: Listing[T], *args: Any) -> list[Group[T]]:
        """This page's share of a listing of (label, records) groups."""
        pages = self._pages(listing, args)
        if self.number > len(pages):
            return []
        if not callable(listing):
            return pages[self.number - 1]
        shown = self.listings.shown
        return [
            Group(shown(label), [shown(item) for item in items], continued)
            for label, items, continued in pages[self.number - 1]
        ]

    def starts(self, listing: Listing[T], *args: Any) -> list[tuple[Any, int, str]]:
        """(label, how many records, site URL of the page where it starts; "" for this
        page) for each group of a listing: the links of a bar of letters or years."""
        found: list[tuple[Any, int, str]] = []
        for number, page in enumerate(self._pages(listing, args), start=1):
            for label, items, continued in page:
                if continued:  # the group's last entry, begun on an earlier page
                    label, size, url = found[-1]
                    found[-1] = (label, size + len(items), url)
                else:
                    url = "" if number == self.number else self.url(number)
                    found.append((label, len(items), url))
        if callable(listing):
            found = [(self.listings.shown(label), size, url) for label, size, url in found]
        return found

    def among(self, shown: Iterable[Group[T]], listing: Listing[T], *args: Any) -> list[Group[T]]:
        """The records ``shown`` on this page, grouped as in another listing of them all
        (organisations by country, of those this page shows by kind), in its order."""
        made = self._made(listing, args)
        identity = self.listings.identity
        key = ("places", getattr(listing, "__func__", listing), args)
        cache = self.listings.cache
        places: dict[Any, tuple[int, int]] | None = cache.get(key) if callable(listing) else None
        if places is None:  # where each record is in the listing
            places = {
                identity(item): (g, i)
                for g, (_, items) in enumerate(made)
                for i, item in enumerate(items)
            }
            if callable(listing):
                cache[key] = places
        regrouped: dict[int, list[tuple[int, T]]] = {}
        for group in shown:
            for item in group.items:
                g, i = places[identity(item)]
                regrouped.setdefault(g, []).append((i, item))
        label = self.listings.shown if callable(listing) else _same
        return [
            Group(label(made[g][0]), [item for _, item in sorted(regrouped[g], key=lambda p: p[0])])
            for g in sorted(regrouped)
        ]


def _same(item: Any) -> Any:
    return item


def _shown(item: Any) -> Any:
    """The record a listed view shows (the item itself when it is no view)."""
    return getattr(item, "record", item)
