"""Read a frab ``schedule.xml`` (the XSD in the schedule formats' folder).

Parsed with defusedxml: entity declarations (billion laughs, external entities that
read local files or the network) are refused, never expanded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from ...problems import Problem
from .programme import (
    EMPTY_SPEAKER,
    Programme,
    Speaker,
    Talk,
    aware,
    in_zone,
    parse_duration,
    problem,
    prose,
    session_kind,
)
from .zones import known_zone

NOT_A_SCHEDULE = "not a schedule: expected a frab schedule.xml export (a <schedule> root element)"
REFUSED = (
    "the file declares entities, which a schedule never needs and which can expand "
    "without limit or read other files: refused. Export the schedule again"
)


def read_xml(path: Path, display: str) -> tuple[Programme | None, list[Problem]]:
    try:
        root: Element | None = defusedxml.ElementTree.parse(path, forbid_dtd=False).getroot()
    except defusedxml.DefusedXmlException:
        return None, [Problem(display, None, None, REFUSED)]
    except ParseError as exc:
        line, column = exc.position
        what = str(exc).split(":")[0]
        return None, [
            Problem(
                display,
                line,
                column + 1,
                f"not well-formed XML ({what}): the file may be cut short; export it again",
            )
        ]
    conference = root.find("conference") if root is not None else None
    if root is None or root.tag != "schedule" or conference is None:
        return None, [Problem(display, None, None, NOT_A_SCHEDULE)]
    problems: list[Problem] = []
    zone = _text(conference, "time_zone_name")
    if zone and not known_zone(zone):
        problems.append(
            problem(
                display, "/schedule/conference/time_zone_name", f"'{zone}' is not a known time zone"
            )
        )
        zone = None
    programme = Programme(
        display,
        title=_text(conference, "title"),
        start=_date(_text(conference, "start")),
        end=_date(_text(conference, "end")),
        timezone=zone,
    )
    for d, day in enumerate(root.findall("day"), start=1):
        where = f"/schedule/day[{d}]"
        index = day.get("index", "")
        if not index.isdigit() or int(index) < 1:
            problems.append(
                problem(
                    display, f"{where}/@index", f"'{index}' is not a day number: write 1, 2, ..."
                )
            )
            continue
        for room in day.findall("room"):
            name = room.get("name", "").strip()
            for e, event in enumerate(room.findall("event"), start=1):
                here = f'{where}/room[@name="{name}"]/event[{e}]'
                talk = _talk(event, int(index), name, here, display, zone, problems)
                if talk is not None:
                    programme.talks.append(talk)
    return (None if problems else programme), problems


def _text(element: Element, tag: str) -> str | None:
    child = element.find(tag)
    text = (child.text or "").strip() if child is not None else ""
    return text or None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _talk(
    event: Element,
    day: int,
    room: str,
    here: str,
    display: str,
    zone: str | None,
    problems: list[Problem],
) -> Talk | None:
    found = len(problems)
    key = event.get("guid") or event.get("code") or event.get("id")
    if not key:
        problems.append(
            problem(display, here, "the event has no 'guid' attribute: export the schedule again")
        )
    title = _text(event, "title")
    if not title:
        problems.append(problem(display, f"{here}/title", "the title is missing or empty"))
    start = aware(_text(event, "date"), f"{here}/date", display, problems)
    end = None
    duration = _text(event, "duration")
    if start is not None:
        length = parse_duration(duration or "")
        if length is None:
            problems.append(
                problem(
                    display,
                    f"{here}/duration",
                    f"'{duration or ''}' is not a duration: write HH:MM",
                )
            )
        else:
            end = start + length
    start, end = in_zone(start, zone), in_zone(end, zone)
    speakers = []
    for p, person in enumerate(event.findall("persons/person"), start=1):
        name = " ".join((person.text or "").split())
        if not name:
            problems.append(
                problem(
                    display,
                    f"{here}/persons/person[{p}]",
                    EMPTY_SPEAKER,
                )
            )
            continue
        person_key = next((f"{k}:{person.get(k)}" for k in ("guid", "id") if person.get(k)), "")
        speakers.append(Speaker(person_key, name))
    if len(problems) > found or key is None or title is None:
        return None
    return Talk(
        key=key,
        where=here,
        title=" ".join(title.split()),
        day=day,
        start=start,
        end=end,
        room=_text(event, "room") or room or None,
        track=_text(event, "track"),
        kind=session_kind(_text(event, "type")),
        body=prose(_text(event, "subtitle"), _text(event, "abstract"), _text(event, "description")),
        speakers=speakers,
    )
