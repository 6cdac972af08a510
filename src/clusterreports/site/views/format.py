"""How views word and shape what they show: dates, labels, chart bars, figure cards."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ...content.moment import Moment

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


def link_html(href: str, title: str) -> Markup:
    return Markup(f'<a href="{escape(href)}">{escape(title)}</a>')
