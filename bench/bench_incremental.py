"""How fast the live preview answers an edit on a large site.

    python bench/bench_incremental.py                  # 10,000 events (~125,000 records)
    python bench/bench_incremental.py --events 1000 --edits 9

Writes the synthetic corpus (bench/corpus.py) under bench/_work/ (again whenever the
generator has changed), starts ``clusterreports serve`` on it (a free port on
127.0.0.1), opens the page of the record it edits in headless Chromium, then edits
one record at a time (a sentence added to an event's report text, the commonest edit)
and reports, per edit and as medians:

* save -> written: from the file's save to the last page of the rebuild being written
  (the newest modification time of a page in the output): file watching, the 50 ms
  wait for a burst of saves to end, and the rebuild;
* save -> reload: from the save to the browser starting to load the page again
  (``performance.timeOrigin`` of the new document), and to that page being loaded
  (skipped, and said so, without Chromium and Playwright);
* the server's own time for the rebuild, and how many pages it rendered;
* then the same for one edit made while the search index is being updated after the
  edit before it (the update must stop for it, not hold it back);
* the peak resident memory of the preview's processes (the server, its builder, the
  render workers and Pagefind), read from ``/proc`` every 50 ms: the largest single
  process (its own high-water mark, ``VmHWM``, so a peak between two readings counts
  too), and the largest sum over the tree at one reading (a spike shorter than the
  interval can be missed), both as resident sizes (a forked worker's pages shared with
  its parent counted in each) and proportional ones (``Pss``: shared pages split
  between their processes, so the sum is the memory the preview takes), for the first
  build and for the edits.

The target is a median under 100 ms from save to pages written; it is measured and
reported, never asserted. Every wait is bounded. Edited files are restored at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "tools")]
from corpus import generate, up_to_date  # noqa: E402  (scripts beside this one)
from screenshots import CHROMIUM, launch  # noqa: E402  (the browser every test uses)

TARGET_MS = 100.0
REBUILD = re.compile(
    r"^(Incremental|Full) rebuild.*: (\d+) pages? rendered, (\d+) files? changed in (\d+) ms"
)


class TreeMemory:
    """The peak resident memory of a process and its descendants, read from /proc (Linux
    only; elsewhere nothing is measured and the report says so)."""

    INTERVAL = 0.05

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.largest = 0  # KiB: the largest VmHWM of any process of the tree
        self.total = 0  # KiB: the largest sum of VmRSS over the tree at one reading
        self.proportional = 0  # KiB: the largest sum of Pss over the tree at one reading
        self.available = Path("/proc/self/status").exists()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        if self.available:
            self.thread.start()

    def reset(self) -> tuple[int, int, int]:
        """(largest, sum, proportional sum) so far in MiB, and start again (a new
        phase): each process's high-water mark too (``clear_refs``), else the next
        phase's largest would be the first build's."""
        self.read()
        peaks = (self.largest // 1024, self.total // 1024, self.proportional // 1024)
        for pid in self._tree():
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        self.largest = self.total = self.proportional = 0
        return peaks

    def stop(self) -> None:
        self.stopping.set()
        if self.available:
            self.thread.join()

    def _watch(self) -> None:
        while not self.stopping.wait(self.INTERVAL):
            self.read()

    def read(self) -> None:
        total = proportional = 0
        for pid in self._tree():
            fields = self._status(pid)
            total += fields.get("VmRSS", 0)
            proportional += fields.get("Pss", 0)
            self.largest = max(self.largest, fields.get("VmHWM", 0))
        self.total = max(self.total, total)
        self.proportional = max(self.proportional, proportional)

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:  # gone meanwhile
                    continue
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += [child for child, parent in parents.items() if parent == pid]
        return tree

    @staticmethod
    def _status(pid: int) -> dict[str, int]:
        """VmRSS and VmHWM (status), Pss (smaps_rollup), in KiB; what could be read."""
        found = {}
        for name, wanted in (("status", ("VmRSS", "VmHWM")), ("smaps_rollup", ("Pss",))):
            try:
                lines = Path(f"/proc/{pid}/{name}").read_text().splitlines()
            except OSError:  # ended meanwhile, or no smaps_rollup (Linux before 4.14)
                continue
            for key, _, value in (line.partition(":") for line in lines):
                if key in wanted:
                    found[key] = int(value.split()[0])
        return found


@dataclass
class Sample:
    record: str
    kind: str
    rendered: int
    server_ms: float
    written_ms: float
    reload_ms: float | None
    loaded_ms: float | None


def wait_for(condition: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        pause.wait(0.005)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``clusterreports serve`` in a child process, its output in log files."""

    def __init__(self, site: Path, logs: Path, timeout: float) -> None:
        self.port = free_port()
        self.logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        with (logs / "out.txt").open("wb") as out, (logs / "err.txt").open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "clusterreports", "--site", str(site), "serve",
                 "--port", str(self.port)],
                stdout=out, stderr=err, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
        self.memory = TreeMemory(self.process.pid)
        wait_for(self.listening, "the first build and the server to start", timeout)

    def listening(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("serve exited:\n" + self.err())
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def out(self) -> str:
        return (self.logs / "out.txt").read_text(encoding="utf-8", errors="replace")

    def err(self) -> str:
        return (self.logs / "err.txt").read_text(encoding="utf-8", errors="replace")

    def rebuilds(self) -> list[re.Match[str]]:
        return [m for line in self.out().splitlines() if (m := REBUILD.match(line))]

    def stop(self) -> None:
        self.memory.stop()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def newest_page(output: Path, since: float) -> float:
    """The latest modification time of a page: the rebuild writes pages; the feeds, data
    files and search index are brought up to date after the reload."""
    newest = since
    for folder, dirs, names in os.walk(output):
        dirs[:] = [d for d in dirs if d != "pagefind"]
        for name in names:
            if name.endswith(".html"):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest


def edit_once(
    server: Server,
    site: Path,
    page: object,
    event: str,
    n: int,
    timeout: float,
    wait_for_index: bool = True,
) -> Sample:
    path = site / "content" / "events" / f"{event}.md"
    marker = f"Benchmark edit {n} {time.time_ns()}."
    before = len(server.rebuilds())
    greeted = server.err().count("Browser Connected")
    if page is not None:
        page.goto(f"http://127.0.0.1:{server.port}/events/{event}/")  # type: ignore[attr-defined]
        wait_for(lambda: server.err().count("Browser Connected") > greeted, "livereload", timeout)
    text = path.read_text(encoding="utf-8")
    saved = time.time()
    path.write_text(text.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
    wait_for(lambda: len(server.rebuilds()) > before, "the rebuild", timeout)
    match = server.rebuilds()[before]
    reload_ms = loaded_ms = None
    if page is not None:
        page.wait_for_function(  # type: ignore[attr-defined]
            "m => document.body && document.body.innerText.includes(m)", arg=marker,
            timeout=timeout * 1000,
        )  # fmt: skip
        origin, loaded = page.evaluate(  # type: ignore[attr-defined]
            "[performance.timeOrigin,"
            " performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]"
        )
        reload_ms = origin - saved * 1000
        loaded_ms = origin + loaded - saved * 1000
    written = newest_page(site / "_site", saved)
    if wait_for_index:
        settled = server.out().count("Search index updated")
        wait_for(
            lambda: server.out().count("Search index updated") > settled,
            "the search index",
            timeout,
        )
    return Sample(
        event, match[1].lower(), int(match[2]), float(match[4]), (written - saved) * 1000,
        reload_ms, loaded_ms,
    )  # fmt: skip


def browser_missing() -> str | None:
    """Why the reload cannot be timed here, or None: the browser part needs the test
    extras, which the benchmark's own instructions do not install."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (on Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


def median(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.0f}" if known else "-"


def report(
    samples: list[Sample],
    events: int,
    first_build: float,
    during: Sample | None,
    memory: dict[str, tuple[int, int, int]],
) -> None:
    print(f"\nLive preview, one-record edits on {events} events (first build {first_build:.0f} s)")
    print(
        f"{'edit':<34}{'kind':>12}{'pages':>7}{'server':>8}{'written':>9}{'reload':>8}{'loaded':>8}"
    )
    for s in samples:
        reload = f"{s.reload_ms:.0f}" if s.reload_ms is not None else "-"
        loaded = f"{s.loaded_ms:.0f}" if s.loaded_ms is not None else "-"
        print(
            f"{s.record:<34}{s.kind:>12}{s.rendered:>7}{s.server_ms:>8.0f}"
            f"{s.written_ms:>9.0f}{reload:>8}{loaded:>8}"
        )
    written = median([s.written_ms for s in samples])
    print(
        f"{'median (ms)':<34}{'':>12}{median([s.rendered for s in samples]):>7}"
        f"{median([s.server_ms for s in samples]):>8}{written:>9}"
        f"{median([s.reload_ms for s in samples]):>8}{median([s.loaded_ms for s in samples]):>8}"
    )
    verdict = "meets" if written != "-" and float(written) < TARGET_MS else "misses"
    print(f"Median save -> pages written: {written} ms ({verdict} the {TARGET_MS:.0f} ms target)")
    if during is not None:
        print(
            f"An edit while the search index was being updated: {during.written_ms:.0f} ms "
            "from save to pages written (the update stops for it)"
        )
    for phase, (largest, total, proportional) in memory.items():
        print(
            f"Peak memory, {phase}: {largest} MiB in the largest process; all of the "
            f"preview's processes together {total} MiB resident, {proportional} MiB "
            "proportional (shared pages split)"
        )
    if not memory:
        print("Peak memory not measured: no /proc here.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events in the corpus")
    parser.add_argument("--edits", type=int, default=7, help="edits to time (median of them)")
    parser.add_argument("--work", type=Path, default=BENCH / "_work", help="scratch folder")
    parser.add_argument("--no-browser", action="store_true", help="skip the reload timing")
    parser.add_argument("--timeout", type=float, default=3600, help="bound on each wait (s)")
    args = parser.parse_args()

    root = args.work / f"incremental-{args.events}"
    site = root / "ours"
    if not up_to_date(root, args.events):
        print(f"Writing the corpus of {args.events} events to {root} ...", flush=True)
        generate(root, args.events)
        for other in ("hugo", "pelican"):
            shutil.rmtree(root / other, ignore_errors=True)
    events = sorted(p.stem for p in (site / "content" / "events").glob("*.md"))
    chosen = [events[(i * 7919) % len(events)] for i in range(args.edits)]
    originals = {e: (site / "content/events" / f"{e}.md").read_bytes() for e in chosen}

    started = time.perf_counter()
    print("Starting clusterreports serve (the first build) ...", flush=True)
    server = Server(site, root / "logs", args.timeout)
    first_build = time.perf_counter() - started
    memory: dict[str, tuple[int, int, int]] = {}
    if server.memory.available:
        memory["first build"] = server.memory.reset()
    samples: list[Sample] = []
    no_browser = "asked not to (--no-browser)" if args.no_browser else browser_missing()
    try:
        if no_browser:
            samples = [
                edit_once(server, site, None, e, i, args.timeout) for i, e in enumerate(chosen)
            ]
        else:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = launch(pw)
                try:
                    page = browser.new_page()
                    for i, event in enumerate(chosen):
                        samples.append(edit_once(server, site, page, event, i, args.timeout))
                finally:
                    browser.close()
        during = None
        if len(chosen) > 1:
            # One more edit, then another while the first one's search index is updated
            # (it starts once the first rebuild is done and no edit is waiting).
            n = len(chosen)
            edit_once(server, site, None, chosen[0], n, args.timeout, wait_for_index=False)
            time.sleep(0.5)
            during = edit_once(server, site, None, chosen[1], n + 1, args.timeout)
    finally:
        if server.memory.available:
            memory["edits and search index updates"] = server.memory.reset()
        server.stop()
        for event, data in originals.items():
            (site / "content/events" / f"{event}.md").write_bytes(data)
    report(samples, args.events, first_build, during, memory)
    if no_browser:
        print(f"Reload not timed: {no_browser}.")


if __name__ == "__main__":
    main()
