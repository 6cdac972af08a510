"""Stage 3b, translate: check each translation of a record against its record.

A translation is a file beside its record, named after it with a language tag before
the extension (``content/events/ecc-2016.fr.md``). It gives only the fields that are
words (``Part.translatable``), and parts of a list part by part, the same number in the
same order; every other field (ids, references, dates, numbers) is the original's.
It runs after link because a translation names its record by id, which only the
registry knows. A translation is validated as its record with the translated values
put in, so a bad value gets the message, line and column it would get in the record.
Problems are collected, never raised; the good translations go into
``Registry.translations``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..problems import Problem, did_you_mean
from .load import RawRecord, translation_of
from .models import TYPES_BY_NAME, Loc, Part, Quote, Record, translatable_fields
from .registry import Key, PartChanges, Registry, Translation
from .validate import loc_text, problems_from


@dataclass
class _Checking:
    """One translation file while it is checked: its problems, and which of its fields
    to keep once validated: ``plain`` ones whole, ``parts`` part by part (the names of
    the translated subfields)."""

    raw: RawRecord
    problems: list[Problem] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    parts: dict[str, PartChanges] = field(default_factory=dict)

    def report(self, loc: Loc, message: str) -> None:
        line, column = self.raw.line_of(loc) if loc else (None, None)
        self.problems.append(Problem(self.raw.display, line, column, message))


def translate(
    registry: Registry,
    raws: Iterable[RawRecord],
    languages: Sequence[str],
    invalid: frozenset[Key] | set[Key] = frozenset(),
) -> list[Problem]:
    """Check every translation in ``raws`` against its record in ``registry`` and the
    site's ``languages`` (the default first), and keep the good ones in
    ``registry.translations``. A translation of an ``invalid`` record (one that exists
    but failed validation) is passed over: the record's own problems are reported."""
    problems: list[Problem] = []
    kept: dict[str, dict[Key, Translation]] = {}
    files: dict[tuple[str, Key], str] = {}
    for raw in raws:
        named = translation_of(raw.path)
        if named is None:  # a record's own file
            continue
        record_id, language = named
        key = (raw.type_name, record_id)
        checking = _Checking(raw)
        _check_language(checking, language, languages)
        record = registry.find(*key)
        if record is None:
            if key not in invalid:
                _no_record(checking, registry, key)
            problems += checking.problems
            continue
        if (language, key) in files:
            checking.report(
                (),
                f"{files[language, key]} translates {_label(key[0])} '{record_id}' into "
                f"'{language}' too: keep one of the two files",
            )
            problems += checking.problems
            continue
        files[language, key] = raw.display
        translation = _checked(checking, record, language)
        problems += checking.problems
        if translation is not None and not checking.problems:
            kept.setdefault(language, {})[key] = translation
    registry.translations = kept
    return problems


def _label(type_name: str) -> str:
    return TYPES_BY_NAME[type_name].label.lower()


def _check_language(checking: _Checking, language: str, languages: Sequence[str]) -> None:
    if language == languages[0]:
        checking.report(
            (),
            f"'{language}' is the site's default language, the one content/ is written "
            "in: make the changes in the record itself, and remove this file",
        )
    elif language not in languages:
        listed = ", ".join(languages)
        hint = did_you_mean(language, languages)
        checking.report(
            (),
            f"'{language}' is not one of the site's languages ({listed}): add it to "
            f"site.yaml (languages: [{listed}, {language}]), or rename the file"
            if not hint
            else f"'{language}' is not one of the site's languages ({listed}).{hint} "
            f"Rename the file, or add '{language}' to languages in site.yaml",
        )


def _no_record(checking: _Checking, registry: Registry, key: Key) -> None:
    type_name, record_id = key
    record_type = TYPES_BY_NAME[type_name]
    hint = did_you_mean(record_id, registry.records[type_name])
    checking.report(
        (),
        f"there is no {_label(type_name)} '{record_id}' to translate.{hint}"
        if hint
        else f"there is no {_label(type_name)} '{record_id}' to translate: name the file "
        f"after the id of the {_label(type_name)} it translates, keeping "
        f"'.{checking.raw.language}{checking.raw.path.suffix}' (the record is in "
        f"content/{record_type.folder}/)",
    )


def _checked(checking: _Checking, record: Record, language: str) -> Translation | None:
    """The translation of ``record`` in ``checking``'s file, or None if its fields
    are wrong (the problems are in ``checking``)."""
    model = type(record)
    merged: dict[str, Any] = dict(record)
    for name, value in checking.raw.data.items():
        if not _allowed(checking, model, (), name):
            continue
        part = translatable_fields(model)[name]
        if part is None:
            checking.plain.append(name)
            merged[name] = value
            _check_length(checking, (name,), value, getattr(record, name), "")
        else:
            merged[name] = _merged_parts(checking, (name,), value, getattr(record, name), part)
    try:
        translated = model.model_validate(merged)
    except ValidationError as exc:
        # Validated as the record, the values named as the translation file has them.
        shown = RawRecord(checking.raw.type_name, checking.raw.path, checking.raw.display, merged)
        checking.problems += problems_from(shown, model, exc)
        return None
    values = {name: getattr(translated, name) for name in checking.plain}
    parts: dict[str, PartChanges] = {}
    for name, changes in checking.parts.items():
        now = getattr(translated, name)
        if isinstance(changes, dict):
            parts[name] = {sub: getattr(now, sub) for sub in changes}
        else:
            parts[name] = [
                {sub: getattr(item, sub) for sub in change}
                for item, change in zip(now, changes, strict=True)
            ]
    return Translation(language, checking.raw.display, values, parts)


def _allowed(checking: _Checking, model: type[Part], loc: Loc, name: Any) -> bool:
    """Whether a translation of ``model`` can give ``name`` at ``loc`` (reported if not)."""
    allowed = translatable_fields(model)
    where = loc_text((*loc, name))
    listed = ", ".join(allowed)
    if name not in model.model_fields:
        hint = did_you_mean(str(name), allowed)
        checking.report((*loc, name), f"unknown field '{where}'.{hint} Translatable here: {listed}")
    elif issubclass(model, Quote) and name == "text":
        checking.report(
            (*loc, name),
            f"'{where}' cannot be translated: a quote stays in the words it was said in; "
            "remove it (and give the quote's language as 'lang' in the record)",
        )
    elif name not in allowed:
        checking.report(
            (*loc, name),
            f"'{where}' cannot be translated: remove it (the original's is kept). "
            f"Translatable here: {listed}",
        )
    return name in allowed


def _check_length(checking: _Checking, loc: Loc, value: Any, original: Any, empty: str) -> bool:
    """Whether a translated list has as many items as the original's (reported if not)."""
    if not isinstance(value, list) or not isinstance(original, list):
        return True  # not a list: the validation says so
    if len(value) == len(original):
        return True
    checking.report(
        loc,
        f"'{loc_text(loc)}' has {len(value)} item{'s' if len(value) != 1 else ''} here but "
        f"{len(original)} in the original: translate each of them, in the same "
        f"order{empty}",
    )
    return False


def _merged_parts(
    checking: _Checking, loc: Loc, value: Any, original: Any, part: type[Part]
) -> Any:
    """The original's parts with the translated subfields in ``value`` put in, noted in
    ``checking.parts``; the original's where ``value`` cannot be merged (reported)."""
    name = str(loc[-1])
    if original is None:
        checking.report(loc, f"the original has no '{name}' to translate: remove it")
        return original
    if isinstance(original, Part):
        if not isinstance(value, dict):
            _not_a_mapping(checking, loc, part)
            return original
        changes = _part_changes(checking, loc, value, part)
        checking.parts[name] = changes
        return dict(original) | changes
    if not isinstance(value, list):
        checking.report(
            loc,
            f"'{loc_text(loc)}': give a list of the original's {len(original)} {name}, "
            "in the same order, each with its translated fields",
        )
        return original
    if not _check_length(checking, loc, value, original, ", with {} for one left as it is"):
        return original
    merged = []
    every: list[dict[str, Any]] = []
    for index, (item, given) in enumerate(zip(original, value, strict=True)):
        if given is None:
            given = {}
        if not isinstance(given, dict):
            _not_a_mapping(checking, (*loc, index), part)
            given = {}
        changes = _part_changes(checking, (*loc, index), given, part)
        every.append(changes)
        merged.append(dict(item) | changes)
    checking.parts[name] = every
    return merged


def _part_changes(
    checking: _Checking, loc: Loc, given: dict[Any, Any], part: type[Part]
) -> dict[str, Any]:
    """The translatable subfields of one part; any other is reported."""
    changes = {}
    for sub, value in given.items():
        if _allowed(checking, part, loc, sub):
            changes[sub] = value
    return changes


def _not_a_mapping(checking: _Checking, loc: Loc, part: type[Part]) -> None:
    listed = ", ".join(translatable_fields(part))
    checking.report(
        loc,
        f"'{loc_text(loc)}': give the translated fields as 'name: value' lines "
        f"({listed}), or {{}} to leave it as it is",
    )
