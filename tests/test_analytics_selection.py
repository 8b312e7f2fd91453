"""Filters, projection, centrality rows, brokers and communities on hand-built facts."""

from __future__ import annotations

import pytest

from kgraph.analytics.centrality import brokers, compute, ranked
from kgraph.analytics.communities import communities
from kgraph.analytics.facts import Concept, Facts, Membership, Org, Partnership, SourceInfo
from kgraph.analytics.projection import bipartite_graph, organisation_graph
from kgraph.analytics.selection import Filters, Period, parse_period, select
from kgraph.errors import UsageProblem

S = "https://w3id.org/kgraph/scheme/"
WALES = Concept(S + "region/wales", "wales", "Wales")
SE_WALES = Concept(S + "region/south-east-wales", "south-east-wales", "South East Wales")
LONDON = Concept(S + "region/london", "london", "London")
WASTE = Concept(S + "service/waste", "waste", "Waste and recycling")
EDUCATION = Concept(S + "service/education", "education", "Education")
COUNCIL = Concept(S + "sector/council", "council", "Councils")
HEALTH = Concept(S + "sector/health", "health", "Health")
LA = Concept(S + "orgtype/local-authority", "local-authority", "Local authority")
NHS = Concept(S + "orgtype/nhs-trust", "nhs-trust", "NHS trust")
CONCEPTS = [
    (WALES, "region"),
    (SE_WALES, "region"),
    (LONDON, "region"),
    (WASTE, "service"),
    (EDUCATION, "service"),
    (COUNCIL, "sector"),
    (HEALTH, "sector"),
    (LA, "orgtype"),
    (NHS, "orgtype"),
]


def council(name: str, region: Concept | None = WALES) -> Org:
    return Org(name, name, LA, COUNCIL, region)


def facts() -> Facts:
    """Two Welsh waste partners A-B-C, a London education trio D-E-F, a bridge C-D (health)."""
    orgs = [council(x) for x in "ABC"] + [council(x, LONDON) for x in "DEF"]
    orgs.append(Org("H", "H", NHS, HEALTH, None))
    parts = [
        Partnership("waste", "Waste Wales", (WASTE,), SE_WALES),
        Partnership("school", "London Schools", (EDUCATION,), LONDON),
        Partnership("bridge", "Bridge", (EDUCATION,), None),
        Partnership("pair", "A and B", (WASTE,), None),
    ]
    members = [
        Membership("waste", "A", 2010, 2014, frozenset({"g1"})),
        Membership("waste", "B", 2010, 2014, frozenset({"g1"})),
        Membership("waste", "C", 2012, None, frozenset({"g1"})),
        Membership("pair", "A", None, None, frozenset({"g1"})),
        Membership("pair", "B", None, None, frozenset({"g1"})),
        Membership("school", "D", 2015, None, frozenset({"g2"})),
        Membership("school", "E", 2015, None, frozenset({"g2"})),
        Membership("school", "F", 2015, None, frozenset({"g2"})),
        Membership("bridge", "C", 2016, 2018, frozenset({"g2"})),
        Membership("bridge", "D", 2016, 2018, frozenset({"g2"})),
        Membership("bridge", "H", 2016, 2018, frozenset({"g2"})),
    ]
    sources = [SourceInfo("g1", "wales.csv", "/x/wales.csv"), SourceInfo("g2", "London.CSV")]
    broader = {SE_WALES.iri: {WALES.iri}}
    return Facts.build(orgs, parts, members, CONCEPTS, broader, sources)


def members(filters: Filters) -> dict[str, set[str]]:
    return select(facts(), filters).members


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-2014", Period(2010, 2014)),
        ("2012", Period(2012, 2012)),
        (" 2010 – 2011 ", (2010, 2011)),
    ],
)
def test_period_parses(text: str, expected: object) -> None:
    period = parse_period(text)
    if isinstance(expected, Period):
        expected = (expected.start, expected.end)
    assert (period.start, period.end) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2015-2010", "2015-2010: the first year is after the last"),
        ("last year", "expected YEAR-YEAR such as 2010-2014, got 'last year'"),
        ("", "expected YEAR-YEAR"),
    ],
)
def test_bad_periods_are_usage_problems(text: str, message: str) -> None:
    with pytest.raises(UsageProblem, match=message):
        parse_period(text)


def test_period_overlap_with_open_ends() -> None:
    period = Period(2010, 2014)
    assert period.overlaps(2014, None) and period.overlaps(None, 2010)
    assert period.overlaps(None, None) and period.overlaps(2000, 2030)
    assert not period.overlaps(2015, None) and not period.overlaps(None, 2009)


def test_period_keeps_memberships_active_in_it() -> None:
    found = members(Filters(period=Period(2015, 2015)))
    assert found == {"pair": {"A", "B"}, "waste": {"C"}, "school": {"D", "E", "F"}}
    assert members(Filters(period=Period(2011, 2011)))["waste"] == {"A", "B"}


def test_region_includes_narrower_regions_and_members_regions() -> None:
    # "waste" is in South East Wales (inside Wales); "pair" has no region but Welsh members;
    # "bridge" has no region and one Welsh member (C)
    assert set(members(Filters(regions=("Wales",)))) == {"waste", "pair", "bridge"}
    assert set(members(Filters(regions=("south east wales",)))) == {"waste"}
    assert set(members(Filters(regions=("LONDON",)))) == {"school", "bridge"}


def test_service_org_type_and_source_filters() -> None:
    assert set(members(Filters(services=("waste",)))) == {"waste", "pair"}
    assert members(Filters(org_types=("health",))) == {"bridge": {"H"}}
    assert members(Filters(org_types=("nhs trust", "local-authority")))["bridge"] == {"C", "D", "H"}
    assert set(members(Filters(sources=("london.csv",)))) == {"school", "bridge"}
    assert set(members(Filters(sources=("/x/wales.csv",)))) == {"waste", "pair"}
    both = Filters(services=("education",), period=Period(2019, 2020))
    assert members(both) == {"school": {"D", "E", "F"}}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters(regions=("Narnia",)), "--region: no region called 'Narnia' \\(known: london, "),
        (Filters(services=("x",)), "--service: no service called 'x'"),
        (Filters(org_types=("wizard",)), "--org-type: no organisation type or sector called"),
        (Filters(sources=("nope.csv",)), "--source: no source 'nope.csv' in the store"),
    ],
)
def test_unknown_filter_values_are_usage_problems(filters: Filters, message: str) -> None:
    with pytest.raises(UsageProblem, match=message):
        select(facts(), filters)


def test_empty_selection_says_which_filters() -> None:
    selection = select(facts(), Filters(period=Period(1990, 1995), services=("education",)))
    assert selection.members == {}
    assert (
        selection.empty_message() == "no partnerships match --period 1990-1995 --service education"
    )
    assert organisation_graph(selection).number_of_nodes() == 0


def test_organisation_graph_weights_and_attributes() -> None:
    graph = organisation_graph(select(facts(), Filters()))
    assert graph["A"]["B"]["weight"] == 2  # "waste" and "pair"
    assert graph["C"]["D"]["weight"] == 1
    assert not graph.has_edge("A", "D")
    assert graph.nodes["H"] == {
        "label": "H",
        "type": "nhs-trust",
        "type_label": "NHS trust",
        "sector": "health",
        "region": "",
        "region_label": "",
        "gss": "",
    }
    assert graph.number_of_edges() == 3 + 3 + 3  # waste trio, school trio, bridge trio


def test_bipartite_view() -> None:
    graph = bipartite_graph(select(facts(), Filters()))
    orgs = {v for v, d in graph.nodes(data=True) if d["bipartite"] == 0}
    assert orgs == set("ABCDEFH")
    assert set(graph["A"]) == {"waste", "pair"}
    assert graph.nodes["waste"]["services"] == ["waste"]
    assert graph.number_of_edges() == 11


def test_centrality_rows_rank_ties_together() -> None:
    graph = organisation_graph(select(facts(), Filters()))
    rows = ranked(graph, compute(graph, "degree"))
    by_name = {r["organisation"]: r for r in rows}
    # C and D have 4 partners each (the most); ties share rank 1, and 3 comes next
    assert by_name["C"]["rank"] == by_name["D"]["rank"] == 1
    assert by_name["C"]["score"] == pytest.approx(4 / 6)
    assert [r["rank"] for r in rows][:3] == [1, 1, 3]
    # C and D join the two trios; top 1 shows one of them and counts the other as tied
    top = ranked(graph, compute(graph, "betweenness"), top=1)
    assert len(top) == 1 and top[0]["organisation"] in {"C", "D"}
    assert top[0]["tied_beyond"] == 1
    weighted = {r["organisation"]: r["score"] for r in ranked(graph, compute(graph, "weighted"))}
    assert weighted == {"A": 3, "B": 3, "C": 4, "D": 4, "E": 2, "F": 2, "H": 2}


def test_brokers_by_participation_coefficient() -> None:
    graph = organisation_graph(select(facts(), Filters()))
    rows = brokers(graph, by="region")
    by_name = {r["organisation"]: r for r in rows}
    # C: partners A, B (Wales, 2 ties of weight 1) and D (London); H has no region: ignored
    assert by_name["C"]["participation"] == pytest.approx(1 - (2 / 3) ** 2 - (1 / 3) ** 2, 1e-3)
    assert by_name["C"]["bridging"] == 1 and by_name["C"]["groups"] == 2
    assert "A" not in by_name  # all of A's partners are Welsh
    # H (no region of its own) has one Welsh and one London partner: P = 0.5, the highest
    assert rows[0]["organisation"] == "H" and rows[0]["participation"] == 0.5
    sectors = {r["organisation"] for r in brokers(graph, by="sector")}
    assert sectors == {"C", "D"}  # only C and D have council and health partners


def test_communities_with_their_service_areas() -> None:
    selection = select(facts(), Filters(period=Period(2010, 2015)))
    found = communities(selection)
    assert [sorted(r["members"]) for r in found.rows] == [["A", "B", "C"], ["D", "E", "F"]]
    assert found.rows[0]["services"] == ["Waste and recycling (2)"]
    assert found.rows[1]["services"] == ["Education (1)"]
    assert found.rows[1]["regions"] == ["London (3)"]
    # ties: A-B (2), A-C, B-C, D-E, D-F, E-F; m = 7; Q = 4/7 - (8/14)^2 + 3/7 - (6/14)^2
    assert found.modularity == pytest.approx(24 / 49, abs=1e-6)
    assert found.alone == 0


def test_projection_hands_over_the_same_igraph_copy_engine_would_make() -> None:
    import networkx as nx

    from kgraph.analytics import engine

    graph = organisation_graph(select(facts(), Filters()))
    handed, nodes = engine.to_igraph(graph)  # from the cache: made by the projection
    fresh, fresh_nodes = engine.to_igraph(nx.Graph(graph))
    assert nodes == fresh_nodes
    assert handed.get_edgelist() == fresh.get_edgelist()
    assert handed.es["weight"] == fresh.es["weight"]
    assert engine.strength(graph) == dict(graph.degree(weight="weight"))
