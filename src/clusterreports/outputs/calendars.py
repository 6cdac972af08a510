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
from collections.abc import Iterable, Iterator, Sequence
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
        self._serialised: dict[int, tuple[icalendar.Component, bytes]] = {}

    def calendar(
        self,
        name: str,
        components: Iterable[icalendar.Event],
        shared: Sequence[icalendar.Event] = (),
    ) -> bytes:
        """The calendar of ``components``; those ``shared`` are kept serialised for a
        later calendar that holds them too (an event's in the calendar of all events)."""
        cal = icalendar.Calendar()
        language = self.site.language.split("-")[0].upper()  # of its texts (ISO 9070)
        cal.add("prodid", ical_text(f"-//clusterreports//{self.site.config.title}//{language}"))
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("name", ical_text(name))
        cal.add("x-wr-calname", ical_text(name))
        for component in components:
            cal.add_component(component)
        cal.add_missing_timezones()
        # The calendar's own lines, then its components' (as Calendar.to_ical joins
        # them), so a shared component is serialised once.
        parts = []
        for part in cal.subcomponents:
            known = self._serialised.get(id(part))
            data: bytes = known[1] if known else part.to_ical()
            if any(part is mine for mine in shared):  # kept alive, so its id stays its own
                self._serialised[id(part)] = (part, data)
            parts.append(data)
        cal.subcomponents = []
        head: bytes = cal.to_ical()
        return head[: -len(END_CALENDAR)] + b"".join(parts) + END_CALENDAR

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
        components = writer.event_with_sessions(view)
        if components:
            all_events.append(components[0])
            own = writer.calendar(view.title, components, shared=components[:1])
            yield urls.calendar_url("event", view.id), own
    yield urls.EVENTS_CALENDAR_URL, writer.calendar(gettext("%(site)s: events") % named, all_events)
    deadlines = []
    for call in site.calls_by_deadline:
        component = writer.deadline(call)
        if component is not None:
            deadlines.append(component)
            own = writer.calendar(call.title, [component], shared=[component])
            yield urls.calendar_url("call", call.id), own
    yield (
        urls.DEADLINES_CALENDAR_URL,
        writer.calendar(gettext("%(site)s: funding call deadlines") % named, deadlines),
    )
