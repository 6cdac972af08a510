"""The one place that decides URLs and output paths.

URLs here are site-relative ('/people/ulla-engelmann/'); the base URL is applied
when a page is rendered, so a site can be served from a sub-path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from ..config import SiteConfig
from ..content.models import TYPES_BY_NAME, Event, FundingCall, Record

HOME_URL = "/"
NOT_FOUND_URL = "/404.html"
SEARCH_URL = "/search/"
PAGEFIND_URL = "/pagefind/"
SITEMAP_URL = "/sitemap.xml"
ROBOTS_URL = "/robots.txt"
EVENTS_FEED_URL = "/feeds/events.xml"
CALLS_FEED_URL = "/feeds/calls.xml"
EVENTS_CALENDAR_URL = "/calendars/events.ics"
DEADLINES_CALENDAR_URL = "/calendars/deadlines.ics"
DATA_INDEX_URL = "/data/index.json"
DATA_SCHEMA_URL = "/data/schema.json"
STATIC_URL = "/static/"
MEDIA_URL = "/media/"  # processed pictures
DATA_URL = "/data/"
SITEMAPS_URL = "/sitemaps/"  # a multilingual site's sitemap per language
# Files every language's pages share: a language's tree holds only pages, feeds and
# calendars; the search index holds every language (Pagefind splits it by the pages'
# lang) and the open data is one set with the translations inside.
SHARED_FOLDERS = (STATIC_URL, MEDIA_URL, DATA_URL, PAGEFIND_URL, SITEMAPS_URL)


@dataclass(frozen=True)
class Tree:
    """A language's pages: their language and the folder they are written under ('' for
    the default language at the top, '/fr' for French). Inside a tree pages know each
    other by their path ('/people/x/'); ``in_language`` gives the URL."""

    language: str
    prefix: str = ""


def trees(config: SiteConfig) -> list[Tree]:
    """The site's language trees, the default first."""
    default = config.default_language
    return [
        Tree(
            code,
            "" if code == default and not config.default_language_in_subdir else f"/{code.lower()}",
        )
        for code in config.site_languages
    ]


def in_language(url: str, prefix: str) -> str:
    """A path within a language's tree as a site URL: '/fr' + '/people/x/'; the files
    every language shares keep their URL."""
    if not prefix or not url.startswith("/") or url.startswith(SHARED_FOLDERS):
        return url
    return prefix + url


def sitemap_url(language: str) -> str:
    return f"{SITEMAPS_URL}{language.lower()}.xml"


class UnsafePathError(ValueError):
    """A URL that would resolve outside the output folder."""


def slug(text: str, max_length: int = 0) -> str:
    """Unicode-aware slug: 'Anaïs Le Corvec' -> 'anais-le-corvec', 'Köcker' -> 'kocker';
    cut at a word to at most ``max_length`` characters (0: any length)."""
    return slugify(text, max_length=max_length, word_boundary=True) or "untitled"


def index_url(type_name: str) -> str:
    return f"/{TYPES_BY_NAME[type_name].folder}/"


def page_url(first: str, number: int) -> str:
    """Page ``number`` of a paged page whose first page is at ``first``: the others
    below it ('/sessions/page/2/', '/people/x/page/2/')."""
    return first if number == 1 else f"{first}page/{number}/"


def index_page_url(type_name: str, number: int) -> str:
    """Page ``number`` of an index: the first at the index's own URL ('/sessions/')."""
    return page_url(index_url(type_name), number)


def record_url(type_name: str, record_id: str) -> str:
    return f"{index_url(type_name)}{record_id}/"


def record_page_url(type_name: str, record_id: str, number: int) -> str:
    """Page ``number`` of a record's page whose lists run over several
    (``paginate.record_lengths``): the first at the record's own URL."""
    return page_url(record_url(type_name, record_id), number)


def url_of(record: Record) -> str:
    return record_url(record.type_name, record.id)


def pagefind_bundle_url(part: int) -> str:
    """A part of the search index: the first at /pagefind/, others inside it."""
    return PAGEFIND_URL if part == 1 else f"{PAGEFIND_URL}part-{part}/"


def bundle_urls(record_pages: int, per_index: int) -> list[str]:
    """Where each part of the search index goes: one part while the site has at most
    ``per_index`` record pages, else as many equal parts as needed; the first is the
    bundle the search page loads, the others it merges (``pagefind.mergeIndex``)."""
    parts = max(1, -(-record_pages // per_index))
    return [pagefind_bundle_url(n) for n in range(1, parts + 1)]


def data_url(name: str) -> str:
    return f"/data/{name}"


def calendar_url(type_name: str, record_id: str) -> str:
    """One record's own calendar: '/calendars/events/ecc-2016.ics'."""
    return f"/calendars/{TYPES_BY_NAME[type_name].folder}/{record_id}.ics"


def calendar_url_of(record: Record) -> str | None:
    """The record's own calendar, or None when it has no day to put in one."""
    if isinstance(record, Event) and record.start is not None and record.start.day is not None:
        return calendar_url("event", record.id)
    if (
        isinstance(record, FundingCall)
        and record.deadline is not None
        and record.deadline.day is not None
    ):
        return calendar_url("call", record.id)
    return None


def relative_output_path(url: str) -> str:
    """'/people/x/' -> 'people/x/index.html'; refuses '..', '.', empty parts, backslashes
    and NULs. Enough on its own in a folder that holds no symlinks (a fresh staging folder)."""
    relative = url.lstrip("/")
    if not relative or url.endswith("/"):
        relative += "index.html"
    if "\\" in relative or "\x00" in relative or not _UNSAFE_PARTS.isdisjoint(relative.split("/")):
        raise UnsafePathError(f"unsafe URL {url!r}")
    return relative


_UNSAFE_PARTS = frozenset(("", ".", ".."))  # the parts no output path may have


def output_path(output_dir: Path, url: str) -> Path:
    """The file a URL is written to: '/people/x/' -> output/people/x/index.html.

    Refuses any URL that would escape ``output_dir`` whatever it contains."""
    target = (output_dir / relative_output_path(url)).resolve()
    root = output_dir.resolve()
    if target != root and root not in target.parents:
        raise UnsafePathError(f"URL {url!r} would be written outside {output_dir}")
    return target


def with_base(base_url: str, url: str) -> str:
    """Prefix a site-relative URL with the base path ('/sub/' + '/people/' -> '/sub/people/')."""
    if not url.startswith("/"):
        return url
    path = base_url
    if "://" in base_url:
        path = "/" + base_url.split("://", 1)[1].partition("/")[2]
    return path.rstrip("/") + url


def absolute(base_url: str, url: str) -> str:
    """A full URL for feeds and canonical links; relative to the base path if no host is set."""
    if "://" in base_url:
        return base_url.rstrip("/") + url
    return with_base(base_url, url)
