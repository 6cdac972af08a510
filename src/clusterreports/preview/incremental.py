"""Incremental rebuilds for the preview server: re-render only the pages an edit touches.

The preview keeps the last good build in memory: the registry, the planned pages, and
what each page read while it rendered. An edit to one record re-reads that file,
patches the registry in place and re-renders:

* the pages that read a field the edit changed. Every page renders with
  ``Record.__getattribute__`` noting the fields it reads, record by record, so editing
  an event's prose re-renders its own page and not the people who spoke there; and
  views that reach past the planned two hops (an organisation's breadcrumbs walk every
  ancestor, an award lists every year of the same name) are covered too;
* when the edit changes a reference (who shows whom), the pages whose planned
  ``deps`` hold the record, before and after (``plan.dependencies`` walks
  ``Registry.neighbours``, which is symmetric, so those are the record's neighbourhood:
  no reverse index of every page's deps is kept), and the pages that asked for the
  backlinks of a record it refers to;
* every page whose template extends, includes or imports an edited template.

Anything it cannot be sure about (a record added, removed or renamed, an id changed,
an organisation's parent changed, the config, the date) rebuilds everything, so the
output always equals a clean full build; ``tests/test_incremental.py`` checks that,
byte for byte.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
import time
from array import array
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from threading import Event
from typing import Any

import jinja2
from jinja2 import meta

from ..cache import flush_all
from ..config import CONFIG_NAME, Site, load_site_config
from ..content.load import RECORD_SUFFIXES, RawRecord, is_ignored, read_record
from ..content.models import TYPES_BY_FOLDER, Loc, Record, iter_references
from ..content.registry import CHAINS, Backlink, Key, Registry, key_of, link
from ..content.validate import validate_records
from ..outputs.context import BuildContext, Interrupted
from ..outputs.extras import CARRY_OVER, extra_files, finalising
from ..pipeline import Builder, check, stoppable
from ..problems import ContentError, Problem, counted
from ..site.plan import Page, dependencies
from ..site.render import Renderer, fragments_named, template_dirs
from ..site.theme import builtin_dir
from ..site.urls import output_path
from ..site.write import (
    OutputRefused,
    WriteError,
    check_output,
    scratch_folder,
    write_file,
)
from ..tuning import can_fork, collect_and_freeze, thaw

# --- what a page read ----------------------------------------------------------------

# Asked between steps of long work: True once it should stop.
Stop = Callable[[], bool]


def _never() -> bool:
    return False


ALL_FIELDS = -1  # a field mask with every bit set
# Ways to read a whole record at once: its dict, a dump, a copy, equality and hashing.
WHOLE_RECORD = frozenset(
    {"__dict__", "model_dump", "model_dump_json", "model_copy", "__iter__", "__eq__", "__hash__"}
)


@dataclass
class Reads:
    """What one page read while it rendered: for each record, a bit mask of the fields
    it read (bit i is field i of the record's model); and the records whose backlinks
    (who refers to them) it asked for."""

    fields: dict[Key, int] = field(default_factory=dict)
    backlinks: set[Key] = field(default_factory=set)


_reading: Reads | None = None
_FIELD_BITS: dict[type[Any], dict[str, int]] = {}


def field_bits(model: type[Any]) -> dict[str, int]:
    """Each field of a record type as its bit in a :class:`Reads` mask."""
    bits = _FIELD_BITS.get(model)
    if bits is None:
        bits = _FIELD_BITS[model] = {n: 1 << i for i, n in enumerate(model.model_fields)}
        bits.update(dict.fromkeys(WHOLE_RECORD, ALL_FIELDS))
        bits.pop("id")  # a changed id rebuilds everything anyway
    return bits


def _noting_getattribute(record: Record, name: str) -> Any:
    """``Record.__getattribute__`` while previewing: notes the fields a page reads."""
    value = object.__getattribute__(record, name)
    reads = _reading
    if reads is not None:
        bit = field_bits(type(record)).get(name)
        if bit is not None:
            key = (record.type_name, object.__getattribute__(record, "__dict__")["id"])
            reads.fields[key] = reads.fields.get(key, 0) | bit
    return value


def changed_fields(old: Record, new: Record) -> int:
    """The mask of the fields that differ between two versions of a record."""
    bits = field_bits(type(new))
    mask = 0
    for name in type(new).model_fields:
        if name in bits and getattr(old, name) != getattr(new, name):
            mask |= bits[name]
    return mask


def links(record: Record) -> list[tuple[Loc, str, str]]:
    """A record's references, where each is: what its backlinks are made of."""
    return list(iter_references(record))


class TrackedRegistry(Registry):
    """The registry as a page sees it: notes whose backlinks the page asks for."""

    def __init__(self, inner: Registry) -> None:  # shares inner's data, so patches show
        self.inner = inner
        self.reads = Reads()
        self.records = inner.records
        self.origins = inner.origins
        self.backlinks = inner.backlinks

    def referrers(
        self, target: Record, type_name: str | None = None, field: str | None = None
    ) -> list[Record]:
        self.reads.backlinks.add(key_of(target))
        return self.inner.referrers(target, type_name, field)

    def links_to(self, target: Record, type_name: str | None = None) -> list[Backlink]:
        self.reads.backlinks.add(key_of(target))
        return self.inner.links_to(target, type_name)

    def neighbours(self, key: Key) -> set[Key]:
        self.reads.backlinks.add(key)
        return self.inner.neighbours(key)


class TrackingRenderer(Renderer):
    """Renders a page and returns what it read.

    Record fields are noted by swapping in ``Record.__getattribute__`` (in this process
    only: the preview's), so views and templates need no knowledge of tracking. Views
    cache what they compute (a view's sessions, the events by date): a value cached for
    one page would hide its reads from the next, so every page gets a new SiteView."""

    def __init__(self, site: Site, registry: Registry, stop: Stop = _never) -> None:
        self.tracked = TrackedRegistry(registry)
        self.notes: list[Reads] = []
        self.stop = stop  # checked before each page
        super().__init__(site, self.tracked)
        if Record.__getattribute__ is not _noting_getattribute:
            setattr(Record, "__getattribute__", _noting_getattribute)  # noqa: B010

    def render(self, page: Page) -> bytes:
        """Render, noting what the page read for :meth:`take_notes` (so the reads come
        back with the pages rendered in a worker process)."""
        global _reading
        if self.stop():
            raise Interrupted
        reads = self.tracked.reads = Reads()
        self.view = type(self.view)(self.tracked, self.site.config, self.site.today())
        self.env.globals["site"] = self.view
        _reading = reads
        try:
            content = super().render(page)
        finally:
            _reading = None
        self.notes.append(reads)
        return content

    def take_notes(self) -> list[Reads]:
        notes, self.notes = self.notes, []
        return notes

    def render_tracked(self, page: Page) -> tuple[bytes, Reads]:
        content = self.render(page)
        return content, self.notes.pop()


def referenced_templates(env: jinja2.Environment, name: str) -> frozenset[str] | None:
    """``name`` and every template it extends, includes, imports or renders as a
    fragment, recursively; None when one of them names its template only at render time."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None
        source = env.loader.get_source(env, current)[0]
        tree = env.parse(source)
        for ref in chain(meta.find_referenced_templates(tree), fragments_named(tree)):
            if ref is None:
                return None
            todo.append(ref)
    return frozenset(seen)


# --- what changed ----------------------------------------------------------------------


@dataclass
class Changes:
    """A batch of changed paths, sorted by what they mean for the build."""

    content: set[Path] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    static: set[Path] = field(default_factory=set)
    full: str | None = None

    def rebuild_all(self, reason: str) -> None:
        self.full = self.full or reason


def _inside(path: Path, folder: Path) -> Path | None:
    try:
        return path.relative_to(folder)
    except ValueError:
        return None


def _backup(relative: Path) -> bool:
    """Editors' hidden and backup files ('.x.swp', 'x~'); '_macros.html' is a template."""
    return any(part.startswith(".") or part.endswith("~") for part in relative.parts)


def classify(site: Site, paths: Iterable[Path]) -> Changes:
    """Sort changed paths into content, template, static and config changes."""
    changes = Changes()
    content = site.content_dir.resolve()
    output = site.output_dir.resolve()
    template_roots = template_dirs(site)
    static_roots = [d.resolve() for d in (builtin_dir("static"), site.static_dir)]
    for raw_path in paths:
        path = Path(raw_path).resolve()
        if path == site.config_path.resolve():
            changes.rebuild_all("site.yaml changed")
            continue
        if _inside(path, output) is not None:
            continue
        relative = _inside(path, content)
        if relative is not None:
            if relative.parts and not is_ignored(relative):
                changes.content.add(path)
            continue
        for root in template_roots:
            name = _inside(path, root)
            if name is not None and name.parts and not _backup(name):
                changes.templates.add(name.as_posix())
                break
        for root in static_roots:
            name = _inside(path, root)
            if name is not None and name.parts and not _backup(name):
                changes.static.add(path)
                break
    return changes


# --- the preview build -----------------------------------------------------------------


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


class _Unsure(Exception):
    """An edit whose effects an incremental rebuild cannot bound: rebuild everything."""


class _Readers:
    """The pages that read one record, each with the mask of the fields it read.

    Two arrays rather than a dict of ints: a preview of 10,000 events notes 2.7 million
    such pairs, which took about 100 bytes each in dicts and take 35 here, each record's
    arrays included (peak memory 1,392 → 1,290 MiB)."""

    __slots__ = ("masks", "pages")

    def __init__(self) -> None:
        self.pages = array("i")
        self.masks = array("q")  # ALL_FIELDS is -1, and no model has 63 fields

    def add(self, page: int, mask: int, again: bool) -> None:
        """Note that ``page`` read ``mask``; ``again`` if it may have been noted before
        (a re-render), else the search for it is skipped (a full build notes each page
        once, and searching would make that quadratic in a record's readers)."""
        if again:
            with suppress(ValueError):  # not noted before
                self.masks[self.pages.index(page)] |= mask
                return
        self.pages.append(page)
        self.masks.append(mask)

    def reading(self, mask: int) -> set[int]:
        """The pages that read any of the fields in ``mask``."""
        return {page for page, read in zip(self.pages, self.masks, strict=True) if read & mask}

    def as_dict(self) -> dict[int, int]:
        return dict(zip(self.pages, self.masks, strict=True))


@dataclass
class _State:
    """The last good build, and what each page (by index in ``pages``) read."""

    site: Site
    registry: Registry
    pages: list[Page]
    renderer: TrackingRenderer
    today: dt.date
    order: dict[Key, int]  # each record's number: where its readers are in the lists below
    files: dict[str, Key]  # by resolved path, as text: a Path key costs three times more
    page_of: dict[Key, int] = field(default_factory=dict)
    readers: list[_Readers | None] = field(init=False)
    backlink_readers: list[_Readers | None] = field(init=False)
    templates: dict[str, frozenset[str] | None] = field(default_factory=dict)
    extra_urls: set[str] = field(default_factory=set)
    unindexed: set[str] = field(default_factory=set)  # pages written since the last index

    def __post_init__(self) -> None:
        self.readers = [None] * len(self.order)
        self.backlink_readers = [None] * len(self.order)

    def render(self, index: int) -> bytes:
        """Render a page and remember what it read."""
        content, reads = self.renderer.render_tracked(self.pages[index])
        self.note(index, reads, again=True)
        return content

    def note(self, index: int, reads: Reads, again: bool = False) -> None:
        """Remember what a page read (never forgotten: a page that stopped reading a
        field is at worst re-rendered once more than needed)."""
        for key, mask in reads.fields.items():
            self._readers(self.readers, key).add(index, mask, again)
        for key in reads.backlinks:
            self._readers(self.backlink_readers, key).add(index, ALL_FIELDS, again)

    def _readers(self, lists: list[_Readers | None], key: Key) -> _Readers:
        number = self.order[key]
        readers = lists[number]
        if readers is None:
            readers = lists[number] = _Readers()
        return readers

    def note_run(self, indices: list[int], notes: list[Reads]) -> None:
        for index, reads in zip(indices, notes, strict=True):
            self.note(index, reads)

    def reading(self, lists: list[_Readers | None], key: Key, mask: int) -> set[int]:
        """The pages noted in ``lists`` as reading any of ``mask`` of record ``key``."""
        number = self.order.get(key)
        readers = None if number is None else lists[number]
        return set() if readers is None else readers.reading(mask)

    def uses(self, index: int, names: set[str]) -> bool:
        template = self.pages[index].template
        if template not in self.templates:
            self.templates[template] = referenced_templates(self.renderer.env, template)
        closure = self.templates[template]
        if closure is None:
            raise _Unsure(f"{template} names a template only at render time")
        return not closure.isdisjoint(names)

    def planned(self, key: Key) -> set[int]:
        """The pages whose ``plan.dependencies`` hold ``key``: its neighbourhood, by symmetry."""
        return {self.page_of[k] for k in dependencies(self.registry, key) if k in self.page_of}

    def showing(self, old: Record, new: Record) -> set[int]:
        """The pages an edit from ``old`` to ``new`` can change (after the patch)."""
        key = key_of(new)
        mask = changed_fields(old, new)
        found = self.reading(self.readers, key, mask)
        before, after = links(old), links(new)
        if before != after:
            for _, target_type, target_id in before + after:
                found |= self.reading(self.backlink_readers, (target_type, target_id), ALL_FIELDS)
        return found


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
        self.state: _State | None = None
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
        so it does when site.yaml names an output folder a build must not replace."""
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
            state = _State(
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
            state.page_of = {
                p.record: i for i, p in enumerate(checked.pages) if p.record is not None
            }
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

    def _context(self, state: _State) -> BuildContext:
        renderer = Renderer(state.site, state.registry)
        return BuildContext(state.site, state.registry, state.pages, renderer)

    def _write_extra_files(
        self, context: BuildContext, root: Path, written: list[str], interrupted: Stop = _never
    ) -> set[str]:
        found = set()
        for url, content in stoppable(extra_files(context), interrupted):
            found.add(url)
            if write_file(root, url, content):
                written.append(url)
        return found

    def settle(self, interrupted: Stop = _never) -> list[str] | None:
        """Finish an incremental update: the files made from the whole site (feeds,
        data, calendars, sitemap), and the finalisers (the search index). Until then
        the pages are new and these lag behind; returns the extra files changed, or
        None if ``interrupted`` returned True first (checked often: an edit is waiting),
        leaving the update unsettled.

        The finalisers index the live pages into a side folder, and the folders they
        own are swapped in once they are done: until then the preview's search keeps
        the previous index (Pagefind takes a minute on a large site), and an edit can
        stop them, leaving it there."""
        state = self.state
        written: list[str] = []
        if state is None or not self.unsettled:
            return written
        output = state.site.output_dir
        side = scratch_folder(output.resolve(), "indexing")
        shutil.rmtree(side, ignore_errors=True)
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
            for name in os.listdir(side):
                if (output / name).exists():
                    (output / name).rename(side / f"{name}.old")
                (side / name).rename(output / name)
            state.unindexed -= unindexed
        except Interrupted:
            return None
        except BaseException:
            self.unsettled = False  # reported once, not retried until the next edit
            raise
        finally:
            shutil.rmtree(side, ignore_errors=True)
        self.unsettled = False
        return written

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
        except _Unsure as unsure:
            return self.build_all(str(unsure))
        except ContentError as error:  # nothing patched: the last good build stands
            self.error, self.pending = error, paths
            return Outcome("error", [], 0, time.perf_counter() - started, "", error)
        try:
            written, rendered = self._apply(state, edits, changes)
            state.unindexed.update(written)
        except _Unsure as unsure:
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

    def _apply(self, state: _State, edits: list[Edit], changes: Changes) -> tuple[list[str], int]:
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
        for key in relinked:
            affected |= state.planned(key)
        for old, new in changed:
            affected |= state.showing(old, new)
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

    def _read_edits(self, state: _State, paths: set[Path]) -> list[Edit]:
        """Read and check the edited records; nothing is patched until all pass."""
        raws: list[RawRecord] = []
        problems: list[Problem] = []
        content = state.site.content_dir.resolve()
        for path in sorted(paths):
            key = state.files.get(str(path))
            if key is not None and not path.is_file():
                raise _Unsure(f"{path.name} was removed or renamed")
            if key is None:
                if path.is_dir():
                    continue  # the files inside report their own changes
                if path.exists() and path.suffix in RECORD_SUFFIXES:
                    raise _Unsure(f"{path.name} was added")
                inside = f"{path}{os.sep}"
                if not path.exists() and any(known.startswith(inside) for known in state.files):
                    raise _Unsure(f"folder {path.name} was removed or renamed")
                continue  # not a record (a temporary file, a picture...)
            folder = path.relative_to(content).parts[0]
            raw, found = read_record(path, TYPES_BY_FOLDER[folder].type_name, state.site.root)
            problems += found
            if raw is None:  # others' references to it now fail too: report as check does
                check(state.site)
                raise _Unsure(f"{path.name} could not be read, then could")
            raws.append(raw)
        validated = validate_records(raws)
        problems += validated.problems
        if problems:
            raise ContentError(problems)
        edits = []
        for new, raw in validated.records:
            key = state.files[str(raw.path.resolve())]
            if key_of(new) != key:
                raise _Unsure(f"the id in {raw.path.name} changed")
            old = state.registry.get(*key)
            for type_name, field_name, _ in CHAINS:  # a full check finds any cycle
                if key[0] == type_name and getattr(old, field_name) != getattr(new, field_name):
                    raise _Unsure(f"the {field_name} of {type_name} {key[1]} changed")
            edits.append((old, new, raw))
        self._check_references(state, edits)
        return edits

    def _check_references(self, state: _State, edits: list[Edit]) -> None:
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
        raise _Unsure("a reference could not be checked on its own")

    def _patch(self, state: _State, old: Record, new: Record, raw: RawRecord) -> None:
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

    def _copy_static(self, state: _State, paths: set[Path]) -> list[str]:
        """Copy changed static files; the site's own win over the theme's of that name."""
        written = []
        sources = [d.resolve() for d in (builtin_dir("static"), state.site.static_dir)]
        for path in sorted(paths):
            if not path.is_file():
                raise _Unsure(f"static file {path.name} was removed")
            relative = next(r for r in (_inside(path, s) for s in sources) if r is not None)
            winner = next(s / relative for s in reversed(sources) if (s / relative).is_file())
            url = "/static/" + relative.as_posix()
            if write_file(state.site.output_dir, url, winner.read_bytes()):
                written.append(url)
        return written
