"""Build this site: ``python build.py`` (or ``python build.py serve``, ``check``, ...)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
try:
    from clusterreports.cli import main
except ImportError:  # not installed: run from the source tree
    sys.path.insert(0, str(ROOT / "src"))
    from clusterreports.cli import main

if __name__ == "__main__":
    sys.exit(main(["--site", str(ROOT), *(sys.argv[1:] or ["build"])]))
