"""schema.org JSON-LD, canonical URLs, Open Graph, sitemap.xml and robots.txt."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from clusterreports import build, load_site_config
from clusterreports.escape import script_json
from clusterreports.outputs import sitemap

from .conftest import copy_site, snapshot
from .discovery_support import BASE_URL, SCRIPT_TITLE, extended_site, json_ld, page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return extended_site(tmp_path_factory.mktemp("structured"))


def node(site: Path, url: str) -> dict[str, Any]:
    (data,) = json_ld(page(site, url))
    assert data["@context"] == "https://schema.org"
    assert data["@id"] == data["url"] == BASE_URL + url.lstrip("/")
    return data


def ids(nodes: list[dict[str, Any]]) -> list[str]:
    return [n["@id"].removeprefix(BASE_URL) for n in nodes]


def test_event_with_sessions_performers_organisers_and_location(site: Path) -> None:
    event = node(site, "/events/talk-2022/")
    assert event["@type"] == "Event"
    assert event["startDate"] == "2022-10-05T08:30:00+02:00"
    assert event["endDate"] == "2022-10-05T09:30:00+02:00"
    assert ids(event["subEvent"]) == [
        "sessions/talk-2022-introduction/",
        "sessions/talk-2022-panel/",
    ]
    assert event["subEvent"][1]["startDate"] == "2022-10-05T08:45:00+02:00"
    assert set(ids(event["performer"])) == {
        "people/anais-le-corvec/",
        "people/ulla-engelmann/",
        "people/bianca-dragomir/",
    }
    assert ids(event["organizer"]) == ["organisations/eccp/"]
    assert event["organizer"][0]["@type"] == "Organization"
    assert event["location"]["@type"] == "VirtualLocation"
    assert event["eventAttendanceMode"].endswith("OnlineEventAttendanceMode")
    on_site = node(site, "/events/news-event/")
    assert on_site["location"]["@type"] == "Place"
    assert on_site["location"]["address"]["addressLocality"] == "Brussels"
    assert on_site["startDate"] == "2022-11-02"


def test_session_is_a_sub_event(site: Path) -> None:
    session = node(site, "/sessions/talk-2022-introduction/")
    assert session["@type"] == "Event"
    assert ids([session["superEvent"]]) == ["events/talk-2022/"]
    assert ids(session["performer"]) == ["people/ulla-engelmann/"]


def test_person_with_affiliation_job_title_and_award(site: Path) -> None:
    ulla = node(site, "/people/ulla-engelmann/")
    assert ulla["@type"] == "Person"
    assert ulla["jobTitle"] == "Head of Unit – Industrial Forum, Alliances, Clusters"
    assert ids([ulla["worksFor"]]) == ["organisations/dg-grow/"]
    assert set(ids(ulla["affiliation"])) == {"organisations/dg-grow/", "organisations/jrc/"}
    bianca = node(site, "/people/bianca-dragomir/")
    assert bianca["award"] == ["Cluster Manager of the Year 2016"]


def test_organisation_with_parent(site: Path) -> None:
    dg = node(site, "/organisations/dg-grow/")
    assert dg["@type"] == "Organization"
    assert dg["alternateName"] == "DG GROW"
    assert ids([dg["parentOrganization"]]) == ["organisations/european-commission/"]
    commission = node(site, "/organisations/european-commission/")
    assert ids(commission["subOrganization"]) == ["organisations/dg-grow/"]


def test_call_report_poll_and_award(site: Path) -> None:
    call = node(site, "/calls/timed-call/")
    assert call["@type"] == "CreativeWork"
    assert call["additionalType"] == "https://schema.org/Grant"
    assert call["expires"] == "2023-01-24T17:00:00+01:00"
    assert call["datePublished"] == "2022-10-05"
    assert ids([call["funder"]]) == ["organisations/european-commission/"]
    report = node(site, "/reports/source-report/")
    assert report["@type"] == "Report"
    assert ids(report["publisher"]) == ["organisations/eccp/"]
    poll = node(site, "/polls/biggest-challenge/")
    assert poll["@type"] == "Question"
    assert [a["text"] for a in poll["suggestedAnswer"]] == ["Lack of resources", "Something else"]
    assert poll["interactionStatistic"]["userInteractionCount"] == 300
    assert ids([poll["recordedAt"]]) == ["events/ecc-2016/"]
    award = node(site, "/awards/cluster-manager-of-the-year-2016/")
    assert ids(award["about"]) == ["people/bianca-dragomir/"]
    assert ids([award["recordedAt"]]) == ["events/ecc-2016/"]


def test_home_is_a_searchable_website(site: Path) -> None:
    (website,) = json_ld(page(site, "/"))
    assert website["@type"] == "WebSite"
    action = website["potentialAction"]
    assert action["target"] == f"{BASE_URL}search/?q={{search_term_string}}"


def test_every_linked_id_is_a_built_page(site: Path) -> None:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "@id" in value:
                found.add(value["@id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in site.rglob("index.html"):
        for data in json_ld(path.read_text(encoding="utf-8")):
            walk(data)
    assert len(found) > 20
    for url in found:
        assert url.startswith(BASE_URL)
        assert (site / url.removeprefix(BASE_URL) / "index.html").is_file(), url


def test_json_ld_cannot_close_its_script(site: Path) -> None:
    html = page(site, "/events/news-event/")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == SCRIPT_TITLE
    text = str(script_json({"a": "</script><!-- & \u2028"}))
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def meta(html: str, attribute: str, name: str) -> str | None:
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return found.group(1) if found else None


def test_canonical_open_graph_and_description(site: Path) -> None:
    html = page(site, "/people/ulla-engelmann/")
    url = f"{BASE_URL}people/ulla-engelmann/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:type") == "profile"
    assert meta(html, "property", "og:title") == "Ulla Engelmann"
    description = meta(html, "name", "description")
    assert description and description.startswith("Ulla Engelmann: Head of Unit")
    assert meta(html, "property", "og:description") == description
    for url in ("/search/", "/404.html"):
        other = (site / url.strip("/")).read_text() if url.endswith(".html") else page(site, url)
        assert 'rel="canonical"' not in other
        assert meta(other, "name", "robots") == "noindex"


def test_canonical_on_a_path_only_base_url(built_valid: Path) -> None:
    html = page(built_valid, "/organisations/dg-grow/")
    assert '<link rel="canonical" href="/organisations/dg-grow/">' in html


def test_sitemap_and_robots(site: Path, built_valid: Path) -> None:
    tree = ET.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text or "" for loc in tree.findall("s:url/s:loc", ns)]
    assert BASE_URL in locs and f"{BASE_URL}people/ulla-engelmann/" in locs
    assert f"{BASE_URL}search/" not in locs and f"{BASE_URL}404.html" not in locs
    pages = [p for p in site.rglob("index.html") if p.parent.name not in ("search", "pagefind")]
    assert len(locs) == len(pages)
    assert all(loc.startswith(BASE_URL) for loc in locs)
    robots = (site / "robots.txt").read_text()
    assert f"Sitemap: {BASE_URL}sitemap.xml" in robots
    assert "Sitemap" not in (built_valid / "robots.txt").read_text()  # no host to name


def test_site_url_gives_a_path_base_url_its_host(tmp_path: Path) -> None:
    """With ``url:``, a site served from a path writes what it would with that full URL
    as its base_url: absolute canonical, Open Graph, sitemap and feed links; links
    between pages stay paths."""
    root = copy_site("valid", tmp_path)
    site_url = "https://clusters.example.org/reports/"
    build(load_site_config(root, base_url="/reports/", url=site_url, output="a", search=False))
    build(load_site_config(root, base_url=site_url, output="b", search=False))
    assert snapshot(root / "a") == snapshot(root / "b")

    html = page(root / "a", "/people/ulla-engelmann/")
    url = f"{site_url}people/ulla-engelmann/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "property", "og:url") == url
    assert '<a href="/reports/organisations/' in html
    sitemap = (root / "a" / "sitemap.xml").read_text()
    assert f"<loc>{url}</loc>" in sitemap and "<loc>/" not in sitemap
    assert f"Sitemap: {site_url}sitemap.xml" in (root / "a" / "robots.txt").read_text()
    feed = ET.parse(root / "a" / "feeds" / "events.xml")
    hrefs = [link.get("href", "") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all(href.startswith("https://") for href in hrefs)


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_files(output: Path) -> dict[str, list[str]]:
    """Each sitemap file a crawler reads from /sitemap.xml (itself, or the files it
    indexes), by path, with the locations it lists."""
    root = ET.parse(output / "sitemap.xml").getroot()
    if root.tag.endswith("urlset"):
        return {"sitemap.xml": [loc.text or "" for loc in root.findall("s:url/s:loc", SITEMAP_NS)]}
    found = {}
    for loc in root.findall("s:sitemap/s:loc", SITEMAP_NS):
        path = (loc.text or "").lstrip("/")  # the fixture's base_url is '/'
        urlset = ET.parse(output / path).getroot()
        found[path] = [u.text or "" for u in urlset.findall("s:url/s:loc", SITEMAP_NS)]
    return found


@pytest.mark.parametrize(
    ("languages", "names"), [("", ["en-1", "en-2"]), ("en, fr", ["en-1", "en-2", "fr-1", "fr-2"])]
)
def test_a_long_sitemap_is_written_in_parts_with_an_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, languages: str, names: list[str]
) -> None:
    """The protocol takes 50,000 URLs a file: past that, parts and an index of them,
    listing every page once. Here at a limit of a little over half the fixture's pages,
    a page with alternates counting one entry a link."""
    root = copy_site("valid", tmp_path)
    if languages:
        with (root / "site.yaml").open("a", encoding="utf-8") as config:
            config.write(f"languages: [{languages}]\n")
    build(load_site_config(root))
    whole = sitemap_files(root / "_site")
    pages = sorted(url for urls in whole.values() for url in urls)
    per_language = len(pages) // (2 if languages else 1)
    limit = (per_language // 2 + 1) * (4 if languages else 1)
    monkeypatch.setattr(sitemap, "ENTRIES_PER_FILE", limit)
    build(load_site_config(root))
    parts = sitemap_files(root / "_site")
    assert list(parts) == [f"sitemaps/{name}.xml" for name in names]
    assert all(len(urls) <= limit // (4 if languages else 1) for urls in parts.values())
    assert sorted(url for urls in parts.values() for url in urls) == pages
