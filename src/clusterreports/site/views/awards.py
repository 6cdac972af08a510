"""Views of awards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...content.models import Award, Entry
from .base import EntryView, View
from .format import humanise

if TYPE_CHECKING:
    from .events import EventView
    from .people import OrganisationView


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
