"""Index listings split into pages of ``page_size`` records (``site.yaml``).

Every page of an index holds ``page_size`` records in the listing's order, the last
one the rest, so how many pages an index has depends only on how many records it
lists: editing a record never changes it (the preview re-renders the pages that read
the edited fields), while adding or removing one rebuilds the whole site. A listing
made of groups (people by letter, events by year, sessions by event) fills its pages
across the groups: a group that does not fit goes on at the top of the next page,
under its heading again, marked as continued; a bar of the groups (letters, years)
links each to the page where it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from . import urls

T = TypeVar("T")

# Page links shown either side of the current one, besides the first and the last.
NEIGHBOURS = 2


class Group(NamedTuple, Generic[T]):
    """A group's records on one page; ``continued`` when the group began on an
    earlier page."""

    label: Any
    items: list[T]
    continued: bool = False


def page_count(records: int, page_size: int) -> int:
    """How many pages an index of ``records`` records takes: one at least, even empty."""
    return max(1, -(-records // page_size))


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
            part = list(items[start : start + room])
            pages[-1].append(Group(label, part, start > 0))
            start += len(part)
            room -= len(part)
    return pages


class Pager:
    """What an index template sees as ``pager``: which page of its index it renders,
    that page's share of a listing, and the links to the other pages."""

    def __init__(self, type_name: str, number: int, count: int, page_size: int) -> None:
        self.type_name = type_name
        self.number = number
        self.count = count
        self.page_size = page_size

    def url(self, number: int) -> str:
        return urls.index_page_url(self.type_name, number)

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

    def items(self, records: Sequence[T]) -> list[T]:
        """This page's share of a listing without groups."""
        start = (self.number - 1) * self.page_size
        return list(records[start : start + self.page_size])

    def groups(self, listing: Iterable[tuple[Any, Sequence[T]]]) -> list[Group[T]]:
        """This page's share of a listing of (label, records) groups."""
        pages = split(listing, self.page_size)
        return pages[self.number - 1] if self.number <= len(pages) else []

    def starts(self, listing: Iterable[tuple[Any, Sequence[T]]]) -> list[tuple[Any, int, str]]:
        """(label, how many records, site URL of the page where it starts; "" for this
        page) for each group of a listing: the links of a bar of letters or years."""
        found: list[tuple[Any, int, str]] = []
        for number, page in enumerate(split(listing, self.page_size), start=1):
            for label, items, continued in page:
                if continued:  # the group's last entry, begun on an earlier page
                    label, size, url = found[-1]
                    found[-1] = (label, size + len(items), url)
                else:
                    url = "" if number == self.number else self.url(number)
                    found.append((label, len(items), url))
        return found

    @staticmethod
    def among(
        listing: Iterable[tuple[Any, Sequence[T]]], shown: Iterable[Group[T]]
    ) -> list[Group[T]]:
        """The groups of ``listing`` with only the records ``shown`` on this page in
        another grouping (organisations by country, of those shown by kind)."""
        kept = {id(item) for group in shown for item in group.items}
        regrouped = ((label, [i for i in items if id(i) in kept]) for label, items in listing)
        return [Group(label, items) for label, items in regrouped if items]
