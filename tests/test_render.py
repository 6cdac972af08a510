"""Markdown conversion (render.markdown_html) and the compiled-template cache
(render.TemplateCache)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frontmatter
import jinja2
import nh3
import pytest
import yaml

from clusterreports import load_site_config
from clusterreports.cache import CACHE_ENV
from clusterreports.content.load import parse_yaml
from clusterreports.site.render import (
    SMARTY_INPUT,
    TemplateCache,
    _compile_settings,
    _converter,
    make_environment,
    markdown_html,
)

from .conftest import ROOT, SITES, copy_site


def _strings(value: Any, above: frozenset[int] = frozenset()) -> Iterator[str]:
    """Every string in parsed YAML; a fixture has a list that contains itself."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list) and id(value) not in above:
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            yield from _strings(item, above | {id(value)})


def _content_strings() -> list[str]:
    """Every string of the first site's content and the fixture sites: any may be
    Markdown."""
    found: set[str] = set()
    for folder in (ROOT / "content", SITES):
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".md", ".yaml", ".yml") or not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
                if path.suffix == ".md":
                    post = frontmatter.loads(text)
                    found.add(post.content)
                    found.update(_strings(post.metadata))
                elif parse_yaml(text, path.name)[0] is not None:  # not refused (too deep...)
                    found.update(_strings(yaml.safe_load(text)))
            except (yaml.YAMLError, ValueError):  # the deliberately broken fixtures
                continue
    return sorted(found)


EDGE_CASES = [
    "plain text, **bold** and a [link](https://example.org)",
    "it's",
    'they said "yes"',
    "2010 -- 2020 --- and then",
    "wait...",
    "`code -- with dashes` and <!-- a comment -->",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "A note[^1].\n\n[^1]: The note.",
    "*[EU]: European Union\n\nThe EU.",
    "- one\n- two\n\n1. first\n2. second",
    "a \\\" and a \\' escaped",
]


def test_content_strings_are_found() -> None:
    strings = _content_strings()
    assert len(strings) > 500
    assert sum(1 for s in strings if SMARTY_INPUT.search(s)) > 50


@pytest.mark.parametrize("text", EDGE_CASES + _content_strings())
def test_text_without_quotes_dashes_or_ellipses_converts_as_with_smarty(text: str) -> None:
    """Skipping smarty when a text has nothing for it to change gives the same HTML."""
    full = nh3.clean(_converter(True).reset().convert(text), link_rel="noopener noreferrer")
    assert markdown_html(text) == full


def test_smarty_still_educates_what_it_should() -> None:
    assert markdown_html('"Yes" -- it\'s done...') == (
        "<p>\N{LEFT DOUBLE QUOTATION MARK}Yes\N{RIGHT DOUBLE QUOTATION MARK} "
        "\N{EN DASH} it\N{RIGHT SINGLE QUOTATION MARK}s done\N{HORIZONTAL ELLIPSIS}</p>"
    )


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the template cache goes: the cache folder of the test's own."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "templates"


def _never_compile(env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> None:
    def compile_(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled, though the cache held the template")

    monkeypatch.setattr(env, "compile", compile_)


def test_compiled_templates_are_kept_for_the_next_build(
    tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = load_site_config(copy_site("valid", tmp_path))
    first = make_environment(site).get_template("session.html")
    assert len(list(cache_folder.glob("*.cache"))) == 1
    again = make_environment(site)
    _never_compile(again, monkeypatch)
    loaded = again.get_template("session.html")
    assert loaded.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code


def test_an_edited_template_is_compiled_again(tmp_path: Path, cache_folder: Path) -> None:
    root = copy_site("valid", tmp_path)
    (root / "templates").mkdir(exist_ok=True)
    template = root / "templates" / "note.html"
    template.write_text("one {{ 1 + 1 }}", encoding="utf-8")
    site = load_site_config(root)
    assert make_environment(site).get_template("note.html").render() == "one 2"
    template.write_text("two {{ 2 + 2 }}", encoding="utf-8")
    assert make_environment(site).get_template("note.html").render() == "two 4"


def test_the_key_holds_the_settings_the_compiler_reads(tmp_path: Path) -> None:
    site = load_site_config(copy_site("valid", tmp_path))
    env = make_environment(site)
    settings = _compile_settings(env)
    assert settings == _compile_settings(make_environment(site))  # the same in every process
    assert "0x" not in settings  # no object addresses
    env.trim_blocks = False
    assert _compile_settings(env) != settings
    cache = TemplateCache(tmp_path, settings)
    other = TemplateCache(tmp_path, "other")
    assert cache.get_cache_key("a.html", "/t/a.html") != other.get_cache_key("a.html", "/t/a.html")


def test_a_damaged_cache_file_is_compiled_again(tmp_path: Path, cache_folder: Path) -> None:
    site = load_site_config(copy_site("valid", tmp_path))
    expected = make_environment(site).get_template("404.html").root_render_func.__code__.co_code
    [cached] = cache_folder.glob("*.cache")
    cached.write_bytes(cached.read_bytes()[:40])  # cut short, as by a crash mid-write
    again = make_environment(site).get_template("404.html")
    assert again.root_render_func.__code__.co_code == expected
    assert cached.stat().st_size > 40  # written again, whole


def test_a_cache_folder_someone_else_made_is_not_used(tmp_path: Path, cache_folder: Path) -> None:
    """Its files are code: one planted where the folder should be (here a link to a
    folder elsewhere) is refused, and templates are compiled as without a cache."""
    planted = tmp_path / "planted"
    planted.mkdir()
    cache_folder.parent.mkdir()
    cache_folder.symlink_to(planted)
    site = load_site_config(copy_site("valid", tmp_path))
    env = make_environment(site)
    assert env.bytecode_cache is None
    assert env.get_template("session.html").root_render_func.__name__ == "root"
    assert not list(planted.iterdir())
