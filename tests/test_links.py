"""Every internal link, stylesheet and anchor resolves, in the fixture and the real site."""

from __future__ import annotations

from pathlib import Path

from clusterreports import build, load_site_config

from .linkcheck import broken_links, count_links


def test_fixture_site_links_resolve(built_valid: Path) -> None:
    assert count_links(built_valid) > 100
    assert broken_links(built_valid) == []


def test_real_site_links_resolve(built_real: Path) -> None:
    assert count_links(built_real) > 1000
    assert broken_links(built_real) == []


def test_links_resolve_from_a_sub_path(valid_site: Path) -> None:
    build(load_site_config(valid_site, base_url="/reports/"))
    assert broken_links(valid_site / "_site", "/reports/") == []


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here"></p>')
    (tmp_path / "index.html").write_text(
        '<a href="/a/">ok</a><a href="/a/#here">ok</a><a href="/b/">no</a>'
        '<a href="/a/#gone">no</a><a href="https://example.org/">ext</a>'
    )
    assert broken_links(tmp_path) == [
        "index.html -> /b/",
        "index.html -> /a/#gone (no such anchor)",
    ]
