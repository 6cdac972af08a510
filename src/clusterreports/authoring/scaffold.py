"""``clusterreports new TYPE "Title"``: a new record file with every field of its type.

The fields, which are required, their types and descriptions come from the content
schema (``opendata.content_schema``, made from the pydantic models), so a new field in
models.py shows up here with nothing else to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config import Site
from ..content.duplicates import Named, reason
from ..content.load import RECORD_SUFFIXES, read_record
from ..content.models import RECORD_TYPES, Organisation, Person, Record
from ..outputs.opendata import content_schema
from ..problems import did_you_mean, display_path
from ..site.urls import slug
from .contentdocs import type_text

SKIPPED_FIELDS = ("id",)
# The longest id a new record gets from its title: a file name has at most 255 bytes.
MAX_ID_LENGTH = 80


class UnknownType(ValueError):
    """Not a record type (exit 2: a usage error)."""


class RecordExists(FileExistsError):
    """A record with that id is already there (exit 1: nothing was written)."""


class ProbableDuplicate(FileExistsError):
    """A person or organisation that probably has a record already (exit 1: nothing
    was written unless forced)."""


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    kind: str
    description: str
    parts: str = ""


def record_type(name: str) -> type[Record]:
    """A record type by its name ('person') or its folder ('people')."""
    names = {t.type_name: t for t in RECORD_TYPES} | {t.folder: t for t in RECORD_TYPES}
    found = names.get(name.strip().lower())
    if found is None:
        known = ", ".join(t.type_name for t in RECORD_TYPES)
        raise UnknownType(
            f"unknown record type '{name}'.{did_you_mean(name.lower(), names)} Known types: {known}"
        )
    return found


def fields(model: type[Record]) -> list[Field]:
    """The fields of a record type as the content schema describes them, in model order."""
    defs = content_schema()["$defs"]
    definition = defs[model.__name__]
    required = set(definition.get("required", []))
    found = []
    for name, prop in definition["properties"].items():
        if name in SKIPPED_FIELDS:
            continue
        part = _part_name(prop)
        parts = _parts_text(defs[part]) if part else ""
        found.append(Field(name, name in required, type_text(prop), _description(prop), parts))
    return found


def _description(prop: dict[str, Any]) -> str:
    text = str(prop.get("description", ""))
    for option in prop.get("anyOf", []):
        text = text or str(option.get("description", ""))
    return text


def _part_name(prop: dict[str, Any]) -> str | None:
    """The nested value type a field holds (Role for 'roles'), if any."""
    for node in (prop, prop.get("items", {}), *prop.get("anyOf", [])):
        ref = node.get("$ref") or node.get("items", {}).get("$ref")
        if ref:
            return str(ref).rsplit("/", 1)[-1]
    return None


def _parts_text(definition: dict[str, Any]) -> str:
    required = set(definition.get("required", []))
    names = [f"{n} (required)" if n in required else n for n in definition["properties"]]
    return "each with " + ", ".join(names)


def title_field(model: type[Record]) -> str:
    """The field the title or name goes in: the first required text that is not an id."""
    definition = content_schema()["$defs"][model.__name__]
    for name in definition.get("required", []):
        prop = definition["properties"][name]
        if (
            name not in SKIPPED_FIELDS
            and prop.get("type") == "string"
            and "x-reference" not in prop
        ):
            return str(name)
    raise UnknownType(f"{model.label} has no title field")


def _scalar(text: str) -> str:
    """``text`` as a YAML value: plain when it reads back the same, else double-quoted."""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record_text(model: type[Record], title: str, record_id: str) -> str:
    """The new file: the title filled in, every other field listed and explained."""
    lines = [
        f"# A new {model.label.lower()}; its id is the file name ({record_id}).",
        "# Fill in the fields marked 'required'; to use an optional field, remove the '# '",
        "# in front of it. Check with: clusterreports check",
    ]
    heading = title_field(model)
    entries = []
    shared = set(Record.model_fields)  # sources, body: after the type's own fields
    for field in sorted(fields(model), key=lambda f: (not f.required, f.name in shared)):
        if field.name == heading:
            line = f"{field.name}: {_scalar(title)}"
        elif field.required:
            line = f"{field.name}:"
        else:
            line = f"# {field.name}:"
        notes = [("required, " if field.required else "") + field.kind.replace("`", "")]
        notes += [text for text in (field.description, field.parts) if text]
        entries.append((line, "; ".join(notes)))
    width = max(len(line) for line, _ in entries) + 2
    lines += [f"{line.ljust(width)}# {note}" for line, note in entries]
    return "\n".join(lines) + "\n"


def _named_in(site: Site, folder: Path) -> list[Named]:
    """The names and aliases of the records in ``folder``, read as plainly as possible:
    a file with problems is left to ``check``."""
    found = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        hidden = any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
        if hidden or path.suffix not in RECORD_SUFFIXES or not path.is_file():
            continue
        raw, _ = read_record(path, "", site.root)
        name = raw.data.get("name") if raw else None
        # A translation is no other record (and names none: names are not translated).
        if raw is None or raw.language is not None or not isinstance(name, str):
            continue
        aliases = raw.data.get("aliases")
        aliases = (
            tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else ()
        )
        found.append(Named(str(raw.data["id"]), raw.display, name, aliases))
    return found


def new_record(site: Site, type_name: str, title: str, force: bool = False) -> Path:
    """Write a new record file; refuses to replace a record that is already there, and
    (unless ``force``) to write a person or organisation that probably has one."""
    model = record_type(type_name)
    record_id = slug(title, MAX_ID_LENGTH)
    folder = site.content_dir / model.folder
    for suffix in RECORD_SUFFIXES:
        existing = folder / f"{record_id}{suffix}"
        if existing.exists():
            raise RecordExists(
                f"{display_path(existing, site.root)} already exists: edit it, "
                "or give the new record another title"
            )
    path = folder / f"{record_id}.yaml"
    if model in (Person, Organisation) and not force:
        new = Named(record_id, display_path(path, site.root), title)
        for other in _named_in(site, folder):
            why = reason(new, other)
            if why is not None:
                raise ProbableDuplicate(
                    f"'{title}' is probably the same {model.label.lower()} as {other.path} "
                    f"({why}): edit that record and add this spelling to its 'aliases'. "
                    f"If they are not the same, run again with --force to write {new.path}. "
                    "Nothing was written."
                )
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:
        file.write(record_text(model, title, record_id))
    return path
