"""The kgraph command line: the only module that prints or exits.

Heavy libraries (rdflib, pyoxigraph, networkx) are imported inside commands so that
`kgraph --help` starts quickly.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import click

from kgraph import __version__
from kgraph.cli_common import CONTEXT, KgraphGroup, listing, store_option
from kgraph.errors import BadInput, KgraphError


@click.group(cls=KgraphGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", "-V", prog_name="kgraph")
@click.option(
    "--store",
    metavar="PATH|URL",
    help="Store directory, or a SPARQL endpoint URL for a remote store "
    "(default: $KGRAPH_STORE, else ./kgraph-store).",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, store: str | None, debug: bool) -> None:
    """kgraph: a knowledge graph of public-sector partnerships.

    \b
    Start here:
      kgraph demo                       # sample data -> ./kgraph-demo.html
      kgraph import compendium.csv      # your own data into ./kgraph-store
      kgraph orgs list                  # who collaborates most
    """
    ctx.ensure_object(dict)
    ctx.obj["store"] = store
    ctx.obj["debug"] = debug


# -- import ------------------------------------------------------------------------------
@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--using", metavar="NAME", help="Importer to use (default: detect per file).")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD from COLUMN (repeatable), e.g. --map title='Project Name'; "
    "FIELD=- ignores a column kgraph would otherwise use.",
)
@click.option(
    "--map-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Mapping file: JSON object, or CSV/TSV with field,column rows.",
)
@click.option("--strict", is_flag=True, help="Import nothing from a file with any bad record.")
@click.option("--force", is_flag=True, help="Re-import even if the file is unchanged.")
@click.option("--encoding", metavar="NAME", help="Text encoding (default: detect).")
@click.option(
    "--rejects",
    "rejects_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for <file>.rejects.csv (default: the store's rejects/ directory).",
)
@click.pass_context
def import_(
    ctx: click.Context,
    files: tuple[Path, ...],
    using: str | None,
    mapping: tuple[str, ...],
    map_file: Path | None,
    strict: bool,
    force: bool,
    encoding: str | None,
    rejects_dir: Path | None,
) -> None:
    """Import FILES, each into its own named graph (all or nothing per file).

    A folder stands for the files in it that an importer recognises (others are skipped
    with a note). Re-importing a file replaces what it contributed; an unchanged file is
    skipped. A file that cannot be imported is named and the others are imported.
    Bad records are reported as FILE:ROW: FIELD: REASON and written to a rejects CSV.
    Several new files are read by worker processes, one per core (KGRAPH_WORKERS=N to
    choose, 1 for none), and written in the order given; survey answers, matched against
    the partnerships in the store, after the other files.

    \b
    Examples:
      kgraph import compendium.csv
      kgraph import --map title="Scheme" --map partners="Councils" schemes.xlsx
      kgraph import --strict --using compendium data/*.csv
      kgraph import data/
    """
    from kgraph.batch import import_files, start_workers
    from kgraph.hookspecs import ImportOptions
    from kgraph.mapping import parse_mapping
    from kgraph.plugins import registry
    from kgraph.remote import is_remote
    from kgraph.store import open_store

    reg = registry()
    for warning in reg.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    options = ImportOptions(
        mapping=parse_mapping(mapping, map_file), strict=strict, encoding=encoding
    )
    path = store_option(ctx)
    chosen, failed = _importers_for(files, reg, using, store_dir=path)
    if not chosen and len(failed) == 1:
        raise failed[0]
    for error in failed:  # the others are imported
        click.secho(f"error: {error}", fg="red", err=True)
    if not chosen:
        raise KgraphError(f"none of the {len(failed)} files can be imported")
    remote = is_remote(path)  # a SPARQL endpoint URL: nothing local to create or remove
    created = not remote and not path.exists()  # only a directory we made may be removed again
    failures = len(failed)
    given = len(chosen) + len(failed)
    # started before the store is opened, so that they are forked ready-made (kgraph.workers)
    pool = start_workers(  # --debug: here
        len(chosen), 1 if ctx.obj.get("debug") else None, importers=list(chosen.values())
    )
    try:
        with pool or contextlib.nullcontext(), open_store(path, write=True, create=True) as store:
            store.ensure_ontology()
            target = rejects_dir or (Path("kgraph-rejects") if remote else path / "rejects")
            outcomes = import_files(
                store,
                list(chosen.items()),
                options,
                force=force,
                rejects_dir=target,
                progress_for=lambda file: _Progress(file.name),
                workers=pool or 1,
            )
            wrote = False  # partnerships perhaps, which surveys imported before may name
            for file, outcome in outcomes:
                if isinstance(outcome, KgraphError):
                    if given == 1:
                        raise outcome
                    click.secho(f"error: {outcome}", fg="red", err=True)
                    failures += 1
                    continue
                _print_report(outcome)
                wrote = wrote or not (outcome.unchanged or chosen[file].reads_store)
            if wrote:
                _hint_unlinked_surveys(store)
    except KgraphError:
        if created:  # a failed first import leaves no store behind, as it found none
            shutil.rmtree(path, ignore_errors=True)
        raise
    if failures:
        raise KgraphError(f"{failures} of {given} files failed; the others were imported")


def _importers_for(
    files: tuple[Path, ...], reg: Any, using: str | None, store_dir: Path
) -> tuple[dict[Path, Any], list[KgraphError]]:
    """Each file's importer, and the one-line errors of those that cannot be imported
    (missing, unreadable, recognised by no importer). A folder stands for the files in it;
    those of its files no importer recognises (a README, a survey's definition beside it)
    are skipped with a note, not counted as failures."""
    from kgraph.errors import NoImporter
    from kgraph.ingest import check_readable

    forced = reg.get(using) if using else None  # an unknown name is the command's error
    chosen: dict[Path, Any] = {}
    failed: list[KgraphError] = []
    for given in files:
        in_folder = given.is_dir()
        skipped: list[str] = []
        try:
            inside = _files_in(given, store_dir) if in_folder else [given]
        except OSError as exc:  # a folder that cannot be listed
            failed.append(BadInput(str(given), f"cannot be read ({exc.strerror})"))
            continue
        for file in inside:
            try:
                check_readable(file)
                chosen[file] = forced or reg.choose(file)
            except NoImporter as exc:
                if in_folder:
                    skipped.append(file.name)
                else:
                    failed.append(exc)
            except KgraphError as exc:  # missing, a folder inside a folder, unreadable
                failed.append(exc)
        if in_folder and skipped:
            shown = ", ".join(skipped[:5]) + (
                f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
            )
            click.secho(
                f"note: {given}: skipped {len(skipped)} file(s) no importer recognises: {shown}",
                fg="cyan",
                err=True,
            )
        if in_folder and not any(f.parent == given for f in chosen):
            failed.append(BadInput(str(given), "a folder with no file an importer recognises"))
    return chosen, failed


def _files_in(folder: Path, store_dir: Path) -> list[Path]:
    """The files directly in a folder, by name; hidden ones, the store's and the rejects
    files kgraph writes (`--rejects DIR`: they hold the rows of a compendium) left out."""
    store = store_dir.resolve()
    return sorted(
        f
        for f in folder.iterdir()
        if f.is_file()
        and not f.name.startswith(".")
        and not f.name.endswith(".rejects.csv")
        and f.resolve().parent != store
    )


def _hint_unlinked_surveys(store: Any) -> None:
    """Survey answers tie to partnerships when imported; one imported before the
    partnerships it names is tied by importing it again, which this says."""
    import shlex

    from kgraph.survey.link import linkable

    for path, answers in sorted(linkable(store).items()):
        click.secho(
            f"note: {answers} answer(s) in {path} name partnerships now in the store; tie "
            f"them by re-importing it: kgraph import --force {shlex.quote(path)}",
            fg="cyan",
            err=True,
        )


def _print_report(report: Any) -> None:
    if report.unchanged:
        click.echo(f"{report.path}: unchanged since the last import (use --force to redo it)")
        return
    click.echo(
        f"{report.path}: {report.records} records imported with '{report.importer}', "
        f"{len(report.rejects)} rejected, {report.triples} triples"
    )
    shown = 10
    for reject in report.rejects[:shown]:
        click.secho(f"  rejected {reject}", fg="yellow", err=True)
    if len(report.rejects) > shown:
        click.secho(f"  ... and {len(report.rejects) - shown} more", fg="yellow", err=True)
    if report.rejects_file:
        click.echo(f"  rejects written to {report.rejects_file}", err=True)
    for note in report.review[:shown]:
        click.secho(f"  check {note}", fg="cyan", err=True)
    if len(report.review) > shown:
        click.secho(
            f"  ... and {len(report.review) - shown} more names to check "
            "(kgraph orgs list --review)",
            fg="cyan",
            err=True,
        )


class _Progress:
    """A record counter on stderr, shown only on a terminal and only after one second."""

    def __init__(self, label: str) -> None:
        self.label, self.count, self.started, self.shown = label, 0, time.monotonic(), 0.0

    def __call__(self, n: int) -> None:
        self.count += n
        now = time.monotonic()
        if now - self.started > 1 and now - self.shown > 0.2 and sys.stderr.isatty():
            self.shown = now
            click.echo(f"\r  {self.label}: {self.count:,} records", nl=False, err=True)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            click.echo("\r" + " " * (len(self.label) + 30) + "\r", nl=False, err=True)


# -- plugins, sources, remove -------------------------------------------------------------
@cli.command()
@listing(["name", "version", "description", "detects", "module"])
def plugins() -> list[dict[str, object]]:
    """List the importers: built-ins and installed third-party plugins alike.

    \b
    Example:
      kgraph plugins --json
    """
    from kgraph.plugins import registry

    reg = registry()
    for warning in reg.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    return [
        {
            "name": imp.name,
            "version": imp.version,
            "description": imp.description,
            "detects": imp.detects,
            "module": getattr(imp.read, "__module__", ""),
        }
        for imp in reg.importers.values()
    ]


@cli.command()
@listing(["source", "importer", "records", "rejects", "triples", "imported", "path"])
@click.pass_context
def sources(ctx: click.Context) -> list[dict[str, object]]:
    """List imported sources with their counts.

    \b
    Example:
      kgraph sources --csv > sources.csv
    """
    from kgraph.catalog import sources as list_sources
    from kgraph.store import open_store

    with open_store(store_option(ctx)) as store:
        return list_sources(store)


@cli.command()
@click.argument("source")
@click.pass_context
def remove(ctx: click.Context, source: str) -> None:
    """Remove SOURCE (file name, path or checksum prefix) and everything it contributed.

    \b
    Example:
      kgraph remove compendium.csv
    """
    from kgraph.catalog import find_source
    from kgraph.store import open_store

    with open_store(store_option(ctx), write=True) as store:
        found = find_source(store, source)
        from rdflib import URIRef

        store.remove_graph(URIRef(str(found["graph"])))
    click.echo(f"removed {found['path']} ({found['triples']} triples)")


# -- organisations ----------------------------------------------------------------------
@cli.group(cls=KgraphGroup)
def orgs() -> None:
    """Organisations in the store: list them, or show one with its sources."""


@orgs.command("list")
@click.option("--review", is_flag=True, help="Only names not found in the register.")
@click.option("--type", "org_type", metavar="TYPE", help="Only this type, e.g. 'police force'.")
@listing(["name", "type", "gss", "partnerships", "sources", "resolution"])
@click.pass_context
def orgs_list(ctx: click.Context, review: bool, org_type: str | None) -> list[dict[str, object]]:
    """List organisations, most partnerships first.

    \b
    Examples:
      kgraph orgs list
      kgraph orgs list --review          # unknown names and near misses to check
      kgraph orgs list --json | jq '.[0]'
    """
    from kgraph.catalog import organisations
    from kgraph.store import open_store

    with open_store(store_option(ctx)) as store:
        rows = organisations(store)
    if review:
        rows = [r for r in rows if r["resolution"] != "register"]
    if org_type:
        rows = [r for r in rows if str(r["type"]).casefold() == org_type.casefold()]
    return rows


HIDDEN_FACTS = {"label", "prefLabel", "type", "wasDerivedFrom"}
REGISTER_FACTS = {
    "gssCode",
    "formerGssCode",
    "registerCode",
    "nation",
    "region",
    "existedFrom",
    "existedUntil",
    "isReplacedBy",
}


@orgs.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def orgs_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show one organisation: codes, names, partnerships and the source of each fact.

    \b
    Examples:
      kgraph orgs show "RCT"
      kgraph orgs show "Vale of Glamorgan Council" --json
    """
    from kgraph import tables
    from kgraph.catalog import find_organisation, organisation
    from kgraph.store import open_store

    with open_store(store_option(ctx)) as store:
        detail = organisation(store, find_organisation(store, name))
    if as_json:
        click.echo(tables.as_json([detail]), nl=False)
        return
    facts = detail["facts"]
    title = facts.get("label", [("?", "")])[0][0]
    click.secho(title, bold=True)
    click.echo(f"  {detail['iri']}")
    for key, values in sorted(facts.items()):
        if key in HIDDEN_FACTS:
            continue
        sources_of: dict[str, set[str]] = {}
        for value, src in values:
            sources_of.setdefault(value, set()).add("register" if key in REGISTER_FACTS else src)
        shown = [f"{v}  [{', '.join(sorted(s))}]" for v, s in sorted(sources_of.items())]
        click.echo(f"  {key}: " + ("\n  " + " " * (len(key) + 2)).join(shown))
    click.echo(f"  partnerships ({len(detail['partnerships'])}):")
    for p in detail["partnerships"]:
        span = f"{p['start'] or '?'}-{p['end'] or ''}" if p["start"] or p["end"] else ""
        about = ", ".join(x for x in (p["kind"], p["role"], span) if x)
        click.echo(f"    {p['partnership']} ({about})  [{p['source']}]")
    if detail["events"]:
        click.echo(f"  news events ({len(detail['events'])}):")
    for e in detail["events"]:
        click.echo(f"    {e['date']} {e['kind']}: {e['title']}  [{e['source']}]")
        if e["sentence"]:
            click.echo(f'      "{e["sentence"]}"')
        if e["digest"]:
            click.echo(
                f"      from {e['digest']}" + (f" ({e['digest_date']})" if e["digest_date"] else "")
            )


# -- validate, demo --------------------------------------------------------------------
@cli.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check the store against the SHACL shapes; one line per problem.

    \b
    Example:
      kgraph validate && echo "all good"
    """
    from kgraph.store import open_store
    from kgraph.validate import validate as run_validation

    with open_store(store_option(ctx)) as store:
        violations = run_validation(store.dataset())
    if not violations:
        click.echo("valid: no violations of ontology/shapes.ttl")
        return
    for v in violations:
        click.echo(v.line())
    raise KgraphError(f"{len(violations)} violation(s)")


@cli.command()
@click.option(
    "--out",
    default="kgraph-demo.html",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the HTML map.",
)
@click.pass_context
def demo(ctx: click.Context, out: Path) -> None:
    """Build the sample graph in a store of its own and write the HTML map.

    The demo store is ./kgraph-demo-store unless --store is given before `demo`;
    $KGRAPH_STORE is never touched by the demo.

    \b
    Example:
      kgraph demo && xdg-open kgraph-demo.html
    """
    from kgraph import demo as demo_mod

    store = Path(ctx.obj["store"]) if ctx.obj.get("store") else demo_mod.DEMO_STORE
    result = demo_mod.run(store, out)
    for report in result.reports:
        click.echo(
            f"imported {report.path.name}: {report.records} partnerships, "
            f"{len(report.rejects)} rejected"
        )
    click.echo(
        f"\n{result.organisations} organisations, {result.partnerships} partnerships, "
        f"{result.sources} sources in {result.store}"
    )
    click.echo("top collaborators (distinct partners, shared partnerships):")
    for name, partners, shared in result.top:
        click.echo(f"  {name}: {partners} partners, {shared} shared")
    click.echo(f"\nmap written to {result.map}")
    click.echo(f"explore: kgraph --store {result.store} orgs list")


# Commands of other areas live in kgraph/cli_*.py modules (each lists COMMANDS and imports
# only click and kgraph.cli_common at top level), imported when one of them runs. The one-line
# help is what `kgraph --help` shows; tests/test_cli.py checks it matches each command's own.
cli.lazy = {
    "central": (
        "kgraph.cli_analytics",
        "Central collaborators: organisations ranked by a centrality measure.",
    ),
    "brokers": (
        "kgraph.cli_analytics",
        "Brokers: organisations whose partners span regions, types or sectors.",
    ),
    "communities": (
        "kgraph.cli_analytics",
        "Communities: groups of organisations that partner mostly with each other.",
    ),
    "shifts": (
        "kgraph.cli_analytics",
        "Partner shifts: who kept, gained and lost partners between two periods.",
    ),
    "outcomes": (
        "kgraph.cli_analytics",
        "Outcomes: the share of partnerships reporting gains, and their savings.",
    ),
    "news": (
        "kgraph.cli_news",
        "News events: review low-confidence facts, list events by organisation.",
    ),
    "query": (
        "kgraph.cli_query",
        "Run a SPARQL query, a .rq file or a named query over all imported sources.",
    ),
    "serve": (
        "kgraph.cli_query",
        "Serve the store as a read-only SPARQL 1.1 Protocol endpoint, with a query form at /.",
    ),
    "render": (
        "kgraph.cli_render",
        "Write the organisation network as one self-contained HTML file.",
    ),
    "export": ("kgraph.cli_render", "Export the store for other tools."),
    "report": (
        "kgraph.cli_report",
        "Write the evidence report: one self-contained HTML file that prints to PDF.",
    ),
    "survey": (
        "kgraph.cli_survey",
        "Surveys: write a questionnaire definition, summarise the answers.",
    ),
}


def main() -> None:
    cli(prog_name="kgraph")


if __name__ == "__main__":
    main()
