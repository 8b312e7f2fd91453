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
        return f"{self.origin.where()}: {self.field}: {self.reason}"


Record = PartnershipRecord | TriplesRecord
