"""Views of events, their sessions and the series they belong to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ...content.models import Event, Series, Session
from ...content.moment import Moment
from .. import imageviews, urls
from .base import (
    EVENT_ORGANISATION_ROLES,
    ParticipantView,
    QuoteView,
    View,
    by_date,
    dated_first,
)
from .format import FigureCard, date_text, figure_icon, figure_number, span_text

if TYPE_CHECKING:
    from .awards import AwardView
    from .calls import CallView
    from .people import OrganisationView, PersonView
    from .polls import PollView
    from .reports import ReportView


def newest_first(events: list[EventView]) -> list[EventView]:
    """The events listing's order: newest first, the same date by title from Z to A."""
    return sorted(events, key=lambda e: (e.sort_key, e.title), reverse=True)


class EventView(View[Event]):
    title_fields = ("title",)

    @cached_property
    def photos(self) -> list[imageviews.Picture]:
        return imageviews.pictures(self, self.record.photos)

    @cached_property
    def dated_by(self) -> EventView | None:
        """The event whose start dates this one: itself, or for a side event without a
        date of its own (``part_of``) the event it was held alongside. None when no
        date can be known: such an event is left out of dated lists, never given one."""
        event: EventView | None = self
        seen = set()
        while event is not None and event.record.start is None and event.id not in seen:
            seen.add(event.id)
            event = event.parent
        return event if event is not None and event.record.start is not None else None

    @property
    def date(self) -> Moment | None:
        dated_by = self.dated_by
        return dated_by.record.start if dated_by else None

    @property
    def year(self) -> int | None:
        date = self.date
        return date.year if date else None

    @property
    def sort_key(self) -> tuple[int, ...]:
        """By date (a side event's is its parent's, after the parent); undated first."""
        date = self.date
        return (*date.sort_key, 0 if self.dated_by is self else 1) if date else (0,)

    @property
    def when(self) -> str:
        record = self.record
        return span_text(record.start, record.end, record.timezone, self.site.locale)

    @property
    def kind_label(self) -> str:
        return self.site.label(self.record.kind)

    @property
    def edition_label(self) -> str:
        """How a series names this edition: its number and year where known."""
        edition = self.site.interface.gettext("Edition %(number)s")
        bits = [edition % {"number": self.record.edition} if self.record.edition else ""]
        bits.append(str(self.record.start.year) if self.record.start else "")
        return ", ".join(b for b in bits if b) or self.title

    @property
    def figure_cards(self) -> list[FigureCard]:
        """The event's figures with an icon chosen from each label."""
        return [
            FigureCard(
                figure_number(f, self.site.locale), f.more_than, f.label, figure_icon(f.label)
            )
            for f in self.record.figures
        ]

    @property
    def place_text(self) -> str:
        place = self.record.place
        if place is None:
            return ""
        parts = [p for p in (place.venue, place.city, place.country) if p]
        if place.online:
            parts.append(self.site.interface.gettext("online"))
        return ", ".join(parts)

    @cached_property
    def sessions(self) -> list[SessionView]:
        found: list[SessionView] = self._referrers("session", "event")
        return sorted(found, key=lambda s: s.sort_key)

    @property
    def days(self) -> list[tuple[int | None, list[SessionView]]]:
        grouped: dict[int | None, list[SessionView]] = defaultdict(list)
        for session in self.sessions:
            grouped[session.record.day].append(session)
        return sorted(grouped.items(), key=lambda item: item[0] or 0)

    @cached_property
    def organisations_by_role(self) -> dict[str, list[OrganisationView]]:
        """Its organisations by their part, from ``organisations`` and the shorthand
        ``organisers`` and ``supporters``, each once per part, in the order of the parts."""
        event = self.record
        given = [("organiser", o) for o in event.organisers]
        given += [("supporter", o) for o in event.supporters]
        given += [(o.role, o.organisation) for o in event.organisations]
        found: dict[str, dict[str, OrganisationView]] = defaultdict(dict)
        for role, org_id in given:
            view = self.site.find("organisation", org_id)
            if view is not None:
                found[role].setdefault(org_id, view)
        return {
            role: list(found[role].values()) for role in EVENT_ORGANISATION_ROLES if found[role]
        }

    @property
    def organisation_rows(self) -> list[tuple[str, Markup]]:
        """(label, links) per part, as the page's facts list them."""
        return [
            (
                self.site.interface.gettext(EVENT_ORGANISATION_ROLES[role][0]),
                Markup(", ").join(map(self.site.link, views)),
            )
            for role, views in self.organisations_by_role.items()
        ]

    def _with_roles(self, *roles: str) -> list[OrganisationView]:
        found = {o.id: o for r in roles for o in self.organisations_by_role.get(r, [])}
        return list(found.values())

    @property
    def organisers(self) -> list[OrganisationView]:
        """Who organised it, in any capacity that runs an event."""
        return self._with_roles("organiser", "co-organiser", "on-behalf-of", "delivered-by", "host")

    @property
    def supporters(self) -> list[OrganisationView]:
        return self._with_roles("supporter")

    @property
    def contributors(self) -> list[OrganisationView]:
        return self._with_roles("partner", "presidency")

    @property
    def moderators(self) -> list[PersonView]:
        return self._refs("person", self.record.moderators)

    @property
    def people(self) -> list[ParticipantView]:
        """People at the event outside any session, with what they were there as."""
        return [ParticipantView.of(p, self.site) for p in self.record.people]

    @cached_property
    def speakers(self) -> list[tuple[PersonView, list[str]]]:
        """Everyone who appeared, with their roles, in agenda order."""
        roles: dict[str, list[str]] = {}
        people: dict[str, PersonView] = {}
        for person in self.moderators:
            people[person.id] = person
            roles.setdefault(person.id, []).append(self.site.label("moderator"))
        for session in self.sessions:
            for p in session.participants:
                people[p.person.id] = p.person
                known = roles.setdefault(p.person.id, [])
                if p.role_label and p.role_label not in known:
                    known.append(p.role_label)
        return [(people[i], roles[i]) for i in people]

    @cached_property
    def organisations(self) -> list[OrganisationView]:
        """Organisations involved: organisers, supporters, and those of the speakers."""
        seen: dict[str, OrganisationView] = {}
        for orgs in self.organisations_by_role.values():
            for org in orgs:
                seen.setdefault(org.id, org)
        for session in self.sessions:
            for p in session.participants:
                if p.organisation:
                    seen.setdefault(p.organisation.id, p.organisation)
            for org in session.showcased:
                seen.setdefault(org.id, org)
        return list(seen.values())

    @cached_property
    def awards(self) -> list[AwardView]:
        return sorted(self._referrers("award", "event"), key=lambda a: a.title)

    @cached_property
    def calls(self) -> list[CallView]:
        found: dict[str, CallView] = {c.id: c for c in self._referrers("call", "events")}
        for session in self.sessions:
            for call in session.calls:
                found.setdefault(call.id, call)
        return sorted(found.values(), key=lambda c: c.sort_key)

    @cached_property
    def polls(self) -> list[PollView]:
        found: dict[str, PollView] = {p.id: p for p in self._referrers("poll", "event")}
        for session in self.sessions:
            for poll in session.polls:
                found.setdefault(poll.id, poll)
        return list(found.values())

    @cached_property
    def reports(self) -> list[ReportView]:
        return by_date(self._referrers("report", "about"))

    @property
    def parent(self) -> EventView | None:
        return self.site.find("event", self.record.part_of)

    @cached_property
    def series_view(self) -> SeriesView | None:
        """The series record its ``series`` names, if there is one (else it is text)."""
        series = self.site.registry.series_of(self.record)
        return None if series is None else self.site.view(series)

    def _neighbour(self, step: int) -> EventView | None:
        series = self.series_view
        if series is None:
            return None
        editions = series.editions
        index = next(i for i, e in enumerate(editions) if e.id == self.id)
        return editions[index + step] if 0 <= index + step < len(editions) else None

    @property
    def previous_edition(self) -> EventView | None:
        return self._neighbour(-1)

    @property
    def next_edition(self) -> EventView | None:
        return self._neighbour(1)

    @cached_property
    def side_events(self) -> list[EventView]:
        return sorted(self._referrers("event", "part_of"), key=lambda e: e.sort_key)

    @property
    def about_events(self) -> list[EventView]:
        return self._refs("event", self.record.about)

    @cached_property
    def discussed_in(self) -> list[EventView]:
        return self._referrers("event", "about")

    @property
    def description(self) -> str:
        return self.titled([self.kind_label, self.when, self.place_text])


class SessionView(View[Session]):
    title_fields = ("title",)

    @cached_property
    def photos(self) -> list[imageviews.Picture]:
        return imageviews.pictures(self, self.record.photos)

    @cached_property
    def event_view(self) -> EventView | None:
        return self.site.find("event", self.record.event)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        s = self.record
        start = s.start.sort_key if s.start else (0, 0, 0, 0, 0)
        return (s.day or 0, s.order if s.order is not None else 10_000, start, s.title)

    @property
    def kind_label(self) -> str:
        return self.site.label(self.record.kind)

    @property
    def when(self) -> str:
        s = self.record
        event = self.event_view
        zone = s.timezone or (event.record.timezone if event else None)
        text = span_text(s.start, s.end, zone, self.site.locale)
        if not s.day:
            return text
        numbered = self.site.interface.gettext("Day %(number)s") % {"number": s.day}
        if not text:
            day = self.calendar_day
            text = numbered + (
                f", {date_text(Moment(day.year, day.month, day.day), self.site.locale)}"
                if day
                else ""
            )
        else:
            text = f"{numbered}, {text}"
        return text

    @property
    def calendar_day(self) -> dt.date | None:
        """The date of its day of the event, where the event's first day is known."""
        event = self.event_view
        start = event.record.start if event else None
        if start is None or start.day is None or not self.record.day:
            return None
        return start.first_day() + dt.timedelta(days=self.record.day - 1)

    @cached_property
    def participants(self) -> list[ParticipantView]:
        return [ParticipantView.of(p, self.site) for p in self.record.participants]

    @property
    def showcased(self) -> list[OrganisationView]:
        return self._refs("organisation", self.record.showcased)

    @property
    def quotes(self) -> list[QuoteView]:
        return [
            QuoteView(
                q.text,
                self.site.find("person", q.person),
                q.context,
                self,
                QuoteView.said_in(q.lang, self.site),
            )
            for q in self.record.quotes
        ]

    @cached_property
    def polls(self) -> list[PollView]:
        return self._referrers("poll", "session")

    @cached_property
    def calls(self) -> list[CallView]:
        return self._referrers("call", "session")

    @property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        crumbs = [
            (self.site.interface.gettext("Home"), urls.HOME_URL),
            (self.site.type_label("event", plural=True), urls.index_url("event")),
        ]
        event = self.event_view
        if event:
            crumbs.append((event.title, event.url))
        return crumbs

    @property
    def description(self) -> str:
        gettext = self.site.interface.gettext
        event = self.event_view
        kind = self.kind_text
        where = event.title if event else gettext("an event")
        return gettext("%(kind)s at %(event)s: %(title)s") % {
            "kind": kind,
            "event": where,
            "title": self.title,
        }

    @property
    def kind_text(self) -> str:
        """'Plenary session', or 'Session' where the kind is not given."""
        if not self.record.kind:
            return self.type_label
        return self.site.interface.gettext("%(kind)s session") % {"kind": self.kind_label}


@dataclass(frozen=True)
class SeriesChart:
    """A figure across editions, drawn as bars scaled to the largest value."""

    label: str
    rows: list[tuple[str, str, str]]  # (edition, value as text, bar width)


class SeriesView(View[Series]):
    title_fields = ("name",)

    @cached_property
    def editions(self) -> list[EventView]:
        """Oldest first, by edition where dates tie, undated last; any other tie in the
        events listing's order. Which events, the registry's index says; their order is
        read from them here, so the preview notes it and re-renders the pages listing
        them when an edition's date or title changes."""
        found = newest_first(self.site.views(self.site.registry.editions(self.record)))
        return sorted(found, key=lambda e: (dated_first(e.sort_key), e.record.edition or 0))

    @property
    def organisers(self) -> list[OrganisationView]:
        return self._refs("organisation", self.record.organisers)

    @property
    def charts(self) -> list[SeriesChart]:
        """A chart per figure (by label) that two or more editions report."""
        by_label: dict[str, list[tuple[EventView, Any]]] = defaultdict(list)
        labels: dict[str, str] = {}
        for event in self.editions:
            for figure in event.record.figures:
                key = figure.label.casefold()
                labels.setdefault(key, figure.label)
                by_label[key].append((event, figure))
        charts = []
        for key, found in by_label.items():
            if len({event.id for event, _ in found}) < 2:
                continue
            largest = max(figure.value for _, figure in found) or 1.0
            rows = [
                (
                    event.edition_label,
                    self.site.figure_value(figure),
                    f"{figure.value / largest * 100:g}%",
                )
                for event, figure in found
            ]
            charts.append(SeriesChart(labels[key], rows))
        return charts

    @property
    def description(self) -> str:
        count = len(self.editions)
        text = self.site.interface.ngettext(
            "%(title)s: %(num)d edition", "%(title)s: %(num)d editions", count
        )
        return text % {"title": self.title, "num": count}
