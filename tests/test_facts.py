"""The checklist of the seed article's facts: each one must be in the data, with its quote.

Each entry names a fact as the article states it, and a check over the loaded data.
The evidence tests separately prove that every quote is verbatim in the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from astana_talks import Dataset
from astana_talks.models import Event, Relation


def event(ds: Dataset, event_id: str) -> Event:
    [found] = [e for e in ds.events if e.event_id == event_id]
    return found


def related(ds: Dataset, subject: str, relation: str, obj: str) -> Relation:
    [found] = [
        r
        for r in ds.relations
        if (r.subject_id, r.relation.value, r.object_id) == (subject, relation, obj)
    ]
    return found


def participants(ds: Dataset, number: int, role: str) -> dict[str, str]:
    return {p.actor_id: p.attendance.value for p in ds.participants_of(number) if p.role == role}


def seed_attendance(ds: Dataset, number: int, role: str) -> dict[str, str]:
    """What the seed article said of each participant's attendance before the round,
    kept as a citation ('the seed article, before the round: expected')."""
    found = {}
    for p in ds.participants_of(number):
        for c in ds.citations_of(p):
            if (
                p.role == role
                and c.note
                and c.note.startswith("the seed article, before the round")
            ):
                found[p.actor_id] = c.note.rsplit(": ", 1)[1]
    return found


def agenda(ds: Dataset, number: int) -> list[str]:
    return [a.topic.value for a in ds.agenda_of(number)]


def figure(ds: Dataset, figure_id: str) -> tuple[str, int, str]:
    [f] = [f for f in ds.figures if f.figure_id == figure_id]
    return (f.measure.value, f.value, f.qualifier.value)


FACTS: list[tuple[str, Callable[[Dataset], bool]]] = [
    (
        "Türkiye, Russia and Iran are the guarantors",
        lambda ds: all(
            related(ds, a, "member_of", "astana-guarantors") for a in ("turkiye", "russia", "iran")
        ),
    ),
    (
        "Kazakhstan's foreign ministry announced the round on a Friday (19 January 2024, inferred)",
        lambda ds: (
            (e := event(ds, "round-21-announced")).actor_id == "kazakhstan-foreign-ministry"
            and str(e.date) == "2024-01-19"
            and "date" in e.inferred()
            and e.round_number == 21
        ),
    ),
    (
        "the ministry said so in a statement",
        lambda ds: any(
            c.quote == "the ministry said in a statement"
            for c in ds.citations_of(event(ds, "round-21-announced"))
        ),
    ),
    (
        "two-day talks in the Kazakh capital Astana, 24-25 January (year inferred)",
        lambda ds: (
            (r := ds.round(21)).city == "Astana"
            and r.country == "KAZ"
            and (str(r.start_date), str(r.end_date)) == ("2024-01-24", "2024-01-25")
            and r.end_date is not None
            and r.start_date is not None
            and (r.end_date.earliest() - r.start_date.earliest()).days == 1
            and "dailysabah-2024-01-astana-21" in {c.source_id for c in ds.citations_of(r)}
        ),
    ),
    (
        "round 21 is announced (the article predates it; later sources report it held)",
        lambda ds: (
            ds.round(21).status.value == "held"
            and any(
                c.source_id == "dailysabah-2024-01-astana-21" and "seed article" in (c.note or "")
                for c in ds.citations_of(ds.round(21))
            )
        ),
    ),
    (
        "Turkish, Russian and Iranian delegations will attend round 21",
        lambda ds: (
            seed_attendance(ds, 21, "guarantor")
            == {"turkiye": "confirmed", "russia": "confirmed", "iran": "confirmed"}
        ),
    ),
    (
        "the Syrian opposition and the Assad government will attend round 21",
        lambda ds: (
            seed_attendance(ds, 21, "party")
            == {"syrian-opposition": "confirmed", "syrian-government": "confirmed"}
        ),
    ),
    (
        "the UN, Jordan, Iraq and Lebanon are expected to send observers",
        lambda ds: (
            seed_attendance(ds, 21, "observer")
            == {
                "united-nations": "expected",
                "jordan": "expected",
                "iraq": "expected",
                "lebanon": "expected",
            }
        ),
    ),
    (
        "round 21 agenda: regional crisis, comprehensive solution, humanitarian, reconstruction",
        lambda ds: (
            agenda(ds, 21)
            == ["regional_situation", "political_settlement", "humanitarian", "reconstruction"]
        ),
    ),
    (
        "reconstruction within the framework of UNSC Resolution 2642",
        lambda ds: "Resolution 2642" in ds.agenda_of(21)[3].description,
    ),
    (
        "the process was launched in 2017 under the guarantors",
        lambda ds: (
            (e := event(ds, "astana-process-launched")).kind.value == "launch"
            and str(e.date) == "2017"
            and e.actor_id == "astana-guarantors"
        ),
    ),
    (
        "the civil war began in early 2011",
        lambda ds: (
            (e := event(ds, "syrian-civil-war-began")).kind.value == "outbreak"
            and str(e.date) == "2011"
            and e.date_qualifier is not None
            and e.date_qualifier.value == "early"
        ),
    ),
    (
        "the war began with the government's crackdown on pro-democracy protesters (framing kept)",
        lambda ds: (
            (e := event(ds, "protests-crackdown-2011")).actor_id == "syrian-government"
            and e.framing == "pro-democracy protestors with unexpected ferocity"
            and "pro-democracy" not in e.description
        ),
    ),
    (
        "the war displaced nearly 7 million people",
        lambda ds: figure(ds, "syrian-war-displaced") == ("displaced", 7_000_000, "nearly"),
    ),
    (
        "the war caused the deaths of over 300,000 people",
        lambda ds: figure(ds, "syrian-war-deaths") == ("deaths", 300_000, "over"),
    ),
    (
        "the summit convenes upon the request of the guarantor nations",
        lambda ds: (
            (e := event(ds, "round-21-requested")).kind.value == "request"
            and e.actor_id == "astana-guarantors"
        ),
    ),
    (
        "Kazakhstan has hosted the meetings",
        lambda ds: all(ds.round(n).host == "kazakhstan" for n in (20, 21)),
    ),
    (
        "the nations last assembled in June 2023 (round 20, a month, not a day)",
        lambda ds: (
            str(ds.round(20).start_date) == "2023-06-20"
            and ds.round(20).status.value == "held"
            and "when the nations last assembled in June 2023"
            in {c.quote for c in ds.citations_of(ds.round(20))}
        ),
    ),
    (
        "Kanat Tumysh called for concluding the process, citing Syria's return to the Arab League",
        lambda ds: (
            (e := event(ds, "tumysh-calls-for-end")).actor_id == "kanat-tumysh"
            and e.kind.value == "call"
            and "Arab League" in e.quote
        ),
    ),
    (
        "Tumysh is Kazakhstan's deputy foreign minister",
        lambda ds: (
            ds.actor("kanat-tumysh").country == "KAZ"
            and ds.actor("kanat-tumysh").kind.value == "person"
        ),
    ),
    (
        "the Russian negotiator replied that the process wasn't yet over",
        lambda ds: (
            (e := event(ds, "russia-replies-not-over")).counterpart_id == "kanat-tumysh"
            and "wasn’t yet over" in e.quote
        ),
    ),
    (
        "the Russian negotiator suggested Russia, Türkiye and Iran take turns hosting",
        lambda ds: (
            event(ds, "russia-proposes-rotating-hosts").actor_id == "russian-negotiator-2023"
        ),
    ),
    (
        "neither Ankara nor Tehran floated the idea",
        lambda ds: (
            not event(ds, "turkiye-did-not-propose-rotation").occurred
            and not event(ds, "iran-did-not-propose-rotation").occurred
        ),
    ),
    (
        "round 20 agenda: normalisation, hostages, humanitarian, rebuilding, refugees, ...",
        lambda ds: (
            agenda(ds, 20)
            == [
                "normalization",
                "detainees_and_missing",
                "humanitarian",
                "reconstruction",
                "refugee_return",
                "counterterrorism",
            ]
        ),
    ),
    (
        "counterterrorism was the most prominent topic of round 20",
        lambda ds: (
            [a.topic.value for a in ds.agenda_of(20) if a.most_prominent] == ["counterterrorism"]
        ),
    ),
    (
        "Daesh, the PKK and the YPG rose to prominence (the source calls them terrorist groups)",
        lambda ds: all(
            event(ds, f"{g}-rose-to-prominence").framing == "terrorist groups"
            for g in ("daesh", "pkk", "ypg")
        ),
    ),
    (
        "a joint statement condemned self-rule initiatives and backers of terrorist entities",
        lambda ds: (
            (e := event(ds, "round-20-joint-statement")).round_number == 20
            and "illegitimate self-rule initiatives" in e.description
            and "actor_id" in e.inferred()
        ),
    ),
    (
        "the YPG is the PKK's Syrian affiliate (the source's claim)",
        lambda ds: (
            related(ds, "ypg", "affiliate_of", "pkk").source_id == "dailysabah-2024-01-astana-21"
        ),
    ),
    (
        "the United States has strongly backed the YPG (the 'pretext' is the source's framing)",
        lambda ds: (
            related(ds, "united-states", "backs", "ypg").framing
            == "under the pretext of fighting the Daesh terror group"
        ),
    ),
    (
        "with US help the YPG grew stronger in northeastern Syria",
        lambda ds: (
            event(ds, "ypg-grew-stronger-in-northeast").counterpart_id is None
            and bool(related(ds, "united-states", "backs", "ypg"))
        ),
    ),
    (
        "the YPG, with the PKK, controls much of Syria's east",
        lambda ds: (
            bool(related(ds, "ypg", "controls_territory_of", "syria"))
            and bool(related(ds, "pkk", "controls_territory_of", "syria"))
        ),
    ),
    (
        "Türkiye has backed the opposition since the war broke out",
        lambda ds: str(related(ds, "turkiye", "backs", "syrian-opposition").since) == "2011",
    ),
    (
        "the Assad government frequently denounced Ankara's support",
        lambda ds: related(ds, "syrian-government", "denounces", "turkiye").detail is not None,
    ),
    (
        "relations thawed after the 6 February earthquakes (year inferred)",
        lambda ds: (
            (e := event(ds, "turkiye-syria-thaw")).kind.value == "rapprochement"
            and e.date_qualifier is not None
            and e.date_qualifier.value == "after"
            and str(event(ds, "earthquakes-2023-02-06").date) == "2023-02-06"
        ),
    ),
    (
        "the earthquakes killed more than 56,000 people in both countries",
        lambda ds: figure(ds, "earthquake-2023-deaths") == ("deaths", 56_000, "more_than"),
    ),
    (
        "Turkish officials have floated counterterrorism cooperation with Damascus",
        lambda ds: (
            event(ds, "turkiye-floats-counterterrorism-cooperation").counterpart_id
            == "syrian-government"
        ),
    ),
    (
        "Syria returned to the Arab League before June 2023",
        lambda ds: (
            (e := event(ds, "syria-returned-to-arab-league")).counterpart_id == "arab-league"
            and e.date_qualifier is not None
            and e.date_qualifier.value == "before"
        ),
    ),
    (
        "'regime' and 'terror group' are the source's framing, kept as attributed names",
        lambda ds: (
            {n.name for n in ds.actor_names if n.usage.value == "framing"}
            == {"the Bashar Assad regime", "the Damascus-based regime", "the Daesh terror group"}
        ),
    ),
    (
        "the article is Daily Sabah's, its title and date inferred",
        lambda ds: (
            (s := ds.sources[0]).publisher == "Daily Sabah"
            and str(s.published) == "2024-01"
            and s.inferred() == {"title", "published"}
        ),
    ),
]


@pytest.mark.parametrize(("fact", "check"), FACTS, ids=[f for f, _ in FACTS])
def test_fact_is_in_the_data(ds: Dataset, fact: str, check: Callable[[Dataset], bool]) -> None:
    assert check(ds), fact


def test_the_neutral_vocabulary_has_no_framing_words(ds: Dataset) -> None:
    loaded = re.compile(r"\b(terror group|terrorist groups?|terrorists?|regime|pretext)\b", re.I)
    neutral = [a.name for a in ds.actors]  # agenda descriptions follow their source's wording
    neutral += [e.description for e in ds.events if e.kind.value != "joint_statement"]
    assert [text for text in neutral if loaded.search(text)] == []
