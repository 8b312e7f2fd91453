"""Check a graph against ontology/shapes.ttl and say what is wrong in words a person can act on.

pyshacl's report is a graph of sh:ValidationResult nodes; each becomes one `Violation` that
names the thing (its label), the source file it came from, and the rule it breaks:

    Partnership "Prosiect Gwyrdd" (compendium.csv): a partnership needs at least two member
    organisations (has 1)

pyshacl runs the core constraints; each sh:sparql constraint of the shapes runs once over the
whole graph here instead (pyshacl would re-parse its query for every focus node). About 100k
triples take a few seconds.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS, TIME

from kgraph.vocab import ID, KG, ORG, QB

_MAX_SOURCES = 3
_COUNT_COMPONENTS = {SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent}
_KINDS = (  # rdf:type -> the word a line starts with, most specific first
    (ORG.OrganizationalCollaboration, "Partnership"),
    (ORG.Membership, "Membership"),
    (KG.Outcome, "Outcome"),
    (KG.Source, "Source"),
    (KG.SourceRecord, "Record"),
    (KG.CollaborationEvent, "Event"),
    (TIME.Interval, "Period"),
    (ORG.Organization, "Organisation"),
    (QB.Observation, "Survey answer"),
)


@dataclass(frozen=True)
class Violation:
    focus: str  # the IRI of the node that breaks the rule
    label: str  # its rdfs:label / dcterms:title, else a short form of the IRI
    rule: str  # the rule, in plain words (sh:message, else sh:name)
    value: str  # the offending value, "" if the problem is a missing one
    source: str  # the source file(s) the node came from, "" if unknown
    severity: str  # "Violation", "Warning" or "Info"
    kind: str = ""  # "Partnership", "Membership", "Organisation", ...
    detail: str = ""  # e.g. "has 1" for a count, "got -5" for a bad value

    def line(self) -> str:
        """One line a person can act on."""
        where = f" ({self.source})" if self.source else ""
        detail = f" ({self.detail})" if self.detail else ""
        prefix = "" if self.severity in ("", "Violation") else f"{self.severity.lower()}: "
        return f'{prefix}{self.kind or "Node"} "{self.label}"{where}: {self.rule}{detail}'

    def __str__(self) -> str:
        return self.line()


def _ontology_dir() -> Path:
    try:
        from importlib.resources import files

        res = files("kgraph.ontology") / "shapes.ttl"
        if res.is_file():
            return Path(str(res)).parent
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    return Path(__file__).resolve().parents[1] / "ontology"


@functools.cache
def shapes_graph() -> rdflib.Graph:
    """The parsed ontology/shapes.ttl (parsed once; treat as read-only)."""
    return rdflib.Graph().parse(_ontology_dir() / "shapes.ttl", format="turtle")


@functools.cache
def _core_shapes() -> rdflib.Graph:
    """The shapes without their sh:sparql constraints (those run once, in `_sparql_checks`)."""
    g = rdflib.Graph()
    for t in shapes_graph():
        if t[1] != SH.sparql:
            g.add(t)
    return g


@dataclass(frozen=True)
class _SparqlCheck:
    shape: URIRef
    query: object  # a prepared rdflib query
    message: str
    severity: str


@functools.cache
def _sparql_checks() -> tuple[_SparqlCheck, ...]:
    from rdflib.plugins.sparql import prepareQuery

    shapes = shapes_graph()
    checks = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if shapes.value(constraint, SH.deactivated) == Literal(True):
            continue
        select = str(shapes.value(constraint, SH.select))
        prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "sh": str(SH)}
        for decl_owner in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(decl_owner, SH.declare):
                prefixes[str(shapes.value(decl, SH.prefix))] = str(shapes.value(decl, SH.namespace))
        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
        query = prepareQuery(header + select.replace("$this", "?this"))
        message = str(shapes.value(constraint, SH.message) or shapes.value(shape, SH.message) or "")
        message = message or _shape_name(shapes, constraint) or _shape_name(shapes, shape)
        severity = shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
        checks.append(_SparqlCheck(shape, query, message, _local(severity) or "Violation"))
    return tuple(checks)


def validate(data: rdflib.Graph | rdflib.Dataset) -> list[Violation]:
    """Every way `data` breaks the shapes, as readable violations (empty: all is well).

    A Dataset (or ConjunctiveGraph) is checked as the union of its graphs; a node's source
    file is then also found from the named graph(s) it is described in.
    """
    import pyshacl  # imported here: it costs ~0.3 s, and only `validate` needs it

    graph, graphs_of = _union(data)
    _conforms, report, _text = pyshacl.validate(
        graph,
        shacl_graph=_core_shapes(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    found = _read_report(report, graph, graphs_of) + _run_sparql_checks(graph, graphs_of)
    found.sort(key=lambda v: (v.source, v.kind, v.label, v.rule, v.value))
    return found


def _targets(shapes: rdflib.Graph, shape: URIRef, data: rdflib.Graph) -> set[rdflib.term.Node]:
    nodes: set[rdflib.term.Node] = set(shapes.objects(shape, SH.targetNode))
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(data.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes.update(data.subjects(prop, None))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes.update(data.objects(None, prop))
    return nodes


def _run_sparql_checks(data: rdflib.Graph, graphs_of: dict[URIRef, set[URIRef]]) -> list[Violation]:
    shapes = shapes_graph()
    out: list[Violation] = []
    seen: set[tuple[str, str, str]] = set()
    for check in _sparql_checks():
        targets = _targets(shapes, check.shape, data)
        if not targets:
            continue
        for row in data.query(check.query):
            focus = row.this  # type: ignore[union-attr]
            if focus not in targets:
                continue
            values = row.asdict()  # type: ignore[union-attr]
            rule = check.message
            for name, value in values.items():
                rule = rule.replace("{?" + name + "}", str(value))
                rule = rule.replace("{$" + name + "}", str(value))
            _add_once(out, seen, data, graphs_of, focus, rule, values.get("value"), check.severity)
    return out


def _add_once(
    out: list[Violation],
    seen: set[tuple[str, str, str]],
    data: rdflib.Graph,
    graphs_of: dict[URIRef, set[URIRef]],
    focus: rdflib.term.Node,
    rule: str,
    value: rdflib.term.Node | None,
    severity: str,
    detail: str = "",
) -> None:
    """A violation, unless the same node already broke the same rule with the same value."""
    key = (str(focus), rule, str(value or ""))
    if key in seen:
        return
    seen.add(key)
    out.append(
        Violation(
            focus=str(focus),
            label=_label(data, focus),
            rule=rule,
            value="" if value is None else str(value),
            source=_source(data, focus, graphs_of),
            severity=severity,
            kind=_kind(data, focus),
            detail=detail,
        )
    )


def _union(data: rdflib.Graph) -> tuple[rdflib.Graph, dict[URIRef, set[URIRef]]]:
    if not isinstance(data, ConjunctiveGraph):
        return data, {}
    graph = rdflib.Graph()
    add = graph.store.add  # the store directly: Graph.add's checks cost a third of the time
    graphs_of: dict[URIRef, set[URIRef]] = {}
    for s, p, o, g in data.quads((None, None, None, None)):
        add((s, p, o), graph, False)
        name = getattr(g, "identifier", g)
        if isinstance(name, URIRef):
            graphs_of.setdefault(s, set()).add(name)
    return graph, graphs_of


def _read_report(
    report: rdflib.Graph, data: rdflib.Graph, graphs_of: dict[URIRef, set[URIRef]]
) -> list[Violation]:
    shapes = shapes_graph()
    seen: set[tuple[str, str, str]] = set()
    out: list[Violation] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus is None:
            continue
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        rule = _message(report, result) or _shape_name(shapes, shape) or _local(component)
        detail = ""
        if component in _COUNT_COMPONENTS and isinstance(path, URIRef):
            count = len(set(data.objects(focus, path)))
            detail = f"has {count}" if count else ""
        elif isinstance(value, Literal):
            detail = f"got {value}"
        elif isinstance(value, URIRef) and component != SH.SPARQLConstraintComponent:
            detail = f"got {_label(data, value)}"
        severity = _local(report.value(result, SH.resultSeverity)) or "Violation"
        _add_once(out, seen, data, graphs_of, focus, rule, value, severity, detail)
    return out


def _message(report: rdflib.Graph, result: rdflib.term.Node) -> str:
    messages = list(report.objects(result, SH.resultMessage))
    english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
    return str((english or messages)[0]) if messages else ""


def _shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> str:
    if shape is None:
        return ""
    name = shapes.value(shape, SH.name) or shapes.value(shape, SH.description)
    return str(name) if name is not None else ""


def _local(iri: rdflib.term.Node | None) -> str:
    if iri is None:
        return ""
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# -- naming things -------------------------------------------------------------------------------


def _kind(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    types = set(g.objects(node, RDF.type))
    for cls, word in _KINDS:
        if cls in types:
            return word
    return "Node"


def _plain_label(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title, KG.fileName):
        value = g.value(node, prop)
        if value is not None and str(value).strip():
            return str(value)
    return ""


def _short(node: rdflib.term.Node) -> str:
    text = str(node)
    return text[len(str(ID)) :] if text.startswith(str(ID)) else text


def _label(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    if isinstance(node, Literal):
        return str(node)
    plain = _plain_label(g, node)
    if plain:
        return plain
    types = set(g.objects(node, RDF.type))
    if ORG.Membership in types:
        member = g.value(node, ORG.member)
        group = g.value(node, ORG.organization)
        who = _plain_label(g, member) if member is not None else ""
        of = _plain_label(g, group) if group is not None else ""
        if who and of:
            return f"{who} in {of}"
        if of:
            return f"membership of {of}"
        if who:
            return f"membership of {who}"
    if KG.Outcome in types:
        kind = g.value(node, KG.outcomeKind)
        what = _local(kind).replace("-", " ") if kind is not None else "outcome"
        owner = g.value(None, KG.hasOutcome, node)
        of = _plain_label(g, owner) if owner is not None else ""
        return f"{what} of {of}" if of else what
    if KG.SourceRecord in types:
        source = g.value(node, DCTERMS.isPartOf)
        line = g.value(node, KG.line)
        name = _plain_label(g, source) if source is not None else ""
        if name:
            return f"{name}:{line}" if line is not None else name
    return _short(node)


def _source(g: rdflib.Graph, node: rdflib.term.Node, graphs_of: dict[URIRef, set[URIRef]]) -> str:
    names = _direct_sources(g, node, graphs_of)
    if not names:  # e.g. a period: the sources of what refers to it
        for referrer in set(g.subjects(None, node)):
            names |= _direct_sources(g, referrer, graphs_of)
    ordered = sorted(names)
    if len(ordered) > _MAX_SOURCES:
        more = len(ordered) - _MAX_SOURCES
        return ", ".join(ordered[:_MAX_SOURCES]) + f" and {more} more"
    return ", ".join(ordered)


def _direct_sources(
    g: rdflib.Graph, node: rdflib.term.Node, graphs_of: dict[URIRef, set[URIRef]]
) -> set[str]:
    names = set(_file_names(g, [node]))
    if names:
        return names
    names |= set(_file_names(g, g.objects(node, DCTERMS.isPartOf)))
    for origin in g.objects(node, PROV.wasDerivedFrom):
        names |= set(_file_names(g, [origin]))
        names |= set(_file_names(g, g.objects(origin, DCTERMS.isPartOf)))
    names |= set(_file_names(g, graphs_of.get(node, ())))
    return names


def _file_names(g: rdflib.Graph, nodes: Iterable[rdflib.term.Node]) -> Iterable[str]:
    for n in nodes:
        for name in g.objects(n, KG.fileName):
            yield str(name)
