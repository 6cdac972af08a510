"""Write the imported records: YAML (or Markdown with YAML front matter when a record
has prose), with the field names of the content models.

Provenance lives in ``content/.import/<event-id>.json`` (hidden from the loader): for
each record the importer wrote, its source key (the schedule's guid, code or id), its
id and a hash of each field value as last written. On a later import a field whose
value no longer matches its hash was edited by hand and is kept; every other field
takes the schedule's new value. All files are written through hidden temporary files
renamed into place, only once the whole import is known to be free of problems.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

STATE_FOLDER = ".import"
STATE_VERSION = 1


def value_hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Planned:
    """A record the import wants to exist, with the fields the schedule gives."""

    key: str
    type_name: str
    id: str
    fields: dict[str, Any]
    origin: str = ""  # where in the schedule it comes from, for messages


@dataclass
class Outcome:
    """What importing one planned record does to its file."""

    planned: Planned
    path: Path
    data: dict[str, Any]  # the record's fields as they will be (without its id)
    hashes: dict[str, str]
    action: str  # 'create', 'update', 'unchanged'
    kept: list[str] = field(default_factory=list)  # fields edited by hand and left alone


def merge(
    planned: Planned, current: dict[str, Any], last: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The fields to write over ``current`` (a file the importer wrote before, with
    ``last`` the hashes of what it wrote then), the hashes to remember, and the fields
    kept because the editor changed them."""
    data = {k: v for k, v in current.items() if k != "id"}
    hashes: dict[str, str] = {}
    kept = []
    for name in dict.fromkeys([*planned.fields, *last]):
        new = planned.fields.get(name)
        if name in last and value_hash(current.get(name)) != last[name]:
            hashes[name] = last[name]  # still edited by hand next time
            if value_hash(new) != value_hash(current.get(name)):
                kept.append(name)
            continue
        if name not in last and name in current:
            if value_hash(new) != value_hash(current[name]):
                kept.append(name)  # added by the editor before the schedule gave it
            continue
        if new is None:
            data.pop(name, None)
        else:
            data[name] = new
            hashes[name] = value_hash(new)
    return data, hashes, kept


def record_text(path: Path, data: dict[str, Any]) -> str:
    """A record file: front matter and Markdown body for ``.md``, plain YAML else."""
    fields = {k: v for k, v in data.items() if not (k == "body" and path.suffix == ".md")}
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100)
    if path.suffix != ".md":
        return front
    return f"---\n{front}---\n{data.get('body', '')}"


def state_path(content: Path, event_id: str) -> Path:
    return content / STATE_FOLDER / f"{event_id}.json"


def read_state(path: Path) -> dict[str, dict[str, Any]]:
    """The records a previous import wrote, by source key; {} for a first import (or
    a state file damaged by hand, after which every record counts as new)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return {}
    records = data.get("records")
    return records if isinstance(records, dict) else {}


def state_text(event_id: str, source: str, records: dict[str, dict[str, Any]]) -> str:
    data = {"version": STATE_VERSION, "event": event_id, "source": source, "records": records}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_all(files: dict[Path, str]) -> None:
    """Write every file, or none: all go to hidden temporary files beside their
    targets first (the loader ignores them), then each is renamed into place. A
    failure while staging removes what was staged, folders made for it included."""
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    target = Path()
    try:
        for target, text in files.items():
            missing = [f for f in (target.parent, *target.parent.parents) if not f.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            temporary = target.with_name(f".{target.name}.importing")
            with temporary.open("w", encoding="utf-8", newline="\n") as file:
                staged.append((temporary, target))
                file.write(text)
    except BaseException as exc:
        for temporary, _ in staged:
            with contextlib.suppress(OSError):
                temporary.unlink()
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):  # said of the record, not of its temporary file
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
