"""Where a clusterreports build spends its time: each stage's CPU and wall seconds.

    python bench/profile.py bench/_work/corpus-1000/ours          # stage table
    python bench/profile.py bench/_work/corpus-1000/ours --kinds  # + render cost per page kind
    python -m pyinstrument bench/profile.py SITE                  # call tree (bench venv)

Runs the same stages as ``pipeline.build`` in one process (``--jobs`` for rendering),
into a temporary folder, so the published site is left alone. CPU includes child
processes (Pagefind, render workers).
"""

from __future__ import annotations

import argparse
import collections
import resource
import shutil
import tempfile
import time
from pathlib import Path

from clusterreports.config import load_site_config
from clusterreports.outputs.context import BuildContext
from clusterreports.outputs.extras import EXTRA_FILES, finalising
from clusterreports.pipeline import check
from clusterreports.site.parallel import render_pages
from clusterreports.site.progress import BuildProgress
from clusterreports.site.render import Renderer
from clusterreports.site.theme import builtin_dir
from clusterreports.site.write import StageWriter, copy_static
from clusterreports.tuning import collector_paused, rare_collections


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Laps:
    def __init__(self) -> None:
        self.cpu, self.wall = _cpu(), time.perf_counter()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, help="render processes (default: one per core)")
    parser.add_argument("--kinds", action="store_true", help="time each page kind (1 process)")
    args = parser.parse_args()
    with rare_collections():  # the collector settings of a build
        _profile(args)


def _profile(args: argparse.Namespace) -> None:
    site = load_site_config(args.site)
    laps = Laps()
    with collector_paused():
        checked = check(site)
    laps.lap("load, validate, link, plan")
    renderer = Renderer(site, checked.registry)
    stage = Path(tempfile.mkdtemp(prefix="profile-"))
    try:
        writer = StageWriter(stage, stage / "no-previous-site")
        pages = render_pages(checked.pages, renderer, writer, args.jobs, BuildProgress(0, False))
        laps.lap(f"render and write {pages.pages:,} pages")
        context = BuildContext(site, checked.registry, checked.pages, renderer)
        for make in EXTRA_FILES:
            for url, content in make(context):
                writer.write(url, content)
            laps.lap(f"extra files: {make.__module__.rsplit('.', 1)[-1]}")
        copy_static([builtin_dir("static"), site.static_dir], stage, site.root)
        with finalising(context, stage):
            pass
        laps.lap("finalisers (search index)")
        print(laps.table())
        if args.kinds:
            seconds: collections.defaultdict[str, float] = collections.defaultdict(float)
            counts: collections.Counter[str] = collections.Counter()
            fresh = Renderer(site, checked.registry)
            for page in checked.pages:
                started = time.process_time()
                fresh.render(page)
                seconds[page.kind] += time.process_time() - started
                counts[page.kind] += 1
            print("\n| page kind | pages | CPU s | ms per page |\n|---|---:|---:|---:|")
            for kind, total in sorted(seconds.items(), key=lambda item: -item[1]):
                each = 1000 * total / counts[kind]
                print(f"| {kind} | {counts[kind]:,} | {total:.2f} | {each:.2f} |")
    finally:
        shutil.rmtree(stage, ignore_errors=True)


if __name__ == "__main__":
    main()
