"""Each output format's escaping function, for any text (Hypothesis): what it writes
parses back as the one value it was given, and never as markup, a property, a closing
tag or a formula."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import icalendar
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from clusterreports.escape import FORMULA_STARTS, csv_cell, ical_text, script_json, xml_text
from clusterreports.outputs.opendata import _csv

ATOM = "{http://www.w3.org/2005/Atom}"
# Text that leans towards what each format gives meaning to, beside any text at all.
tricky = st.text(
    st.sampled_from(list("\r\n\t\x00\x0b\x7f\ufffe;,:\\\"'<>&=+-@/! aX\u2028\u2029"))
    | st.characters(exclude_categories=["Cs"]),  # UTF-8 content holds no lone surrogate
)
json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky, inner, max_size=4),
    max_leaves=12,
)


# --- iCalendar ----------------------------------------------------------------------------


def ical_expected(text: str) -> str:
    """What a calendar reader gets back: line breaks as '\\n', no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or not (ord(c) < 0x20 or ord(c) == 0x7F))


@given(tricky)
def test_ical_text_stays_one_property_and_round_trips(text: str) -> None:
    calendar = icalendar.Calendar()
    calendar.add("prodid", ical_text(f"-//clusterreports//{text}//EN"))
    calendar.add("version", "2.0")
    calendar.add("name", ical_text(text))
    calendar.add("x-wr-calname", ical_text(text))
    event = icalendar.Event()
    event.add("uid", "event-x@example.org")
    event.add("summary", ical_text(text))
    event.add("description", ical_text(f"{text}\nhttps://example.org/"))
    event.add("location", ical_text(text))
    calendar.add_component(event)
    data = calendar.to_ical()

    lines = re.sub(rb"\r\n[ \t]", b"", data).split(b"\r\n")  # unfolded content lines
    names = [line.split(b":", 1)[0].split(b";", 1)[0] for line in lines if line]
    assert sorted(names) == [  # in icalendar's own order; the same names, no others
        b"BEGIN",
        b"BEGIN",
        b"DESCRIPTION",
        b"END",
        b"END",
        b"LOCATION",
        b"NAME",
        b"PRODID",
        b"SUMMARY",
        b"UID",
        b"VERSION",
        b"X-WR-CALNAME",
    ]
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded (RFC 5545 3.1)
    parsed = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(parsed["summary"]) == ical_expected(text)
    assert str(parsed["location"]) == ical_expected(text)
    assert str(parsed["description"]) == ical_expected(f"{text}\nhttps://example.org/")


def test_ical_text_keeps_a_line_break_inside_a_calendar_name() -> None:
    """NAME is no TEXT property to icalendar: a plain str with a line break would fail
    its assertion, or be written raw under python -O."""
    calendar = icalendar.Calendar()
    calendar.add("name", ical_text("Day one\r\nX-INJECTED:1"))
    assert calendar.to_ical() == (
        b"BEGIN:VCALENDAR\r\nNAME:Day one\\nX-INJECTED:1\r\nEND:VCALENDAR\r\n"
    )


# --- Atom and XML ---------------------------------------------------------------------------


@given(tricky)
def test_xml_text_makes_an_atom_feed_that_parses(text: str) -> None:
    feed = FeedGenerator()
    feed.id("urn:uuid:00000000-0000-0000-0000-000000000000")
    feed.title(xml_text(f"Feed {text}"))
    feed.link(href="https://example.org/", rel="alternate")
    entry = feed.add_entry()
    entry.id("urn:uuid:00000000-0000-0000-0000-000000000001")
    entry.title(xml_text(f"Entry {text}"))
    entry.summary(xml_text(text))
    entry.content(xml_text(f"<p>{text}</p>"), type="html")
    entry.category(term=xml_text(f"Category {text}"))
    root = ElementTree.fromstring(feed.atom_str())
    title = root.find(f"{ATOM}entry/{ATOM}title")
    assert title is not None
    assert title.text == "Entry " + xml_text(text)  # lxml writes '\r' as '&#13;', kept


def test_xml_text_removes_what_xml_forbids() -> None:
    assert xml_text("a\x00b\x08c\x0bd\x1fe\ufffef\ufffff\tg\nh\ri\U0001f600") == (
        "abcdeff\tg\nh\ri\U0001f600"
    )


# --- JSON-LD in a <script> ---------------------------------------------------------------


class ScriptReader(HTMLParser):
    """What an HTML parser takes as each script element's text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


@given(json_data)
def test_script_json_cannot_leave_its_script_element(data: Any) -> None:
    body = str(script_json(data))
    html = f'<script type="application/ld+json">{body}</script><p>after</p>'
    assert "</" not in body and "<!--" not in body and "]]>" not in body
    reader = ScriptReader()
    reader.feed(html)
    reader.close()
    assert reader.scripts == [body]
    assert json.loads(reader.scripts[0]) == data


# --- CSV ----------------------------------------------------------------------------------------


@given(st.lists(st.lists(tricky, min_size=1, max_size=4), min_size=1, max_size=6))
def test_csv_cells_never_start_a_formula(rows: list[list[str]]) -> None:
    text = b"".join(_csv(iter(rows))).decode("utf-8")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert len(read) == len(rows)
    for written, cells in zip(rows, read, strict=True):
        for original, cell in zip(written, cells, strict=True):
            assert not cell.startswith(FORMULA_STARTS)
            assert cell == (f"'{original}" if original.startswith(FORMULA_STARTS) else original)


def test_csv_quotes_every_field_and_neutralises_formulas() -> None:
    rows = [["name", "website"], ['=HYPERLINK("https://evil.example","x")', "-1+1"]]
    assert b"".join(_csv(iter(rows))) == (
        b'"name","website"\r\n"\'=HYPERLINK(""https://evil.example"",""x"")","\'-1+1"\r\n'
    )
    assert [csv_cell(c) for c in ("@SUM(A1)", "+1", "\tx", "\rx", "plain", "")] == [
        "'@SUM(A1)",
        "'+1",
        "'\tx",
        "'\rx",
        "plain",
        "",
    ]
