"""The whole build: output complete, failures leave the previous site untouched."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from clusterreports import ContentError, build, check, load_site_config
from clusterreports.problems import Problem
from clusterreports.site.theme import builtin_dir
from clusterreports.tuning import collector_paused

from .conftest import failed_build, snapshot


def test_build_writes_a_page_per_record_and_index(valid_site: Path) -> None:
    result = build(load_site_config(valid_site))
    out = valid_site / "_site"
    records = check(load_site_config(valid_site)).registry
    for record in records:
        folder = {"person": "people", "call": "calls"}.get(record.type_name, record.folder)
        assert (out / folder / record.id / "index.html").is_file()
    for index in [
        "events",
        "sessions",
        "people",
        "organisations",
        "awards",
        "calls",
        "polls",
        "reports",
    ]:
        assert (out / index / "index.html").is_file()
    assert (out / "index.html").is_file() and (out / "404.html").is_file()
    assert (out / "static" / "style.css").is_file()
    assert result.records == len(records)


def test_failed_build_leaves_previous_site_untouched(valid_site: Path) -> None:
    build(load_site_config(valid_site))
    before = snapshot(valid_site / "_site")
    person = valid_site / "content" / "people" / "bianca-dragomir.yaml"
    person.write_text(person.read_text() + "organisation: nowhere\n")
    with pytest.raises(ContentError) as info:
        build(load_site_config(valid_site))
    assert "unknown field 'organisation'" in info.value.report()
    assert snapshot(valid_site / "_site") == before
    assert not list(valid_site.glob(".*building*"))


def test_failed_render_leaves_previous_site_untouched(valid_site: Path) -> None:
    build(load_site_config(valid_site))
    before = snapshot(valid_site / "_site")
    problem = _person_template_problem(valid_site, "{{ record.no_such_field }}")
    assert "has no attribute 'no_such_field'" in problem.message
    assert snapshot(valid_site / "_site") == before


def _person_template_problem(site: Path, line: str) -> Problem:
    """The one problem a build reports when the site's person.html has ``line`` as its
    third line, in its content block; it must name that template and line."""
    templates = site / "templates"
    templates.mkdir()
    (templates / "person.html").write_text(
        f'{{% extends "base.html" %}}\n{{% block content %}}\n{line}\n{{% endblock %}}\n'
    )
    with pytest.raises(ContentError) as info:
        build(load_site_config(site))
    (problem,) = info.value.problems
    assert problem.path == "templates/person.html" and problem.line == 3
    return problem


def test_a_fragment_given_a_list_is_a_template_problem(valid_site: Path) -> None:
    problem = _person_template_problem(valid_site, '{{ fragment("_site_header.html", menu=[]) }}')
    assert problem.message.endswith(
        "fragment('_site_header.html') takes values that cannot change (text, numbers, "
        "tuples), not lists or dicts: pass a tuple, or include the template instead"
    )


def test_site_templates_override_built_in_ones(valid_site: Path) -> None:
    templates = valid_site / "templates"
    templates.mkdir()
    (templates / "person.html").write_text(
        '{% extends "base.html" %}'
        "{% block content %}<h1>Custom {{ record.name }}</h1>{% endblock %}"
    )
    build(load_site_config(valid_site))
    html = (valid_site / "_site/people/bianca-dragomir/index.html").read_text()
    assert "<h1>Custom Bianca Dragomir</h1>" in html
    # other templates still come from the built-in theme
    assert "Agenda" in (valid_site / "_site/events/talk-2022/index.html").read_text()


def test_markdown_html_is_sanitised(built_valid: Path) -> None:
    html = (built_valid / "people/ulla-engelmann/index.html").read_text()
    assert "<strong>DG GROW</strong>" in html
    assert "<script>alert" not in html and "alert(&quot;x&quot;)" not in html


def test_a_winner_badge_is_not_a_call_status(built_valid: Path) -> None:
    for page in ("people/bianca-dragomir", "organisations/avaesen"):
        html = (built_valid / page / "index.html").read_text(encoding="utf-8")
        assert '<span class="badge winner">Winner</span>' in html, page
        assert "status-" not in html, page


def test_values_are_escaped(valid_site: Path) -> None:
    org = valid_site / "content" / "organisations" / "jrc.yaml"
    org.write_text('name: "Joint <b>Research</b> & Centre"\nkind: research-centre\n')
    build(load_site_config(valid_site))
    html = (valid_site / "_site/organisations/jrc/index.html").read_text()
    assert "Joint &lt;b&gt;Research&lt;/b&gt; &amp; Centre" in html


def test_base_url_is_applied_to_every_link(valid_site: Path) -> None:
    build(load_site_config(valid_site, base_url="/reports/"))
    html = (valid_site / "_site/people/ulla-engelmann/index.html").read_text()
    assert 'href="/reports/static/style.css"' in html
    assert 'href="/reports/organisations/dg-grow/"' in html
    assert 'href="/people/' not in html


def test_checking_leaves_no_cycles_for_the_paused_collector(valid_site: Path) -> None:
    """``build`` pauses the cycle collector while checking, on the grounds that checking
    makes no cyclic garbage: if it ever did, that memory would wait for the next
    collection, so keep it that way."""
    site = load_site_config(valid_site)
    check(site)  # first-use caches (models, compiled patterns) are not garbage
    gc.collect()
    with collector_paused():
        assert not gc.isenabled()
        check(site, jobs=2)
        check(site, jobs=1)
    assert gc.isenabled()
    assert gc.collect() == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_records_are_validated_as_they_are_read_and_every_problem_is_kept(
    valid_site: Path, jobs: int
) -> None:
    people = valid_site / "content" / "people"
    (people / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (people / "no-name.yaml").write_text("roles: []\n", encoding="utf-8")
    (valid_site / "content" / "stray.yaml").write_text("name: x\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        check(load_site_config(valid_site), jobs=jobs)
    found = {(p.path, p.line) for p in error.value.problems}
    assert found == {
        ("content/people/broken.yaml", 2),
        ("content/people/no-name.yaml", 1),
        ("content/stray.yaml", None),
    }


def test_a_static_file_the_site_overrides_is_counted_once(valid_site: Path) -> None:
    theme = sorted(p.name for p in builtin_dir("static").rglob("*") if p.is_file())
    (valid_site / "static").mkdir()
    (valid_site / "static" / "style.css").write_text("body { color: black }\n")
    (valid_site / "static" / "logo.svg").write_text("<svg/>\n")
    result = build(load_site_config(valid_site))
    assert result.static_files == len(set(theme) | {"style.css", "logo.svg"})
    assert (valid_site / "_site" / "static" / "style.css").read_text() == "body { color: black }\n"


def test_editors_backups_and_hidden_files_are_not_published(valid_site: Path) -> None:
    """What an editor leaves beside a static file it edits is not the site's: the build
    leaves it out (and the preview does not copy it when it changes)."""
    static = valid_site / "static"
    static.mkdir()
    for name in ("site.css", "site.css~", "#site.css#", ".site.css.swp", ".DS_Store"):
        (static / name).write_text("body {}\n")
    build(load_site_config(valid_site))
    published = {p.name for p in (valid_site / "_site" / "static").iterdir()}
    assert "site.css" in published
    assert not {"site.css~", "#site.css#", ".site.css.swp", ".DS_Store"} & published


def test_a_static_file_linked_from_outside_the_site_is_a_problem(
    valid_site: Path, tmp_path: Path
) -> None:
    build(load_site_config(valid_site))
    (tmp_path / "private.txt").write_text("not for the web\n")
    (valid_site / "static").mkdir()
    (valid_site / "static" / "notes.txt").symlink_to(tmp_path / "private.txt")
    assert failed_build(valid_site) == [
        f"static/notes.txt: a link to '{tmp_path / 'private.txt'}', outside the site folder, "
        "which would be published: copy the file into the site instead"
    ]
