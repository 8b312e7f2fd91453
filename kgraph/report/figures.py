"""Every number in the report, computed by the functions behind the CLI commands.

The report must agree with what an analyst gets from `kgraph outcomes`, `central`,
`brokers`, `shifts` and `survey summary` on the same store and filters, so nothing here
recomputes a measure: it calls `analytics.outcomes.summary`, `analytics.centrality`,
`analytics.shifts` and `survey.summary` and only arranges their rows for the page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kgraph.analytics.facts import Facts
from kgraph.analytics.selection import Filters, Period, Selection, region_of, select
from kgraph.store import Store

TOP = 10  # collaborators, brokers and shifts shown
PERIOD_YEARS = 5  # periods of the partner-mix picture: 2005-2009, 2010-2014, ...
MAX_PERIODS = 4  # the most recent ones
MAX_REGIONS = 8  # regions drawn apart in the starts-per-year chart; the rest are "other"
MAX_ROWS = 25  # bars in one chart (about a printed page); the tables list every row


@dataclass(frozen=True)
class Headline:
    """One headline figure and the number of partnerships (or answers) it rests on."""

    label: str
    value: str
    basis: str


@dataclass
class ReportData:
    """What the page shows; plain values only (names and titles kept as text)."""

    title: str
    filters: str  # the --period/--region as the commands describe them, "" for none
    organisations: int = 0
    partnerships: int = 0
    sources_used: int = 0
    sources_total: int = 0
    headlines: list[Headline] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # `kgraph outcomes` rows
    starts: dict[int, Counter[str]] = field(default_factory=dict)  # year -> region -> count
    undated: int = 0  # partnerships with no start year
    periods: list[Period] = field(default_factory=list)
    mix: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # sector -> per period
    mix_ties: dict[str, list[int]] = field(default_factory=dict)  # sector -> ties per period
    shift_rows: list[dict[str, Any]] = field(default_factory=list)  # `kgraph shifts` rows
    shift_summary: list[dict[str, Any]] = field(default_factory=list)  # `shifts --summary`
    central: list[dict[str, Any]] = field(default_factory=list)  # `kgraph central` rows
    brokers: list[dict[str, Any]] = field(default_factory=list)  # `kgraph brokers` rows
    survey: list[dict[str, Any]] = field(default_factory=list)  # `kgraph survey summary`
    sources: list[dict[str, Any]] = field(default_factory=list)  # `kgraph sources` + counts
    quality: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    map_html: str = ""
    map_notes: list[str] = field(default_factory=list)
    network: dict[str, Any] = field(default_factory=dict)  # the map, drawn for print

    def rows(self, group: str) -> list[dict[str, Any]]:
        return [r for r in self.outcomes if r["group"] == group]

    def as_json(self) -> dict[str, Any]:
        """The figures as the commands' --json prints them, kept in the page so a reader
        (or a test) can check each one against `kgraph outcomes --json` and the others."""
        return plain(
            {
                "title": self.title,
                "filters": self.filters,
                "organisations": self.organisations,
                "partnerships": self.partnerships,
                "sources_used": self.sources_used,
                "sources_total": self.sources_total,
                "outcomes": self.outcomes,
                "central": self.central,
                "brokers": self.brokers,
                "periods": [str(p) for p in self.periods],
                "shifts": self.shift_rows,
                "shift_summary": self.shift_summary,
                "survey": self.survey,
            }
        )


def plain(value: Any) -> Any:
    """JSON-ready values: Decimals as ints or floats, as `kgraph survey summary --json`."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def gather(store: Store, filters: Filters, title: str) -> ReportData:
    """Read the store once and compute every figure; raises UsageProblem on unknown names."""
    from kgraph.analytics.facts import load
    from kgraph.catalog import sources as list_sources
    from kgraph.render.data import provenance
    from kgraph.report.quality import notes
    from kgraph.survey import summary as survey_summary

    facts = load(store, outcomes=True)
    selection = select(facts, filters)  # unknown --region fails here, before any work
    data = ReportData(title=title, filters=filters.describe())
    data.survey = survey_summary.summarise(survey_summary.run(store))
    data.quality = notes(store, selection)
    catalogue = list_sources(store)
    found = provenance(store)
    _counts(data, selection)
    _sources(data, selection, catalogue, contributions(store))
    if selection.members:
        _outcomes(data, selection)
        _starts(data, selection)
        _network(data, selection)
        _shifts(data, facts, filters, selection)
        _map(data, facts, filters, found)
    _headlines(data)
    return data


def _counts(data: ReportData, selection: Selection) -> None:
    data.organisations = len(selection.orgs)
    data.partnerships = len(selection.members)


def _outcomes(data: ReportData, selection: Selection) -> None:
    from kgraph.analytics.outcomes import summary

    data.outcomes = summary(selection, top=TOP)


def _network(data: ReportData, selection: Selection) -> None:
    """`kgraph central` (degree) and `kgraph brokers` (by region), top TOP each."""
    from kgraph.analytics.centrality import brokers, compute, ranked
    from kgraph.analytics.projection import organisation_graph

    graph = organisation_graph(selection)
    if graph.number_of_nodes():
        data.central = ranked(graph, compute(graph, "degree"), TOP)
        data.brokers = brokers(graph, by="region", top=TOP)


def _starts(data: ReportData, selection: Selection) -> None:
    """Partnerships by the year they started (as the map's "From" column) and region."""
    from kgraph.analytics.selection import partnership_spans  # as the map's start year

    facts = selection.facts
    spans = partnership_spans(facts, selection)
    regions: dict[str, str] = {}
    years: dict[str, int] = {}
    for p, members in selection.members.items():
        start = spans.get(p, (None, None))[0]
        info = facts.partnerships.get(p)
        if start is None or info is None:
            data.undated += 1
            continue
        years[p] = start
        regions[p] = region_of(facts, info, members)
    ranked = [r for r, _n in sorted(Counter(regions.values()).items(), key=lambda kv: -kv[1])]
    shown = set(ranked[:MAX_REGIONS])
    starts: dict[int, Counter[str]] = defaultdict(Counter)
    for p, year in years.items():
        starts[year][regions[p] if regions[p] in shown else "other regions"] += 1
    data.starts = dict(sorted(starts.items()))


def periods_of(facts: Facts, selection: Selection, chosen: Period | None) -> list[Period]:
    """The periods of the partner-mix picture: PERIOD_YEARS-year blocks (2010-2014, ...)
    over --period, else over the years the selected memberships are dated in; the last
    MAX_PERIODS of them. A range inside one block is cut in two halves."""
    if chosen is not None:
        first, last = chosen.start, chosen.end
    else:
        years = [
            y
            for m in facts.memberships
            if m.org in selection.members.get(m.partnership, ())
            for y in (m.start, m.end)
            if y is not None
        ]
        if not years:
            return []
        first, last = min(years), max(years)
    blocks = []
    start = first - first % PERIOD_YEARS
    while start <= last:
        blocks.append(Period(max(start, first), min(start + PERIOD_YEARS - 1, last)))
        start += PERIOD_YEARS
    if len(blocks) == 1 and last > first:
        middle = first + (last - first + 1) // 2
        blocks = [Period(first, middle - 1), Period(middle, last)]
    return blocks[-MAX_PERIODS:]


def _shifts(data: ReportData, facts: Facts, filters: Filters, selection: Selection) -> None:
    """Partner mix per period (`shifts --summary` on consecutive periods) and the largest
    shifts between the two most recent (`kgraph shifts`)."""
    from kgraph.analytics import shifts

    data.periods = periods_of(facts, selection, filters.period)
    if len(data.periods) < 2:
        return
    base = filters.with_period(None)
    for i, (before, after) in enumerate(zip(data.periods, data.periods[1:], strict=False)):
        rows = shifts.summary(facts, base, before, after)
        if i + 1 == len(data.periods) - 1:
            data.shift_summary = rows
        for row in rows:
            mix = data.mix.setdefault(row["sector"], [{} for _ in data.periods])
            ties = data.mix_ties.setdefault(row["sector"], [0 for _ in data.periods])
            mix[i], mix[i + 1] = row["mix_from"], row["mix_to"]
            ties[i], ties[i + 1] = row["ties_from"], row["ties_to"]
    before, after = data.periods[-2], data.periods[-1]
    rows = shifts.shifts(facts, base, before, after)
    data.shift_rows = [r for r in rows if r["gained"] or r["lost"]][:TOP]


def _map(data: ReportData, facts: Facts, filters: Filters, found: dict[str, list[str]]) -> None:
    from kgraph.render import MapOptions, build, render_html

    built = build(facts, MapOptions(filters=filters, title=data.title), found)
    data.map_html = render_html(built)
    data.map_notes = list(built.notes)
    data.network = _picture(built)


def _picture(built: Any) -> dict[str, Any]:
    """The map's nodes, ties and legend with seeded positions: the printed picture of the
    interactive map (a browser prints a frame only as far as it has drawn it)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(n["id"] for n in built.nodes)
    graph.add_edges_from((e["from"], e["to"], {"weight": e["weight"]}) for e in built.edges)
    # networkx's spring layout keeps separate groups within one square (igraph's, used by
    # the map above 300 organisations, flings small groups far off): seeded, so repeatable
    where = {v: tuple(p) for v, p in nx.spring_layout(graph, seed=built.seed).items()}
    nodes = [
        {
            "label": n["label"],
            "colour": n["colour"],
            "size": n["size"],
            "x": where[n["id"]][0],
            "y": where[n["id"]][1],
        }
        for n in built.nodes
    ]
    ties = [(e["from"], e["to"]) for e in built.edges]
    index = {n["id"]: i for i, n in enumerate(built.nodes)}
    return {
        "nodes": nodes,
        "ties": [(index[a], index[b]) for a, b in ties],
        "legend": built.legend,
        "by": built.colour_by,
    }


def _sources(
    data: ReportData,
    selection: Selection,
    catalogue: list[dict[str, Any]],
    extra: dict[str, dict[str, int]],
) -> None:
    """`kgraph sources` rows, each with what it contributes to this selection."""
    facts = selection.facts
    memberships: Counter[str] = Counter()
    partnerships: dict[str, set[str]] = defaultdict(set)
    orgs: dict[str, set[str]] = defaultdict(set)
    for m in facts.memberships:
        if m.org not in selection.members.get(m.partnership, ()):
            continue
        for graph in m.sources:
            memberships[graph] += 1
            partnerships[graph].add(m.partnership)
            orgs[graph].add(m.org)
    for row in catalogue:
        graph = str(row["graph"])
        data.sources.append(
            {
                **row,
                "memberships": memberships[graph],
                "partnerships": len(partnerships[graph]),
                "organisations": len(orgs[graph]),
                "answers": extra.get(graph, {}).get("answers", 0),
                "events": extra.get(graph, {}).get("events", 0),
            }
        )
    data.sources_total = len(catalogue)
    data.sources_used = sum(1 for graph in memberships if memberships[graph])


CONTRIBUTIONS = """
SELECT ?g (COUNT(DISTINCT ?obs) AS ?answers) (COUNT(DISTINCT ?event) AS ?events) WHERE {
  { GRAPH ?g { ?obs a qb:Observation } } UNION { GRAPH ?g { ?event a kg:CollaborationEvent } }
} GROUP BY ?g
"""


def contributions(store: Store) -> dict[str, dict[str, int]]:
    """Source graph -> survey answers and news events it holds (whole store)."""
    return {
        str(r["g"]): {"answers": int(r["answers"]), "events": int(r["events"])}
        for r in store.select(CONTRIBUTIONS)
    }


def _gbp(value: object) -> str:
    return "none" if value is None else f"£{value:,.0f}"


def _headlines(data: ReportData) -> None:
    n = data.partnerships
    out = [
        Headline("Organisations", f"{data.organisations:,}", f"in {n:,} partnerships"),
        Headline("Partnerships", f"{n:,}", data.filters or "all in the store"),
        Headline(
            "Sources",
            f"{data.sources_used:,}",
            f"stating these partnerships, of {data.sources_total:,} imported",
        ),
    ]
    every = data.rows("all")
    if every:
        row = every[0]
        out += [
            Headline(
                "Reporting gains",
                f"{row['gains_pct']}%",
                f"{row['reporting_gains']:,} of {row['partnerships']:,} partnerships",
            ),
            Headline(
                "Savings a year: total",
                _gbp(row["yearly_total"]),
                f"from {row['yearly_n']:,} partnership(s)",
            ),
            Headline(
                "Savings a year: median",
                _gbp(row["yearly_median"]),
                f"from {row['yearly_n']:,} partnership(s)",
            ),
            Headline(
                "One-off savings: total",
                _gbp(row["one_off_total"]),
                f"from {row['one_off_n']:,} partnership(s), kept apart from yearly",
            ),
            Headline(
                "One-off savings: median",
                _gbp(row["one_off_median"]),
                f"from {row['one_off_n']:,} partnership(s)",
            ),
        ]
    if data.survey:
        answers = sum(e["responses"] for e in data.survey)
        surveys = len({e["survey"] for e in data.survey})
        out.append(
            Headline(
                "Survey answers",
                f"{answers:,}",
                f"to {len(data.survey)} question(s) in {surveys} survey(s), whole store",
            )
        )
    data.headlines = out
