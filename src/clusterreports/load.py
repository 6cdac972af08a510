"""Stage 1, load: read every record file under ``content/`` into raw data with positions.

Nothing here knows the fields of a record type; it only parses YAML (or Markdown
front matter) and remembers the line and column of every key and list item, so
later stages can point editors at the exact place of a problem.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from .cores import choose_jobs, map_chunks
from .models import TYPES_BY_FOLDER, Loc
from .problems import Problem, did_you_mean, display_path

RECORD_SUFFIXES = (".yaml", ".yml", ".md")
Positions = dict[Loc, tuple[int, int]]


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so the model parses them with a clear message
    (PyYAML's own date parsing crashes on '2016-02-30')."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml's parser composes ~10x faster than PyYAML's; with the same resolvers it
# yields the same nodes and marks. Errors are re-parsed by ``_Loader`` so every
# message stays PyYAML's own.
_FastLoader: type[yaml.SafeLoader | yaml.CSafeLoader] = _Loader
if yaml.__with_libyaml__:

    class _CLoader(yaml.CSafeLoader):
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    _FastLoader = _CLoader


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=_Loader)


@dataclass
class RawRecord:
    """One record file, parsed but not yet validated."""

    type_name: str
    path: Path
    display: str
    data: dict[str, Any]
    positions: Positions = field(default_factory=dict)

    def line_of(self, loc: Loc) -> tuple[int | None, int | None]:
        """Line and column of the deepest part of ``loc`` that exists in the file."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.positions:
                return self.positions[loc[:end]]
        return None, None


@dataclass
class Loaded:
    records: list[RawRecord]
    problems: list[Problem]


def parse_yaml(
    text: str, display: str, line_offset: int = 0
) -> tuple[Any, Positions, list[Problem]]:
    """Parse YAML into Python data plus a map from each key path to its (line, column)."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        column = mark.column + 1 if mark else None
        what = exc.problem or "invalid YAML"
        hint = (
            " (check the indentation, and quote values that contain ': '"
            " or start with '@', '`' or '*')"
        )
        return None, {}, [Problem(display, line, column, f"YAML syntax error: {what}{hint}")]
    if node is None:
        return {}, {}, []
    positions: Positions = {}
    problems: list[Problem] = []
    _index(node, (), positions, problems, display, line_offset)
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 + line_offset if mark else None
        return None, {}, [Problem(display, line, None, f"YAML error: {exc.problem}")]
    finally:
        loader.dispose()
    return data, positions, problems


def _index(
    node: yaml.Node,
    loc: Loc,
    positions: Positions,
    problems: list[Problem],
    display: str,
    offset: int,
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            where = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
            if key in seen:
                problems.append(
                    Problem(display, *where, f"field '{key}' is given twice: keep one of them")
                )
            seen.add(key)
            positions[(*loc, key)] = where
            _index(value_node, (*loc, key), positions, problems, display, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            where = (item.start_mark.line + 1 + offset, item.start_mark.column + 1)
            positions[(*loc, index)] = where
            _index(item, (*loc, index), positions, problems, display, offset)


def read_record(path: Path, type_name: str, root: Path) -> tuple[RawRecord | None, list[Problem]]:
    display = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(display, None, None, f"not UTF-8 text ({exc.reason}): save it as UTF-8")
        ]
    body: str | None = None
    offset = 0
    if path.suffix == ".md":
        handler = frontmatter.default_handlers.YAMLHandler()
        if not handler.detect(text):
            return None, [
                Problem(
                    display,
                    1,
                    None,
                    "no front matter: a Markdown record starts with a line '---', "
                    "then its fields in YAML, then another '---' line",
                )
            ]
        front, body = handler.split(text)
        # Lines before the front matter text, so positions match the file's own lines.
        offset = text[: text.find(front)].count("\n") if front else 1
        text = front
    data, positions, problems = parse_yaml(text, display, offset)
    if problems and data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [
            *problems,
            Problem(
                display, 1 + offset, None, "expected the record's fields as 'name: value' lines"
            ),
        ]
    if body is not None:
        if "body" in data and body.strip():
            line, col = positions[("body",)]
            problems.append(
                Problem(
                    display,
                    line,
                    col,
                    "'body' is given both as a field and as the Markdown text: keep one",
                )
            )
        elif body.strip():
            data["body"] = body.strip() + "\n"
    data.setdefault("id", path.stem)
    return RawRecord(type_name, path, display, data, positions), problems


# Below this many files, forking workers costs more than reading them here.
MIN_PARALLEL_FILES = 1000


def _record_files(content: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """Every file under ``content`` (but hidden, ``_``-prefixed and backup ones), with
    its path parts below ``content``, in the order of their parts."""
    found: list[tuple[str, ...]] = []
    for folder, subfolders, names in os.walk(content):
        below = os.path.relpath(folder, content)
        parts = () if below == "." else tuple(below.split(os.sep))
        subfolders[:] = [name for name in subfolders if _shown(name)]
        found.extend((*parts, name) for name in names if _shown(name))
    found.sort()
    paths = ((content.joinpath(*parts), parts) for parts in found)
    return [(path, parts) for path, parts in paths if path.is_file()]


def _shown(name: str) -> bool:
    return not (name.startswith((".", "_")) or name.endswith("~"))


_root = Path()  # set before forking; workers inherit it


_Parsed = tuple[str, dict[str, Any], Positions] | None


def _read_records(files: Sequence[tuple[Path, str]]) -> list[tuple[_Parsed, list[Problem]]]:
    """Read ``files``, returned as plain tuples: from a worker they travel pickled, and
    tuples unpickle three times faster than records holding Path objects."""
    parsed: list[tuple[_Parsed, list[Problem]]] = []
    for path, type_name in files:
        raw, problems = read_record(path, type_name, _root)
        parsed.append(((raw.display, raw.data, raw.positions) if raw else None, problems))
    return parsed


def load_content(content: Path, root: Path, jobs: int | None = None) -> Loaded:
    """Read every record under ``content`` on ``jobs`` processes (default: one per core
    for a large site); problems are collected, never raised."""
    global _root
    records: list[RawRecord] = []
    problems: list[Problem] = []
    if not content.is_dir():
        problems.append(
            Problem(
                display_path(content, root),
                None,
                None,
                "content folder not found: create it or set 'content' in site.yaml",
            )
        )
        return Loaded(records, problems)
    files: list[tuple[Path, str]] = []
    for path, parts in _record_files(content):
        if path.suffix not in RECORD_SUFFIXES:
            continue
        folder = parts[0] if len(parts) > 1 else ""
        record_type = TYPES_BY_FOLDER.get(folder)
        if record_type is None:
            known = ", ".join(sorted(TYPES_BY_FOLDER))
            what = (
                f"folder '{folder}' is not a record type."
                if folder
                else "records live in a folder per type."
            )
            problems.append(
                Problem(
                    display_path(path, root),
                    None,
                    None,
                    f"{what}{did_you_mean(folder, TYPES_BY_FOLDER) if folder else ''} "
                    f"Move the file into one of: {known}",
                )
            )
            continue
        files.append((path, record_type.type_name))
    _root = root
    jobs = choose_jobs(jobs, len(files), MIN_PARALLEL_FILES)
    results = map_chunks(_read_records, files, jobs)
    for (path, type_name), (parsed, found) in zip(files, results, strict=True):
        problems.extend(found)
        if parsed is not None:
            records.append(RawRecord(type_name, path, *parsed))
    return Loaded(records, problems)
