"""kgraph.triples builds pyoxigraph terms directly: they must be the terms rdflib would give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from kgraph.store import to_ox
from kgraph.triples import KG, RDF, lit
from kgraph.vocab import KG as RDFLIB_KG


@pytest.mark.parametrize(
    ("value", "datatype"),
    [
        ("Cardiff Council", None),
        ("", None),
        ("0999", XSD.gYear),
        ("2015", XSD.gYear),
        ("2015-05", XSD.gYearMonth),
        ("2015-05-01", XSD.date),
        (7, XSD.positiveInteger),
        (0, XSD.nonNegativeInteger),
        (12, XSD.integer),
        (True, None),
        (Decimal("1500.50"), XSD.decimal),
        (Decimal("1E+3"), XSD.decimal),
        (Decimal("2.5E-7"), XSD.decimal),
        (Decimal("-0.0"), XSD.decimal),
        (Decimal("12345678901234567890.123"), XSD.decimal),
        (Decimal("NaN"), XSD.decimal),
        (dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC), XSD.dateTime),
        (3, None),
    ],
)
def test_literals_are_the_ones_rdflib_would_write(value: object, datatype: object) -> None:
    assert lit(value, datatype) == to_ox(Literal(value, datatype=datatype))


def test_namespace_terms_are_converted_once_and_checked() -> None:
    assert KG.Source is KG.Source  # cached after the first access
    assert KG.Source.value == str(RDFLIB_KG.Source)
    assert RDF.type.value.endswith("#type")
    with pytest.raises(AttributeError):
        KG.NoSuchTerm  # noqa: B018  # kgraph's namespace refuses unknown terms
