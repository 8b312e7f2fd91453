"""Free text from sources -> SKOS concepts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import Graph

from kgraph import concepts
from kgraph.concepts import Concept, all_concepts, lookup, match, match_many, sector_of
from kgraph.vocab import KG, SCHEME


def notation(scheme: str, text: str) -> str | None:
    c = match(scheme, text)
    return c.notation if c.known else None


def notations(scheme: str, text: str) -> list[str]:
    return [c.notation if c.known else "?" + c.notation for c in match_many(scheme, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Planning", "planning"),
        ("  PLANNING  ", "planning"),
        ("Legal Services", "legal"),
        ("legal_services", "legal"),
        ("HR", "hr"),
        ("Human Resources", "hr"),
        ("personnel", "hr"),
        ("IT", "ict"),
        ("I.C.T.", "ict"),
        ("Digital", "ict"),
        ("Shared ICT service", "ict"),
        ("revs and bens", "revenues-and-benefits"),
        ("Revs & Bens", "revenues-and-benefits"),
        ("Council Tax", "revenues-and-benefits"),
        ("refuse", "waste"),
        ("Recycling", "waste"),
        ("waste procurement", "waste"),
        ("Waste management and recycling services", "waste"),
        ("waste and recycling", "waste"),
        ("economic development", "economic-development"),
        ("Children's Services", "childrens-services"),
        ("childrens services", "childrens-services"),
        ("Adult Social Care", "social-care"),
        ("The Libraries", "libraries"),
        ("fire and rescue", "fire-and-rescue"),
        ("Fire & Rescue", "fire-and-rescue"),
        ("public health", "public-health"),
        ("community safety", "community-safety"),
        ("Highways, street lighting and winter maintenance", "highways"),
    ],
)
def test_service_areas(text: str, expected: str) -> None:
    assert notation("service", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("community_safety_partnership", "community-safety-partnership"),
        ("police_force_area", "police-force-area"),
        ("fire_and_rescue_authority", "fire-and-rescue-authority"),
        ("combined_authority", "combined-authority"),
        ("combined_authority_incl_non_constituent", "combined-authority"),
        ("local_health_board_area_wales", "health-board-area"),
        ("health_and_social_care_trust_ni", "health-board-area"),
        ("Shared Services", "shared-service"),
        ("partnership", "joint-working"),
        ("Joint working", "joint-working"),
        ("jointly-owned company", "joint-venture"),
        ("Community Interest Company", "joint-venture"),
        ("trading company", "joint-venture"),
        ("partner changed", "partnership-ended"),
        ("break-up", "partnership-ended"),
        ("merger talks", "merger-talks"),
        ("insourcing", "in-sourcing"),
        ("brought back in-house", "in-sourcing"),
        ("joint-procurement", "joint-procurement"),  # the notation itself
    ],
)
def test_collaboration_kinds(text: str, expected: str) -> None:
    assert notation("collaboration", text) == expected


@pytest.mark.parametrize(
    ("scheme", "text", "expected"),
    [
        ("region", "East", "east-of-england"),
        ("region", "East of England", "east-of-england"),
        ("region", "Yorkshire and the Humber", "yorkshire-and-the-humber"),
        ("region", "yorkshire & humber", "yorkshire-and-the-humber"),
        ("region", "North Wales", "north-wales"),
        ("region", "Cymru", "wales"),
        ("region", "E12000007", "london"),
        ("region", "Northern Ireland", "northern-ireland"),
        ("outcome", "savings", "saving"),
        ("outcome", "efficiency gains", "efficiency-gain"),
        ("outcome", "contract-value", "contract-value"),
        ("role", "Lead authority", "lead"),
        ("role", "partners", "partner"),
        ("orgtype", "council", "local-authority"),
        ("orgtype", "Cardiff Council", "local-authority"),
        ("orgtype", "South Wales Police", "police-force"),
        ("orgtype", "Mid and West Wales Fire and Rescue Service", "fire-and-rescue"),
        ("orgtype", "Cardiff and Vale University Health Board", "health-board"),
        ("orgtype", "Velindre University NHS Trust", "nhs-trust"),
        ("orgtype", "University of South Wales", "university"),
        ("orgtype", "Non-metropolitan district", "local-authority"),
        ("sector", "Police and fire", "police-fire"),
    ],
)
def test_other_schemes(scheme: str, text: str, expected: str) -> None:
    assert notation(scheme, text) == expected


def test_a_known_concept_carries_its_iri_and_label() -> None:
    c = match("service", "revs & bens")
    assert c == Concept(
        SCHEME["service/revenues-and-benefits"],
        "service",
        "revenues-and-benefits",
        "Revenues and benefits",
        True,
    )


def test_unknown_text_mints_a_stable_concept() -> None:
    a = match("service", "Underwater  basket_weaving")
    b = match("service", "underwater basket weaving")
    assert not a.known
    assert a.iri == b.iri == SCHEME["service/underwater-basket-weaving"]
    assert a.notation == "underwater-basket-weaving"
    assert a.label == "Underwater basket weaving"
    assert a.scheme == "service"


def test_two_concepts_in_one_text_do_not_match_one() -> None:
    assert notation("service", "health and social care") is None
    assert notation("service", "planning and legal") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "economic development, transport, skills",
            ["economic-development", "transport", "skills"],
        ),
        ("planning; legal", ["planning", "legal"]),
        ("HR / payroll", ["hr", "payroll"]),
        ("ICT & procurement", ["ict", "procurement"]),
        ("health and social care", ["health", "social-care"]),
        ("waste and recycling", ["waste"]),
        ("fire and rescue", ["fire-and-rescue"]),
        ("Planning (inc. building control)", ["planning", "building-control"]),
        ("planning, legal and waste", ["planning", "legal", "waste"]),
        ("refuse, recycling, waste", ["waste"]),
        ("planning, zoo keeping", ["planning", "?zoo-keeping"]),
        ("", []),
    ],
)
def test_match_many(text: str, expected: list[str]) -> None:
    assert notations("service", text) == expected


def test_lookup_and_all_concepts() -> None:
    assert lookup("role", "lead").label == "Lead"
    with pytest.raises(KeyError):
        lookup("role", "boss")
    with pytest.raises(KeyError):
        match("nonsense", "x")
    with pytest.raises(ValueError):
        match("service", "   ")
    roles = all_concepts("role")
    assert [c.notation for c in roles] == ["lead", "partner"]
    assert all(c.known and c.scheme == "role" for c in roles)


@pytest.mark.parametrize(
    ("orgtype", "sector"),
    [
        ("local-authority", "council"),
        ("combined-authority", "council"),
        ("police-force", "police-fire"),
        ("fire-and-rescue", "police-fire"),
        ("health-board", "health"),
        ("nhs-trust", "health"),
        ("hsc-trust", "health"),
        ("university", "education"),
        ("company", "private"),
        ("third-sector", "third-sector"),
        ("unknown", "other"),
        ("something-a-source-minted", "other"),
    ],
)
def test_sector_of(orgtype: str, sector: str) -> None:
    assert sector_of(orgtype).notation == sector


def test_ontology_graph_is_parsed_once() -> None:
    g = concepts.ontology_graph()
    assert isinstance(g, Graph)
    assert g is concepts.ontology_graph()
    assert any(g.triples((KG.ServiceAreas, None, None)))


def test_import_does_not_parse_the_ontology() -> None:
    code = (
        "import kgraph.concepts as c; "
        "assert c.ontology_graph.cache_info().currsize == 0; "
        "assert c._schemes.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
