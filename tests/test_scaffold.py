"""``clusterreports new``: a record file per type, named by slug, listing the model's fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clusterreports.authoring.scaffold import fields, record_type, title_field
from clusterreports.cli import main
from clusterreports.content.models import RECORD_TYPES, Record

# What a person fills in for each type's required fields (beyond the pre-filled title).
REQUIRED_VALUES = {
    "event": {"kind": "conference"},
    "session": {"event": "ecc-2016"},
    "award": {"year": "2024"},
    "poll": {"answers": "[{text: Agree, share: 60}]"},
}


def fill(path: Path, values: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for name, value in values.items():
        text, count = re.subn(rf"^{name}:( *)#", rf"{name}: {value}\1#", text, flags=re.M)
        assert count == 1, name
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("model", RECORD_TYPES, ids=lambda t: t.type_name)
def test_new_record_passes_check_once_required_fields_are_filled(
    valid_site: Path, model: type[Record], capsys: pytest.CaptureFixture[str]
) -> None:
    site = str(valid_site)
    assert main(["--site", site, "new", model.type_name, "Anaïs: a new “record”"]) == 0
    path = valid_site / "content" / model.folder / "anais-a-new-record.yaml"
    assert str(path) in capsys.readouterr().out
    required = {f.name for f in fields(model) if f.required} - {title_field(model)}
    assert required == set(REQUIRED_VALUES.get(model.type_name, {}))
    if required:
        assert main(["--site", site, "check"]) == 1
        problems = capsys.readouterr().err
        assert f"content/{model.folder}/anais-a-new-record.yaml:" in problems
    fill(path, REQUIRED_VALUES.get(model.type_name, {}))
    assert main(["--site", site, "check"]) == 0, capsys.readouterr().err


def test_new_record_lists_every_field_of_the_model(valid_site: Path) -> None:
    assert main(["--site", str(valid_site), "new", "event", "Cluster Days 2025"]) == 0
    text = (valid_site / "content/events/cluster-days-2025.yaml").read_text(encoding="utf-8")
    model = record_type("event")
    for name in set(model.model_fields) - {"id"}:
        assert re.search(rf"^(# )?{name}:", text, flags=re.M), name
    assert re.search(r"^title: Cluster Days 2025 +# required", text, flags=re.M)
    assert re.search(r"^kind: +# required, one of conference, online-talk", text, flags=re.M)
    assert re.search(r"^# organisers: +# list of organisation id", text, flags=re.M)


def test_new_person_gets_the_slug_of_the_name(tmp_path: Path) -> None:
    assert main(["--site", str(tmp_path), "new", "person", "Gerd Meier zu Köcker"]) == 0
    path = tmp_path / "content/people/gerd-meier-zu-kocker.yaml"
    assert "name: Gerd Meier zu Köcker" in path.read_text(encoding="utf-8")


def test_folder_names_work_as_types(tmp_path: Path) -> None:
    assert main(["--site", str(tmp_path), "new", "people", "Anaïs Le Corvec"]) == 0
    assert (tmp_path / "content/people/anais-le-corvec.yaml").is_file()


def test_new_refuses_to_replace_a_record(
    valid_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = valid_site / "content/people/anais-le-corvec.yaml"
    before = existing.read_bytes()
    assert main(["--site", str(valid_site), "new", "person", "Anaïs Le Corvec"]) == 1
    assert "content/people/anais-le-corvec.yaml already exists" in capsys.readouterr().err
    assert existing.read_bytes() == before


def test_new_refuses_a_record_kept_as_markdown(
    valid_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--site", str(valid_site), "new", "person", "Ulla Engelmann"]) == 1
    assert "content/people/ulla-engelmann.md already exists" in capsys.readouterr().err
    assert not (valid_site / "content/people/ulla-engelmann.yaml").exists()


def test_unknown_type_suggests_the_nearest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--site", str(tmp_path), "new", "persn", "X"]) == 2
    err = capsys.readouterr().err
    assert "unknown record type 'persn'" in err and "Did you mean 'person'?" in err
    assert not (tmp_path / "content").exists()


def test_a_very_long_title_gets_a_file_name_cut_at_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Cluster " * 40 + "x" * 300
    assert main(["--site", str(tmp_path), "new", "person", title]) == 0
    [written] = (tmp_path / "content" / "people").iterdir()
    assert written.name == "-".join(["cluster"] * 10) + ".yaml"  # 79 characters: a word fits
    assert f"name: {title.strip()}" in written.read_text(encoding="utf-8")


def test_a_record_that_cannot_be_written_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "people").write_text("a file where the folder goes")
    assert main(["--site", str(tmp_path), "new", "person", "Ulla Engelmann"]) == 1
    err = capsys.readouterr().err
    assert err == (f"clusterreports new: cannot write {tmp_path}/content/people: File exists\n")
