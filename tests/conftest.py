"""Shared fixtures: fixture sites copied into tmp_path, and built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clusterreports import build, load_site_config

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SITES = TESTS / "sites"


def copy_site(name: str, target: Path) -> Path:
    """A fresh copy of a fixture site (so tests can edit it and build into it)."""
    dest = target / name.replace("/", "-")
    shutil.copytree(SITES / name, dest, ignore=shutil.ignore_patterns("_site"))
    return dest


@pytest.fixture
def valid_site(tmp_path: Path) -> Path:
    return copy_site("valid", tmp_path)


@pytest.fixture(scope="session")
def built_valid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid fixture site, built once; returns the output folder."""
    root = copy_site("valid", tmp_path_factory.mktemp("valid"))
    build(load_site_config(root))
    return root / "_site"


@pytest.fixture(scope="session")
def built_real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content/ of this repository, built with a fixed date into a temp folder."""
    import datetime as dt

    out = tmp_path_factory.mktemp("real") / "_site"
    build(load_site_config(ROOT, output=str(out), today=dt.date(2022, 11, 15)))
    return out
