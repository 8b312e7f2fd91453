"""Pieces every command module shares: error handling, listing output, the store option.

Command modules (kgraph/cli.py and the kgraph/cli_*.py files) import only click and this
at module level, so `kgraph --help` stays fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from kgraph.errors import KgraphError, disk_problem

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KgraphGroup(click.Group):
    """Turns KgraphError into one coloured line and an exit code; --debug keeps tracebacks.

    Commands in `lazy` (name -> (module, one-line help)) are imported when they run, not to
    list them in `kgraph --help`: start-up is measured against `python -c pass`.
    """

    lazy: dict[str, tuple[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy:
            import importlib

            for found in importlib.import_module(self.lazy[cmd_name][0]).COMMANDS:
                self.add_command(found)
            command = super().get_command(ctx, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names), default=0)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is None:
                from click.utils import make_default_short_help

                rows.append((name, make_default_short_help(self.lazy[name][1], limit)))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgraphError as exc:
            if _debug(ctx):
                raise
            if exc.exit_code == 2:
                raise click.UsageError(str(exc), ctx) from None
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # a full or read-only disk is not a bug: one line
            problem = disk_problem(exc)
            if problem is None or _debug(ctx):
                raise
            raise click.ClickException(str(problem)) from None
        except KeyboardInterrupt:
            if _debug(ctx):
                raise
            click.echo("interrupted: nothing was changed by the interrupted import", err=True)
            sys.exit(130)


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.get("debug")) or "--debug" in sys.argv


def listing(
    columns: Sequence[str] | Callable[[list[dict]], Sequence[str]],
    *,
    flatten: Callable[[dict], dict] | None = None,
    table: Callable[[list[dict]], str] | None = None,
) -> Callable:
    """Give a command --csv and --json; it returns rows, this prints them.

    `columns` may be computed from the rows; `flatten` turns nested values into cells for
    the table and CSV (JSON keeps lists and objects whole); `table` replaces the plain table.
    """

    def decorate(fn: Callable) -> Callable:
        @click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")
        @click.option("--json", "fmt", flag_value="json", help="Print a JSON array of objects.")
        @functools.wraps(fn)
        def wrapper(*args: Any, fmt: str | None = None, **kwargs: Any) -> None:
            rows = fn(*args, **kwargs)
            if rows is None:
                return
            from kgraph import tables

            if fmt == "json":
                click.echo(tables.as_json(rows), nl=False)
                return
            flat = [flatten(r) for r in rows] if flatten else rows
            names = columns(rows) if callable(columns) else columns
            if fmt == "csv":
                click.echo(tables.as_csv(flat, names), nl=False)
            elif table is not None and flat:
                click.echo(table(flat), nl=False)
            else:
                click.echo(tables.as_table(flat, names), nl=False)

        return wrapper

    return decorate


def store_option(ctx: click.Context) -> Path:
    from kgraph.store import store_path

    return store_path(ctx.obj.get("store"))


# -- the selection options of analytics, maps and reports ---------------------------------
def period_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from kgraph.analytics.selection import parse_period
    from kgraph.errors import UsageProblem

    try:
        return parse_period(value)
    except UsageProblem as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def filter_options(period: bool = True) -> Callable:
    """--period (optional), --region, --service, --org-type, --source: the selection every
    analysis, map and report takes (kgraph.analytics.selection.Filters)."""
    options = [
        click.option(
            "--region",
            multiple=True,
            metavar="NAME",
            help="Partnerships in this region or inside it, e.g. wales, 'South East Wales'; "
            "one with no region counts if a member is there. Repeatable.",
        ),
        click.option(
            "--service",
            multiple=True,
            metavar="NAME",
            help="Partnerships in this service area, e.g. waste, 'school improvement'. Repeatable.",
        ),
        click.option(
            "--org-type",
            "org_type",
            multiple=True,
            metavar="NAME",
            help="Only organisations of this type or sector, e.g. police-force, health. "
            "Repeatable.",
        ),
        click.option(
            "--source",
            multiple=True,
            metavar="FILE",
            help="Only memberships from this imported source (file name). Repeatable.",
        ),
    ]
    if period:
        options.insert(
            0,
            click.option(
                "--period",
                metavar="YEAR-YEAR",
                callback=period_callback,
                help="Memberships active at some time in these years, e.g. 2010-2014; "
                "a missing start or end date counts as open.",
            ),
        )

    def decorate(fn: Callable) -> Callable:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


def make_filters(period: Any = None, **given: tuple[str, ...]) -> Any:
    from kgraph.analytics.selection import Filters

    return Filters(
        period=period,
        regions=tuple(given.get("region", ())),
        services=tuple(given.get("service", ())),
        org_types=tuple(given.get("org_type", ())),
        sources=tuple(given.get("source", ())),
    )
