"""Damaged records never crash ``check`` or ``build``: whatever an editor's slip (or a
truncated copy, a bad merge, a stray byte) does to a valid site, the commands end with 0
or 1 and a message, never a traceback or an internal error (70), and a build writes
only inside its output folder.

Each example copies the small valid fixture site, damages a few of its files with
Hypothesis-drawn mutations, and runs ``check`` (most examples) or a real ``build``
(a fraction) in-process. ``MUTATION_EXAMPLES`` sets how many examples run (default
300, about a minute on two cores); run it once with thousands to shake out rare crashes:

    MUTATION_EXAMPLES=2000 python -m pytest tests/test_mutations.py -p no:randomly
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import given, note, settings
from hypothesis import strategies as st

from clusterreports.cli import main

VALID = Path(__file__).parent / "sites" / "valid"
FILES = sorted(p.relative_to(VALID).as_posix() for p in VALID.rglob("*") if p.is_file())
OUTPUT = "out"


class Mutation:
    """One change to a file's bytes, named so that a failing example reads plainly
    (a plain class: Hypothesis prints a dataclass field by field)."""

    def __init__(self, what: str, apply: Callable[[bytes], bytes]) -> None:
        self.what = what
        self.apply = apply

    def __repr__(self) -> str:
        return self.what


# Characters that have broken text handling elsewhere: C0 and C1 controls, NUL, lone
# surrogates (written either raw, which is not UTF-8, or as a YAML escape), noncharacters,
# a byte order mark in the middle, line and paragraph separators, bidirectional overrides,
# combining marks and characters outside the Basic Multilingual Plane.
AWKWARD = (
    "\x00",
    "\x01",
    "\x08",
    "\t",
    "\n",
    "\x0b",
    "\x0c",
    "\r",
    "\x1b",
    "\x7f",
    "\x85",
    "\xa0",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u0301",
    "\U0001f600",
    "\U0010ffff",
    "\\uD800",
    "\\x00",
    "\\",
    '"',
    "'",
    ":",
    "#",
    "-",
    "---",
    "&a",
    "*a",
    "!",
    "%",
    "@",
    "`",
    "{",
    "}",
    "[",
    "]",
    "|",
    ">",
)

# Values of every YAML type (and some that are none), put where another type belongs.
VALUES = (
    "",
    "~",
    "null",
    "true",
    "no",
    "0",
    "-1",
    "5",
    "1.5",
    "1e400",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "1_000",
    "9" * 5000,
    "2016-13-45",
    "2016-02-30",
    "0000-01-01",
    "9999-12-31 23:59",
    "2016-12-01T10:00:00+25:00",
    "[]",
    "{}",
    "[a, b]",
    "[[a]]",
    "{a: 1}",
    "{city: {city: x}}",
    '"text"',
    '"\\ud800"',  # YAML escapes: a lone surrogate, NUL, a BOM, U+FFFE, ESC in a value
    '"a\\0b"',
    '"\\ufeffx"',
    '"\\ufffe"',
    '"\\e[31m"',
    "''",
    "ecc-2016",
    "does-not-exist",
    "../../etc/passwd",
    "/",
    "Ünïcödé ∑",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
    "!!timestamp 2020-01-01",
    "!!python/object/apply:os.system [echo]",
    "!custom x",
    "&anchor value",
    "*anchor",
    "*undefined",
    "|\n  block\n  text",
    ">-\n  folded",
    "? complex\n: key",
    "<<: {a: 1}",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "https://",
    "http://[::1",
)


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True)


def _key_lines(raw: bytes) -> list[int]:
    """Indexes of the lines that hold a ``key: value`` pair (at any depth)."""
    return [i for i, line in enumerate(_lines(raw)) if b":" in line and not line.startswith(b"#")]


@st.composite
def delete_line(draw: st.DrawFn) -> Mutation:
    index = draw(st.integers(min_value=0, max_value=50))

    def apply(raw: bytes) -> bytes:
        lines = _lines(raw)
        if lines:
            del lines[index % len(lines)]
        return b"".join(lines)

    return Mutation(f"delete line {index} (modulo the lines)", apply)


def _replace_value(index: int, change: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """Change the value of the ``index``-th ``key:`` line (modulo their number)."""

    def apply(raw: bytes) -> bytes:
        lines, keyed = _lines(raw), _key_lines(raw)
        if not keyed:
            return raw
        i = keyed[index % len(keyed)]
        key, _, old = lines[i].rstrip(b"\n").partition(b":")
        lines[i] = key + b": " + change(old.strip()) + b"\n"
        return b"".join(lines)

    return apply


@st.composite
def swap_value(draw: st.DrawFn) -> Mutation:
    """The value of one ``key:`` line becomes another, often of another type."""
    index = draw(st.integers(min_value=0, max_value=50))
    value = draw(
        st.one_of(
            st.sampled_from(VALUES),
            st.integers().map(str),
            st.floats().map(str),
            st.text(max_size=20).map(json.dumps),  # escapes, lone surrogates among them
        )
    )
    new = value.encode("utf-8", "surrogatepass")
    return Mutation(
        f"value of key line {index} (modulo those lines) -> {value!r}",
        _replace_value(index, lambda old: new),
    )


@st.composite
def wrap_value(draw: st.DrawFn) -> Mutation:
    """The same value, but in a list or a mapping (a scalar where a list belongs, and
    the other way round)."""
    index = draw(st.integers(min_value=0, max_value=50))
    before, after = draw(st.sampled_from(((b"[", b"]"), (b"{x: ", b"}"), (b"[[", b"]]"))))
    return Mutation(
        f"wrap the value of key line {index} (modulo those lines) in {before!r}",
        _replace_value(index, lambda old: before + old + after),
    )


def _inserted(data: bytes, position: int) -> Mutation:
    def apply(raw: bytes) -> bytes:
        at = position % (len(raw) + 1)
        return raw[:at] + data + raw[at:]

    return Mutation(f"insert {data!r} at byte {position} (modulo the length)", apply)


@st.composite
def insert_text(draw: st.DrawFn) -> Mutation:
    """Awkward characters (or any text) at any place, encoded as UTF-8 would be even
    where it cannot be (a raw lone surrogate is not UTF-8: the file is undecodable)."""
    text = draw(
        st.one_of(
            st.lists(st.sampled_from(AWKWARD), min_size=1, max_size=3).map("".join),
            st.text(min_size=1, max_size=5),
        )
    )
    position = draw(st.integers(min_value=0, max_value=2000))
    return _inserted(text.encode("utf-8", "surrogatepass"), position)


@st.composite
def insert_bytes(draw: st.DrawFn) -> Mutation:
    """Bytes that are not UTF-8 at all, or half a character."""
    data = draw(st.sampled_from((b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xef\xbb\xbf")))
    return _inserted(data, draw(st.integers(min_value=0, max_value=2000)))


@st.composite
def nest(draw: st.DrawFn) -> Mutation:
    """One value becomes a deeply nested list or mapping, in flow or block style."""
    index = draw(st.integers(min_value=0, max_value=50))
    depth = draw(st.sampled_from((2, 20, 99, 100, 101, 150, 1000)))
    style = draw(st.sampled_from(("list", "map", "block", "markdown")))
    if style == "markdown":  # a list in a Markdown body (YAML takes it as text)
        deep_list = "".join("    " * level + "- x\n" for level in range(depth)).encode()
        return Mutation(f"a Markdown list {depth} deep at the end", lambda raw: raw + deep_list)
    if style == "list":
        value = "[" * depth + "x" + "]" * depth
    elif style == "map":
        value = "{a: " * depth + "x" + "}" * depth
    else:
        value = "".join("\n" + "  " * (level + 1) + "a:" for level in range(depth)) + " x"
    encoded = value.encode()

    def apply(raw: bytes) -> bytes:
        lines, keyed = _lines(raw), _key_lines(raw)
        if not keyed:
            return raw
        i = keyed[index % len(keyed)]
        key, _, _ = lines[i].partition(b":")
        lines[i] = key + b": " + encoded + b"\n"
        return b"".join(lines)

    return Mutation(f"nest key line {index} (modulo those lines) {depth} deep, {style}", apply)


@st.composite
def duplicate_line(draw: st.DrawFn) -> Mutation:
    """A ``key:`` line twice: the same key with the same (or a changed) value."""
    index = draw(st.integers(min_value=0, max_value=50))
    value = draw(st.none() | st.sampled_from(VALUES))

    def apply(raw: bytes) -> bytes:
        lines, keyed = _lines(raw), _key_lines(raw)
        if not keyed:
            return raw
        i = keyed[index % len(keyed)]
        line = lines[i] if lines[i].endswith(b"\n") else lines[i] + b"\n"
        if value is not None:
            line = line.partition(b":")[0] + b": " + value.encode() + b"\n"
        lines.insert(i + 1, line)
        return b"".join(lines)

    return Mutation(f"repeat key line {index} (modulo those lines) with {value!r}", apply)


@st.composite
def truncate(draw: st.DrawFn) -> Mutation:
    """The file cut short anywhere, also in the middle of a character."""
    keep = draw(st.floats(min_value=0, max_value=1))
    return Mutation(f"keep the first {keep:.0%}", lambda raw: raw[: int(len(raw) * keep)])


FRONT_MATTER_BREAKS = (
    Mutation("no opening fence", lambda raw: raw.replace(b"---\n", b"", 1)),
    Mutation("no closing fence", lambda raw: raw[:3] + raw[3:].replace(b"---\n", b"", 1)),
    Mutation("text after the fence", lambda raw: raw.replace(b"---\n", b"--- x\n", 1)),
    Mutation("empty front matter", lambda raw: raw.replace(b"---\n", b"---\n---\n", 1)),
    Mutation("a list as front matter", lambda raw: b"---\n- a list\n---\n" + raw),
    Mutation("a scalar as front matter", lambda raw: b"---\njust text\n---\n" + raw),
    Mutation("a byte order mark first", lambda raw: b"\xef\xbb\xbf" + raw),
    Mutation("a blank line first", lambda raw: b"\n" + raw),
    Mutation("CRLF line ends", lambda raw: raw.replace(b"\n", b"\r\n")),
    Mutation("CR line ends", lambda raw: raw.replace(b"\n", b"\r")),
    Mutation("a second front matter", lambda raw: raw + b"\n---\nmore: yaml\n---\n"),
    Mutation("'...' fences", lambda raw: raw.replace(b"---", b"...")),
    Mutation("TOML fences", lambda raw: raw.replace(b"---", b"+++")),
)

WHOLE_FILES = ("", " ", "\n", "~", "- a\n- b\n", "x", "---\n---\n", "a: 1\n---\nb: 2\n", *VALUES)


@st.composite
def replace_whole(draw: st.DrawFn) -> Mutation:
    """A file whose whole text is something other than a mapping (or several)."""
    text = draw(st.sampled_from(WHOLE_FILES))
    return Mutation(f"the whole file is {text!r}", lambda raw: text.encode())


MUTATIONS = st.one_of(
    delete_line(),
    swap_value(),
    insert_text(),
    insert_bytes(),
    nest(),
    duplicate_line(),
    truncate(),
    st.sampled_from(FRONT_MATTER_BREAKS),
    wrap_value(),
    replace_whole(),
)


def everything(folder: Path, leave_out: str | None = None) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under ``folder``, by relative path,
    but for the folder ``leave_out`` and what is in it."""
    found: dict[str, bytes | None] = {}
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if leave_out is not None and (name == leave_out or name.startswith(leave_out + "/")):
            continue
        found[name] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return found


def run(command: list[str]) -> tuple[int, str]:
    """``clusterreports COMMAND`` in-process: its exit status, and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(command)
    return status, out.getvalue() + err.getvalue()


@settings(max_examples=int(os.environ.get("MUTATION_EXAMPLES", "300")))
@given(st.data())
def test_damaged_records_never_crash_check_or_build(data: st.DataObject) -> None:
    damaged: dict[str, bytes] = {}
    for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="mutations")):
        name = data.draw(st.sampled_from(FILES), label="file")
        before = damaged.get(name, (VALID / name).read_bytes())
        damaged[name] = data.draw(MUTATIONS, label="mutation").apply(before)
    building = data.draw(st.integers(min_value=0, max_value=9), label="kind") == 0
    for name, raw in damaged.items():
        note(f"{name} is now: {raw!r}")

    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        shutil.copytree(VALID, site)
        for name, raw in damaged.items():
            (site / name).write_bytes(raw)
        untouched = everything(Path(scratch))
        if building:
            command = ["build", "--no-search", "--jobs", "1", "--output", OUTPUT]
        else:
            command = ["check"]
        status, printed = run([*command, "--site", str(site), "--quiet"])
        note(f"{command[0]} exited {status}:\n{printed}")

        assert status in (0, 1), printed
        assert "Traceback" not in printed
        # check writes nothing; a build writes only into its output folder, and leaves
        # no staging folder beside it.
        assert everything(Path(scratch), leave_out=f"site/{OUTPUT}") == untouched
        if status == 1:
            assert not (site / OUTPUT).exists()
