import datetime as dt

import pytest

from clusterreports.content.moment import Moment, parse_moment


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2016, Moment(2016)),
        ("2016-12", Moment(2016, 12)),
        ("2016-12-01", Moment(2016, 12, 1)),
        (dt.date(2016, 12, 1), Moment(2016, 12, 1)),
        ("2022-10-05 08:30", Moment(2022, 10, 5, 8, 30)),
        ("2022-10-05T08:30", Moment(2022, 10, 5, 8, 30)),
        (dt.datetime(2022, 10, 5, 8, 30), Moment(2022, 10, 5, 8, 30)),
    ],
)
def test_parse_accepts_every_precision(value: object, expected: Moment) -> None:
    assert parse_moment(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2016-02-30", "'2016-02-30' is not a real date (day is out of range for month)"),
        ("early 2017", "'early 2017' is not a date: write YYYY, YYYY-MM"),
        (True, "True is not a date"),
        (
            dt.datetime(2022, 10, 5, 8, 30, tzinfo=dt.UTC),
            "carries a UTC offset: give the local time and set the record's 'timezone'",
        ),
    ],
)
def test_parse_rejects_with_a_fix(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        parse_moment(value)
    assert message in str(info.value)


def test_text_keeps_the_sources_precision() -> None:
    assert Moment(2016).date_text() == "2016"
    assert Moment(2017, 3).date_text() == "March 2017"
    assert Moment(2022, 10, 5, 8, 30).date_text() == "5 October 2022"
    assert Moment(2022, 10, 5, 8, 30).time_text() == "8:30"
    assert Moment(2017, 3).last_day() == dt.date(2017, 3, 31)
    assert Moment(2016).last_day() == dt.date(2016, 12, 31)


def test_time_zone_abbreviation_follows_the_date() -> None:
    summer = Moment(2022, 10, 5, 8, 30).as_datetime("CET")
    winter = Moment(2022, 12, 5, 8, 30).as_datetime("CET")
    assert summer is not None and summer.tzname() == "CEST"
    assert winter is not None and winter.tzname() == "CET"
    assert Moment(2022, 10, 5).as_datetime("CET") is None
