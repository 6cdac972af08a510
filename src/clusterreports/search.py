"""Full-text search without a server: Pagefind indexes the finished site.

It runs as a finaliser over the complete staging folder, so the index always matches
the pages being published, and writes its own script, styles and index under
/pagefind/ (nothing is loaded from elsewhere). Only record pages are indexed (one
result per record, not the listings that repeat them); their header, navigation and
footer are left out (``EXCLUDED``), and each page names its record type in a
``data-pagefind-filter``/``data-pagefind-meta`` tag (templates/_head_discovery.html).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from pagefind.service import get_executable

from . import urls
from .models import RECORD_TYPES

if TYPE_CHECKING:
    from .outputs import BuildContext


# The page chrome repeated on every page (header, navigation, breadcrumbs, footer, skip
# link) and the source list, which would make every record match its source's title.
EXCLUDED = "body > header, body > footer, nav, .skip-link, .sources"


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: the build stops rather than publish a broken search."""


def record_pages_glob() -> str:
    """Pagefind's file glob for every record page, e.g. '{events,people}/*/index.html'."""
    return "{" + ",".join(t.folder for t in RECORD_TYPES) + "}/*/index.html"


def index_site(context: BuildContext, stage: Path) -> None:
    executable = get_executable()
    if executable is None:
        raise SearchIndexError(
            "the Pagefind binary is missing: install it with pip install 'pagefind[bin]'"
        )
    command = [
        str(executable),
        "--site", str(stage),
        "--output-subdir", urls.PAGEFIND_URL.strip("/"),
        "--glob", record_pages_glob(),
        "--exclude-selectors", EXCLUDED,
        "--force-language", context.site.config.language.split("-")[0],
        "--silent",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(f"Pagefind failed ({done.returncode}): {done.stderr.strip()}")
