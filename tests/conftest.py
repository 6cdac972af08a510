"""Shared fixtures: fixture sites copied into tmp_path, and built once per session."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from clusterreports import ContentError, build, load_site_config
from clusterreports.cache import CACHE_ENV

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SITES = TESTS / "sites"

# Property-based tests check what comes out, never how fast: no deadline (a loaded CI
# machine would fail them at random), and the same number of examples everywhere.
settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("suite")


# --- no fork beside threads -------------------------------------------------------------
# A process that forks while another of its threads runs can hand the child a lock that
# thread held, held for ever there (Python 3.12 warns; pyproject turns that warning into
# an error). Here, on any Python, every fork of the test process or of a process it
# forked (the preview's builder forks render workers) is checked: one made beside a live
# thread is written down, and the test that made it fails (``_no_fork_beside_threads``).
_FORKS_BESIDE_THREADS = Path(tempfile.mkstemp(prefix="clusterreports-forks-")[1])


def _before_fork() -> None:
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    if others:
        with _FORKS_BESIDE_THREADS.open("a", encoding="utf-8") as notes:
            notes.write(f"process {os.getpid()} forked beside the threads {others}\n")


os.register_at_fork(before=_before_fork)


@pytest.fixture(autouse=True)
def _no_fork_beside_threads() -> Iterator[None]:
    _FORKS_BESIDE_THREADS.write_text("", encoding="utf-8")
    yield
    found = _FORKS_BESIDE_THREADS.read_text(encoding="utf-8")
    if found:
        pytest.fail(
            "this test forked while other threads ran (a child can inherit a lock held "
            f"for ever, and hang; fork before starting threads):\n{found}",
            pytrace=False,
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    _FORKS_BESIDE_THREADS.unlink(missing_ok=True)  # each test process has its own


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from this build, after an intended change to the output",
    )


def _load_tools() -> Any:
    """tools/screenshots.py: building, serving and browser helpers the browser tests share."""
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "tools" / "screenshots.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tools = _load_tools()


def bench_corpus() -> Any:
    """bench/corpus.py, the benchmark's synthetic corpus generator."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by its relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def require(ready: bool, reason: str) -> None:
    """Skip when a tool is missing here; fail under CI=true, so CI never stops checking."""
    if not ready:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (required under CI)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    require(Path(tools.CHROMIUM).exists(), f"no Chromium at {tools.CHROMIUM}")
    require(importlib.util.find_spec("playwright") is not None, "playwright is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = tools.launch(playwright)
        yield launched
        launched.close()


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds keep their caches (cache.py) in a folder of the test run's own, shared by
    its tests (entries are keyed by what they depend on), never in the user's."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


def copy_site(name: str, target: Path) -> Path:
    """A fresh copy of a fixture site (so tests can edit it and build into it)."""
    dest = target / name.replace("/", "-")
    shutil.copytree(SITES / name, dest, ignore=shutil.ignore_patterns("_site"))
    return dest


def fake_pagefind(tmp_path: Path, script: str) -> Path:
    """A shell script to stand in for the Pagefind binary (``search.get_executable``)."""
    fake = tmp_path / "fake-pagefind"
    fake.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    fake.chmod(0o755)
    return fake


def hanging_pagefind(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in Pagefind that never finishes, and the file its process id appears in
    once it runs (written then renamed: whoever sees the file may stop the process at
    once, so it must never be seen empty)."""
    pid_file = tmp_path / "pid"
    script = f"echo $$ > {pid_file}.new; mv {pid_file}.new {pid_file}; exec sleep 60"
    return fake_pagefind(tmp_path, script), pid_file


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


def as_a_user(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` where file permissions hold, as for any user but root: as root
    (the tests' container), without the powers to read and write past them."""
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root, and no setpriv to give up root's powers over files")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def failed_build(root: Path) -> list[str]:
    """The problems of a build of the site ``root`` that fails, once it is checked that
    the build left the published site as it was and no scratch folder beside it."""
    before = snapshot(root / "_site")
    with pytest.raises(ContentError) as info:
        build(load_site_config(root))
    assert snapshot(root / "_site") == before
    assert [p.name for p in root.glob("._site.*")] == []
    return [str(p) for p in info.value.problems]
