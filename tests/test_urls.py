from pathlib import Path

import pytest

from clusterreports.site import urls


def test_slugs_handle_unicode() -> None:
    assert urls.slug("Anaïs Le Corvec") == "anais-le-corvec"
    assert urls.slug("Köcker") == "kocker"
    assert urls.slug("Elżbieta Bieńkowska") == "elzbieta-bienkowska"


def test_clean_urls_and_paths(tmp_path: Path) -> None:
    assert urls.record_url("person", "bianca-dragomir") == "/people/bianca-dragomir/"
    assert urls.index_url("call") == "/calls/"
    out = tmp_path / "_site"
    assert urls.output_path(out, "/people/x/") == (out / "people/x/index.html").resolve()
    assert urls.output_path(out, "/") == (out / "index.html").resolve()
    assert urls.output_path(out, "/404.html") == (out / "404.html").resolve()


@pytest.mark.parametrize(
    "url", ["/../x/", "/people/../../etc/", "/a/..\\b", "/x\x00/", "/a//b/", "/a/./b/"]
)
def test_nothing_is_written_outside_the_output(tmp_path: Path, url: str) -> None:
    with pytest.raises(urls.UnsafePathError):
        urls.output_path(tmp_path / "_site", url)


def test_relative_output_paths() -> None:
    assert urls.relative_output_path("/people/x/") == "people/x/index.html"
    assert urls.relative_output_path("/") == "index.html"
    assert urls.relative_output_path("/data/events.json") == "data/events.json"


@pytest.mark.parametrize("url", ["/../x/", "/a//b/", "/a/./b/", "/x\x00/", "/a\\b"])
def test_relative_output_paths_refuse_unsafe_urls(url: str) -> None:
    with pytest.raises(urls.UnsafePathError):
        urls.relative_output_path(url)


def test_base_url_prefixes_links() -> None:
    assert urls.with_base("/", "/people/") == "/people/"
    assert urls.with_base("/reports/", "/people/") == "/reports/people/"
    assert urls.with_base("https://example.org/r/", "/people/") == "/r/people/"
    assert urls.absolute("https://example.org/r/", "/people/") == "https://example.org/r/people/"
