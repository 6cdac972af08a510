"""Index pages split by ``page_size`` (site/paginate.py): the splitting and the page
URLs; on the fixture site at tiny page sizes, every record reachable from its index by
the page links (in a real browser too), the pages valid HTML and free of axe
violations; and the preview's page counts when a record adds or drops a page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from clusterreports import build, load_site_config
from clusterreports.content.models import RECORD_TYPES
from clusterreports.pipeline import check
from clusterreports.preview.incremental import Preview
from clusterreports.preview.reads import Reads, TrackingRenderer
from clusterreports.site import urls
from clusterreports.site.paginate import Group, Listings, Pager, page_count, split
from clusterreports.site.views import SiteView

from .conftest import copy_site, tools
from .test_accessibility import _check_all
from .test_html_valid import validate
from .test_incremental import assert_same_as_full_build, edit

FOLDERS = [t.folder for t in RECORD_TYPES]


def with_page_size(root: Path, size: int) -> Path:
    with (root / "site.yaml").open("a", encoding="utf-8") as config:
        config.write(f"page_size: {size}\n")
    return root


def records(root: Path, folder: str) -> set[str]:
    """The record pages a content folder makes, as URLs."""
    found = (root / "content" / folder).glob("*.*")
    return {f"/{folder}/{p.stem}/" for p in found}


# --- splitting and URLs ------------------------------------------------------------


def test_page_count_is_one_at_least() -> None:
    assert [page_count(n, 3) for n in (0, 1, 3, 4, 6, 7)] == [1, 1, 1, 2, 2, 3]


def test_groups_fill_pages_and_go_on_at_the_top_of_the_next() -> None:
    pages = split([("A", [1, 2, 3]), ("B", [4]), ("C", [5, 6, 7, 8, 9])], 2)
    assert pages == [
        [Group("A", [1, 2])],
        [Group("A", [3], True), Group("B", [4])],
        [Group("C", [5, 6])],
        [Group("C", [7, 8], True)],
        [Group("C", [9], True)],
    ]
    assert split([], 2) == [[]]
    assert split([("A", []), ("B", [1])], 2) == [[Group("B", [1])]]


def test_the_first_page_keeps_the_index_url() -> None:
    assert urls.index_page_url("session", 1) == "/sessions/"
    assert urls.index_page_url("session", 2) == "/sessions/page/2/"
    assert urls.index_page_url("person", 12) == "/people/page/12/"


def test_pager_links_the_first_last_and_nearby_pages() -> None:
    pager = Pager("person", 6, 20, 50)
    assert pager.previous == "/people/page/5/" and pager.next == "/people/page/7/"
    assert [n for n, _ in pager.links] == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert pager.links[0] == (1, "/people/")
    first, last = Pager("person", 1, 2, 50), Pager("person", 2, 2, 50)
    assert (first.previous, first.next) == (None, "/people/page/2/")
    assert (last.previous, last.next) == ("/people/", None)
    assert [n for n, _ in Pager("person", 3, 5, 50).links] == [1, 2, 3, 4, 5]


def test_pager_shares_out_a_listing() -> None:
    pager = Pager("report", 2, 3, 2)
    assert pager.items(["a", "b", "c", "d", "e"]) == ["c", "d"]
    listing = [("A", ["a1", "a2", "a3"]), ("B", ["b1"]), ("M", ["m1"])]
    assert pager.groups(listing) == [Group("A", ["a3"], True), Group("B", ["b1"])]
    # a bar's link leads to the page where its group starts; "" is this page
    assert pager.starts(listing) == [
        ("A", 3, "/reports/"),
        ("B", 1, ""),
        ("M", 1, "/reports/page/3/"),
    ]
    assert Pager("report", 9, 9, 2).groups(listing) == []


def test_pager_regroups_the_records_of_a_page() -> None:
    a, b, c = object(), object(), object()
    shown = [Group("kind 1", [c, a]), Group("kind 2", [b], True)]
    by_country = [("DE", [a, b]), ("FR", [object()]), ("IT", [c])]
    assert Pager("organisation", 1, 1, 50).among(shown, by_country) == [
        Group("DE", [a, b]),
        Group("IT", [c]),
    ]


def test_a_listing_is_made_once_for_the_pages_sharing_a_cache() -> None:
    """A build's worker renders all pages of an index with one SiteView: the listing a
    template names by its method is made for the first page only."""
    made: list[str] = []

    def by_letter(kind: str) -> list[tuple[str, list[int]]]:
        made.append(kind)
        return [("A", [1, 2, 3]), ("B", [4])]

    listings = Listings()
    pages = [Pager("person", n, 2, 2, listings) for n in (1, 2)]
    assert [p.groups(by_letter, "people") for p in pages] == [
        [Group("A", [1, 2])],
        [Group("A", [3], True), Group("B", [4])],
    ]
    assert pages[1].starts(by_letter, "people") == [("A", 3, "/people/"), ("B", 1, "")]
    assert made == ["people"]
    Pager("person", 1, 2, 2).groups(by_letter, "people")  # a cache of its own
    assert made == ["people", "people"]


# --- built sites ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid fixture with one record a page (sessions: /sessions/, /sessions/page/2/),
    built; returns the site folder."""
    root = with_page_size(copy_site("valid", tmp_path_factory.mktemp("paged")), 1)
    build(load_site_config(root))
    return root


def test_plan_has_one_page_per_page_of_each_index(paged: Path) -> None:
    site = load_site_config(paged)
    planned = {p.url for p in check(site).pages}
    for record_type in RECORD_TYPES:
        count = max(1, len(records(paged, record_type.folder)))
        pages = {urls.index_page_url(record_type.type_name, n) for n in range(1, count + 1)}
        assert pages <= planned, record_type.folder
        assert urls.index_page_url(record_type.type_name, count + 1) not in planned


def test_each_record_is_on_exactly_one_page_of_its_index(paged: Path) -> None:
    output = paged / "_site"
    for folder in FOLDERS:
        seen: list[str] = []
        for page in [output / folder / "index.html", *output.glob(f"{folder}/page/*/index.html")]:
            main = page.read_text(encoding="utf-8").split('<main id="main"')[1]
            if folder == "organisations":  # listed twice, by kind and by country
                main = main.split('id="by-country"')[0]
            links = re.findall(rf'href="(/{folder}/[a-z0-9-]+/)"', main)
            seen += [link for link in links if "/page/" not in link and link != f"/{folder}/"]
        assert sorted(seen) == sorted(records(paged, folder)), folder


def test_the_sitemap_lists_every_page_of_an_index(paged: Path) -> None:
    sitemap = (paged / "_site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>/sessions/</loc>" in sitemap and "<loc>/sessions/page/2/</loc>" in sitemap
    assert "<loc>/organisations/page/5/</loc>" in sitemap
    assert "/organisations/page/6/" not in sitemap


def test_paged_pages_are_valid_html(paged: Path) -> None:
    pages, messages = validate(paged / "_site")
    assert pages >= 40
    assert messages == ""


def test_a_one_page_index_has_no_page_links(valid_site: Path) -> None:
    build(load_site_config(valid_site))
    page = (valid_site / "_site" / "sessions" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="Pages"' not in page
    assert 'rel="next"' not in page and 'rel="prev"' not in page
    assert not (valid_site / "_site" / "sessions" / "page").exists()


# --- in a browser ----------------------------------------------------------------------


def _walk(page: Any, origin: str, start: str) -> tuple[list[str], list[str]]:
    """Follow "next" from ``start`` until there is none: the pages visited and the
    record links found in their listings (the main content, not the menu)."""
    visited, found = [], []
    url: str | None = origin + start
    while url is not None:
        page.goto(url)
        visited.append(page.evaluate("location.pathname"))
        found += page.evaluate(
            """folder => [...document.querySelectorAll('main a[href]')]
                .map(a => new URL(a.href).pathname)
                .filter(p => new RegExp(`^/${folder}/[a-z0-9-]+/$`).test(p))""",
            start.strip("/"),
        )
        head = page.evaluate("document.querySelector('link[rel=next]')?.href ?? null")
        nav = page.evaluate(
            "document.querySelector('nav[aria-label=Pages] a[rel=next]')?.href ?? null"
        )
        assert head == nav, f"{url}: the head's next is {head}, the page links' {nav}"
        url = nav
    return visited, found


@pytest.mark.browser
def test_every_record_is_reached_by_following_next(browser: Any, paged: Path) -> None:
    page = browser.new_page()
    with tools.served(paged / "_site") as origin:
        for folder in FOLDERS:
            visited, found = _walk(page, origin, f"/{folder}/")
            expected = records(paged, folder)
            assert len(visited) == max(1, len(expected)), folder
            assert len(visited) == len(set(visited)), folder
            assert set(found) == expected, folder
        page.goto(origin + "/sessions/page/2/")
        current = page.evaluate(
            """() => [...document.querySelectorAll('nav[aria-label=Pages] [aria-current]')]
                .map(a => [a.textContent, a.getAttribute('aria-current')])"""
        )
        assert current == [["Page 2", "page"]]
        assert page.evaluate("document.querySelector('link[rel=prev]').href").endswith("/sessions/")
    page.close()


@pytest.mark.browser
def test_the_letter_bar_leads_to_the_page_of_the_letter(browser: Any, paged: Path) -> None:
    page = browser.new_page()
    with tools.served(paged / "_site") as origin:
        page.goto(origin + "/people/")
        links = page.evaluate(
            "[...document.querySelectorAll('nav.letters a')].map(a => [a.textContent, a.href])"
        )
        assert [letter for letter, _ in links] == ["D", "E", "L"]
        for letter, href in links:
            page.goto(href)
            heading = page.evaluate(
                "id => document.getElementById(id)?.textContent ?? null",
                f"letter-{letter.lower()}",
            )
            assert heading == letter, href
        assert links[2][1] == origin + "/people/page/3/#letter-l"
    page.close()


@pytest.mark.browser
def test_paged_index_pages_pass_axe(browser: Any, paged: Path) -> None:
    output = paged / "_site"
    pages = [u for u in tools.page_urls(output) if tools.page_type(u).endswith("-index")]
    assert "/sessions/page/2/" in pages
    problems: list[str] = []
    with tools.served(output) as origin:
        problems += _check_all(browser, origin, pages, "light")
        # The pager is the same on every index: in the dark scheme, one page of it.
        problems += _check_all(browser, origin, ["/sessions/page/2/"], "dark")
    assert not problems, "\n".join(problems)


# --- the preview ---------------------------------------------------------------------


@pytest.fixture
def paged_preview(valid_site: Path) -> Preview:
    """The fixture at two records a page: its three people make two people pages."""
    preview = Preview(with_page_size(valid_site, 2))
    assert preview.build_all().kind == "full"
    return preview


def _people_pages(preview: Preview) -> list[str]:
    assert preview.state is not None
    return [p.url for p in preview.state.pages if p.index_of == "person"]


def test_a_record_that_adds_a_page_and_one_that_drops_it(
    valid_site: Path, paged_preview: Preview
) -> None:
    people = valid_site / "content" / "people"
    output = paged_preview.site.output_dir
    assert _people_pages(paged_preview) == ["/people/", "/people/page/2/"]
    added = [people / "zoe-zed.yaml", people / "yann-why.yaml"]
    for path, name in zip(added, ("Zoe Zed", "Yann Why"), strict=True):
        path.write_text(f"name: {name}\n", encoding="utf-8")
    outcome = paged_preview.update(added)
    assert outcome.kind == "full", outcome.reason
    assert _people_pages(paged_preview) == ["/people/", "/people/page/2/", "/people/page/3/"]
    assert 'rel="next"' in (output / "people/page/2/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(paged_preview, valid_site.parent)

    added[0].unlink()
    outcome = paged_preview.update(added[:1])
    assert outcome.kind == "full", outcome.reason
    assert _people_pages(paged_preview) == ["/people/", "/people/page/2/"]
    assert not (output / "people/page/3").exists()
    assert_same_as_full_build(paged_preview, valid_site.parent)


def test_an_edit_that_moves_a_record_to_another_page(
    valid_site: Path, paged_preview: Preview
) -> None:
    """Sorting Anaïs Le Corvec under A moves her from the last people page to the
    first: both pages are rendered again, as a full build would write them."""
    path = valid_site / "content" / "people" / "anais-le-corvec.yaml"
    page_2 = paged_preview.site.output_dir / "people/page/2/index.html"
    assert "/people/anais-le-corvec/" in page_2.read_text(encoding="utf-8")
    outcome = paged_preview.update([edit(path, "sort_name: Le Corvec", "sort_name: Anaïs")])
    assert outcome.kind == "incremental", outcome.reason
    assert {"/people/", "/people/page/2/"} <= set(outcome.written)
    assert "/people/anais-le-corvec/" not in page_2.read_text(encoding="utf-8")
    assert_same_as_full_build(paged_preview, valid_site.parent)


# --- the preview's kept listings (preview/reads.py KeptListings) -----------------------


@pytest.fixture
def one_a_page(valid_site: Path) -> Path:
    """The fixture at one record a page: its two sessions, newest event first, make
    two sessions pages."""
    return with_page_size(valid_site, 1)


def _sessions_page(preview: Preview, number: int) -> str:
    url = "sessions/" if number == 1 else f"sessions/page/{number}/"
    return (preview.site.output_dir / url / "index.html").read_text(encoding="utf-8")


def test_the_preview_makes_an_index_listing_once_for_all_its_pages(
    one_a_page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each preview page renders with views of its own; the listing its index shares
    is still made once, not once a page (which was quadratic at 10,000 events)."""
    calls: list[str] = []
    by_event = SiteView.by_event

    def counted(self: SiteView, type_name: str) -> Any:
        calls.append(type_name)
        return by_event(self, type_name)

    monkeypatch.setattr(SiteView, "by_event", counted)
    preview = Preview(one_a_page, jobs=1)
    assert preview.build_all().kind == "full"
    assert preview.state is not None
    pages = [p.url for p in preview.state.pages if p.index_of == "session"]
    assert pages == ["/sessions/", "/sessions/page/2/"]
    assert calls.count("session") == 1
    assert "Introduction to the topic of the day" in _sessions_page(preview, 1)
    assert "Award session" in _sessions_page(preview, 2)


def test_a_title_edit_reaches_the_index_page_that_shows_it(one_a_page: Path) -> None:
    preview = Preview(one_a_page, jobs=1)
    assert preview.build_all().kind == "full"
    path = one_a_page / "content" / "sessions" / "ecc-2016-awards.yaml"
    outcome = preview.update([edit(path, "title: Award session", "title: Prize session")])
    assert outcome.kind == "incremental", outcome.reason
    assert "/sessions/page/2/" in outcome.written
    assert "/sessions/" not in outcome.written  # it does not show that session
    assert "Prize session" in _sessions_page(preview, 2)
    assert_same_as_full_build(preview, one_a_page.parent)


def test_an_edit_that_reorders_an_index_drops_its_kept_listing(one_a_page: Path) -> None:
    """Moving the 2016 conference after the 2022 talk puts its session first: the
    listing kept from before would still put it last."""
    preview = Preview(one_a_page, jobs=1)
    assert preview.build_all().kind == "full"
    path = one_a_page / "content" / "events" / "ecc-2016.yaml"
    edit(path, "start: 2016-12-01", "start: 2023-12-01")
    outcome = preview.update([edit(path, "end: 2016-12-02", "end: 2023-12-02")])
    assert outcome.kind == "incremental", outcome.reason
    assert {"/sessions/", "/sessions/page/2/"} <= set(outcome.written)
    assert "Award session" in _sessions_page(preview, 1)
    assert "Introduction to the topic of the day" in _sessions_page(preview, 2)
    assert_same_as_full_build(preview, one_a_page.parent)


def test_index_pages_note_what_a_listing_made_for_them_alone_reads(one_a_page: Path) -> None:
    """What a page notes decides which edits render it again: with its listings kept
    across pages, each index page notes what it would have read making them itself."""
    site = load_site_config(one_a_page)
    checked = check(site)
    index_pages = [p for p in checked.pages if p.index_of is not None]

    class Fresh(Listings):  # made for each page, in the page's own reads
        def start_page(self, page: Any) -> None:
            pass

        def note(self, reads: Any) -> None:
            pass

    kept = TrackingRenderer(site, checked.registry)
    fresh = TrackingRenderer(site, checked.registry)
    fresh.listings = Fresh  # type: ignore[method-assign,assignment]
    assert_notes_as_made_alone(kept, fresh, index_pages)


def assert_notes_as_made_alone(
    kept: TrackingRenderer, alone: TrackingRenderer, pages: list[Any]
) -> None:
    """Each page renders the same with its listings kept (``kept``) as made for it
    alone, and notes the same reads once its kept listings' are counted in (each noted
    with the first page that showed it)."""
    listings: dict[Any, Reads] = {}
    for page in pages:
        (ours, reads), (theirs, expected) = kept.render_tracked(page), alone.render_tracked(page)
        assert ours == theirs, page.url
        assert expected.listings == {}
        shown = Reads(dict(reads.fields), set(reads.backlinks), dict(reads.every))
        for name, read in reads.listings.items():
            listings.setdefault(name, read)  # type: ignore[arg-type]
            for key, mask in listings[name].fields.items():
                shown.fields[key] = shown.fields.get(key, 0) | mask
            for type_name, mask in listings[name].every.items():
                shown.every[type_name] = shown.every.get(type_name, 0) | mask
            shown.backlinks |= listings[name].backlinks
        assert shown == expected, page.url
