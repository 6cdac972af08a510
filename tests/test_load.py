import shutil
from pathlib import Path

from clusterreports.load import load_content, parse_yaml

from .conftest import SITES


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


def test_missing_content_folder_is_a_problem(tmp_path: Path) -> None:
    loaded = load_content(tmp_path / "content", tmp_path)
    assert [str(p) for p in loaded.problems] == [
        "content: content folder not found: create it or set 'content' in site.yaml"
    ]


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
