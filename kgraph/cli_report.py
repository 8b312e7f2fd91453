"""`kgraph report OUT.html`: the evidence report, one self-contained printable HTML file.

Imports only click and kgraph.cli_common at module level; the analyses, the store and
matplotlib load when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kgraph.cli_common import filter_options, make_filters, store_option


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@filter_options()
@click.option(
    "--title",
    default="Collaboration: the evidence",
    show_default=True,
    help="Report title.",
)
@click.pass_context
def report(ctx: click.Context, out: Path, period: Any, title: str, **given: Any) -> None:
    """Write the evidence report: one self-contained HTML file that prints to PDF.

    Headline figures (organisations, partnerships, sources, share reporting gains,
    savings, each with the number of partnerships it rests on); charts of partnerships
    and savings by service area, partnerships started per year by region, partner mix by
    sector per period, survey answers as diverging bars, top collaborators and brokers;
    the network map; what changed between the two most recent periods; every source
    with what it contributed; and data-quality notes. The figures are those of `kgraph
    outcomes`, `central`, `brokers`, `shifts` and `survey summary` on the same store.
    Nothing in the file asks the web for anything; every text from a source is text.

    \b
    Examples:
      kgraph report evidence.html
      kgraph report wales.html --region wales --period 2010-2019 --title "Wales 2010s"
    """
    from kgraph.errors import KgraphError, UsageProblem
    from kgraph.report.figures import gather
    from kgraph.store import open_store

    filters = make_filters(period, **given)
    _check_writable(out)
    try:
        with open_store(store_option(ctx)) as store:
            data = gather(store, filters, title)
    except UsageProblem as exc:
        raise click.UsageError(str(exc), ctx) from None
    from kgraph.report.charts import all_charts
    from kgraph.report.page import write_report

    charts = all_charts(data)
    try:
        write_report(data, charts, out)
    except OSError as exc:
        raise KgraphError(f"{out}: cannot write the report ({exc.strerror or exc})") from None
    if not data.partnerships:
        click.secho(
            "no partnerships match"
            + (f" {data.filters}" if data.filters else ": the store has none"),
            fg="yellow",
            err=True,
        )
    drawn = [name for name, svg in charts.items() if svg]
    click.echo(
        f"report written to {out}: {data.organisations:,} organisations, "
        f"{data.partnerships:,} partnerships, charts: {', '.join(drawn) or 'none'}"
    )


def _check_writable(out: Path) -> None:
    """Fail before the work, in one line, if OUT cannot be written."""
    from kgraph.errors import KgraphError

    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise KgraphError(f"{out}: is a directory; give a file name such as report.html")
    if not parent.is_dir():
        raise KgraphError(f"{out}: the folder {parent} does not exist")
    import os

    if not os.access(out if out.exists() else parent, os.W_OK):
        raise KgraphError(f"{out}: cannot write the report here (permission denied)")


COMMANDS = [report]
