"""kgraph.render: rows from the projection, one safe self-contained page, big-graph views."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kgraph.analytics.facts import Concept, Facts, Membership, Org, OutcomeFact, Partnership
from kgraph.analytics.selection import Filters, Period
from kgraph.render import MapOptions, build, render_html
from kgraph.render.data import DEFAULT_TOP, PHYSICS_LIMIT
from kgraph.render.page import inert_json

LA = Concept("https://w3id.org/kgraph/scheme/orgtype/local-authority", "la", "Local authority")
POLICE = Concept("https://w3id.org/kgraph/scheme/orgtype/police", "police", "Police force")
WASTE = Concept("https://w3id.org/kgraph/scheme/service/waste", "waste", "Waste")
ICT = Concept("https://w3id.org/kgraph/scheme/service/ict", "ict", "ICT")
WALES = Concept("https://w3id.org/kgraph/scheme/region/wales", "wales", "Wales")
EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(1)>"


def org(i: int, label: str | None = None, kind: Concept = LA) -> Org:
    return Org(f"https://w3id.org/kgraph/id/org/x/{i}", label or f"Org {i:04d}", kind, region=WALES)


def small() -> Facts:
    orgs = [org(1, "Cardiff Council"), org(2, EVIL), org(3, "Newport", POLICE), org(4, "Alone")]
    p1 = Partnership(
        "urn:p1", "Gwyrdd & co", (WASTE,), WALES, (OutcomeFact("saving", 1e6, "year"),)
    )
    p2 = Partnership("urn:p2", EVIL, (ICT,))
    members = [
        Membership("urn:p1", orgs[0].iri, 2005, None),
        Membership("urn:p1", orgs[1].iri, 2005, 2010),
        Membership("urn:p2", orgs[1].iri, 2012, 2015),
        Membership("urn:p2", orgs[2].iri, 2012, 2015),
    ]
    return Facts.build(orgs, [p1, p2], members)


def chain(n: int) -> Facts:
    """n organisations, partnership i joining i and i+1 (and every 10th a hub with 0)."""
    orgs = [org(i) for i in range(n)]
    parts, members = [], []
    for i in range(n - 1):
        p = f"urn:p{i}"
        parts.append(Partnership(p, f"P {i}", (WASTE if i % 2 else ICT,)))
        members += [Membership(p, orgs[i].iri), Membership(p, orgs[i + 1].iri)]
        if i % 10 == 0 and i:
            members.append(Membership(p, orgs[0].iri))
    return Facts.build(orgs, parts, members)


def page_data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


def test_rows_carry_sizes_colours_and_plain_text_tooltips() -> None:
    data = build(small(), MapOptions(), {"urn:p1": ["compendium.csv row 2 (WAL-01)"]})
    labels = [n["label"] for n in data.nodes]
    assert labels == sorted(labels)
    assert "Alone" not in labels  # no partnership in the selection
    cardiff = next(n for n in data.nodes if n["label"] == "Cardiff Council")
    assert "codes: x/1" in cardiff["tip"]
    assert "Gwyrdd & co" in cardiff["tip"]
    assert "saving £1,000,000 per year" in cardiff["tip"]
    assert "compendium.csv row 2 (WAL-01)" in cardiff["tip"]
    evil = next(n for n in data.nodes if n["label"] == EVIL)
    assert evil["size"] > cardiff["size"]  # two partners against one
    assert {e["label"] for e in data.legend} == {"Local authority", "Police force"}
    assert {e["label"] for e in data.edge_legend} == {"Waste", "ICT"}
    assert [p["name"] for p in data.partnerships] == sorted([EVIL, "Gwyrdd & co"])
    assert data.physics
    p1 = next(p for p in data.partnerships if p["name"] == "Gwyrdd & co")
    assert (p1["start"], p1["end"]) == (2005, None)


def test_colour_by_and_period() -> None:
    facts = small()
    by_service = build(facts, MapOptions(colour_by="service"))
    assert {e["label"] for e in by_service.legend} <= {"Waste", "ICT"}
    by_community = build(facts, MapOptions(colour_by="community"))
    assert all(e["label"].startswith("community") for e in by_community.legend)
    early = build(facts, MapOptions(filters=Filters(period=Period(2005, 2008))))
    assert sorted(n["label"] for n in early.nodes) == sorted(["Cardiff Council", EVIL])
    with pytest.raises(ValueError):
        build(facts, MapOptions(size_by="nonsense"))


def test_page_is_self_contained_and_source_text_is_inert() -> None:
    page = render_html(build(small(), MapOptions(title=EVIL)))
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert page.count("</script>") == 3  # the data block, vis-network, the page's own
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    assert "vis.Network" in page and "bootstrap" not in page.lower()
    data = page_data(page)
    assert data["title"] == EVIL
    assert EVIL in [n["label"] for n in data["nodes"]]
    assert "<title>&lt;/script&gt;" in page
    assert "innerHTML" not in page.split('id="kg-data"')[1].split("<script>")[-1]


def test_inert_json_has_no_markup_characters() -> None:
    text = inert_json({"a": "</script>&<!--\u2028"})
    assert not set("<>&") & set(text)
    assert json.loads(text) == {"a": "</script>&<!--\u2028"}


def test_same_data_same_page() -> None:
    facts = chain(PHYSICS_LIMIT + 50)
    first = render_html(build(facts, MapOptions()))
    assert first == render_html(build(facts, MapOptions()))
    assert first != render_html(build(facts, MapOptions(seed=8)))


def test_big_network_default_top_view_with_layout_and_note() -> None:
    facts = chain(DEFAULT_TOP + 100)
    data = build(facts, MapOptions())
    assert len(data.nodes) == DEFAULT_TOP
    assert data.total_nodes == DEFAULT_TOP + 100
    assert not data.physics
    assert all("x" in n and "y" in n for n in data.nodes)
    assert data.notes and f"top {DEFAULT_TOP:,} of {DEFAULT_TOP + 100:,}" in data.notes[0]
    assert "--top 0" in data.notes[0]
    assert "Org 0000" in [n["label"] for n in data.nodes]  # the hub is the most central
    everything = build(facts, MapOptions(top=0))
    assert len(everything.nodes) == DEFAULT_TOP + 100 and not everything.notes


def test_ego_view() -> None:
    facts = chain(50)
    centre = org(25).iri
    data = build(facts, MapOptions(org=centre, hops=2))
    assert sorted(n["label"] for n in data.nodes) == [f"Org {i:04d}" for i in range(23, 28)]
    assert "within 2 hop(s)" in data.notes[0]
    with pytest.raises(ValueError):
        build(facts, MapOptions(org="urn:nobody"))


def test_render_command(kg, tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "compendium.csv"
    assert kg("import", str(sample)).exit_code == 0
    out = tmp_path / "map.html"
    result = kg("render", str(out), "--colour-by", "region", "--size-by", "pagerank")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"map written to {out}: ")
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["colourBy"] == "region" and data["sizeBy"] == "pagerank"
    ego = kg("render", str(tmp_path / "e.html"), "--org", "Cardiff Council", "--hops", "1")
    assert ego.exit_code == 0, ego.output
    assert "partners within 1 hop(s)" in ego.output
    assert kg("render", str(out), "--hops", "2").exit_code == 2
    unknown = kg("render", str(out), "--org", "No Such Council Anywhere")
    assert unknown.exit_code == 1
    assert kg("render", str(out), "--period", "2015-2010").exit_code == 2


def test_render_takes_the_analytics_filters(kg, tmp_path: Path) -> None:
    """--region and --service narrow the map as they narrow `kgraph central`."""
    sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "compendium.csv"
    assert kg("import", str(sample)).exit_code == 0
    everything = page_data(_render(kg, tmp_path / "all.html"))
    wales = page_data(_render(kg, tmp_path / "wales.html", "--region", "wales"))
    waste = page_data(_render(kg, tmp_path / "waste.html", "--service", "waste"))
    central = json.loads(kg("central", "--top", "1000", "--region", "wales", "--json").stdout)
    assert {n["label"] for n in wales["nodes"]} == {r["organisation"] for r in central}
    assert 0 < len(wales["nodes"]) < len(everything["nodes"])
    assert 0 < len(waste["partnerships"]) < len(everything["partnerships"])
    assert kg("render", str(tmp_path / "x.html"), "--region", "atlantis").exit_code == 2


def _render(kg, out: Path, *args: str) -> str:
    result = kg("render", str(out), *args)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_render_an_empty_store_says_so(kg, store_dir: Path, tmp_path: Path) -> None:
    from kgraph.store import Store

    with Store.open(store_dir, write=True, create=True) as store:
        store.ensure_ontology()
    empty = kg("render", str(tmp_path / "empty.html"))
    assert empty.exit_code == 0, empty.output
    assert "no partnerships match: the store has none" in empty.output


def test_commands_have_help_with_examples_and_are_in_the_readme() -> None:
    from click.testing import CliRunner

    from kgraph.cli import cli

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in ("render", "export"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output
        assert f"kgraph {command}" in readme
