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


def _every_candidate() -> list[str]:
    """Every year alone, with February, with 28 and 29 February and 31 December, and
    every month/day pair from 00 to 32 in years that test the leap rules."""
    texts = [
        f"{y:04d}{tail}"
        for y in range(10_000)
        for tail in ("", "-02", "-02-28", "-02-29", "-12-31")
    ]
    texts += [
        f"{y:04d}-{m:02d}-{d:02d}"
        for y in (1, 4, 100, 400, 1900, 2000, 2023, 2024, 9996, 9999)
        for m in range(14)
        for d in range(33)
    ]
    return texts


def _is_partial_date(text: str) -> bool:
    try:
        PartialDate(text)
    except ValueError:
        return False
    return True


def test_the_schema_pattern_accepts_exactly_the_real_dates() -> None:
    # The pattern goes into the Table Schemas (Frictionless reads it with Python re)
    # and into the columnar checks (pyarrow reads it with RE2): all three must agree
    # with the PartialDate constructor on every candidate, leap years included.
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = _every_candidate()
    constructor = [_is_partial_date(t) for t in texts]
    python_re = [re.fullmatch(PARTIAL_DATE_PATTERN, t) is not None for t in texts]
    re2 = pc.match_substring_regex(pa.array(texts), PARTIAL_DATE_PATTERN).to_pylist()
    assert python_re == constructor
    assert re2 == constructor
    # an independent oracle: the standard library's calendar of real days
    assert constructor == [_real_by_datetime(t) for t in texts]


def _real_by_datetime(text: str) -> bool:
    padded = text + "-01-01"[: 10 - len(text)] if len(text) < 10 else text
    try:
        dt.date.fromisoformat(padded)
    except ValueError:
        return False
    return len(text) in (4, 7, 10)
