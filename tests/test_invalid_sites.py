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
        "bad-base-url",
        "alias-bomb",
        "bad-config",
        "bad-config-text",
        "bad-page-size",
        "byte-order-mark",
        "config-is-a-folder",
        "config-not-utf8",
        "deep-nesting",
        "deep-markdown",
        "long-number",
        "unclosed-front-matter",
        "bad-file-name",
        "bad-numbers",
        "bad-text",
        "cycles",
        "dangling-reference",
        "duplicate-id",
        "impossible-dates",
        "images",
        "links",
        "malformed-yaml",
        "many-problems",
        "missing-catalogue",
        "missing-front-matter",
        "missing-required",
        "odd-field-names",
        "site-url-elsewhere",
        "translations",
        "new-fields",
        "probable-duplicates",
        "raw-control-characters",
        "unknown-field",
        "unknown-folder",
        "unprintable-urls",
        "unreadable-reference",
        "unsafe-values",
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


def test_references_to_unreadable_files_are_not_reported_twice(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The event cannot be parsed and the person has no front matter: each file's own
    # problem is reported, the session's references to them are not.
    monkeypatch.chdir(INVALID / "unreadable-reference")
    main(["check"])
    err = capsys.readouterr().err
    assert "event 'ecc-2016' is not defined" not in err
    assert "person 'jane' is not defined" not in err
    assert "person 'jone' is not defined" in err


def test_a_lone_surrogate_is_reported_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not a fixture site: other tests read every fixture string as Markdown.
    events = tmp_path / "content" / "events"
    events.mkdir(parents=True)
    (events / "ecc-2016.yaml").write_text(
        'title: ECC 2016\nkind: conference\nstart: "2016-11\\uD800"\nedition: "5\\uD800"\n'
        'id: "ecc\\uD800"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == (
        "content/events/ecc-2016.yaml:3:1: start: '2016-11\\ud800' is not a date: "
        "write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM\n"
        "content/events/ecc-2016.yaml:4:1: edition: '5\\ud800' is text, not a number: "
        "write a whole number in digits, without quotes\n"
        "content/events/ecc-2016.yaml:5:1: id: character 4 is a lone surrogate (U+D800), "
        "which text cannot hold: delete it\n"
        "3 problems found; nothing was written.\n"
    )


def test_lone_surrogates_in_site_settings_are_reported_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not a fixture site, as above. A lone surrogate crashed the calendar (title) and
    # pydantic, which cannot carry it in a message (base_url).
    (tmp_path / "site.yaml").write_text(
        'title: "Reports \\uD800\\uDC00"\nbase_url: "/reports\\uD800"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == (
        "site.yaml:1:1: title: character 9 is a lone surrogate (U+D800), which text cannot "
        "hold: delete it\n"
        "site.yaml:2:1: base_url: '/reports\\ud800/' must be a path starting with a single "
        "'/' (e.g. '/reports/') or a full http(s) URL (e.g. 'https://example.org/reports/')\n"
        "2 problems found; nothing was written.\n"
    )


@pytest.mark.parametrize(
    ("widths", "message"),
    [
        ("[]", "site.yaml:2:3: images.widths: at least 1, and 0 are given: add some"),
        (
            "[160, 320, 480, 640, 800, 960, 1120, 1280, 1440]",
            "site.yaml:2:3: images.widths: at most 8, and 9 are given: remove some",
        ),
    ],
)
def test_too_few_or_too_many_image_widths_are_named(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    widths: str,
    message: str,
) -> None:
    """Each width is a resize of every photo: a list without end would only make builds
    and the output heavier."""
    (tmp_path / "site.yaml").write_text(f"images:\n  widths: {widths}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == f"{message}\n1 problem found; nothing was written.\n"


def test_folders_outside_the_site_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site.yaml from elsewhere must not publish, say, the home folder's files."""
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (site / "site.yaml").write_text(
        "title: T\nstatic: ../elsewhere\ntemplates: /etc\ncontent: notes/../content\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(site)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == (
        f"site.yaml:2:1: static: '../elsewhere' is outside the site folder ({site}), and a "
        "build publishes what it holds: move the folder into the site, or give a path inside "
        "it\n"
        f"site.yaml:3:1: templates: '/etc' is outside the site folder ({site}), and a build "
        "publishes what it holds: move the folder into the site, or give a path inside it\n"
        "2 problems found; nothing was written.\n"
    )
