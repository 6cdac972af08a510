"""Open data under /data/: every record as JSON (people and organisations also as CSV),
with a JSON Schema generated from the content model itself.

One schema serves two readers. Its ``$defs`` named after the record types (``Event``,
``Person``...) describe a content file, so it documents the content format (see
``contentdocs.py``, which writes it to docs/); ``DataFile`` describes an exported
/data/*.json file, whose records wrap the content as it was written (``record``) with
its resolved references in both directions (ids and page URLs).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pydantic.json_schema import models_json_schema

from ..content.models import (
    ID_SCHEMA_PATTERN,
    RECORD_TYPES,
    TYPES_BY_NAME,
    Part,
    Record,
    iter_references,
    naming_fields,
    translatable_fields,
)
from ..content.registry import Registry
from ..escape import CSV_QUOTING, csv_cell
from ..site import urls
from ..site.views import OrganisationView, PersonView, SiteView
from ..site.write import Content

if TYPE_CHECKING:
    from .context import BuildContext

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
JsonObject = dict[str, Any]


# --- the schema ---------------------------------------------------------------------------


def _part_models() -> dict[str, type[Part]]:
    """Every model named in the schema's $defs, records and nested parts alike."""
    found: dict[str, type[Part]] = {}

    def visit(annotation: Any) -> None:
        is_part = isinstance(annotation, type) and issubclass(annotation, Part)
        if is_part and annotation.__name__ not in found:
            found[annotation.__name__] = annotation
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for arg in get_args(annotation):
            visit(arg)

    for record_type in RECORD_TYPES:
        visit(record_type)
    return found


def _annotate(defs: JsonObject) -> None:
    """Add what pydantic cannot know: which record type a reference names, the id format,
    that a content file may leave its id to its file name, and which fields a
    translation gives."""
    for name, model in _part_models().items():
        properties = defs[name].get("properties", {})
        for field_name in translatable_fields(model):
            properties[field_name]["x-translatable"] = True
        for field_name, kind in naming_fields(model):
            if field_name in properties:
                target = TYPES_BY_NAME[kind]
                properties[field_name]["x-reference"] = kind
                properties[field_name].setdefault(
                    "description",
                    f"The id of {_a(target.label.lower())} record "
                    f"(content/{target.folder}/ID.yaml).",
                )
        if isinstance(model, type) and issubclass(model, Record):
            properties["id"] |= {
                "pattern": ID_SCHEMA_PATTERN,
                "description": "Lowercase letters, digits and single hyphens; "
                "in a content file it defaults to the file name.",
            }
            defs[name]["x-folder"] = model.folder
            defs[name]["required"] = [r for r in defs[name].get("required", []) if r != "id"]


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _link_schema() -> JsonObject:
    return {
        "type": "object",
        "description": "A resolved reference: field path, other record's type, id and page URL.",
        "properties": {
            "field": {
                "type": "string",
                "description": "Dotted path, e.g. 'participants.0.person'.",
            },
            "type": {"enum": [t.type_name for t in RECORD_TYPES]},
            "id": {"type": "string", "pattern": ID_SCHEMA_PATTERN},
            "url": {"type": "string"},
        },
        "required": ["field", "type", "id", "url"],
        "additionalProperties": False,
    }


def _exported_schema(record_type: type[Record]) -> JsonObject:
    return {
        "type": "object",
        "description": f"One {record_type.label.lower()} in /data/{record_type.folder}.json.",
        "properties": {
            "type": {"const": record_type.type_name},
            "id": {"type": "string", "pattern": ID_SCHEMA_PATTERN},
            "title": {"type": "string"},
            "url": {"type": "string", "description": "The record's page."},
            "record": {"$ref": f"#/$defs/{record_type.__name__}"} | {"required": ["id"]},
            "translations": {
                "type": "object",
                "description": "The record's translations by language tag (only where it "
                "has any), each with the fields its translation file gives.",
                "additionalProperties": {"$ref": f"#/$defs/{record_type.__name__}Translation"},
            },
            "references": {"type": "array", "items": {"$ref": "#/$defs/Link"}},
            "referenced_by": {"type": "array", "items": {"$ref": "#/$defs/Link"}},
        },
        "required": ["type", "id", "title", "url", "record", "references", "referenced_by"],
        "additionalProperties": False,
    }


def _translation_schema(model: type[Part], defs: JsonObject) -> JsonObject:
    """A translation file of ``model`` (or one part in it): its translatable fields,
    a list of parts as a list of their translated fields."""
    properties: JsonObject = {}
    for name, part in translatable_fields(model).items():
        written = defs[model.__name__]["properties"][name]
        if part is None:
            properties[name] = {k: v for k, v in written.items() if k != "x-translatable"}
            continue
        one = _translation_schema(part, defs)
        if get_origin(model.model_fields[name].annotation) is list:
            properties[name] = {
                "type": "array",
                "description": "One item per part, in order; {} for one left as it is.",
                "items": one,
            }
        else:
            properties[name] = one
    return {"type": "object", "properties": properties, "additionalProperties": False}


def content_schema() -> JsonObject:
    """The JSON Schema of the content model and of the /data/ exports, from the models."""
    _, generated = models_json_schema(
        [(t, "validation") for t in RECORD_TYPES], ref_template="#/$defs/{model}"
    )
    defs: JsonObject = generated["$defs"]
    _annotate(defs)
    defs["Link"] = _link_schema()
    for record_type in RECORD_TYPES:
        defs[f"{record_type.__name__}Translation"] = _translation_schema(record_type, defs) | {
            "description": f"A translation of {_a(record_type.label.lower())} "
            f"(content/{record_type.folder}/<id>.<language>.yaml, or .md with the body "
            "as 'body'): only the fields it translates."
        }
    exported = [f"Exported{t.__name__}" for t in RECORD_TYPES]
    for name, record_type in zip(exported, RECORD_TYPES, strict=True):
        defs[name] = _exported_schema(record_type)
    defs["DataFile"] = {
        "type": "object",
        "description": "A /data/<folder>.json file: every record of one type.",
        "properties": {
            "type": {"enum": [t.type_name for t in RECORD_TYPES]},
            "label": {"type": "string"},
            "schema": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "records": {
                "type": "array",
                "items": {"oneOf": [{"$ref": f"#/$defs/{n}"} for n in exported]},
            },
        },
        "required": ["type", "label", "schema", "count", "records"],
        "additionalProperties": False,
    }
    defs["DataIndex"] = {
        "type": "object",
        "description": "/data/index.json: what /data/ holds.",
        "properties": {
            "title": {"type": "string"},
            "schema": {"type": "string"},
            "files": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "type": {"enum": [t.type_name for t in RECORD_TYPES]},
                        "json": {"type": "string"},
                        "csv": {"type": ["string", "null"]},
                        "count": {"type": "integer", "minimum": 0},
                    },
                    "required": ["type", "json", "csv", "count"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["title", "schema", "files"],
        "additionalProperties": False,
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "clusterreports content model",
        "description": "Generated from the clusterreports models. A content file of type T "
        "(content/<folder>/<id>.yaml, or Markdown front matter with the body as 'body') is "
        "valid against #/$defs/T, e.g. #/$defs/Event; an exported /data/<folder>.json file "
        "is valid against the schema itself (#/$defs/DataFile).",
        "x-record-types": {
            t.type_name: {"folder": t.folder, "schema": f"#/$defs/{t.__name__}"}
            for t in RECORD_TYPES
        },
        "$ref": "#/$defs/DataFile",
        "$defs": dict(sorted(defs.items())),
    }


def schema_json() -> bytes:
    return (json.dumps(content_schema(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- the exports ---------------------------------------------------------------------------


class Exporter:
    def __init__(self, site: SiteView) -> None:
        self.site = site
        self.registry: Registry = site.registry
        self._urls: dict[tuple[str, str], str] = {}  # a record's URL in every link to it

    def url(self, type_name: str, record_id: str) -> str:
        key = (type_name, record_id)
        url = self._urls.get(key)
        if url is None:
            url = self._urls[key] = self.site.absolute_url(urls.record_url(type_name, record_id))
        return url

    def link(self, loc: tuple[str | int, ...], type_name: str, record_id: str) -> JsonObject:
        field = ".".join(str(part) for part in loc)
        return {
            "field": field,
            "type": type_name,
            "id": record_id,
            "url": self.url(type_name, record_id),
        }

    def record(self, record: Record) -> JsonObject:
        references = [self.link(loc, kind, target) for loc, kind, target in iter_references(record)]
        backlinks = self.registry.backlinks.get((record.type_name, record.id), [])
        referenced_by = [
            self.link(link.loc, link.source.type_name, link.source.id) for link in backlinks
        ]
        exported = {
            "type": record.type_name,
            "id": record.id,
            "title": record.title_text,
            "url": self.url(record.type_name, record.id),
            "record": record.model_dump(mode="json"),
            "references": references,
            "referenced_by": referenced_by,
        }
        key = (record.type_name, record.id)
        translations = {
            language: found[key].data
            for language, found in sorted(self.registry.translations.items())
            if key in found
        }
        if translations:
            exported["translations"] = translations
        return exported

    def data_file(self, record_type: type[Record]) -> tuple[JsonObject, Iterator[JsonObject]]:
        """A type's data file: its header, and its records (last, under "records")."""
        records = sorted(self.registry.all(record_type.type_name), key=lambda r: r.id)
        head = {
            "type": record_type.type_name,
            "label": record_type.label_plural,
            "schema": self.site.absolute_url(urls.DATA_SCHEMA_URL),
            "count": len(records),
        }
        return head, (self.record(r) for r in records)

    def people_rows(self) -> Iterator[list[str]]:
        people: list[PersonView] = sorted(self.site.all("person"), key=lambda p: p.id)
        return _rows(PEOPLE_COLUMNS, people, self.site)

    def organisation_rows(self) -> Iterator[list[str]]:
        orgs: list[OrganisationView] = sorted(self.site.all("organisation"), key=lambda o: o.id)
        return _rows(ORGANISATION_COLUMNS, orgs, self.site)


Column = tuple[str, Callable[[Any, SiteView], Any]]


def _organisation_of(person: PersonView) -> OrganisationView | None:
    role = person.latest_role
    return role.organisation if role else None


PEOPLE_COLUMNS: list[Column] = [
    ("id", lambda p, _: p.id),
    ("name", lambda p, _: p.record.name),
    ("sort_name", lambda p, _: p.record.sort_name),  # as given: the index's own guess is no data
    ("honorific", lambda p, _: p.record.honorific),
    ("aliases", lambda p, _: "; ".join(p.record.aliases)),
    ("country", lambda p, _: p.record.country),
    ("job_title", lambda p, _: p.latest_role.title if p.latest_role else None),
    ("organisation_id", lambda p, _: (org := _organisation_of(p)) and org.id),
    ("organisation", lambda p, _: (org := _organisation_of(p)) and org.title),
    ("url", lambda p, site: site.absolute_url(p)),
]
ORGANISATION_COLUMNS: list[Column] = [
    ("id", lambda o, _: o.id),
    ("name", lambda o, _: o.record.name),
    ("acronym", lambda o, _: o.record.acronym),
    ("aliases", lambda o, _: "; ".join(o.record.aliases)),
    ("kind", lambda o, _: o.record.kind),
    ("country", lambda o, _: o.record.country),
    ("parent_id", lambda o, _: o.record.parent),
    ("lead_id", lambda o, _: o.record.lead),
    ("partner_ids", lambda o, _: " ".join(o.record.partners)),
    ("website", lambda o, _: o.record.website),
    ("url", lambda o, site: site.absolute_url(o)),
]


def _rows(columns: list[Column], views: list[Any], site: SiteView) -> Iterator[list[str]]:
    """A header row, then one row per view; a missing value is an empty cell."""
    yield [name for name, _ in columns]
    for view in views:
        yield [str(value) if (value := get(view, site)) is not None else "" for _, get in columns]


CSV_EXPORTS = {"person": Exporter.people_rows, "organisation": Exporter.organisation_rows}


def _json(data: object) -> bytes:
    # Compact: the indented form falls back to json's pure-Python encoder, ten times slower.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _json_with_records(head: JsonObject, records: Iterator[JsonObject]) -> Iterator[bytes]:
    """The pieces of ``_json(head | {"records": [...]})``, encoded a record at a time
    and written as they come: a large site's records never exist all at once, neither
    as Python objects nor as bytes (sessions.json grows to hundreds of MB)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    yield encode(head)[:-1].encode("utf-8") + b',"records":['
    for index, record in enumerate(records):
        yield (b"," if index else b"") + encode(record).encode("utf-8")
    yield b"]}\n"


def _csv(rows: Iterator[list[str]]) -> Iterator[bytes]:
    """The CSV in pieces of about 64 KB, like the JSON files: the preview can stop
    between them (a large site's people.csv takes seconds to make). Every field is quoted
    and no cell starts a formula (``escape.csv_cell``): spreadsheets open these files."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=CSV_QUOTING)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
        if buffer.tell() >= 65536:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def files(context: BuildContext) -> Iterator[tuple[str, Content]]:
    site = context.view
    exporter = Exporter(site)
    listing = []
    for record_type in RECORD_TYPES:
        json_url = urls.data_url(f"{record_type.folder}.json")
        head, records = exporter.data_file(record_type)
        yield json_url, _json_with_records(head, records)
        csv_url = None
        rows = CSV_EXPORTS.get(record_type.type_name)
        if rows is not None:
            csv_url = urls.data_url(f"{record_type.folder}.csv")
            yield csv_url, _csv(rows(exporter))
        listing.append(
            {
                "type": record_type.type_name,
                "json": site.absolute_url(json_url),
                "csv": site.absolute_url(csv_url) if csv_url else None,
                "count": head["count"],
            }
        )
    yield urls.DATA_SCHEMA_URL, schema_json()
    index = {
        "title": site.config.title,
        "schema": site.absolute_url(urls.DATA_SCHEMA_URL),
        "files": listing,
    }
    yield urls.DATA_INDEX_URL, _json(index)
