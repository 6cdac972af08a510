"""The preview server: its decisions tested as plain functions, then the real command
(on 127.0.0.1, a free port, always stopped) for status codes and a clean Ctrl-C."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest

from clusterreports.cli import main
from clusterreports.config import base_path
from clusterreports.outputs import search
from clusterreports.preview.incremental import Outcome, Preview
from clusterreports.preview.server import (
    OVERLAY_ID,
    CannotListen,
    Debouncer,
    PreviewSession,
    Redirect,
    folders_changed,
    host_allowed,
    inject,
    misdirected,
    reload_path,
    resolve,
    serve,
    top_level_inputs,
    watch_roots,
)
from clusterreports.problems import ContentError, Problem
from clusterreports.site.i18n import BUILTIN_LOCALES
from clusterreports.site.theme import builtin_dir
from clusterreports.site.write import is_scratch, scratch_folder

from .conftest import bench_corpus, fake_pagefind, hanging_pagefind, snapshot

WAIT = 30  # seconds: the bound on every wait below
# Where the server must point once bianca-dragomir.yaml reads 'name: [unclosed'.
BROKEN = r"content/people/bianca-dragomir\.yaml:\d+:\d+: YAML syntax error"


# --- URL to file ----------------------------------------------------------------------------


@pytest.fixture
def output(tmp_path: Path) -> Path:
    root = tmp_path / "site" / "_site"
    (root / "people" / "x").mkdir(parents=True)
    (root / "people" / "x" / "index.html").write_text("x")
    (root / "index.html").write_text("home")
    (root / "static").mkdir()
    (root / "static" / "a b.css").write_text("css")
    (tmp_path / "site" / "secret.txt").write_text("secret")
    return root


def test_resolve_finds_pages_and_files(output: Path) -> None:
    assert resolve(output, "/") == (output / "index.html").resolve()
    assert resolve(output, "/people/x/") == (output / "people/x/index.html").resolve()
    assert resolve(output, "/static/a%20b.css") == (output / "static/a b.css").resolve()
    assert resolve(output, "/people/x") == Redirect("/people/x/")
    assert resolve(output, "/people/missing/") is None


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/people/../../secret.txt",
        "/people/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%5c..%5csecret.txt",
        "/index.html%00.css",
    ],
)
def test_resolve_refuses_anything_outside_the_output(output: Path, path: str) -> None:
    assert resolve(output, path) is None


@pytest.mark.parametrize(
    ("path", "prefix", "location"),
    [
        ("//people", "/", "/people/"),
        ("///people//x", "/", "/people/x/"),
        ("/./people", "/", "/people/"),
        ("/reports//people", "/reports/", "/reports/people/"),
    ],
)
def test_redirects_never_name_another_host(
    output: Path, path: str, prefix: str, location: str
) -> None:
    """A browser reads a Location of '//people/' as the host 'people'."""
    assert resolve(output, path, prefix) == Redirect(location)


@pytest.mark.parametrize("path", ["/" + "a" * 300, "/a" * 2100, "/people/" + "x" * 5000])
def test_resolve_takes_paths_too_long_for_the_file_system_as_missing(
    output: Path, path: str
) -> None:
    assert resolve(output, path) is None


def test_resolve_refuses_symlinks_out_of_the_output(output: Path) -> None:
    (output / "link.txt").symlink_to(output.parent / "secret.txt")
    assert resolve(output, "/link.txt") is None


def test_resolve_serves_the_base_path_as_the_top(output: Path) -> None:
    assert base_path("/reports/") == "/reports/"
    assert base_path("https://example.org/reports") == "/reports/"
    assert base_path("https://example.org") == "/"
    assert (
        resolve(output, "/reports/people/x/", "/reports/")
        == (output / "people/x/index.html").resolve()
    )
    assert resolve(output, "/", "/reports/") == Redirect("/reports/")
    assert resolve(output, "/people/x/", "/reports/") is None


# --- which hosts the server answers to ---------------------------------------------------


@pytest.mark.parametrize(
    ("header", "listen", "port"),
    [
        ("127.0.0.1:8000", "127.0.0.1", 8000),
        ("localhost:8000", "127.0.0.1", 8000),
        ("LOCALHOST.:8000", "127.0.0.1", 8000),
        ("[::1]:8000", "::1", 8000),
        ("127.0.0.1", "127.0.0.1", 80),
        ("192.168.1.20:8000", "0.0.0.0", 8000),
        ("[fe80::1]:8000", "::", 8000),
        ("127.0.0.1:8000", "localhost", 8000),
    ],
)
def test_the_server_answers_to_its_own_address_and_localhost(
    header: str, listen: str, port: int
) -> None:
    assert host_allowed(header, listen, port)


@pytest.mark.parametrize(
    ("header", "listen", "port"),
    [
        ("rebound.example:8000", "127.0.0.1", 8000),  # DNS rebinding
        ("rebound.example:8000", "0.0.0.0", 8000),
        ("127.0.0.1:8001", "127.0.0.1", 8000),
        ("127.0.0.1", "127.0.0.1", 8000),
        ("127.0.0.1:x", "127.0.0.1", 8000),
        ("192.168.1.20:8000", "127.0.0.1", 8000),
        ("", "127.0.0.1", 8000),
    ],
)
def test_the_server_refuses_other_hosts(header: str, listen: str, port: int) -> None:
    assert not host_allowed(header, listen, port)


def test_the_refusal_says_where_the_preview_answers() -> None:
    assert misdirected("::1", 8000) == (
        "Misdirected request: this preview answers only at http://[::1]:8000/ "
        "and http://localhost:8000/.\n"
    )
    assert misdirected("0.0.0.0", 8000) == (
        "Misdirected request: this preview answers only at this computer's IP addresses "
        "or name, port 8000, and http://localhost:8000/.\n"
    )


# --- overlay ----------------------------------------------------------------------------------


def test_overlay_shows_each_problem_line_and_is_escaped() -> None:
    error = ContentError(
        [
            Problem("content/people/x.yaml", 3, 7, "unknown field '<b>'"),
            Problem("a.yaml", None, None, "m"),
        ]
    )
    page = inject(b"<html><body><p>page</p></body></html>", error).decode()
    assert page.index(OVERLAY_ID) > page.index("<p>page</p>")
    assert page.endswith("</body></html>")
    for line in error.report().splitlines():
        assert line.replace("'", "&#x27;").replace("<", "&lt;").replace(">", "&gt;") in page
    assert "<b>" not in page


def test_no_overlay_without_problems() -> None:
    assert inject(b"<body></body>", None) == b"<body></body>"


# --- debounce ------------------------------------------------------------------------------------


def test_debounce_waits_for_a_quiet_moment() -> None:
    bouncer = Debouncer(quiet=0.25, longest=2.0)
    assert bouncer.take(0.0) is None and bouncer.wait(0.0) is None
    bouncer.add([Path("a")], 0.0)
    bouncer.add([Path("b")], 0.5)
    assert bouncer.take(0.625) is None
    assert bouncer.wait(0.625) == 0.125
    assert bouncer.take(0.75) == {Path("a"), Path("b")}
    assert bouncer.take(1.5) is None


def test_debounce_gives_up_waiting_during_an_endless_burst() -> None:
    bouncer = Debouncer(quiet=0.25, longest=1.0)
    for tick in range(8):
        bouncer.add([Path(f"f{tick}")], tick * 0.125)
    assert bouncer.take(0.9375) is None
    assert bouncer.take(1.0) == {Path(f"f{t}") for t in range(8)}


def test_debounce_ignores_empty_batches() -> None:
    bouncer = Debouncer()
    bouncer.add([], 0.0)
    assert bouncer.wait(0.0) is None


def test_reload_path_swaps_stylesheets_in_place() -> None:
    css = Outcome("incremental", ["/static/style.css"], 0, 0.0)
    assert reload_path(css) == "/static/style.css"
    assert reload_path(Outcome("incremental", ["/static/style.css", "/"], 1, 0.0)) == "*"
    assert reload_path(Outcome("full", ["/static/style.css"], 1, 0.0)) == "*"


# --- the session: watchers, debounce and rebuilds, no sockets ---------------------------


@dataclass
class Reloads:
    paths: list[str]
    seen: threading.Event

    def __call__(self, path: str) -> None:
        self.paths.append(path)
        self.seen.set()


@pytest.fixture
def session(valid_site: Path) -> Iterator[tuple[PreviewSession, Reloads]]:
    """A session that makes its first build in the builder, as ``serve`` does."""
    reloads = Reloads([], threading.Event())
    session = PreviewSession(Preview(valid_site), reloads, say=lambda text: None)
    session.start()
    try:
        yield session, reloads
    finally:
        session.stop()
    assert_all_stopped(session)


def assert_all_stopped(session: PreviewSession) -> None:
    """No thread of the session and no builder left (nor its workers: they die with it)."""
    assert not any(t.is_alive() for t in session.threads)
    builder = session.builder
    assert builder is not None and not builder.is_alive()


def test_the_builder_is_a_process_of_its_own(session: tuple[PreviewSession, Reloads]) -> None:
    """Forked before the session's threads, so that it can fork render workers."""
    builder = session[0].builder
    assert isinstance(builder, BaseProcess)
    assert builder.pid not in (None, os.getpid()) and builder.is_alive()


def test_session_rebuilds_and_reloads_after_an_edit(
    session: tuple[PreviewSession, Reloads],
) -> None:
    session_, reloads = session
    person = session_.preview.site.content_dir / "people" / "bianca-dragomir.yaml"
    person.write_text(person.read_text().replace("Bianca Dragomir", "Bianca D. Dragomir"))
    assert reloads.seen.wait(WAIT)
    page = session_.preview.site.output_dir / "people" / "bianca-dragomir" / "index.html"
    assert "Bianca D. Dragomir" in page.read_text()
    assert reloads.paths == ["*"]


def test_session_rebuilds_once_for_a_burst(valid_site: Path) -> None:
    preview = Preview(valid_site)
    reloads = Reloads([], threading.Event())
    outcomes: list[Outcome] = []
    # (a quiet time well above a stall of a loaded CI machine between the three writes)
    session = PreviewSession(preview, reloads, say=outcomes.append, debouncer=Debouncer(quiet=2.5))
    session.start()
    try:
        people = sorted((valid_site / "content" / "people").iterdir())
        for path in people:
            path.write_text(path.read_text().replace("name: ", "name: Dr ", 1))
        assert reloads.seen.wait(WAIT)
    finally:
        session.stop()
    assert reloads.paths == ["*"]
    summaries = [text for text in outcomes if "rebuild" in str(text).lower()][1:]  # not the first
    assert len(summaries) == 1
    assert all(p.name in str(summaries[0]) for p in people)


def test_after_an_edit_the_search_index_is_updated(valid_site: Path) -> None:
    """The update runs beside the output, in the watched site folder: its own folders
    must not count as edits (each would stop it and start it again, for ever)."""
    preview = Preview(valid_site)
    preview.build_all()
    said: list[object] = []
    reloads = Reloads([], threading.Event())
    session = PreviewSession(preview, reloads, say=said.append)
    session.start()
    try:
        person = valid_site / "content" / "people" / "bianca-dragomir.yaml"
        person.write_text(person.read_text().replace("Bianca Dragomir", "Bianca D."))
        wait_for(
            lambda: any(str(s).startswith("Search index updated") for s in said),
            "the search index update",
        )
    finally:
        session.stop()
    index = (valid_site / "_site" / "pagefind" / "pagefind-entry.json").read_text()
    assert '"en"' in index
    assert sorted(p.name for p in valid_site.iterdir() if p.name.startswith(".")) == []


def test_an_edit_is_not_held_back_by_the_search_index(
    valid_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a rebuild the session updates the search index; the next edit stops it
    and is rebuilt at once (a stand-in Pagefind that never finishes)."""
    preview = Preview(valid_site)
    preview.build_all()
    fake, pid_file = hanging_pagefind(tmp_path)
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    reloads = Reloads([], threading.Event())
    session = PreviewSession(preview, reloads, say=lambda text: None)
    session.start()
    person = valid_site / "content" / "people" / "bianca-dragomir.yaml"
    page = preview.site.output_dir / "people" / "bianca-dragomir" / "index.html"
    try:
        person.write_text(person.read_text().replace("Bianca Dragomir", "Bianca D."))
        assert reloads.seen.wait(WAIT)
        wait_for(pid_file.exists, "the search index update")
        indexer = int(pid_file.read_text())
        reloads.seen.clear()
        person.write_text(person.read_text().replace("Bianca D.", "Bianca E."))
        assert reloads.seen.wait(WAIT)  # not the 60 s the indexer would take
        assert "Bianca E." in page.read_text()
        with pytest.raises(ProcessLookupError):
            os.kill(indexer, 0)
    finally:
        session.stop()
    assert_all_stopped(session)


def test_other_files_beside_site_yaml_do_not_stop_the_search_index(
    valid_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site folder is watched for site.yaml (and folders appearing): an editor's
    swap files there, or another tool's, are no edit, and the index update goes on."""
    preview = Preview(valid_site)
    preview.build_all()
    fake, pid_file = hanging_pagefind(tmp_path)
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    reloads = Reloads([], threading.Event())
    session = PreviewSession(
        preview, reloads, say=lambda text: None, debouncer=Debouncer(quiet=0.1)
    )
    sent: list[set[Path]] = []
    send = session.send
    session.send = lambda paths: (sent.append(paths), send(paths))  # type: ignore[method-assign]
    session.start()
    try:
        person = valid_site / "content" / "people" / "bianca-dragomir.yaml"
        person.write_text(person.read_text().replace("Bianca Dragomir", "Bianca D."))
        wait_for(pid_file.exists, "the search index update")
        indexer = int(pid_file.read_text())
        for name in (".site.yaml.swp", "4913", "site.yaml~", "notes.txt"):
            (valid_site / name).write_text("x")
        time.sleep(1.5)  # the watcher's batches come within 0.2 s, the rebuild 0.1 s after
        os.kill(indexer, 0)  # still running: nothing stopped it
        assert [p.name for paths in sent for p in paths] == ["bianca-dragomir.yaml"]
    finally:
        session.stop()


def test_a_templates_folder_made_while_previewing_is_used(valid_site: Path) -> None:
    """The flat watch of the site folder lets a new watched folder through."""
    preview = Preview(valid_site)
    preview.build_all()
    said: list[object] = []
    session_ = PreviewSession(preview, Reloads([], threading.Event()), say=said.append)
    session_.start()
    site = session_.preview.site
    page = site.output_dir / "people" / "bianca-dragomir" / "index.html"
    override = (builtin_dir("templates") / "person.html").read_text(encoding="utf-8")
    staged = site.root / "templates.new"
    staged.mkdir()
    (staged / "person.html").write_text(override.replace("<h1", "<h1 data-mine"))
    try:
        staged.rename(site.templates_dir)  # appears whole, as a checkout or a copy makes it
        wait_for(lambda: "data-mine" in page.read_text(encoding="utf-8"), "the override")
        # the page is written before the rebuild's summary is said
        wait_for(lambda: any("rebuild" in str(text) for text in said), "the summary")
    finally:
        session_.stop()
    summaries = [str(text) for text in said if "rebuild" in str(text)]
    assert summaries[-1].startswith("Full rebuild (templates/ folder added): ")


def test_folders_changed_names_them() -> None:
    root = Path("/site")
    before = frozenset({root / "content", Path("/theme/static")})
    after = frozenset({root / "content", root / "templates", root / "static"})
    assert folders_changed(root, before, after) == (
        "static/, templates/ folders added; /theme/static/ folder removed"
    )
    assert folders_changed(root, after, before) == (
        "/theme/static/ folder added; static/, templates/ folders removed"
    )


def test_top_level_inputs_are_the_config_and_the_watched_folders(valid_site: Path) -> None:
    site = Preview(valid_site).site
    inputs = top_level_inputs(site)
    assert site.config_path.resolve() in inputs
    assert (valid_site / "templates").resolve() in inputs  # not there yet: may appear
    assert (valid_site / "locales").resolve() in inputs  # the site's catalogues: likewise
    assert site.content_dir.resolve() in inputs and site.static_dir.resolve() in inputs
    assert (valid_site / "notes.txt").resolve() not in inputs
    assert site.output_dir.resolve() not in inputs


def test_stopping_abandons_a_full_rebuild_and_keeps_the_last_good_site(
    valid_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during a full rebuild (here held up by a search indexer that never ends)
    stops it at once: nothing of it is published, nothing of it is left behind."""
    preview = Preview(valid_site)
    preview.build_all()
    output = preview.site.output_dir
    before = snapshot(output)
    fake, pid_file = hanging_pagefind(tmp_path)
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    session = PreviewSession(preview, Reloads([], threading.Event()), say=lambda text: None)
    session.start()
    try:
        config = valid_site / "site.yaml"
        config.write_text(config.read_text().replace("Fixture Reports", "Renamed Reports"))
        wait_for(pid_file.exists, "the full rebuild to index its pages")
    finally:
        started = time.monotonic()
        session.stop()
    assert time.monotonic() - started < 5  # not the 60 s the indexer would take
    assert_all_stopped(session)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert snapshot(output) == before
    assert sorted(p.name for p in valid_site.iterdir() if p.name.startswith(".")) == []


def test_session_reports_problems_and_recovers(session: tuple[PreviewSession, Reloads]) -> None:
    session_, reloads = session
    person = session_.preview.site.content_dir / "people" / "bianca-dragomir.yaml"
    good = person.read_text()
    person.write_text("name: [unclosed\n")
    assert reloads.seen.wait(WAIT)
    assert session_.error is not None
    assert re.search(BROKEN, session_.error.report())
    reloads.seen.clear()
    person.write_text(good)
    assert reloads.seen.wait(WAIT)
    assert session_.error is None


def test_the_builds_own_folders_beside_the_output_are_not_edits(tmp_path: Path) -> None:
    output = tmp_path / "_site"
    assert is_scratch(scratch_folder(output, "indexing"), output)
    assert is_scratch(scratch_folder(output, "building") / "people" / "x", output)
    for other in ("site.yaml", ".site.yaml.swp", "._site", "content/x.yaml"):
        assert not is_scratch(tmp_path / other, output)
    assert not is_scratch(Path("/elsewhere/x"), output)


def test_watch_roots_cover_content_templates_static_and_the_config(valid_site: Path) -> None:
    preview = Preview(valid_site)
    deep, flat = watch_roots(preview.site)
    assert preview.site.content_dir.resolve() in deep
    assert BUILTIN_LOCALES in deep  # the interface's words: an edit rebuilds everything
    assert flat == frozenset({preview.site.root})
    assert not any(p == preview.site.output_dir.resolve() for p in deep)


# --- the real command ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pause.wait(0.05)


@dataclass
class Served:
    """``clusterreports serve`` in a child process, its output in files (a full pipe
    would block it)."""

    process: subprocess.Popen[bytes]
    port: int
    site: Path
    logs: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def out(self) -> str:
        return (self.logs / "out.txt").read_text(encoding="utf-8", errors="replace")

    def err(self) -> str:
        return (self.logs / "err.txt").read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        status, _, body = self.request("GET", path)
        return status, body

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, str]:
        """(status, headers, body) of one request, sent as given (Host included)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            conn.putrequest(method, path, skip_host="Host" in (headers or {}))
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            conn.endheaders()
            response = conn.getresponse()
            body = b"" if response.status == 101 else response.read()
            return response.status, response.headers, body.decode("utf-8", "replace")
        finally:
            conn.close()

    def stop(self) -> int:
        """Ctrl-C, as a person would press it; returns the exit status (130)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=WAIT)


# Starts the command with SIGINT ignored, as a shell starts a script's background job.
SIGINT_IGNORED = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.executable, [sys.executable, '-m', 'clusterreports', *sys.argv[1:]])"
)


def start_server(
    site: Path, logs: Path, sigint_ignored: bool = False, env: dict[str, str] | None = None
) -> Served:
    port = free_port()
    logs.mkdir(parents=True, exist_ok=True)
    command = ["-c", SIGINT_IGNORED] if sigint_ignored else ["-m", "clusterreports"]
    with (logs / "out.txt").open("wb") as out, (logs / "err.txt").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, *command, "--site", str(site), "serve", "--port", str(port)],
            stdout=out,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    served = Served(process, port, site, logs)
    try:
        wait_for(lambda: listening(served), "serve to listen")
    except BaseException:
        served.stop()
        raise
    return served


def listening(served: Served) -> bool:
    if served.process.poll() is not None:
        raise AssertionError(f"serve exited: {served.err()}")
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def served(valid_site: Path, tmp_path: Path) -> Iterator[Served]:
    served = start_server(valid_site, tmp_path / "logs")
    try:
        yield served
    finally:
        served.stop()


def test_serves_pages_with_livereload_and_not_in_the_files(served: Served) -> None:
    status, body = served.get("/people/bianca-dragomir/")
    assert status == 200 and "Bianca Dragomir" in body
    assert "livereload.js" in body
    built = served.site / "_site" / "people" / "bianca-dragomir" / "index.html"
    assert "livereload" not in built.read_text()


def test_missing_pages_get_the_sites_404_page(served: Served) -> None:
    status, body = served.get("/no/such/page/")
    assert status == 404
    assert body.startswith((served.site / "_site" / "404.html").read_text()[:100])


@pytest.mark.parametrize("path", ["/../site.yaml", "/%2e%2e/site.yaml", "/static/../../site.yaml"])
def test_nothing_outside_the_output_is_served(served: Served, path: str) -> None:
    status, body = served.get(path)
    assert status == 404
    assert "Fixture Reports" in body  # the site's own 404 page, not site.yaml
    assert "today:" not in body


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["terminal", "background"])
def test_ctrl_c_stops_cleanly(valid_site: Path, tmp_path: Path, sigint_ignored: bool) -> None:
    """Also when started with SIGINT ignored (Python then never raises KeyboardInterrupt
    by itself); 130, as for a build stopped by Ctrl-C."""
    served = start_server(valid_site, tmp_path / "logs", sigint_ignored)
    assert served.stop() == 130
    assert served.out().endswith("(Ctrl-C stops)\nStopped.\n")
    assert "Traceback" not in served.err()


def test_ctrl_c_during_a_full_rebuild_stops_at_once_and_publishes_nothing(
    valid_site: Path, tmp_path: Path
) -> None:
    """The rebuild is held up by its search index (a stand-in that never ends, once
    asked to: the first build uses the real Pagefind)."""
    real = search.get_executable()
    assert real is not None
    hold, pid_file = tmp_path / "hold", tmp_path / "pid"
    fake = fake_pagefind(
        tmp_path,
        f"if [ -e {hold} ]; then echo $$ > {pid_file}.new; mv {pid_file}.new {pid_file}; "
        f'exec sleep 60; fi\nexec {real} "$@"',
    )
    served = start_server(valid_site, tmp_path / "logs", env={"PAGEFIND_BINARY_PATH": str(fake)})
    try:
        before = snapshot(valid_site / "_site")
        hold.touch()
        config = valid_site / "site.yaml"
        config.write_text(config.read_text().replace("Fixture Reports", "Renamed Reports"))
        wait_for(pid_file.exists, "the full rebuild to index its pages")
    finally:
        started = time.monotonic()
        status = served.stop()
    assert status == 130
    assert time.monotonic() - started < 10  # not the 60 s the indexer would take
    assert served.out().endswith("Stopped.\n") and "Traceback" not in served.err()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert snapshot(valid_site / "_site") == before
    assert sorted(p.name for p in valid_site.iterdir() if p.name.startswith(".")) == []


def test_head_is_answered_like_get_without_the_body(served: Served) -> None:
    status, headers, body = served.request("HEAD", "/people/bianca-dragomir/")
    _, got, page = served.request("GET", "/people/bianca-dragomir/")
    assert (status, body) == (200, "")
    assert headers["Content-Length"] == got["Content-Length"] == str(len(page.encode()))


def test_a_path_too_long_for_the_file_system_is_not_found(served: Served) -> None:
    for path in ("/" + "a" * 5000, "/ab" * 1500):
        assert served.get(path)[0] == 404
    assert "Traceback" not in served.err()


def test_a_redirect_never_names_another_host(served: Served) -> None:
    status, headers, _ = served.request("GET", "//people")
    assert (status, headers["Location"]) == (302, "/people/")


def test_requests_for_another_host_are_refused(served: Served) -> None:
    """A page of a site whose name was pointed at 127.0.0.1 (DNS rebinding) gets
    nothing; the server's own names get the page."""
    port = served.port
    status, _, body = served.request("GET", "/", {"Host": f"rebound.example:{port}"})
    assert (status, body) == (421, misdirected("127.0.0.1", port))
    assert body == (
        f"Misdirected request: this preview answers only at http://127.0.0.1:{port}/ "
        f"and http://localhost:{port}/.\n"
    )
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert served.request("GET", "/", {"Host": host})[0] == 200
    livereload = served.request("GET", "/livereload.js", {"Host": f"rebound.example:{port}"})
    assert livereload[0] == 421


def upgrade(origin: str) -> dict[str, str]:
    """The headers a browser opens livereload's websocket with, from a page of ``origin``."""
    return {
        "Origin": origin,
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
    }


def test_the_live_reload_socket_takes_pages_of_this_server_only(served: Served) -> None:
    assert served.request("GET", "/livereload", upgrade(served.url))[0] == 101
    status, _, body = served.request("GET", "/livereload", upgrade("http://elsewhere.example"))
    assert (status, body) == (403, "Cross origin websockets not allowed")


def test_forcereload_is_a_post_from_this_server_only(served: Served) -> None:
    assert served.request("GET", "/forcereload")[0] == 405
    assert served.request("POST", "/forcereload", {"Content-Length": "0"})[:1] == (200,)
    elsewhere = {
        "Origin": "http://elsewhere.example",
        "Sec-Fetch-Site": "cross-site",
        "Content-Length": "0",
    }
    assert served.request("POST", "/forcereload", elsewhere)[0] == 403


def test_a_port_in_use_is_reported(valid_site: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "clusterreports",
                "--site",
                str(valid_site),
                "serve",
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=WAIT * 2,
        )
    assert done.returncode == 2
    assert f"port {port}" in done.stderr and "--port" in done.stderr


def test_a_port_out_of_range_is_a_usage_error(
    valid_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--site", str(valid_site), "serve", "--port", "70000"])
    assert stopped.value.code == 2
    assert "argument --port: '70000' is not a port: use 1 to 65535" in capsys.readouterr().err


def test_an_address_not_of_this_computer_is_reported(valid_site: Path) -> None:
    with pytest.raises(CannotListen) as refused:
        serve(Preview(valid_site), "192.0.2.1", 8000)  # TEST-NET-1: never a local address
    assert str(refused.value) == (
        "cannot listen on 192.0.2.1 (Cannot assign requested address): "
        "choose another address with --host"
    )


def test_serve_keeps_running_when_the_first_build_fails(valid_site: Path, tmp_path: Path) -> None:
    (valid_site / "content" / "people" / "bianca-dragomir.yaml").write_text("name: [unclosed\n")
    shutil.rmtree(valid_site / "_site", ignore_errors=True)
    served = start_server(valid_site, tmp_path / "logs")
    try:
        status, body = served.get("/")
        assert status == 404
        assert OVERLAY_ID in body
        assert re.search(BROKEN, body)
    finally:
        assert served.stop() == 130
    assert re.search(BROKEN, served.err())


# --- the builder process: stopped with the server, reported when it dies ------------------


def descendants(pid: int) -> dict[int, str]:
    """The processes under ``pid`` (children, theirs...), each with its command line."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # ended meanwhile
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child in (c for c, p in parents.items() if p == parent):
            try:
                found[child] = Path(f"/proc/{child}/cmdline").read_text().replace("\0", " ")
            except OSError:
                continue
            todo.append(child)
    return found


def gone(pid: int) -> bool:
    """Ended (a zombie not yet reaped by its new parent counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_stopping_serve_during_a_build_leaves_no_process_behind(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """Ctrl-C (or a SIGKILL, which leaves no chance to clean up) while the builder's
    render workers are at work: the builder and every worker end too."""
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the build forks no render workers")
    bench_corpus().generate(tmp_path / "corpus", 40)  # over 400 pages: rendered on every core
    site = tmp_path / "corpus" / "ours"
    logs = tmp_path / "logs"
    logs.mkdir()
    with (logs / "out.txt").open("wb") as out, (logs / "err.txt").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "clusterreports", "--site", str(site), "serve",
             "--no-search", "--port", str(free_port())],
            stdout=out, stderr=err,
        )  # fmt: skip
    served = Served(process, 0, site, logs)
    try:
        found: dict[int, str] = {}

        def workers_at_work() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"serve exited: {served.err()}")
            found.update(descendants(process.pid))
            return sum("clusterreports" in line for line in found.values()) >= 3

        wait_for(workers_at_work, "the builder and its render workers")  # the first build
        process.send_signal(stop)
        status = process.wait(timeout=WAIT)
    finally:
        served.stop()
    assert status == (130 if stop == signal.SIGINT else -signal.SIGKILL)
    wait_for(lambda: all(gone(pid) for pid in found), "every process of serve to end")
    if stop == signal.SIGINT:
        assert served.out().endswith("Stopped.\n") and "Traceback" not in served.err()


def test_a_builder_killed_is_reported_and_serve_ends(valid_site: Path, tmp_path: Path) -> None:
    served = start_server(valid_site, tmp_path / "logs")
    try:
        (builder,) = descendants(served.process.pid)
        os.kill(builder, signal.SIGKILL)
        status = served.process.wait(timeout=WAIT)
    finally:
        served.stop()
    assert status == 70  # EXIT_BUG
    assert "clusterreports serve: the preview's builder was stopped by SIGKILL" in served.err()


def test_a_builder_that_fails_is_reported_with_its_traceback(
    valid_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the builder (here a rebuild that fails, then the full build tried
    instead): the session says why, and stops waiting for it."""
    preview = Preview(valid_site)
    preview.build_all()

    def boom(self: Preview, *args: object) -> Outcome:
        raise RuntimeError("boom")

    monkeypatch.setattr(Preview, "update", boom)
    monkeypatch.setattr(Preview, "build_all", boom)
    failures: list[str] = []
    failed = threading.Event()

    def note(message: str) -> None:
        failures.append(message)
        failed.set()

    session = PreviewSession(
        preview, Reloads([], threading.Event()), lambda text: None, failed=note
    )
    session.start()
    try:
        person = valid_site / "content" / "people" / "bianca-dragomir.yaml"
        person.write_text(person.read_text().replace("Bianca Dragomir", "Bianca D."))
        assert failed.wait(WAIT)
    finally:
        session.stop()
    assert failures[0].startswith("the preview's builder ended with status 1: ")
    assert "RuntimeError: boom" in failures[0]
    assert_all_stopped(session)
