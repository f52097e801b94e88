"""Partial ISO 8601 dates that keep the precision their source gives.

"June 2023" is ``PartialDate("2023-06")``, never ``2023-06-01``. A partial date
denotes an interval of days: ``2023`` is 2023-01-01 .. 2023-12-31.

Ordering and comparison (documented contract):

* Equality is textual: ``2023-06 == 2023-06`` but ``2023-06 != 2023-06-01``;
  a month is not the same claim as a day inside it.
* ``<``, ``<=``, ``>``, ``>=`` form a total order, so partial dates sort: first by
  the earliest day they denote, then coarser before finer. ``2023 < 2023-01 <
  2023-01-01 < 2023-01-02 < 2023-02``.
* For questions about time rather than sorting, use :meth:`PartialDate.earliest`,
  :meth:`PartialDate.latest`, :meth:`PartialDate.contains` and
  :meth:`PartialDate.certainly_before`, which respect the uncertainty:
  ``2023`` is not certainly before ``2023-06``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import Enum
from functools import total_ordering
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

#: The shape of a partial date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, real or not.
PARTIAL_DATE_SHAPE = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"

_YEAR = "([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"  # not 0000
_MONTH_AND_DAY = (
    "(0[13578]|1[02])(-(0[1-9]|[12][0-9]|3[01]))?"
    "|(0[469]|11)(-(0[1-9]|[12][0-9]|30))?"
    "|02(-(0[1-9]|1[0-9]|2[0-8]))?"
)
_MULTIPLE_OF_4 = "(0[48]|[2468][048]|[13579][26])"  # 04 .. 96 (00 is handled apart)
_LEAP_YEAR = f"([0-9]{{2}}{_MULTIPLE_OF_4}|{_MULTIPLE_OF_4}00)"  # Gregorian, 0000 excluded

#: A real partial date (year 0001-9999, 29 February only in leap years), written so
#: that Python ``re``, RE2 (pyarrow) and Frictionless read it the same way. It is the
#: pattern of the type's JSON Schema and of the Table Schemas; tests/test_dates.py holds
#: it equal to the constructor's verdict on every year, month and day.
PARTIAL_DATE_PATTERN = f"^({_YEAR}(-({_MONTH_AND_DAY}))?|{_LEAP_YEAR}-02-29)$"
#: The JSON Schema ``format`` of a partial date.
PARTIAL_DATE_FORMAT = "partial-date"
_SHAPE = re.compile(PARTIAL_DATE_SHAPE)


class Precision(str, Enum):
    """How much of a date the source states."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@total_ordering
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    __slots__ = ("day", "month", "year")

    year: int
    month: int | None
    day: int | None

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not _SHAPE.fullmatch(text):
            raise ValueError(f"{text!r} is not a partial date: write YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(part) for part in text.split("-")]
        year = parts[0]
        month = parts[1] if len(parts) > 1 else None
        day = parts[2] if len(parts) > 2 else None
        if year < 1:
            raise ValueError(f"{text!r} is not a partial date: year 0000 does not exist")
        if month is not None and day is not None:
            last = calendar.monthrange(year, month)[1]
            if day > last:
                raise ValueError(f"{text!r} is not a real day: {year}-{month:02d} has {last} days")
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "day", day)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PartialDate is immutable")

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def earliest(self) -> dt.date:
        """The first day the partial date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last day the partial date can mean."""
        if self.day is not None:
            return self.earliest()
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains(self, other: PartialDate) -> bool:
        """True when every day ``other`` can mean lies within this date."""
        return self.earliest() <= other.earliest() and other.latest() <= self.latest()

    def certainly_before(self, other: PartialDate) -> bool:
        """True when every day this date can mean precedes every day ``other`` can mean."""
        return self.latest() < other.earliest()

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_text = core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(strict=True)
        )
        return core_schema.json_or_python_schema(
            json_schema=from_text,
            python_schema=core_schema.union_schema(
                [core_schema.is_instance_schema(cls), from_text]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": PARTIAL_DATE_PATTERN, "format": PARTIAL_DATE_FORMAT}
