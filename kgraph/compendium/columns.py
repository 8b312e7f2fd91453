"""Which column of a table holds what: column headings read by meaning, not by spelling.

Publishers head the same column "Project Title", "Name of collaboration" or "Scheme";
`guess` scores what one heading most likely holds, and `recognise` assigns a whole header's
columns to the importer's fields (a ``--map FIELD=COLUMN`` mapping first).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kgraph.names import singular
from kgraph.values import outcome_kind

# The fields a column can feed (and ``--map`` names).
FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "lead",
    "lead_code",
    "partners",
    "partner_codes",
    "service_area",
    "region",
    "kind",
    "start",
    "end",
    "status",
    "outcome",
    "amount",
    "description",
)


# Exact headings (normalised the way `_words` does), by field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ref", "reference", "ref no", "reference number", "partnership id", "project id",
           "record id", "no", "number", "identifier", "code"),
    "title": ("title", "project title", "project", "project name", "name", "name of collaboration",
              "collaboration", "collaboration name", "partnership", "partnership name",
              "initiative", "scheme", "scheme name", "name of scheme", "name of project",
              "name of partnership", "programme", "shared service", "service name",
              "arrangement"),
    "lead": ("lead", "lead body", "lead authority", "lead organisation", "lead council",
             "lead partner", "host authority", "host", "host council", "host organisation",
             "lead agency", "accountable body", "administering authority", "lead local authority"),
    "lead_code": ("lead code", "lead gss code", "lead gss", "lead authority code",
                  "lead organisation code"),
    "partners": ("partners", "partner bodies", "partner organisations", "partner authorities",
                 "partner councils", "members", "member organisations", "member authorities",
                 "member councils", "participating authorities", "participating organisations",
                 "participating councils", "participants", "councils involved",
                 "authorities involved", "organisations involved", "other partners",
                 "partner", "organisations", "councils", "authorities", "bodies involved"),
    "partner_codes": ("partner codes", "partner gss codes", "member codes", "member gss codes",
                      "gss codes", "partner gss", "member gss"),
    "service_area": ("service area", "service", "services", "theme", "policy area", "function",
                     "sector", "service type", "topic", "category", "service category",
                     "workstream"),
    "region": ("region", "wlga region", "area", "geography", "location", "geographical area",
               "nation", "county", "sub region"),
    "kind": ("type", "collaboration type", "partnership type", "type of collaboration",
             "type of partnership", "model", "delivery model", "kind", "form", "governance model",
             "collaboration model", "arrangement type"),
    "start": ("start", "start date", "began", "year started", "from", "date started", "start year",
              "year", "date", "established", "date established", "year established", "launched",
              "commenced", "since"),
    "end": ("end", "end date", "ended", "to", "until", "end year", "date ended", "finish",
            "expiry", "expiry date", "closed", "ceased"),
    "status": ("status", "current status", "stage", "state", "progress"),
    "outcome": ("outcome", "outcomes", "benefits", "efficiency gains", "results", "impact",
                "achievements", "benefit", "outcomes and benefits", "efficiency gain"),
    "amount": ("amount", "value", "contract value", "savings", "saving", "annual saving",
               "annual savings", "efficiency saving", "efficiency savings", "cost", "funding",
               "grant", "budget", "total value", "value of contract"),
    "description": ("description", "summary", "notes", "note", "details", "comments",
                    "background", "purpose", "aims", "overview", "project description",
                    "brief description"),
}  # fmt: skip


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ORG = _wordset(
    "partner member organisation council authority body participant participating agency involved"
)
_PERSON = _wordset(
    "officer contact email phone telephone tel person manager director website url link web "
    "address postcode job chair chief executive"
)
_COUNT = _wordset("n number count num total how many")
_CODE = _wordset("code gss ons")
_LEADISH = _wordset("lead host accountable administering")
_NOT_PARTNERS = _wordset(
    "type role kind sector category size population contribution share cost status"
)
_START = _wordset(
    "start started began begin commenced commence established launched launch inception since "
    "formed created"
)
_END = _wordset("end ended finish finished until expiry expire expires expired ceased")
_MONEY_WORDS = _wordset(
    "amount value saving cost funding grant budget spend worth price income investment "
    "expenditure gbp pound sterling"
)
_NOT_AMOUNT = _wordset("source body provider type stream mechanism model date")
_DESCRIPTION = _wordset(
    "description summary note detail comment background purpose aim objective overview "
    "narrative scope remit"
)
_OUTCOME = _wordset("outcome benefit result impact achievement gain improvement")
_TITLEISH = _wordset("project partnership collaboration scheme initiative programme arrangement")
_NUMBERED = re.compile(
    r"^(?:other\s+)?(partner|member|organisation|council|authority|body|participant)"
    r"\s*(?:no\s*)?(\d{1,3})(\s+(?:name|gss\s+code|gss|code|ons\s+code))?$"
)
_MONEY_HINT = re.compile(r"£|\bgbp\b|\bpounds?\b|\bsterling\b", re.IGNORECASE)
_PER_YEAR_HINT = re.compile(
    r"\b(?:per\s+(?:year|annum)|a\s+year|annual|annually|yearly|p\.?\s?a\.?|pa|/\s*(?:yr|year))\b",
    re.IGNORECASE,
)
_PER_MONTH_HINT = re.compile(r"\b(?:per\s+month|monthly|a\s+month)\b", re.IGNORECASE)
_SCALE_HINTS = (
    (10**3, re.compile(r"£\s*(?:k|000s?|'000s?)\b|\b(?:thousands|'?000s)\b|\(\s*'?000\s*\)", re.I)),
    (10**6, re.compile(r"£\s*(?:m|mn|millions?)\b|\bmillions\b|\(\s*£?\s*m\s*\)", re.I)),
    (10**9, re.compile(r"£\s*(?:bn|billions?)\b|\bbillions\b", re.I)),
)


def _words(text: str) -> tuple[tuple[str, ...], str]:
    """(singular lower-case words outside brackets, the whole heading lower-cased)."""
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # camelCase keys
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ").replace("organization", "organisation")
    t = t.replace("program ", "programme ").replace("e-mail", "email")
    t = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", t)
    main = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", t)
    words = tuple(singular(w) for w in re.findall(r"[a-z0-9]+", main))
    return words, t


_SYNONYM_INDEX: dict[tuple[str, ...], str] = {}
for _field, _names in SYNONYMS.items():
    for _name in _names:
        _SYNONYM_INDEX.setdefault(_words(_name)[0], _field)


@dataclass(frozen=True)
class Guess:
    field: str
    score: int
    number: int | None = None  # "Partner 3" -> 3


def guess(heading: str) -> Guess | None:
    """The field a column heading most likely holds, with a score 1..100, or None.

    Exact synonyms (normalised: case, punctuation, "_", plurals, text in brackets ignored)
    score 100; "Partner 1".."Partner N" 90; otherwise keyword rules score 40..85, so that a
    specific word beats a general one ("Project description" is a description, not a title,
    "Lead partner" a lead, "n_members" nothing).
    """
    words = _words(heading)[0]
    if not words:
        return None
    money = bool(_MONEY_HINT.search(heading))
    numbered = _NUMBERED.match(" ".join(words))
    if numbered:
        is_code = bool(numbered.group(3)) and "name" not in numbered.group(3)
        return Guess("partner_codes" if is_code else "partners", 90, int(numbered.group(2)))
    exact = _SYNONYM_INDEX.get(words)
    if exact is not None:
        if money and exact in ("outcome", "description"):
            return Guess("amount", 100)
        return Guess(exact, 100)
    ws = set(words)
    if ws & _PERSON:
        return None
    best: list[Guess] = []
    if ws & _LEADISH:
        best.append(Guess("lead_code" if ws & _CODE else "lead", 85 if ws & _CODE else 80))
    if ws & _ORG and not ws & _LEADISH and not ws & _COUNT and not money:
        if ws & _CODE or "la" in ws:
            best.append(Guess("partner_codes", 80 + 5 * ("gss" in ws)))
        elif not ws & _NOT_PARTNERS:
            best.append(Guess("partners", 70))
    if words[-1] in ("id", "ref", "reference", "identifier") and not ws & (_ORG | _LEADISH):
        best.append(Guess("id", 80))
    elif words[-1] in ("code", "number", "no") and words[0] in _TITLEISH | {"record", "row"}:
        best.append(Guess("id", 50 if "gss" in ws else 60))
    if (money or ws & _MONEY_WORDS) and not ws & _NOT_AMOUNT and not ws & (_COUNT - {"total"}):
        best.append(Guess("amount", 85 if money else 75))
    if ws & _DESCRIPTION:
        best.append(Guess("description", 70))
    if ws & _OUTCOME or "efficiency" in ws:
        best.append(Guess("amount" if money else "outcome", 65))
    if ws & _START:
        best.append(Guess("start", 70))
    if ws & _END:
        best.append(Guess("end", 70))
    if "status" in ws or "stage" in ws:
        best.append(Guess("status", 70))
    if ws & {"type", "model", "kind", "form", "structure", "mechanism"} and not ws & (
        _ORG | {"service", "organisation"}
    ):
        best.append(Guess("kind", 65))
    if "title" in ws:
        best.append(Guess("title", 90))
    elif "name" in ws and not ws & (_ORG | _LEADISH | _CODE):
        best.append(Guess("title", 75))
    elif ws & _TITLEISH and len(words) <= 2:
        best.append(Guess("title", 40))
    if ws & {"service", "theme", "policy", "function", "sector", "topic", "workstream"}:
        best.append(Guess("service_area", 60))
    if ws & {"region", "regional", "geography", "location", "nation"} or words == ("area",):
        best.append(Guess("region", 60))
    if not best:
        return None
    return max(best, key=lambda g: g.score)


@dataclass
class Columns:
    """Which column (0-based) feeds which field."""

    header: list[str]
    single: dict[str, int] = field(default_factory=dict)
    partners: list[tuple[int, int | None]] = field(default_factory=list)  # (column, number)
    partner_codes: list[tuple[int, int | None]] = field(default_factory=list)
    amount_per: str | None = None
    amount_kind: str | None = None
    amount_scale: int = 1

    def has_orgs(self) -> bool:
        return bool(self.partners or self.partner_codes or "lead" in self.single)

    def field_of(self, col: int) -> str:
        for name, c in self.single.items():
            if c == col:
                return name
        if any(c == col for c, _ in self.partners):
            return "partners"
        if any(c == col for c, _ in self.partner_codes):
            return "partner_codes"
        return self.header[col] if col < len(self.header) else f"column {col + 1}"

    def recognised(self) -> int:
        return len(self.single) + bool(self.partners) + bool(self.partner_codes)


def _merged(heading: str) -> bool:
    """A heading that is several headings joined ("Title:Lead:Partners"): the header row
    of a file read with the wrong delimiter."""
    parts = [p for p in re.split(r"[,;|\t:^~]", heading) if p.strip()]
    return len(parts) > 1 and sum(1 for p in parts if guess(p)) > 1


NO_COLUMN = ("", "-")
"""Mapping a field to one of these ("--map amount=-") ignores the column recognised for it."""


def recognise(header: list[str], mapping: dict[str, str] | None = None) -> Columns:
    """Assign columns to fields: the mapping first, then each column's best `guess`.

    A single-valued field takes the best-scoring column whose best guess it is (the
    leftmost on a tie); every "partners" column feeds partners. A lone column that is
    several headings joined is not recognised at all. Raises ValueError for an unknown
    field or a column not in the header (the caller words it for the user).
    """
    cols = Columns(header=list(header))
    if len(header) == 1 and _merged(header[0]) and not mapping:
        return cols
    taken: set[int] = set()
    mapped: set[str] = set()
    for fld, column in (mapping or {}).items():
        if fld not in FIELDS:
            raise ValueError(f"unknown field '{fld}' in the mapping (fields: {', '.join(FIELDS)})")
        if column.strip() in NO_COLUMN:
            mapped.add(fld)
            continue
        idx = find_column(header, column)
        if idx is None:
            raise ValueError(f"no column '{column}' ({column_list(header)})")
        mapped.add(fld)
        taken.add(idx)
        if fld in ("partners", "partner_codes"):
            getattr(cols, fld).append((idx, None))
        else:
            cols.single[fld] = idx
    best: dict[str, tuple[int, int]] = {}
    for idx, heading in enumerate(header):
        if idx in taken or not heading:
            continue
        g = guess(heading)
        if g is None or g.field in mapped:
            continue
        if g.field in ("partners", "partner_codes"):
            getattr(cols, g.field).append((idx, g.number))
        elif g.field not in best or g.score > best[g.field][0]:
            best[g.field] = (g.score, idx)
    for fld, (_, idx) in best.items():
        cols.single[fld] = idx
    # several code columns: numbered ones pair with numbered partners; otherwise keep the
    # best (a GSS one)
    loose_codes = [c for c in cols.partner_codes if c[1] is None]
    if len(loose_codes) > 1 and "partner_codes" not in mapped:
        ranked = sorted(
            loose_codes, key=lambda c: (guess(header[c[0]]) or Guess("", 0)).score, reverse=True
        )
        cols.partner_codes = [c for c in cols.partner_codes if c[1] is not None] + ranked[:1]
    if "amount" in cols.single:
        heading = header[cols.single["amount"]]
        if _PER_YEAR_HINT.search(heading):
            cols.amount_per = "year"
        elif _PER_MONTH_HINT.search(heading):
            cols.amount_per = "month"
        cols.amount_kind = outcome_kind(_words(heading)[1].replace("_", " "))
        for scale, pattern in _SCALE_HINTS:
            if pattern.search(heading):
                cols.amount_scale = scale
    return cols


def find_column(header: list[str], column: str) -> int | None:
    """The index of the column a user named: as written, else ignoring case and spacing."""
    if column in header:
        return header.index(column)
    key = " ".join(column.split()).casefold()
    for idx, heading in enumerate(header):
        if " ".join(heading.split()).casefold() == key:
            return idx
    return None


def column_list(header: list[str]) -> str:
    """The header as an error message lists it: the first 30 columns, long ones cut."""
    shown = []
    for h in header[:30]:
        h = h or "(blank)"
        shown.append(h if len(h) <= 60 else h[:57] + "...")
    more = f", ... ({len(header) - 30} more)" if len(header) > 30 else ""
    return "columns: " + ", ".join(shown) + more
