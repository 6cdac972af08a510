"""A record's page whose lists outgrow ``page_size`` (site/paginate.py ``record_lengths``):
the lengths planned from the registry are those the views list; on the fixture site,
with a busy speaker and two records a page, every appearance is reached by following
the page links (in a real browser too, free of axe violations), the pages are valid
HTML, link each other in their heads and sit in the sitemap; each language gets the
same pages; and a preview edit that changes how many pages a record has equals a clean
build."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from clusterreports import build, load_site_config
from clusterreports.pipeline import check
from clusterreports.preview.incremental import Preview
from clusterreports.preview.reads import TrackingRenderer
from clusterreports.site import urls
from clusterreports.site.paginate import (
    PAGED_LISTS,
    Pager,
    PlanMismatch,
    counted_in,
    record_lengths,
)
from clusterreports.site.render import Renderer
from clusterreports.site.views import PersonView

from .conftest import bench_corpus, copy_site, tools
from .test_accessibility import _check_all
from .test_html_valid import validate
from .test_incremental import assert_same_as_full_build, edit
from .test_paginate import assert_notes_as_made_alone

ULLA = "/people/ulla-engelmann/"
DG_GROW = "/organisations/dg-grow/"
TALKS = 4  # sessions added, each with Ulla Engelmann of DG GROW speaking


def busy_site(root: Path, page_size: int = 2) -> Path:
    """The fixture, with Ulla Engelmann speaking in ``TALKS`` more sessions (five
    appearances: three pages at two a page), each naming DG GROW (five sessions)."""
    sessions = root / "content" / "sessions"
    for n in range(2, TALKS + 2):
        (sessions / f"talk-2022-part-{n}.yaml").write_text(
            f"event: talk-2022\ntitle: Part {n}\nkind: presentation\norder: {n}\n"
            "participants:\n  - {person: ulla-engelmann, role: speaker, organisation: dg-grow}\n",
            encoding="utf-8",
        )
    with (root / "site.yaml").open("a", encoding="utf-8") as config:
        config.write(f"page_size: {page_size}\n")
    return root


def _lengths_listed(view: Any) -> dict[str, int]:
    """What a record's view lists, by the names ``record_lengths`` counts them under."""
    if view.record.type_name == "person":
        return {
            "appearances": len(view.appearances),
            "quotes": len(view.quotes),
            "reports": len(view.reports),
        }
    if view.record.type_name == "organisation":
        current, former = view.people
        return {
            "people": len(current) + len(former),
            "unit_people": len(view.unit_people),
            "organised": len(view.organised),
            "unit_events": len(view.unit_events),
            "took_part": len(view.took_part),
            "reports": len(view.reports),
        }
    return {}


def _assert_lengths_are_the_views(root: Path) -> None:
    site = load_site_config(root)
    registry = check(site).registry
    views = Renderer(site, registry).view
    for record in registry:
        planned = record_lengths(registry, record)
        assert set(planned) == set(PAGED_LISTS.get(record.type_name, ()))
        assert planned == _lengths_listed(views.view(record)), (record.type_name, record.id)


# --- planning ------------------------------------------------------------------------


def test_a_record_s_later_pages_go_below_its_url() -> None:
    assert urls.record_page_url("person", "x", 1) == "/people/x/"
    assert urls.record_page_url("person", "x", 2) == "/people/x/page/2/"
    pager = Pager("person", 2, 3, 50, record_id="x")
    assert (pager.previous, pager.next) == ("/people/x/", "/people/x/page/3/")


def test_planned_lengths_are_what_the_views_list(tmp_path: Path) -> None:
    """On the fixture (with units and a busy speaker), the first site and a small
    benchmark corpus (hubs, roles at many organisations): a length counted wrong would
    lose entries or make empty pages."""
    _assert_lengths_are_the_views(busy_site(copy_site("valid", tmp_path)))
    _assert_lengths_are_the_views(Path(__file__).resolve().parents[1])
    corpus = tmp_path / "corpus"
    bench_corpus().generate(corpus, 40)
    _assert_lengths_are_the_views(corpus / "ours")


def test_a_unit_s_references_count_in_every_organisation_above_it(tmp_path: Path) -> None:
    """Whose lengths a reference to a unit can change: the unit's and its ancestors'
    (their pages list the people and events of their units), which the preview checks."""
    root = copy_site("valid", tmp_path)
    orgs = root / "content" / "organisations"
    (orgs / "unit-a.yaml").write_text("name: Unit A\nparent: dg-grow\n", encoding="utf-8")
    registry = check(load_site_config(root)).registry
    assert counted_in(registry, ("organisation", "unit-a")) == {
        ("organisation", "unit-a"),
        ("organisation", "dg-grow"),
        ("organisation", "european-commission"),
    }
    assert counted_in(registry, ("person", "ulla-engelmann")) == {("person", "ulla-engelmann")}


def test_a_list_longer_than_planned_is_an_error_not_a_loss() -> None:
    pager = Pager("person", 1, 1, 2, record_id="x")
    assert pager.items(["a", "b"]) == ["a", "b"]
    with pytest.raises(PlanMismatch, match="person x: a list of 3 entries on 1 planned page"):
        pager.items(["a", "b", "c"])


def test_the_plan_pages_only_the_records_with_long_lists(tmp_path: Path) -> None:
    root = busy_site(copy_site("valid", tmp_path))
    pages = check(load_site_config(root)).pages
    later = sorted(p.url for p in pages if p.record is not None and p.number > 1)
    assert later == [f"{DG_GROW}page/2/", f"{DG_GROW}page/3/", f"{ULLA}page/2/", f"{ULLA}page/3/"]
    assert {p.of for p in pages if p.url.startswith(ULLA)} == {3}


# --- the built pages -----------------------------------------------------------------


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The busy fixture at two records a page, built; returns the output folder."""
    root = busy_site(copy_site("valid", tmp_path_factory.mktemp("busy")))
    build(load_site_config(root))
    return root / "_site"


def _page(output: Path, url: str) -> str:
    return urls.output_path(output, url).read_text(encoding="utf-8")


def _section(html: str, anchor: str) -> str:
    found = re.search(rf'<section aria-labelledby="{anchor}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_following_next_reaches_every_appearance_once(busy: Path) -> None:
    url: str | None = ULLA
    visited, sessions = [], []
    while url:
        html = _page(busy, url)
        visited.append(url)
        sessions += re.findall(r'href="(/sessions/[a-z0-9-]+/)"', _section(html, "appearances"))
        head = re.search(r'<link rel="next" href="([^"]+)">', html)
        nav = re.search(r'<a href="([^"]+)" rel="next">', html)
        assert (head and head.group(1)) == (nav and nav.group(1)), url
        url = nav.group(1) if nav else None
    assert visited == [ULLA, f"{ULLA}page/2/", f"{ULLA}page/3/"]
    parts = [f"/sessions/talk-2022-part-{n}/" for n in range(2, TALKS + 2)]
    assert sessions == ["/sessions/talk-2022-introduction/", *parts]
    assert not urls.output_path(busy, f"{ULLA}page/4/").exists()


def test_the_first_page_holds_the_record_and_the_others_its_lists(busy: Path) -> None:
    first, second = _page(busy, ULLA), _page(busy, f"{ULLA}page/2/")
    assert "<title>Ulla Engelmann, page 1 of 3 · Fixture Reports</title>" in first
    assert "<title>Ulla Engelmann, page 2 of 3 · Fixture Reports</title>" in second
    assert 'rel="prev"' not in first and f'<link rel="prev" href="{ULLA}">' in second
    assert '<h2 id="appearances">Appearances</h2>' in first
    assert '<h2 id="appearances">Appearances <span class="meta">(continued)</span></h2>' in second
    assert "<h1>Ulla Engelmann</h1>" in second  # the header, for every page
    # the facts, roles, quotes and sources are on the first page alone
    for part in ('id="roles"', 'id="quotes"', 'class="sources"'):
        assert part in first and part not in second, part
    # the breadcrumb leads back to the first page, and names this one
    assert f'<li><a href="{ULLA}">Ulla Engelmann</a></li>' in second
    assert '<li aria-current="page">Page 2 of 3</li>' in second
    # each page is its own canonical page; the record's JSON-LD is on the first alone
    assert f'<link rel="canonical" href="{ULLA}page/2/">' in second
    assert "application/ld+json" in first and "application/ld+json" not in second
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', second)
    assert current == [f"{ULLA}page/2/"]


def test_an_organisation_s_sessions_run_over_its_pages(busy: Path) -> None:
    found = []
    for url in (DG_GROW, f"{DG_GROW}page/2/", f"{DG_GROW}page/3/"):
        found += re.findall(
            r'href="(/sessions/[a-z0-9-]+/)"', _section(_page(busy, url), "took-part")
        )
    assert len(found) == len(set(found)) == TALKS + 1
    assert 'id="people"' in _page(busy, DG_GROW) and 'id="people"' not in _page(busy, found[0])


def test_the_sitemap_lists_a_record_s_pages(busy: Path) -> None:
    sitemap = (busy / "sitemap.xml").read_text(encoding="utf-8")
    for url in (ULLA, f"{ULLA}page/2/", f"{ULLA}page/3/", f"{DG_GROW}page/3/"):
        assert f"<loc>{url}</loc>" in sitemap, url


def test_paged_record_pages_are_valid_html(busy: Path, tmp_path: Path) -> None:
    pages, messages = validate(busy / "people" / "ulla-engelmann")
    assert pages == 3
    assert messages == ""
    pages, messages = validate(busy / "organisations" / "dg-grow")
    assert pages == 3
    assert messages == ""


def test_each_language_has_the_same_pages(tmp_path: Path) -> None:
    root = busy_site(copy_site("valid", tmp_path))
    with (root / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("languages: [en, fr]\n")
    build(load_site_config(root))
    output = root / "_site"
    for prefix in ("", "/fr"):
        assert urls.output_path(output, f"{prefix}{ULLA}page/3/").is_file(), prefix
        assert not urls.output_path(output, f"{prefix}{ULLA}page/4/").exists(), prefix
    french = _page(output, f"/fr{ULLA}page/2/")
    assert '<li aria-current="page">Page 2 sur 3</li>' in french
    assert f'<link rel="next" href="/fr{ULLA}page/3/">' in french
    assert f'hreflang="en" href="{ULLA}page/2/"' in french


# --- in a browser ----------------------------------------------------------------------


@pytest.mark.browser
def test_the_pager_of_a_person_in_a_browser(browser: Any, busy: Path) -> None:
    page = browser.new_page()
    with tools.served(busy) as origin:
        url: str | None = origin + ULLA
        visited, sessions = [], []
        while url is not None:
            page.goto(url)
            visited.append(page.evaluate("location.pathname"))
            sessions += page.evaluate(
                """() => [...document.querySelectorAll('#appearances ~ ul a[href*="/sessions/"]')]
                    .map(a => new URL(a.href).pathname)"""
            )
            current = page.evaluate(
                """() => [...document.querySelectorAll('nav[aria-label=Pages] [aria-current]')]
                    .map(a => a.textContent)"""
            )
            assert current == [f"Page {len(visited)}"]
            head = page.evaluate("document.querySelector('link[rel=next]')?.href ?? null")
            url = page.evaluate(
                "document.querySelector('nav[aria-label=Pages] a[rel=next]')?.href ?? null"
            )
            assert head == url
        assert visited == [ULLA, f"{ULLA}page/2/", f"{ULLA}page/3/"]
        assert len(sessions) == len(set(sessions)) == TALKS + 1
        page.get_by_role("link", name="Previous page").click()
        assert page.evaluate("location.pathname") == f"{ULLA}page/2/"
        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Ulla Engelmann"
        ).click()
        assert page.evaluate("location.pathname") == ULLA
        problems = _check_all(browser, origin, [*visited, f"{DG_GROW}page/2/"], "light")
        problems += _check_all(browser, origin, [f"{ULLA}page/2/"], "dark")
    page.close()
    assert not problems, "\n".join(problems)


# --- the preview ---------------------------------------------------------------------


def _record_pages(preview: Preview, first: str) -> list[str]:
    assert preview.state is not None
    return [p.url for p in preview.state.pages if p.url.startswith(first)]


def test_an_edit_that_changes_a_record_s_page_count(valid_site: Path) -> None:
    """Ulla Engelmann leaves one session (five appearances to four: three pages to two)
    and comes back; in between, an edit that keeps the counts stays incremental."""
    preview = Preview(busy_site(valid_site))
    assert preview.build_all().kind == "full"
    output = preview.site.output_dir
    session = valid_site / "content" / "sessions" / f"talk-2022-part-{TALKS + 1}.yaml"
    ulla, bianca = "person: ulla-engelmann", "person: bianca-dragomir"

    outcome = preview.update([edit(session, ulla, bianca)])
    assert outcome.kind == "full", outcome.reason
    assert "ulla-engelmann" in outcome.reason or "dg-grow" in outcome.reason
    assert _record_pages(preview, ULLA) == [ULLA, f"{ULLA}page/2/"]
    assert not urls.output_path(output, f"{ULLA}page/3/").exists()
    assert_same_as_full_build(preview, valid_site.parent)

    # Reordered sessions move appearances between pages, whose count stays the same.
    other = valid_site / "content" / "sessions" / "talk-2022-part-2.yaml"
    outcome = preview.update([edit(other, "order: 2", "order: 9")])
    assert outcome.kind == "incremental", outcome.reason
    assert f"{ULLA}page/2/" in outcome.written
    assert_same_as_full_build(preview, valid_site.parent)

    outcome = preview.update([edit(session, bianca, ulla)])
    assert outcome.kind == "full", outcome.reason
    assert _record_pages(preview, ULLA) == [ULLA, f"{ULLA}page/2/", f"{ULLA}page/3/"]
    assert_same_as_full_build(preview, valid_site.parent)


def test_the_preview_makes_a_record_s_lists_once_for_all_its_pages(
    valid_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each preview page renders with views of its own; a busy person's appearances
    are still worked out once for their three pages (at 10,000 events, once a page
    took a second a page)."""
    made: list[str] = []
    appearances = PersonView.appearances.func

    def counted(self: PersonView) -> Any:
        made.append(self.record.id)
        return appearances(self)

    counting = cached_property(counted)
    counting.__set_name__(PersonView, "appearances")
    monkeypatch.setattr(PersonView, "appearances", counting)
    # Without search: the pages the search index reads (a record's first) render first,
    # apart from the rest, and the lists are kept for consecutive pages.
    preview = Preview(busy_site(valid_site), jobs=1, search=False)
    assert preview.build_all().kind == "full"
    assert _record_pages(preview, ULLA) == [ULLA, f"{ULLA}page/2/", f"{ULLA}page/3/"]
    assert made.count("ulla-engelmann") == 1
    last = urls.output_path(preview.site.output_dir, f"{ULLA}page/3/").read_text("utf-8")
    assert f"Part {TALKS + 1}" in last


def test_a_title_edit_renders_only_the_record_page_that_shows_it(valid_site: Path) -> None:
    """Part 4 is Ulla Engelmann's fourth appearance, on her second page: renaming it
    renders that page, not the two that list other sessions."""
    preview = Preview(busy_site(valid_site), jobs=1)
    assert preview.build_all().kind == "full"
    session = valid_site / "content" / "sessions" / "talk-2022-part-4.yaml"
    outcome = preview.update([edit(session, "title: Part 4", "title: Part Four")])
    assert outcome.kind == "incremental", outcome.reason
    assert f"{ULLA}page/2/" in outcome.written
    assert ULLA not in outcome.written and f"{ULLA}page/3/" not in outcome.written
    page = urls.output_path(preview.site.output_dir, f"{ULLA}page/2/").read_text("utf-8")
    assert "Part Four" in page
    assert_same_as_full_build(preview, valid_site.parent)


def test_paged_record_pages_note_what_their_own_lists_read(valid_site: Path) -> None:
    """With a record's lists kept across its pages, each page notes what it would have
    read working them out itself: what decides which edits render it again."""
    site = load_site_config(busy_site(valid_site))
    checked = check(site)
    paged = [p for p in checked.pages if p.record is not None and p.of > 1]
    assert {p.record for p in paged} == {("person", "ulla-engelmann"), ("organisation", "dg-grow")}
    kept = TrackingRenderer(site, checked.registry)
    fresh = TrackingRenderer(site, checked.registry)
    fresh.context = lambda page: Renderer.context(fresh, page)  # type: ignore[method-assign]
    assert_notes_as_made_alone(kept, fresh, paged)
