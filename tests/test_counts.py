"""Pinned counts of the canonical data: a change to the data must change this file."""

from __future__ import annotations

import pytest

from astana_talks import Dataset

COUNTS = {
    "sources": 361,
    "actors": 66,
    "actor_names": 188,
    "places": 6,
    "place_names": 11,
    "rounds": 22,
    "meetings": 10,
    "participants": 214,
    "delegations": 163,
    "agenda_items": 63,
    "outcomes": 79,
    "signatories": 3,
    "events": 20,
    "relations": 10,
    "figures": 3,
    "citations": 708,
    "disputes": 14,
    "claims": 108,
}


@pytest.mark.parametrize(("table", "count"), COUNTS.items())
def test_table_has_pinned_row_count(ds: Dataset, table: str, count: int) -> None:
    assert len(ds.table(table)) == count


def test_every_table_is_pinned(ds: Dataset) -> None:
    assert set(COUNTS) == set(ds.tables())


def test_rounds_are_1_to_22_and_the_doha_meeting_is_there(ds: Dataset) -> None:
    assert [r.round_number for r in ds.rounds] == list(range(1, 23))
    assert "doha-2024-12-07" in {m.meeting_id for m in ds.meetings}


def test_every_round_has_three_guarantors_both_parties_and_a_source(ds: Dataset) -> None:
    for r in ds.rounds:
        roles = [p.role.value for p in ds.participants_of(r.round_number)]
        assert roles.count("guarantor") == 3, r.round_number
        assert r.source_id
        assert r.quote


def test_questions_across_rounds(ds: Dataset) -> None:
    """The questions the README answers: when Iraq came, when the US stopped coming."""
    iraq = [p.round_number for p in ds.participants if p.actor_id == "iraq"]
    assert min(iraq) == 13
    us = {
        p.round_number: p.attendance.value for p in ds.participants if p.actor_id == "united-states"
    }
    assert [n for n, a in us.items() if a == "attended"] == list(range(1, 9))
    assert us[9] == "absent"
    opposition = {
        p.round_number: p.attendance.value
        for p in ds.participants_of(3)
        if p.actor_id == "syrian-opposition"
    }
    assert opposition == {3: "absent"}


def test_every_dispute_names_at_least_two_sources_and_uses_a_claimed_value(ds: Dataset) -> None:
    assert len(ds.disputes) >= 5
    for d in ds.disputes:
        claims = ds.claims_of(d.dispute_id)
        assert len({c.source_id for c in claims}) >= 2, d.dispute_id
        assert d.value_used in {c.value for c in claims}, d.dispute_id
        assert len({c.value for c in claims}) >= 2, d.dispute_id


def test_the_wider_doha_meeting_is_apart_from_the_guarantors_own(ds: Dataset) -> None:
    """On 7 December 2024 the guarantors met in Doha, and met five Arab states' foreign
    ministers there: two meetings, each with its own delegations and outcomes."""
    trio = {d.actor_id for d in ds.delegations_of("doha-2024-12-07")}
    wider = {d.actor_id for d in ds.delegations_of("doha-2024-12-07-arab-astana")}
    assert trio == {"iran", "russia", "turkiye", "united-nations"}
    assert wider - trio == {"egypt", "iraq", "jordan", "qatar", "saudi-arabia"}
    assert ds.meeting("doha-2024-12-07-arab-astana").kind.value == "extended"
    statements = {o.meeting_id for o in ds.outcomes if o.kind.value == "joint_statement"}
    assert "doha-2024-12-07-arab-astana" in statements
    assert "doha-2024-12-07" not in statements
