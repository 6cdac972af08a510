# Views resolve references through SiteView.find, which is typed loosely on purpose.
# mypy: disable-error-code="no-any-return"
"""Template-facing views: what a page shows about a record, read from the registry.

Models stay plain data; everything that needs the registry (backlinks, resolved
references, computed status) lives here, so templates never touch raw ids.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from markupsafe import Markup, escape
from slugify import slugify

from ..content.models import (
    RECORD_TYPES,
    Answer,
    Award,
    Entry,
    Event,
    EventPerson,
    FundingCall,
    Organisation,
    Person,
    Poll,
    Quote,
    Record,
    Report,
    Role,
    Series,
    Session,
)
from ..content.moment import Moment
from ..content.registry import Registry, key_of
from . import urls

STATUS_LABELS = {
    "open": "Open",
    "closing-soon": "Closing soon",
    "closed": "Closed",
    "upcoming": "Not yet open",
    "no-deadline": "No deadline",
}


# Words in a figure's label that pick its icon, first match wins ("participants online"
# is about being online, not about people).
FIGURE_ICONS = (
    ("online", "online"),
    ("countr", "globe"),
    ("member state", "globe"),
    ("meeting", "meeting"),
    ("organisation", "organisation"),
    ("sme", "organisation"),
    ("compan", "organisation"),
    ("particip", "people"),
    ("attendee", "people"),
    ("stakeholder", "people"),
    ("people", "people"),
    ("visitor", "people"),
)
# An organisation's part in an event: the label its row has on the event's page, and
# the word that marks the event on the organisation's page, in the order shown.
EVENT_ORGANISATION_ROLES = {
    "organiser": ("Organised by", "organiser"),
    "co-organiser": ("Co-organised by", "co-organiser"),
    "on-behalf-of": ("On behalf of", "organised on its behalf"),
    "delivered-by": ("Delivered by", "delivered it"),
    "presidency": ("Under the presidency of", "presidency"),
    "host": ("Hosted by", "host"),
    "partner": ("Partners", "partner"),
    "supporter": ("With the support of", "supporter"),
}
# Bars longer than this carry their number inside, so it never runs off the chart.
BAR_LABEL_INSIDE = 80.0


@dataclass(frozen=True)
class Bar:
    """One bar of a build-time SVG chart; ``value`` is a percentage, so the bar's width too."""

    label: str
    value: float
    other: bool = False

    @property
    def value_text(self) -> str:
        return f"{self.value:g}%"

    @property
    def width(self) -> str:
        return f"{min(max(self.value, 0.0), 100.0):g}%"

    @property
    def inside(self) -> bool:
        return self.value > BAR_LABEL_INSIDE


@dataclass(frozen=True)
class FigureCard:
    """A figure split for display: 'more than' small above the number."""

    number: str
    more_than: bool
    label: str
    icon: str


def figure_icon(label: str) -> str:
    lowered = label.lower()
    return next((icon for word, icon in FIGURE_ICONS if word in lowered), "count")


def humanise(value: str | None) -> str:
    """'award-ceremony' -> 'Award ceremony'; nothing for a value the source does not give."""
    text = (value or "").replace("-", " ")
    return text[:1].upper() + text[1:]


def span_text(start: Moment | None, end: Moment | None, timezone: str | None = None) -> str:
    """'1–2 December 2016', '5 October 2022, 8:30–9:30 CEST', '2016'."""
    if start is None:
        return ""
    text = start.date_text()
    if end is not None and end.first_day() != start.first_day():
        if (start.year, start.month) == (end.year, end.month) and start.day and end.day:
            text = f"{start.day}–{end.date_text()}"
        elif start.year == end.year and start.day and end.day:
            text = f"{start.date_text().rsplit(' ', 1)[0]} – {end.date_text()}"
        else:
            text = f"{start.date_text()} – {end.date_text()}"
    if start.has_time:
        times = start.time_text()
        if end is not None and end.has_time:
            times += f"–{end.time_text()}"
        zone = _zone_name(start, timezone)
        text += f", {times}" + (f" {zone}" if zone else "")
    return text


def _zone_name(moment: Moment, timezone: str | None) -> str:
    aware = moment.as_datetime(timezone)
    return (aware.tzname() or "") if aware and aware.tzinfo else ""


def _anchor(href: str, title: str) -> Markup:
    return Markup(f'<a href="{escape(href)}">{escape(title)}</a>')


class SiteView:
    """What every template sees as ``site``."""

    search_url = urls.SEARCH_URL

    def __init__(self, registry: Registry, config: Any, today: dt.date) -> None:
        self.registry = registry
        self.config = config
        self.today = today
        self._views: dict[tuple[str, str], View[Any]] = {}
        self._hrefs: dict[str, str] = {}  # the same few paths (navigation) on every page
        self.fragments: dict[Any, Markup] = {}  # render.fragment's, for this view's pages

    def view(self, record: Record) -> Any:
        key = key_of(record)
        if key not in self._views:
            # __class__, not type(): the preview's tracked records stand in for their model
            self._views[key] = VIEW_TYPES.get(record.__class__, View)(record, self)
        return self._views[key]

    def limit_views(self, most: int) -> None:
        """Drop the views made so far (with what they cached) if there are more than
        ``most``: they are rebuilt when next asked for."""
        if len(self._views) > most:
            self._views.clear()

    def find(self, type_name: str, record_id: str | None) -> Any:
        record = self.registry.find(type_name, record_id)
        return self.view(record) if record else None

    def views(self, records: list[Record]) -> list[Any]:
        return [self.view(r) for r in records]

    def all(self, type_name: str) -> list[Any]:
        return self.views(self.registry.all(type_name))

    def url(self, target: Any) -> str:
        """A link as the browser needs it, base path included."""
        if isinstance(target, View):
            return target.href
        path = str(target)
        href = self._hrefs.get(path)
        if href is None:
            href = self._hrefs[path] = urls.with_base(self.config.base_url, path)
        return href

    def link(self, view: Any) -> Markup:
        """An anchor to a record's page (the ``link`` of templates/_macros.html): in
        Python because pages call it thousands of times, where a macro costs ten times more."""
        if not view:
            return Markup("")
        if isinstance(view, View):
            return view.anchor_html
        return _anchor(self.url(view), view.title)

    def absolute_url(self, target: Any) -> str:
        if isinstance(target, View):
            return target.absolute_url
        return urls.absolute(self.config.absolute_base, str(target))

    @cached_property
    def navigation(self) -> list[tuple[str, str, str]]:
        """The main menu, (label, site-relative URL, link): a listing per record type,
        but sessions, which are found under their events."""
        paths = {
            t.label_plural: urls.index_url(t.type_name) for t in RECORD_TYPES if t is not Session
        }
        return [(label, path, self.url(path)) for label, path in paths.items()]

    def menu(self, page_url: str) -> tuple[tuple[str, str, str | None], ...]:
        """The main menu as seen from ``page_url``: (label, link, aria-current) per entry,
        the current being "page" on a listing itself and "true" anywhere below it."""
        menu = []
        for label, path, href in self.navigation:
            current = None
            if page_url.startswith(path):
                current = "page" if page_url == path else "true"
            menu.append((label, href, current))
        return tuple(menu)

    @cached_property
    def events_by_date(self) -> list[EventView]:
        events: list[EventView] = self.all("event")
        return sorted(events, key=lambda e: (e.sort_key, e.title), reverse=True)

    @property
    def latest_events(self) -> list[EventView]:
        """Newest first, only events a date is known for: an undated one is never 'latest'."""
        return [e for e in self.events_by_date if e.date is not None]

    @cached_property
    def series_editions(self) -> dict[str, list[EventView]]:
        """Each series record's editions, oldest first: the events whose ``series`` is
        its id or (as free text, case aside) its name. Worked out once per build."""
        named: dict[str, str] = {}
        for series in self.registry.all("series"):
            assert isinstance(series, Series)
            named.setdefault(series.name.casefold(), series.id)
            named[series.id] = series.id
        found: dict[str, list[EventView]] = defaultdict(list)
        for event in self.events_by_date:
            text = event.record.series
            series_id = named.get(text) or named.get(text.casefold()) if text else None
            if series_id is not None:
                found[series_id].append(event)
        return {
            series_id: sorted(
                events, key=lambda e: (dated_first(e.sort_key), e.record.edition or 0)
            )
            for series_id, events in found.items()
        }

    @cached_property
    def calls_by_deadline(self) -> list[CallView]:
        calls: list[CallView] = self.all("call")
        return sorted(calls, key=lambda c: c.sort_key)

    @property
    def open_calls(self) -> list[CallView]:
        return [
            c for c in self.calls_by_deadline if c.status in ("open", "closing-soon", "upcoming")
        ]

    def events_by_year(self) -> list[tuple[str, list[EventView]]]:
        """Newest year first; events without a known year last."""
        groups: dict[int | None, list[EventView]] = defaultdict(list)
        for event in self.events_by_date:
            groups[event.year].append(event)
        ordered = sorted((y for y in groups if y is not None), reverse=True)
        result = [(str(y), sorted(groups[y], key=lambda e: e.sort_key)) for y in ordered]
        if None in groups:
            result.append(("Date not given", groups[None]))
        return result

    def people_by_letter(self) -> list[tuple[str, list[PersonView]]]:
        people: list[PersonView] = sorted(self.all("person"), key=lambda p: (p.sort_key, p.title))
        groups: dict[str, list[PersonView]] = defaultdict(list)
        for person in people:
            groups[person.letter].append(person)
        return sorted(groups.items())

    def organisations_by(self, attribute: str) -> list[tuple[str, list[OrganisationView]]]:
        """Grouped by 'kind' or 'country'; records without a value go last."""
        orgs: list[OrganisationView] = sorted(self.all("organisation"), key=lambda o: o.sort_key)
        groups: dict[str, list[OrganisationView]] = defaultdict(list)
        for org in orgs:
            value = getattr(org.record, attribute)
            groups[humanise(value) if value and attribute == "kind" else value or ""].append(org)
        named = sorted((k, v) for k, v in groups.items() if k)
        return named + ([("Not given", groups[""])] if "" in groups else [])

    @cached_property
    def award_years(self) -> dict[str, list[AwardView]]:
        """Every award by name, newest year first: grouped once, as each award's page
        lists its every year (a scan per page would grow with the square of the awards)."""
        groups: dict[str, list[AwardView]] = defaultdict(list)
        for award in self.all("award"):
            groups[award.record.name].append(award)
        return {
            name: sorted(awards, key=lambda a: a.record.year, reverse=True)
            for name, awards in groups.items()
        }

    def awards_by_name(self) -> list[tuple[str, list[AwardView]]]:
        return sorted(self.award_years.items())

    def by_event(self, type_name: str) -> list[tuple[EventView | None, list[Any]]]:
        """Sessions or polls grouped under their event, newest event first."""
        groups: dict[str, list[Any]] = defaultdict(list)
        for view in self.all(type_name):
            event = view.event_view if type_name == "session" else view.event
            groups[event.id if event else ""].append(view)
        result: list[tuple[EventView | None, list[Any]]] = []
        for event in self.events_by_date:
            if event.id in groups:
                items = groups[event.id]
                if type_name == "session":
                    items = sorted(items, key=lambda s: s.sort_key)
                result.append((event, items))
        if "" in groups:
            result.append((None, groups[""]))
        return result

    def reports_by_date(self) -> list[ReportView]:
        reports: list[ReportView] = self.all("report")
        return sorted(reports, key=lambda r: (r.sort_key, r.title), reverse=True)

    def counts(self) -> list[tuple[str, int, str]]:
        return [
            (t.label_plural, len(self.registry.records[t.type_name]), urls.index_url(t.type_name))
            for t in RECORD_TYPES
        ]


R = TypeVar("R", bound=Record)


class View(Generic[R]):
    """A record as templates see it: its fields plus what the registry knows about it."""

    def __init__(self, record: R, site: SiteView) -> None:
        self.record = record
        self.site = site

    def __getattr__(self, name: str) -> Any:
        return getattr(self.record, name)

    # A view lives for one build (for one page, in the preview), as its record does: what
    # every mention of it repeats is worked out once.
    @cached_property
    def url(self) -> str:
        return urls.url_of(self.record)

    @cached_property
    def href(self) -> str:
        return urls.with_base(self.site.config.base_url, self.url)

    @cached_property
    def absolute_url(self) -> str:
        return urls.absolute(self.site.config.absolute_base, self.url)

    @cached_property
    def anchor_html(self) -> Markup:
        return _anchor(self.href, self.title)

    @property
    def title(self) -> str:
        return self.record.title_text

    @property
    def type_label(self) -> str:
        return self.record.label

    @property
    def index_url(self) -> str:
        return urls.index_url(self.record.type_name)

    @property
    def anchor(self) -> str:
        return f"{self.record.type_name}-{self.record.id}"

    @property
    def sources_list(self) -> list[Any]:
        return [self.site.find("report", s) for s in self.record.sources]

    def _refs(self, type_name: str, ids: list[str]) -> list[Any]:
        return [v for v in (self.site.find(type_name, i) for i in ids) if v is not None]

    def _referrers(self, type_name: str, field: str | None = None) -> list[Any]:
        return self.site.views(self.site.registry.referrers(self.record, type_name, field))

    @property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        return [("Home", urls.HOME_URL), (self.record.label_plural, self.index_url)]

    @property
    def description(self) -> str:
        return f"{self.type_label}: {self.title}"


def dated_first(key: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    """The one order of dated lists on record pages: oldest first, undated items
    (a zero key) after the dated ones."""
    return (0, key) if any(key) else (1, ())


def named_in(position: str | None, organisation: OrganisationView | None) -> bool:
    """Whether a position as the source words it already names its organisation
    ('Head of Unit, DG GROW'), so the page need not name it again."""
    if not position or organisation is None:
        return False
    record = organisation.record
    names = [record.name, record.acronym or "", *record.aliases]
    return any(name and name.lower() in position.lower() for name in names)


def by_date(reports: list[ReportView]) -> list[ReportView]:
    """Publications in the order of every dated list: oldest first, undated last."""
    return sorted(reports, key=lambda r: (dated_first(r.sort_key), r.title))


@dataclass
class Appearance:
    """A person at an event: in a session, as its moderator, or outside any session."""

    role: str
    session: SessionView | None
    event: EventView | None
    position: str | None = None
    organisation: OrganisationView | None = None

    @property
    def sort_key(self) -> tuple[Any, ...]:
        event_key = self.event.sort_key if self.event else (0,)
        session_key = self.session.sort_key if self.session else (-1,)
        return (dated_first(event_key), session_key)

    @property
    def organisation_shown(self) -> OrganisationView | None:
        return None if named_in(self.position, self.organisation) else self.organisation


@dataclass
class ParticipantView:
    person: PersonView
    role: str | None
    position: str | None
    organisation: OrganisationView | None

    @property
    def role_label(self) -> str:
        return humanise(self.role)

    @property
    def organisation_shown(self) -> OrganisationView | None:
        return None if named_in(self.position, self.organisation) else self.organisation


@dataclass
class EntryView:
    person: PersonView | None
    organisation: OrganisationView | None
    note: str | None


@dataclass
class QuoteView:
    text: str
    person: PersonView | None
    context: str | None
    session: SessionView | None = None


@dataclass
class RoleView:
    role: Role
    organisation: OrganisationView | None

    @property
    def title(self) -> str:
        return self.role.title or ""

    @property
    def when(self) -> str:
        role = self.role
        if role.start or role.end:
            start = role.start.date_text() if role.start else ""
            end = role.end.date_text() if role.end else ""
            if start and end:
                return f"{start} – {end}"
            return f"from {start}" if start else f"until {end}"
        return f"as of {role.as_of.date_text()}" if role.as_of else ""


class EventView(View[Event]):
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
        return span_text(self.record.start, self.record.end, self.record.timezone)

    @property
    def kind_label(self) -> str:
        return humanise(self.record.kind)

    @property
    def edition_label(self) -> str:
        """How a series names this edition: its number and year where known."""
        bits = [f"Edition {self.record.edition}" if self.record.edition else ""]
        bits.append(str(self.record.start.year) if self.record.start else "")
        return ", ".join(b for b in bits if b) or self.title

    @property
    def figure_cards(self) -> list[FigureCard]:
        """The event's figures with an icon chosen from each label."""
        return [
            FigureCard(
                f.value_text.removeprefix("more than "), f.more_than, f.label, figure_icon(f.label)
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
            parts.append("online")
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
            (EVENT_ORGANISATION_ROLES[role][0], Markup(", ").join(map(self.site.link, views)))
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
    def people(self) -> list[tuple[PersonView, EventPerson, OrganisationView | None]]:
        """People at the event outside any session, with what they were there as."""
        found = []
        for p in self.record.people:
            org = self.site.find("organisation", p.organisation)
            found.append(
                (self.site.find("person", p.person), p, None if named_in(p.position, org) else org)
            )
        return found

    @cached_property
    def speakers(self) -> list[tuple[PersonView, list[str]]]:
        """Everyone who appeared, with their roles, in agenda order."""
        roles: dict[str, list[str]] = {}
        people: dict[str, PersonView] = {}
        for person in self.moderators:
            people[person.id] = person
            roles.setdefault(person.id, []).append("Moderator")
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

    @property
    def awards(self) -> list[AwardView]:
        return sorted(self._referrers("award", "event"), key=lambda a: a.title)

    @property
    def calls(self) -> list[CallView]:
        found: dict[str, CallView] = {c.id: c for c in self._referrers("call", "events")}
        for session in self.sessions:
            for call in session.calls:
                found.setdefault(call.id, call)
        return sorted(found.values(), key=lambda c: c.sort_key)

    @property
    def polls(self) -> list[PollView]:
        found: dict[str, PollView] = {p.id: p for p in self._referrers("poll", "event")}
        for session in self.sessions:
            for poll in session.polls:
                found.setdefault(poll.id, poll)
        return list(found.values())

    @property
    def reports(self) -> list[ReportView]:
        return by_date(self._referrers("report", "about"))

    @property
    def parent(self) -> EventView | None:
        return self.site.find("event", self.record.part_of)

    @cached_property
    def series_view(self) -> SeriesView | None:
        """The series record its ``series`` names, if there is one (else it is text)."""
        for series_id, editions in self.site.series_editions.items():
            if any(e is self for e in editions):
                return self.site.find("series", series_id)
        return None

    def _neighbour(self, step: int) -> EventView | None:
        series = self.series_view
        if series is None:
            return None
        editions = series.editions
        index = next(i for i, e in enumerate(editions) if e is self)
        return editions[index + step] if 0 <= index + step < len(editions) else None

    @property
    def previous_edition(self) -> EventView | None:
        return self._neighbour(-1)

    @property
    def next_edition(self) -> EventView | None:
        return self._neighbour(1)

    @property
    def side_events(self) -> list[EventView]:
        return sorted(self._referrers("event", "part_of"), key=lambda e: e.sort_key)

    @property
    def about_events(self) -> list[EventView]:
        return self._refs("event", self.record.about)

    @property
    def discussed_in(self) -> list[EventView]:
        return self._referrers("event", "about")

    @property
    def description(self) -> str:
        bits = [self.kind_label, self.when, self.place_text]
        return f"{self.title}: " + ", ".join(b for b in bits if b)


class SessionView(View[Session]):
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
        return humanise(self.record.kind)

    @property
    def when(self) -> str:
        s = self.record
        event = self.event_view
        zone = s.timezone or (event.record.timezone if event else None)
        text = span_text(s.start, s.end, zone)
        if s.day and not text:
            day = self.calendar_day
            text = f"Day {s.day}" + (
                f", {Moment(day.year, day.month, day.day).date_text()}" if day else ""
            )
        elif s.day:
            text = f"Day {s.day}, {text}"
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
        found = []
        for p in self.record.participants:
            person = self.site.find("person", p.person)
            org = self.site.find("organisation", p.organisation)
            found.append(ParticipantView(person, p.role, p.position, org))
        return found

    @property
    def showcased(self) -> list[OrganisationView]:
        return self._refs("organisation", self.record.showcased)

    @property
    def quotes(self) -> list[QuoteView]:
        return [
            QuoteView(q.text, self.site.find("person", q.person), q.context, self)
            for q in self.record.quotes
        ]

    @property
    def polls(self) -> list[PollView]:
        return self._referrers("poll", "session")

    @property
    def calls(self) -> list[CallView]:
        return self._referrers("call", "session")

    @property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        crumbs = [("Home", urls.HOME_URL), ("Events", urls.index_url("event"))]
        event = self.event_view
        if event:
            crumbs.append((event.title, event.url))
        return crumbs

    @property
    def description(self) -> str:
        event = self.event_view
        kind = f"{self.kind_label} session" if self.record.kind else "Session"
        return f"{kind} at {event.title if event else 'an event'}: {self.title}"


class PersonView(View[Person]):
    @property
    def sort_key(self) -> str:
        return slugify(self.record.sort_text)

    @property
    def letter(self) -> str:
        return (self.sort_key[:1] or "#").upper()

    @cached_property
    def roles(self) -> list[RoleView]:
        """Oldest first, undated last, as every dated list on a record page."""
        ordered = sorted(self.record.roles, key=lambda r: dated_first(r.when_key))
        return [RoleView(r, self.site.find("organisation", r.organisation)) for r in ordered]

    @property
    def latest_role(self) -> RoleView | None:
        """The newest dated role, or where none is dated the first the record lists."""
        dated = [r for r in self.roles if any(r.role.when_key)]
        return dated[-1] if dated else (self.roles[0] if self.roles else None)

    @cached_property
    def appearances(self) -> list[Appearance]:
        """Sessions, moderated events and events outside any session in one list,
        in the order of roles: oldest event first, undated last."""
        found = []
        for link in self.site.registry.links_to(self.record, "session"):
            if link.field != "participants":
                continue
            session: SessionView = self.site.view(link.source)
            p = session.record.participants[int(link.loc[1])]
            org = self.site.find("organisation", p.organisation)
            found.append(Appearance(p.role or "", session, session.event_view, p.position, org))
        for link in self.site.registry.links_to(self.record, "event"):
            event: EventView = self.site.view(link.source)
            if link.field == "moderators":
                found.append(Appearance("moderator", None, event))
            elif link.field == "people":
                e = event.record.people[int(link.loc[1])]
                org = self.site.find("organisation", e.organisation)
                found.append(Appearance(e.role, None, event, e.position, org))
        return sorted(found, key=lambda a: a.sort_key)

    @property
    def moderated(self) -> list[EventView]:
        return self._referrers("event", "moderators")

    @property
    def awards_won(self) -> list[AwardView]:
        return sorted(self._referrers("award", "winners"), key=lambda a: a.record.year)

    @property
    def shortlisted(self) -> list[AwardView]:
        won = {a.id for a in self.awards_won}
        return [a for a in self._referrers("award", "shortlist") if a.id not in won]

    @property
    def quotes(self) -> list[QuoteView]:
        found = []
        for link in self.site.registry.links_to(self.record, "session"):
            if link.field == "quotes":
                session: SessionView = self.site.view(link.source)
                quote: Quote = session.record.quotes[int(link.loc[1])]
                found.append(QuoteView(quote.text, self, quote.context, session))
        return found

    @property
    def reports(self) -> list[ReportView]:
        return by_date(self._referrers("report", "authors"))

    @property
    def organisations(self) -> list[OrganisationView]:
        seen: dict[str, OrganisationView] = {}
        for role in self.roles:
            if role.organisation:
                seen.setdefault(role.organisation.id, role.organisation)
        return list(seen.values())

    @property
    def description(self) -> str:
        role = self.latest_role
        if role is None:
            return self.title
        parts = [role.title, role.organisation.title if role.organisation else ""]
        return f"{self.title}: " + ", ".join(p for p in parts if p)


class OrganisationView(View[Organisation]):
    @property
    def sort_key(self) -> str:
        return slugify(self.record.name)

    @property
    def kind_label(self) -> str:
        return humanise(self.record.kind)

    @property
    def parent(self) -> OrganisationView | None:
        return self.site.find("organisation", self.record.parent)

    @property
    def ancestors(self) -> list[OrganisationView]:
        chain: list[OrganisationView] = []
        current = self.parent
        while current is not None and current not in chain and current is not self:
            chain.insert(0, current)
            current = current.parent
        return chain

    @property
    def children(self) -> list[OrganisationView]:
        return sorted(self._referrers("organisation", "parent"), key=lambda o: o.sort_key)

    @property
    def units(self) -> list[OrganisationView]:
        """Its departments and units at every level below it, each once."""
        found: dict[str, OrganisationView] = {}
        stack = list(reversed(self.children))
        while stack:
            unit = stack.pop()
            if unit.id in found or unit.id == self.id:
                continue
            found[unit.id] = unit
            stack.extend(reversed(unit.children))
        return list(found.values())

    @property
    def unit_people(self) -> list[tuple[PersonView, RoleView, OrganisationView]]:
        """The people of its units, each with the unit, so a directorate's page shows
        everyone who worked in it."""
        found = []
        for unit in self.units:
            current, former = unit.people
            found += [(person, role, unit) for person, role in current + former]
        return sorted(found, key=lambda pru: (pru[0].sort_key, dated_first(pru[1].role.when_key)))

    @property
    def unit_events(self) -> list[tuple[EventView, str, OrganisationView]]:
        found = [(event, part, unit) for unit in self.units for event, part in unit.organised]
        return sorted(found, key=lambda epu: dated_first(epu[0].sort_key))

    @property
    def lead(self) -> OrganisationView | None:
        return self.site.find("organisation", self.record.lead)

    @property
    def partners(self) -> list[OrganisationView]:
        return self._refs("organisation", self.record.partners)

    @property
    def partner_of(self) -> list[OrganisationView]:
        return self._referrers("organisation", "partners") + self._referrers("organisation", "lead")

    @cached_property
    def people(self) -> tuple[list[tuple[PersonView, RoleView]], list[tuple[PersonView, RoleView]]]:
        """(current, former): a person is current here when their latest known role is here."""
        current, former = [], []
        for person in self._referrers("person", "roles"):
            for role in person.roles:
                if role.organisation is None or role.organisation.id != self.id:
                    continue
                latest = person.latest_role
                if role is latest and role.role.end is None:
                    current.append((person, role))
                else:
                    former.append((person, role))
        return (
            sorted(current, key=lambda pr: pr[0].sort_key),
            sorted(former, key=lambda pr: pr[0].sort_key),
        )

    @property
    def organised(self) -> list[tuple[EventView, str]]:
        """Events it had a part in, with that part ('organiser', 'host, partner')."""
        events: dict[str, EventView] = {}
        for field in ("organisers", "supporters", "organisations"):
            for event in self._referrers("event", field):
                events.setdefault(event.id, event)
        found = []
        for event in sorted(events.values(), key=lambda e: dated_first(e.sort_key)):
            roles = [
                EVENT_ORGANISATION_ROLES[role][1]
                for role, orgs in event.organisations_by_role.items()
                if any(o.id == self.id for o in orgs)
            ]
            found.append((event, ", ".join(roles)))
        return found

    @property
    def took_part(self) -> list[tuple[EventView, SessionView]]:
        pairs: dict[str, tuple[EventView, SessionView]] = {}
        for session in self._referrers("session"):
            event = session.event_view
            if event is not None:
                pairs.setdefault(session.id, (event, session))
        return sorted(pairs.values(), key=lambda es: (es[0].sort_key, es[1].sort_key))

    @property
    def awards(self) -> list[tuple[AwardView, str]]:
        found = [(a, "Winner") for a in self._referrers("award", "winners")]
        won = {a.id for a, _ in found}
        shortlisted = self._referrers("award", "shortlist")
        found += [(a, "Shortlisted") for a in shortlisted if a.id not in won]
        return sorted(found, key=lambda pair: (pair[0].record.year, pair[0].title))

    @property
    def calls(self) -> list[tuple[CallView, str]]:
        """Calls it funds or runs, with which."""
        found: dict[str, tuple[CallView, list[str]]] = {}
        for field, label in (("funder", "Funder"), ("issuer", "Issuer")):
            for call in self._referrers("call", field):
                found.setdefault(call.id, (call, []))[1].append(label)
        ordered = sorted(found.values(), key=lambda cl: cl[0].sort_key)
        return [(call, " and ".join(labels).capitalize()) for call, labels in ordered]

    @property
    def figure_rows(self) -> list[tuple[str, str]]:
        """Its dated figures as (figure, date) in date order, undated last."""
        figures = sorted(
            self.record.figures,
            key=lambda f: (f.as_of is None, f.as_of.sort_key if f.as_of else ()),
        )
        return [
            (f"{f.value_text} {f.label}", f.as_of.date_text() if f.as_of else "") for f in figures
        ]

    @property
    def renamed_to(self) -> OrganisationView | None:
        """The record of its later name: its own ``renamed_to``, or one naming it ``formerly``."""
        found = self.site.find("organisation", self.record.renamed_to)
        later = self._referrers("organisation", "formerly")
        return found or (later[0] if later else None)

    @property
    def formerly(self) -> OrganisationView | None:
        found = self.site.find("organisation", self.record.formerly)
        earlier = self._referrers("organisation", "renamed_to")
        return found or (earlier[0] if earlier else None)

    @property
    def renamed_text(self) -> str:
        """When the rename happened, from whichever side gives it."""
        for view in (self, self.formerly, self.renamed_to):
            if view is not None and view.record.renamed is not None:
                return view.record.renamed.date_text()
        return ""

    @property
    def reports(self) -> list[ReportView]:
        return by_date(self._referrers("report", "publishers"))

    @property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        crumbs = super().breadcrumbs
        crumbs += [(o.title, o.url) for o in self.ancestors]
        return crumbs

    @property
    def description(self) -> str:
        bits = [self.kind_label, self.record.country or ""]
        parent = self.parent
        if parent:
            bits.append(f"part of {parent.title}")
        return f"{self.title}: " + ", ".join(b for b in bits if b)


class AwardView(View[Award]):
    @property
    def event(self) -> EventView | None:
        return self.site.find("event", self.record.event)

    def _entries(self, entries: list[Entry]) -> list[EntryView]:
        return [
            EntryView(
                self.site.find("person", e.person),
                self.site.find("organisation", e.organisation),
                e.note,
            )
            for e in entries
        ]

    @property
    def winners(self) -> list[EntryView]:
        return self._entries(self.record.winners)

    @property
    def shortlist(self) -> list[EntryView]:
        return self._entries(self.record.shortlist)

    @property
    def organisers(self) -> list[OrganisationView]:
        return self._refs("organisation", self.record.organisers)

    @property
    def all_years(self) -> list[AwardView]:
        """Every year of this award (same name), newest first."""
        return self.site.award_years[self.record.name]

    @property
    def decided_text(self) -> str:
        bits = []
        if self.record.shortlisted_by:
            bits.append(f"shortlisted by {humanise(self.record.shortlisted_by).lower()}")
        if self.record.decided_by:
            bits.append(f"decided by {humanise(self.record.decided_by).lower()}")
        text = ", ".join(bits)
        return text[:1].upper() + text[1:]

    @property
    def description(self) -> str:
        names = [(w.person or w.organisation).title for w in self.winners]  # type: ignore[union-attr]
        return f"{self.title}" + (f": won by {', '.join(names)}" if names else "")


class CallView(View[FundingCall]):
    @property
    def call(self) -> FundingCall:
        return self.record

    @property
    def status(self) -> str:
        return self.call.status(self.site.today)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def days_left(self) -> int | None:
        return self.call.days_left(self.site.today)

    @property
    def countdown(self) -> str:
        days = self.days_left
        if days is None or days < 0:
            return ""
        if days == 0:
            return "closes today"
        return f"closes in {days} day{'s' if days != 1 else ''}"

    @property
    def deadline_text(self) -> str:
        deadline = self.call.deadline
        if deadline is None:
            return ""
        return span_text(deadline, None, self.call.timezone)

    @property
    def sort_key(self) -> tuple[int, tuple[int, ...], str]:
        deadline = self.call.deadline
        return (0 if deadline else 1, deadline.sort_key if deadline else (0,), self.title)

    @property
    def kind_label(self) -> str:
        return humanise(self.call.kind)

    @property
    def funder(self) -> OrganisationView | None:
        return self.site.find("organisation", self.call.funder)

    @property
    def issuer(self) -> OrganisationView | None:
        return self.site.find("organisation", self.call.issuer)

    @property
    def events(self) -> list[EventView]:
        return self._refs("event", self.call.events)

    @property
    def session(self) -> SessionView | None:
        return self.site.find("session", self.call.session)

    @property
    def description(self) -> str:
        text = f"{self.kind_label or self.type_label}: {self.title}"
        if self.deadline_text:
            text += f" (deadline {self.deadline_text})"
        return text


class PollView(View[Poll]):
    @property
    def session(self) -> SessionView | None:
        return self.site.find("session", self.record.session)

    @property
    def event(self) -> EventView | None:
        found = self.site.find("event", self.record.event)
        if found is None and self.session is not None:
            return self.session.event_view
        return found

    @property
    def answers(self) -> list[Answer]:
        """What is known, in one order: the chosen answer(s) first, then by the rank the
        source gives, then as the source lists them."""
        listed = list(enumerate(self.record.answers))
        listed.sort(key=lambda ia: (not ia[1].chosen, ia[1].rank or 10**9, ia[0]))
        return [answer for _, answer in listed]

    @property
    def shares_given(self) -> bool:
        """Every answer has its share: the chart says all there is, no list is needed."""
        return all(a.share is not None for a in self.record.answers)

    @property
    def unreported_share(self) -> float:
        """The share the source does not break down (answers often cover only the top ones)."""
        shares = [a.share for a in self.record.answers if a.share is not None]
        return max(0.0, 100.0 - sum(shares)) if shares else 0.0

    @property
    def bars(self) -> list[Bar]:
        """The answers with a share as chart bars, and a muted one for the share no
        answer accounts for; none where the source gives no shares."""
        bars = [
            Bar(a.text + (" (chosen)" if a.chosen else ""), a.share)
            for a in self.answers
            if a.share is not None
        ]
        rest = round(self.unreported_share, 1)
        if bars and rest > 0.5:
            bars.append(Bar("Not broken down by the source", rest, other=True))
        return bars


class ReportView(View[Report]):
    @property
    def report(self) -> Report:
        return self.record

    @property
    def sort_key(self) -> tuple[int, ...]:
        return self.report.date.sort_key if self.report.date else (0,)

    @property
    def kind_label(self) -> str:
        return humanise(self.report.kind)

    @property
    def publishers(self) -> list[OrganisationView]:
        return self._refs("organisation", self.report.publishers)

    @property
    def authors(self) -> list[PersonView]:
        return self._refs("person", self.report.authors)

    @property
    def part_of(self) -> ReportView | None:
        return self.site.find("report", self.report.part_of)

    @property
    def parts(self) -> list[ReportView]:
        return self._referrers("report", "part_of")

    @property
    def about(self) -> list[EventView]:
        return self._refs("event", self.report.about)

    @property
    def covered(self) -> list[tuple[str, list[View[Any]]]]:
        """Records whose facts come from this report, grouped by type."""
        grouped: dict[str, list[View[Any]]] = defaultdict(list)
        for record in self.site.registry.referrers(self.record, field="sources"):
            if record is not self.record:
                grouped[record.label_plural].append(self.site.view(record))
        return [
            (label, sorted(views, key=lambda v: v.title.lower()))
            for label, views in sorted(grouped.items())
        ]


@dataclass(frozen=True)
class SeriesChart:
    """A figure across editions, drawn as bars scaled to the largest value."""

    label: str
    rows: list[tuple[str, str, str]]  # (edition, value as text, bar width)


class SeriesView(View[Series]):
    @property
    def editions(self) -> list[EventView]:
        return self.site.series_editions.get(self.id, [])

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
                (event.edition_label, figure.value_text, f"{figure.value / largest * 100:g}%")
                for event, figure in found
            ]
            charts.append(SeriesChart(labels[key], rows))
        return charts

    @property
    def description(self) -> str:
        count = len(self.editions)
        return f"{self.title}: {count} edition{'s' if count != 1 else ''}"


VIEW_TYPES: dict[type[Record], type[View[Any]]] = {
    Event: EventView,
    Session: SessionView,
    Person: PersonView,
    Organisation: OrganisationView,
    Award: AwardView,
    FundingCall: CallView,
    Poll: PollView,
    Report: ReportView,
    Series: SeriesView,
}
