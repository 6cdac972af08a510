"""Every deliberately invalid fixture site fails with exactly the messages in its
``expected.txt``: file, line, column, value and what to do, all problems in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterreports.cli import main

INVALID = Path(__file__).parent / "sites" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_check_reports_exact_problems(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(INVALID / case)
    assert main(["check"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (INVALID / case / "expected.txt").read_text(encoding="utf-8")
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_every_case_is_covered() -> None:
    expected = {
        "alias-bomb",
        "bad-config",
        "byte-order-mark",
        "config-is-a-folder",
        "config-not-utf8",
        "deep-nesting",
        "long-number",
        "unclosed-front-matter",
        "bad-file-name",
        "dangling-reference",
        "duplicate-id",
        "impossible-dates",
        "malformed-yaml",
        "many-problems",
        "missing-front-matter",
        "missing-required",
        "unknown-field",
        "unknown-folder",
        "wrong-type",
    }
    assert expected <= set(CASES)


def test_references_to_invalid_records_are_not_reported_twice(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 'many-problems' has a session whose event 'a' exists (with a dangling organiser):
    # the event's own problem is reported, the session's reference to it is not.
    monkeypatch.chdir(INVALID / "many-problems")
    main(["check"])
    assert "event 'a' is not defined" not in capsys.readouterr().err
