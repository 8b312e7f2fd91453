"""Partner shifts between two periods, from dated memberships.

For each organisation, its partners in a period are the organisations it shares a
partnership with, both memberships being active at some time in that period (an undated
start or end is open). Between the periods:

* kept, gained, lost   partners in both periods, only the later one, only the earlier one;
* switches             per service area, partners dropped in that service and others taken
                       on in it ("Shared back office: Kingston -> Wandsworth"); a partner
                       kept through another service area still counts as switched here;
* jaccard              |kept| / |partners in either period| (1 = same partners, 0 = none);
* partner mix          share of partners by sector (council, health, police/fire, third
                       sector, private, ...) in each period, and the change in points.

So an organisation that left one partnership and joined another shows the partners of the
first as lost and those of the second as gained.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from kgraph.analytics.facts import Facts, Org
from kgraph.analytics.selection import Filters, Period, Selection, select

SECTORS = ("council", "health", "police-fire", "third-sector", "private")


def shifts(
    facts: Facts, filters: Filters, before: Period, after: Period, org: str | None = None
) -> list[dict[str, object]]:
    """One row per organisation with partners in either period (or just `org`)."""
    a, b = select(facts, filters.with_period(before)), select(facts, filters.with_period(after))
    pa, pb = a.partners(), b.partners()
    sa, sb = _by_service(a), _by_service(b)
    orgs = [org] if org is not None else sorted(set(pa) | set(pb))
    rows = [
        _row(facts, o, set(pa.get(o, ())), set(pb.get(o, ())), sa.get(o, {}), sb.get(o, {}))
        for o in orgs
    ]
    if org is None:
        rows.sort(key=lambda r: (-(len(r["gained"]) + len(r["lost"])), r["organisation"]))
    return rows


def summary(
    facts: Facts, filters: Filters, before: Period, after: Period
) -> list[dict[str, object]]:
    """Partner mix of each sector's organisations, all their ties added up, in both periods."""
    a, b = select(facts, filters.with_period(before)), select(facts, filters.with_period(after))
    ties: dict[str, list[Counter[str]]] = defaultdict(lambda: [Counter(), Counter()])
    orgs: dict[str, set[str]] = defaultdict(set)
    for i, view in enumerate((a.partners(), b.partners())):
        for o, partners in view.items():
            sector = _org(facts, o).sector.notation
            orgs[sector].add(o)
            ties[sector][i].update(_org(facts, p).sector.notation for p in partners)
    rows = []
    for sector in _ordered(ties):
        before_mix, after_mix = _shares(ties[sector][0]), _shares(ties[sector][1])
        rows.append(
            {
                "sector": sector,
                "organisations": len(orgs[sector]),
                "ties_from": sum(ties[sector][0].values()),
                "ties_to": sum(ties[sector][1].values()),
                "mix_from": before_mix,
                "mix_to": after_mix,
                "mix_shift": _shift(before_mix, after_mix),
            }
        )
    return rows


def describe_mix(mix: dict[str, float]) -> str:
    return ", ".join(f"{s} {_pct(v)}" for s, v in mix.items() if v)


def _pct(share: float) -> str:
    return "<1%" if 0 < share < 0.005 else f"{round(100 * share)}%"


def describe_shift(shift: dict[str, float]) -> str:
    return ", ".join(f"{s} {v:+.1f}pp" for s, v in shift.items() if v)


def _row(
    facts: Facts,
    o: str,
    before: set[str],
    after: set[str],
    services_before: dict[str, set[str]],
    services_after: dict[str, set[str]],
) -> dict[str, object]:
    org = _org(facts, o)
    either = before | after
    mix_from = _shares(Counter(_org(facts, p).sector.notation for p in before))
    mix_to = _shares(Counter(_org(facts, p).sector.notation for p in after))
    switches = []
    for service in sorted(set(services_before) | set(services_after)):
        dropped = services_before.get(service, set()) - services_after.get(service, set())
        taken = services_after.get(service, set()) - services_before.get(service, set())
        if dropped and taken:
            switches.append(f"{service}: {_names(facts, dropped)} -> {_names(facts, taken)}")
    return {
        "organisation": org.label,
        "type": org.type.label,
        "sector": org.sector.notation,
        "partners_from": len(before),
        "partners_to": len(after),
        "kept": _labels(facts, before & after),
        "gained": _labels(facts, after - before),
        "lost": _labels(facts, before - after),
        "switches": switches,
        "jaccard": round(len(before & after) / len(either), 3) if either else None,
        "mix_from": mix_from,
        "mix_to": mix_to,
        "mix_shift": _shift(mix_from, mix_to),
        "iri": o,
    }


def _by_service(selection: Selection) -> dict[str, dict[str, set[str]]]:
    """org -> service area label -> partners in partnerships of that service area."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for p, orgs in selection.members.items():
        info = selection.facts.partnerships.get(p)
        for service in info.services if info else ():
            for o in orgs:
                out[o][service.label] |= orgs - {o}
    return out


def _shares(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts.values())
    return {s: round(counts[s] / total, 3) for s in _ordered(counts)} if total else {}


def _shift(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Change in percentage points; none when a period has no partners to compare."""
    if not before or not after:
        return {}
    sectors = _ordered(set(before) | set(after))
    return {s: round(100 * (after.get(s, 0.0) - before.get(s, 0.0)), 1) for s in sectors}


def _ordered(sectors: object) -> list[str]:
    present = set(sectors)  # type: ignore[call-overload]
    return [s for s in SECTORS if s in present] + sorted(present - set(SECTORS))


def _org(facts: Facts, iri: str) -> Org:
    return facts.orgs.get(iri) or Org(iri, iri)


def _labels(facts: Facts, iris: set[str]) -> list[str]:
    return sorted(_org(facts, i).label for i in iris)


def _names(facts: Facts, iris: set[str]) -> str:
    return ", ".join(_labels(facts, iris))
