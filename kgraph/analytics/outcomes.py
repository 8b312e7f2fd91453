"""What partnerships report: the share reporting gains, and savings by service and region.

Rule: a partnership *reports gains* if it has at least one kg:Outcome whose kind is
efficiency-gain or saving (with or without an amount). Its *savings* are the kg:amountGBP
of those outcomes only: funding, contract values and costs are money, not savings.

Amounts stated per year (kg:amountPer "year"; "month" x 12, "week" x 52) are added up as
yearly savings. Amounts with no period are one-off sums or totals over a contract's life:
they are added up apart, as one-off, and never mixed with the yearly figures. Each total
and median says how many partnerships it rests on; a partnership in several service areas
counts in each of them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from kgraph.analytics.facts import Partnership
from kgraph.analytics.selection import Selection, region_of

GAIN_KINDS = frozenset({"efficiency-gain", "saving"})
PER_YEAR = {"year": 1, "annum": 1, "month": 12, "week": 52}
NO_SERVICE = "(no service area)"


@dataclass(frozen=True)
class Savings:
    reports_gain: bool = False
    per_year: float | None = None  # GBP a year
    one_off: float | None = None  # GBP, once (or over the whole contract)


def savings_of(partnership: Partnership) -> Savings:
    gains = [o for o in partnership.outcomes if o.kind in GAIN_KINDS]
    yearly = [
        o.amount * PER_YEAR[o.per] for o in gains if o.amount is not None and o.per in PER_YEAR
    ]
    once = [o.amount for o in gains if o.amount is not None and o.per not in PER_YEAR]
    return Savings(
        reports_gain=bool(gains),
        per_year=sum(yearly) if yearly else None,
        one_off=sum(once) if once else None,
    )


def summary(selection: Selection, top: int = 10) -> list[dict[str, object]]:
    """Rows with a `group`: "all", then "service", "region", and "top" partnerships."""
    facts = selection.facts
    chosen = [facts.partnerships[p] for p in sorted(selection.members) if p in facts.partnerships]
    found = {p.iri: savings_of(p) for p in chosen}
    by_service: dict[str, list[str]] = defaultdict(list)
    by_region: dict[str, list[str]] = defaultdict(list)
    for p in chosen:
        for label in sorted({s.label for s in p.services}) or [NO_SERVICE]:
            by_service[label].append(p.iri)
        by_region[region_of(facts, p, selection.members[p.iri])].append(p.iri)
    rows = [_row("all", "all partnerships", [p.iri for p in chosen], found)]
    for group, parts in (("service", by_service), ("region", by_region)):
        ordered = sorted(parts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        rows.extend(_row(group, name, iris, found) for name, iris in ordered)
    with_money = [
        p for p in chosen if (found[p.iri].per_year, found[p.iri].one_off) != (None, None)
    ]
    with_money.sort(key=lambda p: (-(found[p.iri].per_year or 0), -(found[p.iri].one_off or 0)))
    for p in with_money[:top]:
        row = _row("top", p.label, [p.iri], found)
        row["service"] = "; ".join(s.label for s in p.services)
        row["region"] = region_of(facts, p, selection.members[p.iri])
        row["iri"] = p.iri
        rows.append(row)
    return rows


def _row(group: str, name: str, iris: list[str], found: dict[str, Savings]) -> dict[str, object]:
    yearly = [y for i in iris if (y := found[i].per_year) is not None]
    once = [x for i in iris if (x := found[i].one_off) is not None]
    gains = sum(found[i].reports_gain for i in iris)
    return {
        "group": group,
        "name": name,
        "partnerships": len(iris),
        "reporting_gains": gains,
        "gains_pct": round(100 * gains / len(iris), 1) if iris else None,
        "yearly_total": _money(sum(yearly)) if yearly else None,
        "yearly_median": _money(statistics.median(yearly)) if yearly else None,
        "yearly_n": len(yearly),
        "one_off_total": _money(sum(once)) if once else None,
        "one_off_median": _money(statistics.median(once)) if once else None,
        "one_off_n": len(once),
    }


def _money(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)
