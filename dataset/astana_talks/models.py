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
from .rules import Explained, InOrder, OneOf, RowRule, Together
from .vocabularies import (
    ActorKind,
    Attendance,
    DateQualifier,
    EventKind,
    Language,
    Measure,
    MeetingKind,
    NameUsage,
    OutcomeKind,
    Qualifier,
    RelationKind,
    Role,
    RoundStatus,
    SourceKind,
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
#: The longest quote of a source that is not shipped in full: the words carrying the
#: fact (a date, a name, a place), never whole paragraphs.
QUOTE_WORDS = 25


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


_EVIDENCE_ORDER = (
    "source_id",
    "quote",
    "said_by",
    "inferred_fields",
    "inference_note",
)


_ROW_RULES: dict[type[Record], tuple[RowRule, ...]] = {}


class Record(BaseModel):
    """A row of one of the dataset's tables."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)

    table: ClassVar[str]
    table_title: ClassVar[str]
    primary_key: ClassVar[tuple[str, ...]]
    foreign_keys: ClassVar[dict[str, str]] = {}
    """Column -> referenced table; the reference is that table's one-column key."""
    rules: ClassVar[tuple[RowRule, ...]] = ()
    """The row rules a class adds to its tables (see :func:`row_rules`)."""

    @classmethod
    def row_rules(cls) -> tuple[RowRule, ...]:
        """Every row rule of the table: those of the class and of the mixins it shares
        with other tables, each once, the most general first."""
        found = _ROW_RULES.get(cls)
        if found is None:
            rules: list[RowRule] = []
            for klass in reversed(cls.__mro__):
                for rule in vars(klass).get("rules", ()):
                    if rule not in rules:
                        rules.append(rule)
            found = _ROW_RULES[cls] = tuple(rules)
        return found

    @model_validator(mode="after")
    def _follows_row_rules(self) -> Record:
        known = type(self).model_fields
        for rule in type(self).row_rules():
            row = {name: getattr(self, name) for name in rule.columns()}
            for violation in rule.violations(row, known):
                raise ValueError(violation.message)
        return self

    @classmethod
    def table_description(cls) -> str:
        """What a row of the table is: the class docstring as one paragraph."""
        return " ".join((cls.__doc__ or "").split())

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """Column names in CSV order: the table's own fields, then those of the mixins
        it shares with other tables (dates and place, the meeting), then the evidence."""
        found: list[str] = []
        for klass in cls.__mro__:
            if klass.__name__ in ("Evidenced", "Inferable", "Record"):
                continue
            for name in vars(klass).get("__annotations__", {}):
                if name in cls.model_fields and name not in found:
                    found.append(name)
        evidence = [n for n in _EVIDENCE_ORDER if n in cls.model_fields and n not in found]
        return tuple(found + evidence)

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

    rules: ClassVar[tuple[RowRule, ...]] = (Explained("inferred_fields", "inference_note"),)

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

    def inferred(self) -> frozenset[str]:
        """The names of the columns whose values are inferred."""
        return frozenset(self.inferred_fields.split() if self.inferred_fields else ())


class Evidenced(Inferable):
    """A row that cites a source and the verbatim words supporting it."""

    source_id: Slug = Field(description="The source this row is taken from.")
    quote: Text = Field(
        description=(
            "Words of the source supporting the row, verbatim, Unicode as it is (curly quotes "
            "included). For a source shipped in full (text_file set) an exact substring of its "
            "text; for any other source only the words that carry the fact, at most "
            f"{QUOTE_WORDS} words."
        )
    )
    said_by: Text | None = Field(
        default=None,
        description=(
            "Who makes the statement within the source, when it is not the source's own voice: "
            "a named official with their title, a ministry, 'the guarantors' joint statement'. "
            "Empty when the words are the source's own (the outlet's narration, the "
            "ministry's own release)."
        ),
    )


class Source(Inferable):
    """Documents the data is taken from: the seed article ships in full in data/sources/;
    for every other source a row keeps where it is and the short quotes that carry facts."""

    table: ClassVar[str] = "sources"
    table_title: ClassVar[str] = "Sources"
    primary_key: ClassVar[tuple[str, ...]] = ("source_id",)
    rules: ClassVar[tuple[RowRule, ...]] = (Together("text_file", "text_sha256"),)

    source_id: Slug = Field(description="Identifier of the source (lowercase slug).")
    title: Text | None = Field(
        default=None, description="Title of the source document; empty where it was not seen."
    )
    publisher: Text = Field(description="Who published the source.")
    kind: SourceKind = Field(description="What kind of document the source is.")
    url: str = Field(pattern=anchored(URL), description="Where the source was published.")
    published: PartialDate | None = Field(
        default=None,
        description="Publication date, partial ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    language: Language = Field(description="Language of the source (ISO 639-1).")
    accessed: PartialDate = Field(description="When the source was read for this dataset.")
    text_file: str | None = Field(
        default=None,
        pattern=anchored(TEXT_FILE),
        description=(
            "Path of the source's full text, relative to the package root, for a source "
            "shipped in full (quotes are then checked against it); empty for the others."
        ),
    )
    text_sha256: str | None = Field(
        default=None,
        pattern=anchored(SHA256),
        description="SHA-256 of the text file's bytes, hex; set exactly when text_file is.",
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


class Spanning(Record):
    """When and where a meeting took place: shared by rounds and other meetings, so that
    the two tables stack into one timeline."""

    rules: ClassVar[tuple[RowRule, ...]] = (InOrder("start_date", "end_date"),)

    start_date: PartialDate | None = Field(
        default=None, description="First day of the meeting, to the precision the source gives."
    )
    end_date: PartialDate | None = Field(
        default=None,
        description=(
            "Last day of the meeting, to the precision the source gives; not before start_date."
        ),
    )
    city: Text | None = Field(
        default=None,
        description="The city as the source names it at the time (Astana, Nur-Sultan, Sochi).",
    )
    place_id: Slug | None = Field(
        default=None, description="The place the city denotes, whatever its name at the time."
    )
    country: CountryCode | None = Field(
        default=None, description="ISO 3166-1 alpha-3 code of the host country."
    )
    host: Slug | None = Field(default=None, description="The hosting actor.")
    status: RoundStatus = Field(description="Whether the meeting was announced, held, ...")


_SPANNING_KEYS: dict[str, str] = {"place_id": "places", "host": "actors", "source_id": "sources"}


class Round(Spanning, Evidenced):
    """Numbered rounds of the Astana talks (the International Meetings on Syria)."""

    table: ClassVar[str] = "rounds"
    table_title: ClassVar[str] = "Rounds"
    primary_key: ClassVar[tuple[str, ...]] = ("round_number",)
    foreign_keys: ClassVar[dict[str, str]] = _SPANNING_KEYS

    round_number: int = Field(ge=1, le=999, description="Number of the round (1, 2, ...).")


class Meeting(Spanning, Evidenced):
    """Meetings in the Astana format without a round number: the guarantors' foreign
    ministers and presidents, and their meetings with other states' ministers. Kept
    apart from rounds so that round_number stays the one key of numbered rounds; both
    tables share their date and place columns."""

    table: ClassVar[str] = "meetings"
    table_title: ClassVar[str] = "Other meetings"
    primary_key: ClassVar[tuple[str, ...]] = ("meeting_id",)
    foreign_keys: ClassVar[dict[str, str]] = _SPANNING_KEYS

    meeting_id: Slug = Field(
        description="Identifier of the meeting: where and when (e.g. 'doha-2024-12-07')."
    )
    kind: MeetingKind = Field(description="What kind of meeting.")
    description: Text = Field(description="The meeting in neutral words.")


class Place(Evidenced):
    """Places where meetings were held, each once, whatever it was called at the time."""

    table: ClassVar[str] = "places"
    table_title: ClassVar[str] = "Places"
    primary_key: ClassVar[tuple[str, ...]] = ("place_id",)
    foreign_keys: ClassVar[dict[str, str]] = {"source_id": "sources"}

    place_id: Slug = Field(description="Identifier of the place (lowercase slug).")
    name: Text = Field(description="The place's name today, in English.")
    country: CountryCode = Field(description="ISO 3166-1 alpha-3 code of its country.")
    wikidata: str | None = Field(
        default=None,
        pattern=anchored(QID),
        description="Wikidata item (QID) of the place, only where it is known; else empty.",
    )


class PlaceName(Evidenced):
    """Every name by which a source refers to a place (Astana, Nur-Sultan, the Kazakh
    capital); used to resolve names to places."""

    table: ClassVar[str] = "place_names"
    table_title: ClassVar[str] = "Place names"
    primary_key: ClassVar[tuple[str, ...]] = ("place_id", "name")
    foreign_keys: ClassVar[dict[str, str]] = {"place_id": "places", "source_id": "sources"}

    place_id: Slug = Field(description="The place referred to.")
    name: Text = Field(description="The name as the source writes it.")
    usage: NameUsage = Field(description="How the name refers to the place.")


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


class AtMeeting(Record):
    """A row that belongs to one meeting: a numbered round or another meeting."""

    rules: ClassVar[tuple[RowRule, ...]] = (OneOf("round_number", "meeting_id"),)

    round_number: int | None = Field(
        default=None, ge=1, le=999, description="The round; empty for another meeting."
    )
    meeting_id: Slug | None = Field(
        default=None, description="The meeting without a round number; empty for a round."
    )


_MEETING_KEYS: dict[str, str] = {"round_number": "rounds", "meeting_id": "meetings"}


class Delegation(AtMeeting, Evidenced):
    """Who headed each delegation at each meeting, where reported, with their title then."""

    table: ClassVar[str] = "delegations"
    table_title: ClassVar[str] = "Delegations"
    primary_key: ClassVar[tuple[str, ...]] = ("delegation_id",)
    foreign_keys: ClassVar[dict[str, str]] = {
        **_MEETING_KEYS,
        "actor_id": "actors",
        "person_id": "actors",
        "source_id": "sources",
    }

    delegation_id: Slug = Field(
        description="Identifier: the meeting and the side (e.g. 'round-4-russia')."
    )
    actor_id: Slug = Field(description="The side the delegation represents.")
    person_id: Slug = Field(description="The head of the delegation (an actor of kind person).")
    title: Text | None = Field(
        default=None, description="The head's title at the time, as the source gives it."
    )


class Outcome(AtMeeting, Evidenced):
    """What each meeting produced: statements, documents, mechanisms, the next date."""

    table: ClassVar[str] = "outcomes"
    table_title: ClassVar[str] = "Outcomes"
    primary_key: ClassVar[tuple[str, ...]] = ("outcome_id",)
    foreign_keys: ClassVar[dict[str, str]] = {
        **_MEETING_KEYS,
        "place_id": "places",
        "source_id": "sources",
    }

    outcome_id: Slug = Field(
        description="Identifier: the meeting and what it produced (e.g. 'round-4-memorandum')."
    )
    kind: OutcomeKind = Field(description="What kind of outcome.")
    description: Text = Field(description="The outcome in neutral words.")
    date: PartialDate | None = Field(
        default=None,
        description=(
            "When it was adopted or signed; for next_meeting, the date decided. To the "
            "precision the source gives."
        ),
    )
    place_id: Slug | None = Field(
        default=None, description="For next_meeting: the place decided, where one was."
    )


class Signatory(Evidenced):
    """Who signed or adopted an outcome, and through whom."""

    table: ClassVar[str] = "signatories"
    table_title: ClassVar[str] = "Signatories"
    primary_key: ClassVar[tuple[str, ...]] = ("outcome_id", "actor_id")
    foreign_keys: ClassVar[dict[str, str]] = {
        "outcome_id": "outcomes",
        "actor_id": "actors",
        "person_id": "actors",
        "source_id": "sources",
    }

    outcome_id: Slug = Field(description="The outcome signed.")
    actor_id: Slug = Field(description="The side that signed it.")
    person_id: Slug | None = Field(
        default=None, description="The person who signed for that side, where reported."
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


class Dispute(Record):
    """Values the sources disagree on: which value the dataset uses and why. Each claim,
    with its source, is a row of claims."""

    table: ClassVar[str] = "disputes"
    table_title: ClassVar[str] = "Disputes"
    primary_key: ClassVar[tuple[str, ...]] = ("dispute_id",)

    dispute_id: Slug = Field(description="Identifier of the dispute (lowercase slug).")
    table_name: str = Field(pattern=anchored(TABLE_NAME), description="The table of the row.")
    record: Text = Field(description="The row's primary key, its values joined by '/'.")
    field: str = Field(
        pattern=anchored(FIELD_NAMES),
        description="The disputed column(s), separated by spaces (e.g. 'start_date end_date').",
    )
    value_used: Text = Field(
        description=(
            "The value the dataset uses, as the row has it; several columns' values joined "
            "by '/' (e.g. '2017-05-03/2017-05-04')."
        )
    )
    reason: Text = Field(description="Why the dataset uses that value.")


class Claim(Evidenced):
    """What each source says in a dispute: one row per source and value."""

    table: ClassVar[str] = "claims"
    table_title: ClassVar[str] = "Claims"
    primary_key: ClassVar[tuple[str, ...]] = ("dispute_id", "source_id", "value")
    foreign_keys: ClassVar[dict[str, str]] = {"dispute_id": "disputes", "source_id": "sources"}

    dispute_id: Slug = Field(description="The dispute.")
    value: Text = Field(
        description="The value the source gives, written as the dataset would write it."
    )


#: Every table, in the order a loader must read them (referenced tables first).
MODELS: tuple[type[Record], ...] = (
    Source,
    Actor,
    ActorName,
    Place,
    PlaceName,
    Round,
    Meeting,
    Participant,
    Delegation,
    AgendaItem,
    Outcome,
    Signatory,
    Event,
    Relation,
    Figure,
    Citation,
    Dispute,
    Claim,
)
TABLES: dict[str, type[Record]] = {model.table: model for model in MODELS}
