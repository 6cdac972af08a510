"""A deterministic synthetic corpus of conference reports, written three ways.

``generate(root, n)`` writes the same N events as

* ``root/ours``: a clusterreports site (one YAML/Markdown file per record);
* ``root/hugo``: a Hugo site (events and sessions as content, people and
  organisations as taxonomies with a term page each);
* ``root/pelican``: a Pelican site (an article per event, people as authors,
  organisations as tags, sessions, awards, calls and polls as pages).

All three write a page per event, session, person and organisation, so they build
a comparable number of pages.

Shape, per N events: ~8 sessions each with 1-4 participants drawn from ~3N people
(half Zipf-distributed, so a few people speak at hundreds of events, half uniform),
each person with 1-3 dated roles at ~N/2 organisations, ~300 words of Markdown prose
per event, N/20 awards, N/10 funding calls and N/10 polls. Same seed, same bytes.

Run ``python bench/corpus.py OUT --events 1000`` to write one by hand.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import inspect
import io
import itertools
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIRST = (  # noqa: SIM905
    "Anna Ben Clara David Elena Felix Greta Hugo Ines Jonas Karin Lars Maria Nils Olga Paul "
    "Rita Sven Tanja Ugo Vera Walter Xenia Yannick Zofia Adam Beata Carlos Dora Emil Fatima "
    "Georg Hanna Igor Julia Klaus Lena Marek Nora Oskar Petra Quentin Rosa Stefan Tereza "
    "Ulla Viktor Wanda Yusuf Zoltan Agnes Bruno Celine Dario Eva Filip Gina Henrik Irene "
    "Jan Kasia Luca Mira Nico Orla Pia Rafael Sara Tomas Una Vito Wiebke Aino Bernd Chiara "
    "Dmitri Edith Frida Gustav Helga Ivo Jette Kurt Linnea Milan Nadia Otto Paula Rune "
    "Silvia Timo Ursula"
).split()
LAST = (  # noqa: SIM905
    "Andersen Berger Costa Dvorak Eriksson Fischer Garcia Horvath Ivanova Jansen Kowalski "
    "Lindqvist Moreau Novak Olsen Petrov Quist Rossi Schmidt Tanaka Urban Varga Weber Xu "
    "Young Zeman Almeida Bauer Caruso Dimitrov Engel Ferreira Gruber Havel Ilves Jovanovic "
    "Keller Lehmann Marino Nielsen Ortega Pavlov Rinaldi Santos Toth Ulrich Vidal Wagner "
    "Yilmaz Zielinski Arnaud Brandt Conti Duarte Eklund Falk Greco Hansen Ionescu Juhasz "
    "Kovac Laine Meyer Nowak Orsini Popescu Ricci Sorensen Teixeira Virtanen Wolf Zanetti "
    "Aalto Blom Cerny"
).split()
# Endings that make further surnames of LAST at large N (Santosberg, Weberson), one
# word each, in ASCII letters so that folding a name changes only its case.
ENDINGS = ("berg", "son", "ini", "escu", "holm", "ek", "ova", "stad")
WORDS = (  # noqa: SIM905
    "cluster innovation policy region industry partnership smart specialisation network "
    "digital green transition resilience supply chain skills talent programme funding call "
    "manager excellence internationalisation platform collaboration ecosystem strategy "
    "investment growth small medium enterprise research university cooperation value market "
    "export alliance sustainability circular economy energy mobility health food textile "
    "aerospace automotive tourism creative sector data artificial intelligence workshop "
    "roadmap member project pilot challenge opportunity impact measure results"
).split()
CITIES = (  # noqa: SIM905
    "Brussels Berlin Vienna Lisbon Tallinn Milan Lyon Krakow Porto Ghent Aarhus Bilbao"
).split()
EVENT_KINDS = ["conference", "online-talk", "webinar", "matchmaking", "workshop", "info-day"]
SESSION_KINDS = ["opening", "plenary", "keynote", "panel", "roundtable", "parallel", "closing"]
ROLES = ["speaker", "moderator", "panellist", "keynote-speaker", "presenter"]
ORG_KINDS = ["cluster-organisation", "company", "university", "agency", "network", "project"]
TITLES = ["Cluster Manager", "Director", "Policy Officer", "Head of Unit", "Project Lead", "CEO"]
AWARD_NAMES = ["Cluster Manager of the Year", "Cluster Excellence Award", "Green Cluster Prize"]

# One record of the corpus, as plain data (written out as YAML, TOML or Markdown).
Fields = dict[str, Any]


@dataclass
class Corpus:
    """Counts of what was generated, for checks and the benchmark table."""

    events: int = 0
    sessions: int = 0
    people: int = 0
    organisations: int = 0
    awards: int = 0
    calls: int = 0
    polls: int = 0
    participants: int = 0
    most_appearances: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def records(self) -> int:
        return (
            self.events
            + self.sessions
            + self.people
            + self.organisations
            + self.awards
            + self.calls
            + self.polls
        )


class _Zipf:
    """Draws ranks 0..n-1 with probability proportional to 1/(rank+1)."""

    def __init__(self, n: int) -> None:
        self.cumulative = list(itertools.accumulate(1 / (k + 1) for k in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _prose(rng: random.Random, event_id: str) -> str:
    """About 300 words: three paragraphs, a list, a link and bold text."""
    paragraphs = []
    for _ in range(3):
        sentences = [_words(rng, rng.randint(8, 14)).capitalize() + "." for _ in range(7)]
        paragraphs.append(" ".join(sentences))
    paragraphs[0] = paragraphs[0].replace(". ", f". **{_words(rng, 2)}** ", 1)
    paragraphs[1] += f" See [the {_words(rng, 2)} page](https://example.org/{event_id})."
    items = "\n".join(f"- {_words(rng, 6)}" for _ in range(4))
    return f"{paragraphs[0]}\n\n{items}\n\n{paragraphs[1]}\n\n{paragraphs[2]}\n"


def _award_names(count: int) -> list[str]:
    """``AWARD_NAMES`` first, then the same names given by further networks."""
    return [
        AWARD_NAMES[i % len(AWARD_NAMES)]
        + (f" (network {i // len(AWARD_NAMES) + 1})" if i >= len(AWARD_NAMES) else "")
        for i in range(count)
    ]


def _surnames() -> Iterator[list[str]]:
    """``LAST``, then each of them with an ending, then with two, and so on: blocks of
    one-word surnames, none the same as an earlier one."""
    seen: set[str] = set()
    for length in itertools.count():
        for endings in itertools.product(ENDINGS, repeat=length):
            block = [stem + "".join(endings) for stem in LAST]
            block = [name for name in block if name.lower() not in seen]
            seen.update(name.lower() for name in block)
            yield block


def _names(count: int, rng: random.Random, seed: int) -> list[tuple[str, str]]:
    """``count`` (first name, surname) pairs, no two the same: every first name with
    each of ``LAST`` (shuffled by ``rng``), then with each further block of surnames
    (shuffled apart, so that ``rng`` draws what it drew before and the rest of the
    corpus stays as it was). All are two words, so that no name is another's with a
    word added, which the build's probable-duplicate check would report
    (content/duplicates.py: 'Gustav A. Santos' beside 'Gustav Santos')."""
    surnames = _surnames()
    names = [(first, last) for last in next(surnames) for first in FIRST]
    rng.shuffle(names)
    further = random.Random(seed + 13)
    while len(names) < count:
        block = [(first, last) for last in next(surnames) for first in FIRST]
        further.shuffle(block)
        names += block
    return names[:count]


def _date(day: int) -> str:
    year, rest = divmod(day, 336)
    month, mday = divmod(rest, 28)
    return f"{2005 + year:04d}-{month + 1:02d}-{mday + 1:02d}"


def _yaml(value: object) -> str:
    """JSON is YAML; one line per field keeps files small and diffable."""
    return json.dumps(value, ensure_ascii=False)


def _record(fields: Fields) -> str:
    return "".join(f"{k}: {_yaml(v)}\n" for k, v in fields.items() if v not in (None, []))


def _model(n: int, seed: int) -> dict[str, list[Fields]]:
    """The corpus as plain dicts, in our own record format."""
    rng = random.Random(seed)
    n_people, n_orgs = 3 * n, max(2, n // 2)
    orgs = [
        {
            "id": f"org-{i:05d}",
            "name": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} "
            f"Cluster {i}",
            "kind": rng.choice(ORG_KINDS),
            "country": rng.choice(["BE", "DE", "AT", "PT", "EE", "IT", "FR", "PL", "ES", "DK"]),
        }
        for i in range(1, n_orgs + 1)
    ]
    names = _names(n_people, rng, seed)
    people: list[Fields] = []
    for i, (first, last) in enumerate(names, start=1):
        roles = []
        for _ in range(rng.randint(1, 3)):
            start = rng.randint(0, 6000)
            role: Fields = {
                "title": rng.choice(TITLES),
                "organisation": rng.choice(orgs)["id"],
                "start": _date(start),
            }
            if rng.random() < 0.4:
                role["end"] = _date(start + rng.randint(100, 1500))
            roles.append(role)
        people.append({"id": f"person-{i:05d}", "name": f"{first} {last}", "roles": roles})
    zipf = _Zipf(n_people)
    events: list[Fields] = []
    sessions: list[Fields] = []
    for i in range(1, n + 1):
        event_id = f"event-{i:05d}"
        start = rng.randint(0, 6700)
        events.append(
            {
                "id": event_id,
                "title": f"{_words(rng, 3).title()} {i}",
                "kind": rng.choice(EVENT_KINDS),
                "start": _date(start),
                "end": _date(start + rng.randint(0, 1)),
                "place": {"city": rng.choice(CITIES)},
                "organisers": sorted({rng.choice(orgs)["id"] for _ in range(rng.randint(1, 2))}),
                "body": _prose(rng, event_id),
            }
        )
        for s in range(1, rng.randint(6, 10) + 1):
            chosen: dict[int, None] = {}
            for _ in range(rng.randint(1, 4)):
                index = zipf.draw(rng) if rng.random() < 0.5 else rng.randrange(n_people)
                chosen[index] = None
            participants = []
            for index in chosen:
                person = people[index]
                role_list: list[Fields] = person["roles"]
                participants.append(
                    {
                        "person": person["id"],
                        "role": rng.choice(ROLES),
                        "organisation": role_list[-1]["organisation"],
                    }
                )
            sessions.append(
                {
                    "id": f"{event_id}-s{s}",
                    "event": event_id,
                    "title": _words(rng, rng.randint(3, 6)).capitalize(),
                    "kind": rng.choice(SESSION_KINDS),
                    "day": 1 + (s - 1) // 5,
                    "order": s,
                    "participants": participants,
                }
            )
    # An award is given once a year, so a larger network has more awards, not more of
    # each: about 17 per name (the 3 names at N = 1,000), each name a series of years.
    award_count = n // 20
    award_names = _award_names(max(len(AWARD_NAMES), -(-award_count // 17)))
    awards = []
    for i in range(1, award_count + 1):
        event = rng.choice(events)
        entry = rng.choice(sessions)["participants"][0]
        awards.append(
            {
                "id": f"award-{i:05d}",
                "name": rng.choice(award_names),
                "year": int(str(event["start"])[:4]),
                "event": event["id"],
                "winners": [{"person": entry["person"], "organisation": entry["organisation"]}],
            }
        )
    calls = [
        {
            "id": f"call-{i:05d}",
            "title": f"Call for {_words(rng, 4)}",
            "funder": rng.choice(orgs)["id"],
            "deadline": _date(rng.randint(0, 6700)),
            "events": [rng.choice(events)["id"]],
        }
        for i in range(1, n // 10 + 1)
    ]
    polls = []
    for i in range(1, n // 10 + 1):
        shares = sorted((rng.randint(5, 25) for _ in range(rng.randint(2, 4))), reverse=True)
        polls.append(
            {
                "id": f"poll-{i:05d}",
                "question": f"What is the {_words(rng, 3)}?",
                "session": rng.choice(sessions)["id"],
                "respondents": rng.randint(20, 500),
                "answers": [{"text": _words(rng, 3).capitalize(), "share": s} for s in shares],
            }
        )
    return {
        "events": events,
        "sessions": sessions,
        "people": people,
        "organisations": orgs,
        "awards": awards,
        "calls": calls,
        "polls": polls,
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_ours(model: dict[str, list[Fields]], site: Path) -> None:
    _write(site / "site.yaml", "title: Synthetic reports\nbase_url: /\ntoday: 2026-01-01\n")
    for folder, records in model.items():
        for record in records:
            fields = {k: v for k, v in record.items() if k not in ("id", "body")}
            if "body" in record:
                text = f"---\n{_record(fields)}---\n{record['body']}"
                _write(site / "content" / folder / f"{record['id']}.md", text)
            else:
                _write(site / "content" / folder / f"{record['id']}.yaml", _record(fields))


HUGO_CONFIG = """\
baseURL = "http://localhost/"
title = "Synthetic reports"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  person = "people"
  organisation = "organisations"
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts"
# Beside the three sites: the generator and arguments that wrote them (up_to_date).
MARKER = "corpus.json"


def _front(fields: Fields) -> str:
    return "---\n" + _record(fields) + "---\n"


def _write_hugo(model: dict[str, list[Fields]], site: Path) -> None:
    _write(site / "hugo.toml", HUGO_CONFIG)
    shutil.copytree(HUGO_LAYOUTS, site / "layouts")
    _write(site / "static" / "style.css", "body { font-family: sans-serif; }\n")
    by_event: dict[str, list[Fields]] = {}
    for session in model["sessions"]:
        by_event.setdefault(session["event"], []).append(session)
    polls_by_session: dict[str, list[Fields]] = {}
    for poll in model["polls"]:
        polls_by_session.setdefault(poll["session"], []).append(poll)
    for event in model["events"]:
        sessions = by_event.get(event["id"], [])
        orgs = set(event["organisers"])
        orgs |= {p["organisation"] for s in sessions for p in s["participants"]}
        fields = {
            "title": event["title"],
            "date": event["start"],
            "kind": event["kind"],
            "city": event["place"]["city"],
            "organisations": sorted(orgs),
            "sessions": [
                {k: s[k] for k in ("id", "title", "kind", "day", "participants")} for s in sessions
            ],
            "polls": [p for s in sessions for p in polls_by_session.get(s["id"], [])],
        }
        _write(
            site / "content" / "events" / f"{event['id']}.md", _front(fields) + str(event["body"])
        )
        for session in sessions:
            participants: list[Fields] = session["participants"]
            fields = {
                "title": session["title"],
                "date": event["start"],
                "kind": session["kind"],
                "event": event["id"],
                "people": [p["person"] for p in participants],
                "organisations": sorted({str(p["organisation"]) for p in participants}),
                "participants": participants,
                "polls": polls_by_session.get(session["id"], []),
            }
            _write(site / "content" / "sessions" / f"{session['id']}.md", _front(fields))
    for person in model["people"]:
        fields = {"title": person["name"], "roles": person["roles"]}
        _write(site / "content" / "people" / str(person["id"]) / "_index.md", _front(fields))
    for org in model["organisations"]:
        fields = {"title": org["name"], "kind": org["kind"], "country": org["country"]}
        _write(site / "content" / "organisations" / str(org["id"]) / "_index.md", _front(fields))
    for folder, label in (("awards", "name"), ("calls", "title")):
        for record in model[folder]:
            fields = {"title": record[label], "date": record.get("deadline")}
            body = f"{_record({k: v for k, v in record.items() if k != 'id'})}"
            _write(site / "content" / folder / f"{record['id']}.md", _front(fields) + body)


PELICAN_CONFIG = """\
SITENAME = "Synthetic reports"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = 10
LOAD_CONTENT_CACHE = False
DISPLAY_PAGES_ON_MENU = False  # the default theme would list every page on every page
"""


def _write_pelican(model: dict[str, list[Fields]], site: Path) -> None:
    _write(site / "pelicanconf.py", PELICAN_CONFIG)
    people = {p["id"]: p["name"] for p in model["people"]}
    orgs = {o["id"]: o["name"] for o in model["organisations"]}
    by_event: dict[str, list[Fields]] = {}
    for session in model["sessions"]:
        by_event.setdefault(session["event"], []).append(session)
    for event in model["events"]:
        sessions = by_event.get(event["id"], [])
        speakers = sorted({people[p["person"]] for s in sessions for p in s["participants"]})
        tags = sorted({orgs[o] for o in event["organisers"]})
        agenda = "\n".join(
            f"1. *{s['kind']}* {s['title']}: "
            + ", ".join(
                f"{people[p['person']]} ({p['role']}, {orgs[p['organisation']]})"
                for p in s["participants"]
            )
            for s in sessions
        )
        header = (
            f"Title: {event['title']}\nDate: {event['start']}\nSlug: {event['id']}\n"
            f"Category: {event['kind']}\nAuthors: {', '.join(speakers)}\n"
            f"Tags: {', '.join(tags)}\n\n"
        )
        text = header + f"{event['body']}\n## Agenda\n\n{agenda}\n"
        _write(site / "content" / f"{event['id']}.md", text)
        for session in sessions:
            who = "\n".join(
                f"- [{people[p['person']]}]({{author}}{people[p['person']]}), {p['role']}, "
                f"{orgs[p['organisation']]}"
                for p in session["participants"]
            )
            header = f"Title: {session['title']}\nSlug: {session['id']}\n\n"
            body = f"*{session['kind']}* at [{event['title']}]({{filename}}/{event['id']}.md)"
            text = header + f"{body}\n\n## Participants\n\n{who}\n"
            _write(site / "content" / "pages" / "sessions" / f"{session['id']}.md", text)
    for folder, label in (("awards", "name"), ("calls", "title"), ("polls", "question")):
        for record in model[folder]:
            body = "\n".join(f"- {k}: {v}" for k, v in record.items() if k != "id")
            header = f"Title: {record[label]}\nSlug: {record['id']}\n\n"
            _write(site / "content" / "pages" / f"{record['id']}.md", header + body + "\n")


def _portrait(rng: random.Random) -> bytes:
    """A 480 x 600 JPEG like a photo's weight (smooth colour fields, not noise), drawn
    from ``rng`` so that the corpus stays the same for the same seed."""
    from PIL import Image  # only a corpus with portraits needs Pillow

    small = Image.frombytes("RGB", (12, 15), rng.randbytes(12 * 15 * 3))
    out = io.BytesIO()
    small.resize((480, 600), Image.Resampling.BICUBIC).save(out, "JPEG", quality=85)
    return out.getvalue()


def _add_portraits(people: list[Fields], site: Path, share: float, seed: int) -> None:
    """Give ``share`` of the people a portrait beside their record (our site only: Hugo
    and Pelican rows stay like for like, and the images row says what pictures add)."""
    rng = random.Random(seed + 7)
    for person in people:
        if rng.random() < share:
            name = f"{person['id']}.jpg"
            person["portrait"] = {"file": name, "alt": f"Portrait of {person['name']}"}
            target = site / "content" / "people" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_portrait(rng))


# What a translation file of the corpus translates, by folder: the texts a translator
# would (titles, names of awards, bodies), never names of people or organisations.
TRANSLATED = {
    "events": ("title", "body"),
    "sessions": ("title",),
    "awards": ("name",),
    "calls": ("title",),
}


def _add_translations(
    model: dict[str, list[Fields]], site: Path, languages: list[str], share: float, seed: int
) -> None:
    """Our site in ``languages`` (the first the default), with a translation file in
    each other language for ``share`` of the records that have texts to translate."""
    with (site / "site.yaml").open("a", encoding="utf-8") as config:
        config.write(f"languages: [{', '.join(languages)}]\n")
    rng = random.Random(seed + 11)
    for folder, fields in TRANSLATED.items():
        for record in model[folder]:
            if rng.random() >= share:
                continue
            for language in languages[1:]:
                texts = {
                    k: f"{record[k]} [{language}]" for k in fields if k != "body" and k in record
                }
                name = f"{record['id']}.{language}"
                if "body" in fields and "body" in record:
                    text = f"---\n{_record(texts)}---\n[{language}] {record['body']}"
                    _write(site / "content" / folder / f"{name}.md", text)
                else:
                    _write(site / "content" / folder / f"{name}.yaml", _record(texts))


def _generator() -> str:
    """A digest of what decides a corpus's bytes besides the arguments: this file and
    the Hugo layouts it copies."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(HUGO_LAYOUTS.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(HUGO_LAYOUTS).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _arguments(root: Path, n: int, **options: Any) -> Fields:
    """``generate``'s arguments but ``root``, its defaults filled in: what the marker
    keeps of them."""
    bound = inspect.signature(generate).bind(root, n, **options)
    bound.apply_defaults()
    arguments = {k: v for k, v in bound.arguments.items() if k != "root"}
    arguments["languages"] = list(arguments["languages"] or [])
    return arguments


def up_to_date(root: Path, n: int, **options: Any) -> bool:
    """Whether ``root`` holds what ``generate(root, n, **options)`` would write there
    now, by its marker: a corpus written by an older generator, with other arguments or
    cut short is not, so the benchmark never times a stale one."""
    try:
        marker = json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        marker.get("generator") == _generator()
        and marker.get("arguments") == _arguments(root, n, **options)
    )


def generate(
    root: Path,
    n: int,
    seed: int = 1,
    portraits: float = 0.0,
    languages: list[str] | None = None,
    translated: float = 0.1,
) -> Corpus:
    """Write the three sites under ``root`` (replacing what was there); with
    ``portraits``, that share of our site's people get a portrait; with ``languages``
    (more than one), our site is in those, ``translated`` of its records translated.
    The marker ``up_to_date`` reads is written last."""
    arguments = _arguments(
        root, n, seed=seed, portraits=portraits, languages=languages, translated=translated
    )
    model = _model(n, seed)
    shutil.rmtree(root, ignore_errors=True)
    if portraits:
        _add_portraits(model["people"], root / "ours", portraits, seed)
    _write_ours(model, root / "ours")
    if languages and len(languages) > 1:
        _add_translations(model, root / "ours", languages, translated, seed)
    for person in model["people"]:
        person.pop("portrait", None)  # the other two sites show no pictures
    _write_hugo(model, root / "hugo")
    _write_pelican(model, root / "pelican")
    appearances: dict[object, int] = {}
    for session in model["sessions"]:
        for p in session["participants"]:
            appearances[p["person"]] = appearances.get(p["person"], 0) + 1
    counts = {k: len(v) for k, v in model.items()}
    marker = {"generator": _generator(), "arguments": arguments, "counts": counts}
    (root / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    return Corpus(
        events=counts["events"],
        sessions=counts["sessions"],
        people=counts["people"],
        organisations=counts["organisations"],
        awards=counts["awards"],
        calls=counts["calls"],
        polls=counts["polls"],
        participants=sum(appearances.values()),
        most_appearances=max(appearances.values(), default=0),
        counts=counts,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--portraits", type=float, default=0.0, help="share of our people with a portrait"
    )
    parser.add_argument(
        "--languages",
        default="",
        help="our site's languages, e.g. en,fr,de (the first the default)",
    )
    parser.add_argument(
        "--translated", type=float, default=0.1, help="share of records with translation files"
    )
    args = parser.parse_args()
    languages = [code for code in args.languages.split(",") if code]
    corpus = generate(args.out, args.events, args.seed, args.portraits, languages, args.translated)
    print(json.dumps(corpus.counts | {"most_appearances": corpus.most_appearances}))


if __name__ == "__main__":
    main()
