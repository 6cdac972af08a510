import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from clusterreports.content.models import (
    RECORD_TYPES,
    Event,
    FundingCall,
    Organisation,
    Person,
    Poll,
    Report,
    Session,
    iter_references,
)


def test_event_accepts_the_2022_talk() -> None:
    event = Event.model_validate(
        {
            "id": "talk",
            "title": "EU Clusters Talk",
            "kind": "online-talk",
            "start": "2022-10-05 08:30",
            "end": "2022-10-05 09:30",
            "timezone": "CET",
            "figures": [{"label": "participants", "value": 900, "more_than": True}],
        }
    )
    assert event.year == 2022
    assert event.figures[0].value_text == "more than 900"


def test_end_before_start_is_rejected_on_the_end_field() -> None:
    with pytest.raises(ValidationError) as info:
        Event.model_validate(
            {"id": "e", "title": "E", "kind": "conference", "start": 2017, "end": 2016}
        )
    (error,) = info.value.errors()
    assert error["loc"] == ("end",)
    assert "before the start" in error["msg"]


def test_unknown_timezone_is_rejected() -> None:
    with pytest.raises(ValidationError, match="not a known time zone"):
        Event.model_validate({"id": "e", "title": "E", "kind": "other", "timezone": "CEST"})


@pytest.mark.parametrize(
    ("deadline", "opens", "today", "status"),
    [
        ("2022-11-23", None, dt.date(2022, 10, 5), "open"),
        ("2022-11-23", None, dt.date(2022, 11, 15), "closing-soon"),
        ("2022-11-23", None, dt.date(2022, 11, 23), "closing-soon"),
        ("2022-11-23", None, dt.date(2022, 11, 24), "closed"),
        ("2017-03", None, dt.date(2017, 3, 20), "closing-soon"),
        (None, None, dt.date(2022, 1, 1), "no-deadline"),
        (None, "2017", dt.date(2016, 12, 1), "upcoming"),
    ],
)
def test_call_status_is_computed_against_the_build_date(
    deadline: str | None, opens: str | None, today: dt.date, status: str
) -> None:
    call = FundingCall.model_validate(
        {"id": "c", "title": "C", "deadline": deadline, "opens": opens}
    )
    assert call.status(today) == status


def test_days_left() -> None:
    call = FundingCall.model_validate({"id": "c", "title": "C", "deadline": "2022-11-23"})
    assert call.days_left(dt.date(2022, 11, 15)) == 8


def test_poll_shares_cannot_exceed_100() -> None:
    with pytest.raises(ValidationError, match="add up to 130%"):
        Poll.model_validate(
            {
                "id": "p",
                "question": "Q?",
                "answers": [{"text": "a", "share": 70}, {"text": "b", "share": 60}],
            }
        )


def test_person_sort_name_defaults_to_last_word() -> None:
    assert Person.model_validate({"id": "a", "name": "Ulla Engelmann"}).sort_text == "Engelmann"
    person = Person.model_validate(
        {"id": "g", "name": "Gerd Meier zu Köcker", "sort_name": "Meier zu Köcker"}
    )
    assert person.sort_text == "Meier zu Köcker"


def test_references_are_found_in_nested_parts() -> None:
    session = Session.model_validate(
        {
            "id": "s",
            "event": "ecc",
            "title": "Panel",
            "participants": [{"person": "jane", "organisation": "acme"}],
            "quotes": [{"text": "Hello", "person": "jane"}],
            "showcased": ["proj"],
            "sources": ["report"],
        }
    )
    assert sorted(iter_references(session)) == sorted(
        [
            (("event",), "event", "ecc"),
            (("participants", 0, "person"), "person", "jane"),
            (("participants", 0, "organisation"), "organisation", "acme"),
            (("quotes", 0, "person"), "person", "jane"),
            (("showcased", 0), "organisation", "proj"),
            (("sources", 0), "report", "report"),
        ]
    )


def test_ids_are_safe_slugs() -> None:
    with pytest.raises(ValidationError, match="is not a valid id"):
        Person.model_validate({"id": "../../etc", "name": "X"})


def test_an_id_ending_in_a_newline_is_rejected() -> None:
    """'$' matches before a final newline: 'jane-doe\\n' would take jane-doe's page."""
    with pytest.raises(ValidationError, match="character 9 is a line break"):
        Person.model_validate({"id": "jane-doe\n", "name": "X"})


URL_HINT = (
    "write a full address such as 'https://example.org/page', "
    "percent-encoding any space or quote (%20, %22)"
)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            'https://a"onfocus="alert(1)"autofocus="x.org/',
            f'\'https://a"onfocus="alert(1)"autofocus="x.org/\' is not a well-formed web '
            f"address: it contains '\"'; {URL_HINT}",
        ),
        (
            "https://a%22b.org/",
            "'https://a%22b.org/' is not a well-formed web address: its host 'a\"b.org' may "
            f"hold only letters, digits, hyphens and dots; {URL_HINT}",
        ),
        (
            "https://example.org/a\tb",
            f"'https://example.org/a\\tb' is not a well-formed web address: it contains a tab; "
            f"{URL_HINT}",
        ),
        (
            "javascript:alert(1)",
            "'javascript:alert(1)' is not a well-formed web address (URL scheme should be "
            f"'http' or 'https'): {URL_HINT}",
        ),
        (
            "example.org",
            "'example.org' is not a well-formed web address (relative URL without a base): "
            f"{URL_HINT}",
        ),
    ],
)
def test_every_url_field_rejects_a_malformed_url(url: str, message: str) -> None:
    records = [
        (Event, {"title": "x", "kind": "other", "website": url}, ("website",)),
        (
            Event,
            {"title": "x", "kind": "other", "news": [{"text": "x", "link": url}]},
            ("news", 0, "link"),
        ),
        (Organisation, {"name": "x", "website": url}, ("website",)),
        (FundingCall, {"title": "x", "link": url}, ("link",)),
        (Report, {"title": "x", "link": url}, ("link",)),
    ]
    for model, data, loc in records:
        with pytest.raises(ValidationError) as caught:
            model.model_validate({"id": "x"} | data)
        [error] = caught.value.errors()
        assert error["loc"] == loc
        assert error["msg"] == f"Value error, {message}"


def test_well_formed_urls_are_kept() -> None:
    call = FundingCall.model_validate(
        {"id": "x", "title": "x", "link": "https://bücher.example/a%20b?x=1&copy=2#top"}
    )
    assert str(call.link) == "https://xn--bcher-kva.example/a%20b?x=1&copy=2#top"


def _parts(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield model
    for field in model.model_fields.values():
        for arg in (field.annotation, *get_args(field.annotation)):
            for inner in (arg, *get_args(arg)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    yield from _parts(inner)


def _text_fields() -> list[tuple[str, str, TypeAdapter[Any], bool]]:
    """Every field of every record and part that takes text (alone or in a list), found
    by what it accepts rather than by its declared type, so a new plain ``str`` is caught."""
    found = {}
    for record in RECORD_TYPES:
        for model in _parts(record):
            for name, field in model.model_fields.items():
                annotation = (
                    Annotated[(field.annotation, *field.metadata)]
                    if field.metadata
                    else field.annotation
                )
                adapter: TypeAdapter[Any] = TypeAdapter(annotation)
                for as_list in (False, True):
                    try:
                        adapter.validate_python(["ok"] if as_list else "ok")
                    except ValidationError:
                        continue
                    found[(model.__name__, name)] = (model.__name__, name, adapter, as_list)
    return list(found.values())


TEXT_FIELDS = _text_fields()


def test_the_text_fields_are_found() -> None:
    names = {(model, name) for model, name, _, _ in TEXT_FIELDS}
    assert {("Event", "title"), ("Event", "body"), ("Place", "venue"), ("Quote", "text")} <= names
    assert {("Event", "key_messages"), ("Event", "organisers"), ("Poll", "method")} <= names
    assert ("Event", "kind") not in names  # a vocabulary, not free text


@pytest.mark.parametrize("bad", ["a\x01b", "a\x0bb", "a\0b", "a\ufffeb", "a\fb", "a\x85b"])
@pytest.mark.parametrize(
    ("model", "name", "adapter", "as_list"),
    TEXT_FIELDS,
    ids=[f"{m}.{n}" for m, n, *_ in TEXT_FIELDS],
)
def test_every_text_field_refuses_control_characters(
    model: str, name: str, adapter: TypeAdapter[Any], as_list: bool, bad: str
) -> None:
    with pytest.raises(ValidationError):
        adapter.validate_python([bad] if as_list else bad)


def test_line_breaks_and_tabs_are_kept_in_prose_only() -> None:
    session = Session.model_validate(
        {"id": "s", "event": "e", "title": "T", "key_messages": ["One\n\tand two"]}
    )
    assert session.key_messages == ["One\n\tand two"]
    with pytest.raises(ValidationError, match="character 2 is a line break"):
        Session.model_validate({"id": "s", "event": "e", "title": "T\nU"})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), True])
def test_a_figure_is_a_finite_number(value: float) -> None:
    with pytest.raises(ValidationError):
        Event.model_validate(
            {
                "id": "e",
                "title": "E",
                "kind": "conference",
                "figures": [{"label": "people", "value": value}],
            }
        )


@pytest.mark.parametrize("value", [True, False, 2.0, "2"])
def test_an_edition_is_a_whole_number_never_a_yes_or_no(value: object) -> None:
    with pytest.raises(ValidationError):
        Event.model_validate({"id": "e", "title": "E", "kind": "conference", "edition": value})


def test_a_time_zone_too_long_for_a_file_name_is_a_problem_not_a_crash() -> None:
    with pytest.raises(ValidationError, match="is not a known time zone"):
        Event.model_validate({"id": "e", "title": "E", "kind": "conference", "timezone": "x" * 300})
