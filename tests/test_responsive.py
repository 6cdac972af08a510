"""Layout in a real browser: nothing scrolls sideways on a phone, long poll answers wrap
instead of being cut, and a printed page is the record without the site around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clusterreports import build, load_site_config

from .conftest import copy_site, tools
from .test_accessibility import SCHEMES, axe_violations

pytestmark = pytest.mark.browser  # headless Chromium: deselect with -m "not browser"

PHONE_WIDTHS = [360, 390]
LONG_ANSWER = (
    "Let cluster organisations team up along smart specialisation priorities, offer coaching "
    "for addressing similar challenges and share what works across borders and sectors, "
    "including https://example.org/a-very-long-address-without-any-break-in-it-at-all"
)
STRESS_RECORDS = {
    "polls/long-answers.yaml": f"""
question: Which of these long answers would you choose if every one of them were possible?
session: talk-2022-introduction
respondents: 1234
answers:
  - text: "{LONG_ANSWER}"
    share: 91.5
  - {{text: Nothing, share: 0}}
  - {{text: "Supercalifragilisticexpialidociousclusterorganisationmanagement", share: 8.5}}
sources: [source-report]
""",
    "events/figures-2023.yaml": """
title: A conference with every kind of figure and a very long title that goes on and on
kind: conference
start: 2023-03-01
place: {city: Brussels, online: true}
website: https://example.org/an/extremely/long/path/that/would/otherwise/push/the/page/sideways
figures:
  - {label: participants on site, value: 500, more_than: true}
  - {label: participants online, value: 1250}
  - {label: countries, value: 40, more_than: true}
  - {label: bilateral meetings, value: 312}
  - {label: cluster organisations represented, value: 180}
  - {label: budget, value: 2.5, unit: " million euro"}
sources: [source-report]
""",
    "calls/not-yet-open.yaml": """
title: A call that opens after the build date
opens: 2023-01-10
deadline: 2023-03-01
sources: [source-report]
""",
}
STRESS_URLS = ["/polls/long-answers/", "/events/figures-2023/", "/calls/not-yet-open/", "/calls/"]


@pytest.fixture(scope="module")
def stress_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The fixture site plus records made to break layouts, built outside the repo."""
    root = copy_site("valid", tmp_path_factory.mktemp("stress"))
    for name, text in STRESS_RECORDS.items():
        (root / "content" / name).write_text(text.lstrip(), encoding="utf-8")
    output = root / "_site"
    build(load_site_config(root))
    with tools.served(output) as origin:
        yield origin, tools.page_urls(output)


def _overflowing(browser: Any, origin: str, urls: list[str], width: int) -> list[str]:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = []
    for url in urls:
        page.goto(origin + url)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            culprit = page.evaluate(
                """w => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > w)
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
                    .slice(-3).join(', ')""",
                width,
            )
            wide.append(f"{url}: {scroll_width} px wide ({culprit})")
    context.close()
    return wide


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_no_page_scrolls_sideways_on_a_phone(
    browser: Any, stress_site: tuple[str, list[str]], width: int
) -> None:
    origin, urls = stress_site
    assert _overflowing(browser, origin, urls, width) == []


def test_real_content_fits_a_phone(browser: Any, built_real: Path) -> None:
    urls = tools.samples(built_real)
    if len(urls) < 3:
        pytest.skip("content/ at the repo root has no records")
    with tools.served(built_real) as origin:
        assert _overflowing(browser, origin, list(urls.values()), 390) == []


def test_long_poll_answers_wrap_in_full(browser: Any, stress_site: tuple[str, list[str]]) -> None:
    origin, _ = stress_site
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(origin + "/polls/long-answers/")
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.bar-row')].map(row => {
            const label = row.querySelector('.bar-label'), value = row.querySelector('.bar-value'),
                  chart = row.querySelector('svg').getBoundingClientRect(),
                  text = value.getBoundingClientRect();
            return {label: label.textContent, lines: Math.round(label.offsetHeight /
                        parseFloat(getComputedStyle(label).lineHeight)),
                    value: value.textContent,
                    inside: text.left >= chart.left && text.right <= chart.right + 0.5};
        })"""
    )
    context.close()
    assert [r["label"] for r in rows][:3] == [
        LONG_ANSWER,
        "Nothing",
        "Supercalifragilisticexpialidociousclusterorganisationmanagement",
    ]
    assert rows[0]["lines"] >= 3, "a long answer wraps over several lines"
    assert [r["value"] for r in rows][:3] == ["91.5%", "0%", "8.5%"]
    assert all(r["inside"] for r in rows), f"a number runs off its chart: {rows}"


def test_table_gives_screen_readers_the_numbers(
    browser: Any, stress_site: tuple[str, list[str]]
) -> None:
    """The drawn bars are hidden from assistive technology; the table carries the data."""
    origin, _ = stress_site
    page = browser.new_page()
    page.goto(origin + "/polls/long-answers/")
    hidden = page.evaluate(
        "[...document.querySelectorAll('.bars')].every(e => e.getAttribute('aria-hidden'))"
    )
    table = page.locator(".bar-chart table")
    cells = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    caption = table.locator("caption").text_content()
    page.close()
    assert hidden
    assert caption and "Which of these long answers" in caption
    assert cells == [[LONG_ANSWER, "91.5%"], ["Nothing", "0%"], [cells[2][0], "8.5%"]]


def test_event_figures_summary(browser: Any, stress_site: tuple[str, list[str]]) -> None:
    origin, _ = stress_site
    page = browser.new_page()
    page.goto(origin + "/events/figures-2023/")
    cards = page.locator(".figures li").evaluate_all(
        """cards => cards.map(c => [c.querySelector('svg.icon').getAttribute('aria-hidden'),
                                    c.textContent.replace(/\\s+/g, ' ').trim()])"""
    )
    page.close()
    assert [text for _, text in cards] == [
        "more than 500 participants on site",
        "1,250 participants online",
        "more than 40 countries",
        "312 bilateral meetings",
        "180 cluster organisations represented",
        "2.5 million euro budget",
    ]
    assert all(hidden == "true" for hidden, _ in cards), "icons are decoration only"


def test_print_shows_the_record_without_site_chrome(
    browser: Any, stress_site: tuple[str, list[str]]
) -> None:
    origin, _ = stress_site
    page = browser.new_page()
    page.goto(origin + "/reports/source-report/")
    page.emulate_media(media="print", color_scheme="dark")
    shown = page.evaluate(
        """() => Object.fromEntries(['.site-header nav', '.site-search', '.breadcrumbs',
            '.site-footer', 'h1', '.facts'].map(s => {
                const e = document.querySelector(s);
                return [s, e ? getComputedStyle(e).display !== 'none' : null];
            }))"""
    )
    colours = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    pdf = page.pdf(format="A4")
    page.close()
    assert shown == {
        ".site-header nav": False,
        ".site-search": False,
        ".breadcrumbs": False,
        ".site-footer": False,
        "h1": True,
        ".facts": True,
    }
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], "print is black on white"
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_stress_pages_pass_axe(
    browser: Any, stress_site: tuple[str, list[str]], scheme: str
) -> None:
    """The badge, chart and figure styles the fixture does not reach, in both schemes."""
    origin, _ = stress_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    badges: set[str] = set()
    for url in STRESS_URLS:
        page.goto(origin + url)
        badges.update(page.locator(".badge").all_text_contents())
        problems += axe_violations(page, f"{url} ({scheme})")
    context.close()
    assert not problems, "\n".join(problems)
    assert {"Open", "Closing soon", "Closed", "No deadline", "Not yet open"} <= badges
