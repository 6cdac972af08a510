"""What builds keep for the next: where, what misses, and that a broken cache only costs time."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clusterreports import build, load_site_config
from clusterreports.cache import CACHE_ENV, KEEP_DAYS, Store, folder
from clusterreports.site import render

from .conftest import copy_site, snapshot


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of the test's own, with this process's Markdown cache made afresh."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    render.markdown_html.cache_clear()
    render._markdown_cache.cache_clear()
    yield tmp_path / "cache"
    render.markdown_html.cache_clear()
    render._markdown_cache.cache_clear()


def _forget_in_memory() -> None:
    """As a new build would start: nothing converted in this process."""
    render._markdown_cache().flush()
    render.markdown_html.cache_clear()
    render._markdown_cache.cache_clear()


def _never_convert(monkeypatch: pytest.MonkeyPatch) -> None:
    def converter(smarty: bool = True) -> None:
        raise AssertionError("converted, though the cache held the text")

    monkeypatch.setattr(render, "_converter", converter)


def test_markdown_is_converted_once_across_builds(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = render.markdown_html("Clusters *matter* -- a lot.")
    assert html == "<p>Clusters <em>matter</em> – a lot.</p>"
    _forget_in_memory()
    _never_convert(monkeypatch)
    assert render.markdown_html("Clusters *matter* -- a lot.") == html
    assert (cache_root / "markdown" / "markdown.sqlite3").is_file()


def test_a_site_built_again_converts_nothing_and_is_the_same(
    tmp_path: Path, cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site("valid", tmp_path)
    first = build(load_site_config(root, output="first", search=False))
    _forget_in_memory()
    _never_convert(monkeypatch)
    again = build(load_site_config(root, output="again", search=False))
    assert again.pages == first.pages
    for page in (root / "first").rglob("*.html"):
        assert (root / "again" / page.relative_to(root / "first")).read_bytes() == page.read_bytes()


def test_a_change_to_what_the_html_depends_on_misses(tmp_path: Path) -> None:
    kept = Store(tmp_path / "t.sqlite3", "markdown 3.5")
    kept.put(kept.key("text"), b"<p>text</p>")
    kept.flush()
    assert Store(tmp_path / "t.sqlite3", "markdown 3.5").get(kept.key("text")) == b"<p>text</p>"
    other = Store(tmp_path / "t.sqlite3", "markdown 3.6")
    assert other.get(other.key("text")) is None


def test_entries_no_build_used_for_a_month_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    old = Store(path, "")
    old.today -= KEEP_DAYS + 1
    old.put(old.key("used again"), b"<p>1</p>")
    old.put(old.key("forgotten"), b"<p>2</p>")
    old.flush()
    yesterday = Store(path, "")
    yesterday.today -= KEEP_DAYS
    assert yesterday.get(yesterday.key("used again")) == b"<p>1</p>"  # and so kept
    yesterday.flush()
    now = Store(path, "")
    assert now.get(now.key("used again")) == b"<p>1</p>"
    assert now.get(now.key("forgotten")) is None


def test_a_damaged_cache_file_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    path.write_bytes(b"not a database, cut short by a crash" * 100)
    kept = Store(path, "")
    assert kept.get(kept.key("text")) is None
    kept.put(kept.key("text"), b"<p>text</p>")
    kept.flush()
    assert Store(path, "").get(kept.key("text")) == b"<p>text</p>"


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE made SET made = substr(made, 1, length(made) - 1) || x'00'",  # a byte changed
        "UPDATE made SET made = x'00'",  # cut short
        "UPDATE made SET made = 'text, not bytes'",
        "UPDATE made SET made = 12345678901",  # bytes() of it would be 11 GB
        "UPDATE made SET used = 'never'",
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_replaced(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "t.sqlite3"
    kept = Store(path, "")
    kept.put(kept.key("text"), b"<p>text</p>")
    kept.flush()
    with sqlite3.connect(path) as connection:
        connection.execute(damage)
    connection.close()
    again = Store(path, "")
    found = again.get(again.key("text"))
    assert found in (None, b"<p>text</p>")  # a damaged 'used' only loses its date
    if found is None:
        again.put(again.key("text"), b"<p>text</p>")
    again.flush()
    assert Store(path, "").get(kept.key("text")) == b"<p>text</p>"


def test_a_damaged_markdown_entry_converts_again(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render.markdown_html("*kept*") == "<p><em>kept</em></p>"
    _forget_in_memory()
    path = cache_root / "markdown" / "markdown.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE made SET made = x'ff'")  # not UTF-8
    connection.close()
    assert render.markdown_html("*kept*") == "<p><em>kept</em></p>"


def test_a_database_damaged_inside_is_removed_for_the_next_build(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    kept = Store(path, "")
    for number in range(2000):  # pages enough that the table is not in the first
        kept.put(kept.key(str(number)), b"x" * 100)
    kept.flush()
    kept._give_up(sqlite3.OperationalError("closed"))  # a busy or full disk keeps the file
    assert path.exists()
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 40] = b"\xee" * (4096 * 37)  # the header stays: it opens
    path.write_bytes(bytes(data))
    damaged = Store(path, "")
    assert all(damaged.get(damaged.key(str(n))) is None for n in range(0, 2000, 50))
    damaged.flush()
    with sqlite3.connect(path) as connection:  # started afresh, not given up for good
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    afresh = Store(path, "")
    afresh.put(afresh.key("text"), b"<p>text</p>")
    afresh.flush()
    assert Store(path, "").get(afresh.key("text")) == b"<p>text</p>"


def test_a_file_found_damaged_while_reading_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    kept = Store(path, "")
    assert kept.get(kept.key("text")) is None
    kept._give_up(sqlite3.OperationalError("database is locked"))  # busy: the file stays
    assert path.exists()
    kept = Store(path, "")
    assert kept.get(kept.key("text")) is None
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    damaged.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # as SQLite sets it
    kept._give_up(damaged)
    assert not path.exists()


def test_a_cache_that_fails_is_given_up_and_the_text_still_converts(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = render._markdown_cache()
    connection = kept._connection()
    assert connection is not None
    connection.close()  # every later call fails, as on a disk gone away
    assert render.markdown_html("*still*") == "<p><em>still</em></p>"
    render._markdown_cache().flush()
    assert kept._connection() is None


def test_what_a_forked_worker_converts_is_kept(tmp_path: Path) -> None:
    """Each process writes through its own connection: the parent's never crosses the fork."""
    path = tmp_path / "t.sqlite3"
    kept = Store(path, "")
    kept.put(kept.key("parent's"), b"<p>parent</p>")
    pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            kept.put(kept.key("worker's"), b"<p>worker</p>")
            kept.flush()
            code = 0
        finally:
            os._exit(code)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    kept.flush()
    again = Store(path, "")
    assert again.get(again.key("worker's")) == b"<p>worker</p>"
    assert again.get(again.key("parent's")) == b"<p>parent</p>"
    rows = sqlite3.connect(path).execute("SELECT count(*) FROM made").fetchone()
    assert rows == (2,)  # the worker did not write the parent's unwritten entry too


def test_no_cache_folder_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    assert folder("markdown") is None
    kept = Store.named("markdown", "")
    kept.put(kept.key("text"), b"<p>text</p>")
    kept.flush()
    assert kept.get(kept.key("text")) is None


@pytest.mark.parametrize("planted", ["others can write to it", "someone else's", "a link"])
def test_a_cache_folder_that_is_not_this_users_alone_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    """What is kept goes into pages and runs as code: a folder planted where the cache
    should be is not used."""
    root = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(root))
    if planted == "a link":
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        root.symlink_to(elsewhere)
    else:
        root.mkdir(mode=0o700)
        if planted == "others can write to it":
            root.chmod(0o777)
        elif os.getuid() == 0:
            os.chown(root, os.getuid() + 4242, -1)
        else:
            pytest.skip("only root can give a folder to someone else")
    assert folder("markdown") is None
    assert folder("templates") is None


def test_builds_at_once_share_the_cache_and_write_the_same_site(tmp_path: Path) -> None:
    """Two builds filling one cache at the same time (a preview and a build, or jobs on
    one CI machine) both finish, and both write what a build without a cache writes."""
    root = Path(__file__).resolve().parents[1]

    def build_into(output: str, cache: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "clusterreports", "--site", str(root), "build",
                   "--no-search", "--quiet", "--today", "2026-12-01",
                   "--output", str(tmp_path / output)]  # fmt: skip
        return subprocess.Popen(command, env={**os.environ, CACHE_ENV: cache})

    shared = tmp_path / "cache"
    assert build_into("alone", "").wait(timeout=300) == 0
    together = [build_into(name, str(shared)) for name in ("one", "two")]
    assert [process.wait(timeout=300) for process in together] == [0, 0]
    alone = snapshot(tmp_path / "alone")
    for name in ("one", "two"):
        assert snapshot(tmp_path / name) == alone
    with sqlite3.connect(shared / "parsed" / "parsed.sqlite3") as kept:
        assert kept.execute("SELECT count(*) FROM made").fetchone()[0] > 100
