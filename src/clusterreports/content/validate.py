"""Stage 2, validate: turn raw data into typed records, collecting every field problem."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from slugify import slugify

from ..problems import Problem, did_you_mean
from .load import RawRecord
from .models import ID_PATTERN, TYPES_BY_NAME, Loc, Record


@dataclass
class Validated:
    records: list[tuple[Record, RawRecord]]
    problems: list[Problem]
    invalid: set[tuple[str, str]]
    """(type, id) of records that exist but failed validation: references to them are
    not reported again as dangling."""


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
        current = _model_in(field.annotation)
        if current is None:
            return []
    return list(current.model_fields) if _is_model(current) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _field_loc(loc: tuple[int | str, ...]) -> Loc:
    # Pydantic adds validator and union-member names to locations; keep only real paths.
    return tuple(p for p in loc if isinstance(p, int) or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p))


def _message(error: ErrorDetails, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    name = loc_text(loc) or "record"
    value = error.get("input")
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        allowed = _field_names(model, loc)
        hint = did_you_mean(str(loc[-1]), allowed) or (
            f" Known fields here: {', '.join(allowed)}." if allowed else ""
        )
        return f"unknown field '{loc[-1]}'.{hint}"
    if kind == "missing":
        return f"missing required field '{name}': add it"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(str(value), options) or ""
        return f"{name}: '{value}' is not allowed.{hint} Use one of: {', '.join(options)}"
    if kind == "value_error":
        return f"{name}: {ctx.get('error')}"
    if kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "float_parsing",
        "float_type",
        "list_type",
        "bool_type",
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
        loc = _field_loc(error["loc"])
        if loc == ("id",) and ("id",) not in raw.positions:
            stem = raw.data["id"]
            suggestion = slugify(str(stem))
            if not ID_PATTERN.match(str(stem)):
                yield Problem(
                    raw.display,
                    None,
                    None,
                    f"file name '{raw.path.name}' is not a valid id: rename it to "
                    f"'{suggestion or 'my-record'}{raw.path.suffix}' or give an 'id' field",
                )
                continue
        message = _message(error, model, loc)
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        line, column = raw.line_of(loc)
        if line is None and loc and error["type"] == "missing":
            line, column = 1 + (1 if raw.path.suffix == ".md" else 0), None
        yield Problem(raw.display, line, column, message)


def validate_records(raws: Iterable[RawRecord]) -> Validated:
    """Records from raw data. A valid record's raw data is dropped as soon as it is
    validated (nothing needs it later), so a large site never holds both in full."""
    records: list[tuple[Record, RawRecord]] = []
    problems: list[Problem] = []
    invalid: set[tuple[str, str]] = set()
    for raw in raws:
        model = TYPES_BY_NAME[raw.type_name]
        try:
            record = model.model_validate(raw.data)
            _share_fields_sets(record)
            records.append((record, raw))
            raw.data = {}
        except ValidationError as exc:
            problems.extend(problems_from(raw, model, exc))
            invalid.add((raw.type_name, str(raw.data.get("id"))))
    return Validated(records, problems, invalid)


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
