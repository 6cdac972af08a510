"""Time zones and local times that may not exist."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local(day: dt.date, time: dt.time, zone: str | None) -> dt.datetime | None:
    """The aware local time, or None when it does not exist in ``zone`` (the hour
    skipped when the clocks go forward). Without a zone the time stays naive."""
    if zone is None:
        return dt.datetime.combine(day, time)
    tz = ZoneInfo(zone)
    moment = dt.datetime.combine(day, time, tzinfo=tz)
    back = moment.astimezone(dt.UTC).astimezone(tz)
    return moment if back.replace(tzinfo=None) == moment.replace(tzinfo=None) else None
