"""Where a clusterreports build spends its time: each stage's CPU and wall seconds.

    python bench/profile.py bench/_work/corpus-1000/ours          # stage table
    python bench/profile.py SITE --jobs 1 --no-search --outputs-in /dev/shm
    python bench/profile.py SITE --kinds   # + render cost per page kind and extra file
    python -m pyinstrument bench/profile.py SITE                  # call tree (bench venv)

The stages are a build's because this is one: ``pipeline.build`` itself, which names
each stage to the progress object it is given (here one that takes a lap), into a
temporary folder (the published site is left alone), with the cache as a build finds
it (``CLUSTERREPORTS_CACHE_DIR=`` for none). CPU and wall count from the start of this
process (the first row is Python's start and the imports), so the totals compare with
``/usr/bin/time python -m clusterreports --site SITE build``; a child process's CPU
(render workers, Pagefind) counts once it has ended, in the row where it ends.

``--kinds`` then builds again into a fresh folder, as ``build --jobs 1`` does (one
process, a fresh renderer), the same build but for clocks around each page's
rendering, by page kind, and around the making of each extra file (feeds, calendars,
data; not their writing).
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from clusterreports import pipeline
from clusterreports.config import Site, load_site_config
from clusterreports.outputs.context import BuildContext, ExtraFilesMaker
from clusterreports.outputs.extras import EXTRA_FILES, PerLanguage
from clusterreports.site.plan import Page
from clusterreports.site.progress import BuildProgress
from clusterreports.site.render import Renderer
from clusterreports.site.write import Content


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _age() -> float:
    """Wall seconds since this process started (Linux; elsewhere 0)."""
    try:
        started = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - started / os.sysconf("SC_CLK_TCK"))


class Laps:
    """CPU and wall from the start of the process."""

    def __init__(self) -> None:
        self.cpu, self.wall = 0.0, time.perf_counter() - _age()
        self.rows: list[tuple[str, float, float, float]] = []

    def lap(self, name: str) -> None:
        cpu, wall = _cpu(), time.perf_counter()
        self.rows.append((name, cpu - self.cpu, wall - self.wall, _peak_mib()))
        self.cpu, self.wall = cpu, wall

    def table(self) -> str:
        lines = ["| stage | CPU s | wall s | peak MiB (this process) |", "|---|---:|---:|---:|"]
        lines += [f"| {n} | {c:.2f} | {w:.2f} | {m:,.0f} |" for n, c, w, m in self.rows]
        total_cpu = sum(r[1] for r in self.rows)
        total_wall = sum(r[2] for r in self.rows)
        return "\n".join([*lines, f"| total | {total_cpu:.2f} | {total_wall:.2f} | |"])


class StageLaps(BuildProgress):
    """A lap each time the build says it moves on: each step of checking, the pages
    (from when rendering starts, after the workers fork), and what is left once they
    are written (the search index)."""

    def __init__(self, laps: Laps) -> None:
        super().__init__(0, enabled=False)
        self.laps = laps
        self.current = "start-up: Python, imports, settings"

    def _next(self, name: str) -> None:
        self.laps.lap(self.current)
        self.current = name

    def checking(self, description: str) -> None:
        self._next(description)

    def start(self) -> None:
        super().start()
        # Between the last step of checking and this: the renderer made, the templates
        # compiled (or read from the cache), the search index's order, the fork.
        self.current += "; the render set up"
        self._next(f"render and write {self.total:,} pages, the extra and static files")

    def stage(self, description: str) -> None:
        # Called once the pages and the other files are in the stage (only with search).
        self._next(f"{description}: the rest of it (all of Pagefind's CPU), publishing")

    def stop(self) -> None:
        super().stop()
        self._next("")


def _maker_name(make: ExtraFilesMaker) -> str:
    inner = make.make if isinstance(make, PerLanguage) else make
    return str(getattr(inner, "__module__", repr(inner))).rsplit(".", 1)[-1]


@dataclass
class Clocks:
    """CPU seconds and counts by page kind, and by extra files' maker."""

    seconds: collections.defaultdict[str, float]
    counts: collections.Counter[str]

    def add(self, name: str, started: float, count: int = 0) -> None:
        self.seconds[name] += time.process_time() - started
        self.counts[name] += count


@dataclass
class TimedMaker:
    """An extra files' maker, timed while it makes each file and each piece of one (the
    writing between them is not counted)."""

    make: ExtraFilesMaker
    clocks: Clocks

    def __call__(self, context: BuildContext) -> Iterator[tuple[str, Content]]:
        name = f"extra files: {_maker_name(self.make)}"
        started = time.process_time()
        files = iter(self.make(context))
        self.clocks.add(name, started)
        while True:
            started = time.process_time()
            try:
                url, content = next(files)
            except StopIteration:
                self.clocks.add(name, started)
                return
            self.clocks.add(name, started, 1)
            yield url, content if isinstance(content, bytes) else self._pieces(name, content)

    def _pieces(self, name: str, content: Iterable[bytes]) -> Iterator[bytes]:
        pieces = iter(content)
        while True:
            started = time.process_time()
            piece = next(pieces, None)
            self.clocks.add(name, started)
            if piece is None:
                return
            yield piece


def _by_kind(site: Site) -> Clocks:
    """A second build, as ``build --jobs 1`` (everything in this process), with clocks
    around each page's rendering and each extra file's making."""
    clocks = Clocks(collections.defaultdict(float), collections.Counter())
    render = Renderer.render

    def timed(renderer: Renderer, page: Page) -> bytes:
        started = time.process_time()
        try:
            return render(renderer, page)
        finally:
            clocks.add(page.kind, started, 1)

    makers = [TimedMaker(make, clocks) for make in EXTRA_FILES]
    with (
        mock.patch.object(Renderer, "render", timed),
        mock.patch("clusterreports.pipeline.EXTRA_FILES", makers),  # what Builder.write makes
    ):
        pipeline.build(site, jobs=1)
    return clocks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, help="render processes (default: one per core)")
    parser.add_argument("--no-search", action="store_true", help="as build --no-search")
    parser.add_argument(
        "--kinds", action="store_true", help="then time each page kind (a build at -j 1)"
    )
    parser.add_argument(
        "--outputs-in", type=Path, help="where to build (default: the temporary folder)"
    )
    args = parser.parse_args()
    search = False if args.no_search else None  # None: as the site says
    work = Path(tempfile.mkdtemp(prefix="profile-", dir=args.outputs_in))
    try:
        site = load_site_config(args.site, output=str(work / "site"), search=search)
        laps = Laps()
        result = pipeline.build(site, args.jobs, progress=StageLaps(laps))
        print(laps.table())
        print(f"\n{result.summary()}")
        if args.kinds:
            site = load_site_config(args.site, output=str(work / "kinds"), search=search)
            clocks = _by_kind(site)
            print("\n| page kind (a build at -j 1) | pages or files | CPU s | ms each |")
            print("|---|---:|---:|---:|")
            for kind, total in sorted(clocks.seconds.items(), key=lambda item: -item[1]):
                count = clocks.counts[kind]
                each = f"{1000 * total / count:.2f}" if count else ""
                print(f"| {kind} | {count:,} | {total:.2f} | {each} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
