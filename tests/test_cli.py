"""The command line as editors use it: exit codes, messages, entry points."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

import pytest

from clusterreports import __version__
from clusterreports.cli import main

from .conftest import ROOT, SITES


def test_check_valid_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--site", str(SITES / "valid"), "check"]) == 0
    assert capsys.readouterr().out.startswith("No problems: 19 records")


def test_build_writes_into_output_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["--site", str(SITES / "valid"), "build", "--output", str(out), "-q"]) == 0
    assert (out / "index.html").is_file()
    assert capsys.readouterr().out == ""


def test_today_option_sets_call_status(tmp_path: Path) -> None:
    site = ["--site", str(SITES / "valid"), "build", "-q", "--output"]
    main([*site, str(tmp_path / "a"), "--today", "2022-10-05"])
    main([*site, str(tmp_path / "b"), "--today", "2022-11-20"])
    page = "calls/soon-call/index.html"
    assert "closes in 49 days" in (tmp_path / "a" / page).read_text()
    assert "closes in 3 days" in (tmp_path / "b" / page).read_text()


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], ["build", "--today", "yesterday"], []],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: clusterreports" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--site", str(SITES / "valid"), "check", "-q"],
        ["check", "--site", str(SITES / "valid"), "-q"],
        ["--site", "elsewhere", "check", "--site", str(SITES / "valid"), "-q"],
    ],
)
def test_site_option_before_or_after_the_command(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SITES / "invalid" / "bad-config")  # '.' would fail
    assert main(argv) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("argv", [["--version"], ["build", "--version"], ["new", "--version"]])
def test_version_before_or_after_the_command(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert capsys.readouterr().out == f"clusterreports {__version__}\n"


@pytest.mark.parametrize("base_url", ["//evil.example/", "/\\evil.example/", "evil.example"])
def test_base_url_option_must_be_a_path_or_a_web_url(
    base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--site", str(SITES / "valid"), "check", "--base-url", base_url])
    assert info.value.code == 2
    shown = base_url if base_url.endswith("/") else base_url + "/"
    assert capsys.readouterr().err.endswith(
        f"clusterreports check: error: argument --base-url: '{shown}' must be a path "
        "starting with a single '/' (e.g. '/reports/') or a full http(s) URL "
        "(e.g. 'https://example.org/reports/')\n"
    )


def test_content_errors_exit_1_without_traceback() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clusterreports",
            "--site",
            str(SITES / "invalid" / "unknown-field"),
            "build",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "unknown field 'place.veneu'. Did you mean 'venue'?" in result.stderr


def test_build_py_builds_this_repository(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "build",
            "--output",
            str(out),
            "--today",
            "2022-11-15",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )
    assert result.returncode == 0, result.stderr
    assert (out / "people" / "ulla-engelmann" / "index.html").is_file()
    # The command exits without Python's teardown (cli.run): what it printed into a
    # pipe, which buffers, must still arrive.
    assert result.stdout.startswith("Built "), result.stdout


def test_a_thread_still_at_work_is_waited_for(tmp_path: Path) -> None:
    """``run`` exits without Python's teardown only when nothing else is running: the
    preview's builder, stopped by Ctrl-C in the middle of a build, must clean up."""
    done = tmp_path / "done"
    script = (
        "import sys, threading, time\n"
        "from clusterreports.cli import run\n"
        "def finish():\n"
        "    time.sleep(0.5)\n"
        f"    open({str(done)!r}, 'w').close()\n"
        "threading.Thread(target=finish).start()\n"
        f"run(['--site', {str(SITES / 'valid')!r}, 'check', '--quiet'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert done.exists()


def test_a_huge_value_is_cut_short_in_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "content" / "people"
    people.mkdir(parents=True)
    (people / "huge.yaml").write_text(f"name: [{'x' * 5_000_000}]\n", encoding="utf-8")
    assert main(["--site", str(tmp_path), "check"]) == 1
    [problem, summary] = capsys.readouterr().err.splitlines()
    assert problem == (
        "content/people/huge.yaml:1:1: name: input should be a valid string, got ['"
        + "x" * 622
        + " [... 4,999,047 characters left out ...] "
        + "x" * 331
        + "']"
    )
    assert summary == "1 problem found; nothing was written."


def _crash(*args: object, **kwargs: object) -> NoReturn:
    raise RuntimeError("a bug\nover two lines")


@pytest.mark.parametrize(
    ("argv", "crashing"),
    [
        (["check"], "clusterreports.cli.check"),
        (["build"], "clusterreports.cli.build"),
        (["new", "person", "X"], "clusterreports.cli.new_record"),
        (["serve"], "clusterreports.preview.incremental.Preview.build_all"),
    ],
)
def test_a_bug_exits_70_with_its_traceback_saved(
    argv: list[str],
    crashing: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crashing, _crash)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["--site", str(SITES / "valid"), *argv]) == 70
    [saved] = tmp_path.glob("clusterreports-bug-*.txt")
    assert capsys.readouterr().err == (
        "clusterreports: internal error (RuntimeError: a bug over two lines): a bug in "
        "clusterreports, not a problem with your content. Please report it with the "
        f"details saved in {saved}\n"
    )
    details = saved.read_text(encoding="utf-8")
    assert details.startswith("clusterreports 0.1.0, Python 3.")
    assert "Traceback (most recent call last)" in details and "in _crash" in details


def test_ctrl_c_still_exits_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stopped(*args: object, **kwargs: object) -> NoReturn:
        raise KeyboardInterrupt

    monkeypatch.setattr("clusterreports.cli.check", stopped)
    assert main(["--site", str(SITES / "valid"), "check"]) == 130
    assert capsys.readouterr().err == (
        "clusterreports: stopped. The published site is unchanged.\n"
    )
