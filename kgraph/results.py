"""Query results -> text: an aligned table, CSV, TSV, SPARQL JSON/XML results, or RDF.

Writers take the rows of a `kgraph.sparql.Result` (tuples of pyoxigraph terms) and yield
text in pieces, so large results stream. CSV cells that a spreadsheet would run as a
formula are neutralised as in kgraph/tables.py; JSON, XML and TSV keep values exact.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kgraph.tables import as_table, neutralise
from kgraph.vocab import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_TYPES = (
    "integer decimal double float long int short byte nonNegativeInteger positiveInteger "
    "negativeInteger nonPositiveInteger unsignedLong unsignedInt unsignedShort unsignedByte"
)
NUMERIC = {XSD + t for t in NUMERIC_TYPES.split(" ")}
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# IRIs under these namespaces hold '/' in their local part: Turtle would escape it as '\/'
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("kgid", "kgs")}
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Row = Sequence[object]


def compact(iri: str) -> str:
    """An IRI shortened with a known prefix for reading (not for pasting into a query)."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def plain(term: object, *, short: bool = False) -> str:
    """A term as text: an IRI, a literal's lexical form, _:b for a blank node."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value) if short else term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


# -- SELECT / ASK ---------------------------------------------------------------------
def table(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """An aligned table for people: IRIs shortened, numbers right-aligned."""
    data = [{v: plain(t, short=True) for v, t in zip(variables, row, strict=True)} for row in rows]
    return as_table(data, list(variables))


def csv_chunks(variables: Sequence[str], rows: Iterable[Row], newline: str = "\n") -> Iterator[str]:
    """SPARQL 1.1 CSV results: plain values; formula-like text cells neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(variables)
    for i, row in enumerate(rows):
        writer.writerow([_csv_cell(t) for t in row])
        if i % 500 == 499:
            yield _drain(buf)
    yield _drain(buf)


def _csv_cell(term: object) -> object:
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        return term.value  # "-5" is a number, not a formula
    return neutralise(plain(term))


def _drain(buf: io.StringIO) -> str:
    text = buf.getvalue()
    buf.seek(0)
    buf.truncate()
    return text


def tsv_chunks(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    """SPARQL 1.1 TSV results: terms in N-Triples syntax, so tabs and newlines are escaped."""
    yield "\t".join("?" + v for v in variables) + "\n"
    for row in rows:
        yield "\t".join("" if t is None else str(t) for t in row) + "\n"


def json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": json_term(term.subject),
                "predicate": json_term(term.predicate),
                "object": json_term(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def json_chunks(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    """SPARQL 1.1 Query Results JSON."""
    yield '{"head": {"vars": ' + json.dumps(list(variables)) + '},\n "results": {"bindings": ['
    sep = "\n  "
    for row in rows:
        binding = {v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        yield sep + json.dumps(binding, ensure_ascii=False)
        sep = ",\n  "
    yield "\n]}}\n"


def xml_chunks(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    """SPARQL Query Results XML."""
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
    yield "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    yield "</head>\n<results>\n"
    for row in rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        )
        yield f"<result>{cells}</result>\n"
    yield "</results>\n</sparql>\n"


def _xml_text(text: str) -> str:
    return escape(XML_ILLEGAL.sub("\ufffd", text))  # XML 1.0 cannot carry these characters


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD + "string":
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(str(term))}</literal>"


def boolean_text(value: bool, fmt: str) -> str:
    """The answer of an ASK query in each results format."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        )
    if fmt == "csv":
        return f"_askResult\n{word}\n"
    if fmt == "tsv":
        return f"?_askResult\n{word}\n"
    return word + "\n"


def select_chunks(fmt: str, variables: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    if fmt == "csv":
        return csv_chunks(variables, rows)
    if fmt == "tsv":
        return tsv_chunks(variables, rows)
    if fmt == "json":
        return json_chunks(variables, rows)
    if fmt == "xml":
        return xml_chunks(variables, rows)
    return iter([table(variables, rows)])


# -- CONSTRUCT / DESCRIBE -----------------------------------------------------------------
def graph_bytes(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Turtle (with kgraph's prefixes), N-Triples, JSON-LD or RDF/XML."""
    rdf_format = RDF_FORMATS[fmt]
    prefixes = TURTLE_PREFIXES if fmt in ("turtle", "rdfxml") else None
    data = list(triples)
    if fmt == "jsonld" and not data:
        return b"[]\n"
    out = ox.serialize(data, format=rdf_format, prefixes=prefixes)
    return out if out.endswith(b"\n") else out + b"\n"
