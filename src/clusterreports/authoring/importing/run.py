"""An import from top to bottom: read the schedule -> load the site -> match speakers
and organisations -> plan every record -> check the result as ``check`` would ->
write it all, or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ...config import Site
from ...content.load import RawRecord, read_content, read_record
from ...content.models import ID_PATTERN, TYPES_BY_NAME, Event, Organisation, Person, Record
from ...content.registry import link
from ...content.validate import problems_from, validate_records
from ...problems import ContentError, Problem, display_path
from ...site.urls import slug
from .from_csv import Context, read_csv
from .from_json import read_json
from .from_xml import read_xml
from .match import Index, fold, organisations_index, people_index, unused_id
from .programme import Programme, Speaker, Talk
from .records import (
    Outcome,
    Planned,
    merge,
    read_state,
    record_text,
    state_path,
    state_text,
    value_hash,
    write_all,
)

SUFFIXES = (".json", ".xml", ".csv")


class UsageError(ValueError):
    """A wrong command line (exit 2)."""


@dataclass
class Result:
    """What an import did (or, in a dry run, would do)."""

    event_id: str
    outcomes: list[Outcome]
    state_file: Path
    state: str
    linked: dict[str, str] = field(default_factory=dict)  # speaker name -> existing person
    uncertain: list[str] = field(default_factory=list)
    event_additions: dict[str, Any] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)  # records deleted by hand, not restored
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (type, file) no longer named

    def files(self) -> dict[Path, str]:
        written = {
            o.path: record_text(o.path, o.data) for o in self.outcomes if o.action != "unchanged"
        }
        return {**written, self.state_file: self.state}


def read_programme(
    source: Path, display: str, context: Context
) -> tuple[Programme | None, list[Problem]]:
    suffix = source.suffix.lower()
    if suffix == ".json":
        return read_json(source, display)
    if suffix == ".xml":
        return read_xml(source, display)
    return read_csv(source, display, context)


def plan_import(
    site: Site,
    source: Path,
    event_id: str,
    merges: dict[str, str] | None = None,
    timezone: str | None = None,
) -> Result:
    """Everything the import would write; raises ContentError with every problem."""
    if not ID_PATTERN.match(event_id):
        raise UsageError(f"--event {event_id}: an id is lowercase letters, digits and hyphens")
    if source.suffix.lower() not in SUFFIXES:
        raise UsageError(f"{source}: not a schedule file: import a .json, .xml or .csv file")
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    problems: list[Problem] = []
    validated = validate_records(read_content(site.content_dir, site.root, problems, jobs=1))
    problems += validated.problems
    if problems:
        raise ContentError(problems)  # the site must be sound before anything is matched
    existing: dict[str, dict[str, tuple[Record, RawRecord]]] = {t: {} for t in TYPES_BY_NAME}
    for record, raw in validated.records:
        existing[record.type_name][record.id] = (record, raw)
    event = existing["event"].get(event_id)
    event_record = event[0] if event else None
    assert event_record is None or isinstance(event_record, Event)
    context = Context(
        timezone or (event_record.timezone if event_record else None),
        event_record.start.first_day()
        if event_record and event_record.start and event_record.start.day
        else None,
    )
    programme, problems = read_programme(source, display_path(source, site.root), context)
    if programme is None or problems:
        raise ContentError(problems)
    return _Planner(site, existing, event_id, programme, merges or {}).plan()


class _Planner:
    def __init__(
        self,
        site: Site,
        existing: dict[str, dict[str, tuple[Record, RawRecord]]],
        event_id: str,
        programme: Programme,
        merges: dict[str, str],
    ) -> None:
        self.site = site
        self.existing = existing
        self.event_id = event_id
        self.programme = programme
        self.merges = merges
        self.state_file = state_path(site.content_dir, event_id)
        self.state = read_state(self.state_file)
        self.people = people_index(
            r for r, _ in existing["person"].values() if isinstance(r, Person)
        )
        self.organisations = organisations_index(
            r for r, _ in existing["organisation"].values() if isinstance(r, Organisation)
        )
        self.planned: dict[str, Planned] = {}
        self.taken = {t: set(ids) for t, ids in existing.items()}
        self.linked: dict[str, str] = {}
        self.uncertain: list[str] = []
        self.problems: list[Problem] = []

    def plan(self) -> Result:
        self._check_merges()
        self._event()
        orders: dict[int | None, int] = {}
        for talk in sorted(self.programme.talks, key=_talk_order):
            orders[talk.day] = orders.get(talk.day, 0) + 1
            self._session(talk, orders[talk.day])
        if self.problems:
            raise ContentError(self.problems)
        self._near_twins()
        outcomes, removed = self._outcomes()
        self._check(outcomes)
        records, dropped = self._remembered(outcomes)
        event = self.existing["event"].get(self.event_id)
        additions = {}
        if event and "event" not in self.state:
            planned = self._event_fields()
            additions = {k: v for k, v in planned.items() if getattr(event[0], k) in (None, "")}
        return Result(
            self.event_id,
            outcomes,
            self.state_file,
            state_text(self.event_id, self.programme.source, records),
            self.linked,
            self.uncertain,
            additions,
            removed,
            dropped,
        )

    def _check_merges(self) -> None:
        speakers = {fold(s.name) for talk in self.programme.talks for s in talk.speakers}
        for new, existing in self.merges.items():
            if new not in speakers:
                message = f"no speaker of this schedule would be called '{new}'"
            elif existing not in self.existing["person"] and existing not in speakers:
                message = f"there is no person '{existing}'"
            else:
                continue
            self.problems.append(Problem("--merge", None, None, f"{new}={existing}: {message}"))

    def _remembered(
        self, outcomes: list[Outcome]
    ) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
        """The provenance to keep: every record written now, and every one written by
        an earlier import (so that one removed by hand is never made again); with the
        files of those the schedule no longer names."""
        records = {
            o.planned.key: {"type": o.planned.type_name, "id": o.planned.id, "fields": o.hashes}
            for o in outcomes
        }
        dropped = []
        for key, entry in self.state.items():
            if key in records:
                continue
            records[key] = entry
            found = self.existing.get(str(entry.get("type")), {}).get(str(entry.get("id")))
            if key not in self.planned and found is not None:
                dropped.append((str(entry["type"]), display_path(found[1].path, self.site.root)))
        return records, dropped

    # --- planning ----------------------------------------------------------------

    def _event_fields(self) -> dict[str, Any]:
        p = self.programme
        title = p.title or self.event_id.replace("-", " ").capitalize()
        fields: dict[str, Any] = {"title": title, "kind": "conference"}
        if p.start:
            fields["start"] = p.start.isoformat()
        if p.end and p.end != p.start:
            fields["end"] = p.end.isoformat()
        if p.timezone:
            fields["timezone"] = p.timezone
        return fields

    def _event(self) -> None:
        if self.event_id in self.existing["event"] and "event" not in self.state:
            return  # the editor's own event record: left as it is
        self.planned["event"] = Planned("event", "event", self.event_id, self._event_fields())

    def _session(self, talk: Talk, order: int) -> None:
        key = f"session:{talk.key}"
        record_id = self._previous(key, "session") or self._new_id(
            "session", f"{self.event_id}-{_short_slug(talk.title)}"
        )
        participants = []
        for speaker in talk.speakers:
            entry: dict[str, Any] = {"person": self._person(speaker, talk), "role": speaker.role}
            if speaker.organisation:
                entry["organisation"] = self._organisation(speaker.organisation)
            if entry not in participants:
                participants.append(entry)
        fields: dict[str, Any] = {"event": self.event_id, "title": talk.title, "kind": talk.kind}
        fields["day"] = talk.day
        fields["order"] = order
        fields["start"] = _local(talk.start)
        if talk.end is not None and talk.start is not None and talk.end > talk.start:
            fields["end"] = _local(talk.end)
        fields["timezone"] = self.programme.timezone
        fields["room"] = talk.room
        fields["participants"] = participants or None
        fields["topics"] = [talk.track] if talk.track else None
        fields["body"] = talk.body or None
        kept = {k: v for k, v in fields.items() if v is not None}
        origin = f"{self.programme.source}: {talk.where}"
        self.planned[key] = Planned(key, "session", record_id, kept, origin)

    def _person(self, speaker: Speaker, talk: Talk) -> str:
        key = f"person:{speaker.key or 'name:' + fold(speaker.name)}"
        by_name = f"person:name:{fold(speaker.name)}"
        for known in (key, by_name):
            if known in self.planned:
                return self.planned[known].id
        merged = self.merges.get(fold(speaker.name))
        if merged is not None:  # the editor's word comes first, even over an earlier import
            if merged in self.existing["person"]:
                self.linked[speaker.name] = merged
            return merged
        record_id = self._previous(key, "person")
        if record_id is None:
            wanted = fold(speaker.name)
            record_id = self.people.exact(speaker.name)
            if record_id is not None:
                self.linked[speaker.name] = record_id
                return record_id
            maybe = self.people.uncertain(speaker.name)
            record_id = self._new_id("person", wanted)
            if maybe:
                names = ", ".join(f"{m} ({self.people.labels[m]})" for m in maybe)
                self.uncertain.append(
                    f"'{speaker.name}' ({talk.title}) may be {names}: imported as a new person "
                    f"'{record_id}'; to link instead, import again with "
                    f"--merge {record_id}={maybe[0]}"
                )
        fields: dict[str, Any] = {"name": speaker.name}
        if speaker.biography:
            fields["body"] = speaker.biography
        planned = Planned(key, "person", record_id, fields)
        self.planned[key] = self.planned[by_name] = planned
        return record_id

    def _near_twins(self) -> None:
        """New people of this schedule whose names agree only up to initials ('J. Doe'
        and 'Jane Doe' in two talks): listed, never merged silently."""
        new = {
            p.id: str(p.fields["name"])
            for p in self.planned.values()
            if p.type_name == "person"
            and p.id not in self.existing["person"]
            and p.key not in self.state
        }
        index = Index()
        for record_id, name in new.items():
            index.add(record_id, name)
        for record_id, name in sorted(new.items()):
            for other in index.uncertain(name):
                if other != record_id and _initials(name) > _initials(new[other]):
                    self.uncertain.append(
                        f"'{name}' and '{new[other]}' may be one person: imported as "
                        f"'{record_id}' and '{other}'; to make them one, import again with "
                        f"--merge {record_id}={other}"
                    )

    def _organisation(self, name: str) -> str:
        key = f"organisation:{fold(name)}"
        if key in self.planned:
            return self.planned[key].id
        record_id = self._previous(key, "organisation") or self.organisations.exact(name)
        if record_id is not None and key not in self.state:
            return record_id
        record_id = record_id or self._new_id("organisation", fold(name))
        self.planned[key] = Planned(key, "organisation", record_id, {"name": name})
        return record_id

    def _previous(self, key: str, type_name: str) -> str | None:
        entry = self.state.get(key)
        if entry and entry.get("type") == type_name and isinstance(entry.get("id"), str):
            return str(entry["id"])
        return None

    def _new_id(self, type_name: str, wanted: str) -> str:
        planned_ids = {p.id for p in self.planned.values() if p.type_name == type_name}
        previous = {str(e.get("id")) for e in self.state.values() if e.get("type") == type_name}
        return unused_id(wanted, self.taken[type_name] | planned_ids | previous)

    # --- outcomes and checking ---------------------------------------------------

    def _outcomes(self) -> tuple[list[Outcome], list[str]]:
        outcomes = []
        removed = []
        seen: set[str] = set()
        for key, planned in self.planned.items():
            if planned.key != key or planned.key in seen:
                continue  # a person reached by a second key
            seen.add(planned.key)
            model = TYPES_BY_NAME[planned.type_name]
            found = self.existing[planned.type_name].get(planned.id)
            entry = self.state.get(planned.key)
            if found is not None and entry is not None:
                raw = found[1]
                current = _current(raw)
                data, hashes, kept = merge(planned, current, entry.get("fields", {}))
                action = (
                    "unchanged"
                    if data == {k: v for k, v in current.items() if k != "id"}
                    else "update"
                )
                outcomes.append(Outcome(planned, raw.path, data, hashes, action, kept))
                continue
            if entry is not None and planned.type_name == "session":
                removed.append(f"{model.folder}/{planned.id}")
                continue
            suffix = ".md" if planned.fields.get("body") else ".yaml"
            path = self.site.content_dir / model.folder / f"{planned.id}{suffix}"
            hashes = {k: value_hash(v) for k, v in planned.fields.items()}
            outcomes.append(Outcome(planned, path, dict(planned.fields), hashes, "create"))
        return outcomes, removed

    def _check(self, outcomes: list[Outcome]) -> None:
        """The site as it will be passes every check ``check`` makes."""
        problems: list[Problem] = []
        replaced = {(o.planned.type_name, o.planned.id) for o in outcomes}
        records = [
            (record, raw)
            for by_id in self.existing.values()
            for record, raw in by_id.values()
            if (record.type_name, record.id) not in replaced
        ]
        origins = {}
        for outcome in outcomes:
            model = TYPES_BY_NAME[outcome.planned.type_name]
            data = {**outcome.data, "id": outcome.planned.id}
            display = display_path(outcome.path, self.site.root)
            origins[display] = outcome.planned.origin
            raw = RawRecord(model.type_name, outcome.path, display, data, {})
            try:
                records.append((model.model_validate(data), raw))
            except ValidationError as exc:
                problems.extend(problems_from(raw, model, exc))
        problems += link(records)[1]
        if problems:
            raise ContentError(
                replace(p, message=f"{p.message} (imported from {origins[p.path]})")
                if origins.get(p.path)
                else p
                for p in problems
            )


def _current(raw: RawRecord) -> dict[str, Any]:
    """A record's fields as its file holds them now (validation may have consumed
    the loaded copy)."""
    fresh, _ = read_record(raw.path, raw.type_name, raw.path.parent)
    return dict(fresh.data) if fresh else {}


def _initials(name: str) -> int:
    return sum(1 for word in fold(name).split("-") if len(word) == 1)


def _talk_order(talk: Talk) -> tuple[Any, ...]:
    start = talk.start.replace(tzinfo=None) if talk.start else dt.datetime.max
    return (talk.day or 0, start, talk.room or "", talk.title)


def _local(moment: dt.datetime | None) -> str | None:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else None


def _short_slug(title: str, limit: int = 60) -> str:
    text = slug(title)
    return text if len(text) <= limit else text[:limit].rsplit("-", 1)[0]


def apply(result: Result) -> None:
    write_all(result.files())
