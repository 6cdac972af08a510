"""Script on the site: every URL field of every record type, holding hostile URLs, in
Debian's Chromium. A URL the check accepts is built into a real site and each page is
loaded, hovered and focused: no dialog opens, no script sets a flag, each link has only
its ``href`` and shows its address literally ('&copy=' stays '&copy=', not '©'). A URL
the check rejects (a '"' in the host) is still rendered harmlessly by the link macro,
in case a future field skips the check.

Without Chromium or Playwright the tests skip locally and fail under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, get_args

import pytest
from pydantic import BaseModel, HttpUrl, TypeAdapter

from clusterreports import RECORD_TYPES, build, load_site_config
from clusterreports.content.models import WebUrl
from clusterreports.site.render import make_environment

from .conftest import SITES, copy_site, tools
from .discovery_support import json_ld

pytestmark = pytest.mark.browser  # headless Chromium: deselect with -m "not browser"

# Accepted by the check, and each part tries something: a quote to leave the attribute,
# an event handler, entities that would turn into markup or '©' if unescaped.
HOSTILE = (
    "https://example.org/{field}/x'onmouseover='window.pwned=1'autofocus='"
    "?a=1&copy=2&lt;script&gt;window.pwned=1&lt;/script&gt;#'onfocus='window.pwned=1'"
)
# Rejected by the check (tests/sites/invalid/unsafe-values); rendered here regardless.
ATTRIBUTE_BREAKER = (
    'https://a"onfocus="window.pwned=1;alert(1)"autofocus="x.org/?q=1&copy=2&lt;b&gt;'
)

# Each URL field and the page that shows it: (record type, field path, page URL).
URL_FIELDS = [
    ("event", "website", "/events/hostile-event/"),
    ("event", "news.link", "/events/hostile-event/"),
    ("organisation", "website", "/organisations/hostile-organisation/"),
    ("call", "link", "/calls/hostile-call/"),
    ("report", "link", "/reports/hostile-report/"),
    ("series", "website", "/series/hostile-series/"),
]
RECORDS = {
    "events/hostile-event.yaml": "title: Hostile event\nkind: info-day\nstart: 2022-11-02\n"
    f'website: "{HOSTILE.format(field="event-website")}"\n'
    f'news:\n  - {{text: Hostile news, link: "{HOSTILE.format(field="event-news.link")}"}}\n',
    "organisations/hostile-organisation.yaml": "name: Hostile organisation\n"
    f'website: "{HOSTILE.format(field="organisation-website")}"\n',
    "calls/hostile-call.yaml": "title: Hostile call\n"
    f'link: "{HOSTILE.format(field="call-link")}"\n',
    "reports/hostile-report.yaml": "title: Hostile report\n"
    f'link: "{HOSTILE.format(field="report-link")}"\n',
    "series/hostile-series.yaml": "name: Hostile series\n"
    f'website: "{HOSTILE.format(field="series-website")}"\n',
}


def _url_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Dotted paths of the URL fields in a model, nested parts included."""
    for name, field in model.model_fields.items():
        args = [field.annotation, *get_args(field.annotation)]
        args += [a for arg in args for a in get_args(arg)]
        if HttpUrl in args:
            yield prefix + name
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                yield from _url_fields(arg, f"{prefix}{name}.")


def test_every_url_field_is_covered() -> None:
    found = {(t.type_name, path) for t in RECORD_TYPES for path in _url_fields(t)}
    assert found == {(kind, field) for kind, field, _ in URL_FIELDS}


def expected_url(kind: str, field: str) -> str:
    """The URL as the site writes it (the parser percent-encodes quotes in the query)."""
    return str(TypeAdapter(WebUrl).validate_python(HOSTILE.format(field=f"{kind}-{field}")))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site("valid", tmp_path_factory.mktemp("hostile"))
    for name, text in RECORDS.items():
        (root / "content" / name).parent.mkdir(exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    build(load_site_config(root, base_url="https://example.org/reports/"))
    return root / "_site"


@pytest.fixture(scope="module")
def origin(hostile_site: Path) -> Iterator[str]:
    with tools.served(hostile_site) as served:
        yield served


def run_hostile_page(browser: Any, url: str, html: str | None = None) -> tuple[Any, list[str]]:
    """A page loaded (from ``url`` or as ``html``) with every external link hovered and
    focused; returns it and the dialogs that opened."""
    page = browser.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    if html is None:
        assert page.goto(url).ok
    else:
        page.set_content(html)
    for anchor in page.locator("a[href*='example.org/'], a[href*='x.org/']").all():
        anchor.hover()
        anchor.focus()
    return page, dialogs


@pytest.mark.parametrize(("kind", "field", "page_url"), URL_FIELDS)
def test_hostile_url_runs_no_script_and_shows_literally(
    browser: Any, origin: str, hostile_site: Path, kind: str, field: str, page_url: str
) -> None:
    url = expected_url(kind, field)
    page, dialogs = run_hostile_page(browser, origin + page_url)
    try:
        anchors = page.evaluate(
            """url => [...document.querySelectorAll('a')]
                .filter(a => a.getAttribute('href') === url)
                .map(a => ({attributes: a.getAttributeNames(), text: a.textContent}))""",
            url,
        )
        assert dialogs == []
        assert page.evaluate("window.pwned") is None
        assert anchors and all(a["attributes"] == ["href"] for a in anchors)
        if field != "news.link":  # a news item's link shows the item's text
            assert [a["text"] for a in anchors] == [url]
            assert "&copy=2&lt;script&gt;" in anchors[0]["text"]
    finally:
        page.close()
    html = (hostile_site / page_url.strip("/") / "index.html").read_text(encoding="utf-8")
    assert "©" not in html
    if field != "news.link":
        assert url in [node.get("sameAs") for node in json_ld(html)]


def test_link_macro_escapes_a_url_that_skipped_the_check(browser: Any) -> None:
    """Defence in depth: the macro alone keeps a '"' in the host inside the attribute."""
    env = make_environment(load_site_config(SITES / "valid"))
    template = env.from_string(
        '{% from "_macros.html" import external_link with context %}{{ external_link(u) }}'
    )
    html = template.render(u=ATTRIBUTE_BREAKER, site=SimpleNamespace(link=None))
    page, dialogs = run_hostile_page(browser, "", f"<!doctype html><title>t</title>{html}")
    try:
        anchor = page.locator("a")
        assert dialogs == []
        assert page.evaluate("window.pwned") is None
        assert page.evaluate("a => a.getAttributeNames()", anchor.element_handle()) == ["href"]
        assert anchor.get_attribute("href") == ATTRIBUTE_BREAKER
        assert anchor.text_content() == ATTRIBUTE_BREAKER
    finally:
        page.close()


def test_feed_keeps_the_hostile_news_link(hostile_site: Path) -> None:
    """The Atom feed carries the news link as one attribute value, '&' escaped."""
    from xml.etree import ElementTree

    feed = ElementTree.parse(hostile_site / "feeds" / "events.xml").getroot()
    hrefs = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert expected_url("event", "news.link") in hrefs
