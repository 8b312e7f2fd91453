"""Network analytics commands: central, brokers, communities, shifts, outcomes.

Imports only click and kgraph.cli_common at module level; the analysis modules (networkx,
igraph, the store) load when a command runs.
"""

from __future__ import annotations

from typing import Any

import click

from kgraph.analytics.outcome_figures import FIGURES  # a tuple: no analytics stack
from kgraph.cli_common import (
    filter_options,
    listing,
    make_filters,
    period_callback,
    store_option,
)

METRICS = ("degree", "weighted", "betweenness", "eigenvector", "pagerank")
BROKER_GROUPS = ("region", "type", "sector")


def _facts(ctx: click.Context, *, outcomes: bool = False) -> Any:
    from kgraph.analytics.facts import load
    from kgraph.store import open_store

    with open_store(store_option(ctx)) as store:
        return load(store, outcomes=outcomes)


def _select(ctx: click.Context, facts: Any, filters: Any) -> Any:
    """The selection; an unknown --region/--service/--org-type/--source is a usage error."""
    from kgraph.analytics.selection import select
    from kgraph.errors import UsageProblem

    try:
        return select(facts, filters)
    except UsageProblem as exc:
        raise click.UsageError(str(exc), ctx) from None


def _note(message: str) -> None:
    click.secho(message, fg="yellow", err=True)


# -- central, brokers ---------------------------------------------------------------------
@click.command()
@click.option(
    "--metric",
    type=click.Choice([*METRICS, "all"]),
    default="degree",
    show_default=True,
    help="Centrality measure; 'all' ranks by each in turn.",
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--exact", is_flag=True, help="Exact betweenness on any size of network (slow).")
@filter_options()
@listing(["metric", "rank", "organisation", "type", "region", "score", "partners"])
@click.pass_context
def central(
    ctx: click.Context, metric: str, top: int, exact: bool, period: Any, **given: Any
) -> list[dict]:
    """Central collaborators: organisations ranked by a centrality measure.

    \b
    degree       share of the other organisations it has partnered with
    weighted     partnerships shared with others (ties weighted by shared partnerships)
    betweenness  share of shortest paths between others that pass through it; a tie's
                 length is 1/(shared partnerships). Exact up to 5,000 organisations,
                 above that estimated from 500 sampled organisations (the output says so)
    eigenvector  tied to organisations that are themselves well tied (weighted)
    pagerank     the same idea, damped; behaves on disconnected networks (weighted)

    Equal scores share a rank. Definitions are networkx's; igraph computes the heavy ones.
    See `kgraph brokers` for organisations that bridge regions, types or sectors.

    \b
    Examples:
      kgraph central --metric betweenness --top 10
      kgraph central --metric all --period 2010-2014 --region wales --json
    """
    from kgraph.analytics.centrality import compute, ranked
    from kgraph.analytics.projection import organisation_graph

    selection = _select(ctx, _facts(ctx), make_filters(period, **given))
    graph = organisation_graph(selection)
    if graph.number_of_nodes() == 0:
        _note(selection.empty_message())
        return []
    rows: list[dict] = []
    for name in METRICS if metric == "all" else (metric,):
        scores = compute(graph, name, exact=exact)
        if scores.method != "exact":
            _note(f"{name}: {scores.method}")
        found = ranked(graph, scores, top)
        if found and found[-1].get("tied_beyond"):
            _note(
                f"{name}: {found[-1]['tied_beyond']} more organisation(s) tie with the last "
                f"one shown (rank {found[-1]['rank']}); raise --top to see them"
            )
        rows.extend(found)
    return rows


@click.command()
@click.option(
    "--by",
    type=click.Choice(BROKER_GROUPS),
    default="region",
    show_default=True,
    help="The groups ties should span.",
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@filter_options()
@listing(
    ["rank", "organisation", "type", "region", "participation", "groups", "bridging", "partners"]
)
@click.pass_context
def brokers(ctx: click.Context, by: str, top: int, period: Any, **given: Any) -> list[dict]:
    """Brokers: organisations whose partners span regions, types or sectors.

    Ranked by the participation coefficient P = 1 - sum over groups of (share of the
    organisation's tie weight in that group)^2: 0 when all its partners are in one group,
    near 1 when they spread evenly over many. It is cheap, reads plainly, and asks exactly
    "does this body connect different groups?", where betweenness would also reward
    bridging two parts of one region. `groups` counts the groups among its partners,
    `bridging` the partners outside its own group. Partners of unknown group are left out.

    \b
    Examples:
      kgraph brokers
      kgraph brokers --by sector --top 10 --csv > brokers.csv
    """
    from kgraph.analytics.centrality import brokers as find_brokers
    from kgraph.analytics.projection import organisation_graph

    selection = _select(ctx, _facts(ctx), make_filters(period, **given))
    graph = organisation_graph(selection)
    if graph.number_of_nodes() == 0:
        _note(selection.empty_message())
        return []
    rows = find_brokers(graph, by=by, top=top)
    if not rows:
        _note(f"no organisation has partners in more than one {by}")
    return rows


# -- communities --------------------------------------------------------------------------
@click.command()
@click.option(
    "--resolution",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Above 1: more, smaller communities; below 1: fewer, larger.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (Louvain).")
@click.option("--min-size", type=click.IntRange(min=1), default=2, show_default=True)
@filter_options()
@listing(["community", "size", "partnerships", "services", "regions", "members"])
@click.pass_context
def communities(
    ctx: click.Context, resolution: float, seed: int, min_size: int, period: Any, **given: Any
) -> list[dict]:
    """Communities: groups of organisations that partner mostly with each other.

    Louvain modularity optimisation on the organisation network, ties weighted by shared
    partnerships. Each community lists its members (most partners first), the service areas
    of the partnerships inside it with how many, and its members' regions.

    \b
    Examples:
      kgraph communities
      kgraph communities --period 2015-2019 --json | jq '.[0].members'
    """
    from kgraph.analytics.communities import communities as find

    selection = _select(ctx, _facts(ctx), make_filters(period, **given))
    if not selection.members:
        _note(selection.empty_message())
        return []
    found = find(selection, seed=seed, resolution=resolution, min_size=min_size)
    left = f"; {found.alone} organisation(s) in smaller groups left out" if found.alone else ""
    _note(f"{len(found.rows)} communities, modularity {found.modularity:.3f}{left}")
    return found.rows


# -- shifts -------------------------------------------------------------------------------
def _flat_shift(row: dict) -> dict:
    from kgraph.analytics.shifts import describe_mix, describe_shift

    out = dict(row)
    for key in ("mix_from", "mix_to"):
        out[key] = describe_mix(row[key])
    out["mix_shift"] = describe_shift(row["mix_shift"])
    return out


SHIFT_COLUMNS = [
    "organisation",
    "type",
    "partners_from",
    "partners_to",
    "kept",
    "gained",
    "lost",
    "switches",
    "jaccard",
    "mix_from",
    "mix_to",
    "mix_shift",
]
SUMMARY_COLUMNS = [
    "sector",
    "organisations",
    "ties_from",
    "ties_to",
    "mix_from",
    "mix_to",
    "mix_shift",
]


def _shift_columns(rows: list[dict]) -> list[str]:
    return SUMMARY_COLUMNS if rows and "organisation" not in rows[0] else SHIFT_COLUMNS


def _shift_table(rows: list[dict]) -> str:
    from kgraph import tables

    if "organisation" not in rows[0]:
        return tables.as_table(rows, SUMMARY_COLUMNS)
    short = ["organisation", "partners_from", "partners_to", "kept", "gained", "lost"]
    out = [tables.as_table(rows, [*short, "jaccard"], limit=48)]
    changes = [r for r in rows if r["switches"] or r["mix_shift"]]
    if changes:
        out.append("\nswitches and partner mix (change in percentage points):\n")
        for r in changes:
            out.append(f"  {r['organisation']}\n")
            out.extend(f"    switch {s}\n" for s in r["switches"])
            if r["mix_shift"]:
                out.append(f"    mix {r['mix_from']} -> {r['mix_to']} ({r['mix_shift']})\n")
    return "".join(out)


@click.command()
@click.option(
    "--from", "before", required=True, metavar="YEAR-YEAR", callback=period_callback,
    help="The earlier period, e.g. 2010-2014.",
)  # fmt: skip
@click.option(
    "--to", "after", required=True, metavar="YEAR-YEAR", callback=period_callback,
    help="The later period, e.g. 2015-2019.",
)  # fmt: skip
@click.option("--org", "org_name", metavar="NAME", help="Only this organisation.")
@click.option(
    "--summary",
    is_flag=True,
    help="Partner mix by sector (all organisations of a sector together) instead.",
)
@filter_options(period=False)
@listing(_shift_columns, flatten=_flat_shift, table=_shift_table)
@click.pass_context
def shifts(
    ctx: click.Context,
    before: Any,
    after: Any,
    org_name: str | None,
    summary: bool,
    **given: Any,
) -> list[dict]:
    """Partner shifts: who kept, gained and lost partners between two periods.

    Partners in a period are organisations sharing a partnership with both memberships
    active at some time in it (undated starts and ends are open). Per organisation:
    kept / gained / lost partners; switches (in one service area, partners dropped and
    others taken on); Jaccard similarity of the two partner sets; and the partner mix by
    sector (council, health, police-fire, third-sector, private) in each period with its
    change in percentage points. --json gives kept, gained and lost as lists of names.

    \b
    Examples:
      kgraph shifts --from 2010-2014 --to 2015-2019
      kgraph shifts --from 2010-2014 --to 2015-2019 --org "Richmond upon Thames" --json
      kgraph shifts --from 2010-2014 --to 2015-2019 --summary
    """
    from kgraph.analytics import shifts as shift_mod
    from kgraph.analytics.facts import load
    from kgraph.catalog import find_organisation
    from kgraph.store import open_store

    if summary and org_name:
        raise click.UsageError("--summary covers every organisation: drop --org", ctx)
    filters = make_filters(None, **given)
    iri = None
    with open_store(store_option(ctx)) as store:
        if org_name:
            iri = str(find_organisation(store, org_name))
        facts = load(store)
    _select(ctx, facts, filters)  # unknown filter values fail here, before any work
    what = f" with {filters.describe()}" if filters.describe() else ""
    if summary:
        rows = shift_mod.summary(facts, filters, before, after)
        if not rows:
            _note(f"no organisation has partners in {before} or {after}{what}")
        return rows
    rows = shift_mod.shifts(facts, filters, before, after, org=iri)
    if not rows:
        _note(f"no organisation has partners in {before} or {after}{what}")
    elif iri is not None and not rows[0]["partners_from"] and not rows[0]["partners_to"]:
        _note(f"{rows[0]['organisation']} has no partners in {before} or {after}")
    return rows


# -- outcomes -----------------------------------------------------------------------------
OUTCOME_COLUMNS = ["group", "name", *FIGURES]
SECTIONS = {
    "service": "By service area",
    "region": "By region",
    "top": "Top partnerships by savings (yearly first, then one-off)",
}


def _outcome_table(rows: list[dict]) -> str:
    from kgraph import tables

    first = rows[0]
    out = [
        f"{first['reporting_gains']} of {first['partnerships']} partnerships "
        f"({first['gains_pct']}%) report efficiency gains or savings "
        "(an outcome of kind efficiency-gain or saving).\n",
        f"Savings a year: total {_gbp(first['yearly_total'])}, median "
        f"{_gbp(first['yearly_median'])}, from {first['yearly_n']} partnership(s). "
        f"One-off savings (kept apart): total {_gbp(first['one_off_total'])}, median "
        f"{_gbp(first['one_off_median'])}, from {first['one_off_n']} partnership(s).\n",
    ]
    columns = OUTCOME_COLUMNS[1:]
    for group, title in SECTIONS.items():
        part = [r for r in rows if r["group"] == group]
        if part:
            out.append(f"\n{title}\n")
            if group == "top":  # one partnership a row: its savings are what it has to say
                part = [
                    {"name": r["name"], "yearly": _gbp(r["yearly_total"]),
                     "one_off": _gbp(r["one_off_total"])}
                    for r in part
                ]  # fmt: skip
                out.append(tables.as_table(part, ["name", "yearly", "one_off"], limit=40))
            else:
                out.append(tables.as_table(part, columns, limit=40))
    return "".join(out)


def _gbp(value: object) -> str:
    return "none" if value is None else f"£{value:,.0f}"


@click.command()
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True)
@filter_options()
@listing(OUTCOME_COLUMNS, table=_outcome_table)
@click.pass_context
def outcomes(ctx: click.Context, top: int, period: Any, **given: Any) -> list[dict]:
    """Outcomes: the share of partnerships reporting gains, and their savings.

    A partnership reports gains if it has an outcome of kind efficiency-gain or saving.
    Savings are the amounts of those outcomes only (funding, contract values and costs are
    not savings). Amounts per year (monthly ones x 12) and one-off amounts (no period
    stated) are totalled apart, never added together; every total and median says how many
    partnerships it rests on (yearly_n, one_off_n). Rows carry a group: all, service,
    region, top. A partnership in several service areas counts in each; one with no region
    takes its members' region when they share one.

    \b
    Examples:
      kgraph outcomes
      kgraph outcomes --region wales --json | jq '.[] | select(.group == "service")'
    """
    from kgraph.analytics.outcomes import summary

    selection = _select(ctx, _facts(ctx, outcomes=True), make_filters(period, **given))
    if not selection.members:
        _note(selection.empty_message())
        return []
    return summary(selection, top=top)


COMMANDS = [central, brokers, communities, shifts, outcomes]
