"""What builds keep for the next: compiled templates, the data parsed from each content
file, and the HTML of Markdown texts.

Both live in this user's cache folder (``~/.cache/clusterreports`` on Linux, from
platformdirs), or in ``$CLUSTERREPORTS_CACHE_DIR``; set it empty to keep nothing. A
folder that anyone else could have made or could write to is refused, since what is
kept there goes into pages (HTML) or runs (compiled templates). Whatever goes wrong
with a cache, the build goes on without it: a cache only saves time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import platformdirs

CACHE_ENV = "CLUSTERREPORTS_CACHE_DIR"
# An entry no build has used for this many days is dropped.
KEEP_DAYS = 30
# The stores' table layout: a file of another layout is emptied on opening.
SCHEMA = 2
# Each entry starts with a digest of the rest: a damaged entry (a disk error, a
# hand-edited file) is a miss rather than a crash, or marshal reading a cut list
# length as billions of items.
DIGEST_SIZE = 16
# Entries written at a time: a worker converts many texts in a run of pages.
BATCH = 64


_stores: list[Store] = []  # every store made in this process, for flush_all


def flush_all() -> None:
    """Write what this process added to every store (forked workers: at the end of each
    run of work, since they exit without any clean-up)."""
    for store in _stores:
        store.flush()


def root() -> Path | None:
    """The cache folder, or None when caching is off (``CLUSTERREPORTS_CACHE_DIR=``)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    return Path(platformdirs.user_cache_dir("clusterreports", appauthor=False))


def folder(name: str) -> Path | None:
    """``root()/name``, made for this user only; None if it cannot be made or is not
    safely this user's (see the module's docstring)."""
    base = root()
    if base is None:
        return None
    path = base / name
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        for made in (base, path):
            if not _private(made):
                return None
    except OSError:
        return None
    return path


def _private(path: Path) -> bool:
    """A real folder (not a link to one elsewhere), this user's, that only they can write to."""
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _digest(made: bytes) -> bytes:
    return hashlib.blake2b(made, digest_size=DIGEST_SIZE).digest()


def _checked(kept: object) -> bytes | None:
    """An entry's bytes, if it is as ``put`` wrote it."""
    if not isinstance(kept, bytes):
        return None
    made = kept[DIGEST_SIZE:]
    return made if kept[:DIGEST_SIZE] == _digest(made) else None


# SQLite's codes for a file that is damaged rather than busy or full.
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class Store:
    """What was made from a text (Markdown's HTML, a file's parsed data), as bytes, kept
    between builds in one SQLite file that every process of a build reads and adds to.
    ``salt`` holds whatever else the result depends on (library versions, settings), so
    a change to it misses.

    Each process opens its own connection (a connection must not cross a fork), and
    writes in batches: ``flush_all`` writes what is left, e.g. at the end of a run of pages."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path = path
        self.salt = salt.encode("utf-8")
        self.today = dt.date.today().toordinal()
        self._connections: dict[int, sqlite3.Connection | None] = {}
        self._made: list[tuple[bytes, bytes, int]] = []
        self._used: list[tuple[int, bytes]] = []
        _stores.append(self)

    @classmethod
    def named(cls, name: str, salt: str) -> Store:
        """The store ``name`` in the cache folder (keeping nothing if there is none)."""
        where = folder(name)
        return cls(where / f"{name}.sqlite3" if where else None, salt)

    def key(self, text: str) -> bytes:
        return hashlib.sha256(self.salt + b"\0" + text.encode("utf-8")).digest()

    def get(self, key: bytes) -> bytes | None:
        connection = self._connection()
        if connection is None:
            return None
        try:
            found = connection.execute("SELECT made, used FROM made WHERE key = ?", (key,))
            row = found.fetchone()
        except sqlite3.Error as error:
            self._give_up(error)
            return None
        if row is None:
            return None
        kept, used = row
        made = _checked(kept)
        if made is None:  # damaged: a miss, replaced by the caller's put
            return None
        if not isinstance(used, int) or used < self.today:  # kept from being dropped
            self._used.append((self.today, key))
            self._flush_when_full()
        return made

    def put(self, key: bytes, made: bytes) -> None:
        if self._connection() is not None:
            self._made.append((key, _digest(made) + made, self.today))
            self._flush_when_full()

    def flush(self) -> None:
        connection = self._connections.get(os.getpid())
        if connection is None or not (self._made or self._used):
            return
        try:
            with connection:  # one transaction
                connection.executemany("INSERT OR REPLACE INTO made VALUES (?, ?, ?)", self._made)
                connection.executemany("UPDATE made SET used = ? WHERE key = ?", self._used)
        except sqlite3.Error as error:
            self._give_up(error)
        self._made.clear()
        self._used.clear()

    def _flush_when_full(self) -> None:
        if len(self._made) + len(self._used) >= BATCH:
            self.flush()

    def _connection(self) -> sqlite3.Connection | None:
        pid = os.getpid()
        try:
            return self._connections[pid]
        except KeyError:
            pass
        # A forked process starts with nothing to write: its parent writes its own.
        self._made.clear()
        self._used.clear()
        connection = self._open() if self.path is not None else None
        self._connections[pid] = connection  # the parent's stays, never closed here
        return connection

    def _open(self) -> sqlite3.Connection | None:
        assert self.path is not None
        for attempt in range(2):
            try:
                return self._connect(self.path)
            except sqlite3.DatabaseError:  # not a database (damaged): start afresh, once
                if attempt:
                    return None
                self._remove()
            except (sqlite3.Error, OSError):
                return None
        return None

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def _connect(self, path: Path) -> sqlite3.Connection:
        connection = sqlite3.connect(path, timeout=10, isolation_level=None)
        connection.text_factory = bytes  # damaged text that is not UTF-8 is a miss, not an error
        try:
            connection.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
            connection.execute("PRAGMA synchronous = NORMAL")
            with connection:
                if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                    connection.execute("DROP TABLE IF EXISTS made")
                    connection.execute(f"PRAGMA user_version = {SCHEMA}")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS made"
                    " (key BLOB PRIMARY KEY, made BLOB NOT NULL, used INTEGER NOT NULL)"
                )
                connection.execute("CREATE INDEX IF NOT EXISTS made_used ON made (used)")
                connection.execute("DELETE FROM made WHERE used < ?", (self.today - KEEP_DAYS,))
        except BaseException:
            connection.close()
            raise
        return connection

    def _give_up(self, error: sqlite3.Error) -> None:
        """Go on without the cache in this process (e.g. the disk is full); a damaged
        file is removed, so the next build starts afresh."""
        connection = self._connections.get(os.getpid())
        self._connections[os.getpid()] = None
        if connection is not None:
            with contextlib.suppress(sqlite3.Error):
                connection.close()
        if getattr(error, "sqlite_errorcode", None) in _DAMAGED:
            self._remove()
        self._made.clear()
        self._used.clear()
