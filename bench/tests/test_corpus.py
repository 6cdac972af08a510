"""The benchmark's synthetic corpus builds into a complete site whose links resolve."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from clusterreports import build, check, load_site_config
from clusterreports.content.duplicates import Named, probable_duplicates
from clusterreports.content.models import TYPES_BY_FOLDER
from tests.conftest import bench_corpus
from tests.linkcheck import broken_links

EVENTS = 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    root = tmp_path_factory.mktemp("corpus")
    counts = bench_corpus().generate(root, EVENTS)
    return counts, root


def test_the_corpus_is_deterministic(tmp_path: Path, corpus: tuple[Any, Path]) -> None:
    _, root = corpus
    bench_corpus().generate(tmp_path / "again", EVENTS)
    for site in ("ours", "hugo", "pelican"):
        first = sorted(p.relative_to(root / site) for p in (root / site).rglob("*") if p.is_file())
        again = tmp_path / "again" / site
        assert first == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
        assert all((root / site / p).read_bytes() == (again / p).read_bytes() for p in first)


def test_the_corpus_has_the_promised_shape(corpus: tuple[Any, Path]) -> None:
    counts, _ = corpus
    assert counts.events == EVENTS
    assert 6 * EVENTS <= counts.sessions <= 10 * EVENTS
    assert counts.people == 3 * EVENTS and counts.organisations == EVENTS // 2
    assert counts.awards == EVENTS // 20 and counts.calls == counts.polls == EVENTS // 10
    # Zipf-like reuse: someone speaks far more often than the average person.
    assert counts.most_appearances > 4 * counts.participants / counts.people


def test_the_corpus_builds_completely(corpus: tuple[Any, Path]) -> None:
    counts, root = corpus
    site = load_site_config(root / "ours")
    checked = check(site)
    assert checked.warnings == []  # no probable duplicates
    registry = checked.registry
    assert len(registry) == counts.records()
    result = build(site, jobs=2)
    out = site.output_dir
    for folder, record_type in TYPES_BY_FOLDER.items():
        expected = counts.counts.get(folder, 0)
        assert len(registry.all(record_type.type_name)) == expected, folder
        pages = list((out / folder).glob("*/index.html"))
        assert len(pages) == expected, folder
        assert (out / folder / "index.html").is_file()
    for record in registry:
        assert (out / record.folder / record.id / "index.html").is_file()
    assert result.pages == result.written == len(list(out.rglob("*.html")))
    assert broken_links(out) == []


def test_no_two_people_are_probable_duplicates_however_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past every first name with every surname (6,900 people, N = 2,300) come further
    surnames, never a name that is another's with a word more ('Gustav A. Santos'
    beside 'Gustav Santos'), which a build would warn of. Fewer names here, so that a
    few hundred people go through blocks of surnames with one ending and with two."""
    corpus = bench_corpus()
    monkeypatch.setattr(corpus, "FIRST", corpus.FIRST[:5])
    monkeypatch.setattr(corpus, "LAST", corpus.LAST[:4])
    names = corpus._names(400, random.Random(1), 1)
    assert len(set(names)) == len(names) == 400
    assert any(last.endswith("bergson") for _, last in names)  # two endings
    named = [Named(f"p{i}", f"people/p{i}.yaml", f"{a} {b}") for i, (a, b) in enumerate(names)]
    assert probable_duplicates(named) == []
    assert corpus._names(400, random.Random(1), 1) == names
    # Up to every first name with every surname, the names are those drawn before.
    first = corpus._names(20, random.Random(1), 1)
    before = [(f, last) for last in corpus.LAST for f in corpus.FIRST]
    random.Random(1).shuffle(before)
    assert first == before


def test_a_corpus_says_which_generator_and_arguments_wrote_it(tmp_path: Path) -> None:
    """The benchmark writes a corpus again when the generator or the arguments differ
    from those of the one it has (its marker), and only then."""
    corpus = bench_corpus()
    assert not corpus.up_to_date(tmp_path, 10)
    corpus.generate(tmp_path, 10)
    assert corpus.up_to_date(tmp_path, 10)
    assert not corpus.up_to_date(tmp_path, 11)
    assert not corpus.up_to_date(tmp_path, 10, languages=["en", "fr"])
    marker = tmp_path / "corpus.json"
    marker.write_text(marker.read_text().replace('"generator": "', '"generator": "old'))
    assert not corpus.up_to_date(tmp_path, 10)


def test_a_corpus_with_portraits_shows_them_and_only_on_our_site(tmp_path: Path) -> None:
    """``--portraits`` gives that share of our people a portrait beside their record:
    the site checks and shows each one; Hugo's and Pelican's sites stay as they were."""
    counts = bench_corpus().generate(tmp_path / "with", EVENTS, portraits=0.1)
    bench_corpus().generate(tmp_path / "without", EVENTS)
    people = tmp_path / "with" / "ours" / "content" / "people"
    pictures = sorted(people.glob("*.jpg"))
    assert 0.05 * counts.people < len(pictures) < 0.2 * counts.people
    for site in ("hugo", "pelican"):
        files = sorted(
            p.relative_to(tmp_path / "with")
            for p in (tmp_path / "with" / site).rglob("*")
            if p.is_file()
        )
        assert all(
            (tmp_path / "with" / f).read_bytes() == (tmp_path / "without" / f).read_bytes()
            for f in files
        )
    site = load_site_config(tmp_path / "with" / "ours", search=False)
    build(site, jobs=2)
    shown = pictures[0].stem
    page = (site.output_dir / "people" / shown / "index.html").read_text(encoding="utf-8")
    assert 'alt="Portrait of' in page and "srcset=" in page
    assert len(list((site.output_dir / "media").glob("*.webp"))) >= len(pictures)


def test_a_multilingual_corpus_builds_every_language(tmp_path: Path) -> None:
    """``--languages en,fr,de --translated 0.5``: each record has a page in each language,
    a translated one its own words there, an untranslated one the original's."""
    bench_corpus().generate(tmp_path, 20, languages=["en", "fr", "de"], translated=0.5)
    site = load_site_config(tmp_path / "ours")
    registry = check(site).registry
    translated = [
        path for path in (tmp_path / "ours" / "content").rglob("*.*.*") if path.suffix != ".jpg"
    ]
    assert {path.name.split(".")[-2] for path in translated} == {"fr", "de"}
    result = build(site, jobs=1)
    out = site.output_dir
    english = len(list(out.glob("events/*/index.html")))
    assert english == len(registry.all("event")) == 20
    for language in ("fr", "de"):
        assert len(list(out.glob(f"{language}/events/*/index.html"))) == english
    event = next(p for p in translated if p.parent.name == "events" and ".fr." in p.name)
    record_id = event.name.split(".")[0]
    page = (out / "fr" / "events" / record_id / "index.html").read_text(encoding="utf-8")
    assert "[fr]" in page
    assert result.pages == len(list(out.rglob("*.html")))
