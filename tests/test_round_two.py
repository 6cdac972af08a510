"""Real reports, round two (issue 25): the site says exactly what a source says.

Built from tests/sites/round-two/, a site written as a new editor writes one: facts
left out where the source does not give them, side events without a date of their own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest

from clusterreports import build, load_site_config

from .conftest import copy_site, tools
from .test_accessibility import check_page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site("round-two", tmp_path_factory.mktemp("round-two"))
    build(load_site_config(root))
    return root / "_site"


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def json_ld(html: str) -> list[dict[str, object]]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in found]


def data_record(site: Path, folder: str, record_id: str) -> dict[str, object]:
    records = json.loads((site / "data" / f"{folder}.json").read_text(encoding="utf-8"))
    found: dict[str, object] = next(r for r in records["records"] if r["id"] == record_id)
    return found


# --- never guess ---------------------------------------------------------------------


def test_a_participant_without_a_role_shows_no_role_on_any_page(site: Path) -> None:
    session = page(site, "/sessions/conference-2019-opening/")
    item = re.search(r'<ul class="people">\s*<li>(.*?)</li>', session, re.S)
    assert item is not None
    assert 'class="role"' not in item.group(1)
    assert "Jane Doe" in item.group(1)
    event = page(site, "/events/conference-2019/")
    agenda = re.search(r'<ol class="agenda">(.*?)</ol>', event, re.S)
    assert agenda is not None
    assert "Jane Doe</a></div>" in agenda.group(1)  # no "(speaker)" after the name
    speakers = re.search(r'<h2 id="speakers">.*?</ul>', event, re.S)
    assert speakers is not None
    assert 'Jane Doe</a> <span class="meta">Moderator</span>' not in speakers.group(0)
    assert 'Jane Doe</a> <span class="meta"></span>' in speakers.group(0)
    person = page(site, "/people/jane-doe/")
    opening = re.search(r"<li>(<a href=\"/sessions/conference-2019-opening/\">.*?)</li>", person)
    assert opening is not None
    assert 'class="role"' not in opening.group(1)
    assert re.search(r"\bspeaker\b", session + person, re.I) is None


def test_a_participant_without_a_role_has_none_in_data_json_ld_and_calendars(
    site: Path,
) -> None:
    record = data_record(site, "sessions", "conference-2019-opening")["record"]
    assert record["participants"] == [  # type: ignore[index]
        {"person": "jane-doe", "role": None, "position": None, "organisation": "cluster-agency"}
    ]
    for url in ("/sessions/conference-2019-opening/", "/events/conference-2019/"):
        assert "speaker" not in json.dumps(json_ld(page(site, url))).lower()
    calendar = (site / "calendars" / "events" / "conference-2019.ics").read_text()
    assert "SUMMARY:Opening (Cluster Conference 2019)" in calendar
    assert "speaker" not in calendar.lower()
    assert "speaker" not in (site / "data" / "people.csv").read_text().lower()


def test_kinds_the_source_does_not_give_are_not_shown(site: Path) -> None:
    session = page(site, "/sessions/conference-2019-opening/")
    assert '<p class="kicker">Session</p>' in session
    assert "Other" not in session
    organisation = page(site, "/organisations/cluster-agency/")
    assert '<p class="kicker">Organisation</p>' in organisation
    data = data_record(site, "organisations", "cluster-agency")["record"]
    assert data["kind"] is None  # type: ignore[index]


def test_a_side_event_without_a_date_takes_its_place_from_its_parent(site: Path) -> None:
    index = page(site, "/events/")
    years = re.findall(r'<h2 id="year-([^"]+)">', index)
    assert years == ["2024", "2020", "2019", "2016", "date-not-given"]
    year_2019 = index.split('id="year-2019"')[1].split('id="year-2016"')[0]
    titles = re.findall(r'<a href="[^"]+">([^<]+)</a>', year_2019)
    assert titles == ["Cluster Conference 2019", "Side workshop on skills"]
    assert "Alongside Cluster Conference 2019" in year_2019
    undated = index.split('id="year-date-not-given"')[1]
    assert "Meeting with no known date" in undated


def test_the_home_page_lists_only_dated_events_as_latest(site: Path) -> None:
    latest = re.search(r'<h2 id="latest">.*?</ul>', page(site, "/"), re.S)
    assert latest is not None
    assert re.findall(r'<a href="/events/([^/]+)/">', latest[0]) == [
        "conference-2024",
        "conference-2020",
        "side-workshop",
        "conference-2019",
        "forum-2016",
    ]


def test_the_feed_dates_a_side_event_by_its_parent_and_never_by_the_build(site: Path) -> None:
    feed = feedparser.parse((site / "feeds" / "events.xml").read_bytes())
    by_title = {entry.title: entry for entry in feed.entries}
    side = by_title["Side workshop on skills"]
    assert side.updated.startswith("2019-03-04")
    assert by_title["Workshop slides online"].updated.startswith("2019-03-04")
    assert "Meeting with no known date" not in by_title
    assert all(not entry.updated.startswith("2022-11-15") for entry in feed.entries)


def test_a_side_event_without_a_date_is_in_no_calendar_and_in_the_sitemap(site: Path) -> None:
    calendar = (site / "calendars" / "events.ics").read_text()
    assert "Cluster Conference 2019" in calendar
    assert "Side workshop" not in calendar  # its day within the conference is not known
    assert not (site / "calendars" / "events" / "side-workshop.ics").exists()
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://example.org/events/side-workshop/</loc>" in sitemap


# --- facts that need a field ---------------------------------------------------------


def test_a_poll_without_shares_lists_the_chosen_answer_first_and_draws_no_chart(
    site: Path,
) -> None:
    poll = page(site, "/polls/priority-vote/")
    answers = re.search(r'<ol class="poll-answers">(.*?)</ol>', poll, re.S)
    assert answers is not None
    items = [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", answers[1])]
    assert items == [
        "Chosen Internationalisation",
        "Ranked 2: Skills",
        "Ranked 3: Green transition",
    ]
    assert '<span class="badge status-open">Chosen</span> Internationalisation' in answers[1]
    assert "bar-chart" not in poll
    session = page(site, "/sessions/conference-2019-opening/")
    assert "Chosen</span> Internationalisation" in session
    assert "bar-chart" not in session


def test_a_poll_with_some_shares_charts_only_those(site: Path) -> None:
    poll = page(site, "/polls/mixed-vote/")
    assert re.findall(r'<span class="bar-label">([^<]+)</span>', poll) == [
        "Yes (chosen)",
        "Not broken down by the source",
    ]
    assert '<th scope="row">Yes (chosen)</th><td>70%</td>' in poll
    answers = re.search(r'<ol class="poll-answers">(.*?)</ol>', poll, re.S)
    assert answers is not None
    assert "No</li>" in answers[1]


def test_a_poll_without_shares_in_json_ld(site: Path) -> None:
    (node,) = json_ld(page(site, "/polls/priority-vote/"))
    assert node["acceptedAnswer"] == [{"@type": "Answer", "text": "Internationalisation"}]
    assert node["suggestedAnswer"] == [
        {"@type": "Answer", "text": "Skills", "position": 2},
        {"@type": "Answer", "text": "Green transition", "position": 3},
    ]


def test_aliases_are_shown_and_exported(site: Path) -> None:
    person = page(site, "/people/jose-garcia/")
    assert "<dt>Also written as</dt> <dd>Jose Garcia; J. García</dd>" in person
    (node,) = json_ld(person)
    assert node["alternateName"] == ["Jose Garcia", "J. García"]
    record = data_record(site, "people", "jose-garcia")["record"]
    assert record["aliases"] == ["Jose Garcia", "J. García"]  # type: ignore[index]
    # (no sort_name: the A-Z index sorts by the last word, but the data says only what is given)
    assert '"jose-garcia","José García","","","Jose Garcia; J. García",' in (
        site / "data" / "people.csv"
    ).read_text(encoding="utf-8")
    organisation = page(site, "/organisations/cluster-agency/")
    assert "<dt>Also written as</dt> <dd>Cluster-Agentur</dd>" in organisation
    (node,) = json_ld(organisation)
    assert node["alternateName"] == "Cluster-Agentur"
    assert node["foundingDate"] == "2004"


def test_an_organisation_shows_its_dated_figures_founding_and_rename(site: Path) -> None:
    agency = page(site, "/organisations/cluster-agency/")
    assert "<dt>Founded</dt> <dd>2004</dd>" in agency
    figures = re.search(r'<ul class="org-figures">(.*?)</ul>', agency, re.S)
    assert figures is not None
    assert re.sub(r"<[^>]+>", "", figures[1]) == (
        "90 members (2010)120 members (2016)12 employees (June 2019)"
    )
    assert (
        '<dt>Formerly</dt> <dd><a href="/organisations/regional-cluster-office/">'
        "Regional Cluster Office</a> (renamed 2015)</dd>" in agency
    )
    office = page(site, "/organisations/regional-cluster-office/")
    assert (
        '<dt>Renamed to</dt> <dd><a href="/organisations/cluster-agency/">Cluster Agency</a>'
        " (2015)</dd>" in office
    )


def test_a_call_names_its_issuer_apart_from_its_funder(site: Path) -> None:
    call = page(site, "/calls/vouchers/")
    assert '<dt>Funder</dt> <dd><a href="/organisations/growth-fund/">Growth Fund</a></dd>' in call
    assert (
        '<dt>Run by</dt> <dd><a href="/organisations/cluster-agency/">Cluster Agency</a></dd>'
        in (call)
    )
    (node,) = json_ld(call)
    assert node["provider"]["name"] == "Cluster Agency"  # type: ignore[index]
    agency = page(site, "/organisations/cluster-agency/")
    assert 'Innovation vouchers</a> <span class="meta">(issuer)</span>' in agency
    fund = page(site, "/organisations/growth-fund/")
    assert 'Innovation vouchers</a> <span class="meta">(funder)</span>' in fund


# --- who organised, in what capacity; people outside sessions ----------------------------


def facts(html: str) -> dict[str, str]:
    block = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S)
    assert block is not None
    return dict(re.findall(r"<dt>(.*?)</dt> <dd>(.*?)</dd>", block[1]))


def test_an_event_lists_its_organisations_by_their_part(site: Path) -> None:
    event = page(site, "/events/conference-2019/")
    shown = facts(event)
    assert list(shown) == [
        "When",
        "Where",
        "Organised by",
        "Under the presidency of",
        "Hosted by",
        "With the support of",
        "Next edition",
    ]
    assert shown["Under the presidency of"] == (
        '<a href="/organisations/test-ministry/">Ministry of Tests</a>'
    )
    (node,) = json_ld(event)
    assert [o["name"] for o in node["organizer"]] == ["Cluster Agency"]  # type: ignore[index,union-attr]
    assert [o["name"] for o in node["contributor"]] == ["Ministry of Tests"]  # type: ignore[index,union-attr]
    agency = page(site, "/organisations/cluster-agency/")
    assert "Conference · Brussels · organiser, host</span>" in agency
    ministry = page(site, "/organisations/test-ministry/")
    assert "Conference · Brussels · presidency</span>" in ministry


def test_people_at_an_event_outside_any_session(site: Path) -> None:
    event = page(site, "/events/conference-2019/")
    assert (
        '<h2 id="people">Also at the event</h2>\n<ul class="people"><li>'
        '<a href="/people/jose-garcia/">José García</a> <span class="role">jury member</span>'
        '<div class="meta">Director, Cluster-Agentur</div></li></ul>' in event
    )
    person = page(site, "/people/jose-garcia/")
    assert (
        '<li><span class="role">Jury member</span> <a href="/events/conference-2019/">'
        'Cluster Conference 2019</a> <span class="meta">4–5 March 2019</span>'
        '<div class="meta">as Director, Cluster-Agentur</div></li>' in person
    )


# --- pages that read in one order ------------------------------------------------------


def test_a_persons_roles_and_appearances_run_oldest_first_undated_last(site: Path) -> None:
    person = page(site, "/people/jane-doe/")
    roles = re.findall(r'<span class="when">([^<]*)</span>', person)
    assert roles == ["as of 2016", "from 2019", "date not given"]
    appearances = re.search(r'<ul class="appearances">(.*?)</ul>', person, re.S)
    assert appearances is not None
    linked = re.findall(r'<a href="/(?:events|sessions)/([^/]+)/">', appearances[1])
    assert linked == ["forum-2016", "conference-2019-opening", "conference-2019", "undated-meeting"]
    # the latest role is the newest dated one, not the undated one listed last
    assert '<p class="subtitle">Head of Unit, <a href="/organisations/clusters-unit/">' in person


def test_a_session_shows_its_calendar_date(site: Path) -> None:
    assert facts(page(site, "/sessions/conference-2019-closing/"))["When"] == "Day 2, 5 March 2019"
    event = page(site, "/events/conference-2019/")
    assert "<h3>Day 1, 4 March 2019</h3>" in event
    assert "<h3>Day 2, 5 March 2019</h3>" in event


def test_a_position_that_names_its_organisation_is_not_followed_by_it_again(site: Path) -> None:
    session = page(site, "/sessions/conference-2019-closing/")
    assert '<div class="meta">Head of Unit, DG TEST</div>' in session
    opening = page(site, "/sessions/conference-2019-opening/")
    assert (
        '<div class="meta"><a href="/organisations/cluster-agency/">Cluster Agency</a></div>'
        in (opening)
    )


def test_an_organisation_shows_the_people_and_events_of_its_units(site: Path) -> None:
    dg = page(site, "/organisations/dg-test/")
    people = re.search(r'<h2 id="unit-people">.*?</ul>', dg, re.S)
    assert people is not None
    rows = [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", people[0])]
    assert rows == [
        "Jane Doe Policy officer, as of 2016 · Clusters Unit",
        "Jane Doe Head of Unit, from 2019 · Clusters Unit",
        "Piotr Nowak Head of Unit, as of 2019 · Clusters Unit",
    ]
    events = re.search(r'<h2 id="unit-events">.*?</ul>', dg, re.S)
    assert events is not None
    assert (
        'Meeting with no known date</a> <span class="meta">Meeting · organiser: Clusters Unit'
        in (events[0])
    )


# --- event series ------------------------------------------------------------------------


def test_a_series_page_lists_its_editions_in_order(site: Path) -> None:
    series = page(site, "/series/cluster-conference/")
    editions = re.search(r'<ol class="editions">(.*?)</ol>', series, re.S)
    assert editions is not None
    rows = [
        re.sub(r"<[^>]+>", " ", li).split() for li in re.findall(r"<li>(.*?)</li>", editions[1])
    ]
    assert [" ".join(row) for row in rows] == [
        "Edition 3 Cluster Conference 2019 4–5 March 2019 · Brussels · Skills for clusters",
        "Edition 4 Cluster Conference 2020 10 November 2020 · online",
        "Edition 5 Cluster Conference 2024 2 May 2024 · Prague",  # named by text: still found
    ]
    (node,) = json_ld(series)
    assert node["@type"] == "EventSeries"
    assert data_record(site, "series", "cluster-conference")["title"] == "Cluster Conference"


def test_a_series_charts_a_figure_two_editions_report_with_a_table(site: Path) -> None:
    series = page(site, "/series/cluster-conference/")
    headings = re.findall(r'<h2 id="chart-\d+">([^<]+)</h2>', series)
    assert headings == ["Participants by edition"]  # countries: one edition only
    table = re.search(r"<tbody>(.*?)</tbody>", series, re.S)
    assert table is not None
    assert re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table[1]) == [
        ("Edition 3, 2019", "300"),
        ("Edition 4, 2020", "more than 500"),
        ("Edition 5, 2024", "900"),
    ]
    assert 'width="33.3333%"' in series


def test_each_edition_links_its_series_and_neighbours(site: Path) -> None:
    middle = page(site, "/events/conference-2020/")
    assert (
        '<p class="kicker">Conference · <a href="/series/cluster-conference/">Cluster Conference'
        "</a>, edition 4</p>" in middle
    )
    shown = facts(middle)
    assert (
        shown["Previous edition"]
        == '<a href="/events/conference-2019/">Cluster Conference 2019</a>'
    )
    assert shown["Next edition"] == '<a href="/events/conference-2024/">Cluster Conference 2024</a>'
    first = facts(page(site, "/events/conference-2019/"))
    assert "Previous edition" not in first
    assert "Next edition" in first
    index = page(site, "/series/")
    assert (
        '<a href="/series/cluster-conference/">Cluster Conference</a> <span class="meta">3 editions'
        in (index)
    )


# --- the new parts of pages in a browser -----------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_page_parts_pass_axe(browser: Any, site: Path, scheme: str) -> None:
    urls = [
        "/series/cluster-conference/",
        "/series/",
        "/polls/priority-vote/",
        "/polls/mixed-vote/",
        "/events/conference-2019/",
        "/people/jane-doe/",
        "/organisations/dg-test/",
        "/organisations/cluster-agency/",
        "/calls/vouchers/",
    ]
    context = browser.new_context(color_scheme=scheme)
    problems = []
    with tools.served(site) as origin:
        for url in urls:
            tab = context.new_page()
            problems += check_page(tab, origin + url)
            tab.close()
    context.close()
    assert not problems, "\n".join(problems)
