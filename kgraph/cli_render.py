"""`kgraph render OUT.html` (a self-contained map) and `kgraph export` (other tools' formats).

Imports only click and kgraph.cli_common at module level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kgraph.cli_common import filter_options, make_filters, store_option

METRICS = ("degree", "weighted", "betweenness", "eigenvector", "pagerank")
COLOUR_BY = ("type", "region", "community", "service")
FORMATS = ("turtle", "nt", "trig", "nquads", "jsonld", "graphml", "gexf", "csv")


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--org", "org_name", metavar="NAME", help="Centre the map on this organisation.")
@click.option(
    "--hops",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --org: partners of partners up to this many steps away.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    help="Only the N most central organisations and the ties among them; 0 for all. "
    "Default: all up to 500, else the top 500.",
)
@filter_options()
@click.option(
    "--colour-by",
    "colour_by",
    type=click.Choice(COLOUR_BY),
    default="type",
    show_default=True,
    help="What node colours show (the legend names them).",
)
@click.option(
    "--size-by",
    "size_by",
    type=click.Choice(METRICS),
    default="degree",
    show_default=True,
    help="Centrality measure that sizes nodes (as in `kgraph central`).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Layout seed.")
@click.option("--title", default="kgraph map", show_default=True, help="Page title.")
@click.pass_context
def render(
    ctx: click.Context,
    out: Path,
    org_name: str | None,
    hops: int,
    top: int | None,
    period: Any,
    colour_by: str,
    size_by: str,
    seed: int,
    title: str,
    **given: Any,
) -> None:
    """Write the organisation network as one self-contained HTML file.

    Everything is inside the file (vis-network inlined, no CDN): it opens offline by
    double-click. Nodes are sized by a centrality measure and coloured by type, region,
    community or main service area, with a legend; ties are weighted by shared
    partnerships and coloured by service area. The page has a search box, filters (type,
    service area, period) and a sortable table of the partnerships in view. Every text
    from a source is shown as text. Big networks show the top 500 organisations unless
    --top or --org says otherwise; the command says what it left out.

    \b
    Examples:
      kgraph render map.html
      kgraph render cardiff.html --org "Cardiff Council" --hops 2 --colour-by community
      kgraph render all.html --top 0 --size-by pagerank --period 2010-2014
      kgraph render wales-waste.html --region wales --service waste
    """
    from kgraph.analytics.facts import load
    from kgraph.catalog import find_organisation
    from kgraph.errors import KgraphError, UsageProblem
    from kgraph.render import MapOptions, build, write_map
    from kgraph.render.data import provenance
    from kgraph.store import open_store

    if hops != 1 and not org_name:
        raise click.UsageError("--hops needs --org NAME", ctx)
    with open_store(store_option(ctx)) as store:
        iri = str(find_organisation(store, org_name)) if org_name else None
        facts = load(store, outcomes=True)
        sources = provenance(store)
    options = MapOptions(
        filters=make_filters(period, **given),
        org=iri,
        hops=hops,
        top=top,
        colour_by=colour_by,
        size_by=size_by,
        seed=seed,
        title=title,
    )
    try:
        data = build(facts, options, sources)
    except UsageProblem as exc:
        raise click.UsageError(str(exc), ctx) from None
    except ValueError as exc:
        raise KgraphError(f"{org_name}: {exc}" if org_name else str(exc)) from None
    write_map(data, out)
    if not data.nodes:
        what = options.filters.describe()
        data.notes.append(
            "no partnerships match" + (f" {what}" if what else ": the store has none")
        )
    for note in data.notes:
        click.secho(note, fg="yellow", err=True)
    physics = "" if data.physics else " (layout computed, physics off)"
    click.echo(
        f"map written to {out}: {len(data.nodes):,} organisations, {len(data.edges):,} ties, "
        f"{len(data.partnerships):,} partnerships{physics}"
    )


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (default: standard output).",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Path | None) -> None:
    """Export the store for other tools.

    \b
    turtle, nt      every triple once (the union of all sources)
    trig, nquads    every source as its own named graph
    jsonld          JSON-LD with the named graphs
    graphml         the organisation network (weight = shared partnerships)
    gexf            the same with start/end years on nodes and ties, for Gephi's timeline
    csv             one row per membership; cells starting with = + - @ are neutralised

    \b
    Examples:
      kgraph export --format trig --out kgraph.trig
      kgraph export --format gexf --out network.gexf
      kgraph export --format csv > memberships.csv
    """
    from kgraph.export import export as run_export
    from kgraph.store import open_store

    with open_store(store_option(ctx)) as store:
        payload = run_export(store, fmt)
    if out is None:
        click.echo(payload, nl=False)
        return
    out.write_bytes(payload)
    click.echo(f"{fmt} written to {out} ({len(payload):,} bytes)", err=True)


COMMANDS = [render, export]
