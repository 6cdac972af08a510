"""Command line: ``clusterreports build|check|serve|new|import``.

Exit status: 0 on success, 1 for content problems (and files that cannot be read or
written), 2 for usage errors (an output folder a build must not replace), 3 when Pagefind
failed, 70 for a bug in clusterreports itself, 130 when stopped (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import NoReturn

from .authoring.importing import command as import_command
from .authoring.scaffold import ProbableDuplicate, RecordExists, UnknownType, new_record
from .config import Site, check_base_url, load_site_config
from .content.models import RECORD_TYPES
from .outputs.search import SearchIndexError
from .pipeline import build, check
from .problems import ContentError, counted, shortened, warnings_report
from .site import progress
from .site.write import OutputRefused
from .version import __version__

EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_TOOL = 3  # a tool the build runs (Pagefind) failed
EXIT_BUG = 70  # sysexits' EX_SOFTWARE: never 1, which scripts read as content problems
EXIT_INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: use YYYY-MM-DD") from None


def _global_options(default: object) -> argparse.ArgumentParser:
    """--site and --version, taken before the command or after it. Only the main parser
    sets the default: a command's own default would overwrite a --site given before it."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--site", type=Path, default=default, help="site folder (default: .)")
    options.add_argument("--version", action="version", version=f"clusterreports {__version__}")
    return options


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clusterreports",
        description="Build a website from conference report records.",
        parents=[_global_options(Path("."))],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    global_options = _global_options(argparse.SUPPRESS)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, parents=[global_options])

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--today", type=_date, help="build date for call statuses (YYYY-MM-DD)")
        sub.add_argument(
            "--base-url", type=_base_url, help="where the site is served from, e.g. /reports/"
        )
        sub.add_argument("--output", help="output folder (default: _site)")
        sub.add_argument("-q", "--quiet", action="store_true", help="print only problems")
        sub.add_argument(
            "--no-search",
            dest="search",
            action="store_false",
            default=None,
            help="leave out the search page and index (as 'search: false' in site.yaml)",
        )

    build_parser = command("build", "check the content and write the site")
    common(build_parser)
    build_parser.add_argument(
        "-j", "--jobs", type=_jobs, help="processes that render pages (default: one per core)"
    )
    check_parser = command("check", "check the content without writing anything")
    common(check_parser)
    for sub in (build_parser, check_parser):
        sub.add_argument(
            "--strict", action="store_true", help="treat warnings (probable duplicates) as problems"
        )
    serve = command("serve", "preview the site; rebuild and reload on edits")
    common(serve)
    serve.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only)",
    )
    new = command("new", "write a new record file to fill in")
    new.add_argument("type", help="record type: " + ", ".join(t.type_name for t in RECORD_TYPES))
    new.add_argument("title", help='its title or name, e.g. "Anaïs Le Corvec"')
    new.add_argument(
        "--force", action="store_true", help="write it even if it looks like an existing record"
    )
    import_command.add_arguments(command("import", import_command.SUMMARY))
    return parser


def _base_url(text: str) -> str:
    try:
        return check_base_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes: use 1 or more")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port: use 1 to 65535")
    return int(text)


def _site(args: argparse.Namespace) -> Site:
    return load_site_config(
        args.site, today=args.today, base_url=args.base_url, output=args.output, search=args.search
    )


@contextmanager
def _terminate_stops() -> Iterator[None]:
    """SIGTERM (``kill``, a cancelled CI job) stops like Ctrl-C: the staging folder is
    removed and Pagefind stopped, rather than both left behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    with _terminate_stops():
        try:
            return _run(args)
        except Exception as error:
            return _report_bug(error)


def _report_bug(error: Exception) -> int:
    """An exception no stage expected is a bug in clusterreports, not in the content:
    one line says so, and the traceback is saved to a file to attach to a report."""
    return _report_bug_details(f"{type(error).__name__}: {error}", traceback.format_exc())


def _report_bug_details(error: str, trace: str) -> int:
    """``_report_bug`` for an exception given as text (one raised in another process)."""
    details = f"clusterreports {__version__}, Python {sys.version}\n{trace}"
    what = shortened(error, 200).replace("\n", " ")
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", prefix="clusterreports-bug-", suffix=".txt", delete=False
        ) as file:
            file.write(details)
        saved = f"with the details saved in {file.name}"
    except OSError:  # nowhere to save them: print them instead
        print(details, file=sys.stderr, end="")
        saved = "with the details printed above"
    print(
        f"clusterreports: internal error ({what}): a bug in clusterreports, not a problem "
        f"with your content. Please report it {saved}",
        file=sys.stderr,
    )
    return EXIT_BUG


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The command's entry point (console script, ``python -m``, build.py): ``main``,
    then exit at once. Python's own exit would first collect and free every record,
    view and page of the build, seconds on a large site (bench/HISTORY.md), for
    nothing. Every file is written and every worker gone by then; only the streams
    need flushing. A thread still at work (the preview's builder, stopped mid-build)
    is left to Python's exit, which waits for it to clean up."""
    code = main(argv)
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError):  # e.g. a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "new":
            return _new(args)
        if args.command == "import":
            return import_command.run_import(args)
        if args.command == "serve":
            return _serve(args)
        site = _site(args)
        if args.command == "check":
            bar = progress.BuildProgress(0, enabled=progress.wanted(args.quiet))
            try:
                checked = check(site, progress=bar, strict=args.strict)
            finally:
                bar.stop()
            if checked.warnings:
                print(warnings_report(checked.warnings), file=sys.stderr)
            if not args.quiet:
                records = counted(len(checked.registry), "record")
                print(f"No problems: {records}, {counted(len(checked.pages), 'page')}.")
            return 0
        result = build(
            site, jobs=args.jobs, progress=progress.wanted(args.quiet), strict=args.strict
        )
        if result.warnings:
            print(warnings_report(result.warnings), file=sys.stderr)
        if not args.quiet:
            print(f"{result.summary()} -> {site.output_dir}")
        return 0
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_CONTENT
    except OutputRefused as error:  # before anything was read or written
        print(f"clusterreports: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SearchIndexError as error:
        print(f"clusterreports: {error}\nThe published site is unchanged.", file=sys.stderr)
        return EXIT_TOOL
    except KeyboardInterrupt:
        print("clusterreports: stopped. The published site is unchanged.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _new(args: argparse.Namespace) -> int:
    try:
        path = new_record(load_site_config(args.site), args.type, args.title, force=args.force)
    except UnknownType as error:
        print(f"clusterreports new: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (RecordExists, ProbableDuplicate) as error:
        print(f"clusterreports new: {error}", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as error:  # e.g. a read-only folder, or a file where the folder goes
        where = f" {error.filename}" if error.filename else ""
        print(f"clusterreports new: cannot write{where}: {error.strerror}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Wrote {path}: fill in its required fields, then run clusterreports check")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM, which end it with 130 as they end a build."""
    # Imported here: the preview's server and watcher are a fifth of a build's start-up.
    from .preview.incremental import Preview
    from .preview.server import BuilderFailed, CannotListen, ctrl_c_stops, serve

    def say(text: str) -> None:
        if not args.quiet:
            print(text, flush=True)

    preview = Preview(
        args.site, today=args.today, base_url=args.base_url, output=args.output, search=args.search
    )
    try:
        with ctrl_c_stops(preview):
            serve(preview, args.host, args.port, say)  # builds first
    except CannotListen as error:
        print(f"clusterreports serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BuilderFailed as error:
        if error.crash is not None:  # a bug, reported as any other
            return _report_bug_details(error.crash.what, error.crash.details)
        print(f"clusterreports serve: {error}", file=sys.stderr)
        return EXIT_BUG
    except KeyboardInterrupt:
        say("Stopped.")
    return EXIT_INTERRUPTED


if __name__ == "__main__":
    run()
