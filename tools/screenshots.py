"""Screenshots of every page type at desktop and phone widths, into docs/screenshots/.

    python tools/screenshots.py                    # builds content/ at the repo root
    python tools/screenshots.py --today 2022-11-15 # call statuses as of that day
    python tools/screenshots.py --site tests/sites/valid
    python tools/screenshots.py --built _site      # an already built site

Also the building, serving and browser helpers the browser tests share
(tests/test_accessibility.py, tests/test_responsive.py), so the script and the
tests look at a site the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"desktop": 1280, "phone": 390}
# Long index pages are cut here: the top of a page shows the layout, the rest repeats it.
MAX_SHOT_HEIGHT = 2400


def page_urls(output: Path) -> list[str]:
    """Every HTML page of a built site, as the URL it is served at."""
    found = []
    for path in output.rglob("*.html"):
        url = "/" + path.relative_to(output).as_posix()
        found.append(url.removesuffix("index.html"))
    return sorted(found)


def page_type(url: str) -> str:
    """'home', '404', 'events-index', 'event', 'search', ...: one name per kind of page."""
    from clusterreports import RECORD_TYPES

    names = {t.folder: t.type_name for t in RECORD_TYPES}
    parts = [p.removesuffix(".html") for p in url.split("/") if p]
    if not parts:
        return "home"
    if parts[0] in names:
        paged = len(parts) == 3 and parts[1] == "page"  # '/people/page/2/' (paginate.py)
        return names[parts[0]] if len(parts) > 1 and not paged else f"{parts[0]}-index"
    return "-".join(parts)


def build_site(site_dir: Path, output: Path, today: dt.date | None = None) -> Path:
    """Build ``site_dir`` into ``output`` (returned), as of ``today`` if given."""
    from clusterreports import build, load_site_config

    site = load_site_config(site_dir, output=str(output), today=today)
    build(site)
    return output


def samples(output: Path) -> dict[str, str]:
    """One URL per page type: the one with the largest HTML, as it has most to show."""
    best: dict[str, tuple[int, str]] = {}
    for url in page_urls(output):
        path = output / url.lstrip("/")
        size = (path / "index.html" if url.endswith("/") else path).stat().st_size
        name = page_type(url)
        if name not in best or size > best[name][0]:
            best[name] = (size, url)
    return {name: url for name, (_, url) in sorted(best.items())}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Tests and the script read results, not access logs."""


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closes a page mid-download is no error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port from a thread; yields the origin."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless; Playwright's own browser downloads are never used."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def take(
    origin: str, urls: dict[str, str], target: Path, playwright: Any, scheme: str = "light"
) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    browser = launch(playwright)
    suffix = "" if scheme == "light" else f"-{scheme}"
    try:
        for label, width in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": 900}, color_scheme=scheme
            )
            page = context.new_page()
            for name, url in urls.items():
                page.goto(origin + url)
                height = page.evaluate("document.documentElement.scrollHeight")
                path = target / f"{name}-{label}{suffix}.png"
                page.screenshot(
                    path=str(path),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT)},
                )
                written.append(path)
            context.close()
    finally:
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT, help="site folder to build")
    parser.add_argument("--built", type=Path, help="an already built site to take instead")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--scheme", choices=["light", "dark"], default="light")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, help="build date for call statuses (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        output = (
            args.built.resolve()
            if args.built
            else build_site(args.site, Path(tmp) / "site", args.today)
        )
        urls = samples(output)
        with served(output) as origin, sync_playwright() as playwright:
            written = take(origin, urls, args.output, playwright, args.scheme)
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
