"""Content problems: collected across every stage, reported together."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# The longest message reported: a value echoed in one is cut in the middle, so a
# 5 MB value in a file is not 5 MB of report (and the fix at the end is kept).
MESSAGE_LIMIT = 1000


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, with where it is and what to do."""

    path: str
    line: int | None
    column: int | None
    message: str

    def __post_init__(self) -> None:
        if len(self.message) > MESSAGE_LIMIT:
            object.__setattr__(self, "message", shortened(self.message, MESSAGE_LIMIT))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def warnings_report(warnings: list[Problem]) -> str:
    """Warnings as the CLI prints them: they do not stop a build unless it is strict."""
    lines = [str(p)[: -len(p.message)] + "warning: " + p.message for p in sorted(warnings)]
    lines.append(f"{counted(len(warnings), 'warning')}: --strict makes them problems.")
    return "\n".join(lines)


class ContentError(Exception):
    """Raised by a stage when the content has problems; carries all of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        count = len(self.problems)
        lines.append(f"{counted(count, 'problem')} found; nothing was written.")
        return "\n".join(lines)


def _sort_key(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.path, problem.line or 0, problem.column or 0, problem.message)


def shortened(text: str, limit: int) -> str:
    """``text`` in at most about ``limit`` characters: its start and its end."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 3
    return f"{text[:head]} [... {len(text) - head - tail:,} characters left out ...] {text[-tail:]}"


def counted(count: int, noun: str) -> str:
    """'1 page', '2 pages'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates escaped ('\\x01', '\\ud800'),
    for messages that quote a value: a lone surrogate cannot even be encoded to print."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' Did you mean 'x'?' for a near miss, else ''."""
    matches = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{matches[0]}'?" if matches else ""


def display_path(path: Path, root: Path) -> str:
    """A path as the editor knows it: relative to the site folder where possible."""
    try:
        return path.relative_to(root).as_posix()  # the usual case, without touching the disk
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
