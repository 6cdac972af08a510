"""iCalendar files (RFC 5545): one per event and per funding call, all events, all deadlines.

Dates keep the precision the source gives, so a calendar never invents a day:

- a time with the record's ``timezone`` becomes a zoned DATE-TIME with its VTIMEZONE
  (08:30 in 'CET' on 5 October 2022 is 08:30 CEST, 06:30 UTC); a time without a zone is
  a floating local time;
- a day without a time becomes an all-day DATE event (DTEND the day after the last day);
- an event or deadline known only to the month or year is left out of every calendar,
  and its page offers no calendar link; an event's sessions are listed in its own
  calendar when their start time is known.

Every text taken from content or the site's settings is written through
``escape.ical_text``, so a line break in a title stays inside its property; the words
around it come from the catalogue of the calendar's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import icalendar

from ..content.moment import Moment
from ..escape import ical_text
from ..site import urls
from ..site.views import CallView, EventView, SessionView, SiteView, View

if TYPE_CHECKING:
    from .context import BuildContext

ONE_DAY = dt.timedelta(days=1)
END_CALENDAR = b"END:VCALENDAR\r\n"
When = dt.datetime | dt.date


def _is_dated(moment: Moment | None) -> bool:
    return moment is not None and moment.day is not None


def _when(moment: Moment, timezone: str | None) -> When:
    """A zoned (or floating) date-time when the time is known, else the date."""
    if moment.has_time:
        local = moment.as_datetime(timezone)
        assert local is not None
        return local
    return moment.first_day()


@dataclass(frozen=True)
class Serialised:
    """A component as calendars hold it: its lines, and the time zones they name (each
    calendar that holds it needs their VTIMEZONE). Serialised once, it goes into its
    record's calendar and the calendar of all of them alike, and only these bytes are
    kept for the latter, not the component (87 MiB at 10,000 events, in the preview)."""

    data: bytes
    zones: frozenset[str]

    @classmethod
    def of(cls, component: icalendar.Component) -> Serialised:
        # The TZID parameters, found as Calendar.get_used_tzids finds them
        zones = {
            value.params.get("TZID")
            for _, value in component.property_items(sorted=False)
            if hasattr(value, "params")
        }
        return cls(component.to_ical(), frozenset(z for z in zones if z and z != "UTC"))


class CalendarWriter:
    """Builds VEVENTs for one site: stable UIDs, absolute links where the site has a host."""

    def __init__(self, site: SiteView) -> None:
        self.site = site
        base = site.config.absolute_base
        self.domain = (
            base.split("://", 1)[1].split("/", 1)[0] if "://" in base else "clusterreports"
        )
        today = site.today
        self.stamp = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
        self._zones: dict[str, bytes] = {}

    def calendar(self, name: str, components: Sequence[Serialised]) -> bytes:
        """The calendar of ``components``, with the VTIMEZONE of every zone they name.

        The zones come first, sorted by name: Calendar.add_missing_timezones adds them
        in the order of a set, which changes from one process to the next, so a
        calendar of events in two zones differed between two builds of the same site."""
        cal = icalendar.Calendar()
        language = self.site.language.split("-")[0].upper()  # of its texts (ISO 9070)
        cal.add("prodid", ical_text(f"-//clusterreports//{self.site.config.title}//{language}"))
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("name", ical_text(name))
        cal.add("x-wr-calname", ical_text(name))
        head: bytes = cal.to_ical()
        zones = sorted(frozenset().union(*(c.zones for c in components)))
        parts = [self._zone(tzid) for tzid in zones] + [c.data for c in components]
        return head[: -len(END_CALENDAR)] + b"".join(parts) + END_CALENDAR

    def _zone(self, tzid: str) -> bytes:
        """The VTIMEZONE of ``tzid`` (nothing for a zone the system does not know, as
        add_missing_timezones leaves it out), made once per build: its transitions
        from 1970 to 2038 take longer to work out than a calendar to write."""
        data = self._zones.get(tzid)
        if data is None:
            try:
                data = icalendar.Timezone.from_tzid(tzid).to_ical()
            except ValueError:
                data = b""
            self._zones[tzid] = data
        return data

    def _component(
        self, view: View[Any], summary: str, start: When, end: When | None
    ) -> icalendar.Event:
        component = icalendar.Event()
        component.add("uid", f"{view.record.type_name}-{view.id}@{self.domain}")
        component.add("dtstamp", self.stamp)
        component.add("summary", ical_text(summary))
        component.add("dtstart", start)
        if end is not None:
            component.add("dtend", end)
        link = self.site.absolute_url(view)
        component.add("description", ical_text(f"{view.description}\n{link}"))
        if "://" in link:
            component.add("url", link)
        return component

    def event(self, view: EventView) -> icalendar.Event | None:
        event = view.record
        if event.start is None or not _is_dated(event.start):
            return None
        start = _when(event.start, event.timezone)
        end: When | None
        if event.start.has_time:
            end = _when(event.end, event.timezone) if event.end and event.end.has_time else None
        else:
            end = (event.end.last_day() if event.end else event.start.first_day()) + ONE_DAY
        component = self._component(view, view.title, start, end)
        if view.place_text:
            component.add("location", ical_text(view.place_text))
        component.add("categories", [ical_text(view.kind_label)])
        return component

    def session(self, view: SessionView, event: EventView) -> icalendar.Event | None:
        session = view.record
        if session.start is None or not session.start.has_time:
            return None
        zone = event.record.timezone
        end = _when(session.end, zone) if session.end and session.end.has_time else None
        summary = self.site.interface.gettext("%(session)s (%(event)s)")
        named = summary % {"session": view.title, "event": event.title}
        component = self._component(view, named, _when(session.start, zone), end)
        component.add("related-to", f"event-{event.id}@{self.domain}")
        if event.place_text:
            component.add("location", ical_text(event.place_text))
        return component

    def deadline(self, view: CallView) -> icalendar.Event | None:
        deadline = view.call.deadline
        if deadline is None or not _is_dated(deadline):
            return None
        start = _when(deadline, view.call.timezone)
        end = None if isinstance(start, dt.datetime) else start + ONE_DAY
        gettext = self.site.interface.gettext
        summary = gettext("Deadline: %(title)s") % {"title": view.title}
        component = self._component(view, summary, start, end)
        component.add("categories", [gettext("Funding call deadline")])
        return component

    def event_with_sessions(self, view: EventView) -> list[icalendar.Event]:
        main = self.event(view)
        if main is None:
            return []
        sessions = (self.session(s, view) for s in view.sessions)
        return [main, *(s for s in sessions if s is not None)]


def files(context: BuildContext) -> Iterator[tuple[str, bytes]]:
    """The calendars of the pages of ``context.language``, worded in its messages."""
    site = context.view
    gettext = site.interface.gettext
    named = {"site": site.config.title}
    writer = CalendarWriter(site)
    events: list[EventView] = sorted(site.all("event"), key=lambda e: e.sort_key)
    all_events = []
    for view in events:
        components = [Serialised.of(c) for c in writer.event_with_sessions(view)]
        if components:
            all_events.append(components[0])
            yield urls.calendar_url("event", view.id), writer.calendar(view.title, components)
    yield urls.EVENTS_CALENDAR_URL, writer.calendar(gettext("%(site)s: events") % named, all_events)
    deadlines = []
    for call in site.calls_by_deadline:
        component = writer.deadline(call)
        if component is not None:
            deadlines.append(Serialised.of(component))
            yield urls.calendar_url("call", call.id), writer.calendar(call.title, deadlines[-1:])
    yield (
        urls.DEADLINES_CALENDAR_URL,
        writer.calendar(gettext("%(site)s: funding call deadlines") % named, deadlines),
    )
