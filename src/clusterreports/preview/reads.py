"""What a page reads while it renders: the fields of each record, and whose backlinks.

The preview re-renders after an edit only the pages that read what the edit changed
(``preview/incremental.py``); this module notes those reads, page by page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import jinja2
from jinja2 import meta

from ..config import Site
from ..content.models import Record
from ..content.registry import Backlink, Key, Registry, key_of
from ..outputs.context import Interrupted
from ..site.plan import Page
from ..site.render import Renderer, fragments_named

# Asked between steps of long work: True once it should stop.
Stop = Callable[[], bool]


def never() -> bool:
    return False


ALL_FIELDS = -1  # a field mask with every bit set
# Ways to read a whole record at once: its dict, a dump, a copy, equality and hashing.
WHOLE_RECORD = frozenset(
    {"__dict__", "model_dump", "model_dump_json", "model_copy", "__iter__", "__eq__", "__hash__"}
)


@dataclass
class Reads:
    """What one page read while it rendered: for each record, a bit mask of the fields
    it read (bit i is field i of the record's model); and the records whose backlinks
    (who refers to them) it asked for."""

    fields: dict[Key, int] = field(default_factory=dict)
    backlinks: set[Key] = field(default_factory=set)


_reading: Reads | None = None
_FIELD_BITS: dict[type[Any], dict[str, int]] = {}


def field_bits(model: type[Any]) -> dict[str, int]:
    """Each field of a record type as its bit in a :class:`Reads` mask."""
    bits = _FIELD_BITS.get(model)
    if bits is None:
        bits = _FIELD_BITS[model] = {n: 1 << i for i, n in enumerate(model.model_fields)}
        bits.update(dict.fromkeys(WHOLE_RECORD, ALL_FIELDS))
        bits.pop("id")  # a changed id rebuilds everything anyway
    return bits


def _noting_getattribute(record: Record, name: str) -> Any:
    """``Record.__getattribute__`` while previewing: notes the fields a page reads."""
    value = object.__getattribute__(record, name)
    reads = _reading
    if reads is not None:
        bit = field_bits(type(record)).get(name)
        if bit is not None:
            key = (record.type_name, object.__getattribute__(record, "__dict__")["id"])
            reads.fields[key] = reads.fields.get(key, 0) | bit
    return value


def changed_fields(old: Record, new: Record) -> int:
    """The mask of the fields that differ between two versions of a record."""
    bits = field_bits(type(new))
    mask = 0
    for name in type(new).model_fields:
        if name in bits and getattr(old, name) != getattr(new, name):
            mask |= bits[name]
    return mask


class TrackedRegistry(Registry):
    """The registry as a page sees it: notes whose backlinks the page asks for."""

    def __init__(self, inner: Registry) -> None:  # shares inner's data, so patches show
        self.inner = inner
        self.reads = Reads()
        self.records = inner.records
        self.origins = inner.origins
        self.backlinks = inner.backlinks

    def referrers(
        self, target: Record, type_name: str | None = None, field: str | None = None
    ) -> list[Record]:
        self.reads.backlinks.add(key_of(target))
        return self.inner.referrers(target, type_name, field)

    def links_to(self, target: Record, type_name: str | None = None) -> list[Backlink]:
        self.reads.backlinks.add(key_of(target))
        return self.inner.links_to(target, type_name)

    def neighbours(self, key: Key) -> set[Key]:
        self.reads.backlinks.add(key)
        return self.inner.neighbours(key)


class TrackingRenderer(Renderer):
    """Renders a page and returns what it read.

    Record fields are noted by swapping in ``Record.__getattribute__`` (in this process
    only: the preview's), so views and templates need no knowledge of tracking. Views
    cache what they compute (a view's sessions, the events by date): a value cached for
    one page would hide its reads from the next, so every page gets a new SiteView."""

    def __init__(self, site: Site, registry: Registry, stop: Stop = never) -> None:
        self.tracked = TrackedRegistry(registry)
        self.notes: list[Reads] = []
        self.stop = stop  # checked before each page
        super().__init__(site, self.tracked)
        if Record.__getattribute__ is not _noting_getattribute:
            setattr(Record, "__getattribute__", _noting_getattribute)  # noqa: B010

    def render(self, page: Page) -> bytes:
        """Render, noting what the page read for :meth:`take_notes` (so the reads come
        back with the pages rendered in a worker process)."""
        global _reading
        if self.stop():
            raise Interrupted
        reads = self.tracked.reads = Reads()
        self.view = type(self.view)(self.tracked, self.site.config, self.site.today())
        self.env.globals["site"] = self.view
        _reading = reads
        try:
            content = super().render(page)
        finally:
            _reading = None
        self.notes.append(reads)
        return content

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
