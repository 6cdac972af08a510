"""One person, one page: probable duplicates among people and organisations are
warnings (problems with --strict or ``strict: true``), and ``new`` will not write one."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterreports.cli import main
from clusterreports.content.duplicates import Named, fold, probable_duplicates, reason

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


_WORDS = st.sampled_from(["Ana", "Ana-Maria", "Maria", "Santos", "A.", "Ruiz", "Lopez", "ruiz"])
_NAMES = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
_NAMED = st.lists(st.tuples(_NAMES, st.lists(_NAMES, max_size=2)), min_size=2, max_size=12).map(
    lambda rows: [Named(f"p{i}", f"people/p{i}.yaml", n, tuple(a)) for i, (n, a) in enumerate(rows)]
)


@given(_NAMED)
def test_probable_duplicates_finds_every_pair_that_a_pairwise_comparison_finds(
    named: list[Named],
) -> None:
    """Looked up by shared words, the pairs are exactly those that comparing every
    record with every other would find, worded the same."""
    everything = {}
    for index, a in enumerate(named):
        for b in named[index + 1 :]:
            why = reason(a, b)
            if why is not None:
                later, earlier = sorted((a, b), key=lambda n: n.path, reverse=True)
                everything[tuple(sorted((a.path, b.path)))] = (later, earlier, why)
    assert probable_duplicates(named) == [everything[pair] for pair in sorted(everything)]
