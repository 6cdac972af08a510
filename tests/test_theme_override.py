"""A site's own templates and static files override the built-in theme by name, and can
still build on it (extend base.html, import the built-in macros)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterreports import build, load_site_config
from clusterreports.cli import main
from tests.conftest import copy_site

PERSON = """{% extends "base.html" %}
{% from "_macros.html" import link %}
{% block title %}Speaker {{ record.title }}{% endblock %}
{% block content %}
<h1 class="site-own-person">{{ record.name }}</h1>
<p>Latest role at {{ link(record.latest_role.organisation) }}</p>
{% endblock %}
"""


def _with_person_template(tmp_path: Path, text: bytes) -> Path:
    """The valid site with its own person.html, as these bytes."""
    root = copy_site("valid", tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "person.html").write_bytes(text)
    return root


def test_site_template_overrides_the_built_in_one(tmp_path: Path) -> None:
    root = _with_person_template(tmp_path, PERSON.encode("utf-8"))
    build(load_site_config(root))

    person = (root / "_site/people/ulla-engelmann/index.html").read_text(encoding="utf-8")
    assert '<h1 class="site-own-person">Ulla Engelmann</h1>' in person
    assert "<title>Speaker Ulla Engelmann</title>" in person
    assert 'href="/organisations/dg-grow/">' in person, "built-in macros still importable"
    assert 'class="skip-link"' in person, "built-in base.html still extended"
    assert 'class="record person"' not in person, "the built-in person.html is not used"

    event = (root / "_site/events/talk-2022/index.html").read_text(encoding="utf-8")
    assert 'class="record event"' in event, "other page types keep the built-in templates"


def test_site_static_file_overrides_the_built_in_stylesheet(tmp_path: Path) -> None:
    root = copy_site("valid", tmp_path)
    (root / "static").mkdir()
    (root / "static" / "style.css").write_text("body { color: rebeccapurple; }\n")
    (root / "static" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    build(load_site_config(root))

    assert (root / "_site/static/style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (root / "_site/static/logo.svg").is_file()


def test_a_template_that_is_not_utf8_is_a_problem_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _with_person_template(tmp_path, PERSON.encode("utf-8") + b"caf\xe9\n")
    assert main(["--site", str(root), "build", "--no-search"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("templates/person.html:1: template error while rendering /people/")
    assert err[0].endswith(": not UTF-8 text (invalid continuation byte): save it as UTF-8")
    assert not (root / "_site").exists()


def test_a_byte_order_mark_in_a_template_is_read_past(tmp_path: Path) -> None:
    root = _with_person_template(tmp_path, PERSON.encode("utf-8-sig"))
    build(load_site_config(root))
    person = (root / "_site/people/ulla-engelmann/index.html").read_text(encoding="utf-8")
    assert person.startswith("<!DOCTYPE html>") and "\ufeff" not in person
