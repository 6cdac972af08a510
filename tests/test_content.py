"""The real content/: both source reports, complete, faithful and linked.

Checks a representative set of facts on the built pages (built with a fixed date,
2022-11-15, so call statuses are reproducible)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clusterreports import check, load_site_config

from .conftest import ROOT

SOURCES = {"eu-clusters-talk-2022-summary", "european-cluster-observatory-newsletter-2017"}


def text_of(site: Path, url: str) -> str:
    """A page's visible text, tags removed and white space folded."""
    html = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    return re.sub(r"\s+", " ", text).replace("&amp;", "&").replace("&#39;", "'")


@pytest.fixture(scope="module")
def registry():  # type: ignore[no-untyped-def]
    return check(load_site_config(ROOT)).registry


def test_content_checks_clean(registry) -> None:  # type: ignore[no-untyped-def]
    counts = {t: len(r) for t, r in registry.records.items()}
    assert counts["event"] >= 10 and counts["session"] >= 30 and counts["person"] >= 40
    assert counts["award"] == 4 and counts["poll"] == 3


def test_every_record_names_a_source_report(registry) -> None:  # type: ignore[no-untyped-def]
    for record in registry:
        assert record.sources, f"{record.type_name} {record.id} has no source"
        assert set(record.sources) <= SOURCES, f"{record.id}: {record.sources}"


def test_no_personal_email_address_is_published(built_real: Path) -> None:
    pattern = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    for folder in (ROOT / "content", built_real):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in (
                ".md",
                ".yaml",
                ".html",
                ".json",
                ".xml",
                ".ics",
                ".csv",
            ):
                found = pattern.findall(path.read_text(encoding="utf-8"))
                assert not found, f"{path}: {found}"


def test_person_page_shows_award_year_and_organisation(built_real: Path) -> None:
    text = text_of(built_real, "/people/bianca-dragomir/")
    assert "Cluster Manager of the Year 2016" in text
    assert "Valencian Region Renewable Energy Cluster" in text
    assert "General Manager" in text


def test_dated_roles_across_both_reports(built_real: Path) -> None:
    text = text_of(built_real, "/people/ulla-engelmann/")
    assert "Joint Research Centre" in text
    assert "Head of Unit for Clusters, Social Economy and Entrepreneurship" in text
    assert "as of 5 October 2022" in text
    assert "Introduction to the topic of the day" in text


def test_poll_shows_every_percentage(built_real: Path) -> None:
    text = text_of(built_real, "/polls/ecc-2016-poll-cluster-management-contribution/")
    assert "26%" in text and "24%" in text
    assert "Facilitating" in text and "value chains" in text
    text = text_of(built_real, "/polls/ecc-2016-poll-cluster-excellence-call-principle/")
    assert "42%" in text and "24%" in text


def test_call_shows_deadline_and_status_at_build_date(built_real: Path) -> None:
    text = text_of(built_real, "/calls/enhanced-preparedness-high-impact-low-probability-events/")
    assert "23 November 2022" in text
    assert "Closing soon" in text and "closes in 8 days" in text
    text = text_of(built_real, "/calls/specialised-education-programmes-key-capacity-areas/")
    assert "24 January 2023" in text and "Open" in text
    text = text_of(built_real, "/calls/public-consultation-smart-specialisation-2017/")
    assert "24 March 2017" in text and "Closed" in text


def test_organisation_lists_people_from_both_reports(built_real: Path) -> None:
    text = text_of(built_real, "/organisations/european-cluster-collaboration-platform/")
    assert "Nina Hoppmann" in text  # 2022 talk
    assert "Marc Pattinson" in text  # 2016 conference


def test_event_pages_show_agenda_figures_and_awards(built_real: Path) -> None:
    text = text_of(built_real, "/events/european-cluster-conference-2016/")
    assert "Clusters 4.0" in text and "1–2 December 2016" in text and "Brussels" in text
    assert "more than 300" in text
    assert "Emily Wise" in text
    assert "Lowri Evans" in text and "Bianca Dragomir" in text
    text = text_of(built_real, "/events/european-cluster-conference-2022/")
    assert "more than 900" in text and "more than 500" in text
    text = text_of(built_real, "/events/eu-clusters-talk-2022-10-05/")
    assert "5 October 2022, 8:30–9:30 CEST" in text
    assert "Jennifer Baker" in text


def test_quotes_are_attributed(built_real: Path) -> None:
    text = text_of(built_real, "/people/lowri-evans/")
    assert "We need more success stories" in text


def test_record_pages_show_their_source(built_real: Path) -> None:
    text = text_of(built_real, "/people/antonio-novo/")
    assert "Source" in text and "EU Clusters Talk" in text


def _year_rows(site: Path, url: str) -> list[str]:
    """The row headers of a page's award tables: a year, linked unless it is this page's."""
    html = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<th scope="row">(.*?)</th>', html)


def test_an_award_page_lists_every_year_of_its_award_newest_first(built_real: Path) -> None:
    rows = _year_rows(built_real, "/awards/european-cluster-manager-of-the-year-2022/")
    assert rows == ["2022", '<a href="/awards/european-cluster-manager-of-the-year-2016/">2016</a>']
    text = text_of(built_real, "/awards/european-cluster-manager-of-the-year-2016/")
    assert "European Cluster Manager of the Year: every year" in text
    assert "Kristina Sermuksnyte-Alesiuniene" in text  # the 2022 winner, on the 2016 page
    assert "Veerle De Graef" not in text  # another award's winner


def test_the_awards_page_groups_each_award_by_name(built_real: Path) -> None:
    text = text_of(built_real, "/awards/")
    manager = text.index("European Cluster Manager of the Year")
    partnership = text.index("European Cluster Partnership of the Year")
    assert manager < partnership  # names in order
    assert len(_year_rows(built_real, "/awards/")) == 4


def test_the_conferences_are_editions_of_one_series(built_real: Path) -> None:
    text = text_of(built_real, "/series/european-cluster-conference/")
    assert "European Cluster Conference 2016" in text and "European Cluster Conference 2022" in text
    assert "Clusters 4.0: Shaping Smart Industries" in text
    text = text_of(built_real, "/events/european-cluster-conference-2016/")
    assert "Next edition" in text


def test_facts_once_in_prose_have_their_fields(built_real: Path) -> None:
    assert "120 members (December 2016)" in text_of(built_real, "/organisations/avaesen/")
    platform = "/organisations/smart-specialisation-platform-on-industrial-modernisation/"
    assert "Founded June 2016" in text_of(built_real, platform)


def test_the_matchmaking_event_takes_the_conferences_date(built_real: Path) -> None:
    text = text_of(built_real, "/events/")
    assert "Alongside European Cluster Conference 2022" in text
