"""bench/profile.py times a real build's stages (pipeline.build, through its progress
hook) and, with --kinds, a second build at -j 1 page kind by page kind. Timings are
printed, never asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, bench_corpus


def test_the_profile_laps_each_stage_of_a_build_and_each_page_kind(tmp_path: Path) -> None:
    bench_corpus().generate(tmp_path / "corpus", 6)
    site = tmp_path / "corpus" / "ours"
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "profile.py"), str(site), "--jobs", "1",
         "--kinds", "--outputs-in", str(work)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    stages = re.findall(r"^\| ([^|]+?) \| [\d.]+ \| [\d.]+ \| [\d,]+ \|$", out, re.M)
    assert stages[0].startswith("start-up")
    assert stages[1] == "Reading and validating the content"
    assert "Planning the pages" in stages
    assert any(s.startswith("Looking for probable duplicates") for s in stages)
    built = re.search(r"^Built (\d+) pages", out, re.M)
    assert built is not None, out
    pages = int(built.group(1))
    assert f"render and write {pages:,} pages, the extra and static files" in stages
    assert stages[-1].startswith("Indexing the pages for search")  # the site's search is on
    assert re.search(r"^\| total \| [\d.]+ \| [\d.]+ \| \|$", out, re.M)

    rows = re.findall(r"^\| ([^|]+?) \| ([\d,]+) \| [\d.]+ \| [\d.]* \|$", out, re.M)
    kinds = {name: int(count.replace(",", "")) for name, count in rows}
    page_kinds = {k: n for k, n in kinds.items() if not k.startswith("extra files: ")}
    assert {"event", "session", "person", "organisation", "index", "home"} <= set(page_kinds)
    assert sum(page_kinds.values()) == pages  # every page of the second build, once
    assert kinds["extra files: calendars"] > 0 and "extra files: opendata" in kinds
    assert list(work.iterdir()) == []  # both builds went into a folder since deleted
