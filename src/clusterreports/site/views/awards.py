"""Views of awards."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ...content.models import Award, Entry
from .. import imageviews
from .base import EntryView, View
from .labels import DECISION_TEXTS

if TYPE_CHECKING:
    from .events import EventView
    from .people import OrganisationView


class AwardView(View[Award]):
    title_fields = ("name", "title")

    @cached_property
    def photos(self) -> list[imageviews.Picture]:
        return imageviews.pictures(self, self.record.photos)

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
        gettext = self.site.interface.gettext
        bits = []
        if self.record.shortlisted_by:
            method = gettext(DECISION_TEXTS[self.record.shortlisted_by])
            bits.append(gettext("shortlisted by %(method)s") % {"method": method})
        if self.record.decided_by:
            method = gettext(DECISION_TEXTS[self.record.decided_by])
            bits.append(gettext("decided by %(method)s") % {"method": method})
        text = ", ".join(bits)
        return text[:1].upper() + text[1:]

    @property
    def description(self) -> str:
        names = [(w.person or w.organisation).title for w in self.winners]  # type: ignore[union-attr]
        if not names:
            return f"{self.title}"
        text = self.site.interface.gettext("%(title)s: won by %(names)s")
        return text % {"title": self.title, "names": ", ".join(names)}
