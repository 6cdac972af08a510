"""sitemap.xml and robots.txt, for crawlers.

The sitemap protocol wants full URLs: with the site's ``url`` or a full ``base_url``
(https://...) every ``<loc>`` is one and robots.txt points at the sitemap; with only a
path ('/') the locations are site-absolute paths and robots.txt names no sitemap, since
it cannot know the host. The 404 and search pages are left out (they are not content).
A multilingual site has a sitemap a language (/sitemaps/fr.xml), each page with its
alternates in the other languages, and /sitemap.xml is their index.

The protocol takes at most 50,000 URLs (and 50 MB) a file: a longer sitemap is written
in parts (/sitemaps/en-1.xml, /sitemaps/en-2.xml, ...) that /sitemap.xml indexes. A
page with alternates counts as one entry for each of its links, which keeps a file of
many languages under the size limit too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..escape import xml_text
from ..site import urls

if TYPE_CHECKING:
    from .context import BuildContext

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
LEFT_OUT = {urls.NOT_FOUND_URL, urls.SEARCH_URL}
ENTRIES_PER_FILE = 50_000  # the protocol's limit of URLs a sitemap file


def sitemap(
    base_url: str, page_urls: list[str], alternates: dict[str, list[tuple[str, str]]] | None = None
) -> bytes:
    """A sitemap of ``page_urls``; ``alternates`` gives each URL's pages in every language
    as (hreflang, URL), the first the default, which is also the x-default."""
    ns = f' xmlns:xhtml="{XHTML_NS}"' if alternates else ""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}"{ns}>']
    for url in sorted(page_urls):
        loc = f"<loc>{_location(base_url, url)}</loc>"
        if not alternates:
            lines.append(f"  <url>{loc}</url>")
            continue
        lines.append(f"  <url>{loc}")
        languages = alternates[url]
        for language, href in [*languages, ("x-default", languages[0][1])]:
            lines.append(
                f'    <xhtml:link rel="alternate" hreflang="{escape(language)}" '
                f'href="{_location(base_url, href)}"/>'
            )
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_index(base_url: str, sitemap_urls: list[str]) -> bytes:
    """The index of a site's sitemaps: one a language, or the parts of a long one."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for url in sitemap_urls:
        lines.append(f"  <sitemap><loc>{_location(base_url, url)}</loc></sitemap>")
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _location(base_url: str, url: str) -> str:
    return escape(xml_text(urls.absolute(base_url, url)))


def robots(base_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if "://" in base_url:
        lines += ["", f"Sitemap: {urls.absolute(base_url, urls.SITEMAP_URL)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def files(context: BuildContext) -> Iterator[tuple[str, bytes]]:
    base_url = context.site.config.absolute_base
    listed = [p for p in context.pages if p.path not in LEFT_OUT and p.kind != "languages"]
    trees = urls.trees(context.site.config)
    alternates = None
    if len(trees) > 1:
        alternates = {
            p.url: [(t.language, urls.in_language(p.path, t.prefix)) for t in trees] for p in listed
        }
    # Each page's entries: its location, and with alternates one link a language and x-default.
    size = max(1, ENTRIES_PER_FILE // (len(trees) + 2 if alternates else 1))
    written: list[str] = []
    for tree in trees:
        mine = sorted(p.url for p in listed if alternates is None or p.language == tree.language)
        parts = [mine[start : start + size] for start in range(0, len(mine), size)] or [[]]
        if alternates is None and len(parts) == 1:
            yield urls.SITEMAP_URL, sitemap(base_url, mine)  # the usual case: one file
            break
        for number, part in enumerate(parts, 1):
            url = urls.sitemap_url(tree.language, number if len(parts) > 1 else None)
            written.append(url)
            yield url, sitemap(base_url, part, alternates)
    if written:
        yield urls.SITEMAP_URL, sitemap_index(base_url, written)
    yield urls.ROBOTS_URL, robots(base_url)
