"""Command line: ``clusterreports build|check|serve|new``.

Exit status: 0 on success, 1 for content problems, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from .config import Site, load_site_config
from .pipeline import build, check
from .problems import ContentError

EXIT_CONTENT = 1
EXIT_USAGE = 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: use YYYY-MM-DD") from None


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clusterreports", description="Build a website from conference report records."
    )
    parser.add_argument("--site", type=Path, default=Path("."), help="site folder (default: .)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--today", type=_date, help="build date for call statuses (YYYY-MM-DD)")
        sub.add_argument("--base-url", help="where the site is served from, e.g. /reports/")
        sub.add_argument("--output", help="output folder (default: _site)")
        sub.add_argument("-q", "--quiet", action="store_true", help="print only problems")

    common(commands.add_parser("build", help="check the content and write the site"))
    common(commands.add_parser("check", help="check the content without writing anything"))
    return parser


def _site(args: argparse.Namespace) -> Site:
    return load_site_config(args.site, today=args.today, base_url=args.base_url, output=args.output)


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        site = _site(args)
        if args.command == "check":
            checked = check(site)
            if not args.quiet:
                print(f"No problems: {len(checked.registry)} records, {len(checked.pages)} pages.")
            return 0
        result = build(site)
        if not args.quiet:
            print(f"{result.summary()} -> {site.output_dir}")
        return 0
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_CONTENT


if __name__ == "__main__":
    sys.exit(main())
