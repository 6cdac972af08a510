"""After linking: every image a record names is found, read and checked (the models do
no I/O). What is found is kept in the registry (``Registry.images``) for the pages and
the resizing (``outputs/images.py``); what is wrong is reported with the field's line.

A file is looked for beside its record, then under ``content/images/``, then under
``static/``. It must be a JPEG, PNG, WebP or GIF whose name says so (an SVG only as a
logo), no larger than ``images.max_kb``, and readable to its last byte: a cut-short
file would otherwise fail only while resizing, after the check said the site was fine.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, get_args

import PIL.Image
import PIL.ImageOps
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..cache import Store
from ..problems import Problem
from .models import Image, ImageFile, Loc, Record
from .registry import Registry, key_of
from .validate import loc_text

# What each format's file name may end in: the first is the one to suggest.
SUFFIXES = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "GIF": (".gif",),
    "SVG": (".svg",),
}
RASTER = "JPEG, PNG, WebP or GIF"
LOGO_FIELDS = ("logo",)


def images_of(record: Record) -> Iterator[tuple[Loc, Image]]:
    """Every image a record names, with where it is (``portrait``, ``photos[2]``)."""
    for name in _image_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, Image):
            yield (name,), value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Image):
                    yield (name, index), item


@cache
def _image_fields(model: type[Record]) -> tuple[str, ...]:
    """The fields of a record type that can hold an image, alone or in a list, worked out
    once per type: every record is asked on every check, and most fields hold none."""
    return tuple(
        name for name, field in model.model_fields.items() if _holds_image(field.annotation)
    )


def _holds_image(annotation: Any) -> bool:
    return annotation is Image or any(_holds_image(arg) for arg in get_args(annotation))


def check_images(
    registry: Registry, root: Path, places: tuple[Path, ...], max_kb: int
) -> list[Problem]:
    """Find and read every image, beside its record or in ``places`` (never outside the
    site folder ``root``); fills ``registry.images`` with those that are fine."""
    problems: list[Problem] = []
    found: dict[str, ImageFile | str] = {}  # by path: a file shown on many pages is read once
    for key, raw in registry.origins.items():
        record = registry.get(*key)
        for loc, image in images_of(record):
            line, column = raw.line_of((*loc, "file"))
            field = loc_text((*loc, "file"))
            path = _locate(root, (raw.path.parent, *places), image.file)
            if isinstance(path, str):
                problems.append(Problem(raw.display, line, column, f"{field}: {path}"))
                continue
            seen = found.get(str(path))
            if seen is None:
                seen = found[str(path)] = _inspect(path, image.file, max_kb)
            if isinstance(seen, str):
                problems.append(Problem(raw.display, line, column, f"{field}: {seen}"))
            elif seen.format == "SVG" and loc[0] not in LOGO_FIELDS:
                problems.append(
                    Problem(
                        raw.display,
                        line,
                        column,
                        f"{field}: '{image.file}' is an SVG: only an organisation's logo "
                        f"may be one; export the picture as a {RASTER} image",
                    )
                )
            else:
                registry.images[(*key_of(record), image.file)] = seen
    _facts().flush()  # now: `check` ends here, and a forked worker must not write them again
    return problems


def _locate(root: Path, places: tuple[Path, ...], file: str) -> Path | str:
    """The first existing file of that name in ``places``, never outside ``root`` (it
    would be published); else the message saying so."""
    top = os.path.normpath(root)
    inside = False
    for folder in places:
        path = os.path.normpath(folder / file)
        if os.path.commonpath([top, path]) != top:
            continue
        inside = True
        if os.path.isfile(path):
            return Path(path)
    if not inside:
        return (
            f"'{file}' is outside the site folder: copy the image beside the record "
            "or into content/images/"
        )
    return (
        f"image '{file}' not found beside the record, in content/images/ or in static/: "
        "check the file name (letter case counts)"
    )


def _inspect(path: Path, name: str, max_kb: int) -> ImageFile | str:
    """What the file is, or the message saying what is wrong with it."""
    try:
        size = path.stat().st_size
        if size > max_kb * 1024:
            return (
                f"image '{name}' is {-(-size // 1024):,} KB, over the limit of {max_kb:,} KB "
                "(images.max_kb in site.yaml): save it smaller"
            )
        data = path.read_bytes()
    except OSError as error:
        return f"image '{name}' cannot be read ({error.strerror}): check its permissions"
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".svg":
        return _inspect_svg(data, name, digest, str(path))
    # Decoding a whole photo to find a cut-short one is most of the check's time: what a
    # file with these bytes and this suffix was found to be is kept between builds.
    kept = _facts()
    key = kept.key(f"{digest} {path.suffix.lower()}")
    known = kept.get(key)
    if known is not None:
        fmt, width, height = known.decode("ascii").split()
        return ImageFile(str(path), digest, fmt, int(width), int(height))
    found = _decoded(path, name, digest)
    if isinstance(found, ImageFile):
        kept.put(key, f"{found.format} {found.width} {found.height}".encode("ascii"))
    return found


@cache
def _facts() -> Store:
    return Store.named("image-facts", repr((version("pillow"), sorted(SUFFIXES))))


def _decoded(path: Path, name: str, digest: str) -> ImageFile | str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
            with PIL.Image.open(path) as opened:
                opened.load()
                fmt = str(opened.format)
                shown = PIL.ImageOps.exif_transpose(opened) or opened
                width, height = shown.size
    except (PIL.Image.DecompressionBombError, PIL.Image.DecompressionBombWarning):
        return f"image '{name}' has too many pixels to process: save it smaller"
    except PIL.UnidentifiedImageError:
        return (
            f"'{name}' is not an image (its content is not {RASTER}): export the picture "
            "again in one of these formats"
        )
    except (OSError, SyntaxError, ValueError) as error:  # Pillow's errors for a damaged file
        return f"image '{name}' is damaged or cut short ({error}): export it again"
    if fmt not in SUFFIXES or fmt == "SVG":
        return f"'{name}' is a {fmt} image: export it as a {RASTER} image"
    if path.suffix.lower() not in SUFFIXES[fmt]:
        good = path.with_suffix(SUFFIXES[fmt][0]).name
        return (
            f"'{name}' is a {fmt} image but its name ends in '{path.suffix}': rename it to '{good}'"
        )
    return ImageFile(str(path), digest, fmt, width, height)


def _inspect_svg(data: bytes, name: str, digest: str, path: str) -> ImageFile | str:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError) as error:
        return f"'{name}' is not an SVG image that can be read ({error}): export it again"
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        return f"'{name}' is not an SVG image (it is XML without <svg>): export it again"
    width, height = _svg_size(root.get("width"), root.get("height"), root.get("viewBox"))
    return ImageFile(path, digest, "SVG", width, height)


def _svg_size(
    width: str | None, height: str | None, view_box: str | None
) -> tuple[int | None, int | None]:
    """Its size in pixels from its width and height, else from its viewBox (the page
    reserves that space), else unknown."""
    try:
        if width and height:
            return round(float(width.removesuffix("px"))), round(float(height.removesuffix("px")))
        if view_box:
            parts = [float(p) for p in view_box.replace(",", " ").split()]
            if len(parts) == 4:
                return round(parts[2]), round(parts[3])
    except ValueError:  # a size in other units (em, %): leave it to the browser
        pass
    return None, None
