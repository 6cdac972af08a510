"""Stage 6, write: into a staging folder, swapped in only when the build is complete.

A failed build leaves the previous site untouched, and nothing is written outside
the output folder (``urls.output_path`` refuses such paths). The output folder itself
is replaced whole, so ``check_output`` refuses one that holds anything a build did not
make: the site's own files, a home folder, or a folder without the build's marker.

A page whose bytes equal the published file is not written again: the staging
folder gets a hard link to the published file instead. Nothing ever writes into a
linked file (the stage only receives new files), so the previous site stays intact
until the swap, and unchanged files keep their modification time.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..content.load import walk_files
from ..problems import ContentError, Problem, display_path
from .urls import output_path, relative_output_path

# What a file is made of: its bytes, or (for a file too large to hold twice, such as a
# data export) the pieces in order, written as they come.
Content = bytes | Iterable[bytes]


# Every build writes this file at the top of the output folder. A folder that holds
# anything but lacks it was not made by a build, and a build never replaces it.
MARKER = ".clusterreports"
_MARKER_TEXT = b"Built by clusterreports: the next build replaces this whole folder.\n"
# The working folders a build makes beside the output (see ``scratch_folder``).
SCRATCH_PURPOSES = ("building", "old", "indexing")
# How many files ``remove_folder_unless`` removes between two questions whether to stop.
REMOVALS_BETWEEN_LOOKS = 256


class OutputRefused(Exception):
    """The output folder is one a build must not replace (a usage error)."""


def check_output(output_dir: Path, inputs: dict[str, Path]) -> None:
    """Raise OutputRefused unless a build may replace ``output_dir`` whole. It must not
    be or hold any of ``inputs`` (what each is called, e.g. 'the content folder': its
    path) or the user's home, nor lie inside one of them but 'the site folder' (the
    build would read its own output); and if it holds anything, a build made it."""
    output = output_dir.resolve()
    protected = dict(inputs)
    with suppress(RuntimeError, KeyError):  # no home folder known
        protected["your home folder"] = Path.home()
    fix = "choose a folder of its own, such as _site"
    reason = "is the root folder" if output == output.parent else None
    for what, path in protected.items():
        path = path.resolve()
        if reason is not None:
            break
        if output == path:
            reason = f"is {what}"
        elif output in path.parents:
            reason = f"contains {what}"
        elif path in output.parents and what not in ("the site folder", "your home folder"):
            reason = f"is inside {what}"
    if reason is None and output.exists() and not output.is_dir():
        reason = "is a file"
    try:
        made = not output.is_dir() or (output / MARKER).is_file() or not any(output.iterdir())
    except OSError as error:  # e.g. a folder this user may not list
        made, reason = True, reason or f"cannot be read ({error.strerror})"
    if reason is None and not made:
        reason = f"is not empty and has no {MARKER} file, so no build made it"
        fix = "empty it or choose another folder"
    if reason is not None:
        raise OutputRefused(
            f"output folder {output} {reason}, and a build replaces its output folder whole: {fix}"
        )


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
    """A fresh folder beside ``output_dir``; on success it replaces ``output_dir``.

    On any failure the stage is removed and ``output_dir`` left as it was; a file that
    could not be written or read (a full disk, a read-only folder) raises WriteError,
    a content problem naming it. Scratch folders left by a build that was killed are
    removed first."""
    output_dir = output_dir.resolve()
    stage = scratch_folder(output_dir, "building")
    try:
        if output_dir.is_dir() and not os.access(output_dir, os.W_OK):
            raise PermissionError(errno.EACCES, "the folder is read-only", str(output_dir))
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(output_dir)
        remove_folder(stage)
        stage.mkdir()
        (stage / MARKER).write_bytes(_MARKER_TEXT)
        yield stage
        _swap(stage, output_dir)
    except BaseException as error:
        remove_folder(stage)
        if isinstance(error, OSError):
            raise WriteError(error, output_dir, stage) from None
        raise


def _swap(stage: Path, output_dir: Path) -> None:
    """Put ``stage`` in the place of ``output_dir``, or leave ``output_dir`` as it was."""
    old = scratch_folder(output_dir, "old")
    remove_folder(old)  # this process's own, should an earlier swap have left it
    replaced = put_in_place(stage, output_dir, old)
    if replaced is not None:
        remove_folder(replaced)


def put_in_place(new: Path, live: Path, aside: Path) -> Path | None:
    """Move ``new`` to ``live``; returns where what was at ``live`` went (for the caller
    to remove), None when nothing was there.

    In one step where the system can (Linux's ``renameat2`` exchange: what was at
    ``live`` is then at ``new``), so that a reader, the preview's server or a web server
    over the output, never finds ``live`` missing; a request between two renames was
    answered 404. Elsewhere ``live`` moves to ``aside`` first, and comes back if the
    second rename fails."""
    if not os.path.lexists(live):
        new.rename(live)
        return None
    if exchange(new, live):
        return new
    live.rename(aside)
    try:
        new.rename(live)
    except OSError:
        aside.rename(live)
        raise
    return aside


_AT_FDCWD = -100  # paths relative to the working folder, as os.rename takes them
_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """Linux's ``renameat2`` from the C library (glibc 2.28, musl 1.2), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` (both must exist) atomically; False where the
    system or the file system cannot (the caller then renames in two steps)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM):
        return False  # an old kernel, or a file system without it
    raise OSError(error, os.strerror(error), str(a), None, str(b))


class WriteError(ContentError):
    """A file of the build could not be written (or read): a problem at that file."""

    def __init__(self, error: OSError, output_dir: Path, stage: Path | None = None) -> None:
        name = Path(os.fsdecode(error.filename)) if error.filename is not None else output_dir
        if stage is not None and name == stage:  # the stage is made beside the output
            name = output_dir.parent
        elif stage is not None and stage in name.parents:  # as the editor will know it
            name = output_dir / name.relative_to(stage)
        writing = name in (output_dir, output_dir.parent) or output_dir in name.parents
        writing = writing or is_scratch(name, output_dir)
        verb = "cannot be written" if writing else "cannot be read"
        fix = {
            errno.ENOSPC: "free some space on the disk, then build again",
            errno.EDQUOT: "free some space on the disk, then build again",
            errno.EROFS: "choose an output folder on a writable disk",
        }.get(error.errno or 0, "")
        if not fix:
            fix = "make it writable or choose another output folder"
            if not writing:
                fix = "make it readable, or remove it"
        reason = error.strerror or str(error)
        where = str(name) if name == output_dir.parent else display_path(name, Path.cwd())
        super().__init__([Problem(where, None, None, f"{verb} ({reason}): {fix}")])


def remove_folder(path: Path) -> None:
    """Remove ``path`` and everything in it; a read-only folder inside (of a previous
    site, say) is made writable first rather than left behind."""

    def writable_then_again(function: Callable[..., Any], name: str, _: object) -> None:
        with suppress(OSError):
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            function(name)

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, onerror=writable_then_again)


def remove_folder_unless(path: Path, interrupted: Callable[[], bool]) -> bool:
    """``remove_folder``, giving up as soon as ``interrupted`` returns True (asked every
    few hundred files); True once ``path`` is gone. A search index at 10,000 events is
    tens of thousands of files: an edit in the preview must not wait while the last
    one is removed (bench/README.md, "The preview's memory"). What is left stays for
    the next call."""
    if os.path.islink(path):
        os.unlink(path)
    removed = 0
    for folder, folders, names in os.walk(path, topdown=False):
        # The folders come after what they held (emptied already), or are links.
        for name, is_folder in [(n, False) for n in names] + [(n, True) for n in folders]:
            inner = os.path.join(folder, name)
            with suppress(OSError):
                if is_folder and not os.path.islink(inner):
                    os.rmdir(inner)
                else:
                    os.unlink(inner)
            removed += 1
            if removed % REMOVALS_BETWEEN_LOOKS == 0 and interrupted():
                return False
    remove_folder(path)  # the top folder, or what could not go above (read-only)
    return not os.path.lexists(path)


def remove_leftovers(output_dir: Path) -> None:
    """Remove the scratch folders of ``output_dir`` left by builds that were killed:
    those whose process is gone (another build's, still running, are its own)."""
    prefix = f".{output_dir.name}."
    try:
        names = os.listdir(output_dir.parent)
    except FileNotFoundError:
        return
    for name in names:
        purpose, _, pid = name.removeprefix(prefix).rpartition("-")
        if not name.startswith(prefix) or purpose not in SCRATCH_PURPOSES or not pid.isdigit():
            continue
        if int(pid) != os.getpid() and not _running(int(pid)):
            remove_folder(output_dir.parent / name)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


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
    sees half a page and a file hard-linked elsewhere is never changed through here.
    Pieces are written as they come and compared with the old file afterwards, block by
    block, as ``StageWriter`` does: joined, a data export of a large site (sessions.json
    is about 100 MB at 10,000 events) took three times its size in memory, the
    preview's peak (bench/README.md, "The preview's memory")."""
    path = output_path(root, url)
    if isinstance(content, bytes) and _holds(str(path), content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _write_new(str(temporary), (content,) if isinstance(content, bytes) else content)
        if not isinstance(content, bytes) and _same_files(str(path), str(temporary)):
            temporary.unlink()
            return False
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


def static_shown(name: str) -> bool:
    """Whether a file or folder of a static or templates folder is the site's own: not a
    hidden one, nor an editor's backup ('.x.swp', 'x~', Emacs's '#x#')."""
    return not (name.startswith(".") or name.endswith("~") or name[:1] == name[-1:] == "#")


def copy_static(sources: Iterable[Path], root: Path, site_root: Path) -> int:
    """Copy static folders in order (later ones override earlier), as ``/static/``;
    returns how many files the output holds. Links that lead out of ``site_root`` are
    left out (``pipeline.check`` reports them)."""
    copied: set[tuple[str, ...]] = set()
    target = root / "static"
    for source in sources:
        if not source.is_dir():
            continue
        for parts in walk_files(source, site_root, [], static_shown):
            dest = target.joinpath(*parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source.joinpath(*parts), dest)
            copied.add(parts)
    return len(copied)
