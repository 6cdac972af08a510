"""Partial dates and times.

Sources often give only a year ("earlier in 2016") or a month, so every date in
the content model is a :class:`Moment` that remembers its precision and never
invents the parts a source left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from ..problems import printable

_PATTERN = re.compile(  # used with fullmatch: '$' would allow a final newline
    r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})"
    r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::00)?)?)?)?"
)
FORMAT_HINT = "write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM"
MONTHS = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True, slots=True)
class Moment:
    """A date or date-time known to year, month, day or minute precision."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None

    @property
    def has_time(self) -> bool:
        return self.hour is not None

    @property
    def sort_key(self) -> tuple[int, int, int, int, int]:
        return (self.year, self.month or 0, self.day or 0, self.hour or 0, self.minute or 0)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last calendar day this moment may stand for (a deadline of 'March 2017'
        runs to 31 March)."""
        if self.day is not None:
            return dt.date(self.year, self.month or 1, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def as_datetime(self, timezone: str | None) -> dt.datetime | None:
        """The aware date-time, when a time and a time zone are known."""
        if self.hour is None or self.minute is None:
            return None
        tz = ZoneInfo(timezone) if timezone else None
        return dt.datetime(
            self.year, self.month or 1, self.day or 1, self.hour, self.minute, tzinfo=tz
        )

    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        if self.hour is not None:
            text += f"T{self.hour:02d}:{self.minute or 0:02d}"
        return text

    def date_text(self) -> str:
        """Human date at the moment's own precision: '5 October 2022', 'March 2017', '2016'."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month]} {self.year}"
        return f"{self.day} {MONTHS[self.month]} {self.year}"

    def time_text(self) -> str:
        return "" if self.hour is None else f"{self.hour}:{self.minute or 0:02d}"

    def __str__(self) -> str:
        return self.iso()


def parse_moment(value: Any) -> Moment:
    """Pydantic validator: accept what YAML gives (int year, date, datetime or text)."""
    if isinstance(value, Moment):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError(
                f"'{value.isoformat()}' carries a UTC offset: give the local time "
                "and set the record's 'timezone' field instead"
            )
        return Moment(value.year, value.month, value.day, value.hour, value.minute)
    if isinstance(value, dt.date):
        return Moment(value.year, value.month, value.day)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{value!r} is not a date: {FORMAT_HINT}")
    text = str(value).strip()
    match = _PATTERN.fullmatch(text)
    if not match:
        # Escaped: pydantic cannot carry a message holding a lone surrogate.
        raise ValueError(f"'{printable(text)}' is not a date: {FORMAT_HINT}")
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    try:
        dt.datetime(
            parts["year"],
            parts.get("month", 1),
            parts.get("day", 1),
            parts.get("hour", 0),
            parts.get("minute", 0),
        )
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a real date ({exc}): {FORMAT_HINT}") from None
    return Moment(**parts)


MomentField = Annotated[
    Moment,
    PlainValidator(parse_moment),
    PlainSerializer(lambda m: m.iso(), return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "description": "A date at year, month, day or minute precision: "
            "2016, 2016-12, 2016-12-01 or 2016-12-01 08:30.",
            "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2}([T ]\d{1,2}:\d{2}(:00)?)?)?)?$",
        }
    ),
]
