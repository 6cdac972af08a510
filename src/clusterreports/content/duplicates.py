"""One person, one page: probable duplicates among people and among organisations.

Two records probably stand for the same person (or organisation) when

- their names are the same once diacritics, case, punctuation and hyphens are folded
  ('José García-Lopez', 'Jose Garcia Lopez');
- one name's words all appear, in order, in the other, which starts with the same word
  ('Jane Doe', 'Jane Doe Smith');
- one record's name is another record's alias.

Namesakes exist, so these are warnings, never problems, unless the build is ``--strict``.
Records that refer to each other by design (a unit and its parent, the two names of a
renamed organisation, partners, records that say they are ``distinct_from`` each other)
are never reported.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from slugify import slugify

from ..problems import Problem
from .models import Organisation, Person
from .registry import Registry

MERGE_ADVICE = (
    "merge them into one record and keep the other spelling in its 'aliases' "
    "(if they are two, list the other in 'distinct_from')"
)
# The fields by which two organisations are linked on purpose, not by mistake.
RELATED_FIELDS = ("parent", "lead", "renamed_to", "formerly")


@dataclass(frozen=True)
class Named:
    """What the check needs of a record: where it is, its names, whom it is linked to."""

    id: str
    path: str
    name: str
    aliases: tuple[str, ...] = ()
    related: frozenset[str] = frozenset()
    line: int | None = None
    column: int | None = None


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> tuple[str, ...]:
    """A name's words without diacritics, case, punctuation or hyphens (kept: each name
    is compared with every other sharing its first word, and slugify is slow)."""
    return tuple(word for word in slugify(text).split("-") if word)


def _contained(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Every word of ``short`` (two or more) in ``long``, in order, with the same first."""
    if len(short) < 2 or len(short) >= len(long) or short[0] != long[0]:
        return False
    words = iter(long)
    return all(word in words for word in short)


def reason(a: Named, b: Named) -> str | None:
    """Why ``a`` and ``b`` probably name the same, or None."""
    folded_a, folded_b = fold(a.name), fold(b.name)
    if folded_a == folded_b:
        if a.name == b.name:
            return f"both are named '{a.name}'"
        return f"'{a.name}' and '{b.name}' are the same name written differently"
    for x, y in ((a, b), (b, a)):
        for alias in y.aliases:
            if fold(alias) == fold(x.name):
                return f"'{x.name}' is one's name and the other's alias"
    short, long = sorted((a, b), key=lambda n: len(fold(n.name)))
    if _contained(fold(short.name), fold(long.name)):
        return f"'{short.name}' is contained in '{long.name}'"
    return None


def probable_duplicates(named: Iterable[Named]) -> list[tuple[Named, Named, str]]:
    """Each probable pair once, (later file, earlier file, why). Only the pairs ``reason``
    can find are compared, looked up by the words they must share (the same words; a
    name that is an alias; the short name's first and last words in the long one), so
    a large site is not compared pair by pair, nor every pair sharing a first name."""
    records = list(named)
    by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
    by_ends: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        words = fold(record.name)
        by_words[words].append(index)
        if len(words) >= 2:
            by_ends[(words[0], words[-1])].append(index)
    candidates: set[tuple[int, int]] = set()
    for index, record in enumerate(records):
        words = fold(record.name)
        others = list(by_words.get(words, ()))
        for alias in record.aliases:
            others += by_words.get(fold(alias), ())
        for word in words[1:]:
            others += by_ends.get((words[0], word), ())
        candidates.update((min(index, other), max(index, other)) for other in others)
    found: dict[tuple[str, str], tuple[Named, Named, str]] = {}
    for first, second in sorted(candidates):  # in file order, as ``reason`` words it
        a, b = records[first], records[second]
        pair = tuple(sorted((a.path, b.path)))
        if a.id == b.id or pair in found or a.id in b.related or b.id in a.related:
            continue
        why = reason(a, b)
        if why is not None:
            later, earlier = sorted((a, b), key=lambda n: n.path, reverse=True)
            found[(pair[0], pair[1])] = (later, earlier, why)
    return [found[pair] for pair in sorted(found)]


def _named(registry: Registry, type_name: str) -> list[Named]:
    named = []
    for record in registry.all(type_name):
        assert isinstance(record, Person | Organisation)
        raw = registry.origins[(type_name, record.id)]
        related = set(record.distinct_from)
        related |= {other.id for other in registry.referrers(record, type_name, "distinct_from")}
        if isinstance(record, Organisation):
            related = {getattr(record, f) for f in RELATED_FIELDS if getattr(record, f)}
            related |= set(record.partners)
            related |= {other.id for other in registry.referrers(record, "organisation")}
        named.append(
            Named(record.id, raw.display, record.name, tuple(record.aliases), frozenset(related))
        )
    return named


def warnings(registry: Registry) -> list[Problem]:
    """A warning per probable duplicate among people and among organisations, on the
    later file, naming the other and what to do."""
    found = []
    for type_name, noun in (("person", "person"), ("organisation", "organisation")):
        for later, earlier, why in probable_duplicates(_named(registry, type_name)):
            # Placed only now: finding a field's line parses its file again.
            line, column = registry.origins[(type_name, later.id)].line_of(("name",))
            found.append(
                Problem(
                    later.path,
                    line,
                    column,
                    f"probably the same {noun} as {earlier.path} ({why}): {MERGE_ADVICE}",
                )
            )
    return found
