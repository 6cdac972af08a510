from pathlib import Path

from clusterreports import load_site_config
from clusterreports.pipeline import check
from clusterreports.plan import Page, _collisions, dependencies


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
