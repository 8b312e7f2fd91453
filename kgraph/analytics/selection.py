"""Which memberships an analysis looks at: --period, --region, --service, --org-type, --source.

* period: a membership counts if its interval overlaps the years (a missing start or end is
  open, so an undated membership counts in every period);
* region: partnerships whose region is the one named or inside it (skos:broader); a
  partnership with no region counts if any of its members is in the region;
* service: partnerships with that service area (or a narrower one);
* org-type: organisations of that type, or of any type in that sector ("health", "council");
* source: memberships stated by that source (file name, path or checksum prefix).

Names match a concept's notation or any of its labels, ignoring case, hyphens and
apostrophes. Several values of one filter are alternatives; different filters all apply.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from kgraph.analytics.facts import Facts, Org, Partnership
from kgraph.errors import UsageProblem

PERIOD = re.compile(r"^\s*(\d{4})\s*(?:(?:-|–|—|to|\.\.)\s*(\d{4}))?\s*$")


@dataclass(frozen=True)
class Period:
    start: int
    end: int

    def overlaps(self, begin: int | None, finish: int | None) -> bool:
        return (begin is None or begin <= self.end) and (finish is None or finish >= self.start)

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


def parse_period(text: str) -> Period:
    """'2010-2014' (or a single year '2012') -> Period; a bad value raises UsageProblem."""
    match = PERIOD.match(text or "")
    if not match:
        raise UsageProblem(f"expected YEAR-YEAR such as 2010-2014, got {text!r}")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    if start > end:
        raise UsageProblem(f"{text}: the first year is after the last")
    return Period(start, end)


@dataclass(frozen=True)
class Filters:
    period: Period | None = None
    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def with_period(self, period: Period | None) -> Filters:
        return replace(self, period=period)

    def describe(self) -> str:
        parts = [f"--period {self.period}"] if self.period else []
        for option, values in (
            ("--region", self.regions),
            ("--service", self.services),
            ("--org-type", self.org_types),
            ("--source", self.sources),
        ):
            parts.extend(f"{option} {v!r}" if " " in v else f"{option} {v}" for v in values)
        return " ".join(parts)


@dataclass
class Selection:
    """The memberships an analysis keeps: partnership -> its organisations."""

    facts: Facts
    filters: Filters
    members: dict[str, set[str]] = field(default_factory=dict)

    @property
    def orgs(self) -> set[str]:
        return set().union(*self.members.values()) if self.members else set()

    def partners(self) -> dict[str, dict[str, set[str]]]:
        """org -> partner -> the partnerships they share in this selection."""
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for p, orgs in self.members.items():
            for a in orgs:
                for b in orgs:
                    if a != b:
                        out[a][b].add(p)
        return out

    def empty_message(self) -> str:
        what = self.filters.describe()
        return "no partnerships match" + (f" {what}" if what else ": the store has none")


def select(facts: Facts, filters: Filters) -> Selection:
    """Apply the filters; an unknown region, service, type or source raises UsageProblem."""
    regions = _concepts(facts, "region", filters.regions, "--region")
    services = _concepts(facts, "service", filters.services, "--service")
    types = _org_types(facts, filters.org_types)
    sources = _sources(facts, filters.sources)
    period = filters.period
    in_region = _partnerships_in(facts, regions) if regions is not None else None
    members: dict[str, set[str]] = defaultdict(set)
    for m in facts.memberships:
        if period is not None and not period.overlaps(m.start, m.end):
            continue
        if sources is not None and not (m.sources & sources):
            continue
        if in_region is not None and m.partnership not in in_region:
            continue
        p = facts.partnerships.get(m.partnership)
        if services is not None and not (p and services & {c.iri for c in p.services}):
            continue
        if types is not None and not _of_type(facts.orgs.get(m.org) or Org(m.org, m.org), types):
            continue
        members[m.partnership].add(m.org)
    return Selection(facts, filters, dict(members))


def normalise(text: str) -> str:
    text = re.sub(r"['’‘`]", "", text.casefold()).replace("&", " and ")
    return " ".join(re.split(r"[\s_\-/]+", text)).strip()


def _concepts(facts: Facts, scheme: str, names: tuple[str, ...], option: str) -> set[str] | None:
    """Concepts whose notation or a label matches, with every narrower concept."""
    if not names:
        return None
    found: set[str] = set()
    for name in names:
        matched = _match(facts, {scheme}, name)
        if not matched:
            known = sorted({facts.concepts[c].notation for c in _in_scheme(facts, {scheme})})
            raise UsageProblem(f"{option}: no {scheme} called {name!r} (known: {_few(known)})")
        found |= matched
    return _with_narrower(facts, found)


def _org_types(facts: Facts, names: tuple[str, ...]) -> set[str] | None:
    if not names:
        return None
    found: set[str] = set()
    for name in names:
        matched = _match(facts, {"orgtype", "sector"}, name)
        if not matched:
            known = sorted({facts.concepts[c].notation for c in _in_scheme(facts, {"orgtype"})})
            raise UsageProblem(
                f"--org-type: no organisation type or sector called {name!r} (known: {_few(known)})"
            )
        found |= matched
    return found


def _of_type(org: Org, types: set[str]) -> bool:
    return org.type.iri in types or org.sector.iri in types


def _sources(facts: Facts, names: tuple[str, ...]) -> set[str] | None:
    if not names:
        return None
    found: set[str] = set()
    for name in names:
        key = name.casefold()
        matched = {
            s.graph
            for s in facts.sources
            if key in (s.file.casefold(), s.path.casefold(), s.graph.casefold())
            or (len(key) >= 6 and s.sha256.startswith(key))
        }
        if not matched:
            known = sorted({s.file for s in facts.sources})
            raise UsageProblem(f"--source: no source {name!r} in the store (known: {_few(known)})")
        found |= matched
    return found


def _match(facts: Facts, schemes: set[str], name: str) -> set[str]:
    key = normalise(name)
    return {
        c
        for c in _in_scheme(facts, schemes)
        if any(normalise(text) == key for text in facts.texts.get(c, ()))
    }


def _in_scheme(facts: Facts, schemes: set[str]) -> list[str]:
    return [c for c, s in facts.scheme.items() if s in schemes]


def _with_narrower(facts: Facts, concepts: set[str]) -> set[str]:
    narrower: dict[str, set[str]] = defaultdict(set)
    for c, ups in facts.broader.items():
        for up in ups:
            narrower[up].add(c)
    out, todo = set(concepts), list(concepts)
    while todo:
        for child in narrower.get(todo.pop(), ()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _partnerships_in(facts: Facts, regions: set[str]) -> set[str]:
    member_regions: dict[str, set[str]] = defaultdict(set)
    for m in facts.memberships:
        org = facts.orgs.get(m.org)
        if org is not None and org.region is not None:
            member_regions[m.partnership].add(org.region.iri)
    return {
        iri
        for iri, p in facts.partnerships.items()
        if (p.region.iri in regions if p.region else bool(member_regions[iri] & regions))
    }


def region_of(facts: Facts, partnership: Partnership, members: set[str]) -> str:
    """The partnership's region label, else its members' common region, else a note."""
    if partnership.region is not None:
        return partnership.region.label
    labels = {
        org.region.label
        for o in members
        if (org := facts.orgs.get(o)) is not None and org.region is not None
    }
    if len(labels) == 1:
        return labels.pop()
    return "(several regions)" if labels else "(no region)"


def _few(values: list[str], limit: int = 12) -> str:
    if not values:
        return "none"
    more = f", ... {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


def partnership_spans(
    facts: Facts, selection: Selection
) -> dict[str, tuple[int | None, int | None]]:
    """Partnership -> (first start, last end) of its selected memberships; None is open."""
    starts: dict[str, list[int | None]] = defaultdict(list)
    ends: dict[str, list[int | None]] = defaultdict(list)
    for m in facts.memberships:
        if m.org in selection.members.get(m.partnership, ()):
            starts[m.partnership].append(m.start)
            ends[m.partnership].append(m.end)
    out = {}
    for p in starts:
        s, e = starts[p], ends[p]
        out[p] = (
            None if None in s else min(s),  # type: ignore[type-var]
            None if None in e else max(e),  # type: ignore[type-var]
        )
    return out
