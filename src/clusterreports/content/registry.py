"""Stage 3, link: one registry of every record, with reverse indexes (backlinks, and
the editions of each series).

Site-wide rules are checked here, after every file is loaded and before anything
is rendered: duplicate ids, references to records that do not exist, and chains of
references (an organisation's parent, an event's part_of) that come back to their start.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..problems import Problem, did_you_mean
from .load import RawRecord
from .models import (
    RECORD_TYPES,
    TYPES_BY_NAME,
    Event,
    ImageFile,
    Loc,
    Part,
    Record,
    Series,
    iter_references,
)

Key = tuple[str, str]
P = TypeVar("P", bound=Part)

# Fields that point from a record to another of its own type, and why following them
# must never come back to where it started.
CHAINS: tuple[tuple[str, str, str], ...] = (
    ("organisation", "parent", "an organisation cannot contain itself"),
    ("organisation", "lead", "an organisation cannot lead itself"),
    ("event", "part_of", "an event cannot be part of itself"),
    ("report", "part_of", "a report cannot be part of itself"),
)


def key_of(record: Record) -> Key:
    return (record.type_name, record.id)


@dataclass(frozen=True, slots=True)  # slots: a large site holds a million of them
class Backlink:
    """``source`` refers to the target at ``loc``, e.g. ('participants', 2, 'person')."""

    source: Record
    loc: Loc

    @property
    def field(self) -> str:
        """The top-level field name, e.g. 'participants'."""
        return str(self.loc[0])


@dataclass(frozen=True, slots=True)
class SeriesIndex:
    """Which events are editions of which series record. An event names its series by
    id or, as free text, by name (case aside), so this is no backlink; it is worked out
    once, at link time, as an event page that looked through every event to find its
    series made the preview's pages quadratic in events. Made from content's own
    records: a series has the same editions in every language."""

    editions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # series id: event ids
    series_of: dict[str, str] = field(default_factory=dict)  # event id: series id


# (type, field) of what ``index_series`` reads of a record besides its id: an edit to
# no other field can change the index.
SERIES_INDEX_FIELDS: tuple[tuple[str, str], ...] = (("event", "series"), ("series", "name"))


def index_series(registry: Registry) -> SeriesIndex:
    """Each series' editions, in the registry's order: an event's ``series`` is a series'
    id, or else its name (exactly, then case aside; the first series of that name wins)."""
    named: dict[str, str] = {}
    for series in registry.all("series"):
        assert isinstance(series, Series)
        named.setdefault(series.name.casefold(), series.id)
        named[series.id] = series.id  # an id wins over a name
    editions: dict[str, list[str]] = defaultdict(list)
    series_of: dict[str, str] = {}
    for event in registry.all("event"):
        assert isinstance(event, Event)
        text = event.series
        series_id = named.get(text) or named.get(text.casefold()) if text else None
        if series_id is not None:
            editions[series_id].append(event.id)
            series_of[event.id] = series_id
    return SeriesIndex({k: tuple(v) for k, v in editions.items()}, series_of)


# The translated subfields of each part of a list, in order (empty: one left as it
# is), or of a single part.
PartChanges = list[dict[str, Any]] | dict[str, Any]


@dataclass(frozen=True, slots=True)
class Translation:
    """A record's words in one language, checked by content/translate.py: ``values``
    replace the original's fields, ``parts`` the translatable subfields of the parts
    a field holds, part by part. Every other field is the original's."""

    language: str
    display: str  # the translation's file, as messages name it
    values: dict[str, Any]
    parts: dict[str, PartChanges]

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.values) | frozenset(self.parts)

    @property
    def data(self) -> dict[str, Any]:
        """The translated fields as a translation file gives them (open data)."""
        return self.values | self.parts

    def apply(self, record: P) -> P:
        """A copy of ``record`` in this language."""
        update = dict(self.values)
        for name, changes in self.parts.items():
            current = getattr(record, name)
            if isinstance(changes, dict):
                if isinstance(current, Part):
                    update[name] = _copy(current, changes)
            else:
                # Not zip(strict=True): the preview may have patched the original since.
                update[name] = [
                    _copy(item, change) if change else item
                    for item, change in zip(current, changes, strict=False)
                ] + list(current[len(changes) :])
        return _copy(record, update)


def _copy(model: P, update: dict[str, Any]) -> P:
    """``model.model_copy(update=update)``, which cannot add to the frozen set of given
    fields that validate.py shares between models."""
    copied = model.model_copy()
    copied.__dict__.update(update)
    object.__setattr__(copied, "__pydantic_fields_set__", model.model_fields_set | update.keys())
    return copied


@dataclass
class Registry:
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    origins: dict[Key, RawRecord] = field(default_factory=dict)
    backlinks: dict[Key, list[Backlink]] = field(default_factory=lambda: defaultdict(list))
    # (type, id, file) of each image a record names: what content/images.py found there.
    images: dict[tuple[str, str, str], ImageFile] = field(default_factory=dict)
    # language -> (type, id) -> that record's translation (content/translate.py).
    translations: dict[str, dict[Key, Translation]] = field(default_factory=dict)
    series_index: SeriesIndex = field(default_factory=SeriesIndex)
    # The language of a copy made by ``in_language`` (None: content/'s own), and the
    # registry it is a copy of.
    language: str | None = None
    source: Registry | None = field(default=None, repr=False)

    def in_language(self, language: str) -> Registry:
        """The registry with every record translated into ``language`` replaced by its
        translated copy: the same keys, and the same origins, backlinks, images and
        series index (not rebuilt: ``referrers``, ``links_to``, ``editions`` and
        ``series_of`` hand out the copies). Itself when no record is translated into
        ``language`` (the default language)."""
        if self.source is not None:
            return self.source.in_language(language)
        found = self.translations.get(language)
        if not found:
            return self
        records = {type_name: dict(by_id) for type_name, by_id in self.records.items()}
        for (type_name, record_id), translation in found.items():
            original = records[type_name].get(record_id)
            if original is not None:
                records[type_name][record_id] = translation.apply(original)
        return dataclasses.replace(self, records=records, language=language, source=self)

    def translated_fields(self, key: Key, language: str) -> frozenset[str]:
        """The fields of a record given by its translation into ``language`` (empty:
        the record is not translated into it)."""
        translation = self.translations.get(language, {}).get(key)
        return translation.fields if translation else frozenset()

    def _current(self, record: Record) -> Record:
        """``record`` (as a backlink holds it, the original) in this registry's language."""
        if self.source is None:
            return record
        return self.records[record.type_name][record.id]

    def get(self, type_name: str, record_id: str) -> Record:
        return self.records[type_name][record_id]

    def find(self, type_name: str, record_id: str | None) -> Record | None:
        if record_id is None:
            return None
        return self.records.get(type_name, {}).get(record_id)

    def all(self, type_name: str) -> list[Record]:
        return list(self.records.get(type_name, {}).values())

    def __iter__(self) -> Iterator[Record]:
        for by_id in self.records.values():
            yield from by_id.values()

    def __len__(self) -> int:
        return sum(len(by_id) for by_id in self.records.values())

    def referrers(
        self, target: Record, type_name: str | None = None, field: str | None = None
    ) -> list[Record]:
        """Records that refer to ``target``, optionally only of one type or through one field;
        each record once, in a stable order."""
        seen: dict[Key, Record] = {}
        for link in self.backlinks.get(key_of(target), []):
            if type_name and link.source.type_name != type_name:
                continue
            if field and link.field != field:
                continue
            if key_of(link.source) not in seen:
                seen[key_of(link.source)] = self._current(link.source)
        return list(seen.values())

    def links_to(self, target: Record, type_name: str | None = None) -> list[Backlink]:
        links = [
            link
            for link in self.backlinks.get(key_of(target), [])
            if type_name is None or link.source.type_name == type_name
        ]
        if self.source is None:
            return links
        return [Backlink(self._current(link.source), link.loc) for link in links]

    def editions(self, series: Record) -> list[Record]:
        """The events that are editions of ``series``, in the registry's order."""
        return [self.get("event", i) for i in self.series_index.editions.get(series.id, ())]

    def series_of(self, event: Record) -> Record | None:
        """The series record ``event`` is an edition of, if its ``series`` names one."""
        return self.find("series", self.series_index.series_of.get(event.id))

    def refers_to(self, key: Key) -> set[Key]:
        """The records this one refers to (worked out when asked: only the preview
        needs it, and a set per record was a tenth of a large site's memory)."""
        record = self.find(*key)
        if record is None:
            return set()
        found = ((t, i) for _, t, i in iter_references(record))
        return {target for target in found if self.find(*target) is not None}

    def neighbours(self, key: Key) -> set[Key]:
        """Records this one refers to and records that refer to it."""
        near = self.refers_to(key)
        near.update(key_of(link.source) for link in self.backlinks.get(key, ()))
        return near


def link(
    records: Iterable[tuple[Record, RawRecord]], invalid: frozenset[Key] | set[Key] = frozenset()
) -> tuple[Registry, list[Problem]]:
    """Index every record and check references; ``invalid`` records exist but failed
    validation, so references to them are not reported a second time."""
    registry = Registry(records={t.type_name: {} for t in RECORD_TYPES})
    problems: list[Problem] = []
    for record, raw in records:
        key = key_of(record)
        if key in registry.origins:
            first = registry.origins[key]
            line, column = raw.line_of(("id",))
            problems.append(
                Problem(
                    raw.display,
                    line,
                    column,
                    f"duplicate {record.type_name} id '{record.id}': {first.display} has it "
                    "too; rename one of the files (or change its 'id')",
                )
            )
            continue
        registry.records[record.type_name][record.id] = record
        registry.origins[key] = raw

    for key, raw in registry.origins.items():
        record = registry.get(*key)
        for loc, target_type, target_id in iter_references(record):
            target = registry.find(target_type, target_id)
            if target is None and (target_type, target_id) in invalid:
                continue
            if target is None:
                line, column = raw.line_of(loc)
                label = TYPES_BY_NAME[target_type].label.lower()
                hint = did_you_mean(target_id, registry.records[target_type])
                folder = TYPES_BY_NAME[target_type].folder
                problems.append(
                    Problem(
                        raw.display,
                        line,
                        column,
                        f"{label} '{target_id}' is not defined.{hint}"
                        if hint
                        else f"{label} '{target_id}' is not defined: add "
                        f"content/{folder}/{target_id}.yaml or fix the id",
                    )
                )
                continue
            registry.backlinks[(target_type, target_id)].append(Backlink(record, loc))
    registry.series_index = index_series(registry)
    problems.extend(_cycles(registry))
    return registry, problems


def _cycles(registry: Registry) -> list[Problem]:
    """A problem on each record whose chain of ``CHAINS`` references comes back to it."""
    problems = []
    for type_name, field_name, why in CHAINS:
        for record in registry.all(type_name):
            chain = [record.id]
            current = record
            while (next_id := getattr(current, field_name)) is not None:
                following = registry.find(type_name, next_id)
                if following is None or (following.id in chain and following.id != record.id):
                    break  # dangling (reported above), or a cycle this record only leads into
                chain.append(following.id)
                if following.id == record.id:
                    raw = registry.origins[key_of(record)]
                    line, column = raw.line_of((field_name,))
                    problems.append(
                        Problem(
                            raw.display,
                            line,
                            column,
                            f"{field_name} '{chain[1]}' loops back to '{record.id}' "
                            f"({' -> '.join(chain)}): {why}; "
                            + (
                                f"change one of these '{field_name}' fields"
                                if len(chain) > 2
                                else "remove it or name another"
                            ),
                        )
                    )
                    break
                current = following
    return problems
