"""What a role or a capacity reads as (site/views/): the same one line, escaped once,
on every page that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterreports import build, load_site_config

from .conftest import copy_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The round-two site with markup-like text in a role title and in two positions."""
    root = copy_site("round-two", tmp_path_factory.mktemp("views"))
    content = root / "content"
    for path, old, new in (
        ("people/jane-doe.yaml", "title: Head of Unit,", 'title: "R&D <Head>",'),
        ("events/conference-2019.yaml", '"Director, Cluster-Agentur"', '"Director, R&D <Lab>"'),
        ("sessions/conference-2019-closing.yaml", '"Head of Unit, DG TEST"', '"A&B, DG TEST"'),
    ):
        text = (content / path).read_text(encoding="utf-8")
        assert old in text
        (content / path).write_text(text.replace(old, new), encoding="utf-8")
    build(load_site_config(root))
    return root / "_site"


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_a_role_reads_title_then_linked_organisation(site: Path) -> None:
    person = page(site, "/people/jane-doe/")
    unit = '<a href="/organisations/clusters-unit/">Clusters Unit</a>'
    assert f'<p class="subtitle">R&amp;D &lt;Head&gt;, {unit}</p>' in person
    assert f'<span class="what">R&amp;D &lt;Head&gt;, {unit}</span>' in person
    assert (
        '<a href="/people/jane-doe/">Jane Doe</a> '
        '<span class="meta">R&amp;D &lt;Head&gt;, Clusters Unit</span>' in page(site, "/people/")
    )
    assert (
        '<meta name="description" content="Jane Doe: R&amp;D &lt;Head&gt;, Clusters Unit">'
        in person
    )
    organisation = page(site, "/organisations/clusters-unit/")
    assert '<span class="meta">R&amp;D &lt;Head&gt;, from 2019</span>' in organisation


def test_a_capacity_reads_position_then_organisation_unless_named(site: Path) -> None:
    agency = '<a href="/organisations/cluster-agency/">Cluster Agency</a>'
    event = page(site, "/events/conference-2019/")
    assert f'<div class="meta">Director, R&amp;D &lt;Lab&gt;, {agency}</div>' in event
    person = page(site, "/people/jose-garcia/")
    assert f'<div class="meta">as Director, R&amp;D &lt;Lab&gt;, {agency}</div>' in person
    session = page(site, "/sessions/conference-2019-closing/")
    assert '<div class="meta">A&amp;B, DG TEST</div>' in session
