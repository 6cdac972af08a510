"""Stage 6, write: into a staging folder, swapped in only when the build is complete.

A failed build leaves the previous site untouched, and nothing is written outside
the output folder (``urls.output_path`` refuses such paths).

A page whose bytes equal the published file is not written again: the staging
folder gets a hard link to the published file instead. Nothing ever writes into a
linked file (the stage only receives new files), so the previous site stays intact
until the swap, and unchanged files keep their modification time.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .urls import output_path, relative_output_path

# What a file is made of: its bytes, or (for a file too large to hold twice, such as a
# data export) the pieces in order, written as they come.
Content = bytes | Iterable[bytes]


def whole(content: Content) -> bytes:
    return content if isinstance(content, bytes) else b"".join(content)


def scratch_folder(output_dir: Path, purpose: str) -> Path:
    """A working folder beside the output: on its filesystem, so it can be renamed into
    place or hard-linked from, and named so that ``is_scratch`` knows it."""
    return output_dir.parent / f".{output_dir.name}.{purpose}-{os.getpid()}"


def is_scratch(path: Path, output_dir: Path) -> bool:
    """Whether ``path`` is (or is in) a scratch folder of ``output_dir``: the preview's
    watcher must not take the build's own work for an edit."""
    try:
        first = path.relative_to(output_dir.parent).parts[0]
    except (ValueError, IndexError):
        return False
    return first.startswith(f".{output_dir.name}.")


@contextmanager
def staging(output_dir: Path) -> Iterator[Path]:
    """A fresh folder beside ``output_dir``; on success it replaces ``output_dir``."""
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = scratch_folder(output_dir, "building")
    old = scratch_folder(output_dir, "old")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if output_dir.exists():
        output_dir.rename(old)
    stage.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)


class StageWriter:
    """Writes pages into ``stage``, linking those unchanged since the ``published`` site.

    Paths are checked lexically (``urls.relative_output_path``): the stage is a fresh
    folder that only ever receives files and hard links, never a symlink, so resolving
    each path (a third of the cost of writing) would find nothing more."""

    def __init__(self, stage: Path, published: Path) -> None:
        self.stage = str(stage.resolve())
        self.published = str(published.resolve())

    def write(self, url: str, content: Content) -> bool:
        """True when the file was written, False when it was linked unchanged."""
        relative = relative_output_path(url)
        path = os.path.join(self.stage, relative)
        old = os.path.join(self.published, relative)
        _make_folder(os.path.dirname(path))
        if isinstance(content, bytes):
            if _holds(old, content) and _link(old, path):
                return False
            _write_new(path, (content,))
            return True
        # Pieces are written first and compared with the published file afterwards; if
        # the same, a link to it takes the new file's place (or the equal copy stays).
        _write_new(path, content)
        if _same_files(old, path):
            link = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.same")
            if _link(old, link):
                os.replace(link, path)
                return False
        return True


def _make_folder(folder: str) -> None:
    """``os.makedirs`` for a page's own folder, whose parent almost always exists: one
    system call instead of a check on the parent first."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _link(old: str, path: str) -> bool:
    try:
        os.link(old, path)
        return True
    except OSError:  # no hard links here (another device, some file systems)
        return False


def _write_new(path: str, pieces: Iterable[bytes]) -> None:
    try:
        file = open(path, "xb")  # noqa: SIM115
    except FileExistsError:  # written twice: replace, never write into a link
        os.unlink(path)
        file = open(path, "xb")  # noqa: SIM115
    with file:
        for piece in pieces:
            file.write(piece)


def _same_files(old: str, new: str) -> bool:
    """Whether the regular file ``old`` holds the same bytes as ``new``, read in blocks."""
    try:
        info = os.lstat(old)
        if not stat.S_ISREG(info.st_mode) or info.st_size != os.lstat(new).st_size:
            return False
        with open(old, "rb") as a, open(new, "rb") as b:
            while block := a.read(1 << 20):
                if block != b.read(1 << 20):
                    return False
        return True
    except OSError:
        return False


def _holds(path: str, content: bytes) -> bool:
    """Whether ``path`` is a regular file with exactly ``content`` (size compared first)."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(content):
            return False
        with open(path, "rb") as file:
            return file.read() == content
    except OSError:
        return False


def write_file(root: Path, url: str, content: Content) -> bool:
    """Write one file in place; returns False when it already held exactly this content.

    The new bytes go to a temporary file renamed over the old one, so a reader never
    sees half a page and a file hard-linked elsewhere is never changed through here."""
    path = output_path(root, url)
    content = whole(content)
    if _holds(str(path), content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
    return True


def copy_static(sources: Iterable[Path], root: Path) -> int:
    """Copy static folders in order (later ones override earlier), as ``/static/``."""
    count = 0
    target = root / "static"
    for source in sources:
        if not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                dest = target / path.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
                count += 1
    return count
