"""Read a pretalx or frab ``schedule.json``, validated against the published schema."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

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

SCHEMA = Path(__file__).with_name("schedule.schema.json")

# Fields the importer never reads; real exports break the schema's patterns for them
# (frab writes capitals in 'slug' and 'acronym'), which must not stop an import.
UNREAD = frozenset({"slug", "acronym", "logo", "url", "base_url", "feedback_url", "origin_url"})

NOT_A_SCHEDULE = (
    "not a schedule: expected a pretalx or frab schedule.json export "
    "(an object with a 'schedule' key holding the 'conference')"
)


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def json_path(parts: Any) -> str:
    """``schedule.conference.days[2].rooms["Tan Room"][4]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_]*", part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_json(path: Path, display: str) -> tuple[Programme | None, list[Problem]]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, [
            Problem(display, None, None, f"not UTF-8 text ({exc.reason}): export it again as UTF-8")
        ]
    except RecursionError:
        return None, [Problem(display, None, None, "not a schedule: nested too deeply to read")]
    except json.JSONDecodeError as exc:
        return None, [
            Problem(
                display,
                exc.lineno,
                exc.colno,
                f"not valid JSON ({exc.msg}): the file may be cut short; export it again",
            )
        ]
    if not isinstance(data, dict) or not isinstance(data.get("schedule"), dict):
        return None, [Problem(display, None, None, NOT_A_SCHEDULE)]
    problems = [
        problem(display, json_path(error.absolute_path), _short(error.message))
        for error in _validator().iter_errors(data)
        if not UNREAD.intersection(p for p in error.absolute_path if isinstance(p, str))
    ]
    if problems:
        return None, problems
    return _programme(data["schedule"]["conference"], display, problems), problems


def _programme(conference: dict[str, Any], display: str, problems: list[Problem]) -> Programme:
    where = "schedule.conference"
    zone = conference.get("time_zone_name")
    if zone is not None and not known_zone(zone):
        problems.append(
            problem(display, f"{where}.time_zone_name", f"'{zone}' is not a known time zone")
        )
        zone = None
    programme = Programme(
        display,
        title=conference["title"].strip() or None,
        start=_date(conference["start"]),
        end=_date(conference["end"]),
        timezone=zone,
    )
    for d, day in enumerate(conference["days"]):
        for room, events in day["rooms"].items():
            for e, event in enumerate(events):
                here = json_path(("schedule", "conference", "days", d, "rooms", room, e))
                talk = _talk(event, day["index"], room, here, display, zone, problems)
                if talk is not None:
                    programme.talks.append(talk)
    return programme


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _talk(
    event: dict[str, Any],
    day: int,
    room: str,
    here: str,
    display: str,
    zone: str | None,
    problems: list[Problem],
) -> Talk | None:
    found = len(problems)
    title = event["title"].strip()
    if not title:
        problems.append(problem(display, f"{here}.title", "the title is empty"))
    start = aware(event["date"], f"{here}.date", display, problems)
    end = None
    if event.get("end"):
        end = aware(event["end"], f"{here}.end", display, problems)
        if start is not None and end is not None and end < start:
            problems.append(
                problem(
                    display,
                    f"{here}.end",
                    f"'{event['end']}' is before the start, '{event['date']}': fix one of them",
                )
            )
    elif start is not None:
        length = parse_duration(event["duration"])
        if length is None:
            problems.append(
                problem(
                    display,
                    f"{here}.duration",
                    f"'{event['duration']}' is not a duration: write HH:MM",
                )
            )
        else:
            end = start + length
    start, end = in_zone(start, zone), in_zone(end, zone)
    speakers = []
    for p, person in enumerate(event["persons"]):
        name = str(person.get("name") or person.get("public_name") or "").strip()
        if not name:
            problems.append(
                problem(
                    display,
                    f"{here}.persons[{p}]",
                    EMPTY_SPEAKER,
                )
            )
            continue
        key = next(
            (f"{k}:{person[k]}" for k in ("guid", "code", "id") if person.get(k) not in (None, "")),
            "",
        )
        speakers.append(
            Speaker(key, " ".join(name.split()), biography=prose(person.get("biography")))
        )
    if len(problems) > found:
        return None
    source_id = next(
        str(event[k]) for k in ("guid", "code", "id") if event.get(k) not in (None, "")
    )
    return Talk(
        key=source_id,
        where=here,
        title=" ".join(title.split()),
        day=day,
        start=start,
        end=end,
        room=room.strip() or None,
        track=(event.get("track") or "").strip() or None,
        kind=session_kind(event.get("type")),
        body=prose(event.get("subtitle"), event.get("abstract"), event.get("description")),
        speakers=speakers,
    )
