"""Read a programme from a spreadsheet saved as CSV: one row per session.

Spreadsheets write commas or semicolons (where the comma is the decimal mark) and
UTF-8 with or without a byte-order mark; all are accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from ...content.models import ParticipantRole
from ...problems import Problem, did_you_mean
from ...site.urls import slug
from .programme import Programme, Speaker, Talk, parse_duration, prose, session_kind
from .zones import local

COLUMNS = (
    "day",
    "date",
    "start",
    "end",
    "duration",
    "title",
    "kind",
    "room",
    "speakers",
    "description",
)
ROLES: tuple[str, ...] = get_args(ParticipantRole)
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_ROLE = re.compile(r"\[([^\]]*)\]")
_ORGANISATION = re.compile(r"\(([^)]*)\)")
Wrong = Callable[[str, str], None]  # reports a problem with a column of the current row


@dataclass(frozen=True)
class Context:
    """What a CSV does not say itself: the zone of its times, and the event's first
    day (for a 'day' column of day numbers)."""

    timezone: str | None
    first_day: dt.date | None


def read_csv(path: Path, display: str, context: Context) -> tuple[Programme | None, list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(display, None, None, f"not UTF-8 text ({exc.reason}): save it as 'CSV UTF-8'")
        ]
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    problems = _check_header(header, display)
    if problems:
        return None, problems
    programme = Programme(display, timezone=context.timezone)
    titles: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(display, line, None, f"not valid CSV ({exc})"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(
                Problem(
                    display,
                    line,
                    None,
                    f"{len(row)} cells, but the header names {len(header)} columns: "
                    f"quote cells that contain '{delimiter}'",
                )
            )
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        talk = _talk(cells, line, display, context, problems)
        if talk is not None:
            # A row has no id: it is known by its title (the second of a title by "#2").
            titles[talk.key] = titles.get(talk.key, 0) + 1
            if titles[talk.key] > 1:
                talk.key += f"#{titles[talk.key]}"
            programme.talks.append(talk)
    if not programme.talks and not problems:
        problems.append(
            Problem(display, None, None, "no sessions: add one row per session below the header")
        )
    dates = [t.date for t in programme.talks if t.date]
    if dates:
        programme.start, programme.end = min(dates), max(dates)
        first = context.first_day or programme.start
        for talk in programme.talks:
            if talk.day is None and talk.date is not None and talk.date >= first:
                talk.day = (talk.date - first).days + 1
    return (None if problems else programme), problems


NOT_A_PROGRAMME = (
    "not a programme: a CSV programme starts with a header row naming its columns, "
    "among them day or date, start and title"
)


def _check_header(header: list[str], display: str) -> list[Problem]:
    if not set(header) & set(COLUMNS):
        return [Problem(display, 1, None, NOT_A_PROGRAMME)]
    problems = []
    for name in header:
        if name not in COLUMNS:
            problems.append(
                Problem(
                    display,
                    1,
                    None,
                    f"unknown column '{name}'.{did_you_mean(name, COLUMNS)} "
                    f"Columns: {', '.join(COLUMNS)}",
                )
            )
    missing = [n for n in ("title", "start") if n not in header]
    if "day" not in header and "date" not in header:
        missing.insert(0, "day' or 'date")
    for name in missing:
        problems.append(
            Problem(
                display,
                1,
                None,
                f"missing column '{name}': the header row needs day or date, start and title",
            )
        )
    return problems


def _talk(
    cells: dict[str, str], line: int, display: str, context: Context, problems: list[Problem]
) -> Talk | None:
    found = len(problems)

    def wrong(column: str, message: str) -> None:
        problems.append(Problem(display, line, None, f"column '{column}': {message}"))

    title = " ".join(cells["title"].split())
    if not title:
        wrong("title", "empty: every session needs a title")
    day, date = _day(cells, context, wrong)
    start = end = None
    if cells["start"]:
        start_time = _time(cells["start"], "start", wrong)
        if date is not None and start_time is not None:
            start = local(date, start_time, context.timezone)
            if start is None:
                wrong(
                    "start",
                    _skipped(date, cells["start"], context.timezone),
                )
    if start is not None and cells.get("end"):
        end_time = _time(cells["end"], "end", wrong)
        if end_time is not None:
            end = local(start.date(), end_time, context.timezone)
            if end is None:
                wrong(
                    "end",
                    _skipped(start.date(), cells["end"], context.timezone),
                )
            elif end <= start:
                wrong(
                    "end",
                    f"{cells['end']} is not after the start, {cells['start']}: fix one of them",
                )
    elif start is not None and cells.get("duration"):
        text = cells["duration"]
        length = dt.timedelta(minutes=int(text)) if text.isdigit() else parse_duration(text)
        if length is None:
            wrong("duration", f"'{text}' is not a duration: write minutes (45) or HH:MM (0:45)")
        else:
            end = start + length
    speakers = _speakers(cells.get("speakers", ""), wrong)
    if len(problems) > found:
        return None
    return Talk(
        key=f"row:{slug(title)}",
        where=f"line {line}",
        title=title,
        day=day,
        date=date,
        start=start,
        end=end,
        room=cells.get("room") or None,
        kind=session_kind(cells.get("kind")),
        body=prose(cells.get("description")),
        speakers=speakers,
    )


def _day(
    cells: dict[str, str], context: Context, wrong: Wrong
) -> tuple[int | None, dt.date | None]:
    text = cells.get("date") or cells.get("day") or ""
    column = "date" if cells.get("date") else "day"
    if text.isdigit() and column == "day":
        number = int(text)
        if number < 1:
            wrong("day", f"'{text}' is not a day of the event: count from 1")
            return None, None
        if context.first_day is None:
            wrong(
                "day",
                "day numbers need the event's start date: use a 'date' column (YYYY-MM-DD), "
                "or give the event record a 'start' first",
            )
            return number, None
        return number, context.first_day + dt.timedelta(days=number - 1)
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        wrong(
            column,
            f"'{text}' is not a date: write YYYY-MM-DD"
            + (" or a day number (1, 2, ...)" if column == "day" else ""),
        )
        return None, None
    day = (date - context.first_day).days + 1 if context.first_day else None
    return (day if day and day >= 1 else None), date


def _time(text: str, column: str, wrong: Wrong) -> dt.time | None:
    match = _TIME.match(text)
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    wrong(column, f"'{text}' is not a time of day: write HH:MM, e.g. 09:30")
    return None


def _speakers(cell: str, wrong: Wrong) -> list[Speaker]:
    """'Jane Doe (ACME); Max Mustermann [moderator]': a name, optionally an
    organisation in round brackets and a role in square brackets."""
    if not cell.strip():
        return []
    found = []
    for number, entry in enumerate(cell.split(";"), start=1):
        roles = _ROLE.findall(entry)
        organisations = _ORGANISATION.findall(entry)
        name = " ".join(_ORGANISATION.sub(" ", _ROLE.sub(" ", entry)).split())
        if not name:
            wrong(
                "speakers",
                f"speaker {number} has no name ('{entry}'): write 'Name', "
                "'Name (Organisation)' or 'Name [role]', separated by ';'",
            )
            continue
        role = "speaker"
        if roles:
            role = slug(roles[0])
            if role not in ROLES:
                wrong(
                    "speakers",
                    f"'{roles[0]}' is not a role.{did_you_mean(role, ROLES)} "
                    f"Roles: {', '.join(ROLES)}",
                )
                continue
        organisation = " ".join(organisations[0].split()) if organisations else None
        found.append(Speaker(f"name:{slug(name)}", name, organisation or None, role))
    return found


def _skipped(day: dt.date, time: str, zone: str | None) -> str:
    return f"{day} {time} does not exist in {zone} (the clocks go forward then): check the time"
