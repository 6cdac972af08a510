"""The preview's last good build, kept in memory: the registry, the planned pages, and
which pages read which fields of which records (``preview/reads.py`` notes them)."""

from __future__ import annotations

import datetime as dt
from array import array
from contextlib import suppress
from dataclasses import dataclass, field

from ..config import Site
from ..content.models import Loc, Record, iter_references
from ..content.registry import SERIES_INDEX_FIELDS, Key, Registry, index_series
from ..site.paginate import counted_in, record_page_count
from ..site.plan import Page, dependencies
from .reads import ALL_FIELDS, Change, Name, Reads, TrackingRenderer, referenced_templates


def links(record: Record) -> list[tuple[Loc, str, str]]:
    """A record's references, where each is: what its backlinks are made of."""
    return list(iter_references(record))


class Unsure(Exception):
    """An edit whose effects an incremental rebuild cannot bound: rebuild everything."""


class Readers:
    """The pages that read one record, each with the mask of the fields it read.

    Two arrays rather than a dict of ints: a large preview notes millions of such
    pairs, and arrays hold each in about a third of a dict's memory (measured in
    bench/HISTORY.md)."""

    __slots__ = ("masks", "pages")

    def __init__(self) -> None:
        self.pages = array("i")
        self.masks = array("q")  # ALL_FIELDS is -1, and no model has 63 fields

    def add(self, page: int, mask: int, again: bool) -> None:
        """Note that ``page`` read ``mask``; ``again`` if it may have been noted before
        (a re-render), else the search for it is skipped (a full build notes each page
        once, and searching would make that quadratic in a record's readers)."""
        if again:
            with suppress(ValueError):  # not noted before
                self.masks[self.pages.index(page)] |= mask
                return
        self.pages.append(page)
        self.masks.append(mask)

    def reading(self, mask: int) -> set[int]:
        """The pages that read any of the fields in ``mask``."""
        return {page for page, read in zip(self.pages, self.masks, strict=True) if read & mask}

    def as_dict(self) -> dict[int, int]:
        return dict(zip(self.pages, self.masks, strict=True))


@dataclass
class State:
    """The last good build, and what each page (by index in ``pages``) read."""

    site: Site
    registry: Registry
    pages: list[Page]
    renderer: TrackingRenderer
    today: dt.date
    order: dict[Key, int]  # each record's number: where its readers are in the lists below
    files: dict[str, Key]  # by resolved path, as text: a Path key costs three times more
    page_of: dict[Key, list[int]] = field(default_factory=dict)  # a page a language
    readers: list[Readers | None] = field(init=False)
    backlink_readers: list[Readers | None] = field(init=False)
    every_readers: dict[str, Readers] = field(default_factory=dict)  # Reads.every, by type
    templates: dict[str, frozenset[str] | None] = field(default_factory=dict)
    # What each kept listing read (preview.reads.KeptListings), and the pages showing it.
    listings: dict[Name, Reads] = field(default_factory=dict)
    listing_pages: dict[Name, set[int]] = field(default_factory=dict)
    extra_urls: set[str] = field(default_factory=set)
    unindexed: set[str] = field(default_factory=set)  # pages written since the last index

    def __post_init__(self) -> None:
        self.readers = [None] * len(self.order)
        self.backlink_readers = [None] * len(self.order)

    def render(self, index: int) -> bytes:
        """Render a page and remember what it read."""
        content, reads = self.renderer.render_tracked(self.pages[index])
        self.note(index, reads, again=True)
        return content

    def note(self, index: int, reads: Reads, again: bool = False) -> None:
        """Remember what a page read (never forgotten: a page that stopped reading a
        field is at worst re-rendered once more than needed)."""
        for key, mask in reads.fields.items():
            self._readers(self.readers, key).add(index, mask, again)
        for type_name, mask in reads.every.items():
            self.every_readers.setdefault(type_name, Readers()).add(index, mask, again)
        for key in reads.backlinks:
            self._readers(self.backlink_readers, key).add(index, ALL_FIELDS, again)
        for name, read in reads.listings.items():
            self.listing_pages.setdefault(name, set()).add(index)
            if read is not None:  # made (again): what it reads now
                self.listings[name] = read

    def _readers(self, lists: list[Readers | None], key: Key) -> Readers:
        number = self.order[key]
        readers = lists[number]
        if readers is None:
            readers = lists[number] = Readers()
        return readers

    def note_run(self, indices: list[int], notes: list[Reads]) -> None:
        for index, reads in zip(indices, notes, strict=True):
            self.note(index, reads)

    def reading(self, lists: list[Readers | None], key: Key, mask: int) -> set[int]:
        """The pages noted in ``lists`` as reading any of ``mask`` of record ``key``."""
        number = self.order.get(key)
        readers = None if number is None else lists[number]
        return set() if readers is None else readers.reading(mask)

    def uses(self, index: int, names: set[str]) -> bool:
        template = self.pages[index].template
        if template not in self.templates:
            self.templates[template] = referenced_templates(self.renderer.env, template)
        closure = self.templates[template]
        if closure is None:
            raise Unsure(f"{template} names a template only at render time")
        return not closure.isdisjoint(names)

    def planned(self, key: Key) -> set[int]:
        """The pages whose ``plan.dependencies`` hold ``key``: its neighbourhood, by symmetry."""
        return {i for k in dependencies(self.registry, key) for i in self.page_of.get(k, ())}

    def repaged(self, targets: set[Key]) -> Key | None:
        """A record whose page takes another number of pages than planned, now that
        the registry is patched, or None. Its lists' lengths follow references alone
        (``paginate.record_lengths``): only the records that counted a reference to
        one of ``targets``, which edited records referred to before or after, can change."""
        counted = sorted({k for target in targets for k in counted_in(self.registry, target)})
        for key in counted:
            record, planned = self.registry.find(*key), self.page_of.get(key)
            if record is None or not planned:
                continue
            size = self.site.config.page_size
            if record_page_count(self.registry, record, size) != self.pages[planned[0]].of:
                return key
        return None

    def regrouped(self, changed: list[tuple[Record, Record]]) -> bool:
        """Whether edits change which events are the editions of which series, now that
        the registry is patched: pages read its ``series_index`` without a note."""
        if not any(
            new.type_name == type_name and getattr(old, name) != getattr(new, name)
            for old, new in changed
            for type_name, name in SERIES_INDEX_FIELDS
        ):
            return False
        return index_series(self.registry) != self.registry.series_index

    def showing(self, change: Change) -> set[int]:
        """The pages ``change`` can change (after the patch)."""
        found = self.reading(self.readers, change.key, change.mask)
        every = self.every_readers.get(change.key[0])
        if every is not None:
            found |= every.reading(change.mask)
        for target in change.targets:
            found |= self.reading(self.backlink_readers, target, ALL_FIELDS)
        for name, reads in self.listings.items():
            if reads.changed_by(change):
                found |= self.listing_pages[name]
        return found
