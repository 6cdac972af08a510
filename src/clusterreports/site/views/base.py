"""The view every record has, the order of dated lists, and the small views
of one part of a record (a role, a participant, an entry, a quote)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from markupsafe import Markup, escape

from ...content.models import (
    EventPerson,
    Organisation,
    Participant,
    Record,
    Role,
    translatable_fields,
)
from .. import urls
from ..i18n import N_
from .format import date_text, link_html
from .labels import ROLE_TEXTS

if TYPE_CHECKING:
    from .events import EventView, SessionView
    from .people import OrganisationView, PersonView
    from .site import SiteView

# the word that marks the event on the organisation's page, in the order shown.
EVENT_ORGANISATION_ROLES = {
    "organiser": (N_("Organised by"), N_("organiser")),
    "co-organiser": (N_("Co-organised by"), N_("co-organiser")),
    "on-behalf-of": (N_("On behalf of"), N_("organised on its behalf")),
    "delivered-by": (N_("Delivered by"), N_("delivered it")),
    "presidency": (N_("Under the presidency of"), N_("presidency")),
    "host": (N_("Hosted by"), N_("host")),
    "partner": (N_("Partners"), N_("partner")),
    "supporter": (N_("With the support of"), N_("supporter")),
}


R = TypeVar("R", bound=Record)
V = TypeVar("V", bound="View[Any]")


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
        return urls.with_base(self.site.config.base_url, self.site.prefix + self.url)

    @cached_property
    def absolute_url(self) -> str:
        return urls.absolute(self.site.config.absolute_base, self.site.prefix + self.url)

    @cached_property
    def anchor_html(self) -> Markup:
        fields = self.title_fields
        lang = self.site.untranslated(self.record, fields) if fields else ""
        return link_html(self.href, self.title, lang)

    # The fields its title is made of, to mark the title with the language it is shown
    # in: an organisation's name is in the content's language, whatever the page's; a
    # person's name (none given) belongs to no language.
    title_fields: tuple[str, ...] = ()

    def lang(self, *fields: str) -> Markup:
        """' lang="en"' for an element showing ``fields`` (any of the record's text if
        none is named) in a language other than the page's, where no translation gives
        them: so that screen readers say them right. Nothing where they are translated."""
        original = self.site.untranslated(self.record, fields)
        return Markup(f' lang="{escape(original)}"') if original else Markup("")

    @cached_property
    def untranslated(self) -> str:
        """The name of the language the page shows this record in, on a page of another
        language that has no translation of it and where it has text to translate ('' else)."""
        record = self.record
        texts = [name for name in translatable_fields(record.__class__) if getattr(record, name)]
        original = self.site.untranslated(record) if texts else ""
        return self.site.language_name(original) if original else ""

    @property
    def title(self) -> str:
        return self.record.title_text

    @property
    def type_label(self) -> str:
        return self.site.type_label(self.record.type_name)

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
        home = self.site.interface.gettext("Home")
        listing = self.site.type_label(self.record.type_name, plural=True)
        return [(home, urls.HOME_URL), (listing, self.index_url)]

    @property
    def description(self) -> str:
        text = self.site.interface.gettext("%(label)s: %(title)s")
        return text % {"label": self.type_label, "title": self.title}

    def titled(self, details: list[str]) -> str:
        """The record's title followed by what else describes it ('ECC 2016: Conference,
        1–2 December 2016, Brussels'), worded as the page's language writes it."""
        shown = ", ".join(d for d in details if d)
        if not shown:
            return self.title
        text = self.site.interface.gettext("%(title)s: %(details)s")
        return text % {"title": self.title, "details": shown}


def dated_first(key: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    """The one order of dated lists on record pages: oldest first, undated items
    (a zero key) after the dated ones."""
    return (0, key) if any(key) else (1, ())


def named_in(position: str | None, organisation: View[Organisation] | None) -> bool:
    """Whether a position as the source words it already names its organisation
    ('Head of Unit, DG GROW'), so the page need not name it again."""
    if not position or organisation is None:
        return False
    record = organisation.record
    names = [record.name, record.acronym or "", *record.aliases]
    return any(name and name.lower() in position.lower() for name in names)


def by_date(reports: list[V]) -> list[V]:
    """Publications in the order of every dated list: oldest first, undated last."""
    return sorted(reports, key=lambda r: (dated_first(r.sort_key), r.title))


def joined(*parts: str | View[Any] | None) -> Markup:
    """The parts given, as one line: 'Head of Unit, <a …>DG GROW</a>'. Views are links
    and text is escaped, as the ``link``s of a template joined with ", " would be."""
    return Markup(", ").join(p.anchor_html if isinstance(p, View) else p for p in parts if p)


class InCapacity:
    """Someone somewhere as the source words it: a position and an organisation, which
    is not named again where the position names it already."""

    position: str | None
    organisation: OrganisationView | None

    @property
    def organisation_shown(self) -> OrganisationView | None:
        return None if named_in(self.position, self.organisation) else self.organisation

    @property
    def capacity(self) -> Markup:
        """'Head of Unit, <a …>DG GROW</a>'; empty where neither is known."""
        return joined(self.position, self.organisation_shown)


@dataclass
class Appearance(InCapacity):
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


@dataclass
class ParticipantView(InCapacity):
    """A person in a session, or at an event outside any session."""

    person: PersonView
    role: str | None
    position: str | None
    organisation: OrganisationView | None

    @classmethod
    def of(cls, part: Participant | EventPerson, site: SiteView) -> ParticipantView:
        person = site.find("person", part.person)
        assert person is not None, "validation stops a build on a dangling reference"
        return cls(person, part.role, part.position, site.find("organisation", part.organisation))

    @property
    def role_label(self) -> str:
        return self.person.site.label(self.role)

    @property
    def role_text(self) -> str:
        """The role inside a line of text: 'keynote speaker'."""
        known = ROLE_TEXTS.get(self.role or "")
        if known is None:
            return self.role_label.lower()
        return self.person.site.interface.pgettext(*known)


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
    lang: str = ""  # the language the words were said in, where not the page's

    @staticmethod
    def said_in(language: str | None, site: SiteView) -> str:
        """A quote's ``lang`` (None: the default language's) as the page marks it."""
        said = language or site.config.default_language
        return "" if said == site.language else said


@dataclass
class RoleView:
    role: Role
    organisation: OrganisationView | None
    site: SiteView

    @property
    def title(self) -> str:
        return self.role.title or ""

    @property
    def text(self) -> str:
        """'Head of Unit, DG GROW', where a link to the organisation cannot go (inside
        another link, or a page's description)."""
        organisation = self.organisation.title if self.organisation else ""
        return ", ".join(p for p in (self.title, organisation) if p)

    @property
    def capacity(self) -> Markup:
        """'Head of Unit, <a …>DG GROW</a>'."""
        return joined(self.title, self.organisation)

    @property
    def title_and_when(self) -> str:
        """'Head of Unit, from 2019': the role on its organisation's own page."""
        return ", ".join(p for p in (self.title, self.when) if p)

    @property
    def when(self) -> str:
        role = self.role
        if role.start or role.end:
            start = date_text(role.start, self.site.locale) if role.start else ""
            end = date_text(role.end, self.site.locale) if role.end else ""
            if start and end:
                return f"{start} – {end}"
            gettext = self.site.interface.gettext
            return (
                gettext("from %(date)s") % {"date": start}
                if start
                else gettext("until %(date)s") % {"date": end}
            )
        if role.as_of:
            as_of = date_text(role.as_of, self.site.locale)
            return self.site.interface.gettext("as of %(date)s") % {"date": as_of}
        return ""
