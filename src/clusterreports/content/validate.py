"""Stage 2, validate: turn raw data into typed records, collecting every field problem."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from slugify import slugify

from ..problems import Problem, did_you_mean, printable
from .load import RECORD_SUFFIXES, RawRecord, translation_of
from .models import (
    ID_PATTERN,
    TYPES_BY_FOLDER,
    TYPES_BY_NAME,
    BadCharacter,
    Loc,
    Record,
    model_in,
)


@dataclass
class Validated:
    records: list[tuple[Record, RawRecord]]
    problems: list[Problem]
    invalid: set[tuple[str, str]]
    """(type, id) of records that exist but failed validation: references to them are
    not reported again as dangling."""
    translations: list[RawRecord] = field(default_factory=list)
    """Translation files, read but unchecked: a translation is checked against its
    record, once every record is known (content/translate.py)."""


def loc_text(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _field_names(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at ``loc`` (for 'did you mean' on unknown fields)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = model_in(field.annotation)
        if current is None:
            return []
    return list(current.model_fields) if _is_model(current) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _field_loc(loc: tuple[int | str, ...], data: Any, missing: bool) -> Loc:
    """The path of an error in the record's data. Pydantic adds validator and union-member
    names to locations: a part is kept only where the data has it (a field name may hold
    '-' or a space), or when it names the missing field that ends the path."""
    kept: list[int | str] = []
    for index, part in enumerate(loc):
        if isinstance(data, list):
            found = isinstance(part, int) and 0 <= part < len(data)
        else:
            found = isinstance(data, dict) and part in data
        if found:
            data = data[part]
        elif not (missing and index == len(loc) - 1):
            continue
        kept.append(part)
    return tuple(kept)


def _message(error: ErrorDetails, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    name = loc_text(loc) or "record"
    value = error.get("input")
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        allowed = [field for field in _field_names(model, loc) if field != loc[-1]]
        hint = did_you_mean(str(loc[-1]), allowed) or (
            f" Known fields here: {', '.join(allowed)}." if allowed else ""
        )
        return f"unknown field '{name}'.{hint}"
    if kind == "invalid_key":
        where = f" in '{name}'" if loc else ""
        return (
            f"field name {_yaml_text(value)}{where} is not a name: write a name such as "
            "'title' (in quotes if it must look like a number)"
        )
    if kind == "missing":
        return f"missing required field '{name}': add it"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(str(value), options) or ""
        return f"{name}: '{value}' is not allowed.{hint} Use one of: {', '.join(options)}"
    if kind == "value_error":
        return f"{name}: {ctx.get('error')}"
    if kind in ("too_long", "too_short") and "actual_length" in ctx:
        limit, given = (
            ctx.get("max_length" if kind == "too_long" else "min_length"),
            ctx["actual_length"],
        )
        most = "at most" if kind == "too_long" else "at least"
        what = "remove some" if kind == "too_long" else "add some"
        return f"{name}: {most} {limit}, and {given} are given: {what}"
    if kind == "bool_type":
        return f"{name}: input should be true or false, got {value!r}"
    if kind in ("int_type", "float_type", "finite_number"):
        number = "a whole number" if kind == "int_type" else "a number"
        if kind == "finite_number":
            return f"{name}: {_yaml_text(value)} is not a number a page can show: write a number"
        if isinstance(value, bool):
            return f"{name}: {_yaml_text(value)} is a yes/no value, not a number: write {number}"
        if isinstance(value, str):
            return (
                f"{name}: '{value}' is text, not a number: write {number} in digits, without quotes"
            )
        if isinstance(value, float):
            return f"{name}: {value!r} is not a whole number: write {number}"
    if kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "float_parsing",
        "float_type",
        "list_type",
        "bool_parsing",
        "model_type",
        "dict_type",
        "model_attributes_type",
    ):
        return f"{name}: {error['msg'].lower()}, got {value!r}"
    return f"{name}: {error['msg']} (got {value!r})"


def problems_from(
    raw: RawRecord, model: type[BaseModel], exc: ValidationError
) -> Iterable[Problem]:
    seen: set[tuple[Loc, str]] = set()
    for error in exc.errors(include_url=False):
        kind = error["type"]
        if kind == "invalid_key":  # the key itself ends the location: report its mapping
            loc = _field_loc(error["loc"][:-1], raw.data, missing=False)
        else:
            loc = _field_loc(error["loc"], raw.data, missing=kind == "missing")
        if loc == ("id",) and ("id",) not in raw.positions:
            stem = raw.data["id"]
            suggestion = slugify(str(stem))
            if not ID_PATTERN.fullmatch(str(stem)):
                before, dot, _ = str(stem).rpartition(".")
                translation = (
                    f"; a translation is named after its record and a language tag, "
                    f"e.g. '{before}.fr{raw.path.suffix}'"
                    if dot and ID_PATTERN.fullmatch(before)
                    else ""
                )
                yield Problem(
                    raw.display,
                    None,
                    None,
                    f"file name '{raw.path.name}' is not a valid id: rename it to "
                    f"'{suggestion or 'my-record'}{raw.path.suffix}' or give an 'id' "
                    f"field{translation}",
                )
                continue
        message = printable(_message(error, model, loc))
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        if kind == "invalid_key":
            line, column = raw.line_of((*loc, _yaml_text(error["input"])))
        else:
            line, column = raw.line_of(loc)
        if line is None and loc and kind == "missing":
            line, column = 1 + (1 if raw.path.suffix == ".md" else 0), None
        bad = error.get("ctx", {}).get("error")
        if line is None and isinstance(bad, BadCharacter):  # in a Markdown body
            line, column = _where_in_file(raw, bad.character)
        yield Problem(raw.display, line, column, message)


def _yaml_text(value: Any) -> str:
    """A YAML scalar as it is written in the file."""
    if value is None or isinstance(value, bool):
        return str(value).lower().replace("none", "null")
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    return str(value)


def _where_in_file(raw: RawRecord, character: str) -> tuple[int | None, int | None]:
    """The first place of ``character`` in the file (YAML refuses control characters,
    so a character written as such can only be in a Markdown body)."""
    try:
        text = raw.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None
    index = text.find(character)
    if index < 0:
        return None, None
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def validate_records(raws: Iterable[RawRecord]) -> Validated:
    """Records from raw data. A valid record's raw data is dropped as soon as it is
    validated (nothing needs it later), so a large site never holds both in full."""
    records: list[tuple[Record, RawRecord]] = []
    problems: list[Problem] = []
    invalid: set[tuple[str, str]] = set()
    translations: list[RawRecord] = []
    for raw in raws:
        if raw.language is not None:
            translations.append(raw)
            continue
        model = TYPES_BY_NAME[raw.type_name]
        try:
            record = model.model_validate(raw.data)
            _share_fields_sets(record)
            records.append((record, raw))
            raw.data = {}
        except ValidationError as exc:
            problems.extend(problems_from(raw, model, exc))
            invalid.add((raw.type_name, str(raw.data.get("id"))))
    return Validated(records, problems, invalid, translations)


def unreadable(problems: Iterable[Problem], content: Path, root: Path) -> set[tuple[str, str]]:
    """(type, id) of the record files that had a problem while being read. Those that
    could not be read at all exist, like invalid records, so references to them are not
    reported again as dangling. Their fields were not read: the id is the file name's."""
    keys: set[tuple[str, str]] = set()
    content = Path(os.path.normpath(content.absolute()))
    for problem in problems:
        # Lexically: the file may be a broken link or a link loop, which resolve() fails on.
        path = Path(os.path.normpath((root / problem.path).absolute()))
        if not path.is_relative_to(content) or path.suffix not in RECORD_SUFFIXES:
            continue
        if translation_of(path) is not None:  # no record: a translation of one
            continue
        parts = path.relative_to(content).parts
        record_type = TYPES_BY_FOLDER.get(parts[0]) if len(parts) > 1 else None
        if record_type is not None:
            keys.add((record_type.type_name, path.stem))
    return keys


# Every pydantic model instance carries its own set of the fields it was given: a
# quarter of a checked site's memory. Models are frozen (the sets never change), so
# instances with the same fields can share one frozenset.
_FIELDS_SETS: dict[frozenset[str], frozenset[str]] = {}


def _share_fields_sets(model: BaseModel) -> None:
    fields = frozenset(model.__pydantic_fields_set__)
    shared = _FIELDS_SETS.setdefault(fields, fields)
    object.__setattr__(model, "__pydantic_fields_set__", shared)
    for value in model.__dict__.values():
        if isinstance(value, BaseModel):
            _share_fields_sets(value)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, BaseModel):
                    _share_fields_sets(item)
