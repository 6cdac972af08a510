"""Images as templates see them: a ``Picture`` knows its files' URLs (``images``), its
text alternative, caption, credit and the people it shows. Record views reach them
through one-line properties (``portrait``, ``logo``, ``photos``, ``photos_showing``)."""

from __future__ import annotations

from typing import Any

from ..content.models import Award, Event, Image, ImageFile, Session
from .images import MIME_TYPES, svg_url, variants


class Picture:
    def __init__(self, image: Image, source: ImageFile, site: Any) -> None:
        self.image = image
        self.alt = image.alt or ""
        self.decorative = image.decorative
        self.caption = image.caption
        self.credit = image.credit
        self.people = [p for p in (site.find("person", i) for i in image.people) if p]
        self.is_svg = source.format == "SVG"
        self.width, self.height = source.width, source.height
        if self.is_svg:
            self.src = self.large = site.url(svg_url(source))
            self.absolute = site.absolute_url(svg_url(source))
            self.webp_srcset = self.fallback_srcset = self.fallback_type = ""
            return
        made = variants(source, site.config.images.widths)
        webp = [v for v in made if v.format == "WEBP"]
        fallback = [v for v in made if v.format != "WEBP"]
        self.webp_srcset = ", ".join(f"{site.url(v.url)} {v.width}w" for v in webp)
        self.fallback_srcset = ", ".join(f"{site.url(v.url)} {v.width}w" for v in fallback)
        self.fallback_type = MIME_TYPES[fallback[0].format]
        # The <img>'s own size is the largest file's, so the page reserves the right box.
        self.width, self.height = fallback[-1].width, fallback[-1].height
        self.src = self.large = site.url(fallback[-1].url)
        self.absolute = site.absolute_url(fallback[-1].url)


def picture(view: Any, image: Image | None) -> Picture | None:
    """The picture of one image of ``view``'s record (None if it has none)."""
    if image is None:
        return None
    record = view.record
    source = view.site.registry.images.get((record.type_name, record.id, image.file))
    return Picture(image, source, view.site) if source else None


def pictures(view: Any, images: list[Image]) -> list[Picture]:
    return [p for p in (picture(view, image) for image in images) if p]


def photos_showing(view: Any) -> list[tuple[Picture, Any]]:
    """The photos, on any record, that list this person among the people pictured, each
    with the view of the record it belongs to."""
    found = []
    seen: set[tuple[str, str, int]] = set()  # a person named twice in one photo
    for link in view.site.registry.links_to(view.record):
        source, loc = link.source, link.loc
        if not isinstance(source, Event | Session | Award) or loc[0] != "photos":
            continue
        index = int(loc[1])
        if (source.type_name, source.id, index) in seen:
            continue
        seen.add((source.type_name, source.id, index))
        owner = view.site.view(source)
        shown = picture(owner, source.photos[index])
        if shown:
            found.append((shown, owner))
    return found
