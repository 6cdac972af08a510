"""Views of people and organisations, which mostly show each other."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from slugify import slugify

from ...content.models import Organisation, Person, Quote
from .. import imageviews
from ..i18n import N_
from .base import (
    EVENT_ORGANISATION_ROLES,
    Appearance,
    QuoteView,
    RoleView,
    View,
    by_date,
    dated_first,
)
from .format import date_text

# An organisation's part in a call, as its page lists it.
CALL_PARTS = {
    ("funder",): N_("funder"),
    ("issuer",): N_("issuer"),
    ("funder", "issuer"): N_("funder and issuer"),
}

if TYPE_CHECKING:
    from .awards import AwardView
    from .calls import CallView
    from .events import EventView, SessionView
    from .reports import ReportView


class PersonView(View[Person]):
    @cached_property
    def portrait(self) -> imageviews.Picture | None:
        return imageviews.picture(self, self.record.portrait)

    @cached_property
    def photos_showing(self) -> list[tuple[imageviews.Picture, Any]]:
        return imageviews.photos_showing(self)

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
        return [
            RoleView(r, self.site.find("organisation", r.organisation), self.site) for r in ordered
        ]

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

    @cached_property
    def moderated(self) -> list[EventView]:
        return self._referrers("event", "moderators")

    @cached_property
    def awards_won(self) -> list[AwardView]:
        return sorted(self._referrers("award", "winners"), key=lambda a: a.record.year)

    @property
    def shortlisted(self) -> list[AwardView]:
        won = {a.id for a in self.awards_won}
        return [a for a in self._referrers("award", "shortlist") if a.id not in won]

    @cached_property
    def quotes(self) -> list[QuoteView]:
        found = []
        for link in self.site.registry.links_to(self.record, "session"):
            if link.field == "quotes":
                session: SessionView = self.site.view(link.source)
                quote: Quote = session.record.quotes[int(link.loc[1])]
                lang = QuoteView.said_in(quote.lang, self.site)
                found.append(QuoteView(quote.text, self, quote.context, session, lang))
        return found

    @cached_property
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
        return self.titled([role.text] if role is not None else [])


class OrganisationView(View[Organisation]):
    title_fields = ("name",)

    @cached_property
    def logo(self) -> imageviews.Picture | None:
        return imageviews.picture(self, self.record.logo)

    @property
    def sort_key(self) -> str:
        return slugify(self.record.name)

    @property
    def kind_label(self) -> str:
        return self.site.label(self.record.kind)

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

    @cached_property
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

    @cached_property
    def unit_people(self) -> list[tuple[PersonView, RoleView, OrganisationView]]:
        """The people of its units, each with the unit, so a directorate's page shows
        everyone who worked in it."""
        found = []
        for unit in self.units:
            current, former = unit.people
            found += [(person, role, unit) for person, role in current + former]
        return sorted(found, key=lambda pru: (pru[0].sort_key, dated_first(pru[1].role.when_key)))

    @cached_property
    def unit_events(self) -> list[tuple[EventView, str, OrganisationView]]:
        found = [(event, part, unit) for unit in self.units for event, part in unit.organised]
        return sorted(found, key=lambda epu: dated_first(epu[0].sort_key))

    @property
    def lead(self) -> OrganisationView | None:
        return self.site.find("organisation", self.record.lead)

    @property
    def partners(self) -> list[OrganisationView]:
        return self._refs("organisation", self.record.partners)

    @cached_property
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

    @cached_property
    def organised(self) -> list[tuple[EventView, str]]:
        """Events it had a part in, with that part ('organiser', 'host, partner')."""
        events: dict[str, EventView] = {}
        for field in ("organisers", "supporters", "organisations"):
            for event in self._referrers("event", field):
                events.setdefault(event.id, event)
        found = []
        for event in sorted(events.values(), key=lambda e: dated_first(e.sort_key)):
            roles = [
                self.site.interface.gettext(EVENT_ORGANISATION_ROLES[role][1])
                for role, orgs in event.organisations_by_role.items()
                if any(o.id == self.id for o in orgs)
            ]
            found.append((event, ", ".join(roles)))
        return found

    @cached_property
    def took_part(self) -> list[tuple[EventView, SessionView]]:
        pairs: dict[str, tuple[EventView, SessionView]] = {}
        for session in self._referrers("session"):
            event = session.event_view
            if event is not None:
                pairs.setdefault(session.id, (event, session))
        return sorted(pairs.values(), key=lambda es: (es[0].sort_key, es[1].sort_key))

    @cached_property
    def awards(self) -> list[tuple[AwardView, bool]]:
        """Awards it won or was shortlisted for, with whether it won."""
        found = [(a, True) for a in self._referrers("award", "winners")]
        won = {a.id for a, _ in found}
        shortlisted = self._referrers("award", "shortlist")
        found += [(a, False) for a in shortlisted if a.id not in won]
        return sorted(found, key=lambda pair: (pair[0].record.year, pair[0].title))

    @cached_property
    def calls(self) -> list[tuple[CallView, str]]:
        """Calls it funds or runs, with which ('funder', 'funder and issuer')."""
        found: dict[str, tuple[CallView, list[str]]] = {}
        for field in ("funder", "issuer"):
            for call in self._referrers("call", field):
                found.setdefault(call.id, (call, []))[1].append(field)
        ordered = sorted(found.values(), key=lambda cl: cl[0].sort_key)
        return [
            (call, self.site.interface.gettext(CALL_PARTS[tuple(parts)])) for call, parts in ordered
        ]

    @property
    def figure_rows(self) -> list[tuple[str, str]]:
        """Its dated figures as (figure, date) in date order, undated last."""
        figures = sorted(
            self.record.figures,
            key=lambda f: (f.as_of is None, f.as_of.sort_key if f.as_of else ()),
        )
        locale = self.site.locale
        return [
            (
                f"{self.site.figure_value(f)} {f.label}",
                date_text(f.as_of, locale) if f.as_of else "",
            )
            for f in figures
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
                return date_text(view.record.renamed, self.site.locale)
        return ""

    @cached_property
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
            bits.append(self.site.interface.gettext("part of %(name)s") % {"name": parent.title})
        return self.titled(bits)
