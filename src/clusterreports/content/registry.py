"""Stage 3, link: one registry of every record, with reverse indexes (backlinks).

Site-wide rules are checked here, after every file is loaded and before anything
is rendered: duplicate ids, references to records that do not exist, and chains of
references (an organisation's parent, an event's part_of) that come back to their start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..problems import Problem, did_you_mean
from .load import RawRecord
from .models import RECORD_TYPES, TYPES_BY_NAME, ImageFile, Loc, Record, iter_references

Key = tuple[str, str]

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


@dataclass
class Registry:
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    origins: dict[Key, RawRecord] = field(default_factory=dict)
    backlinks: dict[Key, list[Backlink]] = field(default_factory=lambda: defaultdict(list))
    # (type, id, file) of each image a record names: what content/images.py found there.
    images: dict[tuple[str, str, str], ImageFile] = field(default_factory=dict)

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
            seen.setdefault(key_of(link.source), link.source)
        return list(seen.values())

    def links_to(self, target: Record, type_name: str | None = None) -> list[Backlink]:
        return [
            link
            for link in self.backlinks.get(key_of(target), [])
            if type_name is None or link.source.type_name == type_name
        ]

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
