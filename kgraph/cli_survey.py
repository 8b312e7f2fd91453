"""Survey commands: `kgraph survey init` and `kgraph survey summary` (and `measures`).

Imports only click and kgraph.cli_common at module level; the survey modules and the store
load when a command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from kgraph.cli_common import CONTEXT, KgraphGroup, store_option


@click.group("survey", cls=KgraphGroup, context_settings=CONTEXT)
def survey() -> None:
    """Surveys: write a questionnaire definition, summarise the answers.

    \b
    Import responses with `kgraph import responses.csv`: a definition beside them
    (responses.toml or questionnaire.toml) says what each question measures and its scale;
    without one, columns of scale labels (Agree, Yes, Improved, ...) are read as questions.
    """


@survey.command("init")
@click.argument("responses", type=click.Path(path_type=Path))
@click.option("--encoding", metavar="NAME", help="Text encoding (default: detect).")
@click.option("--sheet", metavar="NAME", help="XLSX sheet to read (default: the first).")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD (respondent, partnership, region, ...) from COLUMN (repeatable).",
)
def init(
    responses: Path, encoding: str | None, sheet: str | None, mapping: tuple[str, ...]
) -> None:
    """Print a questionnaire definition (TOML) for RESPONSES, to save and edit.

    Questions are the columns whose answers are labels of a known scale; the respondent
    is the column of organisation names. Check what each question measures and the
    positions of its scale's labels, save the file beside the responses, then import them.

    \b
    Example:
      kgraph survey init responses.csv > responses.toml
      kgraph import responses.csv
    """
    from kgraph_plugins.survey import generate

    from kgraph.hookspecs import ImportOptions
    from kgraph.ingest import check_readable
    from kgraph.mapping import parse_mapping
    from kgraph.survey.definition import dumps

    check_readable(responses)
    extra = {"sheet": sheet} if sheet else {}
    options = ImportOptions(mapping=parse_mapping(mapping), encoding=encoding, extra=extra)
    click.echo(dumps(generate(responses, options)), nl=False)


@survey.command("summary")
@click.option(
    "--question", "-q", metavar="Q", help="Only this question: its id, or words of its text."
)
@click.option(
    "--by",
    type=click.Choice(["region", "org-type"]),
    help="Count apart by the respondent's region or organisation type.",
)
@click.option(
    "--survey", "survey_name", metavar="NAME", help="Only this survey (id or title words)."
)
@click.option("--json", "fmt", flag_value="json", help="Print JSON: one object per question.")
@click.option("--csv", "fmt", flag_value="csv", help="Print CSV: one row per answer.")
@click.pass_context
def summary(
    ctx: click.Context,
    question: str | None,
    by: str | None,
    survey_name: str | None,
    fmt: str | None,
) -> None:
    """Counts and shares of the answers to each survey question.

    The counts come from the named query `survey-summary` (kgraph query survey-summary);
    shares are of the question's answers (in the group, with --by).

    \b
    Examples:
      kgraph survey summary
      kgraph survey summary --question "improved services" --by region
      kgraph survey summary --json > summary.json
    """
    from kgraph import tables
    from kgraph.errors import KgraphError
    from kgraph.store import open_store
    from kgraph.survey import summary as summ

    with open_store(store_option(ctx)) as store:
        entries = summ.summarise(summ.run(store, question, by), survey_name)
    if (question or survey_name) and not entries:
        what = " and ".join(
            f"{k} {v!r}" for k, v in (("survey", survey_name), ("question", question)) if v
        )
        raise KgraphError(f"no survey answers match {what} (see kgraph survey summary)")
    if fmt == "json":
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2, default=_json_value))
    elif fmt == "csv":
        columns = ["survey", "question", "question_text", "group", "answer", "position"]
        columns += ["responses", "total", "percent"]
        click.echo(tables.as_csv(summ.flat(entries), columns), nl=False)
    else:
        click.echo(summ.as_text(entries, by), nl=False)


def _json_value(value: object) -> object:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


@survey.command("measures")
def measures() -> None:
    """List what questions can measure (the kg:SurveyMeasures concepts).

    \b
    Example:
      kgraph survey measures
    """
    from kgraph.survey.measures import all_measures

    for c in all_measures():
        click.echo(f"{c.notation:<32} {c.label}")


COMMANDS = [survey]
