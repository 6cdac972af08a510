"""Which files an image becomes, and at which URLs: decided here once, for the pages
that show them (``imageviews``) and for the files written (``outputs/images.py``).

Each raster image is resized to the configured widths it is wider than (never
enlarged), plus its own width where that is below the largest, in WebP and in a
fallback every browser reads: JPEG for a photograph, PNG for what may be transparent.
Files are named by the digest of the original, so an edited image gets new URLs (no
stale copy in a browser's cache) and an unchanged one keeps its files between builds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.models import ImageFile
from .urls import MEDIA_URL

MEDIA_FOLDER = MEDIA_URL
EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg", "PNG": "png", "SVG": "svg"}
MIME_TYPES = {"WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png"}
# Enough of the sha256 to tell a site's images apart.
DIGEST_CHARS = 20


@dataclass(frozen=True)
class Variant:
    url: str  # a site path, without the base URL
    width: int
    height: int
    format: str  # WEBP, JPEG or PNG


def fallback_format(source: ImageFile) -> str:
    """JPEG for a JPEG; PNG for the formats that may hold transparency."""
    return "JPEG" if source.format == "JPEG" else "PNG"


def widths_for(source: ImageFile, widths: list[int]) -> list[int]:
    full = source.width or max(widths)
    return sorted({w for w in widths if w < full} | {min(full, max(widths))})


def variants(source: ImageFile, widths: list[int]) -> list[Variant]:
    """Every file made from a raster image, narrowest first, WebP before the fallback."""
    made = []
    full_width, full_height = source.width or 1, source.height or 1
    for width in widths_for(source, widths):
        height = max(1, round(full_height * width / full_width))
        for format in ("WEBP", fallback_format(source)):
            name = f"{source.digest[:DIGEST_CHARS]}-{width}.{EXTENSIONS[format]}"
            made.append(Variant(MEDIA_FOLDER + name, width, height, format))
    return made


def svg_url(source: ImageFile) -> str:
    return f"{MEDIA_FOLDER}{source.digest[:DIGEST_CHARS]}.svg"
