"""Shared by the discovery tests (search, calendars, feeds, structured data, open data):
the fixture site with a few more records that exercise edge cases, the shared local HTTP
server and a JSON-LD reader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from clusterreports import build, load_site_config

from .conftest import copy_site, tools

BASE_URL = "https://example.org/reports/"
SCRIPT_TITLE = 'Brussels </script><script>alert("x")</script> & <!-- day'

# Records added to the valid fixture: a month-only event, a timed session, a timed
# deadline in another zone, a month-only deadline, an on-site event with news and a
# title that tries to close a <script>.
EXTRA_RECORDS = {
    "events/month-only.yaml": "title: Cluster missions\nkind: mission\nstart: 2017-03\n"
    "sources: [source-report]\n",
    "events/news-event.yaml": f"title: '{SCRIPT_TITLE}'\nkind: info-day\nstart: 2022-11-02\n"
    "place: {venue: Square, city: Brussels, country: Belgium}\n"
    "news:\n  - {text: Call published, date: 2022-11-03, link: 'https://example.org/call'}\n"
    "sources: [source-report]\n",
    "sessions/talk-2022-panel.yaml": "event: talk-2022\ntitle: Panel debate\nkind: panel\n"
    "start: '2022-10-05 08:45'\nend: '2022-10-05 09:15'\n"
    "participants:\n  - {person: bianca-dragomir, role: panellist}\nsources: [source-report]\n",
    "calls/timed-call.yaml": "title: Timed call\nfunder: european-commission\n"
    "opens: 2022-10-05\ndeadline: '2023-01-24 17:00'\ntimezone: Europe/Brussels\n"
    "sources: [source-report]\n",
    "calls/month-call.yaml": "title: Month call\ndeadline: 2017-03\nsources: [source-report]\n",
}


def extended_site(target: Path, base_url: str = BASE_URL) -> Path:
    """Build the valid fixture plus EXTRA_RECORDS; returns the output folder."""
    root = copy_site("valid", target)
    for name, text in EXTRA_RECORDS.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    build(load_site_config(root, base_url=base_url))
    return root / "_site"


serve = tools.served  # serve(folder) -> origin on 127.0.0.1 at a free port, from a thread


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html: str) -> list[dict[str, Any]]:
    return [json.loads(block) for block in JSON_LD.findall(html)]


def page(output: Path, url: str) -> str:
    """The HTML of a site-relative URL such as '/people/x/'."""
    return (output / url.strip("/") / "index.html").read_text(encoding="utf-8")


# Records whose texts hold what calendars, feeds and CSV give meaning to: a property
# after a separator or a line break, XML markup, cells that start a formula.
HOSTILE_TEXT_RECORDS = {
    # What content may hold (validation refuses control characters and line breaks in
    # one-line fields) but each format must still escape: iCalendar's ; , \ and a
    # property-looking text, XML's & < ]]>, and a line break in prose.
    "events/hostile-text.yaml": 'title: "Day one;b,c\\\\X-INJECTED:1 & <b>]]>"\nkind: info-day\n'
    'start: 2022-11-02\nplace: {city: "Brussels;X-PLACE:1"}\n'
    'news:\n  - {text: "News\\nEND:VEVENT item", date: 2022-11-03}\nsources: [source-report]\n',
    "calls/hostile-call.yaml": 'title: "Deadline;END:VEVENT"\ndeadline: 2023-01-24\n',
    "people/formula-person.yaml": 'name: \'=HYPERLINK("https://evil.example","x")\'\n'
    "honorific: '+1'\n",
    "organisations/formula-organisation.yaml": "name: '@SUM(1+1)'\nacronym: '-2'\n",
}


def hostile_text_site(target: Path) -> Path:
    """Build the valid fixture plus HOSTILE_TEXT_RECORDS; returns the site's folder."""
    root = copy_site("valid", target)
    for name, text in HOSTILE_TEXT_RECORDS.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    build(load_site_config(root, base_url=BASE_URL))
    return root
