"""What importers yield: plain records with their origin, never RDF or store calls.

Resolution of organisation names and the mapping to triples happen in the core
(`kgraph.ingest`, `kgraph.triples`), so every source agrees on one IRI per body.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Origin:
    """Where a record came from: file, 1-based row/line as a user sees it, sentence."""

    path: str
    line: int | None = None
    sentence: str | None = None
    record_id: str | None = None

    def where(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class PartialDate:
    """A date known to year, month or day precision ("2015", "2015-03", "31/03/2015")."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None:
            _dt.date(self.year, self.month or 1, self.day)  # raises ValueError if impossible
        elif self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")

    def iso(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> _dt.date:
        if self.day is not None:
            return self.first_day()
        if self.month is None:
            return _dt.date(self.year, 12, 31)
        nxt = _dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return nxt - _dt.timedelta(days=1)

    def __str__(self) -> str:
        return self.iso()


@dataclass(frozen=True)
class Money:
    """An amount in pounds sterling with how often it recurs, keeping the text it came from."""

    amount: Decimal
    per: str | None = None  # "year", "month", or None for a one-off / total
    qualifier: str | None = None  # "over", "about", "up to", ... as written
    text: str = ""


# Outcome kinds: the notations of the kg:OutcomeKind SKOS scheme.
OUTCOME_KINDS = ("saving", "cost", "funding", "contract-value", "assets-pooled", "efficiency-gain")


@dataclass(frozen=True)
class Outcome:
    kind: str = "efficiency-gain"
    money: Money | None = None
    text: str | None = None
    confidence: float | None = None  # set by extractors that guess (news); None: as stated


@dataclass(frozen=True)
class OrgRef:
    """An organisation as a source names it; `code` is a GSS or register code if given."""

    name: str
    code: str | None = None
    role: str | None = None  # "lead" or "partner" (or a source's own role label)


@dataclass(frozen=True)
class PartnershipRecord:
    """One collaboration: a compendium row, or a partnership a news item describes."""

    title: str
    origin: Origin
    lead: OrgRef | None = None
    partners: tuple[OrgRef, ...] = ()
    service_areas: tuple[str, ...] = ()
    region: str | None = None
    kind: str | None = None  # a collaboration kind notation, e.g. "shared-service"
    start: PartialDate | None = None
    end: PartialDate | None = None
    status: str | None = None
    description: str | None = None
    outcomes: tuple[Outcome, ...] = ()
    identifier: str | None = None  # the source's own id for the record, if any

    def members(self) -> tuple[OrgRef, ...]:
        """Lead first, then partners, without repeating a name."""
        seen: set[str] = set()
        out = []
        for ref in ((self.lead,) if self.lead else ()) + self.partners:
            key = ref.name.casefold().strip()
            if key not in seen:
                seen.add(key)
                out.append(ref)
        return tuple(out)


@dataclass(frozen=True)
class TriplesRecord:
    """Escape hatch for third-party importers: ready-made (s, p, o) rdflib terms."""

    triples: tuple
    origin: Origin


@dataclass(frozen=True)
class Reject:
    """A record the importer could not use, reported as `file:row: field: reason`."""

    origin: Origin
    field: str
    reason: str
    raw: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        # one line a person can read: a reason quoting a huge cell is cut (the rejects file
        # keeps the whole row)
        reason = self.reason if len(self.reason) <= 300 else self.reason[:297] + "..."
        return f"{self.origin.where()}: {self.field}: {reason}"


@dataclass(frozen=True)
class DigestRef:
    """The digest issue (or feed, or article page) a news item came from."""

    key: str  # stable identity, e.g. "2015-01-28|news summary of ..." (not the file path)
    title: str
    date: PartialDate | None = None  # the date the digest covers ("from 28th January 2015")
    issued: PartialDate | None = None  # the date it was posted, when given separately
    url: str | None = None


@dataclass(frozen=True)
class EventRecord:
    """One collaboration event a news item reports (the news importer's record).

    `organisations` are the bodies the sentence ties together (never generic mentions);
    `origin.sentence` is the sentence the event was read from. `former_partners` are bodies
    a partner change leaves behind; `partnership_start`/`partnership_end` date the
    partnership the event yields (when it ties two or more organisations).
    """

    title: str  # the headline
    origin: Origin
    key: str  # stable identity of the event (re-imports and review decisions rely on it)
    date: PartialDate | None = None  # the item's own date, else its digest's
    description: str | None = None  # the item's summary
    kind: str | None = None  # a collaboration kind notation, e.g. "merger-talks"
    organisations: tuple[OrgRef, ...] = ()
    former_partners: tuple[OrgRef, ...] = ()
    service_areas: tuple[str, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    confidence: float = 1.0
    needs_review: bool = False
    digest: DigestRef | None = None
    url: str | None = None
    is_item: bool = True  # False: read from commentary or a list, not a news item
    partnership_start: PartialDate | None = None
    partnership_end: PartialDate | None = None
    notes: tuple[str, ...] = ()  # why the confidence is what it is


# Where an answer sits on its scale: the notations of the kg:ScalePositions scheme.
SCALE_POSITIONS = ("positive", "neutral", "negative")
SCALE_KINDS = ("likert", "yes-no", "choice", "number", "text")


@dataclass(frozen=True)
class SurveyQuestion:
    """A question as its questionnaire defines it."""

    id: str  # stable within the survey: "q1", "improved-services"
    text: str
    measure: str | None = None  # a kg:SurveyMeasures notation or label, e.g. "savings-achieved"
    scale: str = "text"  # one of SCALE_KINDS


@dataclass(frozen=True)
class SurveyRecord:
    """A survey as a whole (the survey importer yields it first): the qb:DataSet its
    observations belong to. `components` names the optional dimensions and attributes its
    observations carry ("respondent", "respondent_id", "period", "partnership", "region",
    "org_type"); `notes` go to the user's review list (encoding, generated definition)."""

    key: str  # the survey id: stable across re-imports and across the files of one survey
    title: str
    origin: Origin
    questions: tuple[SurveyQuestion, ...] = ()
    description: str | None = None
    date: PartialDate | None = None
    components: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObservationRecord:
    """One answer to one survey question (a qb:Observation). `key` tells it apart from the
    survey's other answers (respondent, period, partnership, question); a key starting
    "row " is only unique within its file (answers of respondents the survey does not name)."""

    survey: str  # SurveyRecord.key
    survey_title: str
    question: SurveyQuestion
    origin: Origin
    answer: str  # as written
    key: str
    respondent: OrgRef | None = None  # the organisation answering, when the survey names it
    respondent_id: str | None = None  # the survey's own respondent key
    partnership: str | None = None  # title or reference of the partnership the answer is about
    label: str | None = None  # the option of the scale the answer was read as
    position: str | None = None  # one of SCALE_POSITIONS, or None ("Don't know", numbers)
    value: Decimal | None = None  # a numeric answer, or the chosen option's value
    period: PartialDate | None = None
    region: str | None = None  # the respondent's region as the survey gives it
    org_type: str | None = None  # the respondent's kind of body as the survey gives it


Record = PartnershipRecord | TriplesRecord | EventRecord | SurveyRecord | ObservationRecord
