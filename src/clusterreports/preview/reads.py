"""What a page reads while it renders: the fields of each record, and whose backlinks.

The preview re-renders after an edit only the pages that read what the edit changed
(``preview/incremental.py``); this module notes those reads, page by page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache
from itertools import chain
from types import FunctionType
from typing import Any, ClassVar, NamedTuple, cast, overload

import jinja2
from jinja2 import meta
from pydantic import BaseModel

from ..config import Site
from ..content.models import Part, Record, iter_references
from ..content.registry import Backlink, Key, Registry, key_of
from ..outputs.context import Interrupted
from ..site.paginate import PAGED_LISTS, Listings
from ..site.plan import Page
from ..site.render import Renderer, fragments_named
from ..site.views import SiteView
from ..site.views.base import View
from ..tuning import PageCollections

# Asked between steps of long work: True once it should stop.
Stop = Callable[[], bool]


def never() -> bool:
    return False


ALL_FIELDS = -1  # a field mask with every bit set


# A page that read at least this many records of one type, every one of them, has
# what it read of all of them noted once (``Reads.every``): an index page sorts every
# session, an event page looks through every event, and noting each record for each
# such page grew the preview by about 1.3 MiB a page at 10,000 events.
EVERY_FROM = 64


# A kept listing's name: the SiteView function that makes it and its arguments, or a
# record page's list (``paginate.PAGED_LISTS``) and the record's key.
Name = tuple[Any, tuple[Any, ...]]


class Change(NamedTuple):
    """What an edit of a record changes, as reads are matched against it: its fields
    (``mask``), and who refers to whom (``targets``: the records it referred to before
    or refers to now, when that changed)."""

    key: Key
    mask: int
    targets: frozenset[Key]

    @classmethod
    def of(cls, old: Record, new: Record) -> Change:
        before, after = list(iter_references(old)), list(iter_references(new))
        targets = (
            frozenset((t, i) for _, t, i in before + after) if before != after else frozenset()
        )
        return cls(key_of(new), changed_fields(old, new), targets)


@dataclass
class Reads:
    """What one page read while it rendered: for each record, a bit mask of the fields
    it read (bit i is field i of the record's model); and the records whose backlinks
    (who refers to them) it asked for. ``every`` holds, by record type, the fields the
    page read of every record of that type; ``fields`` then holds only what it read
    of some of them beyond that (see :meth:`fold`)."""

    fields: dict[Key, int] = field(default_factory=dict)
    backlinks: set[Key] = field(default_factory=set)
    every: dict[str, int] = field(default_factory=dict)
    # The kept listings the page showed (``KeptListings``), whose reads are the page's
    # too: each with what it read the first time a renderer notes it, else None. Noted
    # once, not with every page: a busy person's appearances read thousands of records,
    # for each of hundreds of pages.
    listings: dict[Name, Reads | None] = field(default_factory=dict)

    def of(self, key: Key) -> int:
        """The fields of record ``key`` the page read."""
        return self.every.get(key[0], 0) | self.fields.get(key, 0)

    def changed_by(self, change: Change) -> bool:
        """Whether what was read can change with ``change``."""
        return bool(self.of(change.key) & change.mask) or not self.backlinks.isdisjoint(
            change.targets
        )

    def fold(self, counts: dict[str, int]) -> None:
        """Note once the fields read of every record of a type, where the page read
        every one of them (``counts``: how many each type has); ``of`` answers the same
        for every record before and after."""
        by_type: dict[str, list[Key]] = {}
        for key in self.fields:
            by_type.setdefault(key[0], []).append(key)
        for type_name, keys in by_type.items():
            if len(keys) < EVERY_FROM or len(keys) != counts.get(type_name):
                continue
            common = ALL_FIELDS
            for key in keys:
                common &= self.fields[key]
            if not common:
                continue
            self.every[type_name] = self.every.get(type_name, 0) | common
            for key in keys:
                rest = self.fields[key] & ~common
                if rest:
                    self.fields[key] = rest
                else:
                    del self.fields[key]


@cache
def field_bits(model: type[Record]) -> dict[str, int]:
    """Each field of a record type as its bit in a :class:`Reads` mask."""
    bits = {name: 1 << i for i, name in enumerate(model.model_fields)}
    bits.pop("id")  # a changed id rebuilds everything anyway
    return bits


def changed_fields(old: Record, new: Record) -> int:
    """The mask of the fields that differ between two versions of a record."""
    bits = field_bits(type(new))
    mask = 0
    for name, bit in bits.items():
        if getattr(old, name) != getattr(new, name):
            mask |= bit
    return mask


# How a tracked record answers for a name that is not one of its fields (worked out
# once per record type and name, as the model's class decides it):
_OWN = "own"  # a property or method of our models: run with the tracked record as self
_WHOLE = "whole"  # pydantic's (a dump, a copy, a repr): reads the whole record
_PLAIN = "plain"  # anything else (a class constant, a slot): taken from the record


class TrackedRecord:
    """A record as one page sees it while it renders for the preview.

    Reading a field notes the field's bit in the page's :class:`Reads`; the value is
    then kept on this object, so reading it again costs a plain attribute lookup (and
    needs no note: the page read it already). The models' own properties and methods
    run with this object as ``self``, so the fields they read are noted too; pydantic's
    (``model_dump``, ``copy``, equality, hashing) count as reading every field.
    ``isinstance`` sees the record's class, and the type's name is the model's, so a
    template's error names the same class it does in a build.

    One is made per record and page (:class:`TrackedRegistry`); a record never changes
    while a page renders, so a kept value, a property's included, is the record's. The
    kept values are this object's ``__dict__``: the models' own code reads fields by
    name, never through ``self.__dict__``."""

    __slots__ = ("__dict__", "_key", "_reads", "_record")
    _model: ClassVar[type[Record]]
    _bits: ClassVar[dict[str, int]]
    _kinds: ClassVar[dict[str, tuple[str, Any]]]

    def __init__(self, record: Record, reads: Reads) -> None:
        self._record = record
        self._reads = reads
        self._key = key_of(record)

    @property  # type: ignore[misc]  # isinstance() and Jinja ask for the record's class
    def __class__(self) -> type[Record]:  # type: ignore[override]
        return self._model

    def _note(self, mask: int) -> None:
        fields = self._reads.fields
        fields[self._key] = fields.get(self._key, 0) | mask

    def __getattr__(self, name: str) -> Any:  # only for a name not kept yet
        bit = self._bits.get(name)
        if bit is not None:
            self._note(bit)
            value = getattr(self._record, name)
        else:
            kind, found = self._kinds.get(name) or self._kind(name)
            if kind == _OWN and isinstance(found, property):
                value = found.__get__(self)
            elif kind == _OWN:
                return found.__get__(self)  # a method bound to this, made when asked
            elif kind == _WHOLE:
                self._note(ALL_FIELDS)
                return getattr(self._record, name)
            else:
                value = getattr(self._record, name)  # raises AttributeError as it would
        self.__dict__[name] = value
        return value

    @classmethod
    def _kind(cls, name: str) -> tuple[str, Any]:
        kind: tuple[str, Any] = (_PLAIN, None)
        for owner in cls._model.__mro__:
            if name not in owner.__dict__:
                continue
            found = owner.__dict__[name]
            if issubclass(owner, Part) and isinstance(found, property | FunctionType):
                kind = (_OWN, found)
            elif owner is BaseModel and (callable(found) or isinstance(found, property)):
                kind = (_WHOLE, None)
            break
        cls._kinds[name] = kind
        return kind

    def _whole(self) -> Record:
        self._note(ALL_FIELDS)
        return self._record

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TrackedRecord):
            other = other._whole()
        return self._whole() == other

    def __hash__(self) -> int:
        return hash(self._whole())

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self._whole())

    def __repr__(self) -> str:
        return repr(self._whole())

    def __str__(self) -> str:
        return str(self._whole())


@cache
def tracked_type(model: type[Record]) -> type[TrackedRecord]:
    """The tracked records of one model, under the model's own name."""
    namespace = {
        "__slots__": (),
        "__module__": model.__module__,
        "__qualname__": model.__qualname__,
        "_model": model,
        "_bits": field_bits(model),
        "_kinds": {},
    }
    return type(model.__name__, (TrackedRecord,), namespace)


class TrackedRegistry(Registry):
    """The registry as a page sees it: it hands out tracked records, which note the
    fields the page reads, and notes whose backlinks the page asks for.

    :meth:`start_page` begins each page with new notes and new tracked records: one per
    record and page, so the same record is the same object all through a page."""

    def __init__(self, inner: Registry) -> None:  # shares inner's data, so patches show
        self.inner = inner
        self.reads = Reads()
        self.records = inner.records
        self.origins = inner.origins
        self.backlinks = inner.backlinks
        self.images = inner.images
        # What is translated: a translation's change rebuilds all (preview.changes).
        self.translations = inner.translations
        # Read without a note: an edit that changes it rebuilds all (preview.incremental).
        self.series_index = inner.series_index
        self._tracked: dict[Key, Record] = {}

    def start_page(self) -> Reads:
        self.reads = Reads()
        self._tracked = {}
        return self.reads

    def track(self, record: Record) -> Record:
        """The page's tracked record of ``record`` (typed as the record it stands for)."""
        key = key_of(record)
        tracked = self._tracked.get(key)
        if tracked is None:
            tracked = self._tracked[key] = cast(
                Record, tracked_type(type(record))(record, self.reads)
            )
        return tracked

    def get(self, type_name: str, record_id: str) -> Record:
        return self.track(self.inner.get(type_name, record_id))

    def find(self, type_name: str, record_id: str | None) -> Record | None:
        found = self.inner.find(type_name, record_id)
        return None if found is None else self.track(found)

    def all(self, type_name: str) -> list[Record]:
        return [self.track(record) for record in self.inner.all(type_name)]

    def __iter__(self) -> Iterator[Record]:
        return map(self.track, self.inner)

    def referrers(
        self, target: Record, type_name: str | None = None, field: str | None = None
    ) -> list[Record]:
        self.reads.backlinks.add(key_of(target))
        return [self.track(r) for r in self.inner.referrers(target, type_name, field)]

    def links_to(self, target: Record, type_name: str | None = None) -> list[Backlink]:
        self.reads.backlinks.add(key_of(target))
        found = self.inner.links_to(target, type_name)
        return [Backlink(self.track(b.source), b.loc) for b in found]

    def refers_to(self, key: Key) -> set[Key]:
        """Worked out from every field of the record: no view asks, so no finer note."""
        if key in self.origins:
            self.reads.fields[key] = ALL_FIELDS
        return self.inner.refers_to(key)

    def neighbours(self, key: Key) -> set[Key]:
        self.reads.backlinks.add(key)
        return super().neighbours(key)


class Kept(NamedTuple):
    """A record of a kept listing, by its key: each page shows its own view of it."""

    key: Key


class _PageSite:
    """Where a kept listing's item held its SiteView: each page shows its own."""


PAGE_SITE = _PageSite()


class KeptListings(Listings):
    """The listings of an index, and the long lists of a paged record, as the preview
    keeps them across their pages.

    Each page renders with views of its own, so that what it reads is noted; made with
    those, the listings an index shares would be made again for every one of its pages,
    and a busy person's appearances for every page of them, which at 10,000 events took
    a second a page. So such a listing is made once, apart from any page: with a
    registry and a SiteView of its own, whose reads are kept with it; every page that
    shows it notes its name, and the first its reads (``Reads.listings``). It holds
    records by key (:class:`Kept`), each shown as the page's view of its record, and
    only when the page looks at it, so what the page reads of those it shows is noted
    as the page's. An edit that changes what a listing read drops it (:meth:`forget`).
    A record's lists are kept while its pages render; any other callable is made for
    each page, as the page's own."""

    def __init__(self, renderer: TrackingRenderer, language: str) -> None:
        super().__init__()
        self.renderer = renderer
        self.language = language
        self.reads: dict[Name, Reads] = {}  # what each kept listing read
        self.used: set[Name] = set()  # the kept listings the page being rendered showed
        self.noted: set[Name] = set()  # those whose reads a page has noted
        self._records: dict[str, list[Kept]] = {}  # every record of a type, in order

    def start_page(self, page: Page) -> None:
        self.used.clear()
        # The page's own listings (made by any other callable) are not kept, nor the
        # lists of a record whose pages are done (a busy person's are large).
        stale = [n for n in self.reads if isinstance(n[0], str) and n[1] != page.record]
        for name in stale:
            del self.reads[name]
        self.cache = {k: v for k, v in self.cache.items() if k[1:] in self.reads}

    def made(self, listing: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        func = getattr(listing, "__func__", None)
        if func is None or not isinstance(getattr(listing, "__self__", None), SiteView):
            return super().made(listing, args)
        return self._kept((func, args), lambda site: list(func(site, *args)))

    def seed(self, view: View[Any], lists: Iterable[str]) -> None:
        """Give the view of a paged record's page its ``lists`` (attributes the view
        caches), as kept for all the record's pages."""
        key = key_of(view.record)
        for attr in lists:

            def make(site: SiteView, attr: str = attr) -> Any:
                return getattr(site.find(*key), attr)

            view.__dict__[attr] = self._lazy(self._kept((attr, key), make))

    def _kept(self, name: Name, make: Callable[[SiteView], Any]) -> Any:
        """What ``make`` makes with a SiteView of its own, kept as :func:`_kept_form`."""
        self.used.add(name)
        key = ("listing", *name)
        made = self.cache.get(key)
        if made is None:
            scope = TrackedRegistry(self.renderer.registry_in(self.language).inner)
            made = self.cache[key] = _kept_form(make(self.renderer.new_view(self.language, scope)))
            scope.reads.fold(self.renderer.counts)
            self.reads[name] = scope.reads
            self.noted.discard(name)
        return made

    def _lazy(self, made: Any) -> Any:
        if isinstance(made, list):
            return ShownList(made, self)
        if type(made) is tuple:
            return tuple(self._lazy(part) for part in made)
        return self.shown(made)

    def shown(self, item: Any) -> Any:
        """A kept item as the page shows it: its records as the page's views."""
        return _rebuilt(item, self._shown_leaf)

    def _shown_leaf(self, item: Any) -> Any:
        if isinstance(item, Kept):
            site = self.renderer.view
            return site.view(site.registry.get(*item.key))
        return self.renderer.view if item is PAGE_SITE else None

    def identity(self, item: Any) -> Any:
        return item.key if isinstance(item, Kept) else key_of(getattr(item, "record", item))

    def records(self, site: Any, type_name: str) -> Sequence[Any]:
        kept = self._records.get(type_name)
        if kept is None:
            kept = [Kept(key_of(r)) for r in site.registry.inner.all(type_name)]
            self._records[type_name] = kept
        return ShownList(kept, self)

    def note(self, reads: Reads) -> None:
        """Note the kept listings the page showed, with what they read the first time."""
        for name in self.used:
            reads.listings[name] = None if name in self.noted else self.reads[name]
        self.noted |= self.used

    def forget(self, changes: list[Change]) -> None:
        """Drop the listings that ``changes`` can change."""
        stale = {n for n, reads in self.reads.items() if any(map(reads.changed_by, changes))}
        for name in stale:
            del self.reads[name]
        self.cache = {k: v for k, v in self.cache.items() if k[1:] not in stale}


def _kept_form(made: Any) -> Any:
    """A listing as kept, apart from the views it was made with: its views as keys
    (:class:`Kept`), its SiteView as :data:`PAGE_SITE`, and the lists, tuples and
    dataclasses holding them rebuilt around those."""
    return _rebuilt(made, _kept_leaf)


def _kept_leaf(item: Any) -> Any:
    if isinstance(item, View):
        record = item.record
        return Kept(record._key if isinstance(record, TrackedRecord) else key_of(record))
    return PAGE_SITE if isinstance(item, SiteView) else None


def _rebuilt(item: Any, leaf: Callable[[Any], Any]) -> Any:
    """``item`` with what ``leaf`` replaces (whatever it does not return None for)
    replaced, through the lists, tuples and dataclasses that hold it: the one walk
    both ways between a listing's views and its kept form."""
    if isinstance(item, (str, int)):
        return item
    replaced = leaf(item)
    if replaced is not None:
        return replaced
    if isinstance(item, list):
        return [_rebuilt(part, leaf) for part in item]
    if isinstance(item, tuple):
        parts = [_rebuilt(part, leaf) for part in item]
        return type(item)(*parts) if hasattr(item, "_fields") else tuple(parts)
    if is_dataclass(item) and not isinstance(item, type):
        return replace(
            item, **{f.name: _rebuilt(getattr(item, f.name), leaf) for f in fields(item)}
        )
    return item


class ShownList(Sequence[Any]):
    """A kept list as the page's views, made only for the items the page looks at: an
    index counts all its records (``records | length``) and shows a page of them, a
    record's page shows its share of a list thousands long."""

    def __init__(self, kept: Sequence[Any], listings: KeptListings) -> None:
        self.kept = kept
        self.listings = listings

    def __len__(self) -> int:
        return len(self.kept)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> ShownList: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ShownList(self.kept[index], self.listings)
        return self.listings.shown(self.kept[index])


class TrackingRenderer(Renderer):
    """Renders a page and returns what it read.

    Templates and views read records through the page's :class:`TrackedRegistry`, so
    they need no knowledge of tracking, and nothing changes for any other registry or
    record in the process. Views cache what they compute (a view's sessions, the events
    by date): a value cached for one page would hide its reads from the next, so every
    page gets a new SiteView, and the old ones are collected now and then
    (``tuning.PageCollections``)."""

    def __init__(self, site: Site, registry: Registry, stop: Stop = never) -> None:
        self.tracked: dict[str, TrackedRegistry] = {}  # by language
        self.notes: list[Reads] = []
        self.stop = stop  # checked before each page
        self._counts: dict[str, int] | None = None
        self.collections = PageCollections()
        self.kept: dict[str, KeptListings] = {}  # by language
        super().__init__(site, registry)

    def registry_in(self, language: str) -> TrackedRegistry:
        tracked = self.tracked.get(language)
        if tracked is None:
            tracked = self.tracked[language] = TrackedRegistry(super().registry_in(language))
        return tracked

    def forget_languages(self) -> None:
        self.tracked.clear()
        self._counts = None
        super().forget_languages()

    def listings(self) -> KeptListings:
        kept = self.kept.get(self.language)
        if kept is None:
            kept = self.kept[self.language] = KeptListings(self, self.language)
        return kept

    def forget_listings(self, changes: list[Change]) -> None:
        """Drop the kept listings that ``changes`` change."""
        for kept in self.kept.values():
            kept.forget(changes)

    def context(self, page: Page) -> dict[str, Any]:
        context = super().context(page)
        if page.record is not None and page.of > 1:  # its lists, made once for its pages
            self.listings().seed(context["record"], PAGED_LISTS.get(page.record[0], ()))
        return context

    def render(self, page: Page) -> bytes:
        """Render, noting what the page read for :meth:`take_notes` (so the reads come
        back with the pages rendered in a worker process)."""
        if self.stop():
            raise Interrupted
        self.use(page.language)
        reads = self.registry_in(self.language).start_page()
        listings = self.listings()
        listings.start_page(page)
        self.view = self.new_view(self.language)
        self.env.globals["site"] = self.view
        content = super().render(page)
        listings.note(reads)
        reads.fold(self.counts)
        self.notes.append(reads)
        self.collections.rendered()
        return content

    @property
    def counts(self) -> dict[str, int]:
        """How many records of each type there are, for :meth:`Reads.fold` (counted
        again after a patch: a record added or removed rebuilds with a new renderer)."""
        if self._counts is None:
            self._counts = {}
            for type_name, _ in self.registry.origins:
                self._counts[type_name] = self._counts.get(type_name, 0) + 1
        return self._counts

    def take_notes(self) -> list[Reads]:
        notes, self.notes = self.notes, []
        return notes

    def render_tracked(self, page: Page) -> tuple[bytes, Reads]:
        content = self.render(page)
        return content, self.notes.pop()


def referenced_templates(env: jinja2.Environment, name: str) -> frozenset[str] | None:
    """``name`` and every template it extends, includes, imports or renders as a
    fragment, recursively; None when one of them names its template only at render time."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None
        source = env.loader.get_source(env, current)[0]
        tree = env.parse(source)
        for ref in chain(meta.find_referenced_templates(tree), fragments_named(tree)):
            if ref is None:
                return None
            todo.append(ref)
    return frozenset(seen)
