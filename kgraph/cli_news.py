"""`kgraph news ...`: review the facts the news importer was unsure of; list events."""

from __future__ import annotations

import click

from kgraph.cli_common import CONTEXT, KgraphGroup, listing, store_option


@click.group(cls=KgraphGroup, context_settings=CONTEXT)
def news() -> None:
    """News events: review low-confidence facts, list events by organisation."""


@news.command("review")
@click.option("--confirm", "confirm", multiple=True, metavar="ID", help="Confirm fact ID.")
@click.option("--reject", "reject", multiple=True, metavar="ID", help="Reject fact ID.")
@click.option("--note", metavar="TEXT", help="A note stored with the decisions given.")
@click.option("--all", "show_all", is_flag=True, help="Also list facts already decided.")
@click.option(
    "--interactive", "-i", is_flag=True, help="Ask about each pending fact in turn (c/r/s/q)."
)
@listing(["id", "fact", "date", "kind", "confidence", "title", "organisations", "status"])
@click.pass_context
def review(
    ctx: click.Context,
    confirm: tuple[str, ...],
    reject: tuple[str, ...],
    note: str | None,
    show_all: bool,
    interactive: bool,
) -> list[dict[str, object]] | None:
    """List facts marked for review (kg:needsReview), or confirm / reject them.

    A decision is kept in the store's review graph, keyed by the fact, so it survives
    re-importing the source.

    \b
    Examples:
      kgraph news review                          # pending facts, lowest confidence first
      kgraph news review --confirm 3f2a9c --reject 77b1e0 --note "checked the article"
      kgraph news review -i                       # one at a time: [c]onfirm [r]eject [s]kip
      kgraph news review --all --csv > review.csv
    """
    from kgraph.news import review as rv
    from kgraph.store import open_store

    path = store_option(ctx)
    if confirm or reject or interactive:
        with open_store(path, write=True) as store:
            for status, ids in (("confirmed", confirm), ("rejected", reject)):
                for fact_id in ids:
                    iri = rv.find_fact(store, fact_id)
                    rv.decide(store, iri, status, note)
                    click.echo(f"{status} {rv.short_id(str(iri))}")
            if interactive:
                _interactive(store, rv, note)
        return None
    with open_store(path) as store:
        rows = rv.facts(store, decided=show_all)
    rows.sort(key=lambda r: (r["status"] != "pending", r["confidence"] or 0, r["date"]))
    return rows


def _interactive(store, rv, note: str | None) -> None:
    pending = sorted(rv.facts(store), key=lambda r: r["confidence"] or 0)
    if not pending:
        click.echo("nothing to review")
        return
    for n, row in enumerate(pending, 1):
        click.secho(f"[{n}/{len(pending)}] {row['id']}  {row['fact']}  {row['date']}", bold=True)
        click.echo(f"  {row['title']}")
        for key in ("kind", "amount", "organisations", "sentence", "source"):
            if row[key]:
                click.echo(f"  {key}: {row[key]}")
        click.echo(f"  confidence: {row['confidence']}")
        answer = click.prompt(
            "  [c]onfirm, [r]eject, [s]kip, [q]uit",
            type=click.Choice(["c", "r", "s", "q"]),
            default="s",
            show_choices=False,
        )
        if answer == "q":
            return
        if answer in ("c", "r"):
            status = "confirmed" if answer == "c" else "rejected"
            rv.decide(store, _iri(row), status, note)
            click.echo(f"  {status}")


def _iri(row: dict[str, object]):
    from rdflib import URIRef

    return URIRef(str(row["iri"]))


@news.command("events")
@click.argument("organisation", required=False)
@listing(["date", "kind", "title", "organisations", "digest_date", "review", "source"])
@click.pass_context
def events(ctx: click.Context, organisation: str | None) -> list[dict[str, object]]:
    """List collaboration events from news, or those of ORGANISATION, with their sentence.

    \b
    Examples:
      kgraph news events
      kgraph news events "Swansea"
      kgraph news events "RCT" --json
    """
    from kgraph.catalog import find_organisation
    from kgraph.errors import KgraphError
    from kgraph.news import review as rv
    from kgraph.store import open_store

    with open_store(store_option(ctx)) as store:
        org = find_organisation(store, organisation) if organisation else None
        rows = rv.events(store, org)
    if not rows:
        raise KgraphError(
            "no news events"
            + (f" involving {organisation}" if organisation else "")
            + " in the store"
        )
    return rows


COMMANDS = [news]
