"""iCalendar output, parsed back with icalendar: zones, all-day dates, what is left out."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from .conftest import copy_site
from .discovery_support import BASE_URL, extended_site, hostile_text_site, page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return extended_site(tmp_path_factory.mktemp("calendars"))


def read(site: Path, name: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site / "calendars" / name).read_bytes())


def events_by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_timed_event_is_zoned_with_its_vtimezone(site: Path) -> None:
    calendar = read(site, "events/talk-2022.ics")
    event = events_by_uid(calendar)["event-talk-2022@example.org"]
    start = event.decoded("dtstart")
    assert start == dt.datetime(2022, 10, 5, 8, 30, tzinfo=start.tzinfo)
    assert start.tzname() == "CEST"  # 'CET' in October is summer time
    assert start.utcoffset() == dt.timedelta(hours=2)
    assert start.astimezone(dt.UTC).time() == dt.time(6, 30)
    assert event["dtstart"].params["TZID"] == "CET"
    assert event.decoded("dtend").astimezone(dt.UTC).time() == dt.time(7, 30)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["CET"]
    assert str(event["url"]) == "https://example.org/reports/events/talk-2022/"


def test_sessions_with_times_are_their_own_vevents(site: Path) -> None:
    vevents = events_by_uid(read(site, "events/talk-2022.ics"))
    # the introduction has no time, so only the panel is listed beside the event
    assert set(vevents) == {"event-talk-2022@example.org", "session-talk-2022-panel@example.org"}
    panel = vevents["session-talk-2022-panel@example.org"]
    assert panel.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2022, 10, 5, 6, 45, tzinfo=dt.UTC
    )
    assert panel.decoded("dtend").astimezone(dt.UTC) == dt.datetime(
        2022, 10, 5, 7, 15, tzinfo=dt.UTC
    )
    assert str(panel["related-to"]) == "event-talk-2022@example.org"


def test_all_day_event_uses_dates_with_exclusive_end(site: Path) -> None:
    event = events_by_uid(read(site, "events/ecc-2016.ics"))["event-ecc-2016@example.org"]
    assert event.decoded("dtstart") == dt.date(2016, 12, 1)
    assert not isinstance(event.decoded("dtstart"), dt.datetime)
    assert event["dtstart"].params["VALUE"] == "DATE"
    assert event.decoded("dtend") == dt.date(2016, 12, 3)  # 1-2 December inclusive


def test_month_only_event_is_left_out(site: Path) -> None:
    assert not (site / "calendars" / "events" / "month-only.ics").exists()
    uids = set(events_by_uid(read(site, "events.ics")))
    assert uids == {
        "event-talk-2022@example.org",
        "event-ecc-2016@example.org",
        "event-news-event@example.org",
    }
    html = page(site, "/events/month-only/")
    assert "Add to calendar" not in html
    assert 'type="text/calendar"' in html  # the calendar of all events is still offered


def test_deadlines_calendar(site: Path) -> None:
    calendar = read(site, "deadlines.ics")
    vevents = events_by_uid(calendar)
    assert set(vevents) == {
        f"call-{name}@example.org" for name in ("old-call", "open-call", "soon-call", "timed-call")
    }
    timed = vevents["call-timed-call@example.org"].decoded("dtstart")
    assert timed.tzname() == "CET"  # January: winter time
    assert timed.astimezone(dt.UTC) == dt.datetime(2023, 1, 24, 16, 0, tzinfo=dt.UTC)
    old = vevents["call-old-call@example.org"]
    assert old.decoded("dtstart") == dt.date(2017, 3, 24)
    assert old.decoded("dtend") == dt.date(2017, 3, 25)
    assert str(old["summary"]) == "Deadline: Public consultation"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert not (site / "calendars" / "calls" / "month-call.ics").exists()
    assert not (site / "calendars" / "calls" / "no-deadline.ics").exists()


def test_pages_link_their_calendars(site: Path) -> None:
    event = page(site, "/events/talk-2022/")
    assert (
        '<a href="/reports/calendars/events/talk-2022.ics" type="text/calendar">Add to calendar'
        in event
    )
    call = page(site, "/calls/timed-call/")
    assert 'href="/reports/calendars/calls/timed-call.ics"' in call
    assert 'href="/reports/calendars/deadlines.ics"' in page(site, "/calls/")
    assert 'href="/reports/calendars/events.ics"' in page(site, "/events/")


def test_every_calendar_is_well_formed(site: Path) -> None:
    files = sorted((site / "calendars").rglob("*.ics"))
    assert len(files) == 9
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
        assert all(len(line) <= 75 for line in raw.split(b"\r\n")), path
        calendar = icalendar.Calendar.from_ical(raw)
        assert str(calendar["version"]) == "2.0" and calendar["prodid"]
        for vevent in calendar.walk("VEVENT"):
            assert vevent["uid"] and vevent["dtstamp"] and vevent["summary"]
            assert vevent.decoded("dtstamp") == dt.datetime(2022, 11, 15, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_text_site(tmp_path_factory.mktemp("hostile-calendars"))


def test_separators_in_a_title_stay_inside_its_property(hostile: Path) -> None:
    """iCalendar gives ';', ',' and '\\' meaning inside a text: each is escaped, so a
    title that looks like a property stays one value. (Line breaks and control
    characters cannot reach a calendar: validation refuses them in one-line fields, and
    ``escape.ical_text`` is tested with them directly.)"""
    calendar = read(hostile / "_site", "events/hostile-text.ics")
    title = "Day one;b,c\\X-INJECTED:1 & <b>]]>"
    assert str(calendar["x-wr-calname"]) == "Day one\\;b\\,c\\\\X-INJECTED:1 & <b>]]>"
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == title
    assert str(event["location"]) == "Brussels;X-PLACE:1"
    names = {name for component in calendar.walk() for name in component}
    assert not {"X-INJECTED", "X-PLACE"} & names
    deadline = read(hostile / "_site", "calls/hostile-call.ics")
    assert [str(e["summary"]) for e in deadline.walk("VEVENT")] == ["Deadline: Deadline;END:VEVENT"]
    assert len(deadline.walk("VEVENT")) == 1


def test_calendars_are_the_same_under_python_optimised(hostile: Path, tmp_path: Path) -> None:
    """icalendar's check of raw line breaks is an assert, gone under -O: the escaping
    must not depend on it."""
    output = tmp_path / "optimised"
    build = [sys.executable, "-O", "-m", "clusterreports", "build", "-q"]
    options = ["--base-url", BASE_URL, "--output", str(output)]
    subprocess.run([*build, *options], cwd=hostile, check=True, capture_output=True)
    for name in ("events/hostile-text.ics", "calls/hostile-call.ics", "events.ics"):
        optimised = (output / "calendars" / name).read_bytes()
        assert optimised == (hostile / "_site" / "calendars" / name).read_bytes()


ZONES = ("Europe/Lisbon", "Asia/Tokyo", "America/New_York", "Europe/Helsinki")


def test_a_calendar_of_events_in_several_zones_is_the_same_in_every_build(
    tmp_path: Path,
) -> None:
    """Calendar.add_missing_timezones adds the VTIMEZONEs in a set's order, which
    changes from one process to the next: the calendar of all events differed between
    two builds of the same site (and the preview rewrote it after every edit). The zones
    come sorted, each once, and an event's own calendar has only its own."""
    root = copy_site("valid", tmp_path / "site")
    for n, zone in enumerate(ZONES):
        (root / "content" / "events" / f"zoned-{n}.yaml").write_text(
            f"title: Zoned {n}\nkind: webinar\nstart: '2022-10-0{n + 1} 10:00'\n"
            f"timezone: {zone}\nsources: [source-report]\n",
            encoding="utf-8",
        )
    built = []
    for seed in ("1", "2", "3"):
        output = tmp_path / f"seed-{seed}"
        command = [sys.executable, "-m", "clusterreports", "build", "-q", "--no-search"]
        subprocess.run(
            [*command, "--output", str(output)],
            cwd=root,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        built.append((output / "calendars" / "events.ics").read_bytes())
    assert built[0] == built[1] == built[2]
    calendar = icalendar.Calendar.from_ical(built[0])
    zones = [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")]
    assert zones == sorted({*ZONES, "CET"})
    own = icalendar.Calendar.from_ical((output / "calendars/events/zoned-1.ics").read_bytes())
    assert [str(tz["tzid"]) for tz in own.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert str(own.walk("VEVENT")[0]["dtstart"].params["TZID"]) == "Asia/Tokyo"
