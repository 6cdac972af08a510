"""Incremental preview rebuilds: after every kind of edit, the output equals a clean full
build of the same content, byte for byte, file for file."""

from __future__ import annotations

import gc
import gzip
import json
import os
import re
import shutil
import signal
import weakref
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from clusterreports import build, load_site_config
from clusterreports.content.models import TYPES_BY_FOLDER
from clusterreports.outputs import search
from clusterreports.outputs.context import Interrupted
from clusterreports.outputs.search import SearchIndexError
from clusterreports.pipeline import check
from clusterreports.preview import incremental
from clusterreports.preview.changes import classify
from clusterreports.preview.incremental import Outcome, Preview
from clusterreports.preview.reads import referenced_templates
from clusterreports.problems import ContentError, Problem
from clusterreports.site import urls, write
from clusterreports.site.plan import Page
from clusterreports.site.theme import builtin_dir
from clusterreports.site.write import Content

from .conftest import copy_site, fake_pagefind, hanging_pagefind
from .test_round_two import facts

# Pagefind names its filter index with a hash that differs between two clean builds of
# the same site; these files (of every part of the index) are compared by count, not by
# name and bytes.
UNSTABLE = re.compile(r"pagefind/(part-\d+/)?(pagefind-entry\.json|filter/|pagefind\.)")


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def unstable(name: str) -> bool:
    return UNSTABLE.match(name) is not None


def assert_same_as_full_build(preview: Preview, tmp_path: Path) -> None:
    preview.settle()
    full = tmp_path / "full"
    shutil.rmtree(full, ignore_errors=True)
    build(load_site_config(preview.root, output=str(full)), jobs=1)
    ours, theirs = files(preview.site.output_dir), files(full)
    group = Counter(n.rsplit("/", 1)[0] for n in ours if unstable(n))
    assert group == Counter(n.rsplit("/", 1)[0] for n in theirs if unstable(n))
    ours = {n: b for n, b in ours.items() if not unstable(n)}
    theirs = {n: b for n, b in theirs.items() if not unstable(n)}
    assert sorted(ours) == sorted(theirs)
    assert [n for n in sorted(ours) if ours[n] != theirs[n]] == []


@pytest.fixture
def site(valid_site: Path) -> Path:
    """The valid fixture, plus what incremental rebuilds find hardest: a four-level
    organisation chain (breadcrumbs reach past the planned two hops), two years of one
    award (each lists the other), and the site's own templates and static files."""
    orgs = valid_site / "content" / "organisations"
    (orgs / "unit-a.yaml").write_text("name: Unit A\nparent: dg-grow\n")
    (orgs / "unit-b.yaml").write_text("name: Unit B\nparent: unit-a\n")
    # someone two units below DG GROW, listed on its page among the people of its units
    (valid_site / "content/people/pat-unit.yaml").write_text(
        "name: Pat Unit\nroles:\n  - {title: Analyst, organisation: unit-b}\n"
    )
    # a series that finds its one edition (talk-2022) by name
    (valid_site / "content/series").mkdir()
    (valid_site / "content/series/talks.yaml").write_text("name: EU Clusters Talks\n")
    (valid_site / "content/awards/cluster-manager-of-the-year-2017.yaml").write_text(
        "name: European Cluster Manager of the Year\nyear: 2017\n"
    )
    templates = valid_site / "templates"
    templates.mkdir()
    for name in ("person.html", "_macros.html", "_site_header.html"):
        shutil.copy(builtin_dir("templates") / name, templates / name)
    (valid_site / "static").mkdir()
    (valid_site / "static" / "note.txt").write_text("first\n")
    return valid_site


@pytest.fixture
def preview(site: Path) -> Preview:
    preview = Preview(site)
    assert preview.build_all().kind == "full"
    return preview


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


C = "content/"
EDITS: dict[str, tuple[Callable[[Path], list[Path]], str]] = {
    "person name in front matter": (
        lambda s: [edit(s / C / "people/ulla-engelmann.md", "Ulla Engelmann", "Ulla Engel")],
        "incremental",
    ),
    "event body only": (
        lambda s: [edit(s / C / "events/talk-2022.md", "A one-hour", "A short")],
        "incremental",
    ),
    "great-grandparent organisation renamed": (
        lambda s: [edit(s / C / "organisations/european-commission.yaml", "European", "EU")],
        "incremental",
    ),
    "another year of the same award": (
        lambda s: [
            edit(s / C / "awards/cluster-manager-of-the-year-2016.yaml", "title: C", "title: The C")
        ],
        "incremental",
    ),
    "session moved to another event, participant changed": (
        lambda s: [
            edit(s / C / "sessions/ecc-2016-awards.yaml", "event: ecc-2016", "event: talk-2022"),
            edit(s / C / "sessions/ecc-2016-awards.yaml", "bianca-dragomir", "anais-le-corvec"),
        ],
        "incremental",
    ),
    "references dropped": (
        lambda s: [edit(s / C / "people/bianca-dragomir.yaml", "sources: [source-report]", "")],
        "incremental",
    ),
    "event dates (sorting elsewhere)": (
        lambda s: [
            edit(s / C / "events/ecc-2016.yaml", "2016-12-01\nend: 2016", "2023-01-30\nend: 2023")
        ],
        "incremental",
    ),
    "session day and poll shares": (
        lambda s: [
            edit(s / C / "sessions/ecc-2016-awards.yaml", "day: 1", "day: 2"),
            edit(s / C / "polls/biggest-challenge.yaml", "share: 44", "share: 54"),
        ],
        "incremental",
    ),
    "role of a person two units below (the directorate's roll-up)": (
        lambda s: [edit(s / C / "people/pat-unit.yaml", "Analyst", "Senior analyst")],
        "incremental",
    ),
    "an event leaves its series (found by name)": (
        lambda s: [edit(s / C / "events/talk-2022.md", "series: EU Clusters Talks", "series: X")],
        "full",
    ),
    "an event names its series by id instead of by name (the same editions)": (
        lambda s: [
            edit(s / C / "events/talk-2022.md", "series: EU Clusters Talks", "series: talks")
        ],
        "incremental",
    ),
    "a series renamed, case aside (the same editions)": (
        lambda s: [edit(s / C / "series/talks.yaml", "EU Clusters Talks", "EU clusters talks")],
        "incremental",
    ),
    "a series renamed as another event names its series": (
        lambda s: [
            edit(s / C / "series/talks.yaml", "EU Clusters Talks", "European Cluster Conference")
        ],
        "full",
    ),
    "sort name": (
        lambda s: [
            edit(s / C / "people/anais-le-corvec.yaml", "sort_name: Le Corvec", "sort_name: A")
        ],
        "incremental",
    ),
    "call deadline (status everywhere)": (
        lambda s: [edit(s / C / "calls/soon-call.yaml", "2022-11-23", "2021-01-01")],
        "incremental",
    ),
    "award year": (
        lambda s: [edit(s / C / "awards/cluster-manager-of-the-year-2017.yaml", "2017", "2015")],
        "incremental",
    ),
    "source report title (listed on every page it sources)": (
        lambda s: [edit(s / C / "reports/source-report.yaml", "Fixture source", "A source")],
        "incremental",
    ),
    "a winner moved to the shortlist only": (
        lambda s: [
            edit(
                s / C / "awards/cluster-manager-of-the-year-2016.yaml",
                "winners:\n  - {person: bianca-dragomir, organisation: avaesen}\n",
                "",
            )
        ],
        "incremental",
    ),
    "two files in one batch": (
        lambda s: [
            edit(s / C / "people/anais-le-corvec.yaml", "Anaïs", "Anaïse"),
            edit(s / C / "organisations/eccp.yaml", "ECCP", "E.C.C.P."),
        ],
        "incremental",
    ),
    "comment only": (
        lambda s: [edit(s / C / "people/anais-le-corvec.yaml", "name:", "# hello\nname:")],
        "incremental",
    ),
    "page template": (
        lambda s: [edit(s / "templates/person.html", "<h1>", '<h1 class="edited">')],
        "incremental",
    ),
    "site header (a fragment of every page)": (
        lambda s: [edit(s / "templates/_site_header.html", 'class="brand"', 'class="brand x"')],
        "incremental",
    ),
    "macro used everywhere": (
        lambda s: [
            edit(s / "templates/_macros.html", '<dl class="facts">', '<dl class="facts x">')
        ],
        "incremental",
    ),
    "static file": (
        lambda s: [edit(s / "static/note.txt", "first", "second")],
        "incremental",
    ),
    "record added": (
        lambda s: [_write(s / C / "people/new-person.yaml", "name: New Person\n")],
        "full",
    ),
    "unreferenced record removed": (
        lambda s: [_remove(s / C / "calls/no-deadline.yaml")],
        "full",
    ),
    "folder of records removed": (
        lambda s: [_remove_folder(s / C / "calls")],
        "full",
    ),
    "id changed": (
        lambda s: [edit(s / C / "calls/old-call.yaml", "title:", "id: older-call\ntitle:")],
        "full",
    ),
    "organisation parent changed": (
        lambda s: [edit(s / C / "organisations/unit-b.yaml", "unit-a", "european-commission")],
        "full",
    ),
    "site.yaml": (
        lambda s: [edit(s / "site.yaml", "Fixture Reports", "Fixture Reports, edited")],
        "full",
    ),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _remove(path: Path) -> Path:
    path.unlink()
    return path


def _remove_folder(path: Path) -> Path:
    shutil.rmtree(path)
    return path


@pytest.mark.parametrize("name", list(EDITS))
def test_incremental_output_equals_full_build(name: str, site: Path, preview: Preview) -> None:
    change, kind = EDITS[name]
    outcome = preview.update(change(site))
    assert outcome.error is None
    assert outcome.kind == kind, outcome.reason
    assert_same_as_full_build(preview, site.parent)


def test_edits_one_after_another_stay_equal(site: Path, preview: Preview) -> None:
    for name in (
        "person name in front matter",
        "session moved to another event, participant changed",
        "page template",
        "great-grandparent organisation renamed",
    ):
        change, kind = EDITS[name]
        assert preview.update(change(site)).kind == kind
    assert_same_as_full_build(preview, site.parent)


def test_a_record_edit_renders_only_the_pages_that_show_it(site: Path, preview: Preview) -> None:
    total = len(preview.state.pages) if preview.state else 0
    outcome = preview.update(EDITS["event body only"][0](site))
    assert 0 < outcome.rendered < total
    assert "/events/talk-2022/" in outcome.written
    assert "/people/bianca-dragomir/" not in outcome.written


def test_far_ancestor_rename_reaches_the_breadcrumbs(site: Path, preview: Preview) -> None:
    preview.update(EDITS["great-grandparent organisation renamed"][0](site))
    page = (preview.site.output_dir / "organisations/unit-b/index.html").read_text()
    assert "EU Commission" in page


# --- a series' editions (the registry's index, read without a note) -------------------


@pytest.fixture
def series_preview(tmp_path: Path) -> Preview:
    """The round-two site: a series of three editions, two named by its id, one by its
    name as text."""
    preview = Preview(copy_site("round-two", tmp_path))
    assert preview.build_all().kind == "full"
    return preview


def output_page(preview: Preview, url: str) -> str:
    return (preview.site.output_dir / url.strip("/") / "index.html").read_text(encoding="utf-8")


def editions_listed(preview: Preview) -> list[str]:
    """The events the series page lists as its editions, in order."""
    listed = re.search(r'<ol class="editions">(.*?)</ol>', output_page(preview, SERIES), re.S)
    return re.findall(r'<a href="/events/([^/]+)/">', listed[1]) if listed else []


def neighbours(preview: Preview, event: str) -> tuple[str | None, str | None]:
    """The previous and the next edition an event's page links to."""
    shown = facts(output_page(preview, f"/events/{event}/"))
    found = (re.search(r'href="/events/([^/]+)/"', shown.get(f, "")) for f in EDITION_FACTS)
    return tuple(m[1] if m else None for m in found)  # type: ignore[return-value]


SERIES = "/series/cluster-conference/"
EDITION_FACTS = ("Previous edition", "Next edition")


def test_an_event_leaving_its_series_rebuilds_its_series_and_siblings(
    series_preview: Preview, tmp_path: Path
) -> None:
    preview = series_preview
    events = preview.root / C / "events"
    assert editions_listed(preview) == ["conference-2019", "conference-2020", "conference-2024"]
    assert neighbours(preview, "conference-2019") == (None, "conference-2020")
    assert neighbours(preview, "conference-2024") == ("conference-2020", None)
    outcome = preview.update([edit(events / "conference-2020.yaml", "cluster-conference", "Z")])
    assert outcome.kind == "full" and outcome.reason == "the editions of a series changed"
    assert editions_listed(preview) == ["conference-2019", "conference-2024"]
    assert neighbours(preview, "conference-2019") == (None, "conference-2024")
    assert neighbours(preview, "conference-2024") == ("conference-2019", None)
    assert neighbours(preview, "conference-2020") == (None, None)
    assert 'href="/series/cluster-conference/"' not in output_page(
        preview, "/events/conference-2020/"
    )
    assert_same_as_full_build(preview, tmp_path)
    # back in, named by its series' name as text, case aside
    outcome = preview.update([edit(events / "conference-2020.yaml", "Z", "CLUSTER conference")])
    assert outcome.kind == "full"
    assert editions_listed(preview) == ["conference-2019", "conference-2020", "conference-2024"]
    assert neighbours(preview, "conference-2024") == ("conference-2020", None)
    assert_same_as_full_build(preview, tmp_path)


def test_a_series_renamed_away_from_an_edition_rebuilds(
    series_preview: Preview, tmp_path: Path
) -> None:
    """conference-2024 names its series by its name: a new name leaves it out."""
    preview = series_preview
    series = preview.root / C / "series/cluster-conference.yaml"
    outcome = preview.update([edit(series, "name: Cluster Conference", "name: Cluster Summit")])
    assert outcome.kind == "full"
    assert editions_listed(preview) == ["conference-2019", "conference-2020"]
    assert neighbours(preview, "conference-2020") == ("conference-2019", None)
    assert_same_as_full_build(preview, tmp_path)


def test_an_edition_moved_in_time_renders_its_series_and_siblings_again(
    series_preview: Preview, tmp_path: Path
) -> None:
    """Their order is read from the editions themselves, so the pages listing them
    noted it: an incremental rebuild, of the series' page and the editions' own."""
    preview = series_preview
    edited = edit(preview.root / C / "events/conference-2024.yaml", "2024-05-02", "2018-05-02")
    outcome = preview.update([edited])
    assert outcome.kind == "incremental"
    assert {SERIES, "/events/conference-2019/", "/events/conference-2020/"} <= set(outcome.written)
    assert editions_listed(preview) == ["conference-2024", "conference-2019", "conference-2020"]
    assert neighbours(preview, "conference-2024") == (None, "conference-2019")
    assert neighbours(preview, "conference-2019") == ("conference-2024", "conference-2020")
    assert neighbours(preview, "conference-2020") == ("conference-2019", None)
    assert_same_as_full_build(preview, tmp_path)


def test_template_edit_renders_the_pages_using_it(site: Path, preview: Preview) -> None:
    outcome = preview.update(EDITS["page template"][0](site))
    people = {f"/people/{p.stem}/" for p in (site / C / "people").iterdir()}
    written = {u for u in outcome.written if not u.startswith(("/data/", "/feeds/"))}
    assert written == people
    assert outcome.rendered == len(people)


def test_a_header_edit_renders_every_page(site: Path, preview: Preview) -> None:
    assert preview.state is not None
    html_pages = {page.url for page in preview.state.pages}
    outcome = preview.update(EDITS["site header (a fragment of every page)"][0](site))
    assert outcome.kind == "incremental" and outcome.rendered == len(html_pages)
    assert html_pages <= set(outcome.written)
    home = (preview.site.output_dir / "index.html").read_text()
    assert '<a class="brand x"' in home


def test_a_full_rebuild_counts_the_pages_it_found_unchanged(preview: Preview) -> None:
    again = preview.build_all("templates folder added")
    assert again.kind == "full" and again.rendered > 0
    assert again.unchanged == again.rendered  # nothing changed since the first build
    assert again.summary().startswith(
        f"Full rebuild (templates folder added): {again.rendered} pages rendered, 0 files changed"
    )


def test_comment_only_edit_renders_nothing(site: Path, preview: Preview) -> None:
    assert preview.update(EDITS["comment only"][0](site)).rendered == 0


def test_outcome_summary_counts_in_words() -> None:
    one = Outcome("incremental", ["/people/x/"], 1, 0.0123, "x.yaml")
    assert one.summary() == "Incremental rebuild (x.yaml): 1 page rendered, 1 file changed in 12 ms"
    many = Outcome("full", ["/a/", "/b/"], 2, 1.5)
    assert many.summary() == "Full rebuild: 2 pages rendered, 2 files changed in 1500 ms"
    same = Outcome("full", ["/a/", "/b/", "/c/"], 3, 1.5, unchanged=2)
    assert same.summary() == "Full rebuild: 3 pages rendered, 1 file changed in 1500 ms"
    problems = [Problem("a.yaml", 1, 1, "m"), Problem("b.yaml", 2, 1, "n")]
    failed = Outcome("error", [], 0, 0.0, "", ContentError(problems))
    assert failed.summary() == "2 content problems: still showing the last good pages"


def test_static_edit_copies_the_file(site: Path, preview: Preview) -> None:
    outcome = preview.update(EDITS["static file"][0](site))
    assert outcome.written == ["/static/note.txt"]
    assert (preview.site.output_dir / "static/note.txt").read_text() == "second\n"


def error_report(site: Path) -> str:
    with pytest.raises(ContentError) as raised:
        check(load_site_config(site))
    return raised.value.report()


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("people/bianca-dragomir.yaml", "name: Bianca Dragomir", "name: [unclosed"),
        ("people/bianca-dragomir.yaml", "name:", "nmae:"),
        ("sessions/ecc-2016-awards.yaml", "person: bianca-dragomir", "person: bianca-dragomr"),
        ("organisations/unit-a.yaml", "parent: dg-grow", "parent: unit-b"),
        ("events/ecc-2016.yaml", "kind: conference", "kind: conference\npart_of: ecc-2016"),
    ],
)
def test_content_error_keeps_the_last_good_pages_then_clears(
    site: Path, preview: Preview, path: str, old: str, new: str
) -> None:
    before = files(preview.site.output_dir)
    outcome = preview.update([edit(site / C / path, old, new)])
    assert outcome.kind == "error" and preview.error is not None
    assert preview.error.report() == error_report(site)
    assert f"content/{path}:" in preview.error.report()
    assert files(preview.site.output_dir) == before
    outcome = preview.update([edit(site / C / path, new, old)])
    assert outcome.error is None and preview.error is None
    assert_same_as_full_build(preview, site.parent)


def _rename_bianca(site: Path, preview: Preview) -> None:
    person = edit(site / C / "people/bianca-dragomir.yaml", "Bianca Dragomir", "Bianca D.")
    assert preview.update([person]).kind == "incremental" and preview.unsettled


def _noted(preview: Preview) -> list[list[dict[int, int] | None]]:
    """What each page read of each record, and whose backlinks: as dicts, page → mask."""
    assert preview.state is not None
    lists = (preview.state.readers, preview.state.backlink_readers)
    return [[r and r.as_dict() for r in readers] for readers in lists]


def test_a_page_rendered_again_is_noted_once(site: Path, preview: Preview) -> None:
    """A re-render merges into what the page read before: a long preview session does
    not grow the notes with every edit."""
    assert preview.state is not None
    pairs = sum(len(r.pages) for r in preview.state.readers if r is not None)
    for _ in range(3):
        _rename_bianca(site, preview)
        edit(site / C / "people/bianca-dragomir.yaml", "Bianca D.", "Bianca Dragomir")
        assert preview.update([site / C / "people/bianca-dragomir.yaml"]).rendered > 1
    assert sum(len(r.pages) for r in preview.state.readers if r is not None) == pairs


def test_a_full_build_in_worker_processes_notes_the_same_reads(
    site: Path, preview: Preview, tmp_path: Path
) -> None:
    """The preview's full build renders on every core like ``build``; what each page
    read comes back from the workers, so edits after it narrow down just the same."""
    forked = Preview(site, jobs=2)
    assert forked.build_all().kind == "full"
    assert forked.state is not None and preview.state is not None
    assert _noted(forked) == _noted(preview)  # in any order: each run comes back in turn
    assert forked.state.page_of == preview.state.page_of
    _rename_bianca(site, forked)
    assert_same_as_full_build(forked, tmp_path)


def test_a_full_build_keeps_its_state_from_the_collector_until_the_next(
    site: Path, preview: Preview
) -> None:
    """The state of a large site is millions of objects, which every full collection
    walked (2 s at N = 10,000, in the middle of an edit): after a full build they are
    frozen, and the next full build lets them go, cycles and all."""
    assert preview.state is not None
    assert gc.get_freeze_count() > 0
    preview.state.itself = preview.state  # type: ignore[attr-defined]  # a cycle
    old = weakref.ref(preview.state)
    assert preview.build_all().kind == "full"
    gc.collect()
    assert old() is None


# --- stopping the preview ---------------------------------------------------------------


def test_a_cancelled_full_rebuild_stops_at_the_next_page_and_publishes_nothing(
    site: Path, preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopping the preview cancels from another thread: the rebuild under way stops
    before its next page, and the output stays the last finished build."""
    output = preview.site.output_dir
    before = files(output)
    edit(site / "site.yaml", "title: Fixture Reports", "title: Renamed Reports")
    rendered: list[str] = []
    render = incremental.Renderer.render

    def counted(renderer: incremental.Renderer, page: Page) -> bytes:
        rendered.append(page.url)
        if len(rendered) == 3:
            preview.cancel()  # as Ctrl-C does while this page renders
        return render(renderer, page)

    monkeypatch.setattr(incremental.Renderer, "render", counted)
    with pytest.raises(Interrupted):
        preview.update([site / "site.yaml"])
    assert len(rendered) == 3
    assert files(output) == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == []
    with pytest.raises(Interrupted):  # and it stays stopped
        preview.build_all()
    assert len(rendered) == 3


def test_a_cancel_stops_the_render_workers_too(
    site: Path, preview: Preview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flag is shared with the forked workers: the run under way stops at its next
    page instead of finishing (a run is a sixteenth of a large site). The main process
    cancels when a worker signals it (a thread to do it would be forked beside)."""
    output = preview.site.output_dir
    before = files(output)
    forked = Preview(site, jobs=2)
    log = tmp_path / "rendered"
    render = incremental.Renderer.render
    main = os.getpid()

    def third() -> bool:
        return log.exists() and len(log.read_text().split()) >= 3

    def counted(renderer: incremental.Renderer, page: Page) -> bytes:
        with log.open("a") as pids:
            pids.write(f"{os.getpid()}\n")
        if third():
            os.kill(main, signal.SIGUSR1)
            forked.cancelled.wait(30)  # until this process sees the main one cancel
        return render(renderer, page)

    monkeypatch.setattr(incremental.Renderer, "render", counted)
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: forked.cancel())
    try:
        with pytest.raises(Interrupted):
            forked.build_all()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    rendered = log.read_text().split()
    # The other worker may start one more page before the cancel reaches it (it then
    # waits too): never more than one page a worker past the third.
    assert 3 <= len(rendered) <= 4 and str(main) not in rendered
    assert files(output) == before


# --- the search index, made beside the live one --------------------------------------------


def test_an_edit_stops_the_search_index_and_the_last_one_stays(
    site: Path, preview: Preview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind takes a minute on a large site: the next edit must not wait behind it,
    and the preview's search keeps the last index until a new one is complete."""
    output = preview.site.output_dir
    index = files(output / "pagefind")
    assert "pagefind/pagefind.js" in {f"pagefind/{name}" for name in index}
    _rename_bianca(site, preview)
    fake, pid_file = hanging_pagefind(tmp_path)
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    assert preview.settle(interrupted=pid_file.exists) is None
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
    assert files(output / "pagefind") == index
    assert list(output.parent.glob(".*indexing*")) == []
    assert preview.unsettled  # the next quiet moment tries again
    monkeypatch.undo()
    assert_same_as_full_build(preview, tmp_path)


def test_an_edit_stops_a_data_file_being_made(
    site: Path, preview: Preview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data of every session is made in pieces (0.3 s at N = 1,000, 3 s at 10,000):
    an edit waiting is seen between pieces, so it waits for none of that, and the file
    is left as it was, not half written."""
    sessions = preview.site.output_dir / "data" / "sessions.json"
    before = sessions.read_bytes()
    talk = edit(site / C / "sessions/talk-2022-introduction.yaml", "Introduction to", "About")
    assert preview.update([talk]).kind == "incremental" and preview.unsettled
    writing: list[str] = []
    real_write = incremental.write_file

    def noting_write(root: Path, url: str, content: Content) -> bool:
        writing.append(url)
        return real_write(root, url, content)

    monkeypatch.setattr(incremental, "write_file", noting_write)
    assert preview.settle(interrupted=lambda: writing[-1:] == ["/data/sessions.json"]) is None
    assert sessions.read_bytes() == before
    assert preview.unsettled
    monkeypatch.undo()
    assert_same_as_full_build(preview, tmp_path)  # the next quiet moment writes it
    assert b"About the topic of the day" in sessions.read_bytes()


def test_a_large_index_is_made_again_only_in_the_parts_an_edit_touches(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site of more record pages than ``search_index_pages`` is indexed in parts
    (about a minute each at their default size): after an edit, only the parts holding
    a page it changed are made again; the rest are carried over, and the output equals
    a full build's."""
    with (site / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("search_index_pages: 4\n")
    log = tmp_path / "pagefind.log"
    real = search.get_executable()
    fake = fake_pagefind(tmp_path, f'echo "$*" >> {log}\nexec {real} "$@"')
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    preview = Preview(site)
    assert preview.build_all().kind == "full" and preview.state is not None
    page_urls = sorted(urls.url_of(record) for record in preview.state.registry)
    parts = search.deal(page_urls, len(urls.bundle_urls(len(page_urls), 4)))
    assert len(log.read_text().splitlines()) == len(parts) > 2
    made_again = []
    for name in ("event body only", "session day and poll shares"):
        log.unlink()
        changed, kind = EDITS[name]
        outcome = preview.update(changed(site))
        assert outcome.kind == kind
        touched = [n + 1 for n, pages in enumerate(parts) if set(outcome.written) & set(pages)]
        assert preview.settle() is not None
        runs = sorted(int(m) for m in re.findall(r"--site \S*/part-(\d+) ", log.read_text()))
        assert runs == touched and 0 < len(runs) < len(parts)
        assert_same_as_full_build(preview, tmp_path)
        made_again.append(runs)
    # Part 1's files lie around the other parts' folders: both ways are covered.
    assert [1 in runs for runs in made_again] == [False, True]


def indexed(output: Path) -> list[str]:
    """The URL of every page in the search index, every part's, from its fragments (a
    fragment is Pagefind's gzipped 'pagefind_dcd' signature and the page's JSON); each
    part's entry file counts the same pages, so none is a fragment left behind."""
    found = []
    for fragment in output.glob("pagefind/**/fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        found.append(json.loads(data[data.index(b"{") :])["url"])
    entries = output.glob("pagefind/**/pagefind-entry.json")
    counts = [json.loads(entry.read_text())["languages"]["en"]["page_count"] for entry in entries]
    assert sum(counts) == len(found)
    return sorted(found)


def test_an_edit_waiting_when_the_index_is_swapped_in_does_not_wait_for_the_old_to_go(
    site: Path, preview: Preview
) -> None:
    """At 10,000 events the replaced index is tens of thousands of files: an edit made
    as it was being removed waited for all of them (598 ms). Now the removal stops for
    the edit, and the next settle (or the session's end) finishes it."""
    output = preview.site.output_dir
    stale = output / "pagefind" / "stale"
    stale.mkdir()
    for n in range(3 * write.REMOVALS_BETWEEN_LOOKS):
        (stale / f"{n}.pf_fragment").write_bytes(b"x")
    _rename_bianca(site, preview)
    swapped = [False]

    def edit_waiting_once_swapped() -> bool:
        swapped[0] = swapped[0] or not stale.exists()
        return swapped[0]

    assert preview.settle(interrupted=edit_waiting_once_swapped) is not None
    assert swapped[0] and not preview.unsettled
    assert _indexed_text(output, "Bianca D.")  # the new index is the live one
    (left,) = output.parent.glob(".*indexing*")
    assert 0 < sum(1 for _ in left.rglob("*.pf_fragment")) < 3 * write.REMOVALS_BETWEEN_LOOKS
    edit(site / C / "people/bianca-dragomir.yaml", "Bianca D.", "Bianca Dr.")
    assert preview.update([site / C / "people/bianca-dragomir.yaml"]).kind == "incremental"
    assert preview.settle() is not None
    assert list(output.parent.glob(".*indexing*")) == []
    assert _indexed_text(output, "Bianca Dr.") and not stale.exists()


def _indexed_text(output: Path, text: str) -> bool:
    """Whether a page of the live search index holds ``text``."""
    return any(
        text.encode() in gzip.decompress(fragment.read_bytes())
        for fragment in output.glob("pagefind/**/fragment/*.pf_fragment")
    )


def test_the_session_end_removes_what_an_interrupted_settle_left(
    site: Path, preview: Preview
) -> None:
    output = preview.site.output_dir
    left = write.scratch_folder(output.resolve(), "indexing")
    (left / "pagefind" / "fragment").mkdir(parents=True)
    (left / "pagefind" / "fragment" / "a.pf_fragment").write_bytes(b"x")
    preview.tidy()
    assert list(output.parent.glob(".*indexing*")) == []


@pytest.mark.parametrize("per_part", [0, 4], ids=["one index", "in parts"])
def test_a_removed_record_leaves_the_search_index_with_its_page(site: Path, per_part: int) -> None:
    """A removal is a full rebuild, whose index is made from its staging folder and
    published with its pages in one rename: as soon as the update returns (no settle
    needed) the index offers no page that is gone. In parts too: one record less deals
    every page out again, so no part of the last index could be kept."""
    if per_part:
        with (site / "site.yaml").open("a", encoding="utf-8") as config:
            config.write(f"search_index_pages: {per_part}\n")
    preview = Preview(site)
    assert preview.build_all().kind == "full"
    output = preview.site.output_dir
    assert "/calls/no-deadline/" in indexed(output)
    if per_part:
        assert len(list(output.glob("pagefind/**/pagefind-entry.json"))) > 2
    outcome = preview.update([_remove(site / C / "calls/no-deadline.yaml")])
    assert outcome.kind == "full" and not preview.unsettled
    assert preview.state is not None
    assert indexed(output) == sorted(urls.url_of(record) for record in preview.state.registry)
    assert "/calls/no-deadline/" not in indexed(output)
    assert not (output / "calls" / "no-deadline").exists()


def test_a_failed_search_index_is_reported_once_and_the_last_one_stays(
    site: Path, preview: Preview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = preview.site.output_dir
    index = files(output / "pagefind")
    assert "pagefind/pagefind.js" in {f"pagefind/{name}" for name in index}
    _rename_bianca(site, preview)
    fake = fake_pagefind(tmp_path, 'echo "no space left" >&2; exit 3')
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    with pytest.raises(SearchIndexError, match="no space left"):
        preview.settle()
    assert not preview.unsettled
    assert files(output / "pagefind") == index
    assert list(output.parent.glob(".*indexing*")) == []
    page = output / "people" / "bianca-dragomir" / "index.html"
    assert "Bianca D." in page.read_text(encoding="utf-8")


def test_classify_sorts_paths_by_what_they_mean(site: Path) -> None:
    config = load_site_config(site)
    changes = classify(
        config,
        [
            site / C / "people/x.yaml",
            site / C / "people/.x.yaml.swp",
            site / C / "people/x.yaml~",
            site / "templates/person.html",
            builtin_dir("templates") / "base.html",
            site / "static/note.txt",
            site / "static/note.txt~",
            site / "static/#note.txt#",
            site / "templates/#person.html#",
            site / "_site/index.html",
            site / "README.md",
        ],
    )
    assert changes.content == {(site / C / "people/x.yaml").resolve()}
    assert changes.templates == {"person.html", "base.html"}
    assert changes.static == {(site / "static/note.txt").resolve()}
    assert changes.full is None
    assert classify(config, [site / "site.yaml"]).full == "site.yaml changed"


def test_referenced_templates_follow_extends_imports_and_includes(preview: Preview) -> None:
    assert preview.state is not None
    closure = referenced_templates(preview.state.renderer.env, "person.html")
    assert closure is not None
    assert {"person.html", "base.html", "_macros.html", "_site_header.html"} <= closure
    assert "event.html" not in closure


def test_every_field_mask_fits_the_notes() -> None:
    """The preview keeps field masks in 64-bit arrays."""
    assert all(len(model.model_fields) < 63 for model in TYPES_BY_FOLDER.values())


def test_a_template_failing_half_way_through_an_update_keeps_the_last_good_pages(
    site: Path, preview: Preview, tmp_path: Path
) -> None:
    """The edited template renders the first people's pages and fails on the last one:
    the update reports the template's file and line, the failing page keeps what the
    last good build wrote, and fixing the template brings back what a clean build writes."""
    output = preview.site.output_dir
    last = output / "people" / "ulla-engelmann" / "index.html"
    before = last.read_bytes()
    template = site / "templates" / "person.html"
    good = template.read_text(encoding="utf-8")
    edit(
        template,
        "<h1>",
        '{% if record.id == "ulla-engelmann" %}{{ no_such_value.attribute }}{% endif %}<h1>',
    )
    outcome = preview.update([template])
    assert outcome.kind == "error" and outcome.error is not None
    [problem] = outcome.error.problems
    assert problem.path == "templates/person.html" and problem.line is not None
    assert "no_such_value" in problem.message
    assert last.read_bytes() == before  # never replaced by a page that failed
    assert preview.error is outcome.error  # what the server shows over every page
    template.write_text(good, encoding="utf-8")
    assert preview.update([template]).kind == "full"  # half-applied: rebuilt whole
    build(load_site_config(site, output=str(tmp_path / "clean")))
    for page in ("people/ulla-engelmann/index.html", "people/anais-le-corvec/index.html"):
        assert (output / page).read_bytes() == (tmp_path / "clean" / page).read_bytes()
