"""The programme importer: real pretalx and frab exports, a hand-written frab XML and
a spreadsheet CSV, imported into a fresh site and into a copy of the real content,
built, and imported again after edits."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from clusterreports.cli import main
from tests.conftest import snapshot

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EXAMPLES = ROOT.parent / "shared" / "schedule-formats" / "examples"
DEMOCON = EXAMPLES / "pretalx-democon.json"
CAMP = EXAMPLES / "frab-camp2019.json"


def run(site: Path, *args: str) -> int:
    return main(["--site", str(site), *args])


def build(site: Path) -> Path:
    assert run(site, "build", "--no-search", "--quiet", "--today", "2024-01-01") == 0
    return site / "_site"


def page(output: Path, url: str) -> str:
    html = (output / url.strip("/") / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    return tmp_path


def test_real_exports_and_fixtures_import_build_and_check(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(fresh, "import", str(DEMOCON), "--event", "democon") == 0
    assert run(fresh, "import", str(CAMP), "--event", "camp2019") == 0
    assert run(fresh, "import", str(HERE / "schedule.xml"), "--event", "cluster-days-2024") == 0
    out = capsys.readouterr().out
    assert "Imported: 36 sessions; 64 new, 0 updated, 0 unchanged records" in out
    assert "Imported: 79 sessions; 169 new, 0 updated, 0 unchanged records" in out
    assert "Imported: 2 sessions; 5 new, 0 updated, 0 unchanged records" in out
    assert run(fresh, "check", "--quiet") == 0
    output = build(fresh)

    # One page per speaker, listing every talk: Curtis Andrews gives five at DemoCon.
    curtis = page(output, "/people/curtis-andrews/")
    assert len(list((fresh / "content" / "people").glob("curtis-andrews*"))) == 1
    talks = json.loads((fresh / "content" / ".import" / "democon.json").read_text())
    ids = [
        r["id"]
        for r in talks["records"].values()
        if r["type"] == "session"
        and "curtis-andrews" in (fresh / "content" / "sessions" / f"{r['id']}.md").read_text()
    ]
    assert len(ids) == 5
    for session_id in ids:
        assert f'href="/sessions/{session_id}/"' in (
            output / "people" / "curtis-andrews" / "index.html"
        ).read_text(encoding="utf-8")
    assert "Curtis Andrews" in curtis
    ana = (output / "people" / "ana-perez" / "index.html").read_text(encoding="utf-8")
    assert ana.count('href="/sessions/cluster-days-2024-') == 2

    # Times in the schedule's zone: frab's local CEST, pretalx's UTC (its 09:00+01:00
    # is 08:00 UTC), and the XML's two days either side of the change to summer time.
    opening = page(output, "/sessions/camp2019-opening-ceremony/")
    assert "Day 1, 21 August 2019, 11:00–11:30 CEST" in opening
    assert "Room Curie" in opening
    first = page(output, "/sessions/democon-focused-5thgeneration-hardware/")
    assert "Day 1, 14 December 2020, 8:00–8:30 UTC" in first
    assert "30 March 2024, 9:00–9:45 CET" in page(
        output, "/sessions/cluster-days-2024-opening-clusters-in-2024/"
    )
    assert "31 March 2024, 10:00–11:00 CEST" in page(
        output, "/sessions/cluster-days-2024-skills-panel/"
    )
    event = page(output, "/events/camp2019/")
    assert "Agenda" in event and "11:00 Presentation Opening Ceremony" in event
    assert "Chaos Communication Camp 2019" in event


def test_reimport_updates_what_the_schedule_changed_and_keeps_hand_edits(
    fresh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "schedule.json"
    shutil.copy(CAMP, source)
    assert run(fresh, "import", str(source), "--event", "camp2019") == 0
    sessions = fresh / "content" / "sessions"
    opening = sessions / "camp2019-opening-ceremony.md"
    badge = sessions / "camp2019-card10-badge.md"
    # The editor retitles one session and adds a key message to it.
    text = opening.read_text(encoding="utf-8")
    text = text.replace("title: Opening Ceremony", "title: Opening of the camp")
    opening.write_text(text.replace("topics:", "key_messages:\n- Welcome.\ntopics:"), "utf-8")
    # The schedule then moves the opening and the badge talk, and renames the latter.
    data = source.read_text(encoding="utf-8")
    data = data.replace('"title": "Opening Ceremony"', '"title": "Opening ceremony!"')
    data = data.replace(
        '"date": "2019-08-21T11:00:00+02:00"', '"date": "2019-08-21T10:30:00+02:00"'
    )
    data = data.replace('"title": "card10 Badge"', '"title": "The card10 badge"')
    source.write_text(data, encoding="utf-8")
    capsys.readouterr()

    assert run(fresh, "import", str(source), "--event", "camp2019") == 0
    out = capsys.readouterr().out
    assert (
        "kept your edit of 'title' in content/sessions/camp2019-opening-ceremony.md "
        "(the schedule says otherwise)" in out
    )
    assert "updated content/sessions/camp2019-card10-badge.md" in out
    assert "Imported: 79 sessions; 0 new, 2 updated, 167 unchanged records" in out
    text = opening.read_text(encoding="utf-8")
    assert "title: Opening of the camp" in text
    assert "key_messages:\n- Welcome." in text
    assert "start: 2019-08-21 10:30" in text
    assert "title: The card10 badge" in badge.read_text(encoding="utf-8")

    # Imported again unchanged: nothing written, the edit still reported and kept.
    before = snapshot(fresh / "content")
    assert run(fresh, "import", str(source), "--event", "camp2019") == 0
    assert "0 new, 0 updated, 169 unchanged records" in capsys.readouterr().out
    assert snapshot(fresh / "content") == before
    output = build(fresh)
    assert "Opening of the camp" in page(output, "/sessions/camp2019-opening-ceremony/")


def test_dry_run_writes_nothing_and_shows_the_plan(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(fresh, "import", str(HERE / "schedule.xml"), "--event", "cd", "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "would create content/events/cd.yaml",
        "would create content/people/ana-perez.yaml",
        "would create content/sessions/cd-opening-clusters-in-2024.md",
        "would create content/people/tomasz-nowak.yaml",
        "would create content/sessions/cd-skills-panel.yaml",
        "Dry run, nothing written: 2 sessions; 5 new, 0 updated, 0 unchanged records; "
        "0 speakers linked to existing people.",
    ]
    assert list((fresh / "content").iterdir()) == []


def test_csv_into_the_real_content_reuses_existing_people(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    people = {p.name for p in (site / "content" / "people").iterdir()}
    csv = HERE / "programme.csv"
    args = ["import", str(csv), "--event", "cluster-talk-2024", "--timezone", "Europe/Brussels"]
    assert run(site, *args, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "linked 'ANAIS LE CORVEC' to the existing person 'anais-le-corvec'" in out
    assert "linked 'Ulla Engelmann' to the existing person 'ulla-engelmann'" in out
    assert (
        "uncertain: 'U. Engelmann' (Closing) may be ulla-engelmann (Ulla Engelmann): imported "
        "as a new person 'u-engelmann'; to link instead, import again with "
        "--merge u-engelmann=ulla-engelmann" in out
    )
    assert (
        "uncertain: 'J. Doe' and 'Jane Doe' may be one person: imported as 'j-doe' and "
        "'jane-doe'; to make them one, import again with --merge j-doe=jane-doe" in out
    )
    assert run(site, *args) == 0
    added = {p.name for p in (site / "content" / "people").iterdir()} - people
    assert added == {"j-doe.yaml", "jane-doe.yaml", "u-engelmann.yaml"}
    capsys.readouterr()

    # The editor decides: both are the same people. The import's own records for the
    # names it guessed are left for the editor to delete.
    merges = ["--merge", "u-engelmann=ulla-engelmann", "--merge", "j-doe=jane-doe"]
    assert run(site, *args, *merges) == 0
    out = capsys.readouterr().out
    assert "uncertain" not in out
    assert (
        "no longer in the schedule: content/people/j-doe.yaml is left as it is; "
        "delete it if the record is not needed" in out
    )
    (site / "content" / "people" / "j-doe.yaml").unlink()
    (site / "content" / "people" / "u-engelmann.yaml").unlink()
    added = {p.name for p in (site / "content" / "people").iterdir()} - people
    assert added == {"jane-doe.yaml"}  # Ulla and Anaïs were reused
    welcome = (site / "content" / "sessions" / "cluster-talk-2024-welcome.md").read_text()
    assert "- person: ulla-engelmann\n  role: host\n  organisation: dg-grow\n" in welcome
    assert "timezone: Europe/Brussels" in welcome
    panel = (site / "content" / "sessions" / "cluster-talk-2024-clusters-skills.md").read_text()
    assert "organisation: acme-clusters" in panel and "role: moderator" in panel
    assert "Two lines,\nof text.\n" in panel
    output = build(site)
    ulla = (output / "people" / "ulla-engelmann" / "index.html").read_text(encoding="utf-8")
    assert 'href="/sessions/cluster-talk-2024-welcome/"' in ulla
    assert 'href="/sessions/cluster-talk-2024-closing/"' in ulla
    assert "5 October 2024, 8:30–9:00 CEST" in page(output, "/sessions/cluster-talk-2024-welcome/")


def test_comma_separated_csv_without_bom(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = fresh / "p.csv"
    csv.write_text(
        "day,start,duration,title,speakers\n1,09:00,45,Talk one,Ana Pérez\n2,10:00,1:00,Two,\n",
        encoding="utf-8",
    )
    assert run(fresh, "import", str(csv), "--event", "e") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "p.csv:2: column 'day': day numbers need the event's start date: use a 'date' column "
        "(YYYY-MM-DD), or give the event record a 'start' first"
    )
    (fresh / "content" / "events").mkdir()
    (fresh / "content" / "events" / "e.yaml").write_text(
        "title: E\nkind: conference\nstart: 2024-05-02\ntimezone: UTC\n", encoding="utf-8"
    )
    assert run(fresh, "import", str(csv), "--event", "e") == 0
    out = capsys.readouterr().out
    assert "event 'e' exists and is left as it is; the schedule adds end: 2024-05-03" in out
    two = (fresh / "content" / "sessions" / "e-two.yaml").read_text(encoding="utf-8")
    assert "day: 2\norder: 1\nstart: 2024-05-03 10:00\nend: 2024-05-03 11:00\n" in two
    assert (
        (fresh / "content" / "events" / "e.yaml")
        .read_text(encoding="utf-8")
        .startswith("title: E\n")
    )


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE schedule [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<schedule><version>&lol3;</version></schedule>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<schedule><version>1</version><conference><title>&secret;</title></conference></schedule>
"""
REFUSED = (
    "{name}: the file declares entities, which a schedule never needs and which can expand "
    "without limit or read other files: refused. Export the schedule again"
)


def _not_a_schedule(tmp: Path) -> Path:
    path = tmp / "other.json"
    path.write_text('{"name": "a package.json"}', encoding="utf-8")
    return path


def _truncated(tmp: Path) -> Path:
    path = tmp / "cut.json"
    path.write_bytes(DEMOCON.read_bytes()[:1000])
    return path


def _invalid(tmp: Path) -> Path:
    data = json.loads(DEMOCON.read_text(encoding="utf-8"))
    conference = data["schedule"]["conference"]
    conference["days"][0]["rooms"]["Gray Room"][0]["persons"][0]["public_name"] = "   "
    conference["days"][1]["rooms"]["Gray Room"][0]["date"] = "2020-12-15T25:00:00+01:00"
    conference["days"][1]["rooms"]["Tan Room"][0]["end"] = "2020-12-15T07:00:00+01:00"
    path = tmp / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _off_schema(tmp: Path) -> Path:
    data = json.loads(DEMOCON.read_text(encoding="utf-8"))
    conference = data["schedule"]["conference"]
    del conference["days"][2]["rooms"]["Tan Room"][1]["title"]
    conference["days"][1]["rooms"]["Gray Room"][0]["duration"] = "half an hour"
    path = tmp / "off.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _text(name: str, text: str) -> object:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


BAD = {
    "truncated": (
        _truncated,
        [
            "cut.json:38:24: not valid JSON (Expecting value): "
            "the file may be cut short; export it again"
        ],
    ),
    "nested too deeply": (
        _text("deep.json", "[" * 100_000 + "]" * 100_000),
        ["deep.json: not a schedule: nested too deeply to read"],
    ),
    "not a schedule": (
        _not_a_schedule,
        [
            "other.json: not a schedule: expected a pretalx or frab schedule.json export "
            "(an object with a 'schedule' key holding the 'conference')"
        ],
    ),
    "schema and values": (
        _invalid,
        [
            'bad.json: schedule.conference.days[0].rooms["Gray Room"][0].persons[0]: '
            "the speaker's name is empty: give a name or remove the speaker",
            'bad.json: schedule.conference.days[1].rooms["Gray Room"][0].date: '
            "'2020-12-15T25:00:00+01:00' is not a date and time: write 2020-12-14T09:00:00+01:00",
            'bad.json: schedule.conference.days[1].rooms["Tan Room"][0].end: '
            "'2020-12-15T07:00:00+01:00' is before the start, '2020-12-15T09:00:00+01:00': "
            "fix one of them",
        ],
    ),
    "off the schema": (
        _off_schema,
        [
            'off.json: schedule.conference.days[1].rooms["Gray Room"][0].duration: '
            "'half an hour' does not match '^[0-9]+:[0-9]{2}$'",
            'off.json: schedule.conference.days[2].rooms["Tan Room"][1]: '
            "'title' is a required property",
        ],
    ),
    "billion laughs": (_text("bomb.xml", BILLION_LAUGHS), [REFUSED.format(name="bomb.xml")]),
    "external entity": (_text("xxe.xml", EXTERNAL), [REFUSED.format(name="xxe.xml")]),
    "missing column": (
        _text("p.csv", "date,start,speakers\n2024-01-01,09:00,Ana\n"),
        ["p.csv:1: missing column 'title': the header row needs day or date, start and title"],
    ),
    "not a programme": (
        _text("notes.csv", "Name,Amount\nAna,3\n"),
        [
            "notes.csv:1: not a programme: a CSV programme starts with a header row naming "
            "its columns, among them day or date, start and title"
        ],
    ),
    "time that does not exist": (
        _text(
            "p.csv",
            "date,start,end,title\n2024-03-31,02:30,03:30,Lost hour\n2024-04-01,24:30,,Late\n",
        ),
        [
            "p.csv:2: column 'start': 2024-03-31 02:30 does not exist in Europe/Brussels "
            "(the clocks go forward then): check the time",
            "p.csv:3: column 'start': '24:30' is not a time of day: write HH:MM, e.g. 09:30",
        ],
    ),
    "whitespace speaker": (
        _text("p.csv", 'date,start,title,speakers\n2024-01-01,09:00,Talk,"Ana;   ;Bo"\n'),
        [
            "p.csv:2: column 'speakers': speaker 2 has no name ('   '): write 'Name', "
            "'Name (Organisation)' or 'Name [role]', separated by ';'"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_reported_in_full_and_writes_nothing(
    case: str, fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, expected = BAD[case]
    assert callable(make)
    source = make(fresh)
    before = snapshot(fresh / "content")
    code = run(fresh, "import", str(source), "--event", "e", "--timezone", "Europe/Brussels")
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    count = len(expected)
    assert err.splitlines() == [
        *expected,
        f"{count} problem{'s' if count > 1 else ''} found; nothing was written.",
    ]
    assert snapshot(fresh / "content") == before


def test_usage_errors_exit_2(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(fresh, "import", str(fresh / "missing.json"), "--event", "e") == 2
    assert run(fresh, "import", str(DEMOCON), "--event", "Not An Id") == 2
    assert run(fresh, "import", str(ROOT / "README.md"), "--event", "e") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"clusterreports import: {fresh / 'missing.json'}: no such file",
        "clusterreports import: --event Not An Id: an id is lowercase letters, digits and hyphens",
        f"clusterreports import: {ROOT / 'README.md'}: not a schedule file: "
        "import a .json, .xml or .csv file",
    ]


def test_sessions_removed_by_hand_or_dropped_by_the_schedule_stay_as_they_are(
    fresh: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "schedule.xml"
    shutil.copy(HERE / "schedule.xml", source)
    assert run(fresh, "import", str(source), "--event", "cd") == 0
    sessions = fresh / "content" / "sessions"
    (sessions / "cd-skills-panel.yaml").unlink()
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("<title>Opening: clusters in 2024</title>", ""), "utf-8")
    capsys.readouterr()
    assert run(fresh, "import", str(source), "--event", "cd") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        'schedule.xml: /schedule/day[1]/room[@name="Hall A"]/event[1]/title: '
        "the title is missing or empty"
    )
    start = text.index('<event guid="6f1c0d6e-0a43-4d6b-9b0e-3c2b7b7b0001"')
    end = text.index("</event>", start) + len("</event>")
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    assert run(fresh, "import", str(source), "--event", "cd") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "no longer in the schedule: content/sessions/cd-opening-clusters-in-2024.md is left "
        "as it is; delete it if the session was dropped",
        "left out sessions/cd-skills-panel: its record was removed by hand since the last import",
        "Imported: 0 sessions; 0 new, 0 updated, 3 unchanged records; "
        "0 speakers linked to existing people.",
    ]
    assert sorted(p.name for p in sessions.iterdir()) == ["cd-opening-clusters-in-2024.md"]
    # Both stay remembered: a third import does not bring the removed one back.
    assert run(fresh, "import", str(source), "--event", "cd") == 0
    assert sorted(p.name for p in sessions.iterdir()) == ["cd-opening-clusters-in-2024.md"]


def test_merge_names_must_be_speakers_and_people(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = str(HERE / "schedule.xml")
    assert run(fresh, "import", xml, "--event", "cd", "--merge", "a-perez=ana-perez") == 1
    assert run(fresh, "import", xml, "--event", "cd", "--merge", "ana-perez=nobody") == 1
    assert capsys.readouterr().err.splitlines() == [
        "--merge: a-perez=ana-perez: no speaker of this schedule would be called 'a-perez'",
        "1 problem found; nothing was written.",
        "--merge: ana-perez=nobody: there is no person 'nobody'",
        "1 problem found; nothing was written.",
    ]
    assert run(fresh, "import", xml, "--event", "cd", "--merge", "ana-perez=tomasz-nowak") == 0
    assert not (fresh / "content" / "people" / "ana-perez.yaml").exists()


def test_a_site_with_problems_is_not_imported_into(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fresh / "content" / "people").mkdir()
    (fresh / "content" / "people" / "x.yaml").write_text("nam: X\n", encoding="utf-8")
    assert run(fresh, "import", str(HERE / "schedule.xml"), "--event", "cd") == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/people/x.yaml:1: missing required field 'name': add it",
        "content/people/x.yaml:1:1: unknown field 'nam'. Did you mean 'name'?",
        "2 problems found; nothing was written.",
    ]
    assert [p.name for p in (fresh / "content").iterdir()] == ["people"]


def test_the_xml_fixture_follows_the_published_xsd() -> None:
    etree = pytest.importorskip("lxml.etree")
    xsd = etree.XMLSchema(etree.parse(str(EXAMPLES.parent / "schedule.xml.xsd")))
    xsd.assertValid(etree.parse(str(HERE / "schedule.xml")))


def test_the_readme_example_csv_imports(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = ROOT / "docs" / "examples" / "programme.csv"
    args = ["import", str(example), "--event", "ecc-2024", "--timezone", "Europe/Brussels"]
    assert run(fresh, *args) == 0
    assert "Imported: 3 sessions; 11 new, 0 updated, 0 unchanged records" in capsys.readouterr().out
    assert run(fresh, "check", "--quiet") == 0
    ulla = (fresh / "content" / "sessions" / "ecc-2024-welcome.yaml").read_text(encoding="utf-8")
    assert "- person: ulla-engelmann\n  role: host\n  organisation: dg-grow\n" in ulla


def _as_frab_xml(schedule: dict[str, Any]) -> bytes:
    """A schedule.json exported as frab's schedule.xml, element by element as the XSD
    orders them."""
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(root, "version").text = schedule["version"]
    conference = schedule["conference"]
    head = ElementTree.SubElement(root, "conference")
    for name in ("title", "start", "end", "timeslot_duration", "time_zone_name"):
        ElementTree.SubElement(head, name).text = str(conference[name])
    ElementTree.SubElement(head, "acronym").text = conference["acronym"].lower()  # as the XSD asks
    for day in conference["days"]:
        attributes = {"index": str(day["index"]), "date": day["date"]}
        attributes |= {"start": day["day_start"], "end": day["day_end"]}
        day_element = ElementTree.SubElement(root, "day", attributes)
        for room, events in day["rooms"].items():
            room_element = ElementTree.SubElement(day_element, "room", {"name": room})
            for event in events:
                ids = {"guid": event["guid"], "id": str(event["id"])}
                element = ElementTree.SubElement(room_element, "event", ids)
                for name in ("room", "title", "subtitle", "type", "date", "start", "duration"):
                    ElementTree.SubElement(element, name).text = event[name]
                for name in ("abstract", "track", "description"):
                    ElementTree.SubElement(element, name).text = event[name] or ""
                persons = ElementTree.SubElement(element, "persons")
                for person in event["persons"]:
                    tag = ElementTree.SubElement(persons, "person", {"id": str(person["id"])})
                    tag.text = person["public_name"]
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def test_json_and_its_xml_export_give_the_same_sessions(tmp_path: Path) -> None:
    xml = tmp_path / "schedule.xml"
    xml.write_bytes(_as_frab_xml(json.loads(CAMP.read_text(encoding="utf-8"))["schedule"]))
    etree = pytest.importorskip("lxml.etree")
    xsd = etree.XMLSchema(etree.parse(str(EXAMPLES.parent / "schedule.xml.xsd")))
    xsd.assertValid(etree.parse(str(xml)))
    sites = []
    for name, source in (("from-json", CAMP), ("from-xml", xml)):
        site = tmp_path / name
        (site / "content").mkdir(parents=True)
        assert run(site, "import", str(source), "--event", "camp2019") == 0
        sites.append(snapshot(site / "content" / "sessions"))
    assert sites[0] == sites[1]
    assert len(sites[0]) == 79


def test_aliases_link_other_spellings(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    people = fresh / "content" / "people"
    people.mkdir()
    (people / "ana-perez-garcia.yaml").write_text(
        "name: Ana Pérez García\naliases: [Ana Pérez]\n", encoding="utf-8"
    )
    assert run(fresh, "import", str(HERE / "schedule.xml"), "--event", "cd") == 0
    assert "linked 'Ana Pérez' to the existing person 'ana-perez-garcia'" in capsys.readouterr().out
    assert sorted(p.name for p in people.iterdir()) == [
        "ana-perez-garcia.yaml",
        "tomasz-nowak.yaml",
    ]
    assert (people / "ana-perez-garcia.yaml").read_text(encoding="utf-8") == (
        "name: Ana Pérez García\naliases: [Ana Pérez]\n"
    )


def test_a_write_that_fails_leaves_nothing_behind(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fresh / "content" / "sessions").write_text("not a folder", encoding="utf-8")
    before = snapshot(fresh / "content")
    assert run(fresh, "import", str(HERE / "schedule.xml"), "--event", "cd") == 1
    err = capsys.readouterr().err
    assert err == (
        "clusterreports import: could not write content/sessions/cd-opening-clusters-in-2024.md"
        " (Not a directory); nothing was written\n"
    )
    assert snapshot(fresh / "content") == before
    assert [p.name for p in (fresh / "content").iterdir()] == ["sessions"]
