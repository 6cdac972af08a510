"""Views of reports: the sources records cite."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ...content.models import Report
from .base import View
from .labels import PARTS_HEADINGS

if TYPE_CHECKING:
    from .events import EventView
    from .people import OrganisationView, PersonView


class ReportView(View[Report]):
    title_fields = ("title",)

    @property
    def report(self) -> Report:
        return self.record

    @property
    def sort_key(self) -> tuple[int, ...]:
        return self.report.date.sort_key if self.report.date else (0,)

    @property
    def kind_label(self) -> str:
        return self.site.label(self.report.kind)

    @property
    def parts_heading(self) -> str:
        """'In this newsletter': the heading over its parts."""
        return self.site.interface.gettext(PARTS_HEADINGS[self.report.kind or "other"])

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
                label = self.site.type_label(record.type_name, plural=True)
                grouped[label].append(self.site.view(record))
        return [
            (label, sorted(views, key=lambda v: v.title.lower()))
            for label, views in sorted(grouped.items())
        ]
