"""The real digests in ../shared/seeds against a hand-written gold list (facts only).

Skipped where ../shared is absent; the importer's own behaviour is tested on the
digest-shaped fixtures of tests/data/news (test_news.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph.hookspecs import ImportOptions
from kgraph.ingest import import_file
from kgraph.plugins import registry
from kgraph.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
GOLD = json.loads((ROOT / "tests" / "data" / "news" / "gold_seeds.json").read_text("utf-8"))
MIN_SCORE = 0.85

FACTS = """
SELECT ?e ?digestDate ?o WHERE {
  ?e a kg:CollaborationEvent ; dcterms:isPartOf/dcterms:date ?digestDate ; kg:involves ?o .
}
"""


def seed(pattern: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the shared seed digests are not on this machine")
    found = sorted(SEEDS.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} in {SEEDS}")
    return found[0]


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store.memory()
    s.ensure_ontology()
    news = registry().get("news")
    for pattern in sorted({d["file"] for d in GOLD["digests"]}):
        import_file(s, seed(pattern), news, ImportOptions())
    return s


def _id(iri: object) -> str:
    return str(iri).rsplit("/org/", 1)[-1]


def extracted(store: Store) -> tuple[set, set]:
    by_event: dict[str, tuple[str, set]] = {}
    for r in store.select(FACTS):
        date, orgs = by_event.setdefault(str(r["e"]), (str(r["digestDate"]), set()))
        orgs.add(_id(r["o"]))
    organisations = {(date, o) for date, orgs in by_event.values() for o in orgs}
    sets = {(date, frozenset(orgs)) for date, orgs in by_event.values() if len(orgs) >= 2}
    return organisations, sets


def gold() -> tuple[set, set]:
    organisations = {(d["date"], o) for d in GOLD["digests"] for o in d["organisations"]}
    sets = {(d["date"], frozenset(s)) for d in GOLD["digests"] for s in d["sets"]}
    return organisations, sets


def score(found: set, wanted: set) -> tuple[float, float]:
    hit = len(found & wanted)
    return (hit / len(found) if found else 1.0), (hit / len(wanted) if wanted else 1.0)


def test_precision_and_recall_against_the_gold_list(store: Store) -> None:
    got_orgs, got_sets = extracted(store)
    want_orgs, want_sets = gold()
    p_org, r_org = score(got_orgs, want_orgs)
    p_set, r_set = score(got_sets, want_sets)
    report = (
        f"organisations: precision {p_org:.2f} recall {r_org:.2f} "
        f"(extra {sorted(got_orgs - want_orgs)}, missed {sorted(want_orgs - got_orgs)}); "
        f"collaborating sets: precision {p_set:.2f} recall {r_set:.2f} "
        f"(extra {sorted(map(sorted, (s for _, s in got_sets - want_sets)))}, "
        f"missed {sorted(map(sorted, (s for _, s in want_sets - got_sets)))})"
    )
    print(report)
    assert min(p_org, r_org, p_set, r_set) >= MIN_SCORE, report


def test_items_are_split_with_their_digest_dates(store: Store) -> None:
    rows = store.select(
        "SELECT ?t ?d WHERE { ?e a kg:NewsItem ; dcterms:title ?t ; dcterms:date ?d }"
    )
    got = {(str(r["d"]), str(r["t"])) for r in rows}
    for d in GOLD["digests"]:
        mine = sorted(t for date, t in got if date == d["date"])
        assert len(mine) == len(d["items"]), (d["date"], mine)
        for start in d["items"]:
            assert any(t.startswith(start) for t in mine), (start, mine)


def test_amounts_of_items(store: Store) -> None:
    rows = store.select(
        "SELECT ?dd ?a ?per ?k WHERE { ?e a kg:NewsItem ; dcterms:isPartOf/dcterms:date ?dd ; "
        "kg:hasOutcome ?o . ?o kg:amountGBP ?a ; kg:outcomeKind/skos:notation ?k . "
        "OPTIONAL { ?o kg:amountPer ?per } }"
    )
    got = {(str(r["dd"]), int(float(r["a"])), str(r.get("per", "")), str(r["k"])) for r in rows}
    for d in GOLD["digests"]:
        for a in d["amounts"]:
            if a.get("item"):
                assert (d["date"], a["gbp"], a.get("per", ""), a["kind"]) in got


def test_partner_change_is_a_dated_fact(store: Store) -> None:
    change = GOLD["digests"][0]["partner_change"]
    rows = store.select(
        "SELECT ?e ?d ?former WHERE { ?e kg:collaborationKind ?k ; dcterms:date ?d ; "
        "kg:involves ?a, ?b ; kg:formerPartner ?former . "
        "FILTER(STRENDS(STR(?k), '/partnership-ended')) }"
    )
    assert any(_id(r["former"]) == change["former"] and str(r["d"]) == "2015-01-28" for r in rows)
    begins = store.select(
        "SELECT ?p WHERE { ?p org:hasMember ?a, ?b ; org:hasMembership/org:memberDuring/"
        "time:hasBeginning/time:inXSDDate '2015-01-28'^^xsd:date }",
        a=_org(change["changer"]),
        b=_org(change["new"]),
    )
    ends = store.select(
        "SELECT ?p WHERE { ?p org:hasMember ?a, ?b ; org:hasMembership/org:memberDuring/"
        "time:hasEnd/time:inXSDDate '2015-01-28'^^xsd:date }",
        a=_org(change["changer"]),
        b=_org(change["former"]),
    )
    assert begins and ends


def _org(org_id: str):
    from kgraph.vocab import org_iri

    return org_iri(org_id)
