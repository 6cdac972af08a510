"""What the preview watches, and when a burst of changes is over: plain functions and
a class, shared by the server (which watches) and the builder (which waits out a burst
and rebuilds), tested without sockets or processes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Site
from ..site.i18n import catalogue_folders
from ..site.render import template_dirs
from ..site.theme import builtin_dir
from .incremental import Outcome

QUIET_SECONDS = 0.05
LONGEST_WAIT_SECONDS = 1.0


def watch_roots(site: Site) -> tuple[frozenset[Path], frozenset[Path]]:
    """(folders watched recursively, folders watched for their own entries).

    The site folder itself is watched flat, for site.yaml: editors that save by
    renaming a new file over the old would end a watch on the file itself."""
    deep = {site.content_dir, site.static_dir, builtin_dir("static"), *template_dirs(site)}
    deep |= set(catalogue_folders(site))
    return frozenset(p.resolve() for p in deep if p.is_dir()), frozenset({site.root})


def top_level_inputs(site: Site) -> frozenset[Path]:
    """What the flat watch of the site folder is for: site.yaml, and the folders that are
    (or, once made, become) watched recursively. Anything else there (an editor's swap
    file, another tool's output) is no edit: it must not stop a search index update."""
    paths = {site.config_path, site.content_dir, site.static_dir, site.templates_dir}
    paths |= set(catalogue_folders(site))
    return frozenset(p.resolve() for p in paths)


def folders_changed(root: Path, before: frozenset[Path], after: frozenset[Path]) -> str:
    """Why the watched folders changed, for the rebuild's summary."""

    def named(paths: frozenset[Path]) -> str:
        names = sorted(f"{p.relative_to(root) if p.is_relative_to(root) else p}/" for p in paths)
        return ", ".join(names) + (" folder" if len(names) == 1 else " folders")

    reasons = [f"{named(after - before)} added"] if after - before else []
    reasons += [f"{named(before - after)} removed"] if before - after else []
    return "; ".join(reasons)


@dataclass
class Debouncer:
    """Collects changed paths until no change has come for ``quiet`` seconds (or the
    first has waited ``longest``), so a save or a ``git checkout`` rebuilds once."""

    quiet: float = QUIET_SECONDS
    longest: float = LONGEST_WAIT_SECONDS
    paths: set[Path] = field(default_factory=set)
    first: float | None = None
    last: float | None = None

    def add(self, paths: Iterable[Path], now: float) -> None:
        added = set(paths)
        if not added:
            return
        self.paths |= added
        self.first = now if self.first is None else self.first
        self.last = now

    def wait(self, now: float) -> float | None:
        """Seconds until the batch is due; None when there is nothing to wait for."""
        if self.first is None or self.last is None:
            return None
        return max(0.0, min(self.last + self.quiet, self.first + self.longest) - now)

    def take(self, now: float) -> set[Path] | None:
        """The batch, once it is due."""
        wait = self.wait(now)
        if wait is None or wait > 0:
            return None
        batch, self.paths, self.first, self.last = self.paths, set(), None, None
        return batch


def reload_path(outcome: Outcome) -> str:
    """What livereload.js is told changed: a stylesheet alone is swapped in place."""
    written = outcome.written
    if outcome.kind == "incremental" and written and all(u.endswith(".css") for u in written):
        return written[0]
    return "*"
