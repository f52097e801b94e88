"""The tables of the dataset as Pydantic models: the one source of truth.

Each model is one table; each field is one column, in the order the CSV has them.
Types, constraints, vocabularies and descriptions declared here generate the
Table Schemas in ``schemas/``, the resources of ``datapackage.json`` and the
codebook, and a test fails when those files drift from these classes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .dates import PartialDate
from .vocabularies import (
    ActorKind,
    Attendance,
    DateQualifier,
    EventKind,
    Language,
    Measure,
    NameUsage,
    Qualifier,
    RelationKind,
    Role,
    RoundStatus,
    Topic,
)

# Patterns are written unanchored, as Table Schema reads them (the whole cell must
# match); ``anchored`` adds the anchors Pydantic needs.
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
#: Whitespace as Python's ``str.isspace`` knows it, spelt out so that Python's ``re``,
#: Pydantic's Rust engine and the validator's RE2 all read the pattern the same way.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
TEXT = f"[^{WHITESPACE}\x00]([^\n\r\x00]*[^{WHITESPACE}\x00])?"
"""Text on one line without leading or trailing whitespace (and no NUL character)."""
ISO_ALPHA3 = r"[A-Z]{3}"
QID = r"Q[1-9][0-9]*"
URL = f"https?://[^{WHITESPACE}\x00]+"
SHA256 = r"[0-9a-f]{64}"
FIELD_NAMES = r"[a-z_]+( [a-z_]+)*"
TEXT_FILE = r"data/sources/[a-z0-9]+(-[a-z0-9]+)*\.txt"
TABLE_NAME = r"[a-z_]+"


#: What each pattern means, in words a contributor can act on.
PATTERN_NAMES: dict[str, str] = {
    SLUG: "a lowercase id of letters, digits and single hyphens (e.g. 'united-nations')",
    TEXT: "text on one line without leading or trailing spaces",
    ISO_ALPHA3: "an ISO 3166-1 alpha-3 country code in capitals (e.g. 'TUR')",
    QID: "a Wikidata id (e.g. 'Q43')",
    URL: "an http:// or https:// URL",
    SHA256: "64 lowercase hexadecimal digits",
    FIELD_NAMES: "column names separated by single spaces",
    TEXT_FILE: "a path like 'data/sources/<source_id>.txt'",
    TABLE_NAME: "a table name (lowercase letters and underscores)",
}


def anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


Slug = Annotated[str, Field(pattern=anchored(SLUG), max_length=80)]
Text = Annotated[str, Field(pattern=anchored(TEXT))]
CountryCode = Annotated[str, Field(pattern=anchored(ISO_ALPHA3))]


_INHERITED_ORDER = ("source_id", "quote", "inferred_fields", "inference_note")


class Record(BaseModel):
    """A row of one of the dataset's tables."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    table: ClassVar[str]
    table_title: ClassVar[str]
    primary_key: ClassVar[tuple[str, ...]]
    foreign_keys: ClassVar[dict[str, str]] = {}
    """Column -> referenced table; the reference is that table's one-column key."""

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """Column names in CSV order: the table's own fields, then inherited ones."""
        own = [name for name in cls.__annotations__ if name in cls.model_fields]
        inherited = [n for n in _INHERITED_ORDER if n in cls.model_fields and n not in own]
        return tuple(own + inherited)

    def __repr_args__(self) -> Iterator[tuple[str, object]]:
        # repr() and str() list the fields in CSV order, key first.
        return ((name, getattr(self, name)) for name in self.columns())

    def citation_key(self) -> str:
        """The primary key as ``citations.record`` writes it: values joined by '/'."""
        return "/".join(str(getattr(v, "value", v)) for v in self.key())

    def key(self) -> tuple[object, ...]:
        """The primary-key values of this row."""
        return tuple(getattr(self, name) for name in self.primary_key)


class Inferable(Record):
    """A row some of whose values are inferred rather than stated by the source."""

    inferred_fields: str | None = Field(
        default=None,
        pattern=anchored(FIELD_NAMES),
        description=(
            "Space-separated names of the columns of this row whose values are inferred "
            "rather than stated by the source; empty when everything is stated."
        ),
    )
    inference_note: Text | None = Field(
        default=None,
        description="How the inferred values were reached; required when inferred_fields is set.",
    )

    @model_validator(mode="after")
    def _inference_is_explained(self) -> Inferable:
        names = self.inferred_fields.split() if self.inferred_fields else []
        unknown = [name for name in names if name not in type(self).model_fields]
        if unknown:
            raise ValueError(f"inferred_fields names unknown columns: {', '.join(unknown)}")
        if names and not self.inference_note:
            raise ValueError("inference_note must explain the inferred_fields")
        if self.inference_note and not names:
            raise ValueError("inference_note is set but inferred_fields is empty")
        return self

    def inferred(self) -> frozenset[str]:
        """The names of the columns whose values are inferred."""
        return frozenset(self.inferred_fields.split() if self.inferred_fields else ())


class Evidenced(Inferable):
    """A row that cites a source and the verbatim words supporting it."""

    source_id: Slug = Field(description="The source this row is taken from.")
    quote: Text = Field(
        description=(
            "Words of the source supporting the row: an exact substring of the source's "
            "text, Unicode as it is (curly quotes included)."
        )
    )


class Source(Inferable):
    """Documents the data is taken from; the full text of each ships in data/sources/."""

    table: ClassVar[str] = "sources"
    table_title: ClassVar[str] = "Sources"
    primary_key: ClassVar[tuple[str, ...]] = ("source_id",)

    source_id: Slug = Field(description="Identifier of the source (lowercase slug).")
    title: Text = Field(description="Title of the source document.")
    publisher: Text = Field(description="Who published the source.")
    url: str = Field(pattern=anchored(URL), description="Where the source was published.")
    published: PartialDate | None = Field(
        default=None,
        description="Publication date, partial ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    language: Language = Field(description="Language of the source (ISO 639-1).")
    text_file: str = Field(
        pattern=anchored(TEXT_FILE),
        description="Path of the source's text, relative to the package root.",
    )
    text_sha256: str = Field(
        pattern=anchored(SHA256), description="SHA-256 of the text file's bytes, hex."
    )


class Actor(Evidenced):
    """States, governments, organisations, groups and people the sources mention."""

    table: ClassVar[str] = "actors"
    table_title: ClassVar[str] = "Actors"
    primary_key: ClassVar[tuple[str, ...]] = ("actor_id",)
    foreign_keys: ClassVar[dict[str, str]] = {"source_id": "sources"}

    actor_id: Slug = Field(description="Identifier of the actor (lowercase slug).")
    name: Text = Field(description="Neutral English name of the actor.")
    kind: ActorKind = Field(description="What kind of actor this is.")
    country: CountryCode | None = Field(
        default=None,
        description="ISO 3166-1 alpha-3 code of the actor's country, where one applies.",
    )
    wikidata: str | None = Field(
        default=None,
        pattern=anchored(QID),
        description="Wikidata item (QID) of the actor, only where it is known; else empty.",
    )


class ActorName(Evidenced):
    """Every name by which a source refers to an actor; used to resolve names to actors."""

    table: ClassVar[str] = "actor_names"
    table_title: ClassVar[str] = "Actor names"
    primary_key: ClassVar[tuple[str, ...]] = ("actor_id", "name")
    foreign_keys: ClassVar[dict[str, str]] = {"actor_id": "actors", "source_id": "sources"}

    actor_id: Slug = Field(description="The actor referred to.")
    name: Text = Field(description="The name as the source writes it (a substring of the quote).")
    usage: NameUsage = Field(description="How the name refers to the actor.")


class Round(Evidenced):
    """Numbered rounds of the Astana talks."""

    table: ClassVar[str] = "rounds"
    table_title: ClassVar[str] = "Rounds"
    primary_key: ClassVar[tuple[str, ...]] = ("round_number",)
    foreign_keys: ClassVar[dict[str, str]] = {"host": "actors", "source_id": "sources"}

    round_number: int = Field(ge=1, le=999, description="Number of the round (1, 2, ...).")
    start_date: PartialDate | None = Field(
        default=None, description="First day of the round, to the precision the source gives."
    )
    end_date: PartialDate | None = Field(
        default=None,
        description=(
            "Last day of the round, to the precision the source gives; not before start_date."
        ),
    )
    city: Text | None = Field(default=None, description="City, as named at the time.")
    country: CountryCode | None = Field(
        default=None, description="ISO 3166-1 alpha-3 code of the host country."
    )
    host: Slug | None = Field(default=None, description="The hosting actor.")
    status: RoundStatus = Field(description="Whether the round was announced, held, ...")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Round:
        if self.end_date is not None and self.start_date is None:
            raise ValueError("end_date is set but start_date is empty")
        if (
            self.start_date is not None
            and self.end_date is not None
            and self.end_date.certainly_before(self.start_date)
        ):
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


class Participant(Evidenced):
    """Who takes part in each round, in which role, and how certain that is."""

    table: ClassVar[str] = "participants"
    table_title: ClassVar[str] = "Participants"
    primary_key: ClassVar[tuple[str, ...]] = ("round_number", "actor_id", "role")
    foreign_keys: ClassVar[dict[str, str]] = {
        "round_number": "rounds",
        "actor_id": "actors",
        "source_id": "sources",
    }

    round_number: int = Field(ge=1, le=999, description="The round.")
    actor_id: Slug = Field(description="The participating actor.")
    role: Role = Field(description="The capacity in which the actor takes part.")
    attendance: Attendance = Field(description="How certain the source is of the attendance.")


class AgendaItem(Evidenced):
    """Topics on the agenda of each round, in the source's order."""

    table: ClassVar[str] = "agenda_items"
    table_title: ClassVar[str] = "Agenda items"
    primary_key: ClassVar[tuple[str, ...]] = ("round_number", "item_number")
    foreign_keys: ClassVar[dict[str, str]] = {"round_number": "rounds", "source_id": "sources"}

    round_number: int = Field(ge=1, le=999, description="The round.")
    item_number: int = Field(ge=1, le=99, description="Position of the item in the source's list.")
    topic: Topic = Field(description="What the item is about.")
    description: Text = Field(description="The item, close to the source's wording, neutral.")
    most_prominent: bool = Field(
        description="True for the item the source calls the most prominent."
    )


class Event(Evidenced):
    """Dated (or datable) things the sources report: announcements, calls, proposals, ..."""

    table: ClassVar[str] = "events"
    table_title: ClassVar[str] = "Events"
    primary_key: ClassVar[tuple[str, ...]] = ("event_id",)
    foreign_keys: ClassVar[dict[str, str]] = {
        "round_number": "rounds",
        "actor_id": "actors",
        "counterpart_id": "actors",
        "source_id": "sources",
    }

    event_id: Slug = Field(description="Identifier of the event (lowercase slug).")
    kind: EventKind = Field(description="What kind of event.")
    date: PartialDate | None = Field(
        default=None, description="When, to the precision the source gives."
    )
    date_qualifier: DateQualifier | None = Field(
        default=None, description="A qualifier the source puts on the date ('early 2011')."
    )
    round_number: int | None = Field(
        default=None, ge=1, le=999, description="The round the event belongs to, if any."
    )
    actor_id: Slug | None = Field(default=None, description="Who acted.")
    counterpart_id: Slug | None = Field(
        default=None, description="Who the action was directed at or shared with."
    )
    occurred: bool = Field(
        description="False when the source states that the event did not happen.",
    )
    description: Text = Field(description="What happened, in neutral words.")
    framing: Text | None = Field(
        default=None,
        description="The source's own evaluative words about the event, verbatim; its claim.",
    )


class Relation(Evidenced):
    """Standing relations a source asserts between two actors."""

    table: ClassVar[str] = "relations"
    table_title: ClassVar[str] = "Relations"
    primary_key: ClassVar[tuple[str, ...]] = ("subject_id", "relation", "object_id")
    foreign_keys: ClassVar[dict[str, str]] = {
        "subject_id": "actors",
        "object_id": "actors",
        "source_id": "sources",
    }

    subject_id: Slug = Field(description="The actor the relation goes from.")
    relation: RelationKind = Field(description="The relation.")
    object_id: Slug = Field(description="The actor the relation goes to.")
    since: PartialDate | None = Field(
        default=None, description="Since when, to the precision the source gives."
    )
    detail: Text | None = Field(default=None, description="Scope or extent, in neutral words.")
    framing: Text | None = Field(
        default=None,
        description="The source's own evaluative words about the relation, verbatim; its claim.",
    )


class Figure(Evidenced):
    """Numbers the sources give, with their qualifiers ('nearly', 'over', 'more than')."""

    table: ClassVar[str] = "figures"
    table_title: ClassVar[str] = "Figures"
    primary_key: ClassVar[tuple[str, ...]] = ("figure_id",)
    foreign_keys: ClassVar[dict[str, str]] = {"event_id": "events", "source_id": "sources"}

    figure_id: Slug = Field(description="Identifier of the figure (lowercase slug).")
    measure: Measure = Field(description="What is counted.")
    value: int = Field(ge=0, le=10**10, description="The number as the source gives it.")
    qualifier: Qualifier = Field(description="How the source qualifies the number.")
    event_id: Slug | None = Field(default=None, description="The event the number belongs to.")
    description: Text = Field(description="What the number counts, in neutral words.")


class Citation(Evidenced):
    """Further sources and quotes for rows of the other tables (a row's first is in the row)."""

    table: ClassVar[str] = "citations"
    table_title: ClassVar[str] = "Citations"
    primary_key: ClassVar[tuple[str, ...]] = ("table_name", "record", "source_id", "quote")
    foreign_keys: ClassVar[dict[str, str]] = {"source_id": "sources"}

    table_name: str = Field(pattern=anchored(TABLE_NAME), description="The table of the cited row.")
    record: Text = Field(
        description=(
            "The cited row's primary key, its values joined by '/' (e.g. '21/turkiye/guarantor')."
        )
    )
    note: Text | None = Field(default=None, description="What the citation adds.")


#: Every table, in the order a loader must read them (referenced tables first).
MODELS: tuple[type[Record], ...] = (
    Source,
    Actor,
    ActorName,
    Round,
    Participant,
    AgendaItem,
    Event,
    Relation,
    Figure,
    Citation,
)
TABLES: dict[str, type[Record]] = {model.table: model for model in MODELS}
