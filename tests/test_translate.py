"""Translations of records (content/translate.py, Registry.in_language): a translation
gives only words, merged into a copy of its record part by part; ids, references, dates
and every other field stay the original's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterreports import ContentError, load_site_config
from clusterreports.cli import main
from clusterreports.content.load import RawRecord
from clusterreports.content.models import Part, Quote, Record, translatable_fields
from clusterreports.content.registry import Key, Registry, key_of
from clusterreports.content.translate import translate
from clusterreports.pipeline import check

from .conftest import ROOT

VALID = ROOT / "tests" / "sites" / "valid"


def _multilingual(site: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: [en, fr]\n", "utf-8")


def _write(site: Path, relative: str, text: str) -> None:
    (site / relative).write_text(text, encoding="utf-8")


def _problems(site: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        check(load_site_config(site), jobs=1)
    return [str(problem) for problem in raised.value.problems]


def test_a_translation_replaces_only_the_words_it_gives(valid_site: Path) -> None:
    _multilingual(valid_site)
    _write(
        valid_site,
        "content/events/talk-2022.fr.md",
        "---\ntitle: Résultats et visions\nfigures:\n  - {label: participants sur place}\n"
        "  - {}\nkey_messages:\n  - Les clusters traduisent les politiques.\n---\n"
        "Une conférence en ligne d'une heure.\n",
    )
    registry = check(load_site_config(valid_site), jobs=1).registry
    french = registry.in_language("fr")
    original = registry.get("event", "talk-2022")
    event = french.get("event", "talk-2022")
    assert event.title == "Résultats et visions"
    assert event.body == "Une conférence en ligne d'une heure.\n"
    assert event.key_messages == ["Les clusters traduisent les politiques."]
    # Part by part: the first figure's label, the second figure as it was.
    assert [(f.label, f.value, f.more_than) for f in event.figures] == [
        ("participants sur place", 500, True),
        ("countries", 40, True),
    ]
    assert event.figures[1] is original.figures[1]
    # References, dates and the rest: the original's own values.
    assert (event.id, event.start, event.end, event.timezone) == (
        original.id,
        original.start,
        original.end,
        original.timezone,
    )
    assert event.organisers is original.organisers
    assert event.moderators is original.moderators
    assert event.series == original.series
    assert registry.get("event", "talk-2022") is original  # the original is untouched
    assert registry.translated_fields(("event", "talk-2022"), "fr") == {
        "title",
        "body",
        "figures",
        "key_messages",
    }
    assert registry.translated_fields(("event", "ecc-2016"), "fr") == frozenset()
    assert registry.translated_fields(("event", "talk-2022"), "de") == frozenset()


def test_in_language_shares_the_indexes_and_hands_out_translated_referrers(
    valid_site: Path,
) -> None:
    _multilingual(valid_site)
    _write(
        valid_site,
        "content/sessions/talk-2022-introduction.fr.yaml",
        "title: Introduction au thème du jour\nparticipants:\n"
        "  - position: Cheffe d'unité\nquotes:\n  - context: en ouverture\n",
    )
    registry = check(load_site_config(valid_site), jobs=1).registry
    french = registry.in_language("fr")
    assert french.language == "fr"
    assert french.origins is registry.origins
    assert french.backlinks is registry.backlinks
    assert french.images is registry.images
    assert [key_of(r) for r in french] == [key_of(r) for r in registry]
    # Records without a translation are the same objects.
    assert french.get("person", "ulla-engelmann") is registry.get("person", "ulla-engelmann")
    session = french.get("session", "talk-2022-introduction")
    (participant,) = session.participants
    assert participant.position == "Cheffe d'unité"
    assert (participant.person, participant.role, participant.organisation) == (
        "ulla-engelmann",
        "speaker",
        "dg-grow",
    )
    (quote,) = session.quotes
    assert (quote.text, quote.context, quote.lang) == (
        "Clusters are frontrunners.",
        "en ouverture",
        None,
    )
    # A backlink's source is the translated copy in the translated registry.
    event = french.get("event", "talk-2022")
    assert [r.title_text for r in french.referrers(event, "session")] == [
        "Introduction au thème du jour"
    ]
    assert [link.source.title_text for link in french.links_to(event, "session")] == [
        "Introduction au thème du jour"
    ]
    assert [r.title_text for r in registry.referrers(event, "session")] == [
        "Introduction to the topic of the day"
    ]
    # The default language, or a language without translations: the registry itself.
    assert registry.in_language("en") is registry
    assert french.in_language("en") is registry
    assert french.in_language("fr").get("session", "talk-2022-introduction") == session


def test_a_quote_keeps_the_language_it_was_said_in() -> None:
    assert Quote(text="Bonjour.").lang is None  # the site's default language
    assert Quote(text="Bonjour.", lang="fr").lang == "fr"
    assert "text" not in translatable_fields(Quote)


def test_a_one_language_site_reports_a_translation(valid_site: Path) -> None:
    (valid_site / "content/series").mkdir()
    _write(valid_site, "content/series/nothing.fr.yaml", "name: Rien\n")
    _write(valid_site, "content/events/talk-2022.fr.md", "---\ntitle: Résultats\n---\n")
    assert _problems(valid_site) == [
        "content/events/talk-2022.fr.md: 'fr' is not one of the site's languages (en): "
        "add it to site.yaml (languages: [en, fr]), or rename the file",
        "content/series/nothing.fr.yaml: 'fr' is not one of the site's languages (en): "
        "add it to site.yaml (languages: [en, fr]), or rename the file",
        "content/series/nothing.fr.yaml: there is no series 'nothing' to translate: name the "
        "file after the id of the series it translates, keeping '.fr.yaml' (the record is in "
        "content/series/)",
    ]


def test_a_translation_of_an_invalid_record_is_not_reported_again(valid_site: Path) -> None:
    _multilingual(valid_site)
    _write(valid_site, "content/reports/source-report.yaml", "title: 42\n")
    _write(valid_site, "content/reports/source-report.fr.yaml", "title: Rapport source\n")
    assert _problems(valid_site) == [
        "content/reports/source-report.yaml:1:1: title: input should be a valid string, got 42"
    ]


# --- any subset of the translatable fields, on any record of the valid site -------------

TEXT = st.text(alphabet="abcdeéç xyzàô", min_size=1, max_size=12).filter(str.strip)


@pytest.fixture(scope="module")
def valid_registry() -> Registry:
    return check(load_site_config(VALID), jobs=1).registry


def _part_changes(draw: st.DrawFn, part: Part) -> dict[str, Any]:
    fields = sorted(translatable_fields(type(part)))
    if getattr(part, "decorative", False):  # its alt is "" by rule
        fields.remove("alt")
    chosen = draw(st.lists(st.sampled_from(fields), unique=True)) if fields else []
    return {name: draw(TEXT) for name in chosen}


@st.composite
def translations(draw: st.DrawFn, registry: Registry) -> tuple[Key, dict[str, Any]]:
    """A record of ``registry`` and a translation of some of its translatable fields."""
    record: Record = draw(st.sampled_from(sorted(registry, key=key_of)))
    data: dict[str, Any] = {}
    for name, part in translatable_fields(type(record)).items():
        if not draw(st.booleans()):
            continue
        value = getattr(record, name)
        if part is None:
            data[name] = [draw(TEXT) for _ in value] if isinstance(value, list) else draw(TEXT)
        elif isinstance(value, list):
            data[name] = [_part_changes(draw, item) for item in value]
        elif value is not None:
            data[name] = _part_changes(draw, value)
    return key_of(record), data


def _same_except_translated(original: Part, copy: Part, given: dict[str, Any]) -> None:
    translatable = translatable_fields(type(original))
    for name in type(original).model_fields:
        before, after = getattr(original, name), getattr(copy, name)
        if name not in given:
            assert after is before, name
        elif translatable[name] is None:
            assert after == given[name], name
        elif isinstance(before, list):
            assert len(after) == len(before)
            for item, item_copy, item_given in zip(before, after, given[name], strict=True):
                _same_except_translated(item, item_copy, item_given)
        else:
            _same_except_translated(before, after, given[name])


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_translating_any_translatable_fields_changes_nothing_else(
    valid_registry: Registry, data: st.DataObject
) -> None:
    key, given_fields = data.draw(translations(valid_registry))
    type_name, record_id = key
    folder = type(valid_registry.get(*key)).folder
    path = Path(f"content/{folder}/{record_id}.fr.yaml")
    raw = RawRecord(type_name, path, path.as_posix(), given_fields)
    assert translate(valid_registry, [raw], ("en", "fr")) == []
    french = valid_registry.in_language("fr")
    assert list(french.records) == list(valid_registry.records)
    for kind, by_id in valid_registry.records.items():
        assert list(french.records[kind]) == list(by_id)
    original = valid_registry.get(*key)
    _same_except_translated(original, french.get(*key), given_fields)
    assert valid_registry.translated_fields(key, "fr") == set(given_fields)


def test_new_passes_over_translations(valid_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A translation is no record: even one that (wrongly) gives a name has no id, and
    ``new`` looking for probable duplicates must not take it for a person."""
    _multilingual(valid_site)
    _write(valid_site, "content/people/ulla-engelmann.fr.yaml", "name: Ulla Engelmann\n")
    assert main(["--site", str(valid_site), "new", "person", "Jan Novak"]) == 0
    assert "content/people/jan-novak.yaml" in capsys.readouterr().out
