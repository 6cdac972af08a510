"""Parallel rendering and the unchanged-file links: same bytes, previous site kept."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from clusterreports import ContentError, build, load_site_config, pipeline
from clusterreports.cli import main
from clusterreports.outputs import extras as outputs
from clusterreports.outputs import search
from clusterreports.outputs.context import BuildContext, Running
from clusterreports.preview.incremental import Reads, TrackingRenderer
from clusterreports.site import parallel
from clusterreports.site.parallel import MIN_PARALLEL_PAGES, choose_jobs
from clusterreports.site.progress import BuildProgress
from clusterreports.site.write import StageWriter, WriteError, scratch_folder, staging, write_file
from clusterreports.tuning import map_chunks

from .conftest import snapshot


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.html")}


def _ours(folder: Path) -> dict[str, bytes]:
    """Everything but Pagefind's index, which differs between any two runs of Pagefind."""
    return {
        name: data for name, data in snapshot(folder).items() if not name.startswith("pagefind/")
    }


def test_two_jobs_write_the_same_bytes_as_one(valid_site: Path) -> None:
    one = build(load_site_config(valid_site, output="_one"), jobs=1)
    two = build(load_site_config(valid_site, output="_two"), jobs=2)
    first, second = _ours(valid_site / "_one"), _ours(valid_site / "_two")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert one.pages == two.pages == two.written > 0


def test_views_dropped_between_runs_change_nothing(
    valid_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large site's workers drop their views between runs (``MAX_VIEWS``); rebuilt
    views must render the same pages and files."""
    build(load_site_config(valid_site, output="_kept"), jobs=2)
    monkeypatch.setattr(parallel, "MAX_VIEWS", 0)
    monkeypatch.setattr(parallel, "MIN_RUN", 1)  # many runs, so views are dropped often
    build(load_site_config(valid_site, output="_dropped"), jobs=2)
    kept, dropped = _ours(valid_site / "_kept"), _ours(valid_site / "_dropped")
    assert sorted(kept) == sorted(dropped)
    assert [name for name in kept if kept[name] != dropped[name]] == []


def test_a_second_build_links_unchanged_pages(valid_site: Path) -> None:
    build(load_site_config(valid_site), jobs=2)
    before = _inodes(valid_site / "_site")
    again = build(load_site_config(valid_site), jobs=2)
    assert again.written == 0 and again.unchanged == again.pages
    assert _inodes(valid_site / "_site") == before


def test_an_edit_rewrites_only_what_changed(valid_site: Path) -> None:
    build(load_site_config(valid_site), jobs=2)
    before = _inodes(valid_site / "_site")
    poll = valid_site / "content" / "polls" / "biggest-challenge.yaml"
    poll.write_text(poll.read_text().replace("respondents: 300", "respondents: 301"))
    result = build(load_site_config(valid_site), jobs=2)
    after = _inodes(valid_site / "_site")
    changed = {name for name in after if after[name] != before.get(name)}
    assert "polls/biggest-challenge/index.html" in changed
    assert "people/anais-le-corvec/index.html" not in changed
    assert result.written == len(changed) and 0 < result.written < result.pages


def test_a_failed_parallel_build_keeps_the_linked_site(valid_site: Path) -> None:
    build(load_site_config(valid_site), jobs=2)
    before = snapshot(valid_site / "_site")
    templates = valid_site / "templates"
    templates.mkdir()
    (templates / "poll.html").write_text('{% extends "base.html" %}{{ record.nope }}\n')
    (templates / "person.html").write_text(
        '{% extends "base.html" %}\n{% block content %}{{ record.nope }}{% endblock %}\n'
    )
    with pytest.raises(ContentError) as info:
        build(load_site_config(valid_site), jobs=2)
    assert "has no attribute 'nope'" in info.value.report()
    assert snapshot(valid_site / "_site") == before
    assert not list(valid_site.glob(".*building*"))


def test_stage_writer_never_writes_through_a_link(tmp_path: Path) -> None:
    published = tmp_path / "site"
    write_file(published, "/a/", b"same")
    with staging(published) as stage:
        writer = StageWriter(stage, published)
        assert writer.write("/a/", b"same") is False
        assert os.path.samefile(stage / "a" / "index.html", published / "a" / "index.html")
        assert writer.write("/a/", b"different") is True  # the same URL twice
        assert (published / "a" / "index.html").read_bytes() == b"same"
    assert (published / "a" / "index.html").read_bytes() == b"different"


def test_content_in_pieces_is_written_or_linked_like_bytes(tmp_path: Path) -> None:
    """A large export comes in pieces (never whole in memory); it is still linked from
    the published site when unchanged, and never written through that link."""
    published = tmp_path / "site"
    write_file(published, "/data/a.json", iter([b"[1,", b"2]"]))
    write_file(published, "/data/b.json", b"[1,2]")
    with staging(published) as stage:
        writer = StageWriter(stage, published)
        assert writer.write("/data/a.json", iter([b"[1", b",2]"])) is False
        assert os.path.samefile(stage / "data" / "a.json", published / "data" / "a.json")
        assert writer.write("/data/b.json", iter([b"[1,", b"3]"])) is True  # same size
        assert writer.write("/data/c.json", iter([])) is True
        assert writer.write("/data/a.json", iter([b"[", b"]"])) is True  # the same URL twice
        assert (published / "data" / "a.json").read_bytes() == b"[1,2]"
    assert (published / "data" / "a.json").read_bytes() == b"[]"
    assert (published / "data" / "b.json").read_bytes() == b"[1,3]"
    assert (published / "data" / "c.json").read_bytes() == b""


def _squares(numbers: Sequence[int]) -> list[tuple[int, int]]:
    return [(n * n, os.getpid()) for n in numbers]


def test_map_chunks_keeps_the_order_and_uses_the_workers() -> None:
    results = list(map_chunks(_squares, range(1000), jobs=2))
    assert [square for square, _ in results] == [n * n for n in range(1000)]
    assert os.getpid() not in {pid for _, pid in results}
    here = list(map_chunks(_squares, range(10), jobs=1))
    assert {pid for _, pid in here} == {os.getpid()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_extra_file_fails_the_build_and_keeps_the_site(
    valid_site: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Feeds, calendars and data are written by the render pool's workers: an error
    there stops the build like any other."""
    build(load_site_config(valid_site))
    before = _ours(valid_site / "_site")

    def broken(context: object) -> Iterator[tuple[str, bytes]]:
        yield "/feeds/half.xml", b"<feed>"
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "EXTRA_FILES", [*outputs.EXTRA_FILES, broken])
    with pytest.raises(WriteError, match="disk full"):  # an OSError, as a problem
        build(load_site_config(valid_site), jobs=jobs)
    assert _ours(valid_site / "_site") == before


@pytest.mark.parametrize("search", [True, False])
def test_the_extra_files_go_first_unless_something_waits_for_the_pages(
    valid_site: Path, monkeypatch: pytest.MonkeyPatch, search: bool
) -> None:
    """Without a search index, the extra files (the longest tasks) start first, so both
    cores finish together; with one, they come after the pages, beside Pagefind."""
    seen: list[bool] = []

    def probe(context: BuildContext) -> Iterator[tuple[str, bytes]]:
        stage = scratch_folder(context.site.output_dir.resolve(), "building")
        seen.append((stage / "people" / "anais-le-corvec" / "index.html").exists())
        yield "/probe.txt", b"probe"

    monkeypatch.setattr(pipeline, "EXTRA_FILES", [probe])
    build(load_site_config(valid_site, search=search), jobs=1)
    assert seen == [search]


def test_runs_cover_every_page_once_and_shorten_at_the_end() -> None:
    runs = parallel._runs(12_762, 2)
    assert [start for start, _ in runs] == [0] + [stop for _, stop in runs[:-1]]
    assert runs[-1][1] == 12_762
    lengths = [stop - start for start, stop in runs]
    assert lengths[0] == max(lengths) == -(-12_762 // (2 * parallel.RUNS_PER_JOB))
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[-2] == parallel.MIN_RUN  # the last holds what is left
    assert parallel._runs(30, 2) == [(0, 30)]


def test_jobs_default_to_one_for_small_sites() -> None:
    assert choose_jobs(None, MIN_PARALLEL_PAGES - 1) == 1
    assert choose_jobs(2, 3) == 2
    assert choose_jobs(None, MIN_PARALLEL_PAGES) >= 1


def test_cli_takes_jobs_and_prints_one_summary_line(
    valid_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--site", str(valid_site), "build", "--jobs", "2"]) == 0
    (line,) = capsys.readouterr().out.splitlines()  # no progress bar when not on a terminal
    assert line.startswith("Built ") and " written, " in line and " unchanged) " in line
    with pytest.raises(SystemExit) as info:
        main(["--site", str(valid_site), "build", "--jobs", "0"])
    assert info.value.code == 2


def test_the_indexer_starts_once_the_record_pages_are_written(
    valid_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind reads only the record pages: it starts as soon as they are written,
    and the home and index pages render beside it with the extra files."""
    found: list[set[str]] = []

    def indexer(context: BuildContext, stage: Path, into: Path, changed: object) -> Running:
        pages = stage.rglob("index.html")
        found.append({f"/{p.parent.relative_to(stage).as_posix()}/" for p in pages})
        return search._Off()

    monkeypatch.setattr(outputs, "FINALISERS", [indexer])
    site = load_site_config(valid_site)
    pages = pipeline.check(site).pages
    build(site, jobs=1)
    records = {page.url for page in pages if page.record is not None}
    assert found == [records]
    assert {"/", "/events/", "/people/"} <= {page.url for page in pages} - records


def test_each_run_is_freed_once_used(valid_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the preview each run brings back what its pages read, and a large site's runs
    hold hundreds of MiB of it in all: each run's must be freed once noted, not kept
    until the last run is in."""
    monkeypatch.setattr(parallel, "MIN_RUN", 1)  # many runs
    site = load_site_config(valid_site)
    checked = pipeline.check(site)
    alive: list[weakref.ref[Reads]] = []

    def noted(indices: list[int], notes: list[Reads]) -> None:
        assert [ref() for ref in alive] == [None] * len(alive)
        alive.append(weakref.ref(notes[0]))

    with staging(site.output_dir) as stage:
        renderer = TrackingRenderer(site, checked.registry)
        writer = StageWriter(stage, site.output_dir)
        quiet = BuildProgress(0, enabled=False)
        parallel.render_pages(checked.pages, renderer, writer, 2, quiet, noted=noted)
    assert len(alive) > 2


WAIT = 30  # seconds: the bound on every wait below

# A build whose pages each take three seconds, so that its workers, once it is killed,
# would go on rendering for many seconds.
SLOW_BUILD = """
import time
from clusterreports.site import render
from clusterreports.cli import run
fast = render.Renderer.render
def slow(self, page):
    time.sleep(3)
    return fast(self, page)
render.Renderer.render = slow
run(["build", "-q", "--jobs", "2", "--no-search"])
"""


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and _stat(int(entry.name))[1] == parent:
                found.append(int(entry.name))
    return found


def _stat(pid: int) -> tuple[str, int]:
    """A process's state letter and parent, from /proc (its name may hold spaces)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return fields[0], int(fields[1])


def _running(pid: int) -> bool:
    try:
        return _stat(pid)[0] != "Z"  # a zombie has ended; only its exit status is left
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_killed_build_leaves_no_worker_and_the_next_build_tidies_up(valid_site: Path) -> None:
    """SIGKILL leaves a build no chance to stop its render workers: they end by
    themselves. The staging folder it leaves behind goes with the next build."""
    killed = subprocess.Popen([sys.executable, "-c", SLOW_BUILD], cwd=valid_site)
    try:
        deadline = time.monotonic() + WAIT
        stage = valid_site / f"._site.building-{killed.pid}"
        # Rendering: the stage is made, and the workers that read the content are gone.
        while not stage.exists() or len(workers := _children(killed.pid)) < 2:
            assert killed.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        killed.kill()
        killed.wait()
    deadline = time.monotonic() + 10  # far less than what they have left to render
    while alive := [pid for pid in workers if _running(pid)]:
        assert time.monotonic() < deadline, f"workers {alive} still running"
        time.sleep(0.02)
    assert [p.name for p in valid_site.glob("._site.*")] == [stage.name]
    assert main(["--site", str(valid_site), "build", "-q", "--no-search"]) == 0
    assert list(valid_site.glob("._site.*")) == []
    assert (valid_site / "_site" / "index.html").is_file()
