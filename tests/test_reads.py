"""What a page reads, noted through the tracked records a page's registry hands out:
field by field, through the models' own properties and methods too, and never by
changing the model classes for the whole process."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterreports import load_site_config
from clusterreports.content.models import Event, FundingCall, Record
from clusterreports.content.registry import Registry
from clusterreports.pipeline import check
from clusterreports.preview.incremental import Preview
from clusterreports.preview.reads import (
    ALL_FIELDS,
    EVERY_FROM,
    Reads,
    TrackedRegistry,
    TrackingRenderer,
    field_bits,
)
from clusterreports.site.views import EventView, SiteView
from clusterreports.tuning import PageCollections

from .conftest import bench_corpus, copy_site


@pytest.fixture
def registry(valid_site: Path) -> Registry:
    return check(load_site_config(valid_site)).registry


def _bits(model: type[Record], *names: str) -> int:
    bits = field_bits(model)
    return sum(bits[name] for name in names)


def test_a_field_read_is_noted_once_and_then_kept(registry: Registry) -> None:
    tracked = TrackedRegistry(registry)
    reads = tracked.start_page()
    event = tracked.get("event", "ecc-2016")
    assert reads.fields == {}  # handing a record out reads nothing
    title = event.title
    assert event.title is title == registry.get("event", "ecc-2016").title
    assert event.id == "ecc-2016"  # the id is no field to note: changing it rebuilds all
    assert reads.fields == {("event", "ecc-2016"): _bits(Event, "title")}


def test_properties_and_methods_note_the_fields_they_read(registry: Registry) -> None:
    tracked = TrackedRegistry(registry)
    reads = tracked.start_page()
    call = tracked.get("call", "open-call")
    assert call.title_text == "Specialised education programmes"
    assert reads.fields == {("call", "open-call"): _bits(FundingCall, "title")}
    assert isinstance(call, FundingCall)
    assert call.status(dt.date(2023, 1, 20)) == "closing-soon"
    assert reads.fields == {("call", "open-call"): _bits(FundingCall, "title", "deadline", "opens")}


def test_a_whole_record_read_notes_every_field(registry: Registry) -> None:
    tracked = TrackedRegistry(registry)
    reads = tracked.start_page()
    event, person = tracked.get("event", "ecc-2016"), tracked.get("person", "bianca-dragomir")
    assert event.model_dump() == registry.get("event", "ecc-2016").model_dump()
    assert event != person
    assert reads.fields == {
        ("event", "ecc-2016"): ALL_FIELDS,
        ("person", "bianca-dragomir"): ALL_FIELDS,
    }


def test_a_page_sees_one_object_per_record_and_views_of_the_model(valid_site: Path) -> None:
    site = load_site_config(valid_site)
    tracked = TrackedRegistry(check(site).registry)
    tracked.start_page()
    event = tracked.get("event", "ecc-2016")
    assert tracked.find("event", "ecc-2016") is event
    assert event in tracked.all("event")
    assert type(event).__name__ == "Event" and isinstance(event, Event)
    view = SiteView(tracked, site.config, site.today())
    assert isinstance(view.view(event), EventView)
    with pytest.raises(AttributeError, match="'Event' object has no attribute 'colour'"):
        event.colour  # noqa: B018


def test_backlinks_asked_for_are_noted_and_their_sources_tracked(registry: Registry) -> None:
    tracked = TrackedRegistry(registry)
    reads = tracked.start_page()
    person = tracked.get("person", "bianca-dragomir")
    sources = [link.source for link in tracked.links_to(person)]
    assert sources and all(s is tracked.find(*(s.type_name, s.id)) for s in sources)
    assert reads.backlinks == {("person", "bianca-dragomir")}
    tracked.start_page()
    assert tracked.get("person", "bianca-dragomir") is not person  # a new page, new notes


def test_previewing_patches_no_class(valid_site: Path) -> None:
    """Outside the preview's own pages, records read as they always do."""
    assert Preview(valid_site).build_all().kind == "full"
    assert "__getattribute__" not in vars(Record) and "__getattr__" not in vars(Record)
    assert Record.__getattribute__ is object.__getattribute__


masks = st.integers(min_value=-1, max_value=(1 << 20) - 1)


@given(
    st.dictionaries(st.sampled_from(["event", "session"]), st.integers(0, 80)),
    st.data(),
)
def test_folding_keeps_what_a_page_read_of_every_record(
    counts: dict[str, int], data: st.DataObject
) -> None:
    """What ``Reads.of`` answers for any record is the same before and after folding."""
    keys = [(t, f"{t}-{i}") for t, n in counts.items() for i in range(n)]
    read = data.draw(st.lists(st.sampled_from(keys), unique=True) if keys else st.just([]))
    reads = Reads(fields={key: data.draw(masks) for key in read})
    before = {key: reads.of(key) for key in keys}
    reads.fold(counts)
    assert {key: reads.of(key) for key in keys} == before
    for type_name, mask in reads.every.items():
        assert counts[type_name] >= EVERY_FROM and mask != 0


def test_an_index_page_notes_once_what_it_read_of_every_record(tmp_path: Path) -> None:
    """A sessions index page sorts every session: noted once for the type, not once a
    session (what kept a large preview's memory growing with every page)."""
    root = tmp_path / "corpus"
    bench_corpus().generate(root, 20)
    site = load_site_config(root / "ours")
    checked = check(site)
    renderer = TrackingRenderer(site, checked.registry)
    sessions = len(checked.registry.all("session"))
    assert sessions >= EVERY_FROM
    index = next(p for p in checked.pages if p.kind == "index" and p.url == "/sessions/")
    _, reads = renderer.render_tracked(index)
    # Sorted by the listing the index's pages share, whose reads are noted with it.
    (listing,) = [r for r in reads.listings.values() if r is not None]
    for noted in (reads, listing):
        assert sum(1 for key in noted.fields if key[0] == "session") < sessions
    assert listing.every.get("session")


def test_an_event_page_reads_the_events_it_shows_not_every_event(tmp_path: Path) -> None:
    """The editions of a series come from the registry's index: an event page reads its
    own series' editions (their order is theirs), never every event to find them, which
    made a large preview's first build quadratic in its events."""
    site = load_site_config(copy_site("round-two", tmp_path))
    checked = check(site)
    renderer = TrackingRenderer(site, checked.registry)

    def events_read(url: str) -> set[str]:
        page = next(p for p in checked.pages if p.url == url)
        reads = renderer.render_tracked(page)[1]
        assert "event" not in reads.every
        return {key[1] for key in reads.fields if key[0] == "event"}

    editions = {"conference-2019", "conference-2020", "conference-2024"}
    assert events_read("/events/conference-2020/") == editions
    assert events_read("/series/cluster-conference/") == editions
    assert events_read("/events/forum-2016/") == {"forum-2016"}  # in no series


def test_the_preview_renderer_collects_the_pages_it_left_while_the_build_is_frozen(
    registry: Registry, valid_site: Path
) -> None:
    """Each page gets a new SiteView, whose views know it: a cycle for the collector,
    collected fully every few pages (cheap while the build's own objects are frozen, as
    in a render worker), and not otherwise (where it would walk the whole build)."""
    site = load_site_config(valid_site)
    renderer = TrackingRenderer(site, registry)
    page = next(p for p in check(site).pages if p.url == "/events/ecc-2016/")
    renderer.render(page)  # the first page's ``site.link`` stays in the imported macros
    renderer.collections = PageCollections(every=3)

    def left_after_three_pages() -> bool:
        renderer.render(page)
        first = weakref.ref(renderer.view)
        renderer.render(page)
        assert first() is not None  # in a cycle: left for the collector
        renderer.render(page)
        return first() is not None

    gc.collect()
    gc.disable()
    try:
        gc.unfreeze()  # what an earlier test's preview left frozen
        assert left_after_three_pages()  # nothing frozen: no collection
        gc.freeze()
        assert not left_after_three_pages()
    finally:
        gc.unfreeze()
        gc.enable()
