"""A small link checker for built sites: every internal href/src must resolve to a
file in the output, and every #fragment to an id on the target page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src") or (tag == "form" and name == "action"):
                self.links.append(value)


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _target(site: Path, base_path: str, page: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "tel:", "data:")):
        return None  # external
    path = unquote(parts.path)
    if not path:
        return page
    if path.startswith("/"):
        if not path.startswith(base_path):
            return site / "__outside_base__"
        resolved = site / path[len(base_path) :]
    else:
        resolved = (page.parent / path).resolve()
    if path.endswith("/") or resolved.is_dir():
        resolved = resolved / "index.html"
    return resolved


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal link in every HTML page that does not resolve, as 'page -> link'."""
    pages = sorted(site.rglob("*.html"))
    parsed = {page: _parse(page) for page in pages}
    broken = []
    for page, collector in parsed.items():
        for url in collector.links:
            target = _target(site, base_path, page, url)
            if target is None:
                continue
            where = f"{page.relative_to(site)} -> {url}"
            if not target.is_file():
                broken.append(where)
                continue
            fragment = urlsplit(url).fragment
            if fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(where + " (no such anchor)")
    return broken


def count_links(site: Path) -> int:
    return sum(len(_parse(p).links) for p in site.rglob("*.html"))
