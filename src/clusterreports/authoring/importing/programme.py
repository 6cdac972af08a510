"""The neutral programme every reader produces: what a schedule says, before it is
matched against the site. Times are aware date-times; the writer turns them into the
schedule's local time."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ...content.models import SessionKind
from ...problems import Problem

# Schedule 'type' values (lowercased) whose meaning in our vocabulary is clear;
# anything else is 'other'.
KINDS: dict[str, SessionKind] = {
    "talk": "presentation",
    "lecture": "presentation",
    "presentation": "presentation",
    "short talk": "presentation",
    "lightning talk": "presentation",
    "keynote": "keynote",
    "panel": "panel",
    "panel discussion": "panel",
    "podium": "panel",
    "roundtable": "roundtable",
    "round table": "roundtable",
    "plenary": "plenary",
    "opening": "opening",
    "closing": "closing",
    "breakout": "breakout",
    "parallel": "parallel",
    "networking": "networking",
    "award ceremony": "award-ceremony",
    "award-ceremony": "award-ceremony",
    "debriefing": "debriefing",
    "news": "news",
    "video": "video",
}

EMPTY_SPEAKER = "the speaker's name is empty: give a name or remove the speaker"
_DURATION = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2}))?$")


def session_kind(schedule_type: str | None) -> SessionKind:
    return KINDS.get((schedule_type or "").strip().lower(), "other")


def parse_duration(text: str) -> dt.timedelta | None:
    """'00:30', '1:30' or '01:30:00' as a length of time; None if it is not one."""
    match = _DURATION.match(text.strip())
    if not match or int(match.group(2)) > 59:
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


@dataclass(frozen=True)
class Speaker:
    """One person named by a talk. ``key`` identifies them within the schedule (the
    exporter's id or code, else the folded name), so ten talks give one person."""

    key: str
    name: str
    organisation: str | None = None
    role: str = "speaker"
    biography: str = ""


@dataclass
class Talk:
    """One session of the programme. ``where`` is its place in the source, for messages."""

    key: str
    where: str
    title: str
    day: int | None
    date: dt.date | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    room: str | None = None
    track: str | None = None
    kind: SessionKind = "other"
    body: str = ""
    speakers: list[Speaker] = field(default_factory=list)


@dataclass
class Programme:
    """A whole schedule; ``timezone`` is the IANA zone its times are shown in."""

    source: str
    title: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    timezone: str | None = None
    talks: list[Talk] = field(default_factory=list)


def problem(path: str, where: str, message: str, line: int | None = None) -> Problem:
    """A problem at ``where`` inside the file (a JSON path, an XML path or a CSV row)."""
    return Problem(path, line, None, f"{where}: {message}" if where else message)


def prose(*parts: str | None) -> str:
    """Markdown from a schedule's text fields: Windows line ends made plain, empty parts
    (exports write "" for a missing value) left out."""
    kept = [p.replace("\r\n", "\n").replace("\r", "\n").strip() for p in parts if p]
    text = "\n\n".join(p for p in kept if p)
    return text + "\n" if text else ""


def aware(
    text: str | None, where: str, display: str, problems: list[Problem]
) -> dt.datetime | None:
    """A schedule's date-time with its UTC offset; a problem at ``where`` if it is not one."""
    if not text:
        problems.append(
            problem(display, where, "missing: give the start as 2020-12-14T09:00:00+01:00")
        )
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        problems.append(
            problem(
                display, where, f"'{text}' is not a date and time: write 2020-12-14T09:00:00+01:00"
            )
        )
        return None
    if moment.tzinfo is None:
        problems.append(
            problem(display, where, f"'{text}' has no UTC offset: add one, e.g. +01:00")
        )
        return None
    return moment


def in_zone(moment: dt.datetime | None, zone: str | None) -> dt.datetime | None:
    """``moment`` as the clock in ``zone`` shows it (unchanged without a zone)."""
    return moment.astimezone(ZoneInfo(zone)) if moment and zone else moment
