"""The output folder: refused when a build must not replace it, replaced only whole,
and left as it was when a file cannot be written; killed builds' leftovers removed."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from clusterreports import build, load_site_config
from clusterreports.cli import main
from clusterreports.preview import incremental
from clusterreports.preview.incremental import Preview
from clusterreports.site import write
from clusterreports.site.write import MARKER

from .conftest import as_a_user, copy_site, failed_build, snapshot

TAIL = ", and a build replaces its output folder whole: choose a folder of its own, such as _site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The valid site in a folder of its own, with a git repository, templates and
    static folders: everything a wrong output folder could destroy."""
    root = copy_site("valid", tmp_path / "parent")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "templates").mkdir()
    (root / "static").mkdir()
    (root / "static" / "extra.css").write_text("p {}\n")
    return root


def _everything(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder``, folders as None."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
        for p in folder.rglob("*")
    }


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize(
    ("output", "reason"),
    [
        (".", "is the site folder"),
        ("..", "contains the site folder"),
        ("content", "is the content folder"),
        ("content/people", "is inside the content folder"),
        ("templates", "is the templates folder"),
        ("static", "is the static folder"),
        ("site.yaml", "is site.yaml"),
    ],
)
def test_an_output_folder_holding_the_site_is_refused_and_nothing_is_deleted(
    site: Path,
    command: str,
    output: str,
    reason: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = _everything(site.parent)
    assert main(["--site", str(site), command, "--output", output]) == 2
    expected = f"clusterreports: output folder {(site / output).resolve()} {reason}{TAIL}\n"
    assert capsys.readouterr().err == expected
    assert _everything(site.parent) == before


def test_an_output_folder_set_in_site_yaml_is_refused_the_same(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "site.yaml").write_text("output: content\n")
    before = _everything(site.parent)
    assert main(["--site", str(site), "build"]) == 2
    message = f"output folder {site / 'content'} is the content folder{TAIL}"
    assert capsys.readouterr().err == f"clusterreports: {message}\n"
    assert _everything(site.parent) == before


def test_the_root_folder_is_refused_and_nothing_is_written_beside_it(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _everything(site.parent)
    listed = sorted(os.listdir("/"))
    assert main(["--site", str(site), "build", "--output", "/"]) == 2
    assert capsys.readouterr().err == f"clusterreports: output folder / is the root folder{TAIL}\n"
    assert sorted(os.listdir("/")) == listed
    assert _everything(site.parent) == before


@pytest.mark.parametrize(("output", "reason"), [("users/me", "is"), ("users", "contains")])
def test_the_home_folder_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    output: str,
    reason: str,
) -> None:
    home = tmp_path / "users" / "me"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "todo.txt").write_text("keep me\n")
    monkeypatch.setenv("HOME", str(home))
    site = copy_site("valid", tmp_path / "sites")
    before = _everything(tmp_path)
    assert main(["--site", str(site), "build", "--output", str(tmp_path / output)]) == 2
    where = tmp_path / output
    expected = f"clusterreports: output folder {where} {reason} your home folder{TAIL}\n"
    assert capsys.readouterr().err == expected
    assert _everything(tmp_path) == before


def test_a_folder_no_build_made_is_refused_unless_empty(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.tex").write_text("years of work\n")
    before = _everything(tmp_path)
    assert main(["--site", str(site), "build", "-q", "--output", str(other)]) == 2
    assert capsys.readouterr().err == (
        f"clusterreports: output folder {other} is not empty and has no {MARKER} file, so no "
        "build made it, and a build replaces its output folder whole: empty it or choose "
        "another folder\n"
    )
    assert _everything(tmp_path) == before
    (other / "thesis.tex").unlink()  # an empty folder, then an earlier build: both taken
    assert main(["--site", str(site), "build", "-q", "--output", str(other)]) == 0
    assert (other / MARKER).is_file() and (other / "index.html").is_file()
    assert main(["--site", str(site), "build", "-q", "--output", str(other)]) == 0


def test_a_file_as_output_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "notes.txt").write_text("mine\n")
    assert main(["--site", str(site), "build", "--output", "notes.txt"]) == 2
    message = f"output folder {site / 'notes.txt'} is a file{TAIL}"
    assert capsys.readouterr().err == f"clusterreports: {message}\n"
    assert (site / "notes.txt").read_text() == "mine\n"


def test_the_preview_shows_a_refused_output_folder_from_site_yaml_as_a_problem(
    site: Path,
) -> None:
    preview = Preview(site)
    assert preview.build_all().error is None
    (site / "site.yaml").write_text("output: content\n")
    before = _everything(site / "content")
    outcome = preview.build_all("site.yaml changed")
    assert outcome.error is not None
    assert outcome.error.report() == (
        f"site.yaml: output folder {site / 'content'} is the content folder{TAIL}\n"
        "1 problem found; nothing was written."
    )
    assert _everything(site / "content") == before


def _fail_after(monkeypatch: pytest.MonkeyPatch, count: int, error: OSError) -> None:
    """Let ``count`` pages be written, then fail every write with ``error``, as a disk
    that fills up part-way does (a write past the end fails with ENOSPC and no name)."""
    real = write._write_new
    calls = [0]

    def write_new(path: str, pieces: object) -> None:
        calls[0] += 1
        if calls[0] > count:
            raise error
        real(path, pieces)  # type: ignore[arg-type]

    monkeypatch.setattr(write, "_write_new", write_new)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_fails_the_build_and_keeps_the_site(
    site: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    jobs: int,
) -> None:
    monkeypatch.chdir(site)
    build(load_site_config(site))
    (site / "content" / "people" / "bianca-dragomir.yaml").write_text("name: Bianca D.\n")
    before = snapshot(site / "_site")
    _fail_after(monkeypatch, 3, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert main(["build", "-q", "--jobs", str(jobs)]) == 1
    assert capsys.readouterr().err == (
        "_site: cannot be written (No space left on device): free some space on the disk, "
        "then build again\n1 problem found; nothing was written.\n"
    )
    assert snapshot(site / "_site") == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["valid"]  # no scratch folder


BUILD = [sys.executable, "-m", "clusterreports", "build", "-q", "--no-search"]


@pytest.mark.parametrize("read_only", ["_site", "."])
def test_a_read_only_folder_fails_the_build_and_keeps_the_site(site: Path, read_only: str) -> None:
    """With real permissions: the output folder (which a build replaces whole) or the
    folder it is in (where the new site is staged) made read-only."""
    build(load_site_config(site))
    before = snapshot(site / "_site")
    (site / read_only).chmod(0o555)
    try:
        result = as_a_user(BUILD, site)
    finally:
        (site / read_only).chmod(0o755)
    where = "_site" if read_only == "_site" else str(site)
    why = "the folder is read-only" if read_only == "_site" else "Permission denied"
    assert (result.returncode, result.stderr) == (
        1,
        f"{where}: cannot be written ({why}): make it writable or choose another output "
        "folder\n1 problem found; nothing was written.\n",
    )
    assert snapshot(site / "_site") == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [".git"]


def test_scratch_folders_of_killed_builds_are_removed_but_not_a_running_ones(
    site: Path,
) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(ended.stdout)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = [
            f"._site.building-{dead}",
            f"._site.old-{dead}",
            f"._site.indexing-{dead}",
            f"._site.building-{running.pid}",
            "._site.other-1",
            "._sites.old-1",
        ]
        for name in names:
            (site / name / "people").mkdir(parents=True)
        (site / f"._site.old-{dead}" / "people").chmod(0o555)  # a read-only folder in it
        build(load_site_config(site))
        left = sorted(p.name for p in site.iterdir() if p.name.startswith("._site"))
        assert left == sorted([f"._site.building-{running.pid}", "._site.other-1", "._sites.old-1"])
    finally:
        running.kill()
        running.wait()


def test_a_full_disk_in_the_preview_is_shown_and_the_next_edit_builds_all(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site)
    preview = Preview(site)
    assert preview.build_all().error is None
    person = site / "content" / "people" / "bianca-dragomir.yaml"
    person.write_text(person.read_text().replace("Bianca Dragomir", "Bianca D."))

    def full(*args: object) -> bool:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(incremental, "write_file", full)
    outcome = preview.update({person})
    assert outcome.error is not None
    assert outcome.error.report() == (
        "_site: cannot be written (No space left on device): free some space on the disk, "
        "then build again\n1 problem found; nothing was written."
    )
    monkeypatch.undo()
    assert preview.update({person}).kind == "full"
    assert "Bianca D." in (site / "_site" / "people" / "bianca-dragomir" / "index.html").read_text()


@pytest.mark.parametrize("in_one_step", [True, False], ids=["exchange", "two renames"])
def test_a_failed_swap_puts_the_previous_site_back(
    site: Path, monkeypatch: pytest.MonkeyPatch, in_one_step: bool
) -> None:
    build(load_site_config(site))
    rename, exchange = Path.rename, write.exchange

    def failing(self: Path, target: Path) -> Path:
        if self.name.startswith("._site.building-"):  # the new site into its place
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
        return rename(self, target)

    def failing_exchange(a: Path, b: Path) -> bool:
        if a.name.startswith("._site.building-"):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(a))
        return exchange(a, b)

    monkeypatch.setattr(Path, "rename", failing)
    monkeypatch.setattr(write, "exchange", failing_exchange if in_one_step else lambda a, b: False)
    assert failed_build(site) == [
        f"{site}: cannot be written (Input/output error): make it writable or choose another "
        "output folder"
    ]


def test_an_output_folder_that_cannot_be_listed_is_refused(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "private.txt").write_text("mine\n")
    other.chmod(0)
    try:
        result = as_a_user([*BUILD, "--output", str(other)], site)
    finally:
        other.chmod(0o755)
    assert (result.returncode, result.stderr) == (
        2,
        f"clusterreports: output folder {other} cannot be read (Permission denied){TAIL}\n",
    )
    assert (other / "private.txt").read_text() == "mine\n"


# --- write_file: one file in place (the preview's extra files) -------------------------


def test_write_file_in_pieces_writes_each_as_it_comes(tmp_path: Path) -> None:
    """A data export is never joined: each piece is in the file's temporary copy before
    the next is made, so the preview holds one piece at a time, not the whole export."""
    root = tmp_path / "site"
    temporary = root / "data" / f".a.json.{os.getpid()}.tmp"
    sizes: list[int] = []

    piece = b"x" * 100_000  # past the file's buffer, as an export's records come

    def pieces() -> Iterator[bytes]:
        for _ in range(3):
            yield piece
            sizes.append(temporary.stat().st_size)  # asked for the next: this one is out

    root.mkdir()
    assert write.write_file(root, "/data/a.json", pieces()) is True
    assert sizes == [100_000, 200_000, 300_000]
    assert (root / "data" / "a.json").read_bytes() == piece * 3
    assert not temporary.exists()


@pytest.mark.parametrize(
    ("old", "new", "written"),
    [
        (b"[1,2]", [b"[1", b",2]"], False),  # the same bytes, cut elsewhere
        (b"[1,2]", [b"[1,", b"3]"], True),  # the same size
        (b"[1,2]", [b"[1,2", b",3]"], True),  # longer
        (b"[1,2]", [], True),
    ],
)
def test_write_file_in_pieces_keeps_an_unchanged_file(
    tmp_path: Path, old: bytes, new: list[bytes], written: bool
) -> None:
    target = tmp_path / "data" / "a.json"
    target.parent.mkdir()
    target.write_bytes(old)
    os.utime(target, (1, 1))
    assert write.write_file(tmp_path, "/data/a.json", iter(new)) is written
    assert target.read_bytes() == b"".join(new)
    assert (target.stat().st_mtime == 1) is not written  # untouched when the same
    assert os.listdir(target.parent) == ["a.json"]  # no temporary file left


def test_write_file_never_writes_through_a_hard_link(tmp_path: Path) -> None:
    target = tmp_path / "data" / "a.json"
    target.parent.mkdir()
    target.write_bytes(b"old")
    elsewhere = tmp_path / "elsewhere.json"
    os.link(target, elsewhere)
    assert write.write_file(tmp_path, "/data/a.json", iter([b"n", b"ew"])) is True
    assert write.write_file(tmp_path, "/data/b.json", b"x") is True
    assert elsewhere.read_bytes() == b"old"
    assert target.read_bytes() == b"new"


def test_write_file_failing_half_way_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "data" / "a.json"
    target.parent.mkdir()
    target.write_bytes(b"[1,2]")

    def pieces() -> Iterator[bytes]:
        yield b"[1,"
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write.write_file(tmp_path, "/data/a.json", pieces())
    assert target.read_bytes() == b"[1,2]"
    assert os.listdir(target.parent) == ["a.json"]


# --- replacing a folder a reader is using, and removing one a little at a time -----------


def _folder(path: Path, files: int, text: str) -> Path:
    path.mkdir(parents=True)
    for n in range(files):
        (path / f"{n}.txt").write_text(text)
    return path


needs_exchange = pytest.mark.skipif(
    write._renameat2() is None, reason="no renameat2 on this system"
)


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = _folder(tmp_path / "a", 1, "A"), _folder(tmp_path / "b", 2, "B")
    if not write.exchange(a, b):
        pytest.skip("this file system cannot exchange paths")
    assert sorted(os.listdir(a)) == ["0.txt", "1.txt"] and (a / "0.txt").read_text() == "B"
    assert os.listdir(b) == ["0.txt"] and (b / "0.txt").read_text() == "A"


def test_exchange_reports_a_missing_path_as_an_error(tmp_path: Path) -> None:
    a = _folder(tmp_path / "a", 1, "A")
    if write._renameat2() is None:
        assert write.exchange(a, tmp_path / "gone") is False
        return
    with pytest.raises(FileNotFoundError):
        write.exchange(a, tmp_path / "gone")
    assert (a / "0.txt").read_text() == "A"


@needs_exchange
def test_a_folder_put_in_place_is_never_missing_for_a_reader(tmp_path: Path) -> None:
    """The preview's server answered 404 for the search index (or for every page, in a
    full rebuild) between the two renames that put a new folder in the old one's place."""
    live = _folder(tmp_path / "live", 1, "0")
    if not write.exchange(_folder(tmp_path / "probe", 1, "x"), live):
        pytest.skip("this file system cannot exchange paths")
    missing = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            if not (live / "0.txt").exists():
                missing.append(True)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(200):
            new = _folder(tmp_path / f"new-{n}", 1, str(n))
            replaced = write.put_in_place(new, live, tmp_path / "aside")
            assert replaced == new
            write.remove_folder(replaced)
    finally:
        done.set()
        reader.join()
    assert missing == [] and (live / "0.txt").read_text() == "199"


@pytest.mark.parametrize("second_fails", [False, True], ids=["renamed", "put back"])
def test_a_folder_put_in_place_in_two_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, second_fails: bool
) -> None:
    """Where the system cannot exchange, the old folder goes aside first, and comes back
    if the new one cannot take its place."""
    monkeypatch.setattr(write, "exchange", lambda a, b: False)
    live, new = _folder(tmp_path / "live", 1, "old"), _folder(tmp_path / "new", 1, "new")
    aside = tmp_path / "aside"
    if second_fails:
        rename = Path.rename

        def failing(self: Path, target: Path) -> Path:
            if self == new:
                raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
            return rename(self, target)

        monkeypatch.setattr(Path, "rename", failing)
        with pytest.raises(OSError):
            write.put_in_place(new, live, aside)
        assert (live / "0.txt").read_text() == "old" and not aside.exists()
        return
    assert write.put_in_place(new, live, aside) == aside
    assert (live / "0.txt").read_text() == "new" and (aside / "0.txt").read_text() == "old"
    assert write.put_in_place(_folder(tmp_path / "first", 0, ""), tmp_path / "none", aside) is None


def test_removing_a_folder_stops_when_interrupted_and_goes_on_later(tmp_path: Path) -> None:
    folder = tmp_path / "side"
    for part in range(3):
        _folder(folder / f"part-{part}", write.REMOVALS_BETWEEN_LOOKS, "x")
    looks = []

    def edit_waiting() -> bool:
        looks.append(True)
        return True

    assert write.remove_folder_unless(folder, edit_waiting) is False
    assert looks == [True]  # it gave up at the first look
    left = [p for p in folder.rglob("*") if p.is_file()]
    assert 0 < len(left) <= 2 * write.REMOVALS_BETWEEN_LOOKS
    assert write.remove_folder_unless(folder, lambda: False) is True
    assert not folder.exists()
    assert write.remove_folder_unless(folder, edit_waiting) is True  # gone: nothing to do


def test_removing_a_folder_never_follows_a_link_out_of_it(tmp_path: Path) -> None:
    """A link inside (to a user's folder, say) is removed, never what it leads to."""
    mine = _folder(tmp_path / "mine", 3, "keep")
    (tmp_path / "my-file.txt").write_text("keep")
    folder = _folder(tmp_path / "side", 2, "x")
    (folder / "inner").mkdir()
    (folder / "inner" / "folder-link").symlink_to(mine, target_is_directory=True)
    (folder / "file-link").symlink_to(tmp_path / "my-file.txt")
    assert write.remove_folder_unless(folder, lambda: False) is True
    assert not folder.exists()
    assert sorted(os.listdir(mine)) == ["0.txt", "1.txt", "2.txt"]
    assert (tmp_path / "my-file.txt").read_text() == "keep"
    link = tmp_path / "link-to-mine"
    link.symlink_to(mine, target_is_directory=True)
    assert write.remove_folder_unless(link, lambda: False) is True
    assert not link.exists() and len(os.listdir(mine)) == 3
