"""Structured data and SEO for every page: schema.org JSON-LD, canonical URL, Open Graph.

Templates reach it through the ``discovery()`` global (see ``templates/_head_discovery.html``),
so the theme's templates need no knowledge of schema.org. References between records
become ``@id`` links to the canonical page URLs, which is what lets a crawler join the
graph across pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

import jinja2
from markupsafe import Markup

from ..content.models import Answer, Event
from ..content.moment import Moment
from ..escape import script_json
from . import urls
from .views import (
    AwardView,
    CallView,
    EventView,
    OrganisationView,
    PersonView,
    PollView,
    ReportView,
    SeriesView,
    SessionView,
    SiteView,
    View,
    percent_text,
)

SCHEMA_CONTEXT = "https://schema.org"
JsonObject = dict[str, Any]

SCHEMA_TYPES = {
    "event": "Event",
    "session": "Event",
    "person": "Person",
    "organisation": "Organization",
    "award": "CreativeWork",
    "call": "CreativeWork",
    "poll": "Question",
    "report": "Report",
    "series": "EventSeries",
}
ATTENDANCE_MODES = {
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}
NOINDEX_KINDS = {"404", "search", "languages"}


def moment_value(moment: Moment | None, timezone: str | None = None) -> str | None:
    """ISO 8601 at the moment's own precision, with the UTC offset when a time and a
    zone are known ('2022-10-05T08:30:00+02:00', '2016-12-01', '2016-12', '2016')."""
    if moment is None:
        return None
    aware = moment.as_datetime(timezone) if timezone else None
    return aware.isoformat() if aware else moment.iso()


def _clean(data: JsonObject) -> JsonObject:
    """Drop empty values, so a missing fact is left out rather than stated as blank."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _one_or_list(values: list[str]) -> str | list[str] | None:
    """A single value as itself, as JSON-LD writes it; several as a list."""
    return values[0] if len(values) == 1 else values or None


class Graph:
    """Builds JSON-LD nodes for the views of one site."""

    def __init__(self, site: SiteView) -> None:
        self.site = site

    def id_of(self, view: View[Any]) -> str:
        return view.absolute_url

    def ref(self, view: View[Any] | None) -> JsonObject | None:
        """A short node that points at the record's own page, where the full node lives."""
        if view is None:
            return None
        return {
            "@type": SCHEMA_TYPES[view.record.type_name],
            "@id": self.id_of(view),
            "name": view.title,
        }

    def refs(self, views: list[Any]) -> list[JsonObject]:
        return [r for r in (self.ref(v) for v in views) if r is not None]

    def node(self, view: View[Any]) -> JsonObject:
        builder = BUILDERS.get(type(view))
        extra = builder(self, view) if builder else {}
        base: JsonObject = {
            "@context": SCHEMA_CONTEXT,
            "@type": SCHEMA_TYPES[view.record.type_name],
            "@id": self.id_of(view),
            "url": self.id_of(view),
            "name": view.title,
            "description": view.description,
            "isBasedOn": self.refs([s for s in view.sources_list if s is not view]),
        }
        return _clean(base | extra)

    def website(self) -> JsonObject:
        config = self.site.config
        search = self.site.absolute_url(urls.SEARCH_URL)
        action = {
            "@type": "SearchAction",
            "target": f"{search}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        }
        return _clean(
            {
                "@context": SCHEMA_CONTEXT,
                "@type": "WebSite",
                "@id": self.site.absolute_url(urls.HOME_URL),
                "url": self.site.absolute_url(urls.HOME_URL),
                "name": config.title,
                "description": config.description,
                "inLanguage": self.site.language,
                "potentialAction": action if config.search else None,
            }
        )

    # --- one builder per record type ---------------------------------------------------

    def event(self, view: EventView) -> JsonObject:
        event = view.record
        return {
            "startDate": moment_value(event.start, event.timezone),
            "endDate": moment_value(event.end, event.timezone),
            **self._where(event),
            "organizer": self.refs(view.organisers),
            "sponsor": self.refs(view.supporters),
            "contributor": self.refs(view.contributors),
            "performer": self.refs([person for person, _ in view.speakers]),
            "subEvent": [self._session_summary(s) for s in view.sessions],
            "superEvent": self.ref(view.parent),
            "about": self.refs(view.about_events),
            "sameAs": str(event.website) if event.website else None,
            "keywords": event.hashtag,
            "image": [p.absolute for p in view.photos] or None,
        }

    @staticmethod
    def _where(event: Event) -> JsonObject:
        """Location and attendance mode, which a session shares with its event."""
        place = event.place
        online = bool(place and place.online)
        physical = bool(place and (place.venue or place.city or place.country))
        locations: list[JsonObject] = []
        if physical and place:
            address = _clean(
                {
                    "@type": "PostalAddress",
                    "addressLocality": place.city,
                    "addressCountry": place.country,
                }
            )
            locations.append(
                _clean({"@type": "Place", "name": place.venue or place.city, "address": address})
            )
        if online:
            locations.append(
                _clean({"@type": "VirtualLocation", "url": str(event.website or "") or None})
            )
        # Offline only where the source says it was not online: a venue alone does not.
        not_online = place is not None and place.online is False
        mode = (
            "mixed"
            if online and physical
            else "online"
            if online
            else "offline"
            if physical and not_online
            else None
        )
        return {
            "eventAttendanceMode": ATTENDANCE_MODES.get(mode or ""),
            "location": locations[0] if len(locations) == 1 else locations,
        }

    def _session_summary(self, view: SessionView) -> JsonObject:
        event = view.event_view
        zone = event.record.timezone if event else None
        return _clean(
            (self.ref(view) or {})
            | {
                "startDate": moment_value(view.record.start, zone),
                "endDate": moment_value(view.record.end, zone),
            }
        )

    def session(self, view: SessionView) -> JsonObject:
        summary = self._session_summary(view)
        event = view.event_view
        where = self._where(event.record) if event else {}
        return {
            "startDate": summary.get("startDate"),
            "endDate": summary.get("endDate"),
            "superEvent": self.ref(event),
            "location": where.get("location"),
            "eventAttendanceMode": where.get("eventAttendanceMode"),
            "performer": self.refs([p.person for p in view.participants]),
            "about": view.record.topics,
        }

    def person(self, view: PersonView) -> JsonObject:
        latest = view.latest_role
        return {
            "alternateName": _one_or_list(view.record.aliases),
            "honorificPrefix": view.record.honorific,
            "jobTitle": latest.title if latest else None,
            "worksFor": self.ref(latest.organisation) if latest and latest.organisation else None,
            "affiliation": self.refs(view.organisations),
            "award": [award.title for award in view.awards_won],
            "nationality": view.record.country,
            "image": view.portrait.absolute if view.portrait else None,
        }

    def organisation(self, view: OrganisationView) -> JsonObject:
        org = view.record
        return {
            "alternateName": _one_or_list(([org.acronym] if org.acronym else []) + org.aliases),
            "foundingDate": moment_value(org.founded),
            "parentOrganization": self.ref(view.parent),
            "subOrganization": self.refs(view.children),
            "member": self.refs(view.partners),
            "memberOf": self.refs(view.partner_of),
            "address": _clean({"@type": "PostalAddress", "addressCountry": org.country})
            if org.country
            else None,
            "sameAs": str(org.website) if org.website else None,
            "award": [self._award_text(award, won) for award, won in view.awards],
            "logo": view.logo.absolute if view.logo else None,
        }

    def _award_text(self, award: AwardView, won: bool) -> str:
        gettext = self.site.interface.gettext
        text = gettext("%(award)s (winner)") if won else gettext("%(award)s (shortlisted)")
        return text % {"award": award.title}

    def award(self, view: AwardView) -> JsonObject:
        winners = [w.person or w.organisation for w in view.winners]
        return {
            "genre": self.site.type_label("award"),
            "temporalCoverage": str(view.record.year),
            "about": self.refs([w for w in winners if w is not None]),
            "recordedAt": self.ref(view.event),
            "sourceOrganization": self.refs(view.organisers),
        }

    def call(self, view: CallView) -> JsonObject:
        call = view.call
        return {
            "additionalType": "https://schema.org/Grant",
            "genre": view.kind_label,
            "funder": self.ref(view.funder),
            "provider": self.ref(view.issuer),
            "datePublished": moment_value(call.opens, call.timezone),
            "expires": moment_value(call.deadline, call.timezone),
            "isPartOf": _clean({"@type": "CreativeWorkSeries", "name": call.programme})
            if call.programme
            else None,
            "sameAs": str(call.link) if call.link else None,
            "recordedAt": self.refs(view.events) or None,
        }

    def poll(self, view: PollView) -> JsonObject:
        poll = view.record
        return {
            "text": poll.question,
            "answerCount": len(poll.answers),
            "suggestedAnswer": [self._answer(a) for a in view.answers if not a.chosen],
            "acceptedAnswer": [self._answer(a) for a in view.answers if a.chosen],
            "interactionStatistic": {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/VoteAction",
                "userInteractionCount": poll.respondents,
            }
            if poll.respondents is not None
            else None,
            "recordedAt": self.ref(view.event),
            "isPartOf": self.ref(view.session),
        }

    def _answer(self, answer: Answer) -> JsonObject:
        share = answer.share
        described = None
        if share is not None:
            of_all = self.site.interface.gettext("%(percent)s of respondents")
            described = of_all % {"percent": percent_text(share, self.site.locale)}
        return _clean(
            {
                "@type": "Answer",
                "text": answer.text,
                "description": described,
                "position": answer.rank,
            }
        )

    def report(self, view: ReportView) -> JsonObject:
        report = view.report
        return {
            "genre": view.kind_label,
            "author": self.refs(view.authors),
            "publisher": self.refs(view.publishers),
            "datePublished": moment_value(report.date),
            "about": self.refs(view.about),
            "isPartOf": self.ref(view.part_of),
            "hasPart": self.refs(view.parts),
            "sameAs": str(report.link) if report.link else None,
            "abstract": " ".join(report.findings) or None,
        }

    def series(self, view: SeriesView) -> JsonObject:
        series = view.record
        return {
            "organizer": self.refs(view.organisers),
            "subEvent": self.refs(view.editions),
            "sameAs": str(series.website) if series.website else None,
        }


BUILDERS: dict[type[View[Any]], Callable[[Graph, Any], JsonObject]] = {
    EventView: Graph.event,
    SessionView: Graph.session,
    PersonView: Graph.person,
    OrganisationView: Graph.organisation,
    AwardView: Graph.award,
    CallView: Graph.call,
    PollView: Graph.poll,
    ReportView: Graph.report,
    SeriesView: Graph.series,
}


class Discovery:
    """What a page's head says about it to crawlers, feed readers and search; each part
    is computed once, when a template first asks for it."""

    pagefind_url = urls.PAGEFIND_URL

    def __init__(self, site: SiteView, page: Any, record: View[Any] | None) -> None:
        self.site = site
        self.page = page
        self.record = record
        self.kind: str = f"{page.index_of}s-index" if page.index_of else page.kind
        self.noindex = page.kind in NOINDEX_KINDS
        self.record_type = record.type_label if record else None
        self.og_type = "profile" if page.kind == "person" else "article" if record else "website"

    @cached_property
    def image(self) -> Any:
        """The picture that stands for the page in a shared link (Open Graph)."""
        record = self.record
        if record is None:
            return None
        # Link previews take JPEG or PNG, not SVG; a decorative picture says nothing.
        shown = [getattr(record, name, None) for name in ("portrait", "logo")]
        shown += getattr(record, "photos", None) or []
        return next((p for p in shown if p and not p.decorative and not p.is_svg), None)

    @cached_property
    def search_base(self) -> str:
        """Where the search results' URLs start: the site's base path, whatever the
        page's language (the index holds every tree's pages by their site URL, '/fr/...')."""
        return urls.with_base(self.site.config.base_url, urls.HOME_URL)

    @cached_property
    def pagefind_parts(self) -> list[str]:
        """The parts of the search index after the first, for the search page to merge
        (a large site is indexed in parts: ``urls.bundle_urls``)."""
        record_pages = len(self.site.registry) * len(self.site.trees)  # a page a language
        parts = urls.bundle_urls(record_pages, self.site.config.search_index_pages)
        return [self.site.url(part) for part in parts[1:]]

    @cached_property
    def canonical(self) -> str | None:
        return None if self.noindex else self.site.absolute_url(self.page.path)

    @cached_property
    def title(self) -> str:
        if self.record is not None:
            return self.record.title
        if self.page.index_of:
            return self.site.type_label(self.page.index_of, plural=True)
        if self.page.kind == "search":
            return self.site.interface.gettext("Search")
        return str(self.site.config.title)

    @cached_property
    def description(self) -> str:
        config = self.site.config
        if self.record is not None:
            return self.record.description
        if self.page.index_of:
            text = self.site.interface.gettext("%(listing)s in %(site)s")
            return text % {"listing": self.title, "site": config.title}
        return str(config.description)

    @cached_property
    def json_ld(self) -> Markup | None:
        graph = Graph(self.site)
        if self.record is not None:  # on a record's first page only: one node a record
            return script_json(graph.node(self.record)) if self.page.number == 1 else None
        return script_json(graph.website()) if self.page.kind == "home" else None

    @cached_property
    def calendar(self) -> str | None:
        return urls.calendar_url_of(self.record.record) if self.record else None

    @property
    def subscribe(self) -> list[tuple[str, str, str]]:
        """(label, site URL, format) links for the page's "Add to calendar" box."""
        gettext = self.site.interface.gettext
        links = []
        if self.kind in ("event", "events-index"):
            if self.calendar:
                links.append((gettext("Add to calendar"), self.calendar, "iCalendar"))
            links.append((gettext("Calendar of all events"), urls.EVENTS_CALENDAR_URL, "iCalendar"))
            links.append((gettext("Feed of events and news"), urls.EVENTS_FEED_URL, "Atom"))
        elif self.kind in ("call", "calls-index"):
            if self.calendar:
                links.append((gettext("Add the deadline to calendar"), self.calendar, "iCalendar"))
            calendar = gettext("Calendar of all deadlines")
            links.append((calendar, urls.DEADLINES_CALENDAR_URL, "iCalendar"))
            links.append((gettext("Feed of funding calls"), urls.CALLS_FEED_URL, "Atom"))
        return links


@jinja2.pass_context
def discovery(context: jinja2.runtime.Context) -> Discovery:
    """Template global: ``{% set d = discovery() %}`` in any page template (cheap: every
    part is computed only when asked for)."""
    record = context.get("record")
    return Discovery(context["site"], context["page"], record if isinstance(record, View) else None)


def register(env: jinja2.Environment) -> None:
    env.globals["discovery"] = discovery
