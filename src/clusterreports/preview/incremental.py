"""Incremental rebuilds for the preview server: re-render only the pages an edit touches.

The preview keeps the last good build in memory: the registry, the planned pages, and
what each page read while it rendered. An edit to one record re-reads that file,
patches the registry in place and re-renders:

* the pages that read a field the edit changed. Every page renders from a registry
  that hands out tracked records, noting the fields it reads, record by record, so
  editing an event's prose re-renders its own page and not the people who spoke there; and
  views that reach past the planned two hops (an organisation's breadcrumbs walk every
  ancestor, an award lists every year of the same name) are covered too;
* when the edit changes a reference (who shows whom), the pages whose planned
  ``deps`` hold the record, before and after (``plan.dependencies`` walks
  ``Registry.neighbours``, which is symmetric, so those are the record's neighbourhood:
  no reverse index of every page's deps is kept), and the pages that asked for the
  backlinks of a record it refers to;
* every page whose template extends, includes or imports an edited template.

Anything it cannot be sure about (a record added, removed or renamed, an id changed,
an organisation's parent changed, a record page that gains or loses a page of its
lists, an event that joins or leaves a series' editions, the config, the date)
rebuilds everything, so the
output always equals a clean full build; ``tests/test_incremental.py`` checks that,
byte for byte.

What a page reads is noted in ``reads.py``, what a batch of changed paths means is
decided in ``changes.py``, and the kept build lives in ``state.py``.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from threading import Event

from ..cache import flush_all
from ..config import CONFIG_NAME, load_site_config
from ..content.images import images_of
from ..content.load import RECORD_SUFFIXES, RawRecord, read_record
from ..content.models import TYPES_BY_FOLDER, Record, iter_references
from ..content.registry import CHAINS, Backlink, key_of, link
from ..content.validate import validate_records
from ..outputs.context import BuildContext, Interrupted
from ..outputs.extras import CARRY_OVER, extra_files, finalising
from ..pipeline import Builder, check, stoppable
from ..problems import ContentError, Problem, counted
from ..site.render import Renderer
from ..site.theme import builtin_dir
from ..site.urls import output_path
from ..site.write import (
    OutputRefused,
    WriteError,
    check_output,
    put_in_place,
    remove_folder,
    remove_folder_unless,
    scratch_folder,
    write_file,
)
from ..tuning import can_fork, collect_and_freeze, thaw
from .changes import Changes, classify, inside
from .reads import Change, Stop, TrackingRenderer, never
from .state import State, Unsure, links


@dataclass
class Outcome:
    """What one (re)build did."""

    kind: str  # "full", "incremental" or "error"
    # What a browser may need again: the files written, or after a full build every page
    # (its workers write or link them, and report only how many were the same as before).
    written: list[str]
    rendered: int
    seconds: float
    reason: str = ""
    error: ContentError | None = None
    unchanged: int = 0  # of ``written``, how many were the same as before

    def summary(self) -> str:
        if self.error is not None:
            problems = counted(len(self.error.problems), "content problem")
            return f"{problems}: still showing the last good pages"
        what = f"{counted(self.rendered, 'page')} rendered, "
        what += f"{counted(len(self.written) - self.unchanged, 'file')} changed"
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.kind.capitalize()} rebuild{why}: {what} in {self.seconds * 1000:.0f} ms"


Edit = tuple[Record, Record, RawRecord]


class Preview:
    """The site as last built for preview, brought up to date by :meth:`update`.

    ``update`` writes the changed pages and static files; :meth:`settle` then writes
    the files made from the whole site and runs the finalisers (the search index), so
    a browser can reload before those are done."""

    def __init__(self, root: Path, jobs: int | None = None, **overrides: object) -> None:
        self.root = root
        self.jobs = jobs  # render processes for a full build (None: one per core)
        self.overrides = overrides
        self.site = load_site_config(root, **overrides)
        check_output(self.site.output_dir, self.site.inputs())  # raises OutputRefused
        self.state: State | None = None
        self.error: ContentError | None = None
        self.pending: set[Path] = set()
        self.unsettled = False
        # Shared with the render workers forked later, so that they stop too.
        self.cancelled = multiprocessing.get_context("fork").Event() if can_fork() else Event()

    def cancel(self) -> None:
        """Abandon the (re)build under way, from another thread, and refuse any later
        one: it raises Interrupted at its next page or stage. A full build's staging
        folder is removed unpublished, so the output keeps the last finished build."""
        self.cancelled.set()

    def _stop_if_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise Interrupted

    # full builds -------------------------------------------------------------------

    def build_all(self, reason: str = "") -> Outcome:
        """A full build as ``pipeline.build`` makes it, noting what each page reads.

        On a content problem the previous output stays, and the next edit tries again;
        so it does when site.yaml names an output folder a build must not replace.

        A record removed or renamed comes here, never to ``settle``: the search index
        is made from the staging folder and published with the pages in one rename, so
        a removed record's result goes with its page and the search never offers a
        page that is gone (tests/test_serve_browser.py searches for one)."""
        started = time.perf_counter()
        self.state, self.unsettled = None, False
        thaw()  # the last state may hold cycles: they can go now
        stop = self.cancelled.is_set
        try:
            self._stop_if_cancelled()
            self.site = site = load_site_config(self.root, **self.overrides)
            try:
                builder = Builder(site, self.jobs, stop=stop)
            except OutputRefused as refused:
                raise ContentError([Problem(CONFIG_NAME, None, None, str(refused))]) from None
            checked = check(site)
            self._stop_if_cancelled()
            state = State(
                site,
                checked.registry,
                checked.pages,
                TrackingRenderer(site, checked.registry, stop),
                site.today(),
                order={key: i for i, key in enumerate(checked.registry.origins)},
                files={
                    str(raw.path.resolve()): key for key, raw in checked.registry.origins.items()
                },
            )
            for i, p in enumerate(checked.pages):
                if p.record is not None:
                    state.page_of.setdefault(p.record, []).append(i)
            # Each run's reads come back with its counts.
            built = builder.write(checked, state.renderer, noted=state.note_run)
            state.extra_urls = built.rendered.extra_urls
        except ContentError as error:
            self.error = error
            return Outcome("error", [], 0, time.perf_counter() - started, reason, error)
        except BaseException:
            if stop():  # what the stop made a render worker raise (Ctrl-C reaches them too)
                raise Interrupted from None
            raise
        self.state, self.error, self.pending = state, None, set()
        collect_and_freeze()
        urls = [p.url for p in checked.pages]
        seconds = time.perf_counter() - started
        unchanged = built.rendered.unchanged
        return Outcome("full", urls, len(urls), seconds, reason, unchanged=unchanged)

    def _context(self, state: State) -> BuildContext:
        renderer = Renderer(state.site, state.registry)
        return BuildContext(state.site, state.registry, state.pages, renderer)

    def _write_extra_files(
        self, context: BuildContext, root: Path, written: list[str], interrupted: Stop = never
    ) -> set[str]:
        found = set()
        for url, content in stoppable(extra_files(context), interrupted):
            found.add(url)
            if write_file(root, url, content):
                written.append(url)
        return found

    def settle(self, interrupted: Stop = never) -> list[str] | None:
        """Finish an incremental update: the files made from the whole site (feeds,
        data, calendars, sitemap), and the finalisers (the search index). Until then
        the pages are new and these lag behind; returns the extra files changed, or
        None if ``interrupted`` returned True first (checked often: an edit is waiting),
        leaving the update unsettled.

        The finalisers index the live pages into a side folder, and the folders they
        own are swapped in once they are done: until then the preview's search keeps
        the previous index (Pagefind takes a minute on a large site), and an edit can
        stop them, leaving it there. It indexes the live pages, which an update
        rewrites but never removes; so it must run where updates run, never beside a
        full build, whose index it would replace with one offering the removed pages."""
        state = self.state
        written: list[str] = []
        if state is None or not self.unsettled:
            return written
        output = state.site.output_dir
        side = scratch_folder(output.resolve(), "indexing")
        if not remove_folder_unless(side, interrupted):  # what the last one left
            return None
        side.mkdir()
        try:
            context = self._context(state)
            unindexed = set(state.unindexed)
            with finalising(context, output, side, interrupted, unindexed) as start:
                start()
                urls = self._write_extra_files(context, output, written, interrupted)
                for url in state.extra_urls - urls:  # a full build would not write it
                    output_path(output, url).unlink(missing_ok=True)
                state.extra_urls = urls
            for carry_over in CARRY_OVER:  # e.g. the index parts not made again
                carry_over(output, side)
            for name in os.listdir(side):  # the index replaced stays in the side folder
                put_in_place(side / name, output / name, side / f"{name}.old")
            state.unindexed -= unindexed
        except Interrupted:
            return None
        except BaseException:
            self.unsettled = False  # reported once, not retried until the next edit
            raise
        finally:
            # An edit waiting stops this too: the next settle (or the session's end,
            # ``tidy``) removes the rest, rather than the edit waiting for it.
            remove_folder_unless(side, interrupted)
        self.unsettled = False
        return written

    def tidy(self) -> None:
        """Remove what an interrupted ``settle`` left beside the output (at the session's
        end: nothing is waiting then)."""
        site = self.state.site if self.state is not None else self.site
        remove_folder(scratch_folder(site.output_dir.resolve(), "indexing"))

    # incremental builds --------------------------------------------------------------

    def update(self, paths: Iterable[Path]) -> Outcome:
        """Bring the output up to date with the changed ``paths`` (then call ``settle``)."""
        paths = {Path(p).resolve() for p in paths} | self.pending
        state = self.state
        if state is None:
            return self.build_all("the last build failed")
        changes = classify(state.site, paths)
        if changes.full is None and state.site.today() != state.today:
            changes.rebuild_all("the date changed")
        if changes.full is not None:
            return self.build_all(changes.full)
        started = time.perf_counter()
        try:
            edits = self._read_edits(state, changes.content)
        except Unsure as unsure:
            return self.build_all(str(unsure))
        except ContentError as error:  # nothing patched: the last good build stands
            self.error, self.pending = error, paths
            return Outcome("error", [], 0, time.perf_counter() - started, "", error)
        try:
            written, rendered = self._apply(state, edits, changes)
            state.unindexed.update(written)
        except Unsure as unsure:
            return self.build_all(str(unsure))
        except (ContentError, OSError) as error:  # failed half-way: rebuild all next time
            if isinstance(error, OSError):  # a full disk, say: the problem to show
                error = WriteError(error, state.site.output_dir)
            self.state, self.error, self.pending = None, error, set()
            return Outcome("error", [], 0, time.perf_counter() - started, "", error)
        self.error, self.pending = None, set()
        names = [raw.path.name for _, _, raw in edits] + [p.name for p in changes.static]
        names = sorted(names) + sorted(changes.templates)
        return Outcome(
            "incremental", written, rendered, time.perf_counter() - started, ", ".join(names)
        )

    def _apply(self, state: State, edits: list[Edit], changes: Changes) -> tuple[list[str], int]:
        if changes.templates:  # a new environment sees new template folders and files
            state.renderer = TrackingRenderer(state.site, state.registry, self.cancelled.is_set)
            state.templates.clear()
        changed = [(old, new) for old, new, _ in edits if old != new]
        relinked = [key_of(new) for old, new in changed if links(old) != links(new)]
        affected: set[int] = set()
        for key in relinked:  # who shows whom changes: the planned dependencies, before and after
            affected |= state.planned(key)
        for old, new, raw in edits:
            self._patch(state, old, new, raw)
        targets = {
            (t, i)
            for old, new in changed
            if links(old) != links(new)
            for _, t, i in links(old) + links(new)
        }
        repaged = state.repaged(targets)
        if repaged is not None:  # its pages are planned again, as a record added would be
            raise Unsure(f"the page of {repaged[0]} {repaged[1]} has more or fewer pages")
        if state.regrouped(changed):
            raise Unsure("the editions of a series changed")
        if changed and len(state.site.config.site_languages) > 1:
            state.renderer.forget_languages()  # their translated copies hold the old records
        made = [Change.of(old, new) for old, new in changed]
        state.renderer.forget_listings(made)
        for key in relinked:
            affected |= state.planned(key)
        for change in made:
            affected |= state.showing(change)
        if changes.templates:
            affected |= {i for i in range(len(state.pages)) if state.uses(i, changes.templates)}
        written: list[str] = []
        output = state.site.output_dir
        for index in sorted(affected):
            if write_file(output, state.pages[index].url, state.render(index)):
                written.append(state.pages[index].url)
        flush_all()
        written += self._copy_static(state, changes.static)
        self.unsettled |= bool(changed or changes.templates)
        return written, len(affected)

    def _read_edits(self, state: State, paths: set[Path]) -> list[Edit]:
        """Read and check the edited records; nothing is patched until all pass."""
        raws: list[RawRecord] = []
        problems: list[Problem] = []
        content = state.site.content_dir.resolve()
        for path in sorted(paths):
            key = state.files.get(str(path))
            if key is not None and not path.is_file():
                raise Unsure(f"{path.name} was removed or renamed")
            if key is None:
                if path.is_dir():
                    continue  # the files inside report their own changes
                if path.exists() and path.suffix in RECORD_SUFFIXES:
                    raise Unsure(f"{path.name} was added")
                inside = f"{path}{os.sep}"
                if not path.exists() and any(known.startswith(inside) for known in state.files):
                    raise Unsure(f"folder {path.name} was removed or renamed")
                if any(image.path == str(path) for image in state.registry.images.values()):
                    # Its files are named by its digest: every page showing it changes.
                    # The rebuild resizes this image alone (the others are in the cache).
                    raise Unsure(f"image {path.name} changed")
                continue  # not a record nor an image shown (a temporary file...)
            folder = path.relative_to(content).parts[0]
            raw, found = read_record(path, TYPES_BY_FOLDER[folder].type_name, state.site.root)
            problems += found
            if raw is None:  # others' references to it now fail too: report as check does
                check(state.site)
                raise Unsure(f"{path.name} could not be read, then could")
            raws.append(raw)
        validated = validate_records(raws)
        problems += validated.problems
        if problems:
            raise ContentError(problems)
        edits = []
        for new, raw in validated.records:
            key = state.files[str(raw.path.resolve())]
            if key_of(new) != key:
                raise Unsure(f"the id in {raw.path.name} changed")
            old = state.registry.get(*key)
            if [i.file for _, i in images_of(old)] != [i.file for _, i in images_of(new)]:
                raise Unsure(f"the images of {key[0]} {key[1]} changed")  # found by check
            for type_name, field_name, _ in CHAINS:  # a full check finds any cycle
                if key[0] == type_name and getattr(old, field_name) != getattr(new, field_name):
                    raise Unsure(f"the {field_name} of {type_name} {key[1]} changed")
            edits.append((old, new, raw))
        self._check_references(state, edits)
        return edits

    def _check_references(self, state: State, edits: list[Edit]) -> None:
        """An edit that refers to a missing record gets the report a full build gives,
        from linking every record."""
        if all(
            state.registry.find(t, i) is not None
            for _, new, _ in edits
            for _, t, i in iter_references(new)
        ):
            return
        replaced = {key_of(new): (new, raw) for _, new, raw in edits}
        records = [
            replaced.get(key, (state.registry.get(*key), raw))
            for key, raw in state.registry.origins.items()
        ]
        problems = link(records)[1]
        if problems:
            raise ContentError(problems)
        raise Unsure("a reference could not be checked on its own")

    def _patch(self, state: State, old: Record, new: Record, raw: RawRecord) -> None:
        """Put ``new`` in ``old``'s place, with backlinks in the order ``link`` gives them."""
        registry = state.registry
        key = key_of(new)
        registry.records[key[0]][key[1]] = new
        registry.origins[key] = raw
        refs = [(loc, (t, i)) for loc, t, i in iter_references(new)]
        targets = {(t, i) for _, t, i in iter_references(old)} | {target for _, target in refs}
        for target in targets:
            kept = [b for b in registry.backlinks.get(target, ()) if key_of(b.source) != key]
            kept += [Backlink(new, loc) for loc, t in refs if t == target]
            kept.sort(key=lambda b: state.order[key_of(b.source)])
            if kept:
                registry.backlinks[target] = kept
            else:
                registry.backlinks.pop(target, None)

    def _copy_static(self, state: State, paths: set[Path]) -> list[str]:
        """Copy changed static files; the site's own win over the theme's of that name."""
        written = []
        sources = [d.resolve() for d in (builtin_dir("static"), state.site.static_dir)]
        for path in sorted(paths):
            if not path.is_file():
                raise Unsure(f"static file {path.name} was removed")
            relative = next(r for r in (inside(path, s) for s in sources) if r is not None)
            winner = next(s / relative for s in reversed(sources) if (s / relative).is_file())
            url = "/static/" + relative.as_posix()
            if write_file(state.site.output_dir, url, winner.read_bytes()):
                written.append(url)
        return written
