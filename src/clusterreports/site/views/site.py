"""What every template sees as ``site``: listings, navigation and the views of records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Literal, overload

from babel import Locale
from markupsafe import Markup

from ...config import SiteConfig
from ...content.models import (
    RECORD_TYPES,
    Award,
    Event,
    Figure,
    FundingCall,
    Organisation,
    Person,
    Poll,
    Record,
    Report,
    Series,
    Session,
)
from ...content.registry import Registry, key_of
from .. import urls
from ..i18n import ENGLISH, Interface
from .awards import AwardView
from .base import View
from .calls import CallView
from .events import EventView, SeriesView, SessionView, newest_first
from .format import figure_number, humanise, link_html
from .labels import TYPE_LABELS, VOCABULARY_LABELS
from .people import OrganisationView, PersonView
from .polls import PollView
from .reports import ReportView


@dataclass(frozen=True)
class Alternate:
    """A page in one of the site's languages."""

    language: str  # its tag: 'fr'
    name: str  # in the language itself: 'français'
    href: str
    absolute: str
    current: bool  # the language of the page it is offered on


@cache
def language_name(tag: str) -> str:
    """A language's name as its speakers write it ('français', 'Deutsch'), as language
    switchers show them."""
    return Locale.parse(tag.replace("-", "_")).get_display_name() or tag


class SiteView:
    """What every template sees as ``site``."""

    search_url = urls.SEARCH_URL

    def __init__(
        self,
        registry: Registry,
        config: SiteConfig,
        today: dt.date,
        tree: urls.Tree | None = None,
        interface: Interface = ENGLISH,
    ) -> None:
        self.registry = registry
        self.config = config
        self.today = today
        tree = tree or urls.Tree(config.default_language)
        self.language = tree.language  # of the pages: their interface and their text
        self.prefix = tree.prefix  # where the pages of that language are: '', '/fr'
        self.trees = urls.trees(config)
        self.interface = interface
        self._views: dict[tuple[str, str], View[Any]] = {}
        self._hrefs: dict[str, str] = {}  # the same few paths (navigation) on every page
        self.fragments: dict[Any, Markup] = {}  # render.fragment's, for this view's pages

    @cached_property
    def locale(self) -> Locale:
        """The language its pages' dates and numbers are worded in."""
        return Locale.parse(self.language.replace("-", "_"))

    def type_label(self, type_name: str, plural: bool = False) -> str:
        """A record type's name in the interface's language: 'Event', or as the name of
        its listing 'Events'."""
        return self.interface.gettext(TYPE_LABELS[type_name][1 if plural else 0])

    def label(self, value: str | None) -> str:
        """A vocabulary's value as the interface names it ('award-ceremony': 'Award
        ceremony'); text the source words itself is shown as it is, humanised."""
        known = VOCABULARY_LABELS.get(value or "")
        return self.interface.gettext(known) if known else humanise(value)

    def figure_value(self, figure: Figure) -> str:
        """A figure's value as the source gives it ('more than 500'), in the interface's words."""
        number = figure_number(figure, self.locale)
        if not figure.more_than:
            return number
        return self.interface.gettext("more than %(number)s") % {"number": number}

    def untranslated(self, record: Record, fields: tuple[str, ...] = ()) -> str:
        """The language a record's ``fields`` (any text of it, if none are named) are
        shown in when that is not the page's: the default language's tag, where no
        translation into the page's language gives them; '' where they are in it."""
        default = self.config.default_language
        if self.language == default:
            return ""
        translated = self.registry.translated_fields(key_of(record), self.language)
        if fields:
            return "" if translated.intersection(fields) else default
        return "" if translated else default

    def language_name(self, tag: str) -> str:
        """A language's name in the page's language: 'anglais' on a French page."""
        names = self.locale.languages
        return names.get(tag.replace("-", "_")) or names.get(tag.split("-")[0]) or tag

    def view(self, record: Record) -> Any:
        key = key_of(record)
        if key not in self._views:
            self._views[key] = VIEW_TYPES.get(record.__class__, View)(
                record, self
            )  # a tracked record's class is its model's
        return self._views[key]

    def limit_views(self, most: int) -> None:
        """Drop the views made so far (with what they cached) if there are more than
        ``most``: they are rebuilt when next asked for."""
        if len(self._views) > most:
            self._views.clear()

    @overload
    def find(self, type_name: Literal["event"], record_id: str | None) -> EventView | None: ...
    @overload
    def find(self, type_name: Literal["session"], record_id: str | None) -> SessionView | None: ...
    @overload
    def find(self, type_name: Literal["series"], record_id: str | None) -> SeriesView | None: ...
    @overload
    def find(self, type_name: Literal["person"], record_id: str | None) -> PersonView | None: ...
    @overload
    def find(
        self, type_name: Literal["organisation"], record_id: str | None
    ) -> OrganisationView | None: ...
    @overload
    def find(self, type_name: Literal["award"], record_id: str | None) -> AwardView | None: ...
    @overload
    def find(self, type_name: Literal["call"], record_id: str | None) -> CallView | None: ...
    @overload
    def find(self, type_name: Literal["poll"], record_id: str | None) -> PollView | None: ...
    @overload
    def find(self, type_name: Literal["report"], record_id: str | None) -> ReportView | None: ...
    @overload
    def find(self, type_name: str, record_id: str | None) -> View[Any] | None: ...

    def find(self, type_name: str, record_id: str | None) -> Any:
        """The view of a referenced record, typed by its type's name; None when the
        reference is empty (validation has already reported any that points nowhere)."""
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
            href = urls.with_base(self.config.base_url, urls.in_language(path, self.prefix))
            self._hrefs[path] = href
        return href

    def link(self, view: Any) -> Markup:
        """An anchor to a record's page (the ``link`` of templates/_macros.html): in
        Python because pages call it thousands of times, where a macro costs ten times more."""
        if not view:
            return Markup("")
        if isinstance(view, View):
            return view.anchor_html
        return link_html(self.url(view), view.title)

    def absolute_url(self, target: Any) -> str:
        if isinstance(target, View):
            return target.absolute_url
        return urls.absolute(self.config.absolute_base, urls.in_language(str(target), self.prefix))

    def alternates(self, path: str) -> list[Alternate]:
        """The page at ``path`` in each language of a multilingual site (none on a site in
        one language): for the language switcher and the hreflang links."""
        if len(self.trees) < 2:
            return []
        base, absolute_base = self.config.base_url, self.config.absolute_base
        return [
            Alternate(
                tree.language,
                language_name(tree.language),
                urls.with_base(base, urls.in_language(path, tree.prefix)),
                urls.absolute(absolute_base, urls.in_language(path, tree.prefix)),
                tree.language == self.language,
            )
            for tree in self.trees
        ]

    @cached_property
    def navigation(self) -> list[tuple[str, str, str]]:
        """The main menu, (label, site-relative URL, link): a listing per record type,
        but sessions, which are found under their events."""
        paths = {
            self.type_label(t.type_name, plural=True): urls.index_url(t.type_name)
            for t in RECORD_TYPES
            if t is not Session
        }
        return [(label, path, self.url(path)) for label, path in paths.items()]

    @property
    def feeds(self) -> list[tuple[str, str]]:
        """(title, site URL) of the site's Atom feeds, for the head's feed links."""
        gettext = self.interface.gettext
        return [
            (gettext("Events and news"), urls.EVENTS_FEED_URL),
            (gettext("Funding calls"), urls.CALLS_FEED_URL),
        ]

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
        return newest_first(self.all("event"))

    @property
    def latest_events(self) -> list[EventView]:
        """Newest first, only events a date is known for: an undated one is never 'latest'."""
        return [e for e in self.events_by_date if e.date is not None]

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
            result.append((self.interface.gettext("Date not given"), groups[None]))
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
            groups[self.label(value) if value and attribute == "kind" else value or ""].append(org)
        named = sorted((k, v) for k, v in groups.items() if k)
        return named + ([(self.interface.gettext("Not given"), groups[""])] if "" in groups else [])

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
            (
                self.type_label(t.type_name, plural=True),
                len(self.registry.records[t.type_name]),
                urls.index_url(t.type_name),
            )
            for t in RECORD_TYPES
        ]


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
