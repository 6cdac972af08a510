"""Lint, format and type checks run as part of the test suite."""

from __future__ import annotations

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
