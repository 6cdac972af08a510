"""Full-text search without a server: Pagefind indexes the finished site.

It runs as a finaliser over the staging folder once every page is written, so the
index always matches the pages being published, and writes its own script, styles and
index under /pagefind/ (nothing is loaded from elsewhere). Only record pages are
indexed (one result per record, not the listings that repeat them); their header,
navigation and footer are left out (``EXCLUDED``), and each page names its record type in a
``data-pagefind-filter``/``data-pagefind-meta`` tag (templates/_head_discovery.html).
Sections that list other records (backlinks: appearances, agendas, an organisation's
events) carry ``data-pagefind-ignore``, so each fact is indexed once, on the record that
holds it: better results, and Pagefind's time and memory fall by about a third.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pagefind.service import get_executable

from ..content.models import RECORD_TYPES
from ..site import urls

if TYPE_CHECKING:
    from ..site.plan import Page
    from .context import BuildContext


# The page chrome repeated on every page (header, navigation, breadcrumbs, footer, skip
# link) and the source list, which would make every record match its source's title.
EXCLUDED = "body > header, body > footer, nav, .skip-link, .sources"

# Where the pages of each part of a large site's index are gathered (inside the folder
# the index is written into, removed once indexed).
INPUTS_FOLDER = ".pagefind-input"


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: the build stops rather than publish a broken search."""


def record_pages_glob(prefixes: Sequence[str] = ("",)) -> str:
    """Pagefind's file glob for every record page, e.g. '{events,people}/*/index.html',
    in each language's folder ('fr/events', ...) given their ``prefixes`` ('/fr')."""
    folders = (f"{p}/{t.folder}".lstrip("/") for p in prefixes for t in RECORD_TYPES)
    return "{" + ",".join(folders) + "}/*/index.html"


@dataclass
class Run:
    command: list[str]
    # Gathers the part's pages before Pagefind runs; given what says to stop.
    prepare: Callable[[Callable[[], bool]], None] | None = None
    part: str = ""  # e.g. " (index part 2 of 7)", for messages


# Parts of a large site's index made at a time. Pagefind parses a part's pages on every
# core, then compresses and writes its fragments on one; a second part's parsing takes
# up the other core meanwhile. Each part's process stays at its own size.
PARTS_AT_ONCE = 2


class Indexing:
    """Pagefind runs (one per part of the index, ``at_once`` at a time), in threads, so
    the build goes on beside them; ``wait`` raises SearchIndexError if one failed, or
    the exception itself if it was a bug (the first failure stops the others).
    ``cleanup`` runs after the last: deleting files while others are being created
    slows the creating down (ext4 without a journal checks every inode freed in the
    last minutes; bench/README.md), so the parts' input folders all go at the end."""

    def __init__(
        self,
        runs: list[Run],
        cleanup: Callable[[], None] | None = None,
        at_once: int | None = None,
    ) -> None:
        self.runs = runs
        self.cleanup = cleanup
        self.at_once = max(1, min(at_once or PARTS_AT_ONCE, len(runs)))
        self.error: Exception | None = None
        self.processes: list[subprocess.Popen[bytes]] = []
        self.cancelled = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run_all, name="pagefind", daemon=True)
        self.thread.start()

    def _run_all(self) -> None:
        todo = iter(self.runs)
        workers = [
            threading.Thread(target=self._work, args=(todo,), name=f"pagefind-{n}", daemon=True)
            for n in range(self.at_once)
        ]
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        finally:
            if self.cleanup is not None:
                self.cleanup()

    def _work(self, todo: Iterator[Run]) -> None:
        while True:
            with self.lock:
                run = None if self.error or self.cancelled else next(todo, None)
            if run is None:
                return
            try:
                self._index(run)
            # Pagefind's failure, or a bug: ``wait`` raises it in the build, which must
            # not publish a site with a part of its index missing.
            except Exception as error:
                with self.lock:
                    if self.error is None:  # the first failure is the one to report
                        self.error = error
                    for process in self.processes:  # the build fails anyway
                        process.kill()
                return

    def _index(self, run: Run) -> None:
        try:
            if run.prepare is not None:
                run.prepare(self._stopping)
            self._run(run.command, run.part)
        except OSError as error:  # e.g. a full disk, or Pagefind not executable
            message = f"could not index the site for search{run.part}: {error}"
            raise SearchIndexError(message) from error

    def _stopping(self) -> bool:
        return self.cancelled or self.error is not None

    def _run(self, command: list[str], part: str) -> None:
        # Errors go to a file, not a pipe: nobody reads a pipe until the end, and a
        # full one would stall Pagefind.
        with tempfile.TemporaryFile() as errors:
            with self.lock:
                if self.cancelled or self.error:
                    raise SearchIndexError("cancelled")
                process = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
                )
                self.processes.append(process)
            code = process.wait()
            with self.lock:
                self.processes.remove(process)
            if code != 0:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()
                raise SearchIndexError(f"Pagefind failed ({code}){part}: {message}")

    def wait(self, timeout: float | None = None) -> bool:
        self.thread.join(timeout)
        if self.thread.is_alive():
            return False
        if self.error is not None:
            raise self.error
        return True

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            for process in self.processes:
                process.kill()
        self.thread.join()


class _Off:
    """What ``index_site`` returns for a site built without search."""

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def cancel(self) -> None:
        pass


# Pages linked between two looks at whether to stop: a part of a large site's index is
# tens of thousands of pages, and an edit in the preview waits until linking stops.
LINKS_BETWEEN_LOOKS = 256


def _link_pages(
    stage: Path, folder: Path, page_urls: list[str], stopping: Callable[[], bool]
) -> None:
    """A folder holding just these pages, at their paths in the site (hard links, so
    nothing is copied): Pagefind takes a folder, not a list of files."""
    made: set[str] = set()
    for number, url in enumerate(page_urls):
        if number % LINKS_BETWEEN_LOOKS == 0 and stopping():
            raise SearchIndexError("cancelled")
        relative = urls.relative_output_path(url)
        parent = os.path.dirname(relative)
        if parent not in made:
            os.makedirs(os.path.join(folder, parent), exist_ok=True)
            made.add(parent)
        os.link(os.path.join(stage, relative), os.path.join(folder, relative))


def carry_over(live_root: Path, made_root: Path) -> None:
    """Complete an index made again only in some parts (``index_site`` given changed
    pages) in ``made_root`` from the one in ``live_root``, by moving over the parts not
    made again, so the folder can replace the live one whole. Part 1's files lie in the
    bundle folder itself, around the other parts' folders (``urls.pagefind_bundle_url``);
    a part made again starts empty (Pagefind leaves files of an earlier index behind)."""
    live = urls.output_path(live_root, urls.PAGEFIND_URL).parent
    made = urls.output_path(made_root, urls.PAGEFIND_URL).parent
    if not made.is_dir() or not live.is_dir():
        return
    first_made = (made / "pagefind-entry.json").exists()
    for name in os.listdir(live):
        if (made / name).exists() or (first_made and not name.startswith("part-")):
            continue
        (live / name).rename(made / name)


def deal(page_urls: list[str], parts: int) -> list[list[str]]:
    """The record pages of each part of the index: dealt out in turn, so every part is
    a like sample of the site and scores (which weigh a word by how rare it is in its
    part) stay comparable when the search page merges the parts' results."""
    return [page_urls[number::parts] for number in range(parts)]


def indexes(context: BuildContext) -> bool:
    """Whether this build makes a search index (and so reads its pages once written)."""
    return bool(context.site.config.search)


def indexed(page: Page) -> bool:
    """Whether the index reads ``page``: every record's page (``record_pages_glob``),
    none of the home, index, search and 404 pages, nor a record page's later pages
    (its lists, which the index ignores)."""
    return page.record is not None and page.number == 1


def index_site(
    context: BuildContext, stage: Path, into: Path, changed: AbstractSet[str] | None = None
) -> Indexing | _Off:
    """Index the record pages in ``stage``, writing the index (and, for a large site,
    the parts' input folders) into ``into``, on the same filesystem. Given the URLs of
    the pages ``changed`` since the index was made (the preview's), a large site's
    index is made again only in the parts that hold them, and not at all if none do."""
    if not indexes(context):
        return _Off()
    config = context.site.config
    executable = get_executable()
    if executable is None:
        raise SearchIndexError(
            "the Pagefind binary is missing: install it with pip install 'pagefind[bin]'"
        )
    trees = urls.trees(config)
    # A site in several languages gets an index a language, Pagefind going by each
    # page's lang; the search page searches its own language's.
    language = [] if len(trees) > 1 else ["--force-language", config.default_language.split("-")[0]]
    options = ["--exclude-selectors", EXCLUDED, *language, "--silent"]
    # Every record has one page a language: the count the search page merges parts by.
    page_urls = sorted(
        urls.in_language(urls.url_of(record), tree.prefix)
        for tree in trees
        for record in context.registry
    )
    bundles = urls.bundle_urls(len(page_urls), config.search_index_pages)
    parts = deal(page_urls, len(bundles))
    wanted = [changed is None or not changed.isdisjoint(pages) for pages in parts]
    if not any(wanted):
        return _Off()
    if len(bundles) == 1:
        glob = ["--glob", record_pages_glob([tree.prefix for tree in trees])]
        output = urls.output_path(into, bundles[0]).parent
        place = ["--site", str(stage), "--output-path", str(output)]
        return Indexing([Run([str(executable), *place, *glob, *options])])
    # Pagefind holds a whole index in memory: a large site is indexed in parts (see
    # ``deal``), ``PARTS_AT_ONCE`` at a time.
    inputs = into / INPUTS_FOLDER
    runs = []
    for number, (bundle, pages) in enumerate(zip(bundles, parts, strict=True)):
        if not wanted[number]:
            continue
        folder = inputs / f"part-{number + 1}"
        output = urls.output_path(into, bundle).parent
        place = ["--site", str(folder), "--output-path", str(output)]
        link = partial(_link_pages, stage, folder, pages)
        part = f" (index part {number + 1} of {len(bundles)})"
        runs.append(Run([str(executable), *place, *options], link, part))
    return Indexing(runs, cleanup=partial(shutil.rmtree, inputs, ignore_errors=True))
