"""How views word and shape what they show: dates, numbers, labels, chart bars, figure
cards. Dates, times and numbers are worded for a Babel ``Locale`` (the page's language)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import get_timezone_gmt, get_timezone_name, match_skeleton, parse_pattern
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from ...content.models import Figure
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


def link_html(href: str, title: str, lang: str = "") -> Markup:
    """An anchor; ``lang``: the title's language where it is not the page's."""
    marked = f' lang="{escape(lang)}"' if lang else ""
    return Markup(f'<a href="{escape(href)}"{marked}>{escape(title)}</a>')


# --- dates, times and numbers in the page's language -------------------------------------
# Views and filters call these for every date on every page, the same few thousand values
# again and again: each is cached for its (value, locale).
CACHED_TEXTS = 1 << 16


@dataclass(frozen=True)
class DateStyle:
    """How a language words dates and times: CLDR patterns (``d MMMM y``) by precision,
    with a span's two halves by the precision of both ends and the greatest field in
    which they differ (``y``, ``M``, ``d``; ``H``, ``m`` for times), as CLDR's interval
    formats are."""

    dates: dict[str, str]
    spans: dict[str, dict[str, tuple[str, str]]]
    apart: str  # two dates that no span pattern joins, e.g. at different precisions
    time: str
    times: dict[str, tuple[str, str]]
    date_and_time: str
    zone_abbreviations: bool  # the tz database's 'CEST' rather than CLDR's name


# English keeps the site's own style, older than its translations: '1–2 December 2016',
# '8:30' (Babel's en gives 'December 1, 2016', en_GB '1–2 Dec 2016', both '08:30'), and
# the zone as the tz database abbreviates it (CLDR's en has no 'CEST').
ENGLISH_STYLE = DateStyle(
    dates={"day": "d MMMM y", "month": "MMMM y", "year": "y"},
    spans={
        "day": {"d": ("d–", "d MMMM y"), "M": ("d MMMM – ", "d MMMM y")},
    },
    apart="{0} – {1}",
    time="H:mm",
    times={"H": ("H:mm–", "H:mm"), "m": ("H:mm–", "H:mm")},
    date_and_time="{1}, {0}",
    zone_abbreviations=True,
)
_SHORT_MONTH = re.compile(r"(?<!M)MMM(?!M)")


@cache
def date_style(locale: Locale) -> DateStyle:
    """The language's CLDR patterns; English keeps the site's own (``ENGLISH_STYLE``)."""
    if locale.language == "en":
        return ENGLISH_STYLE
    skeletons = locale.datetime_skeletons

    def pattern(skeleton: str) -> str:
        return str(skeletons[match_skeleton(skeleton, skeletons) or skeleton])

    intervals = locale.interval_formats
    return DateStyle(
        dates={"day": pattern("yMMMMd"), "month": pattern("yMMMM"), "year": pattern("y")},
        spans={
            # CLDR has spans of days only with short months ('1–2 déc. 2016'): widened
            # to the day's full month, as ICU widens a pattern to the skeleton asked for.
            "day": {
                field: (_full_months(first), _full_months(second))
                for field, (first, second) in intervals.get("yMMMd", {}).items()
            },
            "month": _halves(intervals.get("yMMMM", {})),
            "year": _halves(intervals.get("y", {})),
        },
        apart=str(intervals[None]),
        time=pattern("Hm"),
        times=_halves(intervals.get("Hm", {})),
        date_and_time=str(locale.datetime_formats["medium"]),
        zone_abbreviations=False,
    )


def _halves(patterns: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    return {field: (first, second) for field, (first, second) in patterns.items()}


def _full_months(pattern: str) -> str:
    # Quoted parts are literal text: every other part of the split is a pattern.
    parts = re.split(r"('[^']*')", pattern)
    return "".join(p if i % 2 else _SHORT_MONTH.sub("MMMM", p) for i, p in enumerate(parts))


# Spans are mostly new, their halves not: a few hundred times of day, a few thousand days.
@lru_cache(maxsize=CACHED_TEXTS)
def _apply(pattern: str, value: dt.date | dt.time, locale: Locale) -> str:
    return str(parse_pattern(pattern).apply(value, locale))


@lru_cache(maxsize=CACHED_TEXTS)
def date_text(moment: Moment, locale: Locale) -> str:
    """A date at its own precision: '5 October 2022', 'March 2017', '2016';
    '5 octobre 2022', '5. Oktober 2022'."""
    return _apply(date_style(locale).dates[_precision(moment)], moment.first_day(), locale)


def _precision(moment: Moment) -> str:
    if moment.month is None:
        return "year"
    return "month" if moment.day is None else "day"


def _greatest_difference(start: Moment, end: Moment) -> str:
    if start.year != end.year:
        return "y"
    return "M" if start.month != end.month else "d"


def _time(moment: Moment) -> dt.time:
    return dt.time(moment.hour or 0, moment.minute or 0)


@lru_cache(maxsize=CACHED_TEXTS)
def span_text(
    start: Moment | None, end: Moment | None, timezone: str | None, locale: Locale
) -> str:
    """From start to end, each at its precision, with the times and the zone of the
    start: '1–2 December 2016', '5 October 2022, 8:30–9:30 CEST', '2016';
    '1–2 décembre 2016', '1.–2. Dezember 2016'."""
    if start is None:
        return ""
    style = date_style(locale)
    if end is None or end.first_day() == start.first_day():
        text = date_text(start, locale)
    else:
        text = _dates_between(start, end, style, locale)
    if start.has_time:
        times = _times_between(start, end, style, locale)
        zone = _zone_text(start, timezone, style, locale)
        text = style.date_and_time.format(times + (f" {zone}" if zone else ""), text)
    return text


def _dates_between(start: Moment, end: Moment, style: DateStyle, locale: Locale) -> str:
    precision = _precision(start)
    halves = None
    if precision == _precision(end):
        halves = style.spans.get(precision, {}).get(_greatest_difference(start, end))
    if halves is None:
        return style.apart.format(date_text(start, locale), date_text(end, locale))
    return _apply(halves[0], start.first_day(), locale) + _apply(halves[1], end.first_day(), locale)


def _times_between(start: Moment, end: Moment | None, style: DateStyle, locale: Locale) -> str:
    """The start's time, and the end's where given (even on another day, or the same)."""
    if end is None or not end.has_time:
        return _apply(style.time, _time(start), locale)
    halves = style.times.get("H" if start.hour != end.hour else "m")
    if halves is None:
        return style.apart.format(
            _apply(style.time, _time(start), locale), _apply(style.time, _time(end), locale)
        )
    return _apply(halves[0], _time(start), locale) + _apply(halves[1], _time(end), locale)


def _zone_text(moment: Moment, timezone: str | None, style: DateStyle, locale: Locale) -> str:
    aware = moment.as_datetime(timezone)
    if aware is None or timezone is None:
        return ""
    if style.zone_abbreviations:
        return aware.tzname() or ""
    # A zone's name depends on nothing else of the date (Babel's lookup is slow).
    key = (timezone, aware.utcoffset(), bool(aware.dst()), locale)
    name = _ZONE_NAMES.get(key)
    if name is None:
        name = _ZONE_NAMES[key] = _zone_name(aware, locale)
    return name


_ZONE_NAMES: dict[tuple[str, dt.timedelta | None, bool, Locale], str] = {}


def _zone_name(aware: dt.datetime, locale: Locale) -> str:
    name = str(get_timezone_name(aware, "short", locale=locale))
    if name == get_timezone_gmt(aware, "short", locale=locale):
        # No short name in this language (French has none for CET): Babel's short
        # fallback '+0200' is no language's; its long one is ('UTC+02:00').
        name = str(get_timezone_gmt(aware, "long", locale=locale))
    return name


@lru_cache(maxsize=CACHED_TEXTS)
def number_text(value: float, locale: Locale) -> str:
    """A figure: whole numbers grouped ('1,200', '1 200', '1.200'), others with every
    digit given and, as the site always had them, ungrouped ('2.5', '1200,5')."""
    if value == int(value):
        return str(format_decimal(int(value), locale=locale))
    return str(
        format_decimal(
            Decimal(repr(value)), locale=locale, decimal_quantization=False, group_separator=False
        )
    )


@lru_cache(maxsize=CACHED_TEXTS)
def percent_text(value: float, locale: Locale) -> str:
    """A percentage to six significant digits: '44%', '44 %' (fr), '44 %' (de)."""
    return str(
        format_percent(Decimal(f"{value:g}") / 100, locale=locale, decimal_quantization=False)
    )


def figure_number(figure: Figure, locale: Locale) -> str:
    """Its number and unit: '1,200', '2.5%'; what a figure card shows big."""
    return number_text(figure.value, locale) + (figure.unit or "")
