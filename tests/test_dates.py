"""Partial dates keep their precision and order as documented."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from astana_talks import PartialDate, Precision
from astana_talks.dates import PARTIAL_DATE_PATTERN


class Holder(BaseModel):
    when: PartialDate


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    precision = draw(st.sampled_from([4, 7, 10]))
    return PartialDate(day.isoformat()[:precision])


def test_a_month_stays_a_month() -> None:
    june = PartialDate("2023-06")
    assert june.precision is Precision.MONTH
    assert str(june) == "2023-06"
    assert june != PartialDate("2023-06-01")
    assert (june.earliest(), june.latest()) == (dt.date(2023, 6, 1), dt.date(2023, 6, 30))


@pytest.mark.parametrize(
    "text", ["2023-6", "2023-02-30", "2023-13", "23", "2023-06-01T00:00", " 2023", "0000", ""]
)
def test_malformed_or_impossible_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        PartialDate(text)


def test_sorting_is_by_first_day_then_coarser_first() -> None:
    texts = ["2023-02", "2023-01-01", "2023", "2022-12-31", "2023-01"]
    assert [str(d) for d in sorted(PartialDate(t) for t in texts)] == [
        "2022-12-31",
        "2023",
        "2023-01",
        "2023-01-01",
        "2023-02",
    ]


def test_time_questions_respect_uncertainty() -> None:
    year, june = PartialDate("2023"), PartialDate("2023-06")
    assert year.contains(june)
    assert not year.certainly_before(june)
    assert PartialDate("2023-05").certainly_before(june)


@given(partial_dates())
def test_text_round_trip_and_pattern_agree(date: PartialDate) -> None:
    assert PartialDate(str(date)) == date
    assert re.fullmatch(PARTIAL_DATE_PATTERN, str(date))
    assert Holder.model_validate_json(Holder(when=date).model_dump_json()).when == date


@given(partial_dates(), partial_dates())
def test_order_is_total_and_consistent_with_bounds(a: PartialDate, b: PartialDate) -> None:
    assert (a < b) + (a == b) + (a > b) == 1
    if a.certainly_before(b):
        assert a < b
    assert a.earliest() <= a.latest()


def test_pydantic_rejects_a_padded_day_for_a_month() -> None:
    with pytest.raises(ValidationError):
        Holder.model_validate({"when": "2023-06-00"})
