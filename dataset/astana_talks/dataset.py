"""The :class:`Dataset`: every table as a tuple of frozen records, with lookups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from .models import (
    TABLES,
    Actor,
    ActorName,
    AgendaItem,
    Citation,
    Claim,
    Delegation,
    Dispute,
    Event,
    Figure,
    Meeting,
    Outcome,
    Participant,
    Place,
    PlaceName,
    Record,
    Relation,
    Round,
    Signatory,
    Source,
)
from .names import closest, normalize_name

if TYPE_CHECKING:
    import pandas as pd

R = TypeVar("R", bound=Record)


class UnknownKeyError(LookupError):
    """No row has the key asked for; the message suggests the nearest one."""


def _name_index(
    own: Iterable[tuple[str, str]], others: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Folded name -> id: each row's id and own name first, then the further names (the
    first to claim a folded name keeps it, as the validator's ambiguous-name rule says)."""
    index: dict[str, str] = {}
    for key, name in own:
        index[normalize_name(key)] = key
        index[normalize_name(name)] = key
    for key, name in others:
        index.setdefault(normalize_name(name), key)
    return index


def _unknown(what: str, key: object, candidates: Iterable[str]) -> UnknownKeyError:
    near = closest(str(key), candidates)
    hint = f"; did you mean {near!r}?" if near is not None else ""
    return UnknownKeyError(f"no {what} {key!r}{hint}")


@dataclass(frozen=True, eq=True)
class Dataset:
    """The whole dataset. Tables are tuples in the CSV's row order."""

    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    actor_names: tuple[ActorName, ...]
    places: tuple[Place, ...]
    place_names: tuple[PlaceName, ...]
    rounds: tuple[Round, ...]
    meetings: tuple[Meeting, ...]
    participants: tuple[Participant, ...]
    delegations: tuple[Delegation, ...]
    agenda_items: tuple[AgendaItem, ...]
    outcomes: tuple[Outcome, ...]
    signatories: tuple[Signatory, ...]
    events: tuple[Event, ...]
    relations: tuple[Relation, ...]
    figures: tuple[Figure, ...]
    citations: tuple[Citation, ...]
    disputes: tuple[Dispute, ...]
    claims: tuple[Claim, ...]

    @classmethod
    def tables(cls) -> tuple[str, ...]:
        """The names of the tables, in loading order."""
        return tuple(f.name for f in fields(cls))

    def table(self, name: str) -> tuple[Record, ...]:
        """The rows of the table called ``name``."""
        if name not in TABLES:
            raise _unknown("table", name, TABLES)
        rows: tuple[Record, ...] = getattr(self, name)
        return rows

    # -- lookups -------------------------------------------------------------

    @cached_property
    def _rounds(self) -> dict[int, Round]:
        return {r.round_number: r for r in self.rounds}

    @cached_property
    def _meetings(self) -> dict[str, Meeting]:
        return {m.meeting_id: m for m in self.meetings}

    @cached_property
    def _actors(self) -> dict[str, Actor]:
        return {a.actor_id: a for a in self.actors}

    @cached_property
    def _places(self) -> dict[str, Place]:
        return {p.place_id: p for p in self.places}

    @cached_property
    def _names(self) -> dict[str, str]:
        return _name_index(
            ((a.actor_id, a.name) for a in self.actors),
            ((n.actor_id, n.name) for n in self.actor_names),
        )

    @cached_property
    def _place_names(self) -> dict[str, str]:
        return _name_index(
            ((p.place_id, p.name) for p in self.places),
            ((n.place_id, n.name) for n in self.place_names),
        )

    def round(self, number: int | str) -> Round:
        """The round numbered ``number`` (``21`` or ``"21"``); raises :class:`UnknownKeyError`."""
        if isinstance(number, str):
            text = number.strip()
            if not (text.isascii() and text.isdigit()):
                raise UnknownKeyError(
                    f"no round {number!r}: rounds are numbered 1, 2, ... (e.g. round(21))"
                )
            number = int(text)
        try:
            return self._rounds[number]
        except KeyError:
            if isinstance(number, int) and self._rounds:
                near = min(self._rounds, key=lambda n: (abs(n - number), n))
                raise UnknownKeyError(f"no round {number}; did you mean {str(near)!r}?") from None
            raise _unknown("round", number, (str(n) for n in self._rounds)) from None

    def get_round(self, number: int | str) -> Round | None:
        """The round numbered ``number``, or ``None``."""
        try:
            return self.round(number)
        except UnknownKeyError:
            return None

    def meeting(self, meeting_id: str) -> Meeting:
        """The meeting without a round number with id ``meeting_id`` (e.g.
        ``"doha-2024-12-07"``); raises :class:`UnknownKeyError`."""
        try:
            return self._meetings[meeting_id]
        except KeyError:
            raise _unknown("meeting", meeting_id, self._meetings) from None

    def get_meeting(self, meeting_id: str) -> Meeting | None:
        """The meeting with id ``meeting_id``, or ``None``."""
        return self._meetings.get(meeting_id)

    def place(self, place_id: str) -> Place:
        """The place with id ``place_id``; raises :class:`UnknownKeyError`."""
        try:
            return self._places[place_id]
        except KeyError:
            raise _unknown("place", place_id, self._places) from None

    def resolve_place(self, name: str) -> Place:
        """The place a name refers to ("Nur-Sultan", "Astana", "the Kazakh capital"),
        folded as :meth:`resolve_actor` folds names."""
        place_id = self._place_names.get(normalize_name(name))
        if place_id is None:
            known = [p.name for p in self.places] + [n.name for n in self.place_names]
            raise _unknown("place named", name, known)
        return self._places[place_id]

    def _at(self, meeting: int | str, rows: Iterable[R]) -> tuple[R, ...]:
        """The rows (of a table with round_number or meeting_id) of one meeting."""
        if isinstance(meeting, str):
            self.meeting(meeting)
            return tuple(r for r in rows if getattr(r, "meeting_id", None) == meeting)
        self.round(meeting)
        return tuple(
            r
            for r in rows
            if getattr(r, "round_number", None) == meeting
            and getattr(r, "meeting_id", None) is None
        )

    def delegations_of(self, meeting: int | str) -> tuple[Delegation, ...]:
        """The delegations at round ``meeting`` (a number: ``4``, not ``"4"``) or at a
        meeting without a number (its id: ``"doha-2024-12-07"``)."""
        return self._at(meeting, self.delegations)

    def outcomes_of(self, meeting: int | str) -> tuple[Outcome, ...]:
        """What round ``meeting`` (a number) or a meeting (its id) produced."""
        return self._at(meeting, self.outcomes)

    def signatories_of(self, outcome_id: str) -> tuple[Signatory, ...]:
        """Who signed or adopted the outcome ``outcome_id``."""
        return tuple(s for s in self.signatories if s.outcome_id == outcome_id)

    def claims_of(self, dispute_id: str) -> tuple[Claim, ...]:
        """What each source claims in the dispute ``dispute_id``."""
        return tuple(c for c in self.claims if c.dispute_id == dispute_id)

    def disputes_of(self, record: Record) -> tuple[Dispute, ...]:
        """The disputes about values of ``record``."""
        key = record.citation_key()
        return tuple(d for d in self.disputes if d.table_name == record.table and d.record == key)

    def actor(self, actor_id: str) -> Actor:
        """The actor with id ``actor_id``; raises :class:`UnknownKeyError`."""
        try:
            return self._actors[actor_id]
        except KeyError:
            raise _unknown("actor", actor_id, self._actors) from None

    def get_actor(self, actor_id: str) -> Actor | None:
        """The actor with id ``actor_id``, or ``None``."""
        return self._actors.get(actor_id)

    def resolve_actor(self, name: str) -> Actor:
        """The actor a name refers to ("Ankara", "Türkiye", "turkiye", "U.N.", ...).

        Case, diacritics, punctuation and a leading "the" are ignored. Raises
        :class:`UnknownKeyError` with the nearest known name.
        """
        actor_id = self._names.get(normalize_name(name))
        if actor_id is None:
            known = [a.name for a in self.actors] + [n.name for n in self.actor_names]
            raise _unknown("actor named", name, known)
        return self._actors[actor_id]

    def names_of(self, actor_id: str) -> tuple[str, ...]:
        """Every name the sources use for ``actor_id``."""
        self.actor(actor_id)
        return tuple(n.name for n in self.actor_names if n.actor_id == actor_id)

    def participants_of(self, number: int) -> tuple[Participant, ...]:
        """The participants of round ``number``."""
        return self._at(number, self.participants)

    def agenda_of(self, number: int) -> tuple[AgendaItem, ...]:
        """The agenda items of round ``number``, in order."""
        self.round(number)
        return tuple(
            sorted(
                (a for a in self.agenda_items if a.round_number == number),
                key=lambda a: a.item_number,
            )
        )

    def citations_of(self, record: Record) -> tuple[Citation, ...]:
        """The further citations of ``record`` (its first is in the row)."""
        key = record.citation_key()
        return tuple(c for c in self.citations if c.table_name == record.table and c.record == key)

    # -- frames --------------------------------------------------------------

    def frame(self, table: str) -> pd.DataFrame:
        """The table as a pandas DataFrame with typed columns.

        Integers are nullable ``Int64``, booleans ``boolean``, vocabularies
        ``category`` (with every allowed value as a category), partial dates and
        text ``string``.
        """
        from .frames import to_frame

        rows = self.table(table)
        return to_frame(TABLES[table], rows)
