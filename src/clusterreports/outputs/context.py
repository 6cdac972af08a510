"""What every extra file and finaliser is given (the checked site and its renderer), and
the shapes they take; in a module of its own so that the makers and their driver
(``extras``) both import it and never each other."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..config import Site
from ..content.registry import Registry
from ..site.plan import Page
from ..site.render import Renderer
from ..site.views import SiteView
from ..site.write import Content


@dataclass
class BuildContext:
    site: Site
    registry: Registry
    pages: list[Page]
    renderer: Renderer
    language: str = ""  # of the files made per language (feeds, calendars); '': the default

    @property
    def view(self) -> SiteView:
        """The site as the pages of ``language`` show it."""
        return self.renderer.view_in(self.language or self.site.config.default_language)


# Makes some of the files beside the pages, as (url, content): see extras.EXTRA_FILES.
ExtraFilesMaker = Callable[[BuildContext], Iterable[tuple[str, Content]]]


class Running(Protocol):
    def wait(self, timeout: float | None = None) -> bool:
        """True once finished (raising its error if it failed), False if still running
        after ``timeout`` seconds."""

    def cancel(self) -> None: ...


# (context, the folder holding the pages, the folder to write into, the URLs of the
# pages changed since the finaliser's files there were made, or None: all of them).
# Given changed pages, a finaliser may write only the files they affect.
Finaliser = Callable[[BuildContext, Path, Path, AbstractSet[str] | None], Running]


class Interrupted(Exception):
    """The finalisers were stopped because the caller asked (an edit in the preview)."""
