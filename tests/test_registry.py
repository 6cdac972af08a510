from pathlib import Path

from clusterreports import load_site_config
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
