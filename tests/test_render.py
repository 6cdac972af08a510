"""Markdown conversion (render.markdown_html)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import frontmatter
import nh3
import pytest
import yaml

from clusterreports.render import SMARTY_INPUT, _converter, markdown_html

from .conftest import ROOT, SITES


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
            text = path.read_text(encoding="utf-8")
            try:
                if path.suffix == ".md":
                    post = frontmatter.loads(text)
                    found.add(post.content)
                    found.update(_strings(post.metadata))
                elif path.suffix in (".yaml", ".yml"):
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
