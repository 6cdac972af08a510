import datetime as dt

import pytest
from pydantic import ValidationError

from clusterreports.content.models import (
    Event,
    FundingCall,
    Person,
    Poll,
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
