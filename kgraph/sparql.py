"""Run SPARQL text, .rq files and the named queries, with parameters bound safely.

A parameter is parsed into one RDF term (`parse_value`) and bound with a VALUES clause
at the start of the query's outermost WHERE group (`bind`): the term is serialised by
pyoxigraph, so a value can never become query text. The store is reached through one
seam, an `Execute` callable (query text -> pyoxigraph results); `local(ox_store)` is
the embedded store's, and a remote SPARQL endpoint can supply another.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kgraph.errors import KgraphError, UsageProblem
from kgraph.vocab import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
OxResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
# The seam to the store: run query text (prefixes of PREFIXES may be used undeclared)
# over the union of all graphs, or over the graphs given, and return pyoxigraph results.
Execute = Callable[..., OxResult]


class QuerySyntaxError(KgraphError):
    """The query text is not SPARQL; the message names line, column and the text there."""


def local(store: Any) -> Execute:
    """The embedded store's executor (a kgraph Store, or a bare pyoxigraph one): the default
    graph is the union of the named graphs the store lets readers see."""
    inner = getattr(store, "ox", store)

    def execute(
        text: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> OxResult:
        kwargs: dict[str, Any] = {"prefixes": PREFIXES}
        if default_graphs or named_graphs:
            if default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            else:
                kwargs["use_default_graph_as_union"] = True
            if named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        elif hasattr(store, "scope"):
            kwargs.update(store.scope())
        else:
            kwargs["use_default_graph_as_union"] = True
        return inner.query(text, **kwargs)

    return execute


def remote(store: Any) -> Execute:
    """A remote store's executor (kgraph.remote.RemoteStore) over SPARQL 1.1 Protocol.

    Same contract as `local`: the default graph is the union of kgraph's named graphs
    (sent as default-graph-uri/named-graph-uri), the PREFIXES are declared for the text.
    """
    return store.executor()


# -- parameters -------------------------------------------------------------------------
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
QUOTED = re.compile(r'"(?P<body>.*)"(?:@(?P<lang>[A-Za-z0-9-]+)|\^\^(?P<dt>\S+))?', re.S)
LOOKS_LIKE_IRI = re.compile(r"(?:https?://|urn:)", re.I)
PREFIXED = re.compile(r"(?P<prefix>[A-Za-z][\w.-]*):(?P<local>\S*)")
INTEGER = re.compile(r"[+-]?\d+", re.A)
DECIMAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)", re.A)
DOUBLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+", re.A)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.A)
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?", re.A)
ESCAPE = re.compile(r'\\(["\\ntr])')


def parse_param(text: str) -> tuple[str, Term]:
    """'name=value' -> (name, RDF term)."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not VARIABLE.fullmatch(name):
        raise UsageProblem(
            f"--param takes NAME=VALUE with NAME a SPARQL variable name, got {text!r}"
        )
    return name, parse_value(value, name)


def parse_value(value: str, name: str = "value") -> Term:
    """A command-line value -> one RDF term.

    <iri> or http(s):/urn: IRIs and known prefixes (kgid:org/la/CRF) -> IRI;
    "text", "text"@en, "5"^^xsd:integer -> that literal; 42, 4.2, 4e2, true, 2015-01-28 and
    2015-01-28T10:00:00 -> typed literals; anything else -> a plain literal.
    """
    if value.startswith("<") and value.endswith(">"):
        return _iri(value[1:-1], name, value)
    quoted = QUOTED.fullmatch(value)
    if quoted:
        body = ESCAPE.sub(
            lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), quoted["body"]
        )
        if quoted["lang"]:
            try:
                return ox.Literal(body, language=quoted["lang"])
            except ValueError as exc:
                raise UsageProblem(f"--param {name}: {exc}: {quoted['lang']!r}") from None
        if quoted["dt"]:
            datatype = quoted["dt"]
            if datatype.startswith("<") and datatype.endswith(">"):
                dtype = _iri(datatype[1:-1], name, datatype)
            else:
                dtype = _expand(datatype, name)
                if dtype is None:
                    raise UsageProblem(f"--param {name}: unknown datatype {datatype!r}")
            return ox.Literal(body, datatype=dtype)
        return ox.Literal(body)
    if LOOKS_LIKE_IRI.match(value):
        return _iri(value, name, value)
    expanded = _expand(value, name)
    if expanded is not None:
        return expanded
    if value in ("true", "false"):
        return _typed(value, "boolean")
    for pattern, datatype in ((INTEGER, "integer"), (DECIMAL, "decimal"), (DOUBLE, "double")):
        if pattern.fullmatch(value):
            return _typed(value, datatype)
    if DATE.fullmatch(value) or DATETIME.fullmatch(value):
        try:
            (dt.date if len(value) == 10 else dt.datetime).fromisoformat(
                value.replace("Z", "+00:00")
            )
        except ValueError:
            raise UsageProblem(
                f'--param {name}: no such date: {value} (quote it, "{value}", for text)'
            ) from None
        return _typed(value, "date" if len(value) == 10 else "dateTime")
    return ox.Literal(value)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def _iri(iri: str, name: str, given: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise UsageProblem(
            f"--param {name}: not a valid IRI: {given!r} ({exc}); "
            'put text in double quotes to pass it as a literal: "..."'
        ) from None


def _expand(value: str, name: str) -> ox.NamedNode | None:
    m = PREFIXED.fullmatch(value)
    if m is None or m["prefix"] not in PREFIXES:
        return None
    return _iri(PREFIXES[m["prefix"]] + m["local"], name, value)


def to_term(value: object) -> Term:
    """Python values, rdflib terms and pyoxigraph terms -> a pyoxigraph term."""
    if isinstance(value, Term):
        return value
    if isinstance(value, str) and type(value) is str:
        return ox.Literal(value)
    if isinstance(value, bool):
        return _typed(str(value).lower(), "boolean")
    if isinstance(value, int):
        return _typed(str(value), "integer")
    if isinstance(value, float):
        return _typed(repr(value), "double")
    from kgraph.store import to_ox  # rdflib terms (URIRef, Literal, BNode)

    return to_ox(value)  # type: ignore[arg-type]


# -- reading the query text (comments, strings and IRIs are never mistaken for syntax) ------
TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$]\w+)
    |(?P<word>(?:[^\W\d][\w.-]*)?:[^\s{}()\[\];,<>"'\#^]*|[^\W\d]\w*)
    |(?P<other>.)""",
    re.X | re.S,
)
FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    return iter(_tokens(text) if len(text) < 50_000 else _tokenise(text))


@functools.lru_cache(maxsize=128)
def _tokens(text: str) -> tuple[Token, ...]:
    """Each query text is read for its form, its variables and where to bind parameters:
    tokenised once (a server runs the same named queries again and again)."""
    return _tokenise(text)


def _tokenise(text: str) -> tuple[Token, ...]:
    return tuple(
        Token(m.lastgroup or "other", m.group(), m.start())
        for m in TOKEN.finditer(text)
        if m.lastgroup not in ("ws", "comment")
    )


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK; UPDATE for an update; None if neither."""
    for tok in tokens(text):
        if tok.kind == "word" and ":" not in tok.text:
            word = tok.text.upper()
            if word in FORMS:
                return word
            if word in UPDATES:
                return "UPDATE"
    return None


def uses_service(text: str) -> bool:
    """Whether the query calls other endpoints (SERVICE), which makes network requests."""
    return any(t.kind == "word" and t.text.upper() == "SERVICE" for t in tokens(text))


def variables(text: str) -> set[str]:
    return {t.text[1:] for t in tokens(text) if t.kind == "var"}


def bind(text: str, bindings: Mapping[str, object]) -> tuple[str, list[tuple[int, int]]]:
    """Bind variables with VALUES at the start of the outermost WHERE group.

    Returns the new text and the insertions made, as (offset in the new text, length),
    so that positions of syntax errors can be mapped back to the user's text.
    """
    if not bindings:
        return text, []
    values = []
    for name, value in bindings.items():
        if not VARIABLE.fullmatch(name):
            raise UsageProblem(f"not a SPARQL variable name: {name!r}")
        values.append(f"VALUES ?{name} {{ {to_term(value)} }}")
    clause = " " + " ".join(values) + " "
    toks = list(tokens(text))
    at = _where_group(toks)
    first = toks[at + 1] if at + 1 < len(toks) else None
    pos = toks[at].start + 1
    if first is not None and first.kind == "word" and first.text.upper() == "SELECT":
        # `WHERE { SELECT ... }`: a subquery must be alone in its group, so wrap it
        end = _matching_brace(toks, at)
        new = text[:pos] + clause + "{" + text[pos:end] + "}" + text[end:]
        return new, [(pos, len(clause) + 1), (end + len(clause) + 1, 1)]
    return text[:pos] + clause + text[pos:], [(pos, len(clause))]


def _where_group(toks: list[Token]) -> int:
    """Index of the `{` opening the outermost WHERE group."""
    form, where, template, braces, parens = None, False, None, 0, 0
    for i, tok in enumerate(toks):
        if tok.kind == "word" and ":" not in tok.text and braces == 0:
            word = tok.text.upper()
            if form is None and word in FORMS:
                form = word
            elif word == "WHERE":
                if form == "CONSTRUCT" and template is None:
                    raise UsageProblem(
                        "cannot bind parameters in the short form CONSTRUCT WHERE { ... }: "
                        "write CONSTRUCT { template } WHERE { pattern }"
                    )
                where = True
        elif tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.text == "{":
            if braces == 0 and parens == 0 and form is not None:
                if form != "CONSTRUCT" or where or template == "done":
                    return i
                template = "open"
            braces += 1
        elif tok.text == "}":
            braces -= 1
            if braces == 0 and template == "open":
                template = "done"
    raise UsageProblem("cannot bind parameters: the query has no WHERE { ... } group")


def _matching_brace(toks: list[Token], at: int) -> int:
    depth = 0
    for tok in toks[at:]:
        depth += {"{": 1, "}": -1}.get(tok.text, 0)
        if depth == 0:
            return tok.start
    raise QuerySyntaxError("SPARQL syntax error: a { is never closed")


# -- running ----------------------------------------------------------------------------
@dataclass
class Result:
    """What a query gave: rows of terms (SELECT), a boolean (ASK) or triples (graphs)."""

    form: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: Iterator[tuple[Term | None, ...]] = iter(())
    boolean: bool | None = None
    triples: Iterator[ox.Triple] = iter(())


def run(
    execute: Execute,
    text: str,
    bindings: Mapping[str, object] | None = None,
    **dataset: list[str] | None,
) -> Result:
    """Bind, run and wrap the results; errors become one line with line and column."""
    if query_form(text) == "UPDATE":
        raise UsageProblem("SPARQL updates are not run here: kgraph query only reads the store")
    bound, inserts = bind(text, bindings or {})
    try:
        out = execute(bound, **{k: v for k, v in dataset.items() if v})
    except SyntaxError as exc:
        raise QuerySyntaxError(syntax_message(str(exc), text, bound, inserts)) from None
    except (OSError, RuntimeError) as exc:
        raise KgraphError(f"query failed: {exc}") from None
    if isinstance(out, ox.QueryBoolean):
        return Result("ask", boolean=bool(out))
    if isinstance(out, ox.QueryTriples):
        return Result("graph", triples=_guarded(iter(out)))
    names = [v.value for v in out.variables]
    return Result("select", names, _guarded(tuple(s) for s in out))


def _guarded(items: Iterator[Any]) -> Iterator[Any]:
    try:
        yield from items
    except (OSError, RuntimeError) as exc:
        raise KgraphError(f"query failed: {exc}") from None


SYNTAX = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def syntax_message(message: str, original: str, bound: str, inserts: list[tuple[int, int]]) -> str:
    """Oxigraph's 'error at L:C: ...' -> one line naming line, column and the text there."""
    m = SYNTAX.match(message)
    if m is None:
        return "SPARQL syntax error: " + " ".join(message.split())
    line, col = int(m[1]), int(m[2])
    lines = bound.split("\n")
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
    offset -= sum(min(n, max(0, offset - at)) for at, n in inserts if at <= offset)
    offset = max(0, min(offset, len(original)))
    before = original[:offset]
    line = before.count("\n") + 1
    col = offset - (before.rfind("\n") + 1) + 1
    start = offset
    while start > 0 and not original[start - 1].isspace() and offset - start < 30:
        start -= 1
    near = original[start:].split("\n", 1)[0][:40].strip()
    detail = " ".join(m[3].split())
    if "Prefix not found" in detail:
        word = re.match(r"[\w.-]*:", near)
        detail = f"unknown prefix {word[0] if word else ''}".rstrip()
        detail += f" (declared: {', '.join(sorted(PREFIXES))})"
    elif len(detail) > 160:
        detail = detail[:157] + "..."
    where = f'near "{near}"' if near else "at the end of the query"
    return f"SPARQL syntax error at line {line}, column {col} {where}: {detail}"


# -- named queries ----------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    name: str
    required: bool
    description: str
    example: str = ""
    kind: str = ""  # "organisation": a name given is resolved to the organisation's IRI


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: str = ""


HEADER_FIELD = re.compile(r"#\s?(title|description|param)\b\s*(.*)$")
PARAM_HEAD = re.compile(r"(\w+)\s*(?:\(([\w ,]*)\))?\s*:\s*(.*)$")
EXAMPLE = re.compile(r"\bExample:\s*(.+)$")


def parse_header(text: str) -> tuple[str, str, tuple[Param, ...]]:
    """The leading comment: `# title: ...`, `# description: ...` and one line per parameter,
    `# param NAME (required|optional[, organisation]): what it is. Example: NAME=VALUE`.

    Indented comment lines continue the field above; a bare `#` ends the fields. A file
    with a plain leading comment instead gets its first sentence as title, all as description.
    """
    fields: list[list[str]] = []
    plain: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith("#"):
            break
        if line == "#":
            if fields or plain:
                break
            continue
        plain.append(line[1:].strip())
        m = HEADER_FIELD.match(line)
        if m:
            fields.append([m[1], m[2].lstrip(":").strip()])
        elif fields and line.startswith("#  "):
            fields[-1][1] += " " + line[1:].strip()
    title = next((v for k, v in fields if k == "title"), "")
    description = next((v for k, v in fields if k == "description"), "")
    if not fields and plain:
        description = " ".join(plain)
        title = re.split(r"[.:;]\s", description + " ", maxsplit=1)[0].strip()
    params = []
    for key, value in fields:
        p = PARAM_HEAD.match(value) if key == "param" else None
        if p:
            flags = {f.strip() for f in (p[2] or "").split(",")}
            example = EXAMPLE.search(p[3])
            params.append(
                Param(
                    p[1],
                    "required" in flags,
                    p[3].strip(),
                    example[1].strip() if example else "",
                    "organisation" if "organisation" in flags else "",
                )
            )
    return title, description, tuple(params)


def named_queries() -> dict[str, NamedQuery]:
    """The .rq files in kgraph/queries, by name (the file name without .rq)."""
    found = {}
    for entry in sorted(resources.files("kgraph.queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            found[entry.name[:-3]] = load(entry.read_text(encoding="utf-8"), entry.name[:-3])
    return found


def load(text: str, name: str = "", path: str = "") -> NamedQuery:
    title, description, params = parse_header(text)
    return NamedQuery(name, title, description, params, text, path)


def load_file(path: Path) -> NamedQuery:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise KgraphError(f"{path}: cannot read the query: {exc}") from None
    return load(text, Path(path).stem, str(path))


def check_params(query: NamedQuery, given: Mapping[str, object], *, declared_only: bool) -> None:
    """Unknown and missing parameters are usage errors that say what the query takes."""
    declared = {p.name: p for p in query.params}
    used = variables(query.text)
    for name in given:
        if declared_only and declared and name not in declared:
            known = ", ".join(declared) or "none"
            raise UsageProblem(
                f"{query.name or 'the query'} takes no parameter {name!r} (it takes: {known})"
            )
        if name not in used:
            raise UsageProblem(f"--param {name}: the query has no variable ?{name}")
    for p in query.params:
        if p.required and p.name not in given:
            example = f", e.g. --param {p.example}" if p.example else ""
            raise UsageProblem(f"{query.name or 'the query'} needs --param {p.name}=...{example}")


def select(execute: Execute, text: str, **bindings: object) -> list[dict[str, Any]]:
    """Rows as dicts of rdflib terms (unbound variables left out), for Python callers."""
    from kgraph.store import from_ox

    result = run(execute, text, bindings)
    if result.form != "select":
        raise KgraphError("select() runs SELECT queries only")
    return [
        {n: from_ox(t) for n, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]


def prepare(execute: Execute, query: NamedQuery, given: Mapping[str, object]) -> dict[str, object]:
    """Check the parameters of a named query and resolve organisation names to IRIs."""
    check_params(query, given, declared_only=True)
    out = dict(given)
    for p in query.params:
        if p.kind == "organisation" and p.name in out:
            term = to_term(out[p.name])
            if isinstance(term, ox.Literal):
                out[p.name] = resolve_organisation(execute, term.value)
    return out


# An exact match first (indexed: milliseconds on any store), then the case-insensitive
# scan over every name (seconds on a national store) only when the exact one finds nothing.
FIND_ORG_EXACT = """
SELECT DISTINCT ?o (SAMPLE(?l) AS ?label) WHERE {
  ?o rdfs:label|skos:prefLabel|skos:altLabel|kg:registerCode|kg:gssCode ?name .
  ?o a org:Organization .
  OPTIONAL { ?o rdfs:label ?l }
} GROUP BY ?o ORDER BY ?label
"""

FIND_ORG = """
SELECT DISTINCT ?o (SAMPLE(?l) AS ?label) WHERE {
  ?o a org:Organization ; rdfs:label|skos:prefLabel|skos:altLabel|kg:registerCode|kg:gssCode ?n .
  FILTER(LCASE(STR(?n)) = LCASE(STR(?name)))
  OPTIONAL { ?o rdfs:label ?l }
} GROUP BY ?o ORDER BY ?label
"""


def resolve_organisation(execute: Execute, name: str) -> ox.NamedNode:
    """A name -> the one organisation the store calls so (any of its names or its register
    or GSS code, any case), else the register's answer (short forms such as "RCT") if the
    store holds that organisation."""
    result = run(execute, FIND_ORG_EXACT, {"name": ox.Literal(name.strip())})
    found = [(row[0], row[1]) for row in result.rows]
    if not found:
        result = run(execute, FIND_ORG, {"name": ox.Literal(name.strip())})
        found = [(row[0], row[1]) for row in result.rows]
    if len(found) == 1:
        return found[0][0]  # type: ignore[return-value]
    from kgraph.resolve import Resolver
    from kgraph.vocab import org_iri

    note = ""
    try:
        res = Resolver.default().resolve(name)
    except ValueError:
        raise UsageProblem("give an organisation name or IRI") from None
    iri = ox.NamedNode(org_iri(res.org.id))
    if not found or iri in [o for o, _ in found]:
        if run(execute, "ASK { ?o a org:Organization }", {"o": iri}).boolean:
            return iri
        note = f" ({res.note})" if res.note else ""
        if res.org.in_register:
            note = f" ({res.org.name} is in the register but in no imported source)"
    if found:
        names = "; ".join(f"{label.value if label else '?'} <{o.value}>" for o, label in found)
        raise UsageProblem(f"{name!r} names several organisations: {names}; give one's IRI")
    raise KgraphError(f"no organisation called {name!r} in the store{note}")
