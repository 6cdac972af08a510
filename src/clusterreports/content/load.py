"""Stage 1, load: read every record file under ``content/`` into raw data.

Nothing here knows the fields of a record type; it only parses YAML (or Markdown
front matter). The line and column of every key and list item, which later stages
need to point editors at the exact place of a problem, are worked out from the file
again when a problem first asks for them: a build without problems never holds them.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import marshal
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from yaml.constructor import SafeConstructor

from ..cache import Store, flush_all
from ..problems import Problem, did_you_mean, display_path
from ..tuning import choose_jobs, map_chunks
from .models import LANGUAGE_TAG, TYPES_BY_FOLDER, Loc, character_name

RECORD_SUFFIXES = (".yaml", ".yml", ".md")
# UTF-8, with or without the byte order mark some Windows editors write first.
ENCODING = "utf-8-sig"
Positions = dict[Loc, tuple[int, int]]


# A record nests a few levels deep; deeper is a mistake, or an attempt to exhaust
# Python's recursion (PyYAML's composer, pydantic and this module all recurse).
MAX_DEPTH = 100
# Values that aliases ('*name') may repeat in one file: a few nested aliases can
# otherwise stand for billions of values (the "billion laughs" attack).
MAX_REPEATED = 10_000
# libyaml's composer recurses in C without a limit and crashes the process at about
# 30,000 levels (8 MB of stack); below this bound it cannot get near that.
C_SAFE_DEPTH = 2_000


class _Refused(yaml.YAMLError):
    """A file refused for its size or depth rather than its syntax, at ``mark`` (a
    PyYAML or libyaml mark); ``problem`` says what to do."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line: int | None = mark.line if mark else None
        self.column: int | None = mark.column if mark else None


class _Composer(yaml.composer.Composer):
    """PyYAML's composer, refusing to nest deeper than ``MAX_DEPTH`` before Python's
    own recursion limit (a RecursionError) or the stack is reached."""

    nesting = 0
    peek_event: Callable[[], yaml.Event]  # the parser's, PyYAML's or libyaml's

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.nesting >= MAX_DEPTH:
            raise _Refused(_too_deep(), self.peek_event().start_mark)
        self.nesting += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.nesting -= 1


def _too_deep() -> str:
    return (
        f"values nested more than {MAX_DEPTH} levels deep: a record needs only a few; "
        "check the brackets and the indentation"
    )


class _Loader(_Composer, yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so the model parses them with a clear message
    (PyYAML's own date parsing crashes on '2016-02-30'), and notes keys given twice
    (PyYAML keeps the last one silently)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[yaml.Node] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.repeated += _given_twice(node)
        return super().construct_mapping(node, deep)


def _given_twice(node: yaml.MappingNode) -> list[yaml.Node]:
    """The keys of a mapping written again after their first time, as written (PyYAML
    keeps the last value silently)."""
    seen: set[str] = set()
    again: list[yaml.Node] = []
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue  # a list or mapping as a key: PyYAML refuses it
        if key_node.value in seen:
            again.append(key_node)
        seen.add(key_node.value)
    return again


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml's parser composes ~10x faster than PyYAML's; with the same resolvers it
# yields the same nodes and marks. Errors are re-parsed by ``_Loader`` so every
# message stays PyYAML's own. A text that might nest too deep for libyaml's own
# composer is composed by ``_Composer`` from libyaml's events (3x slower).
_FastLoader: type[yaml.SafeLoader | yaml.CSafeLoader] = _Loader
_DeepLoader: type[yaml.SafeLoader | yaml.CSafeLoader] = _Loader
if yaml.__with_libyaml__:

    class _CLoader(yaml.CSafeLoader):
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    class _CEventLoader(_Composer, yaml.CSafeLoader):
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            yaml.CSafeLoader.__init__(self, stream)
            self.anchors: dict[Any, yaml.Node] = {}

    _FastLoader = _CLoader
    _DeepLoader = _CEventLoader


def _compose(text: str) -> yaml.Node | None:
    """The document's nodes; raises ``_Refused`` for one too deep or too large."""
    # Every collection starts with one of these characters ('-' a list item, ':' or
    # '?' a key), so a text with fewer of them cannot nest deeper than that; and an
    # alias starts with '*'. Most records need no walk of their nodes.
    bound = sum(map(text.count, "[{-:?"))
    try:
        node = yaml.compose(text, Loader=_FastLoader if bound < C_SAFE_DEPTH else _DeepLoader)
    except _Refused:
        raise
    except yaml.YAMLError:
        node = yaml.compose(text, Loader=_Loader)
    if node is not None and (bound >= MAX_DEPTH or "*" in text):
        _check_size(node)
    return node


def _check_size(root: yaml.Node) -> None:
    """Refuse a document nested more than ``MAX_DEPTH`` deep or whose aliases repeat
    more than ``MAX_REPEATED`` values, counted as every later stage would see them
    (aliases followed) but without building them. The place named is in the text
    as written: for a value reached through an alias, where the alias is used."""
    seen: set[int] = set()
    inside: set[int] = set()  # the collections being walked, to stop at a cycle
    repeated = 0
    # (node, depth, where it is written; None marks leaving a collection)
    stack: list[tuple[yaml.Node, int, yaml.Mark | None]] = [(root, 1, root.start_mark)]
    while stack:
        node, depth, where = stack.pop()
        if where is None:
            inside.discard(id(node))
            continue
        if id(node) in seen:
            repeated += 1
            if repeated > MAX_REPEATED:
                raise _Refused(
                    f"the aliases ('*name') here repeat more than {MAX_REPEATED:,} values: "
                    "write the values out, or use fewer aliases",
                    where,
                )
        else:
            seen.add(id(node))
            where = node.start_mark
        if depth > MAX_DEPTH:
            raise _Refused(_too_deep(), where)
        if isinstance(node, yaml.ScalarNode) or id(node) in inside:
            continue
        inside.add(id(node))
        stack.append((node, depth, None))
        children = (
            node.value
            if isinstance(node, yaml.SequenceNode)
            else [part for pair in node.value for part in pair]
        )
        stack.extend((child, depth + 1, where) for child in reversed(children))


class _NotPlain(Exception):
    """A node ``_plain`` leaves to PyYAML's own constructor."""


_SAFE = SafeConstructor()  # stateless for scalars: one serves every file


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """PyYAML's integer, or a problem for one too long for Python to read (its
    int-to-text limit, which guards against slow conversions)."""
    try:
        return _SAFE.construct_yaml_int(node)
    except ValueError:
        digits = sum(c.isdigit() for c in node.value)
        raise _Refused(
            f"a number of {digits:,} digits is longer than a number can be "
            f"({sys.get_int_max_str_digits():,} digits): quote it to keep it as text",
            node.start_mark,
        ) from None


_INT = "tag:yaml.org,2002:int"
_Loader.add_constructor(_INT, _construct_int)

_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map"))
_SCALARS = {
    tag: functools.partial(_Loader.yaml_constructors[tag], _SAFE)
    for tag in (f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))
}
_PLAIN_KEYS = {_STR, *_SCALARS}


def _plain(node: yaml.Node, repeated: list[yaml.Node], seen: set[int]) -> Any:
    """The data of a document of plain mappings, sequences and scalars, built directly:
    PyYAML's general constructor (generators, recursion bookkeeping and a hashability
    check per key) is half the cost of reading a record. Anything else (merge keys,
    other tags, a collection reached twice through an alias, complex keys) raises
    ``_NotPlain`` so PyYAML builds it, with its own messages."""
    if type(node) is yaml.ScalarNode:
        if node.tag == _STR:
            return node.value
        construct = _SCALARS.get(node.tag)
        if construct is None:
            raise _NotPlain
        return construct(node)
    if id(node) in seen:
        raise _NotPlain
    seen.add(id(node))
    if type(node) is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain(item, repeated, seen) for item in node.value]
    if type(node) is not yaml.MappingNode or node.tag != _MAP:
        raise _NotPlain
    repeated += _given_twice(node)
    data: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode or key_node.tag not in _PLAIN_KEYS:
            raise _NotPlain
        data[_plain(key_node, repeated, seen)] = _plain(value_node, repeated, seen)
    return data


def _construct(node: yaml.Node) -> tuple[Any, list[yaml.Node]]:
    """The document's data and the keys given twice in a mapping."""
    repeated: list[yaml.Node] = []
    try:
        return _plain(node, repeated, set()), repeated
    except _NotPlain:
        pass
    loader = _Loader("")
    try:
        return loader.construct_document(node), loader.repeated
    finally:
        loader.dispose()


def translation_of(path: Path) -> tuple[str, str] | None:
    """(record id, language) for a translation's file, named after its record with a
    language tag before the extension ('ecc-2016.fr.md'); None for a record's own file.
    Any tag counts, listed in site.yaml or not, so that a wrong one is reported."""
    record_id, dot, language = path.stem.rpartition(".")
    if dot and record_id and LANGUAGE_TAG.fullmatch(language):
        return record_id, language
    return None


@dataclass
class RawRecord:
    """One record file, or a translation of one, parsed but not yet validated."""

    type_name: str
    path: Path
    display: str
    data: dict[str, Any]
    known_positions: Positions | None = field(default=None, repr=False, compare=False)
    # The language of a translation (content/translate.py), None for a record itself.
    language: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        translation = translation_of(self.path)
        self.language = translation[1] if translation else None

    @property
    def positions(self) -> Positions:
        """Where each key and list item is in the file, as (line, column)."""
        if self.known_positions is None:
            self.known_positions = positions_in(self.path)
        return self.known_positions

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


def _refused_character(
    exc: yaml.reader.ReaderError, text: str, display: str, line_offset: int
) -> Problem:
    """Where the character is (PyYAML gives only its index in the text), and which."""
    line = text.count("\n", 0, exc.position) + 1 + line_offset
    column = exc.position - text.rfind("\n", 0, exc.position)
    what = character_name(chr(exc.character))
    return Problem(display, line, column, f"{what} cannot be in a YAML file: delete it")


def parse_yaml(
    text: str, display: str, line_offset: int = 0, positions: bool = True
) -> tuple[Any, Positions, list[Problem]]:
    """Parse YAML into Python data plus a map from each key path to its (line, column)
    (left empty unless ``positions``)."""
    try:
        node = _compose(text)
    except _Refused as exc:
        return None, {}, [_refused(exc, display, line_offset)]
    except yaml.reader.ReaderError as exc:  # a character YAML refuses even inside quotes
        return None, {}, [_refused_character(exc, text, display, line_offset)]
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
    where: Positions = {}
    if positions:
        _index(node, (), where)
    try:
        data, repeated = _construct(node)
    except _Refused as exc:
        return None, {}, [_refused(exc, display, line_offset)]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 + line_offset if mark else None
        column = mark.column + 1 if mark else None
        hint = " (write keys as plain names and leave out '!' tags, or quote the value)"
        return None, {}, [Problem(display, line, column, f"YAML error: {exc.problem}{hint}")]
    problems = [
        Problem(
            display,
            key.start_mark.line + 1 + line_offset,
            key.start_mark.column + 1,
            f"field '{key.value}' is given twice: keep one of them",
        )
        for key in repeated
    ]
    if line_offset:
        where = {loc: (line + line_offset, column) for loc, (line, column) in where.items()}
    return data, where, problems


def _refused(exc: _Refused, display: str, line_offset: int) -> Problem:
    line = exc.line + 1 + line_offset if exc.line is not None else None
    column = exc.column + 1 if exc.column is not None else None
    return Problem(display, line, column, f"YAML error: {exc.problem}")


def _index(node: yaml.Node, loc: Loc, positions: Positions, above: set[int] | None = None) -> None:
    """Positions under ``node``; an alias is followed to its anchor's lines, but not
    into a collection that contains itself."""
    above = set() if above is None else above
    if id(node) in above:
        return
    above.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key, which the constructor refuses
            key = (*loc, key_node.value)
            # The last of a key given twice: its value is the one kept.
            positions[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _index(value_node, key, positions, above)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            positions[(*loc, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _index(item, (*loc, index), positions, above)
    above.discard(id(node))


def positions_in(path: Path) -> Positions:
    """The positions of a record file's keys and items, read again from the file."""
    try:
        split = _split(path, path.read_text(encoding=ENCODING), "")
    except (OSError, UnicodeDecodeError):
        return {}
    if isinstance(split, Problem):
        return {}
    text, offset, _ = split
    return parse_yaml(text, "", offset)[1]


def _split(path: Path, text: str, display: str) -> tuple[str, int, str | None] | Problem:
    """A record file's YAML, the number of lines before it, and its Markdown body."""
    if path.suffix != ".md":
        return text, 0, None
    handler = frontmatter.default_handlers.YAMLHandler()
    if not handler.detect(text):
        return Problem(
            display,
            1,
            None,
            "no front matter: a Markdown record starts with a line '---', "
            "then its fields in YAML, then another '---' line",
        )
    try:
        front, body = handler.split(text)
    except ValueError:  # no second '---'
        return Problem(
            display,
            1,
            None,
            "the front matter is not closed: add a line '---' after the record's fields",
        )
    # Lines before the front matter text, so positions match the file's own lines.
    offset = text[: text.find(front)].count("\n") if front else 1
    return front, offset, body


def read_text(path: Path, display: str) -> str | Problem:
    """A content or settings file's text, or why it cannot be read."""
    try:
        return path.read_text(encoding=ENCODING)
    except UnicodeDecodeError as exc:
        return Problem(display, None, None, f"not UTF-8 text ({exc.reason}): save it as UTF-8")
    except IsADirectoryError:
        return Problem(display, None, None, "is a folder, not a file: rename or remove it")
    except OSError as exc:  # e.g. no permission to read it
        return Problem(
            display,
            None,
            None,
            f"this file cannot be read ({exc.strerror or exc}): make it readable, "
            "or move it out of the site",
        )


def read_record(path: Path, type_name: str, root: Path) -> tuple[RawRecord | None, list[Problem]]:
    display = display_path(path, root)
    text = read_text(path, display)
    if isinstance(text, Problem):
        return None, [text]
    kept = _parsed_cache()
    key = kept.key(path.suffix + "\0" + text)
    data = _unmarshal(kept.get(key))
    if data is None:
        data, problems = _parse_record(path, text, display)
        if data is None:
            return None, problems
        if not problems:  # a file with problems is parsed again, to report them again
            with contextlib.suppress(ValueError):  # a value marshal cannot hold
                kept.put(key, marshal.dumps(data))
    else:
        problems = []
    if translation_of(path) is None:  # a translation takes its record's id from the name
        data.setdefault("id", path.stem)
    return RawRecord(type_name, path, display, data), problems


def _parse_record(
    path: Path, text: str, display: str
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A record file's fields, from its text alone (so they can be kept by the text)."""
    split = _split(path, text, display)
    if isinstance(split, Problem):
        return None, [split]
    text, offset, body = split
    data, _, problems = parse_yaml(text, display, offset, positions=False)
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
            line, col = parse_yaml(text, display, offset)[1][("body",)]
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
    return data, problems


@functools.cache
def _parsed_cache() -> Store:
    """Each file's parsed fields, by its text: parsing YAML is most of reading a file.
    The salt holds the parsers' versions and this module's own code, which decides
    what the fields are made of."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    salt = (version("pyyaml"), version("python-frontmatter"), code)
    return Store.named("parsed", repr(salt))


def _unmarshal(kept: bytes | None) -> dict[str, Any] | None:
    if kept is None:
        return None
    try:
        data = marshal.loads(kept)
    except (ValueError, EOFError, TypeError):  # damaged: parsed again, and kept again
        return None
    return data if isinstance(data, dict) else None


# Below this many files, forking workers costs more than reading them here.
MIN_PARALLEL_FILES = 1000


def _record_files(
    content: Path, root: Path, problems: list[Problem]
) -> list[tuple[Path, tuple[str, ...]]]:
    """Every file under ``content`` (but hidden, ``_``-prefixed and backup ones), with
    its path parts below ``content``, in the order of their parts."""
    found = walk_files(content, root, problems, _read)
    return [(content.joinpath(*parts), parts) for parts in found]


def _ignored_name(name: str) -> bool:
    return name.startswith((".", "_")) or name.endswith("~")


def _read(name: str) -> bool:
    return not _ignored_name(name)


def is_ignored(relative: Path) -> bool:
    """Whether the loader passes over this path below the content folder: it or a
    folder it is in is hidden, '_'-prefixed (notes, drafts) or an editor's backup
    ('x~'). The preview asks too, so that an edit there rebuilds nothing."""
    return any(_ignored_name(part) for part in relative.parts)


def walk_files(
    folder: Path, root: Path, problems: list[Problem], shown: Callable[[str], bool]
) -> list[tuple[str, ...]]:
    """The path parts below ``folder`` of every file in it whose every part is
    ``shown``, sorted. Links are followed while they stay inside the site (``root``)
    or ``folder``, so that no file from elsewhere is published; a link that leaves
    them, a broken link, a link loop and a folder or file that cannot be read are
    each a problem in ``problems``, and left out."""
    inside = (root.resolve(), folder.resolve())
    found: list[tuple[str, ...]] = []
    # Folders still to read: path, parts below ``folder``, and the real paths of the
    # folders it is in (a link back to one of them would never end). A stack, not a
    # recursive closure: checking leaves no reference cycles (``collector_paused``).
    waiting: list[tuple[str, tuple[str, ...], frozenset[str]]]
    waiting = [(str(folder), (), frozenset({os.path.realpath(folder)}))]
    while waiting:
        directory, parts, above = waiting.pop()
        try:
            with os.scandir(directory) as scan:
                entries = list(scan)
        except OSError as error:
            problems.append(_unreadable(Path(directory), root, error, "folder"))
            continue
        for entry in entries:
            if not shown(entry.name):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                leaves = _link_problem(path, inside)
                if leaves is not None:
                    problems.append(Problem(display_path(path, root), None, None, leaves))
                    continue
            if entry.is_dir():
                real = os.path.realpath(entry.path)
                if real in above:
                    what = "a link to a folder that holds it, so it never ends: remove the link"
                    problems.append(Problem(display_path(path, root), None, None, what))
                    continue
                waiting.append((entry.path, (*parts, entry.name), above | {real}))
            elif entry.is_file():
                found.append((*parts, entry.name))
    found.sort()
    return found


def _link_problem(link: Path, inside: tuple[Path, ...]) -> str | None:
    """What is wrong with the symbolic link ``link``: broken, looping, or leading out of
    every folder of ``inside``; None if nothing."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return f"a broken link (to '{os.readlink(link)}'): fix its target or remove it"
    except (RuntimeError, OSError) as error:  # a loop: RuntimeError before Python 3.13
        if isinstance(error, RuntimeError) or error.errno == errno.ELOOP:
            return f"a link that leads back to itself (to '{os.readlink(link)}'): remove it"
        return (
            f"a link that cannot be followed (to '{os.readlink(link)}': {error.strerror}): "
            "fix its target or remove it"
        )
    if any(target == folder or folder in target.parents for folder in inside):
        return None
    return (
        f"a link to '{os.readlink(link)}', outside the site folder, which would be "
        "published: copy the file into the site instead"
    )


def _unreadable(path: Path, root: Path, error: OSError, what: str) -> Problem:
    reason = error.strerror or str(error)
    return Problem(
        display_path(path, root),
        None,
        None,
        f"this {what} cannot be read ({reason}): make it readable, or move it out of the site",
    )


_root = Path()  # set before forking; workers inherit it


_Parsed = tuple[str, dict[str, Any]] | None


def _read_records(files: Sequence[tuple[Path, str]]) -> list[tuple[_Parsed, list[Problem]]]:
    """Read ``files``, returned as plain tuples: from a worker they travel pickled, and
    tuples unpickle three times faster than records holding Path objects."""
    parsed: list[tuple[_Parsed, list[Problem]]] = []
    for path, type_name in files:
        raw, problems = read_record(path, type_name, _root)
        parsed.append(((raw.display, raw.data) if raw else None, problems))
    flush_all()  # a forked worker exits without clean-up
    return parsed


def load_content(content: Path, root: Path, jobs: int | None = None) -> Loaded:
    """Read every record under ``content`` on ``jobs`` processes (default: one per core
    for a large site); problems are collected, never raised."""
    problems: list[Problem] = []
    records = list(read_content(content, root, problems, jobs))
    return Loaded(records, problems)


def read_content(
    content: Path, root: Path, problems: list[Problem], jobs: int | None = None
) -> Iterator[RawRecord]:
    """Every record under ``content``, each as soon as it has been read, so the next
    stage can work on them while the workers read the rest; ``problems`` holds every
    problem once the records are exhausted."""
    global _root
    if not content.is_dir():
        problems.append(
            Problem(
                display_path(content, root),
                None,
                None,
                "content folder not found: create it or set 'content' in site.yaml",
            )
        )
        return
    files: list[tuple[Path, str]] = []
    for path, parts in _record_files(content, root, problems):
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
            yield RawRecord(type_name, path, *parsed)
