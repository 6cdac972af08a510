"""Images end to end: a site whose photos are made here with Pillow (portrait,
landscape, turned by EXIF, with GPS, transparent, animated, and an SVG logo with a
script) is built, and its files and pages are checked: widths, formats, no metadata,
srcset, the sanitised SVG, Open Graph and JSON-LD, the cache; then the pages in a
real browser at a phone's width (axe-core, keyboard) and by the Nu checker."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from clusterreports.config import load_site_config
from clusterreports.content import images as content_images
from clusterreports.outputs import images as outputs_images
from clusterreports.pipeline import build, check
from clusterreports.preview.incremental import Preview

from .conftest import tools
from .test_accessibility import axe_violations
from .test_html_valid import validate

GPS = 0x8825
ORIENTATION = 0x0112
SCRIPTED_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 width="120" height="40" onload="alert(1)"><script>alert(2)</script>
<image xlink:href="https://tracker.example/logo.png" width="10" height="10"/>
<rect width="120" height="40" fill="url(https://tracker.example/#p)"/>
<use xlink:href="#shape"/><circle id="shape" cx="20" cy="20" r="10" fill="#c00"/></svg>"""


def _jpeg(size: tuple[int, int], colour: tuple[int, int, int], **exif_tags: Any) -> bytes:
    picture = Image.new("RGB", size, colour)
    exif = Image.Exif()
    if "orientation" in exif_tags:
        exif[ORIENTATION] = exif_tags["orientation"]
    if "gps" in exif_tags:
        exif.get_ifd(GPS).update({1: "N", 2: (50.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)})
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def make_site(root: Path) -> Path:
    images = root / "content" / "images"
    images.mkdir(parents=True)
    (root / "site.yaml").write_text("images:\n  widths: [200, 400]\n", encoding="utf-8")
    (images / "landscape.jpg").write_bytes(_jpeg((800, 400), (30, 120, 200)))
    (images / "turned.jpg").write_bytes(_jpeg((300, 150), (200, 30, 30), orientation=6))
    (images / "gps.jpg").write_bytes(_jpeg((100, 80), (20, 160, 20), gps=True))
    (images / "portrait.jpg").write_bytes(_jpeg((300, 400), (90, 90, 90), gps=True))
    Image.new("RGBA", (120, 60), (255, 0, 0, 0)).save(images / "clear.png")
    frames = [Image.new("P", (50, 50), i) for i in (1, 2)]
    frames[0].save(images / "moving.gif", save_all=True, append_images=frames[1:], duration=100)
    (images / "logo.svg").write_bytes(SCRIPTED_SVG)
    for folder in ("events", "people", "organisations"):
        (root / "content" / folder).mkdir()
    (root / "content" / "events" / "expo.yaml").write_text(
        "title: Expo\nkind: conference\nphotos:\n"
        "  - file: landscape.jpg\n    alt: The hall from the balcony\n"
        "    caption: The opening plenary\n    credit: Ana Lopes\n    people: [jane-doe]\n"
        "  - file: turned.jpg\n    alt: A red banner\n"
        "  - file: gps.jpg\n    alt: A green stand\n"
        "  - file: clear.png\n    alt: ''\n    decorative: true\n"
        "  - file: moving.gif\n    alt: The expo's animated sign\n",
        encoding="utf-8",
    )
    (root / "content" / "people" / "jane-doe.yaml").write_text(
        "name: Jane Doe\nportrait:\n  file: portrait.jpg\n  alt: Jane Doe, smiling\n",
        encoding="utf-8",
    )
    (root / "content" / "organisations" / "acme.yaml").write_text(
        "name: Acme\nlogo:\n  file: logo.svg\n  alt: Acme\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("images"))
    build(load_site_config(root, search=False), jobs=1)
    return root / "_site"


def _media(out: Path) -> dict[str, Image.Image]:
    return {p.name: Image.open(p) for p in sorted((out / "media").iterdir()) if p.suffix != ".svg"}


def test_each_photo_is_resized_to_the_widths_in_webp_and_a_fallback(built: Path) -> None:
    made = _media(built)
    sizes = {(p.format, p.size) for p in made.values()}
    # landscape 800x400 -> 200 and 400 wide; never enlarged: gps 100x80 stays 100 wide.
    assert {("WEBP", (200, 100)), ("JPEG", (200, 100)), ("WEBP", (400, 200))} <= sizes
    assert ("JPEG", (100, 80)) in sizes and ("JPEG", (400, 200)) in sizes
    assert ("PNG", (120, 60)) in sizes  # transparent: PNG fallback, alpha kept
    assert not any(p.size[0] > 400 for p in made.values())
    clear = next(p for p in made.values() if p.format == "PNG" and p.size == (120, 60))
    assert clear.mode == "RGBA" and clear.getpixel((0, 0))[3] == 0


def test_exif_orientation_is_applied_and_no_metadata_is_published(built: Path) -> None:
    made = _media(built)
    # turned.jpg is stored 300x150 with "rotate 90°": it is shown 150x300.
    assert any(p.size == (150, 300) for p in made.values())
    for name, picture in made.items():
        if name.endswith(".svg"):
            continue
        assert not picture.getexif(), name
        assert "exif" not in picture.info and "xmp" not in picture.info, name
        assert b"GPS" not in (built / "media" / name).read_bytes(), name


def test_an_animated_gif_shows_its_first_frame(built: Path) -> None:
    gif = [p for p in _media(built).values() if p.size == (50, 50) and p.format == "PNG"]
    assert len(gif) == 1 and not getattr(gif[0], "is_animated", False)


def test_an_svg_logo_loses_script_handlers_and_outside_references(built: Path) -> None:
    (svg,) = (built / "media").glob("*.svg")
    text = svg.read_text(encoding="utf-8")
    for gone in ("script", "alert", "onload", "tracker.example", "<image"):
        assert gone not in text
    assert 'xlink:href="#shape"' in text and "<circle" in text


def test_pages_show_responsive_images_with_their_text(built: Path) -> None:
    page = (built / "events" / "expo" / "index.html").read_text(encoding="utf-8")
    first = re.search(r"<picture>.*?</picture>", page, re.S)
    assert first is not None
    tag = first.group()
    assert re.search(
        r'<source type="image/webp" srcset="/media/\w+-200\.webp 200w, '
        r'/media/\w+-400\.webp 400w" sizes="[^"]+">',
        tag,
    )
    assert re.search(r'srcset="/media/\w+-200\.jpg 200w, /media/\w+-400\.jpg 400w"', tag)
    assert (
        'alt="The hall from the balcony" width="400" height="200" loading="lazy" '
        'decoding="async"' in tag
    )
    assert "The opening plenary" in page and "Photo: Ana Lopes" in page
    assert 'Pictured: <a href="/people/jane-doe/">Jane Doe</a>' in page
    assert 'alt="" width="120" height="60"' in page  # the decorative one, not linked
    assert 'og:image" content="/media/' in page
    person = (built / "people" / "jane-doe" / "index.html").read_text(encoding="utf-8")
    assert 'alt="Jane Doe, smiling" width="300" height="400" decoding="async"' in person
    assert "Photos of Jane Doe" in person and 'At <a href="/events/expo/">Expo</a>' in person
    ld = json.loads(re.findall(r'application/ld\+json">(.*?)</script>', person, re.S)[0])
    assert re.fullmatch(r"/media/\w+-300\.jpg", ld["image"])
    org = (built / "organisations" / "acme" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<img src="/media/\w+\.svg" alt="Acme" width="120" height="40"', org)
    assert "og:image" not in org  # link previews do not show SVG
    ld = json.loads(re.findall(r'application/ld\+json">(.*?)</script>', org, re.S)[0])
    assert re.fullmatch(r"/media/\w+\.svg", ld["logo"])


def test_a_rebuild_takes_every_image_from_the_cache(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> bytes:
        raise AssertionError("an unchanged image was resized again")

    before = {p.name: p.read_bytes() for p in (built / "media").iterdir()}
    monkeypatch.setattr(outputs_images, "encode", refuse)
    build(load_site_config(built.parent, search=False), jobs=1)
    assert {p.name: p.read_bytes() for p in (built / "media").iterdir()} == before


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """(width, format) of each image file made (not taken from the cache) from now on."""
    noted: list[tuple[int, str]] = []
    encode = outputs_images.encode

    def counting(picture: Image.Image, variant: Any) -> bytes:
        noted.append((variant.width, variant.format))
        return encode(picture, variant)

    monkeypatch.setattr(outputs_images, "encode", counting)
    return noted


def test_an_edited_image_alone_is_made_again(tmp_path: Path, made: list[tuple[int, str]]) -> None:
    root = make_site(tmp_path)
    build(load_site_config(root, search=False), jobs=1)
    made.clear()
    # The cache is shared by every test: this picture must be made in no other.
    (root / "content" / "images" / "gps.jpg").write_bytes(_jpeg((90, 60), (0, 0, 0)))
    build(load_site_config(root, search=False), jobs=1)
    assert sorted(made) == [(90, "JPEG"), (90, "WEBP")]


def test_pages_with_images_are_valid_html(built: Path) -> None:
    count, messages = validate(built)
    assert count > 0 and messages == ""


@pytest.mark.browser
def test_gallery_at_a_phone_width_is_accessible_and_keyboard_usable(
    built: Path, browser: Any
) -> None:
    with tools.served(built) as origin:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        try:
            for url in ("/events/expo/", "/people/jane-doe/", "/organisations/acme/"):
                page.goto(origin + url)
                assert axe_violations(page, url) == []
            page.goto(origin + "/events/expo/")
            facts = page.evaluate(
                """() => [...document.querySelectorAll('.gallery img')].map(i => {
                    i.scrollIntoView(); const r = i.getBoundingClientRect();
                    return {w: r.width, src: i.currentSrc, alt: i.alt};})"""
            )
            assert len(facts) == 5
            assert all(0 < f["w"] <= 390 for f in facts)
            assert all(f["src"].endswith(".webp") for f in facts)
            page.wait_for_function(
                "[...document.querySelectorAll('.gallery img')]"
                ".every(i => i.complete && i.naturalWidth)"
            )
            for _ in range(60):  # Tab until the first photo's link (no JavaScript needed)
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.closest('.gallery') !== null"):
                    break
            name = page.evaluate("document.activeElement.querySelector('img').alt")
            assert name == "The hall from the balcony"
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/media/\w+-400\.jpg$"))
        finally:
            page.close()


def test_the_preview_rebuilds_with_an_edited_image_and_resizes_only_it(
    tmp_path: Path, made: list[tuple[int, str]]
) -> None:
    root = make_site(tmp_path)
    preview = Preview(root)
    assert preview.build_all().kind == "full"
    made.clear()
    # Not the picture of the test above: the cache would hold it.
    (root / "content" / "images" / "gps.jpg").write_bytes(_jpeg((90, 60), (7, 7, 7)))
    outcome = preview.update([root / "content" / "images" / "gps.jpg"])
    assert (outcome.kind, outcome.reason) == ("full", "image gps.jpg changed")
    preview.settle()
    assert sorted(made) == [(90, "JPEG"), (90, "WEBP")]
    page = (root / "_site" / "events" / "expo" / "index.html").read_text(encoding="utf-8")
    assert 'alt="A green stand" width="90" height="60"' in page
    # A record that names another file is checked and rebuilt whole, too.
    expo = root / "content" / "events" / "expo.yaml"
    expo.write_text(expo.read_text(encoding="utf-8").replace("gps.jpg", "landscape.jpg"))
    outcome = preview.update([expo])
    assert (outcome.kind, outcome.reason) == ("full", "the images of event expo changed")
    # An unrelated file beside the images changes nothing.
    (root / "content" / "images" / "notes.txt").write_text("to do\n")
    assert preview.update([root / "content" / "images" / "notes.txt"]).written == []


def test_a_second_check_does_not_decode_the_images_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(tmp_path)
    # A picture of this test alone: no other has put it in the cache.
    Image.new("RGB", (33, 11), (1, 2, 3)).save(root / "content" / "images" / "own.png")
    expo = root / "content" / "events" / "expo.yaml"
    expo.write_text(
        expo.read_text(encoding="utf-8") + "  - file: own.png\n    alt: A thin strip\n",
        encoding="utf-8",
    )
    first = check(load_site_config(root))
    monkeypatch.setattr(content_images, "_decoded", None)  # would fail if called
    second = check(load_site_config(root))
    assert second.registry.images == first.registry.images
    assert ("event", "expo", "own.png") in second.registry.images
