"""Write the content-format docs from the models: docs/content-schema.json (the same JSON
Schema the site publishes as /data/schema.json) and docs/content-format.md (its tables).

    python -m clusterreports.authoring.contentdocs [DOCS_DIR]          # write them
    python -m clusterreports.authoring.contentdocs --check [DOCS_DIR]  # exit 1 if they are stale

Generated, never edited by hand, so the docs cannot drift from what the build accepts
(a test runs the check).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..content.models import RECORD_TYPES
from ..outputs.opendata import content_schema, schema_json

SCHEMA_NAME = "content-schema.json"
MARKDOWN_NAME = "content-format.md"
DEFAULT_DOCS = Path(__file__).resolve().parents[3] / "docs"


def type_text(prop: dict[str, Any]) -> str:
    """A short human type for a schema property: 'date', 'list of organisation id'..."""
    if "x-reference" in prop and "anyOf" not in prop and "items" not in prop:
        return f"{prop['x-reference']} id"
    if "anyOf" in prop:
        options = [type_text(p | _carry(prop, p)) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(options)
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if prop.get("format") == "uri":
        return "URL"
    if "pattern" in prop and prop.get("type") == ["string", "integer"]:
        return "date"
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        return "list of " + type_text(items | _carry(prop, items))
    return {
        "string": "text",
        "integer": "whole number",
        "number": "number",
        "boolean": "true/false",
    }.get(str(kind), str(kind))


def _carry(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Pass a field's reference marker down to the item or option that holds the id."""
    if "x-reference" in parent and child.get("type") == "string":
        return {"x-reference": parent["x-reference"]}
    return {}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(definition: dict[str, Any]) -> list[str]:
    required = set(definition.get("required", []))
    lines = ["| Field | Type | Required | Description |", "| --- | --- | --- | --- |"]
    for name, prop in definition.get("properties", {}).items():
        lines.append(
            f"| `{name}` | {_cell(type_text(prop))} | {'yes' if name in required else ''} "
            f"| {_cell(prop.get('description', ''))} |"
        )
    return lines


def markdown() -> str:
    schema = content_schema()
    defs = schema["$defs"]
    lines = [
        "# Content format",
        "",
        "<!-- Generated from the models by `python -m clusterreports.authoring.contentdocs`. -->",
        "",
        "Each record is a file `content/<folder>/<id>.yaml`, or a Markdown file `<id>.md` whose",
        "front matter holds the fields and whose text is the `body`. The id defaults to the file",
        f"name. The JSON Schema is `{SCHEMA_NAME}` (also published as `/data/schema.json`).",
        "",
        "Dates are `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, as precise as the",
        "source; a time is local to the record's `timezone` (an IANA name such as `CET`).",
        "",
    ]
    parts: dict[str, None] = {}
    for record_type in RECORD_TYPES:
        name = record_type.__name__
        lines += [f"## {record_type.label} (`content/{record_type.folder}/`)", ""]
        if defs[name].get("description"):
            lines += [defs[name]["description"], ""]
        lines += [*_table(defs[name]), ""]
        translated = ", ".join(f"`{field}`" for field in defs[f"{name}Translation"]["properties"])
        lines += [
            f"A translation (`content/{record_type.folder}/<id>.<language>.md`, see "
            f"[Translations](writing-content.md#translations)) gives only: {translated}.",
            "",
        ]
        parts.update(dict.fromkeys(_refs(defs[name])))
    lines += ["## Nested values", ""]
    for name in sorted(parts):
        lines += [f"### {name}", ""]
        if defs[name].get("description"):
            lines += [defs[name]["description"], ""]
        lines += [*_table(defs[name]), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["$ref"]).rsplit("/", 1)[-1]] if "$ref" in node else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def generated() -> dict[str, bytes]:
    return {SCHEMA_NAME: schema_json(), MARKDOWN_NAME: markdown().encode("utf-8")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clusterreports.authoring.contentdocs", description=__doc__
    )
    parser.add_argument("docs", nargs="?", type=Path, default=DEFAULT_DOCS, help="docs folder")
    parser.add_argument("--check", action="store_true", help="fail if the docs are out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, content in generated().items():
        path: Path = args.docs / name
        if path.exists() and path.read_bytes() == content:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    if args.check and stale:
        print(
            "out of date (run python -m clusterreports.authoring.contentdocs):",
            *stale,
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
