"""Golden output: the valid fixture site's whole built tree, byte for byte, against the
copy checked in under tests/golden/valid/ (Pelican's functional tests do the same).

A change that alters any page, feed, calendar, data file or the sitemap fails here with
the files that differ. When the change is intended, regenerate the copy with one command
and review the diff like any other change (docs/testing.md):

    python -m pytest tests/test_golden.py --update-golden

The build is fixed so that it gives the same bytes on every machine: ``--today``, a full
``base_url`` (so canonical links, feeds and the sitemap carry full URLs, as published),
and ``--no-search``. The calendars' time-zone rules come from the time-zone database
(the system's, else the tzdata package: both give the same bytes today), so a change of
the rules themselves would show here too, as it should. Left out of the byte comparison,
each for a reason:

- ``static/``: copied verbatim from the built-in theme, so it is compared with the
  theme's own files instead of a second copy that every CSS edit would make stale;
- the search index (``pagefind/``): Pagefind names its files after hashes that differ
  from one run to the next, so a second build with search compares only its file list,
  hashes masked; what the index finds is tested in test_search.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from clusterreports import build, load_site_config
from clusterreports.site.theme import builtin_dir

from .conftest import SITES, TESTS, snapshot

GOLDEN = TESTS / "golden" / "valid"
# The search index's files, hashes masked, with how many there are of each name.
GOLDEN_SEARCH = TESTS / "golden" / "valid-search-files.txt"
TODAY = dt.date(2022, 11, 15)
BASE_URL = "https://reports.example.org/clusters/"
UPDATE = "python -m pytest tests/test_golden.py --update-golden"
STATIC = "static/"
SEARCH = "pagefind/"


def built(output: Path, *, search: bool) -> dict[str, bytes]:
    """The valid fixture site built into ``output`` with the fixed settings, as a tree."""
    site = load_site_config(
        SITES / "valid", output=str(output), today=TODAY, base_url=BASE_URL, search=search
    )
    build(site)
    return snapshot(output)


def generated(tree: dict[str, bytes]) -> dict[str, bytes]:
    """The files the build made itself: everything but the theme's copied static files."""
    return {path: data for path, data in tree.items() if not path.startswith(STATIC)}


def search_files(tree: dict[str, bytes]) -> str:
    """The search index's file names with their hashes masked, one line per name with
    its count (one fragment per record page), sorted."""
    names = Counter(
        re.sub(r"_[0-9a-f]{7,}(?=\.)", "_HASH", path) for path in tree if path.startswith(SEARCH)
    )
    return "".join(f"{name} {count}\n" for name, count in sorted(names.items()))


def difference(path: str, expected: bytes, actual: bytes) -> str:
    """A readable account of how one file differs from its golden copy."""
    try:
        before, after = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"{path}: binary file differs ({len(expected)} -> {len(actual)} bytes)"
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"golden/{path}", f"built/{path}", lineterm=""
    )
    return "\n".join(list(lines)[:40])


def replace_golden(tree: dict[str, bytes]) -> None:
    """Write ``tree`` as the new golden copy, removing files the build no longer makes."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for path, data in tree.items():
        target = GOLDEN / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def test_built_tree_matches_golden(tmp_path: Path, update_golden: bool) -> None:
    tree = built(tmp_path / "_site", search=False)
    if update_golden:
        replace_golden(generated(tree))
    golden = snapshot(GOLDEN)
    actual = generated(tree)
    assert sorted(actual) == sorted(golden), f"files added or removed; if intended: {UPDATE}"
    changed = [path for path in sorted(actual) if actual[path] != golden[path]]
    report = "\n\n".join(difference(path, golden[path], actual[path]) for path in changed[:5])
    assert changed == [], f"{len(changed)} files differ; if intended: {UPDATE}\n\n{report}"


def test_static_files_are_the_theme_s(tmp_path: Path) -> None:
    tree = built(tmp_path / "_site", search=False)
    theme = builtin_dir("static")
    expected = {f"{STATIC}{path}": data for path, data in snapshot(theme).items()}
    assert {path: data for path, data in tree.items() if path.startswith(STATIC)} == expected


def test_search_build_adds_only_the_search_page_and_index(
    tmp_path: Path, update_golden: bool
) -> None:
    tree = built(tmp_path / "_site", search=True)
    if update_golden:
        GOLDEN_SEARCH.write_text(search_files(tree), encoding="utf-8")
    outside_index = {path for path in generated(tree) if not path.startswith(SEARCH)}
    assert outside_index == set(snapshot(GOLDEN)) | {"search/index.html"}
    assert search_files(tree) == GOLDEN_SEARCH.read_text(encoding="utf-8"), UPDATE
