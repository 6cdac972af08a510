"""``clusterreports import SCHEDULE --event ID``: the command line of the importer.

Exit status: 0 imported (or a dry run shown), 1 problems in the schedule or the site
(nothing written), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ...config import load_site_config
from ...content.models import ID_PATTERN
from ...problems import ContentError, counted, display_path
from .zones import known_zone

if TYPE_CHECKING:
    from .run import Result

EXIT_CONTENT = 1
EXIT_USAGE = 2


SUMMARY = "import a programme (schedule.json, schedule.xml or CSV) as records"


def add_arguments(sub: argparse.ArgumentParser) -> None:
    """The ``import`` command's own arguments (the command line adds the common ones)."""
    sub.add_argument("source", type=Path, help="schedule.json, schedule.xml or a .csv file")
    sub.add_argument("--event", required=True, help="the event's id, e.g. ecc-2024")
    sub.add_argument("--dry-run", action="store_true", help="show what it would write")
    sub.add_argument(
        "--merge",
        action="append",
        default=[],
        metavar="NEW=EXISTING",
        help="link the speaker the import would call NEW to the person EXISTING",
    )
    sub.add_argument(
        "--timezone", help="the zone of a CSV's times (default: the event's 'timezone')"
    )


def _merges(pairs: list[str]) -> dict[str, str]:
    from .run import UsageError

    merges = {}
    for pair in pairs:
        new, _, existing = pair.partition("=")
        if not (ID_PATTERN.match(new) and ID_PATTERN.match(existing)):
            raise UsageError(f"--merge {pair}: write NEW=EXISTING with two person ids")
        merges[new] = existing
    return merges


def run_import(args: argparse.Namespace) -> int:
    # Imported here: the readers' libraries would slow every other command's start.
    from .run import UsageError, apply, plan_import

    try:
        if args.timezone and not known_zone(args.timezone):
            raise UsageError(
                f"--timezone {args.timezone}: not a known time zone, e.g. Europe/Brussels"
            )
        site = load_site_config(args.site)
        result = plan_import(site, args.source, args.event, _merges(args.merge), args.timezone)
    except UsageError as error:
        print(f"clusterreports import: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_CONTENT
    if not args.dry_run:
        try:
            apply(result)
        except OSError as error:
            where = display_path(Path(error.filename or "."), site.root)
            print(
                f"clusterreports import: could not write {where} ({error.strerror}); "
                "nothing was written",
                file=sys.stderr,
            )
            return EXIT_CONTENT
    print(summary(result, site.root, args.dry_run))
    return 0


def summary(result: Result, root: Path, dry_run: bool) -> str:
    lines = []
    for outcome in result.outcomes:
        where = outcome.path.relative_to(root).as_posix()
        if outcome.action != "unchanged":
            verb = outcome.action
            lines.append(f"{'would ' + verb if dry_run else verb + 'd'} {where}")
        for name in outcome.kept:
            lines.append(f"kept your edit of '{name}' in {where} (the schedule says otherwise)")
    if result.event_additions:
        given = ", ".join(f"{k}: {v}" for k, v in result.event_additions.items())
        lines.append(
            f"event '{result.event_id}' exists and is left as it is; the schedule adds {given}"
        )
    for name, person in sorted(result.linked.items()):
        lines.append(f"linked '{name}' to the existing person '{person}'")
    for text in result.uncertain:
        lines.append(f"uncertain: {text}")
    for type_name, where in result.dropped:
        what = "session was dropped" if type_name == "session" else "record is not needed"
        lines.append(
            f"no longer in the schedule: {where} is left as it is; delete it if the {what}"
        )
    for text in result.removed:
        lines.append(f"left out {text}: its record was removed by hand since the last import")
    counts = {
        a: sum(1 for o in result.outcomes if o.action == a)
        for a in ("create", "update", "unchanged")
    }
    sessions = sum(1 for o in result.outcomes if o.planned.type_name == "session")
    head = "Dry run, nothing written" if dry_run else "Imported"
    lines.append(
        f"{head}: {counted(sessions, 'session')}; {counts['create']} new, "
        f"{counts['update']} updated, {counts['unchanged']} unchanged records; "
        f"{counted(len(result.linked), 'speaker')} linked to existing people."
    )
    return "\n".join(lines)
