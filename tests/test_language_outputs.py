"""The files made per language in the language's own words (#29): the French feeds,
calendars and pages' JSON-LD say what they assemble in French, with French dates and
the records as translated, and none of the English interface; whatever a record says,
each format still parses back as the text it was given (Hypothesis); in a browser, the
French search finds French pages only, the English search none of them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterreports import build, load_site_config
from clusterreports.content.models import RECORD_TYPES, NewsItem
from clusterreports.content.moment import Moment
from clusterreports.escape import script_json, xml_text
from clusterreports.outputs import calendars, feeds
from clusterreports.pipeline import Checked, check
from clusterreports.site import urls
from clusterreports.site.i18n import Interface, interface
from clusterreports.site.render import Renderer
from clusterreports.site.structured import Graph
from clusterreports.site.views import SiteView

from .conftest import copy_site, tools
from .test_escape import ScriptReader, ical_expected, tricky
from .test_i18n import english_fragments, pseudo_interface
from .test_incremental import edit
from .test_languages import multilingual
from .test_search import results

ATOM = "{http://www.w3.org/2005/Atom}"
NB = "\u00a0"  # French puts one before a colon
TRANSLATIONS = {
    "events/talk-2022.fr.yaml": "title: Résultats et visions pour l'avenir des clusters\n",
    "events/ecc-2016.fr.yaml": "title: Conférence européenne des clusters 2016\n",
    "sessions/talk-2022-introduction.fr.yaml": "title: Présentation du thème du jour\n",
    "calls/soon-call.fr.yaml": "title: Préparation renforcée\n",
    "awards/cluster-manager-of-the-year-2016.fr.yaml": (
        "title: Gestionnaire de cluster de l'année 2016\n"
    ),
}


def prepared(root: Path) -> Path:
    """The fixture in English, French and German, with a news item, a session whose
    time is known (so that it has a calendar entry) and some records translated into
    French."""
    multilingual(root)
    content = root / "content"
    edit(
        content / "events/ecc-2016.yaml",
        "sources:",
        "news:\n  - {text: The winners were announced., date: 2016-12-05}\nsources:",
    )
    edit(
        content / "sessions/talk-2022-introduction.yaml",
        "order: 1\n",
        'order: 1\nstart: "2022-10-05 08:30"\nend: "2022-10-05 08:45"\n',
    )
    for name, text in TRANSLATIONS.items():
        (content / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = prepared(copy_site("valid", tmp_path_factory.mktemp("outwords")))
    build(load_site_config(root))
    return root


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Checked]:
    root = prepared(copy_site("valid", tmp_path_factory.mktemp("outwords-checked")))
    config = load_site_config(root)
    return config, check(config)


def atom(path: Path) -> ElementTree.Element:
    return ElementTree.parse(path).getroot()


def entries(feed: ElementTree.Element) -> dict[str, ElementTree.Element]:
    """The feed's entries by the link they lead to."""
    found = {}
    for entry in feed.iter(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        assert link is not None
        found[str(link.get("href"))] = entry
    return found


def text_of(entry: ElementTree.Element, name: str) -> str:
    return entry.findtext(f"{ATOM}{name}") or ""


def category(entry: ElementTree.Element) -> str:
    found = entry.find(f"{ATOM}category")
    assert found is not None
    return str(found.get("term"))


def calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def events_by_uid(parsed: icalendar.Calendar) -> dict[str, Any]:
    return {str(e["uid"]).split("@")[0]: e for e in parsed.walk("VEVENT")}


def json_ld(page: Path) -> dict[str, Any]:
    reader = ScriptReader()
    reader.feed(page.read_text(encoding="utf-8"))
    found = [json.loads(s) for s in reader.scripts if s.lstrip().startswith('{"@context"')]
    assert len(found) == 1, page
    node: dict[str, Any] = found[0]
    return node


# --- the built site, in French ----------------------------------------------------------


def test_the_french_feeds_are_in_french(site: Path) -> None:
    output = site / "_site"
    events = atom(output / "fr/feeds/events.xml")
    assert events.findtext(f"{ATOM}title") == f"Fixture Reports{NB}: événements et actualités"
    subtitle = "Les événements et les actualités qui en sont rapportées."
    assert events.findtext(f"{ATOM}subtitle") == subtitle
    found = entries(events)
    talk = found["/fr/events/talk-2022/"]
    assert text_of(talk, "title") == "Résultats et visions pour l'avenir des clusters"
    assert text_of(talk, "summary").startswith(
        f"Résultats et visions pour l'avenir des clusters{NB}: Conférence en ligne, "
        "5 octobre 2022, 08:30"
    )
    assert category(talk) == "Événement"
    news = found["/fr/events/ecc-2016/#news"]
    assert text_of(news, "summary") == (
        "Actualités de l’événement Conférence européenne des clusters 2016"
    )
    assert category(news) == "Actualités"
    assert text_of(news, "title") == "The winners were announced."  # not translated: as said

    calls = atom(output / "fr/feeds/calls.xml")
    assert calls.findtext(f"{ATOM}title") == f"Fixture Reports{NB}: appels à financement"
    soon = entries(calls)["/fr/calls/soon-call/"]
    assert text_of(soon, "title") == "Préparation renforcée"
    assert text_of(soon, "summary") == (
        f"Appel à financement{NB}: Préparation renforcée (date limite{NB}: 23 novembre 2022)"
    )
    # and in English, as before
    english = entries(atom(output / "feeds/calls.xml"))["/calls/soon-call/"]
    assert text_of(english, "summary") == (
        "Funding call: Enhanced preparedness (deadline 23 November 2022)"
    )


def test_the_french_calendars_are_in_french(site: Path) -> None:
    output = site / "_site"
    events = calendar(output / "fr/calendars/events.ics")
    assert str(events["x-wr-calname"]) == f"Fixture Reports{NB}: événements"
    assert str(events["prodid"]) == "-//clusterreports//Fixture Reports//FR"
    own = calendar(output / "fr/calendars/events/talk-2022.ics")
    found = events_by_uid(own)
    talk = found["event-talk-2022"]
    assert str(talk["summary"]) == "Résultats et visions pour l'avenir des clusters"
    assert "5 octobre 2022" in str(talk["description"])
    assert str(talk["description"]).endswith("\n/fr/events/talk-2022/")
    assert [str(c) for c in talk["categories"].cats] == ["Conférence en ligne"]
    session = found["session-talk-2022-introduction"]
    assert str(session["summary"]) == (
        "Présentation du thème du jour (Résultats et visions pour l'avenir des clusters)"
    )
    deadlines = calendar(output / "fr/calendars/deadlines.ics")
    assert str(deadlines["name"]) == (
        f"Fixture Reports{NB}: dates limites des appels à financement"
    )
    soon = events_by_uid(deadlines)["call-soon-call"]
    assert str(soon["summary"]) == f"Date limite{NB}: Préparation renforcée"
    assert [str(c) for c in soon["categories"].cats] == ["Date limite d’appel à financement"]
    assert "23 novembre 2022" in str(soon["description"])


def test_the_french_pages_json_ld_is_in_french(site: Path) -> None:
    output = site / "_site"
    organisation = json_ld(output / "fr/organisations/avaesen/index.html")
    assert organisation["award"] == ["Gestionnaire de cluster de l'année 2016 (lauréat)"]
    award = json_ld(output / "fr/awards/cluster-manager-of-the-year-2016/index.html")
    assert award["genre"] == "Prix"
    assert award["description"] == (
        f"Gestionnaire de cluster de l'année 2016{NB}: remporté par Bianca Dragomir"
    )
    poll = json_ld(output / "fr/polls/biggest-challenge/index.html")
    shares = [answer["description"] for answer in poll["suggestedAnswer"]]
    assert shares == [f"44{NB}% des répondants", f"20{NB}% des répondants"]
    call = json_ld(output / "fr/calls/soon-call/index.html")
    assert call["description"] == (
        f"Appel à financement{NB}: Préparation renforcée (date limite{NB}: 23 novembre 2022)"
    )
    event = json_ld(output / "fr/events/ecc-2016/index.html")
    assert event["description"] == (
        f"Conférence européenne des clusters 2016{NB}: Conférence, 1–2 décembre 2016, Brussels"
    )
    english = json_ld(output / "polls/biggest-challenge/index.html")
    assert english["suggestedAnswer"][0]["description"] == "44% of respondents"


# --- no English interface left ------------------------------------------------------------


def output_words(config: Any, checked: Checked, words: Interface, language: str) -> str:
    """Every text the feeds, the calendars and the records' JSON-LD of ``language``
    hold, worded with ``words``: each file parsed back first, as its readers do."""
    renderer = Renderer(config, checked.registry, words)
    view = renderer.view_in(language)
    context = SimpleNamespace(view=view)  # all the makers ask of their BuildContext
    texts: list[str] = []
    for _, data in feeds.files(context):  # type: ignore[arg-type]
        texts += [t for t in ElementTree.fromstring(data).itertext() if t.strip()]
    for _, data in calendars.files(context):  # type: ignore[arg-type]
        for component in icalendar.Calendar.from_ical(data).walk():
            for name in ("name", "x-wr-calname", "summary", "description", "location"):
                if name in component:
                    texts.append(str(component[name]))
            if "categories" in component:
                texts += [str(c) for c in component["categories"].cats]
    graph = Graph(view)
    for record_type in RECORD_TYPES:
        for record in view.all(record_type.type_name):
            texts += strings(json.loads(str(script_json(graph.node(record)))))
    return "\n".join(texts)


def strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings(value)]
    return []


def occurrences(fragment: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(fragment)}(?!\w)", text))


@pytest.mark.parametrize("code", ["fr", "de"])
def test_no_english_interface_words_in_the_outputs(code: str, checked: tuple[Any, Checked]) -> None:
    """As on the pages (test_i18n): an English message's words may show only as often
    as the content itself says them (counted with every message reduced to its
    placeholders)."""
    config, found = checked
    worded = output_words(config, found, interface(code), code)
    baseline = output_words(config, found, pseudo_interface(), code)
    english = output_words(config, found, interface("en"), code)
    fragments = english_fragments(code)
    left = [f for f in fragments if occurrences(f, worded) > occurrences(f, baseline)]
    assert left == []
    # the check can fail: the English interface leaves its words in these outputs
    shown = [f for f in fragments if occurrences(f, english) > occurrences(f, baseline)]
    assert {"events and news", "Funding call deadline", "of respondents"} <= set(shown)


# --- any record text, in each format ---------------------------------------------------------


def french_view(config: Any, checked: Checked, site_title: str) -> SiteView:
    """A fresh French ``site`` (so the records given to ``view`` first stand in for the
    registry's), for a site called ``site_title``."""
    renderer = Renderer(config, checked.registry)
    return SiteView(
        renderer.registry_in("fr"),
        config.config.model_copy(update={"title": site_title}),
        config.today(),
        renderer.trees["fr"],
        interface("fr"),
    )


def hostile_records(view: SiteView, text: str) -> None:
    """The records the outputs assemble sentences around, holding ``text``."""
    registry = view.registry
    event = registry.find("event", "ecc-2016")
    news = [NewsItem.model_construct(text=text, date=Moment(2016, 12, 5), link=None)]
    view.view(event.model_copy(update={"title": text, "news": news}))  # type: ignore[union-attr]
    for type_name, record_id in (
        ("event", "talk-2022"),
        ("call", "soon-call"),
        ("award", "cluster-manager-of-the-year-2016"),
        ("session", "talk-2022-introduction"),
    ):
        record = registry.find(type_name, record_id)
        assert record is not None
        view.view(record.model_copy(update={"title": text}))


# A record's title always says something (feedgen refuses an entry without a title).
hostile = (st.text(st.sampled_from(list("\"'<>&;,:\\\n\r%()s"))) | tricky).filter(
    lambda text: xml_text(text).strip()
)


def unescaped(value: Any) -> str:
    """A calendar's NAME as its readers take it (RFC 5545 3.3.11): icalendar parses
    the properties it does not know as TEXT (NAME, X-WR-CALNAME) without undoing their
    escapes."""
    return re.sub(r"\\([\\;,nN])", lambda m: m[1] if m[1] in "\\;," else "\n", str(value))


@settings(max_examples=40)
@given(text=hostile)
def test_translated_messages_around_any_record_text_stay_well_formed(
    checked: tuple[Any, Checked], text: str
) -> None:
    config, found = checked
    view = french_view(config, found, text)
    hostile_records(view, text)
    context = SimpleNamespace(view=view)

    made = dict(feeds.files(context))  # type: ignore[arg-type]
    xml = xml_text(text)
    events = ElementTree.fromstring(made[urls.EVENTS_FEED_URL])  # well formed, or raises
    assert events.findtext(f"{ATOM}title") == f"{xml}{NB}: événements et actualités"
    by_link = entries(events)
    assert text_of(by_link["/fr/events/ecc-2016/#news"], "title") == xml
    news = text_of(by_link["/fr/events/ecc-2016/#news"], "summary")
    assert news == f"Actualités de l’événement {xml}"
    assert text_of(by_link["/fr/events/talk-2022/"], "summary").startswith(
        f"{xml}{NB}: Conférence en ligne, 5 octobre 2022"
    )
    call = entries(ElementTree.fromstring(made[urls.CALLS_FEED_URL]))["/fr/calls/soon-call/"]
    assert text_of(call, "summary") == (
        f"Appel à financement{NB}: {xml} (date limite{NB}: 23 novembre 2022)"
    )

    made = dict(calendars.files(context))  # type: ignore[arg-type]
    ical = ical_expected(text)
    for data in made.values():
        assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded, RFC 5545
    talk = icalendar.Calendar.from_ical(made[urls.calendar_url("event", "talk-2022")])
    assert unescaped(talk["x-wr-calname"]) == ical
    components = events_by_uid(talk)
    assert set(components) == {"event-talk-2022", "session-talk-2022-introduction"}
    assert str(components["session-talk-2022-introduction"]["summary"]) == f"{ical} ({ical})"
    assert str(components["event-talk-2022"]["description"]) == (
        f"{ical}{NB}: Conférence en ligne, 5 octobre 2022, 08:30\u2009–\u200909:30 "
        "UTC+02:00, en ligne\n/fr/events/talk-2022/"
    )
    deadlines = icalendar.Calendar.from_ical(made[urls.DEADLINES_CALENDAR_URL])
    assert unescaped(deadlines["name"]) == f"{ical}{NB}: dates limites des appels à financement"
    soon = events_by_uid(deadlines)["call-soon-call"]
    assert str(soon["summary"]) == f"Date limite{NB}: {ical}"

    graph = Graph(view)
    nodes = {}
    for type_name, record_id in (
        ("organisation", "avaesen"),
        ("award", "cluster-manager-of-the-year-2016"),
        ("call", "soon-call"),
    ):
        node = nodes[type_name] = graph.node(view.find(type_name, record_id))
        reader = ScriptReader()
        reader.feed(f'<script type="application/ld+json">{script_json(node)}</script><p>')
        assert [json.loads(s) for s in reader.scripts] == [node]  # one script, all of it
    assert nodes["organisation"]["award"] == [f"{text} (lauréat)"]
    assert nodes["award"]["description"] == f"{text}{NB}: remporté par Bianca Dragomir"
    assert nodes["call"]["description"] == (
        f"Appel à financement{NB}: {text} (date limite{NB}: 23 novembre 2022)"
    )


# --- search, in a browser ------------------------------------------------------------------


@pytest.mark.browser
def test_the_french_search_finds_french_pages_and_the_english_none(
    browser: Any, site: Path
) -> None:
    with tools.served(site / "_site") as origin:
        page = browser.new_page()
        french = results(page, origin, "visions avenir", search="/fr/search/")
        assert ("Événement", "/fr/events/talk-2022/") in french, french
        assert all(href.startswith("/fr/") for _, href in french), french
        found = results(page, origin, "préparation renforcée", search="/fr/search/")
        assert found[0] == ("Appel à financement", "/fr/calls/soon-call/"), found
        english = results(page, origin, "visions")
        assert ("Event", "/events/talk-2022/") in english, english
        assert not [href for _, href in english if href.startswith(("/fr/", "/de/"))]
        assert results(page, origin, "renforcée") == []  # a French word: no English page
        page.close()
