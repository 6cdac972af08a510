"""Progress on a terminal: the CLI run with standard error on a pseudo-terminal, as an
editor runs it, and piped or ``--quiet`` (nothing but the summary line)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

# Cursor movement, colours and line erasing: what the bar draws with.
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def run_on_a_terminal(site: Path, *arguments: str) -> tuple[str, str]:
    """(what was drawn on the terminal, standard output) of a command."""
    terminal, child_side = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "clusterreports", "--site", str(site), *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child_side,
        env=env,
    )
    os.close(child_side)
    drawn = bytearray()
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        drawn += chunk
    os.close(terminal)
    assert process.stdout is not None
    out = process.stdout.read().decode("utf-8")
    assert process.wait(timeout=120) == 0
    return CONTROL.sub("\n", drawn.decode("utf-8", "replace")), out


def test_a_build_on_a_terminal_names_each_step_and_counts_pages(valid_site: Path) -> None:
    drawn, out = run_on_a_terminal(valid_site, "build", "--jobs", "2")
    steps = [
        "Reading and validating the content",
        "Linking ",
        "Planning the pages",
        "Looking for probable duplicates",
        "Rendering pages",
        "Indexing the pages for search",
    ]
    places = [drawn.find(step) for step in steps]
    assert -1 not in places, drawn
    assert places == sorted(places)  # in the order the build takes them
    built = re.match(r"Built (\d+) pages", out)
    assert built is not None, out
    pages = int(built.group(1))
    assert f"{pages}/{pages}" in drawn and " pages/s" in drawn
    (line,) = out.splitlines()  # the bar went to standard error, then vanished
    assert line.startswith(f"Built {pages} pages (")


def test_check_on_a_terminal_names_each_step(valid_site: Path) -> None:
    drawn, out = run_on_a_terminal(valid_site, "check")
    assert "Reading and validating the content" in drawn and "Planning the pages" in drawn
    assert re.fullmatch(r"No problems: \d+ records, \d+ pages\.\n", out)


@pytest.mark.parametrize(
    "arguments", [("build", "--quiet"), ("build", "--quiet", "--jobs", "2"), ("check", "-q")]
)
def test_quiet_draws_and_says_nothing(valid_site: Path, arguments: tuple[str, ...]) -> None:
    assert run_on_a_terminal(valid_site, *arguments) == ("", "")
