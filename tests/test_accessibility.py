"""Every page type in a real browser: axe-core finds no WCAG 2.1 A/AA violation, in
light and dark colour schemes; each page has a meaningful title and description, one
h1 and no skipped heading level; its stylesheet and images load; in-page links land;
the skip link is the first stop and its focus is visible.

Needs Debian's Chromium and axe-core (``npm ci --prefix tests/js``); without them the
tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import require, tools

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ["light", "dark"]

pytestmark = pytest.mark.browser  # headless Chromium: deselect with -m "not browser"


@pytest.fixture(scope="module")
def fixture_site(built_valid: Path) -> Iterator[tuple[str, list[str]]]:
    """The fixture site served; every page of it is checked."""
    with tools.served(built_valid) as origin:
        yield origin, tools.page_urls(built_valid)


def axe_violations(page: Any, label: str) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    require(AXE.exists(), "axe-core not installed: run 'npm ci --prefix tests/js'")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})""",
        WCAG_TAGS,
    )
    problems = []
    for v in result["violations"]:
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        problems.append(f"{label}: axe {v['id']} ({v['impact']}): {v['help']} at {targets}")
    return problems


def check_page(page: Any, url: str) -> list[str]:
    """Everything wrong with the page at ``url``, as readable lines."""
    broken: list[str] = []
    page.on("response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: broken.append(f"failed {r.url}"))
    page.goto(url)
    problems = [f"{url}: could not load {b}" for b in broken] + axe_violations(page, url)
    facts = page.evaluate(
        """() => ({
            title: document.title.trim(),
            home: location.pathname === new URL(document.querySelector('.brand').href).pathname,
            site: document.querySelector('.brand').textContent.trim(),
            description: document.querySelector('meta[name=description]')?.content ?? '',
            levels: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
                .map(h => Number(h.tagName[1])),
            missing: [...document.querySelectorAll('a[href^="#"]')]
                .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
                .filter(id => id && !document.getElementById(id)),
            images: [...document.images].filter(i => !i.complete || !i.naturalWidth)
                .map(i => i.src),
            styled: [...document.styleSheets].some(s => s.cssRules.length > 0),
        })"""
    )
    return problems + [f"{url}: {p}" for p in _outline_problems(facts, url)]


def _outline_problems(facts: dict[str, Any], url: str) -> list[str]:
    problems = []
    if not facts["title"] or (facts["title"] == facts["site"] and not facts["home"]):
        problems.append(f"title {facts['title']!r} does not name the page")
    if not facts["description"].strip():
        problems.append("empty meta description")
    levels = facts["levels"]
    if levels.count(1) != 1 or levels[:1] != [1]:
        problems.append(f"needs exactly one h1, first: heading levels are {levels}")
    skipped = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    if skipped:
        problems.append(f"heading levels skip: {skipped}")
    problems += [f"link to missing anchor #{m}" for m in facts["missing"]]
    problems += [f"image did not load: {src}" for src in facts["images"]]
    if not facts["styled"]:
        problems.append("no stylesheet applied")
    return problems


def _check_all(browser: Any, origin: str, urls: list[str], scheme: str) -> list[str]:
    context = browser.new_context(color_scheme=scheme)
    problems = []
    for url in urls:
        page = context.new_page()
        problems += check_page(page, origin + url)
        page.close()
    context.close()
    return problems


def test_every_page_in_light_scheme(browser: Any, fixture_site: tuple[str, list[str]]) -> None:
    origin, urls = fixture_site
    problems = _check_all(browser, origin, urls, "light")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_each_page_type_in_dark_scheme(
    browser: Any, built_valid: Path, fixture_site: tuple[str, list[str]]
) -> None:
    """Dark mode changes only colours, so the richest page of each type covers it."""
    origin, _ = fixture_site
    urls = list(tools.samples(built_valid).values())
    problems = _check_all(browser, origin, urls, "dark")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_titles_tell_pages_apart(browser: Any, fixture_site: tuple[str, list[str]]) -> None:
    """A screen reader's list of tabs and the history make sense only with distinct titles."""
    origin, urls = fixture_site
    page = browser.new_page()
    titles: dict[str, list[str]] = {}
    for url in urls:
        page.goto(origin + url)
        titles.setdefault(page.title(), []).append(url)
    page.close()
    assert {t: u for t, u in titles.items() if len(u) > 1} == {}


def test_the_menu_marks_where_the_reader_is(
    browser: Any, fixture_site: tuple[str, list[str]]
) -> None:
    """The main menu's entry for the section shown is announced (aria-current "page" on
    its listing, "true" below it) and drawn in bold; the header is rendered once per
    menu state (render.fragment), so pages of different sections must not share one."""
    origin, _ = fixture_site
    page = browser.new_page()
    seen = {}
    for url in ("/", "/people/", "/people/bianca-dragomir/", "/events/ecc-2016/", "/search/"):
        page.goto(origin + url)
        seen[url] = page.evaluate(
            """() => [...document.querySelectorAll('.site-header nav a')]
                .filter(a => a.hasAttribute('aria-current'))
                .map(a => [a.textContent, a.getAttribute('aria-current'),
                           getComputedStyle(a).fontWeight])"""
        )
    page.close()
    assert seen == {
        "/": [],
        "/people/": [["People", "page", "700"]],
        "/people/bianca-dragomir/": [["People", "true", "700"]],
        "/events/ecc-2016/": [["Events", "true", "700"]],
        "/search/": [],
    }


@pytest.mark.parametrize("scheme", SCHEMES)
def test_skip_link_comes_first_with_visible_focus(
    browser: Any, fixture_site: tuple[str, list[str]], scheme: str
) -> None:
    origin, _ = fixture_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(origin + "/events/ecc-2016/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement, box = el.getBoundingClientRect(),
                  style = getComputedStyle(el);
            return {text: el.textContent.trim(), href: el.getAttribute('href'),
                    visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0,
                    outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }"""
    )
    assert focused["text"] == "Skip to content" and focused["href"] == "#main"
    assert focused["visible"], "the focused skip link must be on screen"
    assert focused["outline"] != "none" and focused["width"] >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_real_content_one_page_per_type(browser: Any, built_real: Path, scheme: str) -> None:
    """The real records are richer than the fixture: the largest page of each type."""
    urls = tools.samples(built_real)
    if len(urls) < 3:
        pytest.skip("content/ at the repo root has no records")
    with tools.served(built_real) as origin:
        problems = _check_all(browser, origin, list(urls.values()), scheme)
    assert not problems, f"{len(problems)} problems ({scheme}):\n" + "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_search_results_pass_axe(
    browser: Any, built_valid: Path, fixture_site: tuple[str, list[str]], scheme: str
) -> None:
    """Results are drawn by script after load, so they are checked once they are there."""
    if not (built_valid / "pagefind" / "pagefind.js").exists():
        pytest.skip("this build has no search index")
    origin, _ = fixture_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(origin + "/search/?q=cluster")
    page.wait_for_selector("#search-results li")
    problems = axe_violations(page, f"search results ({scheme})")
    context.close()
    assert not problems, "\n".join(problems)


def test_axe_is_the_committed_version() -> None:
    """The lock file pins axe-core; a stale node_modules would check other rules."""
    require(AXE.exists(), "axe-core not installed: run 'npm ci --prefix tests/js'")
    lock = json.loads((ROOT / "tests" / "js" / "package-lock.json").read_text())
    installed = json.loads((AXE.parent / "package.json").read_text())
    assert lock["packages"]["node_modules/axe-core"]["version"] == installed["version"]
