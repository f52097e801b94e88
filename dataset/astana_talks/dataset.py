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
    Event,
    Figure,
    Participant,
    Record,
    Relation,
    Round,
    Source,
)
from .names import closest, normalize_name

if TYPE_CHECKING:
    import pandas as pd

R = TypeVar("R", bound=Record)


class UnknownKeyError(LookupError):
    """No row has the key asked for; the message suggests the nearest one."""


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
    rounds: tuple[Round, ...]
    participants: tuple[Participant, ...]
    agenda_items: tuple[AgendaItem, ...]
    events: tuple[Event, ...]
    relations: tuple[Relation, ...]
    figures: tuple[Figure, ...]
    citations: tuple[Citation, ...]

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
    def _actors(self) -> dict[str, Actor]:
        return {a.actor_id: a for a in self.actors}

    @cached_property
    def _names(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for actor in self.actors:
            index[normalize_name(actor.actor_id)] = actor.actor_id
            index[normalize_name(actor.name)] = actor.actor_id
        for name in self.actor_names:
            index.setdefault(normalize_name(name.name), name.actor_id)
        return index

    def round(self, number: int) -> Round:
        """The round numbered ``number``; raises :class:`UnknownKeyError`."""
        try:
            return self._rounds[number]
        except KeyError:
            raise _unknown("round", number, (str(n) for n in self._rounds)) from None

    def get_round(self, number: int) -> Round | None:
        """The round numbered ``number``, or ``None``."""
        return self._rounds.get(number)

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
        self.round(number)
        return tuple(p for p in self.participants if p.round_number == number)

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
