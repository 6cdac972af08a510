"""One person, one page: probable duplicates among people and organisations are
warnings (problems with --strict or ``strict: true``), and ``new`` will not write one."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterreports.cli import main
from clusterreports.content.duplicates import Named, fold, reason

from .conftest import copy_site

EXPECTED = Path(__file__).parent / "sites" / "invalid" / "probable-duplicates" / "expected.txt"


@pytest.fixture
def lenient(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The probable-duplicates site without ``strict: true``, as the current folder."""
    root = copy_site("invalid/probable-duplicates", tmp_path)
    (root / "site.yaml").write_text("title: Probable duplicates\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def warnings_text() -> str:
    """expected.txt's problems as warnings: the same lines, marked, and the count."""
    problems = EXPECTED.read_text(encoding="utf-8").splitlines()[:-1]
    marked = [line.replace(":1:1: ", ":1:1: warning: ", 1) for line in problems]
    return "\n".join(marked) + "\n4 warnings: --strict makes them problems.\n"


def test_duplicates_are_warnings_that_do_not_fail_the_check(
    lenient: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert captured.err == warnings_text()
    assert captured.out.startswith("No problems: 12 records")


def test_strict_makes_them_problems(lenient: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict"]) == 1
    assert capsys.readouterr().err == EXPECTED.read_text(encoding="utf-8")
    assert main(["build", "--strict", "--no-search", "-q"]) == 1
    assert not (lenient / "_site").exists()


def test_a_build_warns_and_still_writes(lenient: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--no-search", "-q"]) == 0
    assert capsys.readouterr().err == warnings_text()
    assert (lenient / "_site" / "people" / "jane-doe" / "index.html").is_file()


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("Jane Doe", "Jane Doe Smith", "'Jane Doe' is contained in 'Jane Doe Smith'"),
        ("Jane Mary Doe", "Jane Doe", "'Jane Doe' is contained in 'Jane Mary Doe'"),
        (
            "Jean-Pierre Dupont",
            "jean pierre DUPONT",
            "'Jean-Pierre Dupont' and 'jean pierre DUPONT' are the same name written differently",
        ),
        ("Ulla Engelmann", "Ulla Engelmann", "both are named 'Ulla Engelmann'"),
        ("Jane Doe", "John Doe", None),
        ("Doe", "Jane Doe", None),  # one word is too little to go on
        ("Jane Smith", "Jane Doe", None),
    ],
)
def test_reason(a: str, b: str, why: str | None) -> None:
    assert reason(Named("a", "a.yaml", a), Named("b", "b.yaml", b)) == why


def test_fold_drops_diacritics_case_punctuation_and_hyphens() -> None:
    assert fold("Anaïs  Le-Corvec, Jr.") == ("anais", "le", "corvec", "jr")


def test_new_person_warns_before_writing_a_probable_duplicate(
    lenient: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "person", "Jose Garcia"]) == 1
    assert capsys.readouterr().err == (
        "clusterreports new: 'Jose Garcia' is probably the same person as "
        "content/people/j-garcia-lopez.yaml ('Jose Garcia' is contained in 'jose garcia lopez'):"
        " edit that record and add this spelling to its 'aliases'. If they are not the same,"
        " run again with --force to write content/people/jose-garcia.yaml. Nothing was written.\n"
    )
    assert not (lenient / "content" / "people" / "jose-garcia.yaml").exists()
    assert main(["new", "person", "Jose Garcia", "--force"]) == 0
    assert (lenient / "content" / "people" / "jose-garcia.yaml").is_file()


def test_new_finds_a_name_among_aliases_and_organisations(
    lenient: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "person", "A. Kovacs"]) == 1
    assert "content/people/anna-kovacs.yaml ('A. Kovacs' is one's name and the other's alias)" in (
        capsys.readouterr().err
    )
    assert main(["new", "organisation", "Cluster Agency GmbH"]) == 1
    assert "same organisation as content/organisations/cluster-agency.yaml" in (
        capsys.readouterr().err
    )


def test_new_says_a_file_name_is_taken_rather_than_suggest_it(
    lenient: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "person", "Jane Doe", "--force"]) == 1
    assert capsys.readouterr().err == (
        "clusterreports new: content/people/jane-doe.yaml already exists: edit it, "
        "or give the new record another title\n"
    )
