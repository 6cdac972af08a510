"""The benchmark never times a build just after deleting files (see bench/run.py's
INODE_REUSE_DELAY): outputs are deleted between runs, and a run waits for the rest of
the delay only where the disk needs it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))  # run.py imports its corpus module
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "WORK", tmp_path)
    monkeypatch.setattr(module, "DELETED_AT", tmp_path / "outputs-deleted-at")
    return module


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(run: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(run.time, "time", clock.time)
    monkeypatch.setattr(run.time, "sleep", clock.sleep)
    return clock


def _outputs(run: ModuleType) -> Path:
    return Path(run.WORK / run.OUTPUTS_FOLDER)


def _leave_outputs(run: ModuleType) -> None:
    (_outputs(run) / "1000-ours-1" / "events").mkdir(parents=True)
    (_outputs(run) / "1000-ours-1" / "events" / "index.html").write_text("x", encoding="utf-8")
    (run.WORK / "out-1000-hugo").mkdir()  # the folders of older versions of the benchmark


@pytest.mark.parametrize("journal_less", [True, False])
def test_a_run_deletes_earlier_outputs_then_waits_out_the_delay_if_the_disk_needs_it(
    run: ModuleType, clock: Clock, monkeypatch: pytest.MonkeyPatch, journal_less: bool
) -> None:
    monkeypatch.setattr(run, "journal_less_ext4", lambda path: journal_less)
    _leave_outputs(run)
    run.settle_filesystem(330, _outputs(run))
    assert not _outputs(run).exists() and not (run.WORK / "out-1000-hugo").exists()
    if not journal_less:  # inodes are reused at once: no need to wait
        assert clock.slept == []
        return
    assert clock.slept == [330]

    clock.now += 100  # a run of 100 s that deleted its outputs when it ended
    _leave_outputs(run)
    run.delete_outputs(_outputs(run))
    clock.now += 200  # the next run starts 200 s later: it waits the other 130 s
    run.settle_filesystem(330, _outputs(run))
    assert clock.slept == [330, 130]

    clock.now += 400  # long after: no wait
    run.settle_filesystem(330, _outputs(run))
    assert clock.slept == [330, 130]


def test_nothing_to_delete_no_wait(run: ModuleType, clock: Clock) -> None:
    run.settle_filesystem(330, _outputs(run))
    assert clock.slept == []
    assert not run.DELETED_AT.exists()


def test_only_ext4_without_a_journal_needs_the_wait(run: ModuleType) -> None:
    assert run.journal_less_ext4(Path("/proc")) is False  # procfs
    assert run.journal_less_ext4(Path("/dev/shm")) is False  # tmpfs


def test_the_filesystem_of_a_path_is_that_of_its_deepest_mount(run: ModuleType) -> None:
    assert run.filesystem(Path("/proc/self"))[0] == "proc"
    assert run.filesystem(Path("/proc/no/such/file"))[0] == "proc"  # need not exist
    if run.filesystem(Path("/dev/shm"))[0] != "tmpfs":
        pytest.skip("/dev/shm is not a RAM disk here")
    assert run.in_memory(Path("/dev/shm/clusterreports-bench")) is True
    assert run.in_memory(Path("/proc")) is False


def test_writing_a_corpus_again_counts_as_a_deletion(run: ModuleType, clock: Clock) -> None:
    """A changed corpus.py rewrites the corpus (deleting the old one) before settling."""
    root = run.ensure_corpus(20)
    assert (root / "ours" / "site.yaml").exists()
    assert not run.DELETED_AT.exists()  # nothing was there to delete
    assert run.ensure_corpus(20) == root and not run.DELETED_AT.exists()  # still current
    marker = root / "corpus.json"
    marker.write_text(marker.read_text().replace('"generator": "', '"generator": "old'))
    clock.now += 60
    run.ensure_corpus(20)
    assert float(run.DELETED_AT.read_text()) == clock.now


def test_a_corpus_in_several_languages_is_kept_apart(run: ModuleType) -> None:
    """--languages: our site in those languages, in a corpus of its own beside the other."""
    plain = run.ensure_corpus(20)
    several = run.ensure_corpus(20, ["en", "fr", "de"], 0.5)
    assert several != plain and several.name == "corpus-20-en-fr-de-0.5"
    assert "languages: [en, fr, de]" in (several / "ours" / "site.yaml").read_text()
    assert "languages" not in (plain / "ours" / "site.yaml").read_text()
    assert list((several / "ours" / "content").rglob("*.fr.*"))


def test_languages_builds_only_ours(run: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["run.py", "--languages", "en,fr", "--tools", "ours,hugo"])
    with pytest.raises(SystemExit) as stopped:
        run.main()
    assert stopped.value.code == 2


@pytest.mark.parametrize("ram_disk", [True, False])
def test_outputs_on_a_ram_disk_are_deleted_once_measured(
    run: ModuleType, monkeypatch: pytest.MonkeyPatch, ram_disk: bool
) -> None:
    """They would hold the memory the builds measure; elsewhere they stay until the end."""
    seen: list[Path] = []

    def measure(tool: str, events: int, site: Path, out: Path, *rest: object) -> object:
        out.mkdir(parents=True)
        (out / "index.html").write_text("x", encoding="utf-8")
        seen.append(out)
        return run.Run(tool, events, 1.0, 1.0, 10.0, 1, 1)

    monkeypatch.setattr(run, "measure", measure)
    monkeypatch.setattr(run, "in_memory", lambda path: ram_disk)
    (summary,) = run.bench_size(20, ["ours"], repeats=2, warmup=1, jobs=None, outputs=_outputs(run))
    assert summary.runs == 2 and len(seen) == 3
    assert [out.exists() for out in seen] == [not ram_disk] * 3


def test_without_a_warm_up_our_cache_is_filled_before_the_timed_builds(
    run: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Else the first of our builds would be timed from an empty cache (ours-cold's case)."""
    seen: list[tuple[str, str]] = []

    def measure(tool: str, events: int, site: Path, out: Path, *rest: object) -> object:
        seen.append((tool, out.name))
        return run.Run(tool, events, 1.0, 1.0, 10.0, 1, 1)

    monkeypatch.setattr(run, "measure", measure)
    monkeypatch.setattr(run, "in_memory", lambda path: False)
    tools = ["ours", "ours-cold", "hugo"]
    summaries = run.bench_size(20, tools, repeats=1, warmup=0, jobs=None, outputs=_outputs(run))
    assert seen[0] == ("ours-no-search", "20-fill")
    assert [tool for tool, _ in seen[1:]] == tools
    assert [s.runs for s in summaries] == [1, 1, 1]  # the filling build is not among them
    seen.clear()
    run.bench_size(20, ["hugo", "ours-cold"], repeats=1, warmup=0, jobs=None, outputs=_outputs(run))
    assert [tool for tool, _ in seen] == ["hugo", "ours-cold"]  # nothing to fill for


def test_runs_of_the_same_tool_and_size_are_pooled(run: ModuleType) -> None:
    """Two runs made at different times (--include) become one row: medians over every
    timed round; an older row without its rounds counts as one round of its median."""

    def row(tool: str, walls: list[float], **extra: object) -> object:
        return run.Summary(tool, 10_000, walls[0], 2 * walls[0], 800.0, 100, 200, True,
                           len(walls), walls, [2 * w for w in walls], **extra)  # fmt: skip

    first = [row("ours", [137.0]), row("hugo", [224.0])]
    second = [row("ours", [105.0, 110.0]), row("hugo", [171.0, 180.0])]
    older = run.Summary("ours", 10_000, 120.0, 240.0, 900.0, 101, 201, True, 3)
    stopped = run.Summary("pelican", 10_000, 1200.0, 1200.0, 400.0, 0, 0, False, 0)
    late = run.Summary("pelican", 10_000, 390.0, 380.0, 455.0, 135, 136, True, 1, [390.0])
    rows = {(s.tool, s.events): s for s in run.pooled([*first, *second, older, stopped, late])}
    ours = rows["ours", 10_000]
    assert (ours.runs, ours.wall, ours.walls) == (4, 115.0, [137.0, 105.0, 110.0, 120.0])
    assert (ours.cpu, ours.peak_mib, ours.pages, ours.files) == (230.0, 900.0, 101, 201)
    assert rows["hugo", 10_000].wall == 180.0
    assert (rows["pelican", 10_000].wall, rows["pelican", 10_000].finished) == (390.0, True)
    assert len(rows) == 3
    assert run.pooled([stopped]) == [stopped]


def _row(run: ModuleType, tool: str, events: int, wall: float, **extra: Any) -> Any:
    return run.Summary(tool, events, wall, wall, 100.0, 10, 20, **extra)


def _targets_rows(block: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")] for line in block.splitlines()[2:]
    ]


def test_the_targets_block_shows_each_ratio_against_its_target(run: ModuleType) -> None:
    """At N = 1,000 with search at most Hugo + Pagefind's time, without at most 0.8×
    Hugo's; at N = 10,000 0.4× and 0.3×; and our heaviest page at most 1 MB."""
    heavy = {"largest_page": 1_200_000, "largest_path": "sessions/index.html"}
    summaries = [
        _row(run, "ours", 1_000, 10.0, largest_page=245_000, largest_path="people/index.html"),
        _row(run, "ours-no-search", 1_000, 4.0, largest_page=240_000, largest_path="people/x"),
        _row(run, "hugo", 1_000, 5.0),
        _row(run, "hugo-pagefind", 1_000, 10.0),
        _row(run, "ours", 10_000, 110.0, **heavy),
        _row(run, "ours-no-search", 10_000, 70.0),
        _row(run, "hugo", 10_000, 200.0, largest_page=2_000_000, largest_path="hugo's own"),
        _row(run, "hugo-pagefind", 10_000, 280.0),
    ]
    assert _targets_rows(run.targets(summaries)) == [
        ["1,000", "ours / hugo-pagefind (wall)", "1.00", "at most 1.0", "met"],
        ["1,000", "ours-no-search / hugo (wall)", "0.80", "at most 0.8", "met"],
        ["1,000", "our heaviest page, `people/index.html`", "245 KB", "at most 1 MB", "met"],
        ["10,000", "ours / hugo-pagefind (wall)", "0.39", "at most 0.4", "met"],
        ["10,000", "ours-no-search / hugo (wall)", "0.35", "at most 0.3", "NOT met"],
        ["10,000", "our heaviest page, `sessions/index.html`", "1,200 KB", "at most 1 MB",
         "NOT met"],
    ]  # fmt: skip


def test_a_ratio_is_judged_as_printed_to_two_places(run: ModuleType) -> None:
    assert run.verdict((0.8049, ""), 0.8) == "met"  # printed 0.80
    assert run.verdict((0.8051, ""), 0.8) == "NOT met"  # printed 0.81
    assert run.verdict(None, 0.8) == "not measured"


def test_a_stopped_build_makes_its_ratio_a_bound(run: ModuleType) -> None:
    """A build stopped at the time limit ran at least that long: against it our ratio
    is at most what is shown; stopped ourselves, at least. A bound on the wrong side of
    the target decides nothing."""
    ours = _row(run, "ours", 10_000, 100.0)
    stopped_hugo = _row(run, "hugo-pagefind", 10_000, 300.0, finished=False)
    assert run.ratio_against([ours, stopped_hugo], 10_000, "ours", "hugo-pagefind") == (
        pytest.approx(1 / 3),
        "<",
    )
    assert run.verdict((1 / 3, "<"), 0.4) == "met"
    assert run.verdict((0.5, "<"), 0.4) == "not decided (a build was stopped)"
    stopped_ours = _row(run, "ours", 10_000, 150.0, finished=False)
    hugo = _row(run, "hugo-pagefind", 10_000, 300.0)
    assert run.ratio_against([stopped_ours, hugo], 10_000, "ours", "hugo-pagefind") == (0.5, ">")
    assert run.verdict((0.5, ">"), 0.4) == "NOT met"
    assert run.verdict((0.3, ">"), 0.4) == "not decided (a build was stopped)"
    both = [stopped_ours, stopped_hugo]
    assert run.ratio_against(both, 10_000, "ours", "hugo-pagefind") is None


def test_sizes_without_targets_and_tools_not_run_are_said_so(run: ModuleType) -> None:
    """--quick runs N = 200, where no target is set; --tools may leave Hugo out; rows
    from an older --json file have no page weight."""
    summaries = [_row(run, "ours", 200, 2.0), _row(run, "hugo-pagefind", 200, 2.5)]
    assert _targets_rows(run.targets(summaries)) == [
        ["200", "ours / hugo-pagefind (wall)", "0.80", "none at this size", ""],
        ["200", "ours-no-search / hugo (wall)", "—", "none at this size", ""],
        ["200", "our heaviest page", "—", "at most 1 MB", "not measured"],
    ]
    only_ours = [_row(run, "ours-no-search", 1_000, 4.0)]
    assert _targets_rows(run.targets(only_ours))[1] == [
        "1,000", "ours-no-search / hugo (wall)", "—", "at most 0.8", "not measured"
    ]  # fmt: skip
