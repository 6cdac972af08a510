"""Views of funding calls, with their status as of the build's day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...content.models import FundingCall
from ..i18n import N_
from .base import View
from .format import span_text

if TYPE_CHECKING:
    from .events import EventView, SessionView
    from .people import OrganisationView

STATUS_LABELS = {
    "open": N_("Open"),
    "closing-soon": N_("Closing soon"),
    "closed": N_("Closed"),
    "upcoming": N_("Not yet open"),
    "no-deadline": N_("No deadline"),
}


class CallView(View[FundingCall]):
    title_fields = ("title",)

    @property
    def call(self) -> FundingCall:
        return self.record

    @property
    def status(self) -> str:
        return self.call.status(self.site.today)

    @property
    def status_label(self) -> str:
        return self.site.interface.gettext(STATUS_LABELS[self.status])

    @property
    def days_left(self) -> int | None:
        return self.call.days_left(self.site.today)

    @property
    def countdown(self) -> str:
        days = self.days_left
        if days is None or days < 0:
            return ""
        if days == 0:
            return self.site.interface.gettext("closes today")
        text = self.site.interface.ngettext("closes in %(num)d day", "closes in %(num)d days", days)
        return text % {"num": days}

    @property
    def deadline_text(self) -> str:
        deadline = self.call.deadline
        if deadline is None:
            return ""
        return span_text(deadline, None, self.call.timezone, self.site.locale)

    @property
    def sort_key(self) -> tuple[int, tuple[int, ...], str]:
        deadline = self.call.deadline
        return (0 if deadline else 1, deadline.sort_key if deadline else (0,), self.title)

    @property
    def kind_label(self) -> str:
        return self.site.label(self.call.kind)

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
        gettext = self.site.interface.gettext
        facts = {"label": self.kind_label or self.type_label, "title": self.title}
        if self.deadline_text:
            text = gettext("%(label)s: %(title)s (deadline %(date)s)")
            return text % (facts | {"date": self.deadline_text})
        return gettext("%(label)s: %(title)s") % facts
