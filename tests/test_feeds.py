"""Atom feeds, parsed back with feedparser: well-formed, ids, updated, links."""

from __future__ import annotations

import time
from pathlib import Path

import feedparser
import pytest

from clusterreports import build, load_site_config

from .conftest import copy_site
from .discovery_support import BASE_URL, extended_site, hostile_text_site

FEEDS = ("feeds/events.xml", "feeds/calls.xml")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return extended_site(tmp_path_factory.mktemp("feeds"))


def parse(site: Path, name: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((site / name).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_are_valid_atom_with_ids_and_dates(built_valid: Path, name: str) -> None:
    feed = parse(built_valid, name)
    assert feed.feed.id.startswith("urn:uuid:")
    assert feed.feed.updated_parsed is not None
    assert feed.feed.author == "Fixture Reports"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"/{name}"]
    ids = [entry.id for entry in feed.entries]
    assert ids and len(set(ids)) == len(ids)
    for entry in feed.entries:
        assert entry.id.startswith("urn:uuid:")
        assert entry.updated_parsed is not None
        assert entry.link.startswith("/")
        assert entry.title and entry.summary
    newest = max(entry.updated_parsed for entry in feed.entries)
    assert feed.feed.updated_parsed == newest


def test_events_feed_holds_events_and_news(site: Path) -> None:
    feed = parse(site, "feeds/events.xml")
    by_title = {entry.title: entry for entry in feed.entries}
    talk = by_title["Results and visions for the future of clusters"]
    assert talk.link == f"{BASE_URL}events/talk-2022/"
    assert time.strftime("%Y-%m-%dT%H:%M", talk.updated_parsed) == "2022-10-05T06:30"  # UTC
    assert "one-hour online talk" in talk.content[0].value
    news = by_title["Call published"]
    assert news.link == "https://example.org/call"
    assert news.tags[0].term == "News"
    assert time.strftime("%Y-%m-%d", news.updated_parsed) == "2022-11-03"
    assert feed.entries[0] is news  # newest first
    assert "Cluster missions" in by_title  # a month-only event is still news
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == f"{BASE_URL}feeds/events.xml"


def test_calls_feed(site: Path) -> None:
    feed = parse(site, "feeds/calls.xml")
    by_title = {entry.title: entry for entry in feed.entries}
    assert len(by_title) == 5
    # No opening, deadline or announcing event: no date can be known, so it is left
    # out rather than dated by the build.
    assert "Expression of interest" not in by_title
    timed = by_title["Timed call"]
    assert timed.link == f"{BASE_URL}calls/timed-call/"
    assert time.strftime("%Y-%m-%d", timed.updated_parsed) == "2022-10-05"  # its opening
    assert "deadline 24 January 2023" in timed.summary


def test_every_page_links_both_feeds(built_valid: Path) -> None:
    pages = sorted(built_valid.rglob("*.html"))
    pages = [p for p in pages if "pagefind" not in p.parts]
    assert len(pages) > 20
    for path in pages:
        html = path.read_text(encoding="utf-8")
        for name in FEEDS:
            tag = '<link rel="alternate" type="application/atom+xml" title="Fixture Reports: '
            assert tag in html and f'href="/{name}">' in html, path


def test_rebuilding_gives_the_same_feeds_and_calendars(tmp_path: Path) -> None:
    root = copy_site("valid", tmp_path)
    site = load_site_config(root)
    build(site)
    generated = [*FEEDS, "calendars/events.ics", "calendars/deadlines.ics", "data/events.json"]
    first = {name: (site.output_dir / name).read_bytes() for name in generated}
    build(site)
    assert {name: (site.output_dir / name).read_bytes() for name in generated} == first


def test_feeds_carry_only_the_newest_entries(valid_site: Path) -> None:
    build(load_site_config(valid_site, feed_limit=1))
    parsed = feedparser.parse((valid_site / "_site/feeds/events.xml").read_bytes())
    assert len(parsed.entries) == 1
    assert parsed.entries[0].title == "Results and visions for the future of clusters"


def test_markup_and_line_breaks_reach_the_feed_as_text(tmp_path: Path) -> None:
    """'&', '<' and ']]>' are XML's own: the feed escapes them and parses, and a line
    break in a news item stays in its title. (Control characters, which XML 1.0 cannot
    hold, are refused by validation; ``escape.xml_text`` is tested with them directly.)"""
    site = hostile_text_site(tmp_path) / "_site"
    feed = parse(site, "feeds/events.xml")
    titles = {entry.title for entry in feed.entries}
    assert {"News\nEND:VEVENT item", "Day one;b,c\\X-INJECTED:1 & <b>]]>"} <= titles
