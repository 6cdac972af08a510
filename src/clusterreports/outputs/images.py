"""The image files: each raster image resized to its variants (``site/images.py``),
turned upright by its EXIF orientation and written without any metadata (a phone's
photo carries where it was taken); each SVG logo parsed safely and rewritten from an
allow-list, so no script, event handler or outside reference reaches the site.

Made files are kept between builds by the digest of the original (``cache.Store``):
a rebuild, and the preview, resize only an image that changed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import cache
from importlib.metadata import version
from xml.etree import ElementTree

import PIL.Image
import PIL.ImageOps
from defusedxml.ElementTree import fromstring

from ..cache import Store
from ..content.models import ImageFile
from ..site.images import Variant, svg_url, variants
from .context import BuildContext

# Encoder settings: a change makes every image again (they are part of the cache's salt).
QUALITY = {"WEBP": 80, "JPEG": 82}
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
# What a logo may be drawn with: shapes, text, gradients, groups. Not script, not
# foreignObject (HTML inside), not image (a file fetched from elsewhere), not animation.
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "symbol",
        "use",
    ]
)
SVG_ATTRIBUTES = frozenset(
    [
        "id",
        "class",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "d",
        "points",
        "viewBox",
        "preserveAspectRatio",
        "transform",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "opacity",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "fx",
        "fy",
        "clip-path",
        "clip-rule",
        "mask",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "role",
        "aria-label",
        "aria-hidden",
        "version",
    ]
)
HREF = f"{{{XLINK}}}href"
# A paint or clip taken from another file: fill="url(https://...)".
_OUTSIDE_URL = re.compile(r"url\(\s*['\"]?(?!#)")


def files(context: BuildContext) -> Iterator[tuple[str, bytes]]:
    widths = context.site.config.images.widths
    done: set[str] = set()
    for source in context.registry.images.values():
        if source.digest in done:
            continue
        done.add(source.digest)
        if source.format == "SVG":
            with open(source.path, "rb") as file:
                yield svg_url(source), sanitised_svg(file.read())
        else:
            yield from resized(source, variants(source, widths))


def resized(source: ImageFile, wanted: list[Variant]) -> Iterator[tuple[str, bytes]]:
    """Each variant's bytes, from the cache or made (the original is opened only if one
    is missing)."""
    kept = _cache()
    keys = [kept.key(f"{source.digest} {v.width} {v.format}") for v in wanted]
    found = [kept.get(key) for key in keys]
    if all(made is not None for made in found):
        yield from ((v.url, made) for v, made in zip(wanted, found, strict=True) if made)
        return
    with PIL.Image.open(source.path) as opened:
        opened.seek(0)  # an animated GIF shows its first frame
        upright = PIL.ImageOps.exif_transpose(opened) or opened
        clear = "A" in upright.getbands() or "transparency" in upright.info
        picture = upright.convert("RGBA" if clear else "RGB")
    for variant, key, made in zip(wanted, keys, found, strict=True):
        if made is None:
            made = encode(picture, variant)
            kept.put(key, made)
        yield variant.url, made


def encode(picture: PIL.Image.Image, variant: Variant) -> bytes:
    """One variant: resized, with no EXIF, XMP, ICC or text chunk carried over."""
    small = picture.resize((variant.width, variant.height), PIL.Image.Resampling.LANCZOS)
    if variant.format == "JPEG" and small.mode != "RGB":
        small = small.convert("RGB")
    small.info.clear()  # Pillow writes what info holds (EXIF) unless told otherwise
    out = io.BytesIO()
    options: dict[str, object] = {"optimize": True}
    if variant.format in QUALITY:
        options["quality"] = QUALITY[variant.format]
    small.save(out, variant.format, **options)
    return out.getvalue()


@cache
def _cache() -> Store:
    salt = (version("pillow"), QUALITY, "LANCZOS")
    return Store.named("images", repr(salt))


def sanitised_svg(data: bytes) -> bytes:
    """The SVG with only allow-listed elements and attributes, and links only within
    itself ('#id'): a logo shown by ``<img>`` runs no script, but one opened on its own
    would. defusedxml refuses entity tricks (billion laughs, external entities)."""
    root = fromstring(data, forbid_dtd=True)
    _clean(root)
    ElementTree.register_namespace("", SVG)
    ElementTree.register_namespace("xlink", XLINK)
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def _clean(element: ElementTree.Element) -> None:
    for child in list(element):
        if _local(child.tag) not in SVG_ELEMENTS or not child.tag.startswith(f"{{{SVG}}}"):
            element.remove(child)
        else:
            _clean(child)
    for name, value in list(element.attrib.items()):
        if name in (HREF, "href"):
            if not value.startswith("#"):
                del element.attrib[name]
        elif name not in SVG_ATTRIBUTES or _OUTSIDE_URL.search(value):
            del element.attrib[name]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
