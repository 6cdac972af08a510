"""Template-facing views: what a page shows about a record, read from the registry.

Models stay plain data; everything that needs the registry (backlinks, resolved
references, computed status) lives here, so templates never touch raw ids. Each
module holds the views of one part of the site; they import each other at run time
only downwards (format, labels, base, the record types, site), and the names below are the
package's whole public face.
"""

from __future__ import annotations

from .awards import AwardView
from .base import (
    EVENT_ORGANISATION_ROLES,
    Appearance,
    EntryView,
    InCapacity,
    ParticipantView,
    QuoteView,
    RoleView,
    View,
    by_date,
    dated_first,
    joined,
    named_in,
)
from .calls import STATUS_LABELS, CallView
from .events import EventView, SeriesChart, SeriesView, SessionView, newest_first
from .format import (
    Bar,
    DateStyle,
    FigureCard,
    date_style,
    date_text,
    figure_icon,
    figure_number,
    humanise,
    link_html,
    number_text,
    percent_text,
    span_text,
)
from .people import OrganisationView, PersonView
from .polls import PollView
from .reports import ReportView
from .site import VIEW_TYPES, Alternate, SiteView, language_name

__all__ = [
    "EVENT_ORGANISATION_ROLES",
    "STATUS_LABELS",
    "VIEW_TYPES",
    "Alternate",
    "Appearance",
    "AwardView",
    "Bar",
    "CallView",
    "DateStyle",
    "EntryView",
    "EventView",
    "FigureCard",
    "InCapacity",
    "OrganisationView",
    "ParticipantView",
    "PersonView",
    "PollView",
    "QuoteView",
    "ReportView",
    "RoleView",
    "SeriesChart",
    "SeriesView",
    "SessionView",
    "SiteView",
    "View",
    "by_date",
    "date_style",
    "date_text",
    "dated_first",
    "figure_icon",
    "figure_number",
    "humanise",
    "joined",
    "language_name",
    "link_html",
    "named_in",
    "newest_first",
    "number_text",
    "percent_text",
    "span_text",
]
