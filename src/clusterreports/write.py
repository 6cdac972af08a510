"""Stage 6, write: into a staging folder, swapped in only when the build is complete.

A failed build leaves the previous site untouched, and nothing is written outside
the output folder (``urls.output_path`` refuses such paths).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .urls import output_path


@contextmanager
def staging(output_dir: Path) -> Iterator[Path]:
    """A fresh folder beside ``output_dir``; on success it replaces ``output_dir``."""
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = output_dir.parent / f".{output_dir.name}.building-{os.getpid()}"
    old = output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if output_dir.exists():
        output_dir.rename(old)
    stage.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)


def write_file(root: Path, url: str, content: bytes) -> bool:
    """Write one page; returns False when the file already held exactly this content."""
    path = output_path(root, url)
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def copy_static(sources: Iterable[Path], root: Path) -> int:
    """Copy static folders in order (later ones override earlier), as ``/static/``."""
    count = 0
    target = root / "static"
    for source in sources:
        if not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                dest = target / path.relative_to(source)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
                count += 1
    return count
