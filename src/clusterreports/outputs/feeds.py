"""Atom feeds (RFC 4287): events with their news items, and funding calls.

Content has no modification times, so an entry's ``updated`` is the date it is about
(an event's start, or for a side event without its own its parent's; a news item's
date; a call's opening). A record no date can be known for is left out, never dated
by the build: rebuilding unchanged content yields the same feed. Entry ids
are ``urn:uuid`` names derived from the record's URL, so they stay valid (absolute)
when the site's base URL is only a path, and stable across rebuilds. Every text from
content goes through ``escape.xml_text``: XML 1.0 cannot hold most control characters.
A language's feeds are worded in its catalogue's messages (titles, summaries,
categories) and hold its pages, with the records as they show them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from ..content.moment import Moment
from ..escape import xml_text
from ..site import urls
from ..site.render import markdown_html
from ..site.views import CallView, EventView, SiteView

if TYPE_CHECKING:
    from .context import BuildContext


@dataclass
class Entry:
    key: str
    title: str
    url: str
    updated: dt.datetime
    summary: str
    category: str
    body: str = ""  # Markdown, rendered only for entries that make it into the feed


def _instant(moment: Moment | None, timezone: str | None, fallback: dt.date) -> dt.datetime:
    """An aware date-time for Atom: the exact time when known, else midnight UTC."""
    if moment is not None:
        aware = moment.as_datetime(timezone) if timezone else None
        if aware is not None:
            return aware
        day = moment.first_day()
    else:
        day = fallback
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


class FeedWriter:
    def __init__(self, site: SiteView) -> None:
        self.site = site
        base = site.config.absolute_base
        self.namespace = base if "://" in base else f"clusterreports:{site.config.title}:{base}"

    def urn(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.namespace + key)}"

    def feed(self, url: str, title: str, subtitle: str, entries: list[Entry]) -> bytes:
        config = self.site.config
        fg = FeedGenerator()
        fg.id(self.urn(url))
        fg.title(xml_text(title))
        fg.subtitle(xml_text(subtitle))
        fg.author({"name": xml_text(config.title)})
        fg.language(self.site.language)
        fg.link(href=self.site.absolute_url(urls.HOME_URL), rel="alternate", type="text/html")
        fg.link(href=self.site.absolute_url(url), rel="self", type="application/atom+xml")
        fg.generator("clusterreports")
        ordered = sorted(entries, key=lambda e: (e.updated, e.key), reverse=True)
        latest = ordered[0].updated if ordered else _instant(None, None, self.site.today)
        fg.updated(latest)
        for entry in ordered[: config.feed_limit]:
            fe = fg.add_entry(order="append")
            fe.id(self.urn(entry.key))
            fe.title(xml_text(entry.title))
            fe.updated(entry.updated)
            href = entry.url if "://" in entry.url else self.site.absolute_url(entry.url)
            fe.link(href=xml_text(href), rel="alternate", type="text/html")
            fe.summary(xml_text(entry.summary))
            fe.category(term=xml_text(entry.category))
            if entry.body:
                fe.content(xml_text(markdown_html(entry.body)), type="html")
        data: bytes = fg.atom_str(pretty=True)
        return data

    def event_entries(self, view: EventView) -> Iterator[Entry]:
        """The event dated by its own start or, for a side event, its parent's; an event
        no date can be known for is left out (its dated news items still come)."""
        event = view.record
        dated_by = view.dated_by
        gettext = self.site.interface.gettext
        when = None
        if dated_by is not None:
            when = _instant(dated_by.record.start, dated_by.record.timezone, self.site.today)
            kind = view.type_label
            yield Entry(view.url, view.title, view.url, when, view.description, kind, event.body)
        news_from = gettext("News from %(event)s") % {"event": view.title}
        for index, item in enumerate(event.news):
            if item.date is None and when is None:
                continue
            date = _instant(item.date, None, self.site.today) if item.date else when
            assert date is not None
            url = str(item.link) if item.link else f"{view.url}#news"
            key = f"{view.url}#news-{index}"
            yield Entry(key, item.text, url, date, news_from, gettext("News"))

    def call_entry(self, view: CallView) -> Entry | None:
        """A call dated by its opening, else where it was first announced, else its
        deadline; None (left out of the feed) when it has none of them."""
        call = view.call
        announced = [e.date for e in view.events if e.date]
        moment = (
            call.opens or min(announced, key=lambda m: m.sort_key, default=None) or call.deadline
        )
        if moment is None:
            return None
        when = _instant(moment, call.timezone, self.site.today)
        return Entry(
            view.url,
            view.title,
            view.url,
            when,
            view.description,
            view.kind_label or view.type_label,
            call.body,
        )


def files(context: BuildContext) -> Iterator[tuple[str, bytes]]:
    """The feeds of the pages of ``context.language``: their titles and summaries in its
    words, their entries its pages."""
    site = context.view
    gettext = site.interface.gettext
    named = {"site": site.config.title}
    writer = FeedWriter(site)
    events = [entry for view in site.events_by_date for entry in writer.event_entries(view)]
    yield (
        urls.EVENTS_FEED_URL,
        writer.feed(
            urls.EVENTS_FEED_URL,
            gettext("%(site)s: events and news") % named,
            gettext("Events and the news reported from them."),
            events,
        ),
    )
    calls = [e for view in site.calls_by_deadline if (e := writer.call_entry(view)) is not None]
    yield (
        urls.CALLS_FEED_URL,
        writer.feed(
            urls.CALLS_FEED_URL,
            gettext("%(site)s: funding calls") % named,
            gettext("Funding calls and their deadlines."),
            calls,
        ),
    )
