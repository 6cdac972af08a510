"""bench/bench_incremental.py, run as bench/run.py runs it, on a tiny corpus: it reports
the preview's save-to-pages-written figure, and restores every file it edited. Timings
are printed, never asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, bench_corpus, tools

BENCH = ROOT / "bench"

# Runs the script as its own program with Playwright unimportable, as on a machine with
# only the benchmark's instructions followed (no test extras).
WITHOUT_PLAYWRIGHT = (
    "import runpy, sys; sys.modules['playwright'] = None; "
    f"sys.argv[0] = {str(BENCH / 'bench_incremental.py')!r}; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


def test_without_playwright_the_save_to_pages_written_figure_is_still_measured(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PLAYWRIGHT, "--events", "4", "--edits", "2",
         "--work", str(tmp_path), "--timeout", "120"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    figure = r"^Median save -> pages written: \d+ ms \((meets|misses) the 100 ms target\)$"
    assert re.search(figure, out, re.M)
    assert re.search(r"^An edit while the search index was being updated: \d+ ms", out, re.M)
    rows = re.findall(r"^(event-\d+)\s+incremental\s+(\d+)\s+\d+\s+\d+\s+-\s+-$", out, re.M)
    assert len(rows) == 2 and all(int(pages) >= 1 for _, pages in rows), out
    if Path(tools.CHROMIUM).exists():
        assert "Reload not timed: Playwright is not installed (pip install -e '.[test]')." in out

    # The edited records are as the corpus wrote them.
    fresh = tmp_path / "fresh"
    bench_corpus().generate(fresh, 4)
    edited = tmp_path / "incremental-4" / "ours" / "content" / "events"
    for path in (fresh / "ours" / "content" / "events").glob("*.md"):
        assert (edited / path.name).read_bytes() == path.read_bytes()
