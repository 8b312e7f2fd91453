"""The "compendium" importer: one partnership per row of a table (CSV/TSV, XLSX, JSON).

Publishers head their columns in many ways ("Project Title", "Name of collaboration",
"Lead Body", "Host authority", "Partner 1".."Partner 4", "Efficiency Gain (GBP per year)"),
so columns are recognised by meaning, not by one spelling (see `recognise`); ``--map
FIELD=COLUMN`` settles any column recognition gets wrong or misses.

Reading rules, in the order a row meets them (the first problem rejects the row):

* a row with data beyond the header's last column, or a cell over 100,000 characters;
* no title; a start or end that is not a date; an end before the start; an amount that is
  not a plausible sum of money; partner codes not parallel to the partner names;
* fewer than two distinct organisations named by the lead and partner columns.

Row numbers are those a spreadsheet shows (the header is row 1 when it is the first row);
for JSON they are the record's position from 1 (the line for JSON Lines).

Text files are decoded as UTF-8 (a BOM says UTF-8, UTF-16 or UTF-32); bytes that are not
UTF-8 are read as Windows-1252, so a whole Windows-1252 file, or one pasted-in "£", reads
right. ``--encoding`` overrides this and is strict. The delimiter (comma, semicolon, tab or
pipe) is whichever splits the first rows into the most consistent columns.

Outcomes: an amount column gives one outcome of the kind its heading names ("savings" ->
saving, "efficiency gain" -> efficiency-gain, "contract value" -> contract-value,
"funding"/"grant" -> funding, "cost" -> cost), else of the kind the outcome text names,
else efficiency-gain; a heading saying "per year"/"annual"/"p.a." makes it yearly, and one
saying "£000"/"£k" or "£m" scales bare numbers. Without an amount, the first sum of money
in the outcome text is used, with the kind the words around it name. Outcome text with no
money is still an outcome (its kind from its words, else efficiency-gain).

``options.extra`` understands ``sheet`` (XLSX sheet name) and ``delimiter``.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import functools
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kgraph.errors import BadInput
from kgraph.hookspecs import Importer, ImportOptions, hookimpl
from kgraph.records import (
    Money,
    OrgRef,
    Origin,
    Outcome,
    PartialDate,
    PartnershipRecord,
    Record,
    Reject,
)
from kgraph.values import clean_text, find_money, outcome_kind, parse_money, to_partial_date

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
MAX_CELL = 100_000
HEAD_BYTES = 8192
SAMPLE_CHARS = 65536
HEADER_SEARCH_ROWS = 20
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".psv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
DELIMITERS = (",", "\t", ";", "|")
BLANK_AMOUNTS = frozenset(
    ("n/a", "na", "n.a.", "none", "nil", "-", "--", "\u2014", "\u2013", "?", "tbc", "tbd",
     "unknown", "not known", "not quantified", "unquantified", "not available",
     "not applicable", "not yet known", "various")
)  # fmt: skip
FEWER_THAN_TWO = "fewer than two organisations (a partnership needs two)"


# -- header recognition ------------------------------------------------------------------------

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
_HAS_MULTIPLIER = re.compile(r"\d\s*(?:bn|b|m|mn|k|million|billion|thousand|trillion)\b", re.I)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> tuple[tuple[str, ...], str]:
    """(singular lower-case words outside brackets, the whole heading lower-cased)."""
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # camelCase keys
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ").replace("organization", "organisation")
    t = t.replace("program ", "programme ").replace("e-mail", "email")
    t = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", t)
    main = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", t)
    words = tuple(_singular(w) for w in re.findall(r"[a-z0-9]+", main))
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
        idx = _find_column(header, column)
        if idx is None:
            raise ValueError(f"no column '{column}' ({_column_list(header)})")
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


def _find_column(header: list[str], column: str) -> int | None:
    if column in header:
        return header.index(column)
    key = " ".join(column.split()).casefold()
    for idx, heading in enumerate(header):
        if " ".join(heading.split()).casefold() == key:
            return idx
    return None


def _column_list(header: list[str]) -> str:
    shown = []
    for h in header[:30]:
        h = h or "(blank)"
        shown.append(h if len(h) <= 60 else h[:57] + "...")
    more = f", ... ({len(header) - 30} more)" if len(header) > 30 else ""
    return "columns: " + ", ".join(shown) + more


# -- splitting organisation lists --------------------------------------------------------------

_SUFFIX_PIECE = re.compile(
    r"^(?:the\s+)?(?:city|county|borough|royal\s+borough|county\s+borough|city\s+and\s+county"
    r"|metropolitan\s+borough|london\s+borough|district|isle|isles)\s+of$"
    r"|^(?:the|ltd|limited|plc|llp|inc|cic|cio)\.?$",
    re.IGNORECASE,
)
_JOINER = re.compile(r"^(?:and|&)\s+", re.IGNORECASE)
_FINAL_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
# Official names with commas, kept whole even when the register is not at hand.
_COMMA_NAMES = (
    "Bournemouth, Christchurch and Poole",
    "Bournemouth, Christchurch and Poole Council",
    "Armagh City, Banbridge and Craigavon",
    "Armagh City, Banbridge and Craigavon Borough Council",
    "Newry, Mourne and Down",
    "Newry, Mourne and Down District Council",
)


def _name_key(text: str) -> str:
    return " ".join(text.replace("&", " and ").casefold().split())


@functools.lru_cache(maxsize=1)
def register_names() -> frozenset[str]:
    """Keys (`_name_key`) of every name, short name and alias in the authority register,
    when it can be found (kgraph.data, or data/ in a checkout), plus a few built in."""
    names = set(_COMMA_NAMES)
    try:
        from importlib.resources import files

        res = files("kgraph.data") / "register" / "organisations.csv"
        path = Path(str(res)) if res.is_file() else None
    except (ModuleNotFoundError, TypeError, ValueError):
        path = None
    if path is None:
        path = Path(__file__).resolve().parents[1] / "data" / "register" / "organisations.csv"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for col in ("name", "short_name", "welsh_name", "aliases"):
                    names.update((row.get(col) or "").split("|"))
    except (OSError, csv.Error, UnicodeError):
        pass
    return frozenset(_name_key(n) for n in names if n)


@functools.lru_cache(maxsize=1)
def comma_names() -> frozenset[str]:
    """The `register_names` that contain a comma ("bournemouth, christchurch and poole")."""
    return frozenset(n for n in register_names() if "," in n)


def _known_whole(name: str) -> bool:
    """A register name as written, or with "Council" after it ("Barking and Dagenham")."""
    key = _name_key(name)
    names = register_names()
    return key in names or f"{key} council" in names


def split_orgs(cell: str) -> list[str]:
    """Organisation names in one cell: split on ";", else new lines, else ",".

    An ONS-style ", City of" / ", County of" piece stays with the name before it ("Bristol,
    City of"), and so do official names with commas ("Bournemouth, Christchurch and Poole",
    "Department for Environment, Food & Rural Affairs": see `comma_names`). " and " / " & "
    separate only the last item of a comma list ("Cardiff, Newport and Caerphilly"), unless
    that item is a name in the register ("Cardiff, Barking and Dagenham"); without commas
    the cell is one name ("Barking and Dagenham").
    """
    text = cell.replace("\r\n", "\n").replace("\r", "\n")
    if ";" in text:
        pieces = text.split(";")
    elif "\n" in text:
        pieces = text.split("\n")
    elif "," in text:
        pieces = _comma_pieces(text)
    else:
        pieces = [text]
    out = []
    for piece in pieces:
        name = " ".join(piece.split()).strip(" .")
        name = _JOINER.sub("", name) if len(pieces) > 1 else name
        if name:
            out.append(name)
    return out


def _comma_pieces(text: str) -> list[str]:
    raw = text.split(",")
    known = comma_names()
    pieces: list[str] = []
    protected: set[int] = set()  # indexes of pieces that are whole official names
    i = 0
    while i < len(raw):
        for j in range(min(len(raw), i + 6), i + 1, -1):  # longest known name first
            joined = ",".join(raw[i:j])
            if _name_key(_JOINER.sub("", joined.strip())) in known:
                protected.add(len(pieces))
                pieces.append(joined)
                i = j
                break
        else:
            if pieces and _SUFFIX_PIECE.match(raw[i].strip()):
                pieces[-1] = f"{pieces[-1].rstrip()}, {raw[i].strip()}"
            else:
                pieces.append(raw[i])
            i += 1
    if len(pieces) > 1 and len(pieces) - 1 not in protected:
        last = _JOINER.sub("", pieces[-1].strip())
        parts = _FINAL_AND.split(last)
        if len(parts) == 2 and all(p.strip() for p in parts) and not _known_whole(last):
            pieces[-1:] = parts
        else:
            pieces[-1] = last
    return pieces


def _split_codes(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [clean_text(v) for v in value]
    text = clean_text(value)
    if not text:
        return []
    sep = ";" if ";" in text else "," if "," in text else "|" if "|" in text else None
    parts = text.split(sep) if sep else text.split()
    return [p.strip() for p in parts]


def _names_in(value: object, *, split: bool = True) -> list[tuple[str, str | None]]:
    """(name, code) pairs from a cell: text, or a JSON list of names or {name, code} objects."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        out: list[tuple[str, str | None]] = []
        for item in value:
            if isinstance(item, dict):
                name = next(
                    (clean_text(item[k]) for k in ("name", "organisation", "org", "title", "label")
                     if item.get(k)),
                    "",
                )  # fmt: skip
                code = next(
                    (clean_text(item[k]) for k in ("code", "gss", "gss_code", "id") if item.get(k)),
                    None,
                )
                if name or code:
                    out.append((name or code or "", code))
            else:
                name = clean_text(item)
                if name:
                    out.append((name, None))
        return out
    text = clean_text(value, keep_newlines=True)
    if not text:
        return []
    if not split or not (";" in text or "," in text or "\n" in text):
        return [(" ".join(text.split()).strip(" ."), None)]
    return [(n, None) for n in split_orgs(text)]


# -- tables ------------------------------------------------------------------------------------


@dataclass
class Table:
    """A header and the rows after it: (row number as a user sees it, cells)."""

    header: list[str]
    header_row: int
    rows: Iterable[tuple[int, Any]]
    ragged: bool  # rows may have more cells than the header (CSV); JSON/XLSX rows may not
    close: Callable[[], None] = lambda: None


def _binary(path: str) -> BadInput:
    return BadInput(path, "not a text file (binary content)")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end
    raise exc


codecs.register_error("kgraph-cp1252", _cp1252_fallback)

_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf")
_OLE = b"\xd0\xcf\x11\xe0"


def _sniff_encoding(head: bytes, path: str, forced: str | None) -> tuple[str, str]:
    """(encoding, errors) for a text file, or BadInput when it is not text."""
    if forced:
        try:
            codecs.lookup(forced)
        except LookupError:
            raise BadInput(path, f"unknown encoding '{forced}'") from None
        return forced, "strict"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "kgraph-cp1252"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", "strict"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "strict"
    if head.startswith(_OLE):
        raise BadInput(
            path, "not a text file (binary content: an Excel 97-2003 workbook; save it as .xlsx)"
        )
    if b"\x00" in head or head.startswith(_MAGIC):
        raise _binary(path)
    # UTF-8, with any byte that is not UTF-8 read as Windows-1252: a whole cp1252 file reads
    # as cp1252, and so does a "£" pasted into a UTF-8 file.
    text = codecs.getincrementaldecoder("utf-8")("kgraph-cp1252").decode(head, final=False)
    odd = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    if odd > max(2, len(text) // 100):
        raise _binary(path)
    return "utf-8", "kgraph-cp1252"


def _sniff_delimiter(sample: str, wanted: str | None) -> str:
    if wanted:
        return {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
            wanted, wanted
        )
    lines = sample.splitlines(keepends=True)
    if len(sample) >= SAMPLE_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    text = "".join(lines[:60])
    best, best_key = ",", None
    for delim in DELIMITERS:
        # newline="": a file with old Mac line ends (CR only) splits into its lines
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        parsed = [r for r in reader if any(r)][:30]
        widths = [len(_trim(r)) for r in parsed]
        if not widths:
            continue
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        # a delimiter that cuts through quoted cells leaves stray quote marks in them
        # ('X,Cardiff,"A' from 'X,Cardiff,"A; B"' read with ';'): the right one leaves none
        stray = sum('"' in cell for row in parsed for cell in row)
        key = (modal >= 2, -stray, round(widths.count(modal) / len(widths), 1), modal)
        if best_key is None or key > best_key:
            best, best_key = delim, key
    return best


def _trim(cells: list[Any]) -> list[Any]:
    """Cells without trailing empties."""
    end = len(cells)
    while end and (cells[end - 1] is None or (isinstance(cells[end - 1], str) and not
                                               cells[end - 1].strip())):  # fmt: skip
        end -= 1
    return cells[:end]


def _is_blank(cells: Iterable[Any]) -> bool:
    for c in cells:
        if c is None:
            continue
        if isinstance(c, str):
            if c.strip():
                return False
        elif isinstance(c, list | dict | tuple):
            if c:
                return False
        else:
            return False
    return True


def _header_cells(cells: list[Any]) -> list[str]:
    header = [clean_text(c) for c in _trim(list(cells))]
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        out.append(h)
    return out


def _pick_header(
    candidates: list[tuple[int, list[Any]]], mapping: dict[str, str]
) -> tuple[int, list[str]] | None:
    """The row among the first non-blank ones that looks most like a header."""
    first: tuple[int, list[str]] | None = None
    title_only: tuple[int, list[str]] | None = None
    for pos, (_, cells) in enumerate(candidates):
        header = _header_cells(cells)
        if not header:
            continue
        if first is None:
            first = (pos, header)
        if mapping:
            wanted = [c for c in mapping.values() if c.strip() not in NO_COLUMN]
            if all(_find_column(header, c) is not None for c in wanted):
                return pos, header
            continue
        try:
            cols = recognise(header)
        except ValueError:
            continue
        if "title" in cols.single and cols.has_orgs():
            return pos, header
        if "title" in cols.single and title_only is None:
            title_only = (pos, header)
    return title_only or first


def _table_from_rows(
    path: str, rows: Iterator[tuple[int, list[Any]]], mapping: dict[str, str], ragged: bool
) -> Table | None:
    candidates: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if _is_blank(cells):
            continue
        candidates.append((number, list(cells)))
        if len(candidates) >= HEADER_SEARCH_ROWS:
            break
    picked = _pick_header(candidates, mapping)
    if picked is None:
        return None
    pos, header = picked
    rest = candidates[pos + 1 :]

    def chained() -> Iterator[tuple[int, Any]]:
        yield from rest
        yield from rows

    return Table(header, candidates[pos][0], chained(), ragged)


def _csv_table(path: Path, options: ImportOptions) -> Table:
    name = str(path)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head.strip():
        raise BadInput(name, "empty file")
    if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        return _xlsx_table(path, options)
    encoding, errors = _sniff_encoding(head, name, options.encoding)
    fh = path.open(encoding=encoding, errors=errors, newline="")
    try:
        sample = fh.read(SAMPLE_CHARS)
        fh.seek(0)
    except UnicodeDecodeError as exc:
        fh.close()
        raise BadInput(name, f"cannot be decoded as {encoding}: {exc.reason}") from None
    if not sample.strip():
        fh.close()
        raise BadInput(name, "empty file")
    if (
        path.suffix.lower() in (".tsv", ".tab")
        and "\t" in sample
        and not options.extra.get("delimiter")
    ):
        delim = "\t"
    else:
        delim = _sniff_delimiter(sample, options.extra.get("delimiter"))
    skip_space = bool(re.search(re.escape(delim) + r' +"', sample[:4096]))
    reader = csv.reader(fh, delimiter=delim, skipinitialspace=skip_space)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number, row = 0, []
        try:
            for number, row in enumerate(reader, start=1):  # noqa: B007
                yield number, row
            if row and "\n" in row[-1] and not _ends_with_quote(path):
                raise BadInput(
                    name, "a quoted cell is never closed: it runs to the end of the file",
                    line=number,
                )  # fmt: skip
        except csv.Error as exc:
            raise BadInput(name, f"malformed CSV: {exc}", line=number + 1) from None
        except UnicodeDecodeError as exc:
            raise BadInput(
                name, f"cannot be decoded as {encoding} ({exc.reason}); try another --encoding",
                line=number + 1,
            ) from None  # fmt: skip

    try:
        table = _table_from_rows(name, rows(), options.mapping, ragged=True)
    except BaseException:
        fh.close()
        raise
    if table is None:
        fh.close()
        raise BadInput(name, "empty file")
    table.close = fh.close
    return table


def _ends_with_quote(path: Path) -> bool:
    """Whether the file's last character other than white space is a double quote."""
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 256))
        return fh.read().rstrip().endswith(b'"')


def _xlsx_table(path: Path, options: ImportOptions) -> Table:
    import openpyxl

    name = str(path)
    if not zipfile.is_zipfile(path):
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
        if not head.strip():
            raise BadInput(name, "empty file")
        if head.startswith(_OLE):
            raise BadInput(name, "an Excel 97-2003 workbook, not .xlsx: save it as .xlsx or CSV")
        raise BadInput(name, "not a valid XLSX file (not a zip archive)")
    fh = path.open("rb")  # a file object: openpyxl would refuse a name not ending in .xlsx
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        fh.close()
        raise BadInput(name, f"not a valid XLSX file ({type(exc).__name__}: {exc})") from None

    def close() -> None:
        wb.close()
        fh.close()

    try:
        sheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]
        wanted = options.extra.get("sheet")
        if wanted:
            sheets = [ws for ws in sheets if ws.title == wanted]
            if not sheets:
                names = ", ".join(ws.title for ws in wb.worksheets)
                raise BadInput(name, f"no sheet '{wanted}' (sheets: {names})")
        fallback: Table | None = None
        for ws in sheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some writers record a wrong sheet size
            table = _table_from_rows(name, _sheet_rows(name, ws), options.mapping, False)
            if table is None:
                continue
            try:
                cols = recognise(table.header, options.mapping)
            except ValueError:
                cols = None
            if cols is not None and "title" in cols.single and cols.has_orgs():
                table.close = close
                return table
            if fallback is None:
                fallback = table
        if fallback is None:
            raise BadInput(name, "empty file")
        fallback.close = close
        return fallback
    except BaseException:
        close()
        raise


def _sheet_rows(name: str, ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
    except Exception as exc:  # a damaged sheet: bad XML, a bad number, ...
        raise BadInput(name, f"damaged sheet '{ws.title}' ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class _NotObject:
    """A JSON record that is not an object: reported as a reject."""

    value: Any


_JSON_LISTS = ("records", "data", "items", "partnerships", "rows", "results")


def _json_table(path: Path, options: ImportOptions) -> Table:
    name = str(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise BadInput(name, "empty file")
    encoding, errors = _sniff_encoding(raw[:HEAD_BYTES], name, options.encoding)
    text = raw.decode(encoding, errors=errors)
    if not text.strip():
        raise BadInput(name, "empty file")
    numbered: list[tuple[int, Any]]
    try:
        data = json.loads(text)
        lines = False
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise BadInput(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
        lines = True
    if lines:
        numbered = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise BadInput(name, f"not valid JSON Lines: {exc.msg}", line=number) from None
    else:
        if isinstance(data, dict):
            found = next((data[k] for k in _JSON_LISTS if isinstance(data.get(k), list)), None)
            if found is None:
                lists = [v for v in data.values() if isinstance(v, list)]
                found = lists[0] if len(lists) == 1 else None
            if found is None:
                raise BadInput(
                    name,
                    "expected an array of objects, or an object with a list under "
                    + "/".join(f'"{k}"' for k in _JSON_LISTS[:4]),
                )
            data = found
        if not isinstance(data, list):
            raise BadInput(name, "expected an array of objects")
        numbered = list(enumerate(data, start=1))
    if not numbered:
        raise BadInput(name, "no records")
    keys: dict[str, None] = {}
    for _, rec in numbered:
        if isinstance(rec, dict):
            for k in rec:
                keys.setdefault(str(k), None)
    header = list(keys)
    if not header:
        raise BadInput(name, "no records (no objects with fields)")

    def rows() -> Iterator[tuple[int, Any]]:
        for number, rec in numbered:
            if isinstance(rec, dict):
                yield number, [rec.get(k) for k in header]
            else:
                yield number, _NotObject(rec)

    return Table(header, 0, rows(), ragged=False)


def open_table(path: Path, options: ImportOptions) -> Table:
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _xlsx_table(path, options)
    if suffix in JSON_SUFFIXES:
        return _json_table(path, options)
    return _csv_table(path, options)


# -- rows -> records ---------------------------------------------------------------------------


def _raw(header: list[str], cells: list[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, cell in enumerate(cells):
        key = header[i] if i < len(header) else f"column {i + 1}"
        if isinstance(cell, list | dict):
            text = json.dumps(cell, ensure_ascii=False, default=str)
        else:
            text = "" if cell is None else str(cell)
        out[key] = text if len(text) <= 1000 else text[:1000] + "..."
    return out


class _Row:
    """One data row with its column assignment; builds a record or a reject."""

    __slots__ = ("cells", "cols", "number", "origin", "path")

    def __init__(self, path: str, number: int, cells: list[Any], cols: Columns) -> None:
        self.path, self.number, self.cells, self.cols = path, number, cells, cols
        self.origin = Origin(path, number)

    def get(self, fld: str) -> Any:
        idx = self.cols.single.get(fld)
        if idx is None or idx >= len(self.cells):
            return None
        return self.cells[idx]

    def text(self, fld: str, *, keep_newlines: bool = False) -> str:
        return clean_text(self.get(fld), keep_newlines=keep_newlines)

    def reject(self, fld: str, reason: str) -> Reject:
        return Reject(self.origin, fld, reason, _raw(self.cols.header, self.cells))


def _build(row: _Row, ragged: bool) -> Record | Reject | None:
    cells, cols = row.cells, row.cols
    if ragged and len(cells) > len(cols.header):
        width = len(_trim(cells))
        if width > len(cols.header):
            return row.reject("row", f"row has {width} cells, the header has {len(cols.header)}")
    if ragged:
        longest = max(map(len, cells), default=0)  # CSV: every cell is a str
    else:
        longest = max((len(c) for c in cells if isinstance(c, str)), default=0)
    if longest > MAX_CELL:
        for idx, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > MAX_CELL:
                return row.reject(cols.field_of(idx), f"cell too long ({len(cell)} characters)")
    title = row.text("title")
    if not title:
        return row.reject("title", "empty")
    dates: dict[str, PartialDate | None] = {}
    for fld in ("start", "end"):
        try:
            dates[fld] = to_partial_date(row.get(fld))
        except ValueError as exc:
            return row.reject(fld, str(exc))
    start, end = dates["start"], dates["end"]
    if start and end and end.last_day() < start.first_day():
        return row.reject("end", f"end {end} is before start {start}")
    try:
        outcomes = _outcomes(row)
    except ValueError as exc:
        return row.reject("amount", str(exc))
    lead, partners, problem = _organisations(row)
    if problem:
        return row.reject("partner_codes", problem)
    names = {ref.name.casefold() for ref in ((lead,) if lead else ()) + partners}
    if not names:
        return row.reject("partners", FEWER_THAN_TWO)
    identifier = row.text("id") or None
    areas_text = row.text("service_area", keep_newlines=True)
    if ";" in areas_text or "\n" in areas_text:
        areas = tuple(a.strip() for a in re.split(r"[;\n]", areas_text) if a.strip())
    else:
        areas = (areas_text,) if areas_text else ()
    return PartnershipRecord(
        title=title,
        origin=Origin(row.path, row.number, record_id=identifier) if identifier else row.origin,
        lead=lead,
        partners=partners,
        service_areas=areas,
        region=row.text("region") or None,
        kind=row.text("kind") or None,
        start=start,
        end=end,
        status=row.text("status") or None,
        description=row.text("description", keep_newlines=True) or None,
        outcomes=outcomes,
        identifier=identifier,
    )


@dataclass
class _OneMember:
    """A row naming one organisation: a reject in a file of partnerships, or one membership
    of a file with a row per partnership and member ("long" form), grouped by `read`."""

    record: PartnershipRecord
    reject: Reject

    @property
    def key(self) -> tuple[str, str]:
        rec = self.record
        return (rec.identifier or " ".join(rec.title.casefold().split()), rec.kind or "")


def _single(item: Record | Reject | None, row: _Row) -> Record | Reject | _OneMember | None:
    if isinstance(item, PartnershipRecord) and len(item.members()) < 2:
        return _OneMember(item, row.reject("partners", FEWER_THAN_TWO))
    return item


def _grouped(singles: list[_OneMember], rows: int) -> Iterator[Record | Reject]:
    """Rows naming one organisation each, merged per partnership (id, else title, and kind)
    when the file is in long form: most rows name one organisation and keys repeat.
    Otherwise, and for a key whose rows name fewer than two organisations, the rejects."""
    groups: dict[tuple[str, str], list[_OneMember]] = {}
    for one in singles:
        groups.setdefault(one.key, []).append(one)
    long_form = 2 * len(singles) >= rows and any(len(g) > 1 for g in groups.values())
    for group in groups.values():
        merged = _merge([one.record for one in group]) if long_form else None
        if merged is None:
            yield from (one.reject for one in group)
        else:
            yield merged


def _merge(records: list[PartnershipRecord]) -> PartnershipRecord | None:
    """One partnership from its membership rows: every member, the earliest start, the
    latest end (open if any row is open), the first row's other fields."""
    first = records[0]
    members: dict[tuple[str, str | None], OrgRef] = {}
    for rec in records:
        for ref in rec.members():
            members.setdefault((ref.name.casefold(), ref.code), ref)
    partners = tuple(OrgRef(ref.name, code=ref.code, role="partner") for ref in members.values())
    if len({ref.name.casefold() for ref in partners}) < 2:
        return None
    starts = [r.start for r in records if r.start is not None]
    ends = [r.end for r in records]
    outcomes = tuple(dict.fromkeys(o for r in records for o in r.outcomes))
    areas = tuple(dict.fromkeys(a for r in records for a in r.service_areas))
    return dataclasses.replace(
        first,
        lead=None,
        partners=partners,
        service_areas=areas,
        start=min(starts, key=lambda d: d.first_day()) if starts else None,
        end=None if None in ends else max(ends, key=lambda d: d.last_day()),  # type: ignore[arg-type]
        outcomes=outcomes,
    )


def _organisations(row: _Row) -> tuple[OrgRef | None, tuple[OrgRef, ...], str | None]:
    """(lead, partners, problem with the codes or None)."""
    cols = row.cols
    leads = _names_in(row.get("lead"))
    lead_code = row.text("lead_code") or None
    pairs: list[tuple[str, str | None]] = []
    numbered_codes: dict[int, str] = {}
    loose_codes: list[str] = []
    for idx, number in cols.partner_codes:
        value = row.cells[idx] if idx < len(row.cells) else None
        if number is not None:
            code = clean_text(value)
            if code:
                numbered_codes[number] = code
        else:
            loose_codes.extend(_split_codes(value))
    loose: list[tuple[str, str | None]] = []
    for idx, number in cols.partners:
        value = row.cells[idx] if idx < len(row.cells) else None
        if number is not None:
            pairs.extend(
                (n, c or numbered_codes.get(number)) for n, c in _names_in(value, split=False)
            )
        else:
            loose.extend(_names_in(value))
    if loose_codes and any(loose_codes):
        if not loose:
            loose = [(c, c) for c in loose_codes if c]
        elif len(loose_codes) != len(loose):
            problem = f"{len(loose_codes)} codes for {len(loose)} partners"
            return None, (), problem + " (the two lists must be parallel)"
        else:
            loose = [
                (n, c or code or None) for (n, c), code in zip(loose, loose_codes, strict=True)
            ]
    pairs.extend(loose)
    for number, code in numbered_codes.items():
        if not any(True for idx, n in cols.partners if n == number):
            pairs.append((code, code))
    lead = None
    if leads:
        name, code = leads[0]
        lead = OrgRef(name, code=code or lead_code, role="lead")
        pairs = leads[1:] + pairs
    elif lead_code:
        lead = OrgRef(lead_code, code=lead_code, role="lead")
    partners = tuple(OrgRef(n, code=c or None, role="partner") for n, c in pairs if n)
    return lead, partners, None


def _outcomes(row: _Row) -> tuple[Outcome, ...]:
    cols = row.cols
    text = row.text("outcome", keep_newlines=True) or None
    cell = row.get("amount")
    money = None
    if cell is not None and not (isinstance(cell, str) and _blank_amount(cell)):
        money = parse_money(cell)
        if money is None:
            raise ValueError(f"not an amount: {clean_text(cell)!r}")
        if cols.amount_scale != 1 and not _HAS_MULTIPLIER.search(money.text):
            money = Money(money.amount * cols.amount_scale, money.per, money.qualifier, money.text)
            if money.amount > Decimal(10) ** 13:
                raise ValueError(f"amount not a plausible sum: {money.text!r}")
        if money.per is None and cols.amount_per:
            money = Money(money.amount, cols.amount_per, money.qualifier, money.text)
        kind = cols.amount_kind or outcome_kind(text) or "efficiency-gain"
        return (Outcome(kind=kind, money=money, text=text),)
    if not text:
        return ()
    found = find_money(text)
    if found:
        first = found[0]
        at = text.find(first.text)
        clause_start = max(text.rfind(sep, 0, at) for sep in (";", ".", "\n")) + 1
        around = text[clause_start : at + len(first.text) + 40]
        kind = outcome_kind(around) or outcome_kind(text) or "efficiency-gain"
        return (Outcome(kind=kind, money=first, text=text),)
    return (Outcome(kind=outcome_kind(text) or "efficiency-gain", text=text),)


def _blank_amount(cell: str) -> bool:
    key = " ".join(cell.split()).casefold()
    return not key or key in BLANK_AMOUNTS


# -- the importer ------------------------------------------------------------------------------


def _columns(path: str, table: Table, options: ImportOptions) -> Columns:
    try:
        cols = recognise(table.header, options.mapping)
    except ValueError as exc:
        raise BadInput(path, str(exc)) from None
    if "title" not in cols.single:
        why = f"no title column found ({_column_list(table.header)}); use --map title=COLUMN"
        if len(table.header) == 1:
            why += " (only one column: is the file delimited by comma, semicolon, tab or |?)"
        raise BadInput(path, why)
    if not cols.has_orgs():
        raise BadInput(
            path,
            f"no lead or partner columns found ({_column_list(table.header)}); "
            "use --map lead=COLUMN --map partners=COLUMN",
        )
    return cols


def read(path: Path, options: ImportOptions) -> Iterator[Record | Reject]:
    """Yield one PartnershipRecord or Reject per data row; BadInput if the file is unusable."""
    path = Path(path)
    name = str(path)
    csv.field_size_limit(2**31 - 1)
    table = open_table(path, options)
    try:
        cols = _columns(name, table, options)
        records = 0
        singles: list[_OneMember] = []
        for number, cells in table.rows:
            if isinstance(cells, _NotObject):
                records += 1
                kind = {list: "an array", str: "a string", type(None): "null"}.get(
                    type(cells.value), f"a {type(cells.value).__name__}"
                )
                yield Reject(Origin(name, number), "row", f"not an object (got {kind})")
                continue
            if _is_blank(cells):
                continue
            records += 1
            row = _Row(name, number, list(cells), cols)
            item = _single(_build(row, table.ragged), row)
            if isinstance(item, _OneMember):
                singles.append(item)
            elif item is not None:
                yield item
        if records == 0:
            raise BadInput(name, "no records (only a header row)")
        yield from _grouped(singles, records)
    finally:
        table.close()


# -- detection ---------------------------------------------------------------------------------


def _score_header(header: list[str]) -> int:
    try:
        cols = recognise(header)
    except ValueError:
        return 20
    title, orgs = "title" in cols.single, cols.has_orgs()
    if title and orgs:
        return min(90, 60 + 5 * max(0, cols.recognised() - 2))
    if title or orgs:
        return 30
    return 20


def detect(path: Path) -> int:
    """0..100: how surely this is a compendium table. Never raises."""
    try:
        return _detect(Path(path))
    except Exception:
        return 0


def _detect(path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + XLSX_SUFFIXES + JSON_SUFFIXES or not path.is_file():
        return 0
    unknown = 0 if suffix == ".txt" else 20
    if suffix in XLSX_SUFFIXES:
        try:
            table = _xlsx_table(path, ImportOptions())
        except Exception:
            return unknown
        try:
            return _score_header(table.header)
        finally:
            table.close()
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_CHARS)
    if suffix in JSON_SUFFIXES:
        return _detect_json(head) or unknown
    try:
        encoding, _ = _sniff_encoding(head[:HEAD_BYTES], str(path), None)
    except BadInput:
        return unknown
    text = head.decode(encoding, errors="replace")
    delim = _sniff_delimiter(text, None)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))[:40]
    picked = _pick_header([(i, r) for i, r in enumerate(rows) if not _is_blank(r)], {})
    if picked is None:
        return unknown
    score = _score_header(picked[1])
    if suffix == ".txt" and score <= 20:
        return 10 if len(picked[1]) >= 3 else 0
    return score


def _detect_json(head: bytes) -> int:
    text = head.decode("utf-8-sig", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        first = text.split("\n", 1)[0]
        try:
            data = json.loads(first)
        except json.JSONDecodeError:
            keys = re.findall(r'"([^"\\]{1,80})"\s*:', text[:16384])
            return _score_header(list(dict.fromkeys(keys))) if keys else 0
    if isinstance(data, dict):
        found = next((data[k] for k in _JSON_LISTS if isinstance(data.get(k), list)), None)
        data = found if found is not None else [data]
    if isinstance(data, list):
        keys = list(
            dict.fromkeys(str(k) for rec in data[:50] if isinstance(rec, dict) for k in rec)
        )
        return _score_header(keys) if keys else 0
    return 0


IMPORTER = Importer(
    name="compendium",
    description="Collaboration compendiums: one partnership per row (CSV/TSV, XLSX, JSON)",
    detects="*.csv, *.tsv, *.txt, *.xlsx, *.json with a title column and organisation columns",
    detect=detect,
    read=read,
    fields=FIELDS,
)


@hookimpl
def kgraph_importers() -> list[Importer]:
    return [IMPORTER]
