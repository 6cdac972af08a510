"""sitemap.xml and robots.txt, for crawlers.

The sitemap protocol wants full URLs: with the site's ``url`` or a full ``base_url``
(https://...) every ``<loc>`` is one and robots.txt points at the sitemap; with only a
path ('/') the locations are site-absolute paths and robots.txt names no sitemap, since
it cannot know the host. The 404 and search pages are left out (they are not content).
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
LEFT_OUT = {urls.NOT_FOUND_URL, urls.SEARCH_URL}


def sitemap(base_url: str, page_urls: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for url in sorted(page_urls):
        lines.append(f"  <url><loc>{escape(xml_text(urls.absolute(base_url, url)))}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(base_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if "://" in base_url:
        lines += ["", f"Sitemap: {urls.absolute(base_url, urls.SITEMAP_URL)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def files(context: BuildContext) -> Iterator[tuple[str, bytes]]:
    base_url = context.site.config.absolute_base
    yield (
        urls.SITEMAP_URL,
        sitemap(base_url, [p.url for p in context.pages if p.url not in LEFT_OUT]),
    )
    yield urls.ROBOTS_URL, robots(base_url)
