"""Controlled vocabularies: every allowed value with what it means.

The codebook and the Table Schemas are generated from these classes, so a value
added here is documented and enforced everywhere at once. The dataset's own
vocabulary is neutral; a source's framing is kept verbatim in ``framing`` columns.
"""

from __future__ import annotations

from enum import Enum


class Vocabulary(str, Enum):
    """A string enumeration whose members carry a one-line description."""

    description: str

    def __new__(cls, value: str, description: str) -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    def __str__(self) -> str:
        return str(self.value)


class ActorKind(Vocabulary):
    """What kind of actor a row of ``actors`` is."""

    STATE = "state", "a sovereign state as a whole"
    GOVERNMENT = "government", "the government or ruling authority of a state"
    GOVERNMENT_BODY = "government_body", "a ministry or other organ of a government"
    OPPOSITION = "opposition", "a political or armed opposition to a government, as a side in talks"
    INTERNATIONAL_ORGANIZATION = (
        "international_organization",
        "an organisation of states (the UN, the Arab League) or one of its agencies",
    )
    ARMED_GROUP = "armed_group", "a non-state armed organisation"
    PERSON = "person", "a named or unnamed individual"
    GROUP_OF_STATES = "group_of_states", "several states acting together (the guarantors)"


class RoundStatus(Vocabulary):
    """Where a round stood as its source describes it."""

    ANNOUNCED = "announced", "announced as forthcoming; the source predates the round"
    HELD = "held", "took place"
    POSTPONED = "postponed", "announced, then moved to a later date"
    CANCELLED = "cancelled", "announced, then called off"


class MeetingKind(Vocabulary):
    """What kind of meeting in the Astana format a row of ``meetings`` is."""

    MINISTERIAL = "ministerial", "a meeting of the guarantors' foreign ministers"
    SUMMIT = "summit", "a meeting of the guarantors' presidents"
    EXPERT = "expert", "a technical meeting of the guarantors' experts between rounds"
    EXTENDED = (
        "extended",
        "a meeting of the guarantors' ministers or envoys with other states' foreign ministers",
    )


class SourceKind(Vocabulary):
    """What kind of document a source is: who stands behind its words."""

    NEWS = "news", "a report by a news agency, newspaper or broadcaster"
    OFFICIAL = (
        "official",
        "a government's own publication: a ministry's press release, a joint statement it posts",
    )
    UN = "un", "a United Nations note, statement or document"
    REFERENCE = "reference", "a database or reference work compiled from other sources"
    OTHER = "other", "a blog, repost or advocacy site: weaker evidence, kept where it adds a fact"


class OutcomeKind(Vocabulary):
    """What a meeting produced."""

    JOINT_STATEMENT = "joint_statement", "a statement the guarantors issued together"
    MEMORANDUM = "memorandum", "a memorandum or other signed document"
    MECHANISM = "mechanism", "a mechanism, group or centre set up to act between meetings"
    WORKING_GROUP = "working_group", "a working group set up or tasked"
    DECISION = "decision", "something agreed that is not a document (to keep zones, to meet)"
    NEXT_MEETING = "next_meeting", "the date or place decided for the next meeting"
    NO_AGREEMENT = "no_agreement", "the source reports that no agreement was reached on a matter"


class Role(Vocabulary):
    """The capacity in which an actor takes part in a round."""

    GUARANTOR = "guarantor", "one of the states guaranteeing the process"
    PARTY = "party", "a Syrian side to the talks"
    OBSERVER = "observer", "attends without being a party or guarantor"
    HOST = "host", "the state hosting the round"


class Attendance(Vocabulary):
    """How certain the source is that an actor was or will be present."""

    CONFIRMED = "confirmed", "announced as attending (the round had not yet taken place)"
    EXPECTED = "expected", "reported as expected to attend, without confirmation"
    ATTENDED = "attended", "reported as present at a round that took place"
    ABSENT = "absent", "reported as not present"


class Topic(Vocabulary):
    """What an agenda item is about."""

    REGIONAL_SITUATION = "regional_situation", "the situation in and around Syria"
    POLITICAL_SETTLEMENT = (
        "political_settlement",
        "efforts towards a comprehensive political solution",
    )
    HUMANITARIAN = "humanitarian", "the humanitarian situation, aid and access"
    RECONSTRUCTION = "reconstruction", "rebuilding Syria and mobilising funds for it"
    NORMALIZATION = "normalization", "restoring relations between two governments"
    DETAINEES_AND_MISSING = (
        "detainees_and_missing",
        "release of detainees or hostages; missing persons",
    )
    REFUGEE_RETURN = "refugee_return", "conditions for the return of refugees and displaced people"
    COUNTERTERRORISM = "counterterrorism", "action against groups designated as terrorist"
    CEASEFIRE = "ceasefire", "the ceasefire, its monitoring and violations"
    DE_ESCALATION = "de_escalation", "the de-escalation zones: their borders, monitoring, forces"
    CONSTITUTIONAL_COMMITTEE = (
        "constitutional_committee",
        "the Syrian Constitutional Committee: its forming and work",
    )
    DEMINING = "demining", "humanitarian mine clearance"
    SANCTIONS = "sanctions", "unilateral sanctions and their effects"
    OTHER = "other", "anything else the source lists"


class EventKind(Vocabulary):
    """What kind of thing happened in a row of ``events``."""

    ANNOUNCEMENT = "announcement", "an official announcement"
    REQUEST = "request", "a request by one actor that something happen"
    LAUNCH = "launch", "the start of a process or initiative"
    OUTBREAK = "outbreak", "the start of a war or conflict"
    CRACKDOWN = "crackdown", "a forcible suppression of protest"
    JOINT_STATEMENT = "joint_statement", "a statement issued jointly by several actors"
    CALL = "call", "a public call for something to happen"
    REPLY = "reply", "a response to an earlier statement"
    PROPOSAL = "proposal", "an idea or plan put forward"
    ACCESSION = "accession", "joining or returning to an organisation"
    DISASTER = "disaster", "a natural disaster"
    RAPPROCHEMENT = "rapprochement", "an improvement of relations between actors"
    RISE = "rise", "an actor gaining strength or prominence"


class DateQualifier(Vocabulary):
    """A qualifier the source puts on a date, kept rather than resolved."""

    EARLY = "early", "in the early part of the period"
    LATE = "late", "in the late part of the period"
    SINCE = "since", "from this date onwards"
    BEFORE = "before", "at some time before this date"
    AFTER = "after", "at some time after this date"


class RelationKind(Vocabulary):
    """A standing relation the source asserts from ``subject_id`` to ``object_id``."""

    MEMBER_OF = "member_of", "the subject belongs to the object group or organisation"
    AFFILIATE_OF = "affiliate_of", "the subject is described as a branch or affiliate of the object"
    BACKS = "backs", "the subject supports the object politically, militarily or financially"
    LEADS = "leads", "the subject (a person) heads the object (a government or organisation)"
    DENOUNCES = "denounces", "the subject publicly condemns the object or its conduct"
    CONTROLS_TERRITORY_OF = (
        "controls_territory_of",
        "the subject holds territory of the object state (where: see detail)",
    )


class Measure(Vocabulary):
    """What a row of ``figures`` counts."""

    DISPLACED = "displaced", "people displaced"
    DEATHS = "deaths", "people killed"


class Qualifier(Vocabulary):
    """How the source qualifies a number, kept verbatim in meaning."""

    EXACT = "exact", "stated without qualifier"
    NEARLY = "nearly", "'nearly', 'almost': the true number is a little below"
    OVER = "over", "'over': the true number is above"
    MORE_THAN = "more_than", "'more than': the true number is above"
    ABOUT = "about", "'about', 'around': approximate either way"


class NameUsage(Vocabulary):
    """How a name in ``actor_names`` refers to its actor."""

    NAME = "name", "a proper name"
    ABBREVIATION = "abbreviation", "an abbreviation or acronym"
    DEMONYM = "demonym", "an adjective of nationality standing for the state or its delegation"
    METONYM = "metonym", "a capital city or similar standing for a government"
    DESCRIPTION = "description", "a neutral descriptive phrase"
    FRAMING = "framing", "a phrase carrying the source's own judgement; attributed to that source"


class Language(Vocabulary):
    """ISO 639-1 code of a source's language."""

    EN = "en", "English"
    TR = "tr", "Turkish"
    RU = "ru", "Russian"
    AR = "ar", "Arabic"
    FR = "fr", "French"
    FA = "fa", "Persian"
    KK = "kk", "Kazakh"
    DE = "de", "German"
    ES = "es", "Spanish"
    PT = "pt", "Portuguese"
    IT = "it", "Italian"
    NL = "nl", "Dutch"
    HE = "he", "Hebrew"
    HY = "hy", "Armenian"
    SR = "sr", "Serbian"
    SQ = "sq", "Albanian"
    ID = "id", "Indonesian"
