from pathlib import Path

from clusterreports import load_site_config
from clusterreports.content.registry import SeriesIndex
from clusterreports.pipeline import check
from clusterreports.site.plan import Page, _collisions, dependencies


def test_backlinks_find_every_mention(valid_site: Path) -> None:
    registry = check(load_site_config(valid_site)).registry
    dg_grow = registry.get("organisation", "dg-grow")
    referrers = {(r.type_name, r.id) for r in registry.referrers(dg_grow)}
    assert referrers == {
        ("organisation", "dg-grow") if False else ("person", "ulla-engelmann"),
        ("session", "talk-2022-introduction"),
        ("event", "ecc-2016"),
    }
    assert [r.id for r in registry.referrers(dg_grow, field="parent")] == []
    commission = registry.get("organisation", "european-commission")
    assert [r.id for r in registry.referrers(commission, "organisation", "parent")] == ["dg-grow"]


def test_dependencies_reach_two_steps(valid_site: Path) -> None:
    registry = check(load_site_config(valid_site)).registry
    deps = dependencies(registry, ("person", "ulla-engelmann"))
    # her page names the session she spoke in and that session's event
    assert ("session", "talk-2022-introduction") in deps
    assert ("event", "talk-2022") in deps


def test_two_pages_for_one_url_are_reported(valid_site: Path) -> None:
    registry = check(load_site_config(valid_site)).registry
    pages = [
        Page("/people/x/", "person.html", "person", record=("person", "ulla-engelmann")),
        Page("/people/x/", "person.html", "person", record=("person", "bianca-dragomir")),
    ]
    (problem,) = _collisions(registry, pages)
    assert str(problem) == (
        "content/people/bianca-dragomir.yaml: two pages would be written to /people/x/ "
        "(the other is content/people/ulla-engelmann.md): change one record's id"
    )


def test_neighbours_are_what_a_record_refers_to_and_what_refers_to_it(valid_site: Path) -> None:
    registry = check(load_site_config(valid_site)).registry
    session = ("session", "talk-2022-introduction")
    assert registry.refers_to(session) == {
        ("event", "talk-2022"),
        ("person", "ulla-engelmann"),
        ("organisation", "dg-grow"),
        ("report", "source-report"),
    }
    assert ("poll", "biggest-challenge") in registry.neighbours(("session", "ecc-2016-awards"))
    assert registry.refers_to(("person", "nobody")) == set()


def test_records_with_the_same_fields_share_one_frozen_fields_set(valid_site: Path) -> None:
    """Each pydantic instance's own set of given fields was a quarter of a checked
    site's memory; the (frozen) records now share them, with the same contents."""
    people = valid_site / "content" / "people"
    (people / "ann-a.yaml").write_text("name: Ann A\ncountry: Spain\n", encoding="utf-8")
    (people / "bob-b.yaml").write_text("name: Bob B\ncountry: Malta\n", encoding="utf-8")
    registry = check(load_site_config(valid_site)).registry
    ann, bob = registry.get("person", "ann-a"), registry.get("person", "bob-b")
    assert ann.model_fields_set is bob.model_fields_set
    assert isinstance(ann.model_fields_set, frozenset)
    assert "country" in ann.model_fields_set and "roles" not in ann.model_fields_set
    session = registry.get("session", "talk-2022-introduction")
    assert session.model_fields_set >= {"event", "title", "participants", "quotes"}
    assert session.participants[0].model_fields_set == {
        "person", "role", "position", "organisation"
    }  # fmt: skip


def test_a_series_finds_its_editions_by_id_or_by_name(valid_site: Path) -> None:
    """An event names its series by id or, as text, by name (case aside): indexed once,
    at link time, so no page has to look through every event."""
    content = valid_site / "content"
    (content / "series").mkdir()
    (content / "series/talks.yaml").write_text("name: EU Clusters Talks\n")
    (content / "series/decoy.yaml").write_text("name: talks\n")  # another's id: the id wins
    (content / "series/ecc.yaml").write_text("name: european cluster CONFERENCE\n")
    talk = content / "events/talk-2022.md"
    talk.write_text(talk.read_text().replace("series: EU Clusters Talks", "series: talks"))
    (content / "events/meetup.yaml").write_text("title: Meetup\nkind: meeting\nseries: Meetups\n")
    registry = check(load_site_config(valid_site)).registry
    assert registry.series_index == SeriesIndex(
        {"ecc": ("ecc-2016",), "talks": ("talk-2022",)},
        {"ecc-2016": "ecc", "talk-2022": "talks"},
    )
    talks, decoy = registry.get("series", "talks"), registry.get("series", "decoy")
    assert registry.editions(talks) == [registry.get("event", "talk-2022")]
    assert registry.editions(decoy) == []
    assert registry.series_of(registry.get("event", "talk-2022")) is talks
    assert registry.series_of(registry.get("event", "meetup")) is None  # text, no record


def test_a_series_has_the_same_editions_in_every_language(valid_site: Path) -> None:
    """Its name translated, a series keeps the editions that name it in content's own
    words; the translated registry hands out the translated records."""
    config = valid_site / "site.yaml"
    config.write_text(config.read_text() + "languages: [en, fr]\n")
    (valid_site / "content/series").mkdir()
    (valid_site / "content/series/talks.yaml").write_text("name: EU Clusters Talks\n")
    (valid_site / "content/series/talks.fr.yaml").write_text("name: Les entretiens\n")
    (valid_site / "content/events/talk-2022.fr.md").write_text("---\ntitle: Résultats\n---\n")
    registry = check(load_site_config(valid_site)).registry
    french = registry.in_language("fr")
    assert french.series_index is registry.series_index
    (edition,) = french.editions(french.get("series", "talks"))
    assert edition.title == "Résultats"
    series = french.series_of(edition)
    assert series is not None and getattr(series, "name", None) == "Les entretiens"
