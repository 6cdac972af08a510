"""Lint, format and type checks run as part of the test suite."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .conftest import ROOT

PYTHON_PATHS = [p for p in ("src", "tests", "bench", "tools", "build.py") if (ROOT / p).exists()]


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", *PYTHON_PATHS], ["ruff", "format", "--check", *PYTHON_PATHS], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_quality(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_public_api_is_complete() -> None:
    import clusterreports

    public = {
        name
        for name, value in vars(clusterreports).items()
        if not name.startswith("_") and type(value).__name__ != "module"
    }
    assert public == set(clusterreports.__all__)


def test_no_template_marks_assembled_markup_safe() -> None:
    """Autoescaping is the only way text reaches HTML: ``|safe`` is allowed on the
    theme's own icon shapes, never on markup built from a record's values."""
    allowed = {"{{ ICONS[name] | safe }}"}
    found = []
    for template in sorted((ROOT / "templates").glob("*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\|\s*safe\b", line) and not any(a in line for a in allowed):
                found.append(f"{template.name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
