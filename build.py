"""Build this site: ``python build.py`` (or ``python build.py serve``, ``check``, ...)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
try:
    from clusterreports.cli import run
except ImportError:  # not installed: run from the source tree
    sys.path.insert(0, str(ROOT / "src"))
    from clusterreports.cli import run

COMMANDS = {"build", "check", "serve", "new", "import", "-h", "--help"}

if __name__ == "__main__":
    args = sys.argv[1:]
    if not COMMANDS.intersection(args):
        args = ["build", *args]  # `python build.py --today 2022-11-15` means build
    run(["--site", str(ROOT), *args])
