"""A progress bar for long builds, on a terminal only.

It draws on standard error and vanishes when done, so standard output keeps just
the one summary line; piped, logged or ``--quiet`` builds show nothing. Rich is
imported only when a bar is shown, so other builds do not pay for it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def wanted(quiet: bool) -> bool:
    """Show progress when not quiet and standard error is a terminal."""
    return not quiet and sys.stderr.isatty()


class BuildProgress:
    """What checking is doing, then pages rendered out of the total, with pages per
    second; a no-op when disabled."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._status: Progress | None = None

    def checking(self, description: str) -> None:
        """Name the checking step under way (at 10,000 events checking takes seconds).
        Drawn once per step, with no refresh thread: checking forks its readers, and
        a child must not inherit a lock that thread holds."""
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import Progress, TextColumn

        if self._status is None:
            self._status = Progress(
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                auto_refresh=False,
                transient=True,
            )
            self._status.start()
            self._status.add_task(description, total=None)
        self._status.update(self._status.task_ids[0], description=description)
        self._status.refresh()

    def start(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
        if not self.enabled or self._bar is not None:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}", style="progress.data.speed"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("Rendering pages", total=self.total, rate="")

    def advance(self, count: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, count)
            task = next(t for t in self._bar.tasks if t.id == self._task)
            elapsed = task.elapsed or 0.0
            if elapsed > 0:
                self._bar.update(self._task, rate=f"{task.completed / elapsed:,.0f} pages/s")

    def stage(self, description: str) -> None:
        """Name what the build does after the pages (feeds, data, search index)."""
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, description=description)

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
