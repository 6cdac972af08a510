"""The live preview in a real browser (headless Chromium): edits reload the page, a
content error shows the overlay with its file and line, fixing it clears the overlay,
and a template edit changes the pages that use it; a removed record leaves the search
results with the page; a page reached by another name (DNS rebinding) or from another
site gets nothing."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from clusterreports.preview.server import OVERLAY_ID, misdirected
from clusterreports.site.theme import builtin_dir

from .conftest import tools
from .test_search import results
from .test_serve import BROKEN, WAIT, Served, start_server, wait_for

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def served(valid_site: Path, tmp_path: Path) -> Iterator[Served]:
    """The fixture site with its own copy of the person template, being served."""
    (valid_site / "templates").mkdir()
    shutil.copy(builtin_dir("templates") / "person.html", valid_site / "templates")
    served = start_server(valid_site, tmp_path / "logs")
    try:
        yield served
    finally:
        assert served.stop() == 130


@pytest.fixture
def tab(browser: Any) -> Iterator[playwright.Page]:
    tab = browser.new_page()
    tab.set_default_timeout(WAIT * 1000)
    playwright.expect.set_options(timeout=WAIT * 1000)
    yield tab
    tab.close()


@pytest.fixture
def page(served: Served, tab: playwright.Page) -> playwright.Page:
    return tab


def connections(served: Served) -> int:
    """Browsers that livereload has greeted so far (one more after each reload)."""
    return served.err().count("Browser Connected")


def connected_after(served: Served, seen: int) -> int:
    wait_for(lambda: connections(served) > seen, "the page to connect to livereload")
    return connections(served)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edit_reload_error_overlay_fix_and_template(served: Served, page: playwright.Page) -> None:
    expect = playwright.expect
    person = served.site / "content" / "people" / "bianca-dragomir.yaml"
    heading = page.locator("h1")
    overlay = page.locator(f"#{OVERLAY_ID}")

    page.goto(f"{served.url}/people/bianca-dragomir/")
    expect(heading).to_have_text("Bianca Dragomir")
    seen = connected_after(served, 0)

    # A record edit: the page reloads by itself and shows it.
    page.evaluate("window.beforeReload = true")
    edit(person, "name: Bianca Dragomir", "name: Bianca Dragomir-Ionescu")
    expect(heading).to_have_text("Bianca Dragomir-Ionescu")
    assert page.evaluate("window.beforeReload === undefined")  # a new document, not a patch
    seen = connected_after(served, seen)

    # Broken YAML: the last good page stays, under an overlay naming the file and line.
    good = person.read_text(encoding="utf-8")
    person.write_text("name: [unclosed\n", encoding="utf-8")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text(re.compile(BROKEN))
    expect(heading).to_have_text("Bianca Dragomir-Ionescu")
    seen = connected_after(served, seen)

    # Fixed: the overlay goes.
    person.write_text(good.replace("Ionescu", "Popescu"), encoding="utf-8")
    expect(heading).to_have_text("Bianca Dragomir-Popescu")
    expect(overlay).to_have_count(0)
    seen = connected_after(served, seen)

    # A template edit changes every page that uses it, and only those.
    edit(served.site / "templates" / "person.html", "<h1>", '<h1 class="edited">')
    expect(page.locator("h1.edited")).to_have_text("Bianca Dragomir-Popescu")
    page.goto(f"{served.url}/people/anais-le-corvec/")
    expect(page.locator("h1.edited")).to_have_count(1)
    page.goto(f"{served.url}/events/ecc-2016/")
    expect(heading).to_have_count(1)
    expect(page.locator("h1.edited")).to_have_count(0)
    built = served.site / "_site" / "people" / "bianca-dragomir" / "index.html"
    assert OVERLAY_ID not in built.read_text(encoding="utf-8")


UNIQUE = "Quetzalcoatl"  # a word of one record alone


@pytest.fixture
def served_with_call(valid_site: Path, tmp_path: Path) -> Iterator[Served]:
    """The fixture site with one more call, the only record with the word ``UNIQUE``."""
    (valid_site / "content" / "calls" / "quetzal-call.yaml").write_text(
        f"title: {UNIQUE} exchange call\nkind: call-for-expressions-of-interest\n"
    )
    served = start_server(valid_site, tmp_path / "logs")
    try:
        yield served
    finally:
        assert served.stop() == 130


def test_a_removed_record_leaves_the_search_results_with_its_page(
    served_with_call: Served, tab: playwright.Page
) -> None:
    """The search page never offers a page that is gone: the full rebuild a removal
    makes publishes the pages and their index together, and the search page open in
    the browser reloads with them."""
    served, page = served_with_call, tab
    call = served.site / "content" / "calls" / "quetzal-call.yaml"
    assert results(page, served.url, UNIQUE) == [("Funding call", "/calls/quetzal-call/")]
    assert served.get("/calls/quetzal-call/")[0] == 200
    seen = connected_after(served, 0)

    call.unlink()
    wait_for(
        lambda: "Full rebuild (quetzal-call.yaml was removed or renamed)" in served.out(),
        "the preview to report the rebuild",
    )
    # The search page left open reloads by itself and searches again, finding nothing.
    connected_after(served, seen)
    status = page.locator("#search-status")
    playwright.expect(status).to_have_text(f"No results for “{UNIQUE}”.")
    playwright.expect(page.locator("#search-results li")).to_have_count(0)
    assert served.get("/calls/quetzal-call/")[0] == 404

    # Every result still offered leads to a page.
    for query in ("call", "cluster"):
        found = [href for _, href in results(page, served.url, query)]
        assert found and "/calls/quetzal-call/" not in found, query
        assert [(href, served.get(href)[0]) for href in found] == [(href, 200) for href in found]


REBOUND = "rebound.test"  # a name its owner pointed at 127.0.0.1 (DNS rebinding)


@pytest.fixture(scope="module")
def rebinding_browser(browser: Any) -> Iterator[Any]:
    """Chromium whose resolver answers 127.0.0.1 for REBOUND, as the attacker's DNS would."""
    launched = browser.browser_type.launch(
        executable_path=tools.CHROMIUM,
        args=[*tools.CHROMIUM_ARGS, f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"],
        headless=True,
    )
    yield launched
    launched.close()


@contextmanager
def other_site(folder: Path) -> Iterator[str]:
    """Another site served on this computer (its own port): the URL of its page."""
    folder.mkdir()
    (folder / "index.html").write_text("<!DOCTYPE html><title>Other</title><p>other</p>")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
        finally:
            server.shutdown()
            thread.join()


def test_a_rebound_name_or_another_site_gets_nothing(
    served: Served, rebinding_browser: Any, tmp_path: Path
) -> None:
    tab = rebinding_browser.new_page()
    tab.set_default_timeout(WAIT * 1000)
    try:
        response = tab.goto(f"http://{REBOUND}:{served.port}/people/bianca-dragomir/")
        assert response is not None and response.status == 421
        assert tab.locator("body").inner_text() == misdirected("127.0.0.1", served.port)

        # At the address it serves, the page loads and its live reload connects.
        tab.goto(f"{served.url}/people/bianca-dragomir/")
        playwright.expect(tab.locator("h1")).to_have_text("Bianca Dragomir")
        connected_after(served, 0)

        # A page of another site on this computer cannot open the live-reload socket.
        with other_site(tmp_path / "other") as other:
            tab.goto(other)
            opened = tab.evaluate(
                """url => new Promise(done => {
                    const socket = new WebSocket(url);
                    socket.onopen = () => done("open");
                    socket.onerror = () => done("refused");
                })""",
                f"ws://127.0.0.1:{served.port}/livereload",
            )
        assert opened == "refused"
        refused = "403 GET /livereload (127.0.0.1)"  # by the server, not by the browser
        wait_for(lambda: refused in served.err(), "the server's log of the refusal")
    finally:
        tab.close()
