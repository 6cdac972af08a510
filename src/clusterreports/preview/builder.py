"""The preview's builder: every build of ``serve`` (the first, the incremental ones after
each burst of edits, the full ones, and settling the search index) runs in this loop,
in a process of its own, forked before the server's threads start.

Why a process: the render (and reader) workers are forked, and a process that forks
while other threads run can hand its child a lock one of them held (the allocator's,
logging's, a queue's), held for ever there, and the child hangs (Python 3.12 warns of
it). The server has threads (tornado's loop, the file watchers); the builder has none
while it forks, so it forks its workers as freely as ``build`` does, and keeps the last
build (``Preview``) in memory between edits, as before.

The server sends it the changed paths as they come (a :class:`Connection` each way);
the builder waits out a burst (``Debouncer``), rebuilds, and sends back a
:class:`Report`: what to print, the problems to show over the pages, what browsers
should reload, and the site's settings (site.yaml may have changed them). A path that
arrives while the search index is being updated stops the update, as before. Where
forking is unsafe or impossible (another thread already runs, or Windows), the same
loop runs on a thread of the server's process instead (``server.PreviewSession``).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType

from ..config import Site
from ..outputs.context import Interrupted
from ..problems import Problem
from .incremental import Outcome, Preview
from .watch import Debouncer, folders_changed, reload_path, watch_roots


@dataclass(frozen=True)
class Report:
    """What the builder tells the server: a line to print (``say``), the problems of the
    content (None: there are none: the overlay goes; printed once, when they come),
    what a browser should reload (None: nothing), and the site's settings."""

    site: Site
    say: str | None = None
    problems: list[Problem] | None = None
    print_problems: bool = False
    reload: str | None = None


@dataclass(frozen=True)
class Crashed:
    """The builder failed with a bug (it cannot go on): the exception in one line, and
    the traceback, for the report the command line saves (``cli._report_bug``)."""

    what: str
    details: str


class BuildLoop:
    """The builder's side of the session: reads changed paths from ``changes``, writes
    :class:`Report` to ``reports``; ends when the server closes ``changes`` or the
    preview is cancelled (Ctrl-C, SIGTERM, stopping the session)."""

    def __init__(
        self,
        preview: Preview,
        changes: Connection,
        reports: Connection,
        debouncer: Debouncer | None = None,
        others: tuple[Connection, ...] = (),
    ) -> None:
        self.preview = preview
        self.changes = changes
        self.reports = reports
        self.others = others  # the server's ends, closed in a forked builder
        self.debouncer = debouncer or Debouncer()
        self.roots = watch_roots(preview.site)
        self.closed = False  # the server closed its end: stop

    def run(self) -> bool:
        """The loop; False after a bug, which is reported to the server as
        :class:`Crashed` (and not printed here: the server reports it)."""
        try:
            self._first_build()
            self._loop()
        except Interrupted:
            pass
        except Exception as error:
            with contextlib.suppress(OSError):
                what = f"{type(error).__name__}: {error}"
                self.reports.send(Crashed(what, traceback.format_exc()))
            return False
        finally:
            self.preview.tidy()
        return True

    def run_in_process(self) -> None:
        """``run``, in the forked builder: Ctrl-C (which a terminal sends to every
        process of the group) and SIGTERM cancel the build under way, and the loop then
        ends; the server, which hears of it too, waits for that."""

        def cancel(signum: int, frame: FrameType | None) -> None:
            self.preview.cancel()

        signal.signal(signal.SIGINT, cancel)
        signal.signal(signal.SIGTERM, cancel)
        for connection in self.others:  # else this end would never see the other close
            connection.close()
        if not self.run():
            sys.exit(1)

    def stopping(self) -> bool:
        return self.closed or self.preview.cancelled.is_set()

    def _first_build(self) -> None:
        preview = self.preview
        if preview.state is None and preview.error is None:
            self._report(preview.build_all(), None, first=True)
        else:  # built before the session started (tests): say how it stands
            self._send_standing()

    def _send_standing(self) -> None:
        """The site's settings and problems as they stand, with nothing to say or reload."""
        error = self.preview.error
        self.reports.send(Report(self.preview.site, problems=error.problems if error else None))

    def _loop(self) -> None:
        debouncer = self.debouncer
        while not self.stopping():
            wait = debouncer.wait(time.monotonic())
            paths = self._receive(0.2 if wait is None else wait)
            debouncer.add(paths, time.monotonic())
            batch = debouncer.take(time.monotonic())
            if batch:
                self.rebuild(batch)
            elif debouncer.wait(time.monotonic()) is None and not self._waiting():
                self.settle()  # only between bursts: it can take a while on a big site

    def _receive(self, timeout: float) -> set[Path]:
        """The paths sent within ``timeout`` seconds (nothing once the server closed)."""
        try:
            if self.changes.poll(timeout):
                paths: set[Path] = self.changes.recv()
                return paths
        except (EOFError, OSError):
            self.closed = True
        return set()

    def _waiting(self) -> bool:
        """Whether the server has sent something not read yet (or closed its end)."""
        try:
            return self.changes.poll()
        except OSError:
            return True

    def settle(self) -> None:
        """Finish the last rebuild (the search index) once no edit is waiting. An edit
        (or stopping) stops it at once, so it never holds an edit back; the next quiet
        moment starts it again."""
        preview = self.preview
        if not preview.unsettled:
            return
        started = time.perf_counter()

        def interrupted() -> bool:
            return self._waiting() or self.stopping()

        try:
            if preview.settle(interrupted) is None:
                return
        except Exception as exc:
            logging.getLogger(__name__).exception("finishing the build failed: %s", exc)
            return
        seconds = time.perf_counter() - started
        self.reports.send(Report(preview.site, f"Search index updated in {seconds:.1f} s"))

    def rebuild(self, paths: set[Path]) -> Outcome | None:
        """One rebuild for one batch; never raises, so the server keeps serving. None
        when stopping the session abandoned it."""
        try:
            return self._rebuild(paths)
        except Interrupted:
            return None

    def _rebuild(self, paths: set[Path]) -> Outcome:
        preview = self.preview
        before = preview.error
        try:
            outcome = preview.update(paths)
        except Interrupted:
            raise
        except Exception as exc:  # a bug must not take the server down: report, rebuild all
            logging.getLogger(__name__).exception("rebuild failed: %s", exc)
            outcome = preview.build_all("the last rebuild failed")
        roots = watch_roots(preview.site)
        if roots != self.roots:  # a folder appeared or went, or site.yaml moved one:
            before_roots, self.roots = self.roots, roots  # the server watches it (told
            self._send_standing()  # first), and this builds with it (a new
            if outcome.kind != "full":  # templates/ folder renders nothing until then)
                reason = folders_changed(preview.site.root, before_roots[0], roots[0])
                outcome = preview.build_all(reason)
        self._report(outcome, before)
        return outcome

    def _report(self, outcome: Outcome, before: object, first: bool = False) -> None:
        """Tell the server what a rebuild did; nothing when nothing it shows changed (an
        editor's temporary file...)."""
        unchanged = outcome.kind == "incremental" and not outcome.rendered and not outcome.written
        if unchanged and before is None and not first:
            return
        reload = None
        if not first and (outcome.written or outcome.error is not None or before is not None):
            reload = reload_path(outcome)
        error = outcome.error
        self.reports.send(
            Report(
                self.preview.site,
                outcome.summary(),
                error.problems if error is not None else None,
                print_problems=error is not None,
                reload=reload,
            )
        )
