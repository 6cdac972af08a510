"""What a batch of changed paths means for the preview: content, templates, static
files, or a full rebuild (site.yaml, a translation, a message catalogue)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Site
from ..content.load import RECORD_SUFFIXES, is_ignored, translation_of
from ..site.i18n import catalogue_folders
from ..site.render import template_dirs
from ..site.theme import builtin_dir
from ..site.write import static_shown

# In a locales folder, what no build reads: compiled catalogues (``pybabel compile``
# writes them; a build compiles the .po in memory) and the template, messages.pot.
NOT_READ = (".mo", ".pot")


@dataclass
class Changes:
    """A batch of changed paths, sorted by what they mean for the build."""

    content: set[Path] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    static: set[Path] = field(default_factory=set)
    full: str | None = None

    def rebuild_all(self, reason: str) -> None:
        self.full = self.full or reason


def inside(path: Path, folder: Path) -> Path | None:
    try:
        return path.relative_to(folder)
    except ValueError:
        return None


def _backup(relative: Path) -> bool:
    """Editors' hidden and backup files, which builds leave out; '_macros.html' is a template."""
    return not all(static_shown(part) for part in relative.parts)


def classify(site: Site, paths: Iterable[Path]) -> Changes:
    """Sort changed paths into content, template, static and config changes (site.yaml,
    and the message catalogues: any page may show any message)."""
    changes = Changes()
    content = site.content_dir.resolve()
    output = site.output_dir.resolve()
    template_roots = template_dirs(site)
    catalogue_roots = catalogue_folders(site)
    static_roots = [d.resolve() for d in (builtin_dir("static"), site.static_dir)]
    for raw_path in paths:
        path = Path(raw_path).resolve()
        if path == site.config_path.resolve():
            changes.rebuild_all("site.yaml changed")
            continue
        if inside(path, output) is not None:
            continue
        relative = inside(path, content)
        if relative is not None:
            if relative.parts and not is_ignored(relative):
                if path.suffix in RECORD_SUFFIXES and translation_of(path) is not None:
                    changes.rebuild_all(f"{path.name}: a translation changed")
                changes.content.add(path)
            continue
        for root in catalogue_roots:
            name = inside(path, root)
            if name is not None and name.parts and not _backup(name):
                if path.suffix not in NOT_READ:
                    changes.rebuild_all(f"message catalogue {name.as_posix()} changed")
                break
        for root in template_roots:
            name = inside(path, root)
            if name is not None and name.parts and not _backup(name):
                changes.templates.add(name.as_posix())
                break
        for root in static_roots:
            name = inside(path, root)
            if name is not None and name.parts and not _backup(name):
                changes.static.add(path)
                break
    return changes
