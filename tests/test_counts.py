"""Pinned counts of the canonical data: a change to the data must change this file."""

from __future__ import annotations

import pytest

from astana_talks import Dataset

COUNTS = {
    "sources": 1,
    "actors": 21,
    "actor_names": 38,
    "rounds": 2,
    "participants": 14,
    "agenda_items": 10,
    "events": 19,
    "relations": 10,
    "figures": 3,
    "citations": 7,
}


@pytest.mark.parametrize(("table", "count"), COUNTS.items())
def test_table_has_pinned_row_count(ds: Dataset, table: str, count: int) -> None:
    assert len(ds.table(table)) == count


def test_every_table_is_pinned(ds: Dataset) -> None:
    assert set(COUNTS) == set(ds.tables())


def test_rounds_are_20_and_21(ds: Dataset) -> None:
    assert [r.round_number for r in ds.rounds] == [20, 21]


def test_participants_per_round_and_role(ds: Dataset) -> None:
    def roles(number: int) -> dict[str, int]:
        found: dict[str, int] = {}
        for p in ds.participants_of(number):
            found[p.role.value] = found.get(p.role.value, 0) + 1
        return found

    assert roles(21) == {"host": 1, "guarantor": 3, "party": 2, "observer": 4}
    assert roles(20) == {"host": 1, "guarantor": 3}
