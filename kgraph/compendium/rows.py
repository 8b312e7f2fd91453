"""Rows -> records: each data row becomes a PartnershipRecord, or a Reject saying why not.

Reading rules, in the order a row meets them (the first problem rejects the row): data
beyond the header's last column or a cell over `MAX_CELL` characters; no title; a start or
end that is not a date, or an end before the start; an amount that is not a plausible sum;
partner codes not parallel to the partner names; no organisation at all. Rows naming one
organisation each are merged per partnership when the file is in "long" form (a row per
partnership and member), and rejected otherwise.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kgraph.compendium.columns import Columns
from kgraph.compendium.names import names_in, split_codes
from kgraph.compendium.tables import NotObject, Table, is_blank, trim
from kgraph.errors import BadInput
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

MAX_CELL = 100_000
BLANK_AMOUNTS = frozenset(
    ("n/a", "na", "n.a.", "none", "nil", "-", "--", "\u2014", "\u2013", "?", "tbc", "tbd",
     "unknown", "not known", "not quantified", "unquantified", "not available",
     "not applicable", "not yet known", "various")
)  # fmt: skip
FEWER_THAN_TWO = "fewer than two organisations (a partnership needs two)"
_HAS_MULTIPLIER = re.compile(r"\d\s*(?:bn|b|m|mn|k|million|billion|thousand|trillion)\b", re.I)


def records(path: str, table: Table, cols: Columns) -> Iterator[Record | Reject]:
    """One PartnershipRecord or Reject per data row of `table`, long-form rows merged last;
    BadInput when there are no data rows."""
    count = 0
    singles: list[_OneMember] = []
    for number, cells in table.rows:
        if isinstance(cells, NotObject):
            count += 1
            kind = {list: "an array", str: "a string", type(None): "null"}.get(
                type(cells.value), f"a {type(cells.value).__name__}"
            )
            yield Reject(Origin(path, number), "row", f"not an object (got {kind})")
            continue
        if is_blank(cells):
            continue
        count += 1
        row = _Row(path, number, list(cells), cols)
        item = _single(_build(row, table.ragged), row)
        if isinstance(item, _OneMember):
            singles.append(item)
        elif item is not None:
            yield item
    if count == 0:
        raise BadInput(path, "no records (only a header row)")
    yield from _grouped(singles, count)


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
        width = len(trim(cells))
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
    """One partnership from its membership rows: every member, service area and outcome,
    the earliest start, the latest end (open if any row is open), the first row's other
    fields (title, kind, identifier, ...)."""
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
    leads = names_in(row.get("lead"))
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
            loose_codes.extend(split_codes(value))
    loose: list[tuple[str, str | None]] = []
    for idx, number in cols.partners:
        value = row.cells[idx] if idx < len(row.cells) else None
        if number is not None:
            pairs.extend(
                (n, c or numbered_codes.get(number)) for n, c in names_in(value, split=False)
            )
        else:
            loose.extend(names_in(value))
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
