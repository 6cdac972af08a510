import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from clusterreports.cache import CACHE_ENV, flush_all
from clusterreports.content import load
from clusterreports.content.load import RawRecord, _Loader, is_ignored, load_content, parse_yaml
from clusterreports.problems import Problem

from .conftest import SITES, as_a_user, copy_site


def test_positions_point_at_keys_and_items() -> None:
    data, positions, problems = parse_yaml("name: X\nroles:\n  - title: A\n    end: 2017\n", "f")
    assert problems == []
    assert data == {"name": "X", "roles": [{"title": "A", "end": 2017}]}
    assert positions[("roles",)] == (2, 1)
    assert positions[("roles", 0)] == (3, 5)
    assert positions[("roles", 0, "end")] == (4, 5)


def test_a_key_given_twice_points_at_the_value_kept() -> None:
    data, positions, problems = parse_yaml("name: A\nrole: x\nname: B\n", "f")
    assert data["name"] == "B"
    assert positions[("name",)] == (3, 1)
    assert [str(p) for p in problems] == ["f:3:1: field 'name' is given twice: keep one of them"]


def test_dates_stay_text_for_the_model_to_check() -> None:
    data, _, _ = parse_yaml("start: 2016-02-30\n", "f")
    assert data == {"start": "2016-02-30"}


DOCUMENTS = [
    "name: X\nroles:\n  - title: A\n    end: 2017\n    current: yes\n",
    "n: 0x1f\nf: 1.5e3\ninf: .inf\nnone: ~\nempty:\nq: '12'\nlist: [1, two, null]\n",
    "1: one\nnull: nothing\ntrue: yes\n'1': text one\n",
    "a: 1\na: 2\nb: {c: 1, c: 2}\n",
    "base: &b {x: 1}\nuse: *b\nother: *b\n",
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
    "me: &me [1, *me]\n",
    "when: !!timestamp 2016-12-01\nbytes: !!binary aGk=\nset: !!set {a, b}\n",
    "? [complex, key]\n: value\n",
    "- just\n- a list\n",
    "plain text\n",
    "tagged: !custom thing\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_records_read_as_pyyaml_would_read_them(text: str) -> None:
    """Plain documents are built without PyYAML's general constructor (see
    ``load._plain``); every document must still give PyYAML's data, errors and
    repeated keys."""
    loader = _Loader(text)
    try:
        expected, error = loader.get_single_data(), None
    except yaml.YAMLError as exc:
        expected, error = None, str(exc.problem)  # type: ignore[attr-defined]
    finally:
        loader.dispose()
    data, _, problems = parse_yaml(text, "f")
    if error:
        assert data is None
        assert [p.message.split(" (")[0] for p in problems] == [f"YAML error: {error}"]
        return
    if text.startswith("me:"):  # a recursive list: compare its shape
        assert data["me"][1] is data["me"]
        return
    assert data == expected
    assert type(data) is type(expected)
    assert [p.line for p in problems] == [key.start_mark.line + 1 for key in loader.repeated]


def test_an_alias_is_the_same_object_as_its_anchor() -> None:
    data, _, _ = parse_yaml("base: &b {x: 1}\nuse: *b\n", "f")
    assert data["use"] is data["base"]


def test_markdown_body_and_front_matter_lines(tmp_path: Path) -> None:
    people = tmp_path / "content" / "people"
    people.mkdir(parents=True)
    (people / "jane.md").write_text("---\nname: Jane\nrolez: []\n---\nShe *spoke*.\n")
    loaded = load_content(tmp_path / "content", tmp_path)
    (raw,) = loaded.records
    assert raw.data == {"id": "jane", "name": "Jane", "rolez": [], "body": "She *spoke*.\n"}
    assert raw.known_positions is None  # read again from the file only when asked for
    assert raw.line_of(("rolez",)) == (3, 1)
    assert raw.display == "content/people/jane.md"


def test_hidden_and_editor_files_are_ignored(tmp_path: Path) -> None:
    people = tmp_path / "content" / "people"
    people.mkdir(parents=True)
    (people / ".jane.yaml.swp").write_text("x")
    (people / "jane.yaml~").write_text("x")
    (people / "_draft.yaml").write_text("name: [")
    (people / "notes.txt").write_text("not a record")
    loaded = load_content(tmp_path / "content", tmp_path)
    assert loaded.records == [] and loaded.problems == []


def test_is_ignored_is_the_loaders_rule_for_a_path_below_content() -> None:
    """The preview asks it whether an edit can change the site."""
    ignored = ["people/.jane.yaml.swp", "people/jane.yaml~", "people/_draft.yaml", "_notes/x.yaml"]
    assert [is_ignored(Path(p)) for p in ignored] == [True] * 4
    assert not is_ignored(Path("people/jane.yaml"))
    assert not is_ignored(Path("events/talk-2022.md"))


def test_missing_content_folder_is_a_problem(tmp_path: Path) -> None:
    loaded = load_content(tmp_path / "content", tmp_path)
    assert [str(p) for p in loaded.problems] == [
        "content: content folder not found: create it or set 'content' in site.yaml"
    ]


def test_links_inside_the_site_are_read(tmp_path: Path) -> None:
    """Links are followed while they stay in the site: a record kept in another folder
    of the site, a type folder linked from elsewhere in it."""
    (tmp_path / "shared" / "people").mkdir(parents=True)
    (tmp_path / "shared" / "jane.yaml").write_text("name: Jane\n")
    (tmp_path / "shared" / "people" / "joe.yaml").write_text("name: Joe\n")
    (tmp_path / "content" / "people").mkdir(parents=True)
    (tmp_path / "content" / "people" / "jane.yaml").symlink_to("../../shared/jane.yaml")
    (tmp_path / "content" / "organisations").symlink_to("../shared/people")  # a folder
    loaded = load_content(tmp_path / "content", tmp_path)
    assert loaded.problems == []
    assert [(r.display, r.data["id"]) for r in loaded.records] == [
        ("content/organisations/joe.yaml", "joe"),
        ("content/people/jane.yaml", "jane"),
    ]


def test_a_linked_folder_outside_the_site_is_not_read(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.yaml").write_text("name: Secret\n")
    (site / "content").mkdir(parents=True)
    (site / "content" / "people").symlink_to(tmp_path / "elsewhere")
    loaded = load_content(site / "content", site)
    assert loaded.records == []
    assert [str(p) for p in loaded.problems] == [
        f"content/people: a link to '{tmp_path / 'elsewhere'}', outside the site folder, which "
        "would be published: copy the file into the site instead"
    ]


UNREADABLE = " cannot be read (Permission denied): make it readable, or move it out of the site"


@pytest.mark.parametrize(
    ("unreadable", "what"),
    [("content/people/bianca-dragomir.yaml", "file"), ("content/people", "folder")],
)
def test_an_unreadable_file_or_folder_is_a_problem(
    tmp_path: Path, unreadable: str, what: str
) -> None:
    """With real permissions; a folder of records that cannot be read is no longer
    skipped as if it were empty."""
    site = copy_site("valid", tmp_path)
    (site / unreadable).chmod(0)
    try:
        result = as_a_user([sys.executable, "-m", "clusterreports", "check"], site)
    finally:
        (site / unreadable).chmod(0o755)
    assert result.returncode == 1
    assert f"{unreadable}: this {what}{UNREADABLE}\n" in result.stderr
    assert "Traceback" not in result.stderr


def test_reading_on_two_processes_gives_the_same_records_and_problems(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SITES / "valid" / "content", content)
    (content / "people" / "broken.yaml").write_text("name: [\n")
    (content / "people" / "twice.yaml").write_text("name: A\nname: B\n")
    (content / "peeple").mkdir()
    (content / "peeple" / "x.yaml").write_text("name: X\n")
    (content / "_drafts").mkdir()
    (content / "_drafts" / "y.yaml").write_text("name: [\n")

    def summary(jobs: int) -> tuple[list[tuple[object, ...]], list[str]]:
        loaded = load_content(content, tmp_path, jobs=jobs)
        records = [(r.type_name, r.path, r.display, r.data, r.positions) for r in loaded.records]
        return records, [str(p) for p in loaded.problems]

    one, two = summary(1), summary(2)
    assert one == two
    assert len(one[0]) > 15
    assert [p.split(":")[0] for p in one[1]] == [
        "content/peeple/x.yaml",
        "content/people/broken.yaml",
        "content/people/twice.yaml",
    ]


@pytest.fixture
def parsed_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A cache folder of the test's own, this process's store of parsed files made afresh."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    load._parsed_cache.cache_clear()
    yield
    load._parsed_cache.cache_clear()


def _read_again(path: Path) -> tuple[RawRecord | None, list[Problem]]:
    """As the next build reads it: in a new process, with what this one kept written."""
    flush_all()
    load._parsed_cache.cache_clear()
    return load.read_record(path, "person", path.parent.parent.parent)


def _never_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*args: object) -> None:
        raise AssertionError("parsed, though the cache held the file's fields")

    monkeypatch.setattr(load, "_parse_record", parse)


def _person(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "site" / "content" / "people" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_read_again_is_not_parsed_again(
    tmp_path: Path, parsed_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "---\nname: Ulla Engelmann\nroles: [{title: Head, current: yes}]\n---\nShe *spoke*.\n"
    first, problems = load.read_record(_person(tmp_path, "ulla.md", text), "person", tmp_path)
    assert first is not None and problems == []
    _never_parse(monkeypatch)
    again, problems = _read_again(tmp_path / "site" / "content" / "people" / "ulla.md")
    assert again is not None and problems == []
    assert (
        again.data
        == first.data
        == {
            "name": "Ulla Engelmann",
            "roles": [{"title": "Head", "current": True}],
            "body": "She *spoke*.\n",
            "id": "ulla",
        }
    )
    # The same text in another file: the same fields, but its own id.
    copy, _ = _read_again(_person(tmp_path, "ulla-2.md", text))
    assert copy is not None and copy.data["id"] == "ulla-2"


def test_an_edited_file_or_another_format_is_parsed_again(
    tmp_path: Path, parsed_cache: None
) -> None:
    path = _person(tmp_path, "a.yaml", "name: A\n")
    load.read_record(path, "person", tmp_path)
    path.write_text("name: B\n", encoding="utf-8")
    edited, _ = _read_again(path)
    assert edited is not None and edited.data["name"] == "B"
    # The same text as a Markdown file has no front matter: a problem, not A's fields.
    markdown, problems = _read_again(_person(tmp_path, "b.md", "name: B\n"))
    assert markdown is None and "no front matter" in problems[0].message


def test_a_file_with_problems_reports_them_every_time(tmp_path: Path, parsed_cache: None) -> None:
    path = _person(tmp_path, "twice.yaml", "name: A\nname: B\n")
    _, first = load.read_record(path, "person", tmp_path)
    _, again = _read_again(path)
    assert [p.message for p in first] == [p.message for p in again] != []


def test_a_damaged_entry_is_parsed_again(
    tmp_path: Path, parsed_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _person(tmp_path, "a.yaml", "name: A\n")
    load.read_record(path, "person", tmp_path)
    flush_all()
    store = load._parsed_cache()
    connection = sqlite3.connect(store.path)
    with connection:
        connection.execute("UPDATE made SET made = ?", (b"\xff\x00 cut short",))
    connection.close()
    again, problems = _read_again(path)
    assert again is not None and again.data == {"name": "A", "id": "a"} and problems == []


def test_nesting_too_deep_for_libyaml_is_refused_without_crashing() -> None:
    # libyaml's own composer would overflow the C stack here and end the process.
    text = "name: X\nroles: " + "[" * 100_000 + "]" * 100_000 + "\n"
    data, _, problems = parse_yaml(text, "f", line_offset=1)
    assert data is None
    assert [str(p) for p in problems] == [
        f"f:3:107: YAML error: values nested more than {load.MAX_DEPTH} levels deep: "
        "a record needs only a few; check the brackets and the indentation"
    ]


def test_nesting_counts_values_reached_through_aliases() -> None:
    # b holds a, 60 levels deep, in 60 levels of its own: no part of the text is deep.
    text, last = "", ""
    for name in "abc":
        text += f"{name}: &{name} " + "[" * 60 + (f"*{last}" if last else "x") + "]" * 60 + "\n"
        last = name
    _, _, problems = parse_yaml(text, "f")
    assert [(p.line, p.column) for p in problems] == [(2, 66)]  # where b uses *a
    assert "nested more than 100 levels deep" in problems[0].message


def test_aliases_may_repeat_up_to_the_limit() -> None:
    items = ", ".join(["*a"] * (load.MAX_REPEATED // 10))
    text = f"a: &a [{', '.join(['x'] * 9)}]\nb: [{items}]\n"
    data, _, problems = parse_yaml(text, "f")
    assert problems == [] and len(data["b"]) == load.MAX_REPEATED // 10
    _, _, problems = parse_yaml(text.replace("]\n", ", *a]\n", 2)[:-1] + "\n", "f")
    assert [str(p) for p in problems] == [
        "f:2:4: YAML error: the aliases ('*name') here repeat more than 10,000 values: "
        "write the values out, or use fewer aliases"
    ]


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    path = _person(tmp_path, "bom.md", "\ufeff---\nname: B\n---\nText.\n")
    raw, problems = load.read_record(path, "person", tmp_path)
    assert problems == [] and raw is not None
    assert raw.data == {"name": "B", "body": "Text.\n", "id": "bom"}
    assert raw.positions[("name",)] == (2, 1)
