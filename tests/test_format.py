"""Dates, times, numbers and percentages per language (site/views/format.py): Babel's
conventions in French and German, and in English the very text the site gave before it
had other languages, compared with that older code, kept here."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from clusterreports import build, load_site_config
from clusterreports.content.models import Figure
from clusterreports.content.moment import MONTHS, Moment
from clusterreports.site.render import make_environment
from clusterreports.site.views import (
    date_text,
    figure_number,
    number_text,
    percent_text,
    span_text,
)

from .conftest import SITES, copy_site

EN, FR, DE = Locale("en"), Locale("fr"), Locale("de")
NNBSP, NBSP, THIN = "\u202f", "\xa0", "\u2009"  # narrow no-break, no-break, thin space


@pytest.mark.parametrize(
    ("moment", "english", "french", "german"),
    [
        (Moment(2016), "2016", "2016", "2016"),
        (Moment(2017, 3), "March 2017", "mars 2017", "März 2017"),
        (Moment(2016, 12, 1), "1 December 2016", "1 décembre 2016", "1. Dezember 2016"),
        (Moment(2022, 10, 5, 8, 30), "5 October 2022", "5 octobre 2022", "5. Oktober 2022"),
    ],
)
def test_a_date_reads_at_its_own_precision(
    moment: Moment, english: str, french: str, german: str
) -> None:
    assert (date_text(moment, EN), date_text(moment, FR), date_text(moment, DE)) == (
        english,
        french,
        german,
    )


@pytest.mark.parametrize(
    ("start", "end", "english", "french", "german"),
    [
        (
            Moment(2016, 12, 1),
            Moment(2016, 12, 2),
            "1–2 December 2016",
            "1–2 décembre 2016",
            "1.–2. Dezember 2016",
        ),
        (
            Moment(2016, 11, 30),
            Moment(2016, 12, 2),
            "30 November – 2 December 2016",
            f"30 novembre{THIN}–{THIN}2 décembre 2016",
            f"30. November{THIN}–{THIN}2. Dezember 2016",
        ),
        (
            Moment(2016, 12, 30),
            Moment(2017, 1, 2),
            "30 December 2016 – 2 January 2017",
            f"30 décembre 2016{THIN}–{THIN}2 janvier 2017",
            f"30. Dezember 2016{THIN}–{THIN}2. Januar 2017",
        ),
        (
            Moment(2017, 3),
            Moment(2017, 5),
            "March 2017 – May 2017",
            f"mars{THIN}–{THIN}mai 2017",
            "März–Mai 2017",
        ),
        (Moment(2016), Moment(2018), "2016 – 2018", "2016–2018", "2016–2018"),
        (
            Moment(2016, 3, 1),
            Moment(2016, 5),
            "1 March 2016 – May 2016",
            f"1 mars 2016{THIN}–{THIN}mai 2016",
            f"1. März 2016{THIN}–{THIN}Mai 2016",
        ),
        (
            Moment(2016, 12, 1),
            Moment(2016, 12, 1),
            "1 December 2016",
            "1 décembre 2016",
            "1. Dezember 2016",
        ),
        (Moment(2016, 12, 1), None, "1 December 2016", "1 décembre 2016", "1. Dezember 2016"),
        (None, Moment(2016), "", "", ""),
    ],
)
def test_a_span_of_dates_reads_as_each_language_joins_them(
    start: Moment | None, end: Moment | None, english: str, french: str, german: str
) -> None:
    assert [span_text(start, end, None, locale) for locale in (EN, FR, DE)] == [
        english,
        french,
        german,
    ]


@pytest.mark.parametrize(
    ("start", "end", "zone", "english", "french", "german"),
    [
        (
            Moment(2022, 10, 5, 8, 30),
            Moment(2022, 10, 5, 9, 30),
            "Europe/Brussels",
            "5 October 2022, 8:30–9:30 CEST",
            f"5 octobre 2022, 08:30{THIN}–{THIN}09:30 UTC+02:00",
            "5. Oktober 2022, 08:30–09:30 Uhr MESZ",
        ),
        (
            Moment(2022, 12, 5, 14, 0),
            Moment(2022, 12, 5, 14, 45),
            "Europe/Brussels",
            "5 December 2022, 14:00–14:45 CET",
            f"5 décembre 2022, 14:00{THIN}–{THIN}14:45 UTC+01:00",
            "5. Dezember 2022, 14:00–14:45 Uhr MEZ",
        ),
        (
            Moment(2022, 10, 5, 8, 30),
            None,
            "Asia/Kolkata",
            "5 October 2022, 8:30 IST",
            "5 octobre 2022, 08:30 UTC+05:30",
            "5. Oktober 2022, 08:30 GMT+05:30",
        ),
        (
            Moment(2022, 10, 5, 8, 30),
            Moment(2022, 10, 6, 17, 0),
            None,
            "5–6 October 2022, 8:30–17:00",
            f"5–6 octobre 2022, 08:30{THIN}–{THIN}17:00",
            "5.–6. Oktober 2022, 08:30–17:00 Uhr",
        ),
    ],
)
def test_times_and_their_zone_follow_the_date(
    start: Moment, end: Moment | None, zone: str | None, english: str, french: str, german: str
) -> None:
    assert [span_text(start, end, zone, locale) for locale in (EN, FR, DE)] == [
        english,
        french,
        german,
    ]


def test_a_territory_keeps_its_language_s_style() -> None:
    assert span_text(Moment(2016, 12, 1), Moment(2016, 12, 2), None, Locale("en", "US")) == (
        "1–2 December 2016"
    )
    assert date_text(Moment(2016, 12, 1), Locale("de", "AT")) == "1. Dezember 2016"
    assert date_text(Moment(2017, 1), Locale("de", "AT")) == "Jänner 2017"


@pytest.mark.parametrize(
    ("value", "english", "french", "german"),
    [
        (1200, "1,200", f"1{NNBSP}200", "1.200"),
        (1200.0, "1,200", f"1{NNBSP}200", "1.200"),
        (1234567, "1,234,567", f"1{NNBSP}234{NNBSP}567", "1.234.567"),
        (2.5, "2.5", "2,5", "2,5"),
        (1200.25, "1200.25", "1200,25", "1200,25"),
        (0.125, "0.125", "0,125", "0,125"),
    ],
)
def test_numbers_are_grouped_and_pointed_per_language(
    value: float, english: str, french: str, german: str
) -> None:
    assert [number_text(value, locale) for locale in (EN, FR, DE)] == [english, french, german]


@pytest.mark.parametrize(
    ("value", "english", "french", "german"),
    [
        (44, "44%", f"44{NBSP}%", f"44{NBSP}%"),
        (44.5, "44.5%", f"44,5{NBSP}%", f"44,5{NBSP}%"),
        (100 / 3, "33.3333%", f"33,3333{NBSP}%", f"33,3333{NBSP}%"),
        (0, "0%", f"0{NBSP}%", f"0{NBSP}%"),
    ],
)
def test_percentages_per_language(value: float, english: str, french: str, german: str) -> None:
    assert [percent_text(value, locale) for locale in (EN, FR, DE)] == [english, french, german]


def test_a_figure_keeps_its_unit_and_its_more_than() -> None:
    figure = Figure(label="participants", value=1200.0, more_than=True)
    assert figure_number(figure, EN) == "1,200"
    assert figure_number(figure, FR) == f"1{NNBSP}200"
    share = Figure(label="of members", value=12.5, unit="%")
    assert (figure_number(share, EN), figure_number(share, DE)) == ("12.5%", "12,5%")


# --- English as it was, before Babel --------------------------------------------------


def old_date_text(m: Moment) -> str:
    if m.month is None:
        return str(m.year)
    if m.day is None:
        return f"{MONTHS[m.month]} {m.year}"
    return f"{m.day} {MONTHS[m.month]} {m.year}"


def old_span_text(start: Moment | None, end: Moment | None, timezone: str | None) -> str:
    if start is None:
        return ""
    text = old_date_text(start)
    if end is not None and end.first_day() != start.first_day():
        if (start.year, start.month) == (end.year, end.month) and start.day and end.day:
            text = f"{start.day}–{old_date_text(end)}"
        elif start.year == end.year and start.day and end.day:
            text = f"{old_date_text(start).rsplit(' ', 1)[0]} – {old_date_text(end)}"
        else:
            text = f"{old_date_text(start)} – {old_date_text(end)}"
    if start.hour is not None:
        times = f"{start.hour}:{start.minute or 0:02d}"
        if end is not None and end.hour is not None:
            times += f"–{end.hour}:{end.minute or 0:02d}"
        aware = start.as_datetime(timezone)
        zone = (aware.tzname() or "") if aware and aware.tzinfo else ""
        text += f", {times}" + (f" {zone}" if zone else "")
    return text


def old_number_text(value: float) -> str:
    number = int(value) if value == int(value) else value
    return f"{number:,}" if isinstance(number, int) else str(number)


@st.composite
def moments(draw: st.DrawFn) -> Moment:
    year = draw(st.integers(1, 9998))  # a span may end 40 days later
    precision = draw(st.sampled_from(["year", "month", "day", "time"]))
    if precision == "year":
        return Moment(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return Moment(year, month)
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    if precision == "day":
        return Moment(year, month, day)
    return Moment(year, month, day, draw(st.integers(0, 23)), draw(st.integers(0, 59)))


# Near in time, so that spans within a month or a year come up as often as the others.
def near(moment: Moment) -> st.SearchStrategy[Moment]:
    return st.one_of(
        moments(),
        st.builds(
            lambda days, hour: Moment(
                *(moment.first_day() + dt.timedelta(days=days)).timetuple()[:3], *hour
            ),
            st.integers(0, 40),
            st.sampled_from([(), (moment.hour or 0, 0), (9, 30), (17, 5)]),
        ),
    )


ZONES = st.sampled_from([None, "Europe/Brussels", "Europe/London", "Asia/Kolkata", "UTC"])


@given(moments().flatmap(lambda m: st.tuples(st.just(m), st.none() | near(m))), ZONES)
def test_english_spans_read_as_before(pair: tuple[Moment, Moment | None], zone: str | None) -> None:
    start, end = pair
    assert span_text(start, end, zone, EN) == old_span_text(start, end, zone)


@given(moments())
def test_english_dates_read_as_before(moment: Moment) -> None:
    assert date_text(moment, EN) == old_date_text(moment) == moment.date_text()


# Figures and shares as sources give them: below 0.0001 the old code wrote '1e-05'.
@given(
    st.integers(-(10**12), 10**12)
    | st.floats(0.0001, 1e12).map(lambda f: round(f, 3))
    | st.floats(0.0001, 1e12)
)
def test_english_numbers_read_as_before(value: float) -> None:
    assert number_text(value, EN) == old_number_text(value)


# Shares run from 0 to 100; below 0.0001 the old code wrote '1e-05%'.
@given(st.floats(0.0001, 100) | st.integers(0, 100))
def test_english_percentages_read_as_before(value: float) -> None:
    assert percent_text(value, EN) == f"{value:g}%"


# --- a site in another language -------------------------------------------------------


def build_in(name: str, language: str, root: Path, edits: dict[str, tuple[str, str]]) -> Path:
    site = copy_site(name, root)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"language: {language}\n", "utf-8")
    for path, (old, new) in edits.items():
        text = (site / "content" / path).read_text(encoding="utf-8")
        assert old in text
        (site / "content" / path).write_text(text.replace(old, new), encoding="utf-8")
    build(load_site_config(site))
    return site / "_site"


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_a_german_site_words_its_dates_and_shares_in_german(tmp_path: Path) -> None:
    site = build_in("valid", "de", tmp_path, {})
    events = page(site, "/events/")
    assert '<span class="when">1.–2. Dezember 2016</span>' in events
    assert '<span class="when">5. Oktober 2022, 08:30–09:30 Uhr MESZ</span>' in events
    assert "erstellt am 15. November 2022 mit" in page(site, "/")
    assert '<span class="when">Stand 1. Dezember 2016</span>' in page(
        site, "/people/bianca-dragomir/"
    )
    poll = page(site, "/polls/biggest-challenge/")
    assert f'dx="6">44{NBSP}%</text>' in poll
    assert f"<td>44{NBSP}%</td>" in poll


def test_a_french_site_words_its_figures_in_french(tmp_path: Path) -> None:
    site = build_in(
        "round-two",
        "fr",
        tmp_path,
        {"events/conference-2020.yaml": ("value: 500,", "value: 1500,")},
    )
    assert f'<span class="figure-prefix">plus de </span>1{NNBSP}500</span>' in page(
        site, "/events/conference-2020/"
    )
    assert f"plus de 1{NNBSP}500" in page(site, "/series/cluster-conference/")
    assert '<li>120 members <span class="meta">(2016)</span></li>' in page(
        site, "/organisations/cluster-agency/"
    )
    assert '<span class="meta">(juin 2019)</span>' in page(site, "/organisations/cluster-agency/")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 December 2016 · 1,200 · 44.5%"),
        ("fr", f"1 décembre 2016 · 1{NNBSP}200 · 44,5{NBSP}%"),
        ("de", f"1. Dezember 2016 · 1.200 · 44,5{NBSP}%"),
    ],
)
def test_templates_word_them_with_filters(language: str, expected: str) -> None:
    """``date``, ``number`` and ``percent``, in the language of the page's ``site``."""
    template = make_environment(load_site_config(SITES / "valid")).from_string(
        "{{ day | date }} · {{ 1200 | number }} · {{ 44.5 | percent }}"
    )
    site = SimpleNamespace(locale=Locale.parse(language))
    assert template.render(site=site, day=dt.date(2016, 12, 1)) == expected
