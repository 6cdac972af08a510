"""Client-side search: Pagefind's index built into the site, queried in headless Chromium
over HTTP on 127.0.0.1. A surname finds the person, an acronym the organisation, a call
title the call; results name the record type; the search box works without JavaScript.

Needs Debian's Chromium; without it the browser tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from clusterreports import build, load_site_config, pipeline
from clusterreports.cli import main
from clusterreports.outputs import search
from clusterreports.outputs.search import record_pages_glob
from clusterreports.site import urls
from clusterreports.site.write import WriteError

from .conftest import copy_site, fake_pagefind, hanging_pagefind
from .discovery_support import serve
from .linkcheck import broken_links


def test_index_and_search_page_are_built(built_valid: Path) -> None:
    bundle = built_valid / "pagefind"
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "pagefind-ui.css"):
        assert (bundle / name).is_file(), name
    assert (built_valid / "search" / "index.html").is_file()
    assert record_pages_glob().startswith("{events,sessions,people,organisations,")


def test_every_page_has_a_search_form_that_needs_no_script(built_valid: Path) -> None:
    pages = [p for p in built_valid.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 20
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert '<form class="site-search" role="search" action="/search/" method="get"' in html
        assert 'name="q"' in html


@pytest.fixture(scope="module")
def origin(built_valid: Path) -> Iterator[str]:
    with serve(built_valid) as url:
        yield url


@pytest.fixture
def tab(browser: Any, origin: str) -> Iterator[Any]:
    """A page that records every request, so a test can check none left the machine."""
    page = browser.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    assert page.requests and all(url.startswith(origin) for url in page.requests), page.requests
    page.close()


def results(
    page: Any, origin: str, query: str, record_type: str = "", search: str = urls.SEARCH_URL
) -> list[tuple[str, str]]:
    """(type shown, link) of each result for ``query`` on the search page at ``search``
    (another language's: '/fr/search/')."""
    url = f"{origin}{search}?q={quote(query)}" + (
        f"&type={quote(record_type)}" if record_type else ""
    )
    page.goto(url)
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    found = page.eval_on_selector_all(
        "#search-results li",
        "items => items.map(li => [li.querySelector('.search-type').textContent,"
        " li.querySelector('a').getAttribute('href')])",
    )
    return [(kind, href) for kind, href in found]


@pytest.mark.parametrize(
    ("query", "record_type", "url"),
    [
        ("Engelmann", "Person", "/people/ulla-engelmann/"),
        ("Dragomir", "Person", "/people/bianca-dragomir/"),
        ("AVAESEN", "Organisation", "/organisations/avaesen/"),
        ("ECCP", "Organisation", "/organisations/eccp/"),
        ("Specialised education programmes", "Funding call", "/calls/open-call/"),
        ("Forschungsstelle", "Organisation", "/organisations/jrc/"),  # an alias
    ],
)
def test_search_finds_the_record_and_names_its_type(
    tab: Any, origin: str, query: str, record_type: str, url: str
) -> None:
    found = results(tab, origin, query)
    assert found[0] == (record_type, url), found


def test_type_filter_and_counts(tab: Any, origin: str) -> None:
    found = results(tab, origin, "clusters", "Event")
    assert found and {kind for kind, _ in found} == {"Event"}
    options = tab.eval_on_selector_all("#search-type option", "os => os.map(o => o.textContent)")
    # only record pages are indexed: one entry per record of the fixture, none for listings
    assert sorted(options[1:]) == [
        "Award (1)",
        "Event (2)",
        "Funding call (4)",
        "Organisation (5)",
        "Person (3)",
        "Poll (1)",
        "Report (1)",
        "Session (2)",
    ]
    # an empty listing says "Nothing here yet": listings are not indexed (Pagefind may
    # still offer a record with a near word, such as the poll's "Not")
    assert all(href.count("/") == 3 for _, href in results(tab, origin, "Nothing here yet"))
    assert results(tab, origin, "Skip") == []  # page chrome (the skip link) is not indexed


def test_each_fact_is_found_on_the_record_that_holds_it(tab: Any, origin: str) -> None:
    # The quote and the session title also appear on the speaker's page (appearances,
    # quotes) and the event's (agenda); those lists repeat the session, so only the
    # session is a result.
    session = ("Session", "/sessions/talk-2022-introduction/")
    assert results(tab, origin, "frontrunners") == [session]
    found = results(tab, origin, "Introduction to the topic of the day")
    # (the call presented in the session names it among its own facts)
    assert found == [session, ("Funding call", "/calls/soon-call/")], found
    # while what the person record itself says (a role) still finds the person
    assert ("Person", "/people/ulla-engelmann/") in results(tab, origin, "Alliances")


def test_header_search_box_leads_to_results(tab: Any, origin: str) -> None:
    tab.goto(f"{origin}/events/")
    tab.fill("#site-search-q", "Engelmann")
    tab.press("#site-search-q", "Enter")
    tab.wait_for_url(f"{origin}/search/?q=Engelmann")
    tab.wait_for_selector("#search-results li a[href='/people/ulla-engelmann/']")
    assert tab.input_value("#search-q") == "Engelmann"


def test_typing_searches_as_you_type(tab: Any, origin: str) -> None:
    tab.goto(f"{origin}/search/")
    tab.locator("#search-q").press_sequentially("Corvec")
    tab.wait_for_selector("#search-results li a[href='/people/anais-le-corvec/']")
    assert tab.url == f"{origin}/search/?q=Corvec"


# Sums the page's layout shifts as Lighthouse's CLS does: those within half a second of
# the reader's own input are expected, and left out.
LAYOUT_SHIFTS = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.layoutShift += entry.value;
  }
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_results_arriving_do_not_shift_the_page(browser: Any, origin: str, width: int) -> None:
    """Their room is kept from the start. Lighthouse counts below 0.1 as good; without
    it the fixture's few results moved the footer by 0.03-0.07, so the bar is 0.01."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(f"{origin}/search/?q=clusters")  # results arrive with no input to excuse them
    page.wait_for_selector("#search-results li")
    page.wait_for_timeout(500)  # anything still to come (the footer moved last)
    shift = page.evaluate("window.layoutShift")
    page.close()
    assert shift < 0.01, shift


def test_the_search_page_runs_no_inline_script(built_valid: Path) -> None:
    html = (built_valid / "search" / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script type="module" src="/static/search.js">'], scripts
    assert (built_valid / "static" / "search.js").is_file()


@pytest.fixture(scope="module")
def real_origin(built_real: Path) -> Iterator[str]:
    with serve(built_real) as url:
        yield url


@pytest.mark.parametrize(
    ("query", "record_type", "url"),
    [
        ("Sobczak", "Person", "/people/anna-sobczak/"),
        ("CEBR", "Organisation", "/organisations/council-of-european-bioregions/"),
        ("Cluster Booster Academy", "Funding call", "/calls/cluster-booster-academy-2022/"),
    ],
)
def test_search_over_the_real_content(
    browser: Any, real_origin: str, query: str, record_type: str, url: str
) -> None:
    page = browser.new_page()
    found = results(page, real_origin, query)
    page.close()
    assert (record_type, url) in found[:3], found


def test_search_box_without_javascript(browser: Any, origin: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{origin}/people/")
    page.fill("#site-search-q", "AVAESEN")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(f"{origin}/search/?q=AVAESEN")
    assert "needs JavaScript" in page.inner_text("main")
    assert page.locator("main a[href='/organisations/']").count() == 1
    context.close()


def test_search_under_a_sub_path(browser: Any, tmp_path: Path) -> None:
    root = copy_site("valid", tmp_path)
    www = tmp_path / "www"
    build(load_site_config(root, base_url="/sub/", output=str(www / "sub")))
    page = browser.new_page()
    with serve(www) as origin:
        found = results(page, f"{origin}/sub", "Engelmann")
    page.close()
    assert found[0] == ("Person", "/sub/people/ulla-engelmann/")


def test_a_failing_indexer_leaves_the_published_site_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_site("valid", tmp_path)
    build(load_site_config(root))
    published = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / "content" / "people" / "new-person.yaml").write_text("name: Ny Person\n")
    fake = fake_pagefind(tmp_path, 'echo "out of disk space" >&2; exit 3')
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    code = main(["--site", str(root), "build", "--quiet"])
    assert code == 3
    err = capsys.readouterr().err
    assert err == "clusterreports: Pagefind failed (3): out of disk space\n" + (
        "The published site is unchanged.\n"
    )
    now = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    assert now == published


@pytest.mark.parametrize(("jobs", "failing"), [(1, "extra"), (2, "extra"), (1, "static")])
def test_the_indexer_is_stopped_when_the_build_fails_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, failing: str
) -> None:
    """Pagefind starts as soon as the pages are written, while the feeds, data and
    static files are still being written; should one of those fail, it must not be left
    running (or write into a stage about to be removed)."""
    root = copy_site("valid", tmp_path)
    fake, pid_file = hanging_pagefind(tmp_path)
    monkeypatch.setattr(search, "get_executable", lambda: fake)

    def wait_then_fail() -> None:
        deadline = time.monotonic() + 20
        while not pid_file.exists():  # the indexer has started beside us
            assert time.monotonic() < deadline, "Pagefind did not start beside the extra files"
            time.sleep(0.01)
        raise OSError("disk full")

    def broken_extra(context: object) -> Iterator[tuple[str, bytes]]:
        wait_then_fail()
        yield "/never.txt", b""

    if failing == "extra":
        monkeypatch.setattr(pipeline, "EXTRA_FILES", [broken_extra])
    else:
        monkeypatch.setattr(pipeline, "copy_static", lambda *_: wait_then_fail())
    with pytest.raises(WriteError, match="disk full"):
        build(load_site_config(root), jobs=jobs)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not (root / "_site").exists()


def test_a_site_without_search_has_no_search_page_box_or_index(tmp_path: Path) -> None:
    root = copy_site("valid", tmp_path)
    (root / "site.yaml").write_text(
        (root / "site.yaml").read_text(encoding="utf-8") + "search: false\n", encoding="utf-8"
    )
    build(load_site_config(root))
    out = root / "_site"
    assert not (out / "search").exists() and not (out / "pagefind").exists()
    pages = list(out.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert "site-search" not in html and 'rel="search"' not in html, path
        assert "/search/" not in html, path
    assert "SearchAction" not in (out / "index.html").read_text(encoding="utf-8")
    assert broken_links(out) == []


def test_no_search_option_overrides_the_setting(tmp_path: Path) -> None:
    root = copy_site("valid", tmp_path)
    assert main(["--site", str(root), "build", "--quiet", "--no-search"]) == 0
    assert not (root / "_site" / "search").exists()
    assert main(["--site", str(root), "build", "--quiet"]) == 0
    assert (root / "_site" / "search" / "index.html").is_file()
    assert (root / "_site" / "pagefind" / "pagefind.js").is_file()


def test_bundle_urls_split_a_large_site_into_equal_parts() -> None:
    assert urls.bundle_urls(0, 5) == ["/pagefind/"]
    assert urls.bundle_urls(5, 5) == ["/pagefind/"]
    assert urls.bundle_urls(11, 5) == ["/pagefind/", "/pagefind/part-2/", "/pagefind/part-3/"]


def _in_parts(tmp_path: Path, per_index: int) -> Path:
    root = copy_site("valid", tmp_path)
    with (root / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"search_index_pages: {per_index}\n")
    return root


def test_a_large_index_is_built_in_parts_and_searched_as_one(
    browser: Any, origin: str, tmp_path: Path
) -> None:
    """Pagefind keeps an index in memory, so a site over ``search_index_pages`` record
    pages is indexed in parts; the search page merges them and finds what one index does."""
    root = _in_parts(tmp_path, 4)  # 19 records: 5 parts
    build(load_site_config(root))
    out = root / "_site"
    parts = ["pagefind"] + [f"pagefind/part-{n}" for n in range(2, 6)]
    for part in parts:
        assert (out / part / "pagefind-entry.json").is_file(), part
    assert not (out / "pagefind" / "part-6").exists()
    assert not (out / search.INPUTS_FOLDER).exists()
    assert broken_links(out) == []

    whole, split = browser.new_page(), browser.new_page()
    with serve(out) as parted:
        for query in ("Engelmann", "AVAESEN", "clusters", "frontrunners", "2016", "Corvec"):
            one = results(whole, origin, query)
            merged = results(split, parted, query)
            # every result of the one index; a part that lacks a word may add loosely
            # matching pages (Pagefind falls back to a prefix of the word), and a common
            # word may rank a little differently (each part weighs words by its own counts)
            assert one and set(one) <= set(merged), query
            if query not in ("clusters", "2016"):
                assert merged[0] == one[0], query
        options = "#search-type option"
        counts = split.eval_on_selector_all(options, "os => os.map(o => o.textContent)")
        results(whole, origin, "Engelmann")
        assert counts == whole.eval_on_selector_all(options, "os => os.map(o => o.textContent)")
    whole.close()
    split.close()


def test_a_failing_part_of_the_index_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _in_parts(tmp_path, 10)
    fake = fake_pagefind(tmp_path, 'case "$*" in *part-2*) echo "no space" >&2; exit 3;; esac')
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    assert main(["--site", str(root), "build", "--quiet"]) == 3
    assert capsys.readouterr().err == (
        "clusterreports: Pagefind failed (3) (index part 2 of 2): no space\n"
        "The published site is unchanged.\n"
    )
    assert not (root / "_site").exists()
    assert not list(tmp_path.rglob(search.INPUTS_FOLDER))


def test_each_part_is_indexed_from_its_own_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part's input folder holds just its record pages, and every record page is in
    one part. The folders are removed together at the end: removing each as soon as its
    part was indexed slowed the files created after it (see Indexing)."""
    root = _in_parts(tmp_path, 7)  # 19 records: 3 parts, 2 indexed at a time
    log = tmp_path / "log"
    fake = fake_pagefind(
        tmp_path,
        f'site="$2"; echo "$site $(find "$site" -name index.html | wc -l)'
        f' $(ls "$(dirname "$site")" | tr "\\n" " ")" >> {log}',
    )
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    build(load_site_config(root))
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(line[0]).name for line in lines) == ["part-1", "part-2", "part-3"]
    assert sorted(int(line[1]) for line in lines) == [6, 6, 7]
    last = next(line for line in lines if line[0].endswith("part-3"))  # after 1 or 2 ended
    assert last[2:] == ["part-1", "part-2", "part-3"]  # neither folder removed yet
    assert not list(tmp_path.rglob(search.INPUTS_FOLDER))


# Each part waits (up to 10 s) until the other has started, then exits: 0 if it did.
TOGETHER = (
    'part=$(basename "$2"); touch "{log}/$part"; n=0; '
    'while [ "$(ls {log} | wc -l)" -lt 2 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done; '
    '[ "$(ls {log} | wc -l)" -ge 2 ]'
)


def test_two_parts_are_indexed_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While one Pagefind writes its part's fragments on one core, the next part's
    parsing takes up the other (bench/README.md: 10 to 20 s less at 10,000 events)."""
    root = _in_parts(tmp_path, 10)  # 2 parts
    started = tmp_path / "started"
    started.mkdir()
    fake = fake_pagefind(tmp_path, TOGETHER.format(log=started))
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    build(load_site_config(root))  # one at a time, the first part would time out and fail
    assert sorted(p.name for p in started.iterdir()) == ["part-1", "part-2"]


def test_a_failing_part_stops_the_part_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _in_parts(tmp_path, 10)
    pid_file = tmp_path / "pid"
    fake = fake_pagefind(
        tmp_path,
        f'case "$*" in *part-1*) echo $$ > {pid_file}.new; mv {pid_file}.new {pid_file}; '
        "exec sleep 60;; esac; "
        f'while [ ! -e {pid_file} ]; do sleep 0.05; done; echo "no space" >&2; exit 3',
    )
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    started = time.monotonic()
    assert main(["--site", str(root), "build", "--quiet"]) == 3
    assert time.monotonic() - started < 30  # not the 60 s of the part beside it
    assert capsys.readouterr().err == (
        "clusterreports: Pagefind failed (3) (index part 2 of 2): no space\n"
        "The published site is unchanged.\n"
    )
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert not (root / "_site").exists()


def test_a_bug_while_preparing_a_part_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only Pagefind's failures: an unexpected error in a part's thread reaches
    the build (it used to end the thread silently, and the site went out with a part of
    its index missing)."""
    root = _in_parts(tmp_path, 10)
    monkeypatch.setattr(search, "get_executable", lambda: fake_pagefind(tmp_path, "exit 0"))

    def broken(stage: Path, folder: Path, page_urls: list[str], stopping: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(search, "_link_pages", broken)
    with pytest.raises(ValueError, match="a bug"):
        build(load_site_config(root))
    assert not (root / "_site").exists()
    assert not list(tmp_path.rglob(search.INPUTS_FOLDER))


def test_gathering_a_parts_pages_stops_soon_after_it_is_asked_to(tmp_path: Path) -> None:
    """A part of a large site's index is tens of thousands of pages: an edit in the
    preview cancels its indexing, and must not wait until all are linked."""
    stage, folder = tmp_path / "stage", tmp_path / "part"
    page_urls = [f"/sessions/s{n}/" for n in range(3 * search.LINKS_BETWEEN_LOOKS)]
    for url in page_urls:
        page = urls.output_path(stage, url)
        page.parent.mkdir(parents=True)
        page.write_bytes(b"<html></html>")
    looks = iter([False, True])
    with pytest.raises(search.SearchIndexError, match="cancelled"):
        search._link_pages(stage, folder, page_urls, lambda: next(looks))
    assert len(list(folder.rglob("index.html"))) == search.LINKS_BETWEEN_LOOKS


def test_a_cancelled_indexing_tells_a_part_being_gathered_to_stop(tmp_path: Path) -> None:
    gathering, cancelling = threading.Event(), threading.Event()
    seen: list[bool] = []

    def prepare(stopping: Any) -> None:
        seen.append(stopping())
        gathering.set()
        assert cancelling.wait(10)
        while not stopping():  # cancel() sets it, then waits for this thread
            time.sleep(0.01)
        seen.append(stopping())
        raise search.SearchIndexError("cancelled")

    ran = tmp_path / "ran"
    indexing = search.Indexing([search.Run(["touch", str(ran)], prepare)])
    assert gathering.wait(10)
    cancelling.set()
    indexing.cancel()
    assert seen == [False, True]
    assert not ran.exists()  # Pagefind never started


def test_an_indexer_that_cannot_run_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_site("valid", tmp_path)
    not_executable = tmp_path / "pagefind"
    not_executable.write_text("", encoding="utf-8")
    monkeypatch.setattr(search, "get_executable", lambda: not_executable)
    assert main(["--site", str(root), "build", "--quiet"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("clusterreports: could not index the site for search: [Errno 13]")
    assert err.endswith("The published site is unchanged.\n")


def test_sigterm_while_indexing_stops_pagefind_and_keeps_the_published_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``kill`` (or a cancelled CI job) during the build stops it like Ctrl-C: Pagefind
    is stopped, the staging folder removed, the published site left as it was."""
    root = copy_site("valid", tmp_path)
    build(load_site_config(root))
    published = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    fake, pid_file = hanging_pagefind(tmp_path)
    monkeypatch.setattr(search, "get_executable", lambda: fake)

    def terminate_once_indexing() -> None:
        deadline = time.monotonic() + 20
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)

    handler = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=terminate_once_indexing, daemon=True).start()
    assert main(["--site", str(root), "build", "--quiet"]) == 130
    assert capsys.readouterr().err == (
        "clusterreports: stopped. The published site is unchanged.\n"
    )
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert not list(tmp_path.rglob("*building*"))
    assert {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()} == published
    assert signal.getsignal(signal.SIGTERM) is handler  # the caller's handler is back
