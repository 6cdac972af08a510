"""Match a programme's speakers and organisations against the site's records.

A speaker is the same person as a record when the record's id is the slug of their
name, or its name or one of its ``aliases`` reads the same once diacritics, case and
punctuation are folded away (``slug``). A name that only agrees up to initials ("J. Doe"
and "Jane Doe") is uncertain: never merged silently, listed for the editor, who can
merge it with ``--merge j-doe=jane-doe``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ...content.models import Organisation, Person
from ...site.urls import slug


def fold(name: str) -> str:
    """A name with diacritics, case, punctuation and spacing folded away."""
    return slug(name)


@dataclass
class Index:
    """Names, aliases and acronyms of one record type, folded, to their ids."""

    ids: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # id -> the name, for messages

    def add(self, record_id: str, name: str, *others: str | None) -> None:
        self.ids.add(record_id)
        self.labels[record_id] = name
        for text in (name, *others):
            if text:
                self.names.setdefault(fold(text), record_id)

    def exact(self, name: str) -> str | None:
        folded = fold(name)
        return folded if folded in self.ids else self.names.get(folded)

    def uncertain(self, name: str) -> list[str]:
        """Ids whose names agree with ``name`` only up to initials."""
        words = fold(name).split("-")
        return sorted(
            {
                record_id
                for other, record_id in self.names.items()
                if _initials_agree(words, other.split("-"))
            }
        )


def _initials_agree(one: list[str], other: list[str]) -> bool:
    if one == other or len(one) != len(other) or len(one) < 2 or one[-1] != other[-1]:
        return False
    return all(
        a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))
        for a, b in zip(one[:-1], other[:-1], strict=True)
    )


def people_index(people: Iterable[Person]) -> Index:
    index = Index()
    for person in people:
        index.add(person.id, person.name, *person.aliases)
    return index


def organisations_index(organisations: Iterable[Organisation]) -> Index:
    index = Index()
    for organisation in organisations:
        index.add(organisation.id, organisation.name, organisation.acronym)
    return index


def unused_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or with -2, -3, ... when a record of that type already has it."""
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate
