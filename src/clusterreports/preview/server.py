"""Live preview: build, serve the output with livereload, rebuild on edits, reload browsers.

Three threads: tornado's loop serves files and livereload's websocket; watcher threads
(watchfiles) put changed paths on a queue; one builder thread waits out a burst of
changes (:class:`Debouncer`), asks :class:`~clusterreports.preview.incremental.Preview` for an
incremental rebuild and then tells the browsers to reload.

Everything that decides something (which file a URL names, which hosts are this
server's, what a batch of changes means, when a burst is over, what a page looks like
with the problems overlaid) is a plain function or class here, tested without sockets,
as MkDocs does. The server answers only requests sent to its own address (a page whose
name was pointed at it, DNS rebinding, gets nothing).
"""

from __future__ import annotations

import contextlib
import errno
import html
import ipaddress
import logging
import mimetypes
import queue
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import quote, unquote, urlsplit

import watchfiles
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.log import LogFormatter
from tornado.netutil import bind_sockets

from ..config import Site, base_path
from ..outputs.context import Interrupted
from ..problems import ContentError
from ..site.i18n import catalogue_folders
from ..site.render import template_dirs
from ..site.theme import builtin_dir
from ..site.urls import NOT_FOUND_URL
from ..site.write import is_scratch
from .incremental import Outcome, Preview

QUIET_SECONDS = 0.05
LONGEST_WAIT_SECONDS = 1.0
# How long starting the preview waits for its file watchers to be watching.
WATCH_START_SECONDS = 10.0
# How long stopping waits for the threads; a rebuild stops at its next page or stage.
STOP_SECONDS = 10.0
OVERLAY_ID = "clusterreports-problems"
NOT_BUILT = (
    b"<!DOCTYPE html><html><head><title>Not found</title></head><body>"
    b"<p>Not found: this page has not been built.</p></body></html>"
)


# --- URLs to files -----------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    location: str


def resolve(root: Path, raw_path: str, prefix: str = "/") -> Path | Redirect | None:
    """The file under ``root`` that a request path names, or None for a 404.

    ``raw_path`` is the path as sent (percent-encoded) and is decoded once; a '..'
    segment, a backslash or NUL, a path the file system cannot take (too long), or a
    symlink out of ``root`` gets None. The site's base path (``prefix``) is served as
    the top of the output, as it will be once published. A redirect is made from the
    path's segments, so it never starts with '//' (``//people/`` would name the host
    ``people``)."""
    if not raw_path.startswith(prefix):
        return Redirect(prefix) if raw_path in ("/", prefix.rstrip("/")) else None
    path = unquote(raw_path[len(prefix) - 1 :], errors="strict")
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    target = root.joinpath(*parts)
    try:
        if target.is_dir():
            if not path.endswith("/"):
                return Redirect(quote(prefix + "".join(f"{part}/" for part in parts)))
            target = target / "index.html"
        real, top = target.resolve(), root.resolve()
        if top not in real.parents or not real.is_file():
            return None
    except OSError:  # e.g. a name longer than the file system allows
        return None
    return real


# --- the problems overlay ------------------------------------------------------------------


def overlay(error: ContentError) -> str:
    """The problems as a banner over the page: the same lines as ``ContentError.report()``."""
    lines = "\n".join(html.escape(line) for line in error.report().splitlines())
    return (
        f'<div id="{OVERLAY_ID}" role="alert" aria-live="assertive" style="position:fixed;'
        "top:0;left:0;right:0;z-index:2147483647;max-height:70vh;overflow:auto;margin:0;"
        "padding:1rem 1.25rem;background:#fff4f4;color:#5c0000;border-bottom:4px solid #c00;"
        'box-shadow:0 4px 16px rgba(0,0,0,.3);font:15px/1.5 system-ui,sans-serif">'
        '<p style="margin:0 0 .5rem;font-weight:bold">The content has problems; '
        "this is the last good build of the page.</p>"
        '<pre style="margin:0;white-space:pre-wrap;font:14px/1.5 ui-monospace,monospace">'
        f"{lines}</pre>"
        '<p style="margin:.5rem 0 0">Fix the files and save: the page reloads by itself.</p>'
        "</div>"
    )


def inject(page: bytes, error: ContentError | None) -> bytes:
    """A served HTML page with the problems overlay (never written to the output)."""
    if error is None:
        return page
    banner = overlay(error).encode("utf-8")
    end = page.rfind(b"</body>")
    return page[:end] + banner + page[end:] if end >= 0 else page + banner


# --- what to watch, and when a burst of changes is over -------------------------------------


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


# --- the session: watchers and builder ------------------------------------------------------


class PreviewSession:
    """Watches the site and rebuilds it on a builder thread; ``reload`` is called (from
    that thread) after every rebuild that changed what a browser shows."""

    def __init__(
        self,
        preview: Preview,
        reload: Callable[[str], None],
        say: Callable[[str], None] = print,
        debouncer: Debouncer | None = None,
    ) -> None:
        self.preview = preview
        self.debouncer = debouncer or Debouncer()
        self.reload = reload
        self.say = say
        self.changes: queue.Queue[set[Path]] = queue.Queue()
        self.stopping = threading.Event()
        self.watch_stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.roots = watch_roots(preview.site)

    def start(self) -> None:
        self._start_watchers()
        builder = threading.Thread(target=self._build_loop, name="preview-builder")
        builder.start()
        self.threads.append(builder)

    def stop(self) -> None:
        """Stop watching and building: a rebuild under way is abandoned at the next page
        or stage, leaving the output as the last finished build left it."""
        self.stopping.set()
        self.watch_stop.set()
        self.preview.cancel()
        for thread in self.threads:
            thread.join(timeout=STOP_SECONDS)

    def _start_watchers(self) -> None:
        """Start watching, and return once watching: a save made just after would
        otherwise go unseen (a loaded machine can take a while to start a thread)."""
        self.watch_stop = threading.Event()
        deep, flat = self.roots
        ready = []
        for paths, recursive in ((deep, True), (flat, False)):
            if paths:
                watching = threading.Event()
                thread = threading.Thread(
                    target=self._watch,
                    args=(sorted(paths), recursive, self.watch_stop, watching),
                    name="preview-watcher",
                )
                thread.start()
                self.threads.append(thread)
                ready.append(watching)
        for watching in ready:
            watching.wait(WATCH_START_SECONDS)

    def _watch(
        self, paths: list[Path], recursive: bool, stop: threading.Event, watching: threading.Event
    ) -> None:
        output = self.preview.site.output_dir.resolve()
        inputs = None if recursive else top_level_inputs(self.preview.site)

        def is_edit(path: Path) -> bool:
            if inputs is not None:  # the flat watch: only what it is for
                return path.resolve() in inputs
            # The recursive watch: anything but the build's own output and scratch folders.
            return output not in path.parents and path != output and not is_scratch(path, output)

        for batch in watchfiles.watch(
            *paths,
            recursive=recursive,
            watch_filter=None,
            debounce=5,
            step=1,
            rust_timeout=200,
            yield_on_timeout=True,
            stop_event=stop,
            raise_interrupt=False,
        ):
            watching.set()  # the first batch (empty after rust_timeout) comes once watching
            changed = {path for _, name in batch if is_edit(path := Path(name))}
            if changed:
                self.changes.put(changed)

    def _build_loop(self) -> None:
        debouncer = self.debouncer
        while not self.stopping.is_set():
            wait = debouncer.wait(time.monotonic())
            with contextlib.suppress(queue.Empty):
                paths = self.changes.get(timeout=0.2 if wait is None else wait)
                debouncer.add(paths, time.monotonic())
            batch = debouncer.take(time.monotonic())
            if batch:
                self.rebuild(batch)
            elif debouncer.wait(time.monotonic()) is None and self.changes.empty():
                self.settle()  # only between bursts: it can take a while on a big site

    def settle(self) -> None:
        """Finish the last rebuild (the search index) once no edit is waiting. An edit
        (or stopping) stops it at once, so it never holds an edit back; the next quiet
        moment starts it again."""
        if not self.preview.unsettled:
            return
        started = time.perf_counter()

        def interrupted() -> bool:
            return not self.changes.empty() or self.stopping.is_set()

        try:
            if self.preview.settle(interrupted) is None:
                return
        except Exception as exc:
            logging.getLogger(__name__).exception("finishing the build failed: %s", exc)
            return
        self.say(f"Search index updated in {time.perf_counter() - started:.1f} s")

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
            before_roots, self.roots = self.roots, roots  # watch it, and build with it
            self.watch_stop.set()  # (a new templates/ folder renders nothing until then)
            self._start_watchers()
            if outcome.kind != "full":
                reason = folders_changed(preview.site.root, before_roots[0], roots[0])
                outcome = preview.build_all(reason)
        unchanged = outcome.kind == "incremental" and not outcome.rendered and not outcome.written
        if unchanged and before is None:
            return outcome  # nothing the site shows changed (an editor's temporary file...)
        if outcome.error is not None:  # problems are printed even with --quiet
            print(outcome.error.report(), file=sys.stderr, flush=True)
        self.say(outcome.summary())
        if outcome.written or outcome.error is not None or before is not None:
            self.reload(reload_path(outcome))
        return outcome


# --- the HTTP side ---------------------------------------------------------------------------


EVERY_ADDRESS = ("0.0.0.0", "::", "")  # what --host takes for "listen on every address"


def host_allowed(header: str, listen: str, port: int) -> bool:
    """Whether a request's ``Host`` header names this server: the address it listens on
    or ``localhost``, with its port (left out only for port 80, as browsers do).

    A page of another site whose name an attacker points at 127.0.0.1 (DNS rebinding)
    reaches this server with that name as its Host, and is refused. Listening on every
    address (0.0.0.0, ::), the server answers to any IP address of this computer and to
    its name; an IP address in the Host is never a rebound name."""
    try:
        split = urlsplit(f"//{header}")
        name, given = (split.hostname or "").rstrip("."), split.port
    except ValueError:  # a port that is not a number
        return False
    if given != port and not (given is None and port == 80):
        return False
    wanted = listen.strip("[]").lower()
    if name in ("localhost", wanted):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return wanted in EVERY_ADDRESS and name == socket.gethostname().lower()
    if wanted in EVERY_ADDRESS:
        return True
    with contextlib.suppress(ValueError):
        listening = ipaddress.ip_address(wanted)
        return address == listening or (address.is_loopback and listening.is_loopback)
    return wanted == "localhost" and address.is_loopback


def misdirected(listen: str, port: int) -> str:
    """The answer to a request for another host (see :func:`host_allowed`)."""
    shown = f"[{listen}]" if ":" in listen else listen
    where = f"http://{shown}:{port}/"
    if listen in EVERY_ADDRESS:
        where = f"this computer's IP addresses or name, port {port},"
    return (
        f"Misdirected request: this preview answers only at {where} and http://localhost:{port}/.\n"
    )


class _ThisHostOnly(web.RequestHandler):
    """Answers only requests sent to this server by its own name (:func:`host_allowed`)."""

    def initialize(self, listen: tuple[str, int]) -> None:
        self.listen = listen

    def prepare(self) -> None:
        listen, port = self.listen
        if not host_allowed(self.request.host, listen, port):
            self.set_status(421)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(misdirected(listen, port))


class PreviewHandler(_ThisHostOnly):
    """Serves the output folder only, with the problems overlaid while there are any."""

    def initialize(self, listen: tuple[str, int], preview: Preview) -> None:  # type: ignore[override]
        super().initialize(listen)
        self.preview = preview

    def compute_etag(self) -> None:
        return None

    def get(self, _: str = "") -> None:
        site = self.preview.site
        root = site.output_dir
        try:
            found = resolve(root, self.request.path, base_path(site.config.base_url))
        except UnicodeDecodeError:
            found = None
        if isinstance(found, Redirect):
            self.redirect(found.location)
            return
        self.set_header("Cache-Control", "no-store")
        if found is None:
            self.set_status(404)
            found = root / NOT_FOUND_URL.lstrip("/")
        body = found.read_bytes() if found.is_file() else NOT_BUILT
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if body is NOT_BUILT:
            kind = "text/html"
        if kind == "text/html":
            kind = "text/html; charset=utf-8"
            body = inject(body, self.preview.error)
        self.set_header("Content-Type", kind)
        self.finish(body)

    def head(self, _: str = "") -> None:
        self.get()  # tornado sends the headers (Content-Length too) and drops the body


class _LiveReload(_ThisHostOnly, LiveReloadHandler):  # type: ignore[misc]
    """livereload's websocket, for pages of this server only (livereload accepts every
    origin): a browser's connection must come from a page this server served."""

    def check_origin(self, origin: str) -> bool:
        return urlsplit(origin).netloc.lower() == self.request.host.lower()


class _LiveReloadScript(_ThisHostOnly, LiveReloadJSHandler):  # type: ignore[misc]
    pass


class _ForceReload(_ThisHostOnly, ForceReloadHandler):  # type: ignore[misc]
    """livereload's endpoint that reloads the browsers, as a POST: tornado's
    cross-origin protection then refuses it from another site's page (GET is exempt)."""

    def get(self) -> None:
        raise web.HTTPError(405)

    def post(self) -> None:
        super().get()


# Loads livereload.js from this server, by the name the page was loaded by.
LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b"var port=window.location.port||(window.location.protocol=='https:'?443:80);"
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)


class _InjectLiveScript(LiveScriptInjector):  # type: ignore[misc]
    script = LIVE_SCRIPT


def application(preview: Preview, listen: str, port: int) -> web.Application:
    """The preview's routes: livereload's three, then the output folder."""
    where: dict[str, object] = {"listen": (listen, port)}
    handlers: list[tuple[str, type[web.RequestHandler], dict[str, object]]] = [
        ("/livereload", _LiveReload, where),
        ("/forcereload", _ForceReload, where),
        ("/livereload.js", _LiveReloadScript, where),
        ("/.*", PreviewHandler, {**where, "preview": preview}),
    ]
    return web.Application(
        handlers,
        transforms=[_InjectLiveScript],
        cross_origin_protection=True,
    )


class CannotListen(Exception):
    """The address or port cannot be served on (in use, not this computer's...)."""


def serve(preview: Preview, host: str, port: int, say: Callable[[str], None] = print) -> None:
    """Serve until Ctrl-C or SIGTERM (KeyboardInterrupt, raised on once the session has
    stopped: a rebuild under way is abandoned and the output keeps the last good build;
    see :func:`ctrl_c_stops`). Raises CannotListen when the server cannot start."""
    # livereload's own watcher stays idle: ours runs on its own threads and calls reload.
    LiveReloadHandler.watcher = Watcher()
    LiveReloadHandler.live_css = True
    talk = logging.StreamHandler()  # "Browser Connected: ..." as livereload says it
    talk.setFormatter(LogFormatter())
    livereload_log = logging.getLogger("livereload")
    livereload_log.setLevel(logging.INFO)
    livereload_log.addHandler(talk)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    loop = IOLoop.current()

    def reload(path: str) -> None:
        loop.add_callback(LiveReloadHandler.reload_waiters, path)

    session = PreviewSession(preview, reload, say)
    server = HTTPServer(application(preview, host, port))
    try:
        session.start()  # before listening: once a page loads, every save is seen
        try:
            server.add_sockets(bind_sockets(port, address=host))
        except OSError as exc:
            raise CannotListen(_cannot_listen(exc, host, port)) from None
        loop.start()
    finally:
        session.stop()
        server.stop()
        livereload_log.removeHandler(talk)


@contextlib.contextmanager
def ctrl_c_stops(preview: Preview) -> Iterator[None]:
    """Ctrl-C cancels the (re)build under way at once, then raises KeyboardInterrupt.

    Installed explicitly: started with SIGINT ignored (a script's background job),
    Python never raises KeyboardInterrupt. A terminal sends Ctrl-C to the render
    workers too, and the builder thread, hearing of it from them first, must know it
    for the stop (not a failed rebuild to retry)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        preview.cancel()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _cannot_listen(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use: choose another with --port"
    if error.errno == errno.EACCES:
        return f"port {port} needs administrator rights: choose one above 1023 with --port"
    reason = error.strerror or str(error)
    return f"cannot listen on {host} ({reason}): choose another address with --host"
