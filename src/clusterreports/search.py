"""Full-text search without a server: Pagefind indexes the finished site.

It runs as a finaliser over the staging folder once every page is written, so the
index always matches the pages being published, and writes its own script, styles and
index under /pagefind/ (nothing is loaded from elsewhere). Only record pages are
indexed (one result per record, not the listings that repeat them); their header,
navigation and footer are left out (``EXCLUDED``), and each page names its record type in a
``data-pagefind-filter``/``data-pagefind-meta`` tag (templates/_head_discovery.html).
Sections that list other records (backlinks: appearances, agendas, an organisation's
events) carry ``data-pagefind-ignore``, so each fact is indexed once, on the record that
holds it: better results, and Pagefind's time and memory fall by about a third.
"""

from __future__ import annotations

import subprocess
import tempfile
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


class Indexing:
    """A running Pagefind process; ``wait`` raises SearchIndexError if it failed."""

    def __init__(self, command: list[str]) -> None:
        # Errors go to a file, not a pipe: nobody reads a pipe until the end, and a
        # full one would stall Pagefind.
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by wait or cancel)
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errors
        )

    def wait(self) -> None:
        with self.errors:
            code = self.process.wait()
            if code != 0:
                self.errors.seek(0)
                message = self.errors.read().decode("utf-8", "replace").strip()
                raise SearchIndexError(f"Pagefind failed ({code}): {message}")

    def cancel(self) -> None:
        self.process.kill()
        self.process.wait()
        self.errors.close()


class _Off:
    """What ``index_site`` returns for a site built without search."""

    def wait(self) -> None:
        pass

    def cancel(self) -> None:
        pass


def index_site(context: BuildContext, stage: Path) -> Indexing | _Off:
    if not context.site.config.search:
        return _Off()
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
    return Indexing(command)
