"""Live preview: build, serve the output with livereload, rebuild on edits, reload browsers.

Two processes. The builder (``builder.BuildLoop``) is forked first, while this process
has no other thread: it makes every build and keeps the last one in memory, and forks
its own render workers freely, having no thread of its own. Then this process runs
tornado's loop (files and livereload's websocket) and the watcher threads (watchfiles),
which send changed paths to the builder, and a thread that reads the builder's reports
and tells the browsers to reload (:class:`PreviewSession`).

Everything that decides something (which file a URL names, which hosts are this
server's, what a batch of changes means, when a burst is over, what a page looks like
with the problems overlaid) is a plain function or class here or in ``watch.py``,
tested without sockets, as MkDocs does. The server answers only requests sent to its
own address (a page whose name was pointed at it, DNS rebinding, gets nothing).
"""

from __future__ import annotations

import contextlib
import errno
import html
import ipaddress
import logging
import mimetypes
import multiprocessing
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
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

from ..config import base_path
from ..problems import ContentError
from ..site.urls import NOT_FOUND_URL
from ..site.write import is_scratch
from ..tuning import fork_process
from .builder import BuildLoop, Crashed, Report
from .incremental import Preview
from .watch import (
    Debouncer,
    folders_changed,
    reload_path,
    top_level_inputs,
    watch_roots,
)

__all__ = [  # what the tests and the command line use, some of it from watch.py
    "OVERLAY_ID",
    "BuilderFailed",
    "CannotListen",
    "Debouncer",
    "PreviewSession",
    "Redirect",
    "ctrl_c_stops",
    "folders_changed",
    "host_allowed",
    "inject",
    "misdirected",
    "reload_path",
    "resolve",
    "serve",
    "top_level_inputs",
    "watch_roots",
]

# How long starting the preview waits for its file watchers to be watching.
WATCH_START_SECONDS = 10.0
# How long stopping waits for the builder and the threads; a rebuild stops at its next
# page or stage, and a builder still at work then is killed.
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


# --- the session: watchers here, builds in the builder ----------------------------------------


class BuilderFailed(Exception):
    """The builder stopped by itself (a bug, or killed: out of memory...): the preview
    cannot rebuild any more, and says so rather than serve stale pages in silence.
    ``crash`` is the bug's, when it was one."""

    def __init__(self, message: str, crash: Crashed | None = None) -> None:
        super().__init__(message)
        self.crash = crash


class PreviewSession:
    """Watches the site on threads of this process and has it built by the builder
    (:class:`~clusterreports.preview.builder.BuildLoop`), a process forked by
    :meth:`start` before any of those threads: the builder forks render workers, which
    must never happen beside threads. ``reload`` is called (from a thread of the
    session) after every rebuild that changed what a browser shows, ``failed`` with the
    report if the builder stops by itself. ``site`` and ``error`` are the last build's
    settings and problems, as the builder reported them."""

    def __init__(
        self,
        preview: Preview,
        reload: Callable[[str], None],
        say: Callable[[str], None] = print,
        debouncer: Debouncer | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        self.preview = preview  # the builder's (made here, built there)
        self.site = preview.site
        self.error = preview.error
        self.reload = reload
        self.say = say
        self.failed = failed
        self.crash: Crashed | None = None  # the builder's bug, if it had one
        changes, self.changes = multiprocessing.Pipe(duplex=False)  # (receiving, sending)
        self.reports, reports = multiprocessing.Pipe(duplex=False)
        self.loop = BuildLoop(preview, changes, reports, debouncer, (self.changes, self.reports))
        self.builder: BaseProcess | threading.Thread | None = None
        self.sending = threading.Lock()  # two watchers send on one connection
        self.stopping = threading.Event()
        self.watch_stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.watching = False
        self.roots = watch_roots(preview.site)

    @property
    def debouncer(self) -> Debouncer:
        return self.loop.debouncer

    def start(self) -> None:
        """Start the builder and wait for its first build (a KeyboardInterrupt meanwhile
        propagates; call :meth:`stop`), then watch the site. Raises BuilderFailed if
        the builder fails before its first report."""
        process = fork_process(self.loop.run_in_process, "preview-builder")
        if process is None:  # no fork here, or a thread already runs: build on a thread
            self.builder = threading.Thread(target=self.loop.run, name="preview-builder")
            self.builder.start()
        else:
            self.builder = process
            self.loop.changes.close()  # the builder's ends: its exit must close them
            self.loop.reports.close()
        first = self._next_report()
        if first is None:
            raise BuilderFailed(self._why_failed(), self.crash)
        self._handle(first)
        self._start_watchers()  # after the first build, as before: it reads no edit
        self.watching = True
        receiver = threading.Thread(target=self._receive, name="preview-reports", daemon=True)
        receiver.start()
        self.threads.append(receiver)

    def stop(self) -> None:
        """Stop watching and building: a rebuild under way is abandoned at the next page
        or stage, leaving the output as the last finished build left it. The builder
        (and so its workers) is killed if it has not ended within STOP_SECONDS."""
        self.stopping.set()
        self.watch_stop.set()
        self.preview.cancel()  # shared with the builder and its workers
        builder = self.builder
        if isinstance(builder, threading.Thread):
            builder.join(STOP_SECONDS)
            self.loop.reports.close()  # the receiver's end of the line
        elif builder is not None:
            builder.join(STOP_SECONDS)
            if builder.is_alive():
                builder.kill()  # its render workers die with it (tuning.fork_process)
                builder.join()
        with contextlib.suppress(OSError):
            self.changes.close()
        for thread in list(self.threads):
            thread.join(timeout=STOP_SECONDS)

    def send(self, paths: set[Path]) -> None:
        """Pass changed paths on to the builder (a builder gone is reported elsewhere)."""
        with self.sending, contextlib.suppress(OSError):
            self.changes.send(paths)

    def _next_report(self) -> Report | None:
        """The builder's next report; None once it has stopped (its details kept)."""
        try:
            report = self.reports.recv()
        except (EOFError, OSError):
            return None
        if isinstance(report, Crashed):
            self.crash = report
            return None
        assert isinstance(report, Report)
        return report

    def _receive(self) -> None:
        while (report := self._next_report()) is not None:
            self._handle(report)
        if self.stopping.is_set():
            return
        message = self._why_failed()
        if self.failed is not None:
            self.failed(message)
        else:
            print(f"clusterreports serve: {message}", file=sys.stderr, flush=True)

    def _why_failed(self) -> str:
        how = "failed"
        if isinstance(self.builder, BaseProcess):
            self.builder.join(STOP_SECONDS)
            code = self.builder.exitcode
            if code is not None and code < 0:
                how = f"was stopped by {signal.Signals(-code).name} (out of memory?)"
            elif code is not None:
                how = f"ended with status {code}"
        details = f"\n{self.crash.details.rstrip()}" if self.crash else ""
        return f"the preview's builder {how}: edits are no longer rebuilt{details}"

    def _handle(self, report: Report) -> None:
        self.site = report.site
        self.error = ContentError(report.problems) if report.problems else None
        roots = watch_roots(report.site)
        if roots != self.roots:  # a folder appeared or went, or site.yaml moved one
            self.roots = roots
            if self.watching:  # watch it (told before the builder builds with it)
                self.watch_stop.set()
                self._start_watchers()
        if report.print_problems and self.error is not None:  # even with --quiet
            print(self.error.report(), file=sys.stderr, flush=True)
        if report.say is not None:
            self.say(report.say)
        if report.reload is not None:
            self.reload(report.reload)

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
        output = self.site.output_dir.resolve()
        inputs = None if recursive else top_level_inputs(self.site)

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
                self.send(changed)


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
    """Serves the output folder only, with the problems overlaid while there are any
    (the session's ``site`` and ``error``, as the builder last reported them)."""

    def initialize(self, listen: tuple[str, int], session: PreviewSession) -> None:  # type: ignore[override]
        super().initialize(listen)
        self.session = session

    def compute_etag(self) -> None:
        return None

    def get(self, _: str = "") -> None:
        site = self.session.site
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
            body = inject(body, self.session.error)
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


def application(session: PreviewSession, listen: str, port: int) -> web.Application:
    """The preview's routes: livereload's three, then the output folder."""
    where: dict[str, object] = {"listen": (listen, port)}
    handlers: list[tuple[str, type[web.RequestHandler], dict[str, object]]] = [
        ("/livereload", _LiveReload, where),
        ("/forcereload", _ForceReload, where),
        ("/livereload.js", _LiveReloadScript, where),
        ("/.*", PreviewHandler, {**where, "session": session}),
    ]
    return web.Application(
        handlers,
        transforms=[_InjectLiveScript],
        cross_origin_protection=True,
    )


class CannotListen(Exception):
    """The address or port cannot be served on (in use, not this computer's...)."""


def serve(preview: Preview, host: str, port: int, say: Callable[[str], None] = print) -> None:
    """Build ``preview`` (in the builder, see :class:`PreviewSession`), then serve until
    Ctrl-C or SIGTERM (KeyboardInterrupt, raised on once the session has stopped: a
    rebuild under way is abandoned and the output keeps the last good build; see
    :func:`ctrl_c_stops`). Raises CannotListen when the server cannot start, and
    BuilderFailed when the builder stops by itself."""
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
    failures: list[str] = []

    def reload(path: str) -> None:
        loop.add_callback(LiveReloadHandler.reload_waiters, path)

    def failed(message: str) -> None:
        failures.append(message)
        loop.add_callback(loop.stop)

    session = PreviewSession(preview, reload, say, failed=failed)
    server = HTTPServer(application(session, host, port))
    try:
        # First, while this process has no other thread: it forks the builder. Before
        # listening: once a page loads, every save is seen.
        session.start()
        where = f"http://{host}:{port}{base_path(session.site.config.base_url)}"
        say(f"Serving {session.site.output_dir} at {where} (Ctrl-C stops)")
        try:
            server.add_sockets(bind_sockets(port, address=host))
        except OSError as exc:
            raise CannotListen(_cannot_listen(exc, host, port)) from None
        loop.start()
        if failures:
            raise BuilderFailed(failures[0], session.crash)
    finally:
        session.stop()
        server.stop()
        livereload_log.removeHandler(talk)


@contextlib.contextmanager
def ctrl_c_stops(preview: Preview) -> Iterator[None]:
    """Ctrl-C cancels the (re)build under way at once, then raises KeyboardInterrupt.

    Installed explicitly: started with SIGINT ignored (a script's background job),
    Python never raises KeyboardInterrupt. The flag is shared with the builder and its
    render workers (a terminal sends them Ctrl-C too, a ``kill`` only this process):
    the builder, hearing of it from its workers first, must know it for the stop (not
    a failed rebuild to retry)."""
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
