"""Open data under /data/: JSON valid against the generated schema, CSV, and the
content-format docs kept in step with the models."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from clusterreports import RECORD_TYPES, build, load_site_config
from clusterreports.authoring import contentdocs
from clusterreports.content.load import load_content
from clusterreports.outputs.opendata import _csv, _json, _json_with_records, content_schema

from .conftest import ROOT, SITES
from .discovery_support import BASE_URL, extended_site, hostile_text_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return extended_site(tmp_path_factory.mktemp("opendata"))


def load(site: Path, name: str) -> Any:
    return json.loads((site / "data" / name).read_text(encoding="utf-8"))


def validator(schema: dict[str, Any], ref: str | None = None) -> jsonschema.Draft202012Validator:
    if ref is not None:
        schema = {"$defs": schema["$defs"], "$ref": ref}
    return jsonschema.Draft202012Validator(schema)


def check_exports(site: Path) -> dict[str, Any]:
    """Validate every /data/*.json against the published schema; returns them by type."""
    schema = load(site, "schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    index = load(site, "index.json")
    validator(schema, "#/$defs/DataIndex").validate(index)
    files = {}
    for entry in index["files"]:
        name = entry["json"].rsplit("/", 1)[1]
        data = load(site, name)
        validator(schema).validate(data)
        assert data["count"] == len(data["records"]) == entry["count"]
        files[entry["type"]] = data
    assert set(files) == {t.type_name for t in RECORD_TYPES}
    return files


def test_exports_are_valid_against_the_schema(site: Path) -> None:
    files = check_exports(site)
    assert files["person"]["count"] == 3
    assert files["event"]["schema"] == f"{BASE_URL}data/schema.json"


def test_schema_rejects_what_the_models_reject(site: Path) -> None:
    schema = load(site, "schema.json")
    data = load(site, "events.json")
    data["records"][0]["record"]["kind"] = "party"
    with pytest.raises(jsonschema.ValidationError):
        validator(schema).validate(data)
    event = validator(schema, "#/$defs/Event")
    with pytest.raises(jsonschema.ValidationError):
        event.validate({"title": "x", "kind": "conference", "colour": "red"})
    with pytest.raises(jsonschema.ValidationError):
        event.validate({"id": "Not An Id", "title": "x", "kind": "conference"})


def test_references_resolved_both_ways(site: Path) -> None:
    files = check_exports(site)
    sessions = {r["id"]: r for r in files["session"]["records"]}
    intro = sessions["talk-2022-introduction"]
    assert intro["url"] == f"{BASE_URL}sessions/talk-2022-introduction/"
    assert {
        "field": "event",
        "type": "event",
        "id": "talk-2022",
        "url": f"{BASE_URL}events/talk-2022/",
    } in intro["references"]
    assert {
        "field": "participants.0.organisation",
        "type": "organisation",
        "id": "dg-grow",
        "url": f"{BASE_URL}organisations/dg-grow/",
    } in intro["references"]
    orgs = {r["id"]: r for r in files["organisation"]["records"]}
    commission = orgs["european-commission"]
    assert {"field": "parent", "type": "organisation", "id": "dg-grow"} in [
        {k: v for k, v in link.items() if k != "url"} for link in commission["referenced_by"]
    ]
    events = {r["id"]: r for r in files["event"]["records"]}
    talk = events["talk-2022"]["record"]
    assert talk["start"] == "2022-10-05T08:30" and talk["timezone"] == "CET"
    assert talk["body"] == "A one-hour online talk.\n"


def rows(site: Path, name: str) -> list[dict[str, str]]:
    text = (site / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_people_and_organisations_as_csv(site: Path) -> None:
    people = {row["id"]: row for row in rows(site, "people.csv")}
    assert set(people) == {"anais-le-corvec", "bianca-dragomir", "ulla-engelmann"}
    ulla = people["ulla-engelmann"]
    assert ulla["job_title"] == "Head of Unit – Industrial Forum, Alliances, Clusters"
    assert ulla["organisation_id"] == "dg-grow"
    assert ulla["url"] == f"{BASE_URL}people/ulla-engelmann/"
    assert people["anais-le-corvec"]["sort_name"] == "Le Corvec"
    orgs = {row["id"]: row for row in rows(site, "organisations.csv")}
    assert len(orgs) == 5
    assert orgs["dg-grow"]["acronym"] == "DG GROW"
    assert orgs["dg-grow"]["parent_id"] == "european-commission"


def test_a_large_csv_comes_in_pieces_that_make_the_whole() -> None:
    """Pieces let the preview stop between them; joined, they are the one CSV."""
    table = [["id", "name"]] + [[f"p{i}", f'Name "{i}", with\nbreak'] for i in range(5000)]
    pieces = list(_csv(iter(table)))
    whole = io.StringIO()
    csv.writer(whole, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(table)
    assert len(pieces) > 2
    assert b"".join(pieces) == whole.getvalue().encode("utf-8")
    assert b"".join(_csv(iter([]))) == b""


@pytest.mark.parametrize("content", [SITES / "valid" / "content", ROOT / "content"])
def test_content_files_are_valid_against_their_type_schema(content: Path) -> None:
    """The schema documents the content format: every record file, as written, is valid."""
    if not content.is_dir():
        pytest.skip("no content/ folder in this checkout")
    schema = content_schema()
    types = {t.type_name: t.__name__ for t in RECORD_TYPES}
    loaded = load_content(content, content.parent)
    assert loaded.records and not loaded.problems
    for raw in loaded.records:
        kind = types[raw.type_name] + ("Translation" if raw.language else "")
        validator(schema, f"#/$defs/{kind}").validate(raw.data)


def test_exports_of_the_real_content(built_real: Path) -> None:
    files = check_exports(built_real)
    assert sum(data["count"] for data in files.values()) > 100


def test_content_format_docs_are_up_to_date() -> None:
    """docs/content-*.* are generated: after changing the models, run
    ``python -m clusterreports.authoring.contentdocs``."""
    assert contentdocs.main(["--check", str(ROOT / "docs")]) == 0
    markdown = (ROOT / "docs" / "content-format.md").read_text(encoding="utf-8")
    for record_type in RECORD_TYPES:
        assert f"## {record_type.label} (`content/{record_type.folder}/`)" in markdown
    assert "| `organisers` | list of organisation id |" in markdown


@pytest.mark.parametrize("count", [0, 1, 3])
def test_records_encoded_one_at_a_time_give_the_same_bytes(count: int) -> None:
    head = {"type": "person", "label": "People", "count": count}
    records = [
        {"id": f"p{i}", "title": "Ané \u2028 </script>", "n": [i, None]} for i in range(count)
    ]
    expected = _json(head | {"records": records})
    assert b"".join(_json_with_records(head, iter(records))) == expected
    assert json.loads(expected)["records"] == records


def test_csv_cells_that_would_run_as_formulas_are_neutralised(tmp_path: Path) -> None:
    """OWASP's advice: a leading single quote, and every field quoted."""
    site = hostile_text_site(tmp_path) / "_site"
    text = (site / "data" / "people.csv").read_text(encoding="utf-8")
    assert text.startswith('"id","name","sort_name",')
    person = {row["id"]: row for row in rows(site, "people.csv")}["formula-person"]
    assert person["name"] == '\'=HYPERLINK("https://evil.example","x")'
    assert person["honorific"] == "'+1"
    org = {row["id"]: row for row in rows(site, "organisations.csv")}["formula-organisation"]
    assert (org["name"], org["acronym"]) == ("'@SUM(1+1)", "'-2")
    # The JSON keeps the value as written: JSON is read by programs, not spreadsheets.
    people = load(site, "people.json")["records"]
    assert [p["record"]["honorific"] for p in people if p["id"] == "formula-person"] == ["+1"]


def test_translations_are_inside_each_record(valid_site: Path) -> None:
    """Open data stays one set: a translated record carries its translations by language,
    as its translation file gives them, valid against the schema."""
    config = valid_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: [en, fr]\n", "utf-8")
    (valid_site / "content/sessions/talk-2022-introduction.fr.yaml").write_text(
        "title: Introduction au thème du jour\nparticipants:\n  - position: Cheffe d'unité\n",
        encoding="utf-8",
    )
    build(load_site_config(valid_site), jobs=1)
    output = valid_site / "_site"
    files = check_exports(output)
    sessions = {r["id"]: r for r in files["session"]["records"]}
    assert sessions["talk-2022-introduction"]["translations"] == {
        "fr": {
            "title": "Introduction au thème du jour",
            "participants": [{"position": "Cheffe d'unité"}],
        }
    }
    assert sessions["talk-2022-introduction"]["record"]["title"] == (
        "Introduction to the topic of the day"
    )
    assert "translations" not in sessions["ecc-2016-awards"]
    schema = load(output, "schema.json")
    translation = validator(schema, "#/$defs/SessionTranslation")
    with pytest.raises(jsonschema.ValidationError):
        translation.validate({"event": "talk-2022"})
    with pytest.raises(jsonschema.ValidationError):
        translation.validate({"participants": [{"person": "ulla-engelmann"}]})
