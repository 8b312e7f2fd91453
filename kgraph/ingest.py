"""File -> importer -> resolution -> one named graph per source, all or nothing."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import hashlib
import mimetypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, URIRef
from rdflib.namespace import PROV

from kgraph.errors import BadInput, KgraphError, StrictRejects
from kgraph.hookspecs import Importer, ImportOptions
from kgraph.records import (
    EventRecord,
    ObservationRecord,
    OrgRef,
    PartnershipRecord,
    Reject,
    SurveyRecord,
    TriplesRecord,
)
from kgraph.resolve import Resolver
from kgraph.store import Store
from kgraph.triples import SourceGraph
from kgraph.vocab import ID, digest

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    path: Path
    source: URIRef
    importer: str
    records: int = 0
    rejects: list[Reject] = field(default_factory=list)
    triples: int = 0
    organisations: int = 0
    review: list[str] = field(default_factory=list)  # near misses, ambiguous and unknown names
    unchanged: bool = False
    rejects_file: Path | None = None


class NeedsStore(KgraphError):
    """A file read without the store (kgraph.batch) turned out to need it."""


class ImporterFailed(KgraphError):
    """A plugin raised something other than BadInput: a bug, reported without a traceback."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_iri(path: Path) -> URIRef:
    return ID[f"source/{digest(str(path.resolve()), length=16)}"]


def existing_source(store: Store, path: Path, sha: str) -> tuple[URIRef, str, str] | None:
    """The graph this file already lives in (same path, or the same bytes elsewhere)."""
    rows = store.select(
        "SELECT ?g ?sha ?version ?path WHERE { ?g a kg:Source ; kg:sha256 ?sha ; "
        "kg:importerVersion ?version ; kg:filePath ?path }"
    )
    mine = source_iri(path)
    for row in rows:
        if row["g"] == mine:
            return mine, str(row["sha"]), str(row["version"])
    for row in rows:
        if str(row["sha"]) == sha:
            return URIRef(row["g"]), str(row["sha"]), str(row["version"])
    return None


def check_readable(path: Path) -> None:
    if not path.exists():
        raise BadInput(str(path), "no such file")
    if path.is_dir():
        raise BadInput(str(path), "is a directory, not a file")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise BadInput(str(path), f"cannot be read ({exc.strerror})") from None


def import_file(
    store: Store,
    path: Path,
    importer: Importer,
    options: ImportOptions,
    *,
    force: bool = False,
    resolver: Resolver | None = None,
    rejects_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file into its own named graph; on any error the store is untouched."""
    check_readable(path)
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    sha = sha256_of(path)
    previous = existing_source(store, path, sha)
    graph = previous[0] if previous else source_iri(path)
    report = ImportReport(path=path, source=graph, importer=importer.name)
    if previous and previous[1] == sha and previous[2] == importer.version and not force:
        report.unchanged = True
        return report

    resolver = resolver or Resolver.default()
    out = SourceGraph(graph)
    steps = read_into(out, store, path, importer, options, resolver, report, progress)
    # a new graph on a local store may be written while it is built (see _stream)
    can_stream = isinstance(store, Store) and previous is None and not store.has_graph(graph)
    finish = functools.partial(
        _finish, store, path, importer, options, out, report, sha, started, rejects_dir
    )
    with collector_paused():
        for _ in steps:
            if can_stream and len(out.triples) >= STREAM_AT:
                _stream(store, out, steps)
                try:
                    return finish(streamed=True)
                except BaseException:
                    store.remove_graph(graph)
                    raise
    return finish()


STREAM_AT = 50_000  # triples: a new graph this large is written while the rest is built
STREAM_CHUNK = 10_000  # triples drained from the graph at a time


def _stream(store: Store, out: SourceGraph, steps: Iterator[None]) -> None:
    """Write what is built so far and the rest as it is built: the store loads one chunk
    in a thread while Python builds the next (Store.stream_new_graph)."""

    def made() -> Iterator[tuple]:
        yield from out.drain()
        for _ in steps:
            if len(out.triples) >= STREAM_CHUNK:
                yield from out.drain()
        yield from out.drain()

    store.stream_new_graph(out.source, made())


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Building a graph makes millions of small acyclic objects; the cyclic collector's
    passes over them took half of a 20k-partnership import. Reference counting still
    frees them; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_into(
    out: SourceGraph,
    store: Store | None,
    path: Path,
    importer: Importer,
    options: ImportOptions,
    resolver: Resolver,
    report: ImportReport,
    progress: Progress | None,
) -> Iterator[None]:
    """Each record into `out`, one step per record (so the caller can start writing a large
    graph part-way); a plugin's failure becomes a one-line error. Without a `store`, a
    record that must be matched against it raises NeedsStore."""
    try:
        for item in importer.read(path, options):
            if isinstance(item, Reject):
                report.rejects.append(item)
            elif isinstance(item, PartnershipRecord):
                _add_partnership(out, item, resolver, report)
            elif isinstance(item, EventRecord):
                _add_event(out, item, resolver, report)
            elif isinstance(item, ObservationRecord):
                if store is None:
                    raise NeedsStore(f"{path}: its records are matched against the store")
                _add_observation(out, item, resolver, report, store)
            elif isinstance(item, SurveyRecord):
                out.survey(item)
                report.review.extend(item.notes)
            elif isinstance(item, TriplesRecord):
                _add_triples(out, item)
                report.records += 1
            if progress is not None:
                progress(1)
            yield
    except KgraphError:
        raise
    except (OSError, UnicodeError, MemoryError, RecursionError, csv.Error) as exc:
        raise BadInput(str(path), f"cannot be read: {exc}") from exc
    except Exception as exc:  # a plugin bug must not show the user a traceback
        raise ImporterFailed(
            f"{path}: the '{importer.name}' importer failed: {exc!r} (re-run with --debug "
            "for the traceback and please report it)"
        ) from exc


def _finish(
    store: Store,
    path: Path,
    importer: Importer,
    options: ImportOptions,
    out: SourceGraph,
    report: ImportReport,
    sha: str,
    started: dt.datetime,
    rejects_dir: Path | None,
    *,
    streamed: bool = False,
) -> ImportReport:
    """Rejects file, --strict, the source's provenance, then one transaction (or, for a
    streamed graph, its last triples with the description, by the bulk loader)."""
    complete(path, importer, out, report, sha, started, rejects_dir, strict=options.strict)
    if streamed:
        store.finish_new_graph(out.source, out.drain())
        report.triples = len(out)
        return report
    with collector_paused():
        report.triples = store.replace_graph(out.source, out.triples, distinct_ox=True)
    return report


def complete(
    path: Path,
    importer: Importer,
    out: SourceGraph,
    report: ImportReport,
    sha: str,
    started: dt.datetime,
    rejects_dir: Path | None,
    *,
    strict: bool,
) -> None:
    """What every import does once its records are read, before the store is written: the
    rejects file, --strict, no records at all (errors), and the source's description."""
    if rejects_dir is not None and report.rejects:
        report.rejects_file = write_rejects(report.rejects, rejects_dir, path)
    if strict and report.rejects:
        raise StrictRejects(
            f"{path}: {len(report.rejects)} record(s) rejected and --strict was given: "
            f"nothing imported; first: {report.rejects[0]}"
        )
    if report.records == 0:
        why = f"no records could be imported ({len(report.rejects)} rejected)"
        if report.rejects:
            why += f"; first: {report.rejects[0]}"
        raise BadInput(str(path), why)

    out.describe_source(
        file_name=path.name,
        file_path=str(path.resolve()),
        sha256=sha,
        importer=importer.name,
        importer_version=importer.version,
        records=report.records,
        rejects=len(report.rejects),
        started=started,
        ended=dt.datetime.now(dt.UTC).replace(microsecond=0),
        media_type=mimetypes.guess_type(path.name)[0],
    )


def _add_partnership(
    out: SourceGraph, rec: PartnershipRecord, resolver: Resolver, report: ImportReport
) -> None:
    when = rec.start.first_day() if rec.start else None
    members: list[tuple[URIRef, str]] = []
    seen: dict[URIRef, str] = {}
    notes = []
    refs = rec.members()
    for ref in refs:
        try:
            res = resolver.resolve(ref.name, code=ref.code, when=when, region=rec.region)
        except ValueError as exc:
            report.rejects.append(Reject(rec.origin, "partners", f"{ref.name!r}: {exc}"))
            return
        if res.note:
            notes.append(f"{rec.origin.where()}: {ref.name!r}: {res.note}")
        elif not res.org.in_register:
            notes.append(
                f"{rec.origin.where()}: {ref.name!r}: not in the register; "
                f"added as a new organisation ({res.org.kind})"
            )
        iri = out.organisation(res, ref.name)
        if iri in seen:
            continue
        role = "lead" if rec.lead is not None and ref is refs[0] else "partner"
        seen[iri] = ref.name
        members.append((iri, role))
    if len(members) < 2:
        names = ", ".join(repr(r.name) for r in refs)
        report.rejects.append(
            Reject(
                rec.origin,
                "partners",
                f"{names} name fewer than two distinct organisations (a partnership needs two)",
            )
        )
        return
    out.partnership(rec, members)
    report.records += 1
    report.review.extend(notes)
    report.organisations = len(out._orgs_done)


def _add_event(
    out: SourceGraph, rec: EventRecord, resolver: Resolver, report: ImportReport
) -> None:
    """A news event: organisations resolved (generic mentions skipped, never invented), the
    event written, and a partnership when it ties two or more distinct organisations."""
    when = rec.date.first_day() if rec.date else None

    def resolve_all(refs: tuple[OrgRef, ...]) -> list[tuple[URIRef, OrgRef]]:
        found: dict[URIRef, OrgRef] = {}
        for ref in refs:
            if not ref.name.strip() or resolver.is_generic(ref.name):
                continue
            try:
                res = resolver.resolve(ref.name, code=ref.code, when=when)
            except ValueError:
                continue
            if res.note:
                report.review.append(f"{rec.origin.where()}: {ref.name!r}: {res.note}")
            elif not res.org.in_register:
                report.review.append(
                    f"{rec.origin.where()}: {ref.name!r}: not in the register; "
                    f"added as a new organisation ({res.org.kind})"
                )
            found.setdefault(out.organisation(res, ref.name), ref)
        return list(found.items())

    involved = resolve_all(rec.organisations)
    former = [
        (iri, ref) for iri, ref in resolve_all(rec.former_partners) if iri not in dict(involved)
    ]
    partnerships: list[URIRef] = []
    # partnerships this source's events already made, by member set: a partner change
    # ends the one an earlier item reported instead of minting a second one
    made: dict[frozenset, URIRef] = out.__dict__.setdefault("_event_partnerships", {})
    if len(involved) >= 2:
        tied = PartnershipRecord(
            title=rec.title,
            origin=rec.origin,
            partners=tuple(ref for _, ref in involved),
            service_areas=rec.service_areas,
            kind=rec.kind,
            start=rec.partnership_start,
            end=rec.partnership_end,
            status="ended" if rec.partnership_end is not None else None,
            description=rec.description,
        )
        p = out.partnership(tied, [(iri, "partner") for iri, _ in involved])
        made.setdefault(frozenset(iri for iri, _ in involved), p)
        partnerships.append(p)
    if former and involved and rec.date is not None:
        changer_iri, changer = involved[0]
        for iri, ref in former:
            earlier = made.get(frozenset((changer_iri, iri)))
            if earlier is not None:
                partnerships.append(earlier)
                continue
            ended = PartnershipRecord(
                title=f"{changer.name} and {ref.name}",
                origin=rec.origin,
                partners=(changer, ref),
                service_areas=rec.service_areas,
                end=rec.date,
                status="ended",
            )
            partnerships.append(
                out.partnership(ended, [(changer_iri, "partner"), (iri, "partner")])
            )
    out.event(rec, [iri for iri, _ in involved], [iri for iri, _ in former], partnerships)
    report.records += 1
    report.organisations = len(out._orgs_done)


def _add_observation(
    out: SourceGraph, rec: ObservationRecord, resolver: Resolver, report: ImportReport, store: Store
) -> None:
    """A survey answer: the respondent resolved (unknown names kept and flagged once per
    import), the partnership it is about matched in the store, the observation written."""
    from kgraph.survey.link import PartnershipIndex

    state = out.__dict__.setdefault("_survey", {"orgs": {}, "noted": set()})
    if "partnerships" not in state:
        state["partnerships"] = PartnershipIndex(store)
    respondent = None
    if rec.respondent is not None:
        ref, when = rec.respondent, _first_day(rec)
        found = state["orgs"].get((ref.name, ref.code, when))
        if found is None:
            try:
                res = resolver.resolve(ref.name, code=ref.code, when=when)
            except ValueError as exc:
                report.rejects.append(Reject(rec.origin, "respondent", f"{ref.name!r}: {exc}"))
                return
            found = state["orgs"][(ref.name, ref.code, when)] = out.organisation(res, ref.name)
            note = res.note or (
                ""
                if res.org.in_register
                else f"not in the register; added as a new organisation ({res.org.kind})"
            )
            if note and (ref.name, ref.code) not in state["noted"]:
                state["noted"].add((ref.name, ref.code))
                report.review.append(f"{rec.origin.where()}: {ref.name!r}: {note}")
        respondent = found
    partnerships: list[URIRef] = []
    if rec.partnership:
        partnerships, note = state["partnerships"].find(rec.partnership, respondent)
        if note and rec.partnership not in state["noted"]:
            state["noted"].add(rec.partnership)
            report.review.append(f"{rec.origin.where()}: {note}")
    out.observation(rec, respondent, partnerships)
    report.records += 1
    report.organisations = len(out._orgs_done)


def _first_day(rec: ObservationRecord) -> dt.date | None:
    return rec.period.first_day() if rec.period is not None else None


def write_rejects(rejects: list[Reject], directory: Path, path: Path) -> Path:
    """One CSV row per reject: where, field, reason, and the raw cells when known."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{path.name}.rejects.csv"
    raw_keys: list[str] = []
    for r in rejects:
        raw_keys.extend(k for k in r.raw if k not in raw_keys)
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "row", "field", "reason", *raw_keys])
        for r in rejects:
            writer.writerow(
                [
                    r.origin.path,
                    r.origin.line or "",
                    r.field,
                    r.reason,
                    *(_neutralise(r.raw.get(k, "")) for k in raw_keys),
                ]
            )
    return target


def _neutralise(cell: object) -> str:
    """Spreadsheet programs run cells starting with = + - @ as formulas: keep them text."""
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _add_triples(out: SourceGraph, item: TriplesRecord) -> None:
    """A plugin's own triples: blank nodes skolemised, each subject tied to its record."""
    where = out.record(item.origin)
    for s, p, o in item.triples:
        s = s.skolemize() if isinstance(s, BNode) else s
        o = o.skolemize() if isinstance(o, BNode) else o
        out.add(s, p, o)
        out.add(s, PROV.wasDerivedFrom, where)
