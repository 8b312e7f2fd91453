"""The news importer: digests, articles and feeds -> events, organisations, money, review."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kgraph.errors import BadInput
from kgraph.hookspecs import ImportOptions
from kgraph.ingest import import_file
from kgraph.plugins import registry
from kgraph.store import Store

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "news"
SAMPLE = ROOT / "data" / "sample"

EVENTS = """
SELECT ?e ?title ?kind ?date ?conf ?review ?sentence ?digestDate WHERE {
  ?e dcterms:title ?title ; kg:confidence ?conf ; prov:wasDerivedFrom/kg:sentence ?sentence .
  OPTIONAL { ?e kg:collaborationKind/skos:notation ?kind }
  OPTIONAL { ?e dcterms:date ?date }
  OPTIONAL { ?e kg:needsReview ?review }
  OPTIONAL { ?e dcterms:isPartOf/dcterms:date ?digestDate }
}
"""


def importer():
    return registry().get("news")


def load(*paths: Path) -> Store:
    store = Store.memory()
    store.ensure_ontology()
    for path in paths:
        import_file(store, path, importer(), ImportOptions())
    return store


def events(store: Store) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in store.select(EVENTS):
        row = out.setdefault(str(r["title"]), {k: str(v) for k, v in r.items()})
        row["iri"] = r["e"]
    for row in out.values():
        row["orgs"] = {
            str(x["o"]).rsplit("/org/", 1)[-1]
            for x in store.select("SELECT ?o WHERE { ?e kg:involves ?o }", e=row["iri"])
        }
        row["money"] = {
            (int(float(x["a"])), str(x.get("per", "")), str(x["k"]))
            for x in store.select(
                "SELECT ?a ?per ?k WHERE { ?e kg:hasOutcome ?o . ?o kg:amountGBP ?a ; "
                "kg:outcomeKind/skos:notation ?k . OPTIONAL { ?o kg:amountPer ?per } }",
                e=row["iri"],
            )
        }
        row["services"] = {
            str(x["s"])
            for x in store.select(
                "SELECT ?s WHERE { ?e kg:serviceArea/skos:notation ?s }", e=row["iri"]
            )
        }
    return out


def items(store: Store) -> list[str]:
    return [
        str(r["t"]) for r in store.select("SELECT ?t WHERE { ?e a kg:NewsItem ; dcterms:title ?t }")
    ]


def find(evs: dict[str, dict], start: str) -> dict:
    hits = [v for k, v in evs.items() if k.startswith(start)]
    assert len(hits) == 1, f"{start!r}: {list(evs)}"
    return hits[0]


# -- detection -------------------------------------------------------------------------------


def test_detect_scores_news_and_leaves_tables_alone() -> None:
    detect = importer().detect
    assert detect(DATA / "weekly_digest.txt") >= 60
    assert detect(DATA / "digest.html") >= 60
    for feed in ("feed.rss", "feed.atom", "feed_bomb.xml"):
        assert detect(DATA / feed) >= 80
    assert detect(DATA / "table_like.txt") == 0
    for csv_file in SAMPLE.glob("*.csv"):
        assert detect(csv_file) == 0
    assert detect(DATA / "missing.txt") == 0
    reg = registry()
    assert reg.choose(DATA / "weekly_digest.txt").name == "news"
    assert reg.choose(DATA / "feed.rss").name == "news"
    assert reg.choose(SAMPLE / "compendium.csv").name == "compendium"


# -- collaboration kinds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "headline",
    [
        "COUNCILS TO SHARE A CHIEF EXECUTIVE",
        "Town council sets up a LATC for its leisure centres",
        "İstanbul visit: Kent and Medway councils to share legal services",  # İ grows
        "Councils quıt the partnership",  # a dotless i, which IGNORECASE folds to "i"
        "ſhared ſervices for Dorset",  # a long s, which IGNORECASE folds to "s"
        "Hull £3m deal: councils jointly procure waste contracts",
        "No collaboration named here at all",
    ],
)
def test_the_kind_a_headline_names_does_not_depend_on_its_case(headline: str) -> None:
    from kgraph.news import extract

    for text in (headline, headline.lower(), headline.swapcase()):
        as_written = extract._strongest_cue(text, extract._cues_ignorecase())
        assert extract.kind_of(text) == as_written, text


# -- digests ---------------------------------------------------------------------------------


def test_digest_items_split_with_their_own_dates() -> None:
    store = load(DATA / "weekly_digest.txt")
    titles = items(store)
    assert len(titles) == 7
    evs = events(store)
    assert find(evs, "Neath Port Talbot")["date"] == "2020-03-09"
    assert find(evs, "Pension pool")["date"] == "2020-03-02"
    for text in ("I spoke to", "Local councils and the police", "Receive this", "What a week"):
        assert not any(t.startswith(text) for t in evs), text  # commentary, boilerplate


def test_digest_facts() -> None:
    evs = events(load(DATA / "weekly_digest.txt"))
    swansea = find(evs, "Neath Port Talbot and Swansea")
    assert swansea["kind"] == "merger-talks" and swansea["orgs"] == {"la/NTL", "la/SWA"}
    legal = find(evs, "Three councils to share legal")
    assert legal["kind"] == "shared-service" and legal["services"] == {"legal"}
    assert "la/ESS" in legal["orgs"] and len(legal["orgs"]) == 3
    payroll = find(evs, "County council brings payroll")
    assert payroll["kind"] == "in-sourcing" and payroll["services"] == {"payroll"}
    assert payroll["orgs"] == {"la/WIL", "name/capita"}
    waste = find(evs, "£3.5m a year saved")
    assert waste["kind"] == "joint-procurement"
    assert (3_500_000, "year", "saving") in waste["money"]
    control = find(evs, "Police and fire control rooms")
    assert (500_000, "", "saving") in control["money"]
    assert {o.split("/")[0] for o in control["orgs"]} == {"police", "fire"}
    assert (1_100_000_000, "", "assets-pooled") in find(evs, "Pension pool")["money"]
    ended = find(evs, "Council ends shared HR")
    assert ended["kind"] == "partnership-ended" and ended["services"] == {"hr"}


def test_generic_mentions_never_become_organisations() -> None:
    store = load(DATA / "weekly_digest.txt")
    labels = {
        str(r["l"]).lower()
        for r in store.select("SELECT ?l WHERE { ?o a org:Organization ; rdfs:label ?l }")
    }
    for generic in ("local councils", "the police", "police", "fire authorities", "councils"):
        assert generic not in labels
    assert not any(label.startswith(("leader", "three")) for label in labels)


def test_partnership_from_event_starts_at_event_date() -> None:
    store = load(DATA / "weekly_digest.txt")
    rows = store.select(
        "SELECT ?p ?y ?d WHERE { ?e kg:concerns ?p ; dcterms:title ?t . "
        "?p org:hasMembership/org:memberDuring/time:hasBeginning ?i . "
        "?i time:inXSDgYear ?y . OPTIONAL { ?i time:inXSDDate ?d } "
        "FILTER(STRSTARTS(?t, 'Neath Port Talbot')) }"
    )
    assert rows and {str(r["d"]) for r in rows} == {"2020-03-09"}
    ended = store.select(
        "SELECT ?d WHERE { ?e kg:concerns ?p ; dcterms:title ?t . "
        "?p org:hasMembership/org:memberDuring/time:hasEnd/time:inXSDDate ?d "
        "FILTER(STRSTARTS(?t, 'County council brings payroll')) }"
    )
    assert {str(r["d"]) for r in ended} == {"2020-03-09"}


def test_html_digest_markup_and_script_are_plain_text() -> None:
    store = load(DATA / "digest.html")
    evs = events(store)
    powys = find(evs, "Powys and Ceredigion")
    assert powys["title"] == "Powys and Ceredigion to share highways team"
    assert powys["orgs"] == {"la/POW", "la/CGN"} and powys["services"] == {"highways"}
    assert (400_000, "year", "saving") in powys["money"]
    custody = find(evs, "Gwent Police and South Wales Police")
    assert (
        custody["kind"] == "outsourcing" and (89_400_000, "", "contract-value") in custody["money"]
    )
    every = " ".join(
        str(r["v"]) for r in store.select("SELECT ?v WHERE { ?s ?p ?v FILTER(isLiteral(?v)) }")
    )
    assert "<" not in every and "alert" not in every and "tracker" not in every
    urls = store.select("SELECT ?u WHERE { ?e dcterms:source ?u }")
    assert {str(r["u"]) for r in urls} == {
        "https://example.org/powys-ceredigion",
        "https://example.org/custody",
    }


def test_single_article() -> None:
    evs = events(load(DATA / "article.txt"))
    [(title, ev)] = [(t, e) for t, e in evs.items() if t.startswith("Cardiff and Vale")]
    assert ev["date"] == "2019-05-14" and ev["orgs"] == {"la/CRF", "la/VGL"}
    assert (600_000, "year", "saving") in ev["money"]


# -- feeds -----------------------------------------------------------------------------------


def test_rss_and_atom_feeds() -> None:
    evs = events(load(DATA / "feed.rss", DATA / "feed.atom"))
    conwy = find(evs, "Conwy and Denbighshire")
    assert conwy["date"] == "2020-03-02" and conwy["orgs"] == {"la/CWY", "la/DEN"}
    kent = find(evs, "Kent County Council outsources IT")  # the script tag was dropped
    assert kent["orgs"] == {"la/KEN", "name/serco"} and kent["kind"] == "outsourcing"
    bristol = find(evs, "University of Bristol and Bristol City Council")
    assert "name/university-of-bristol" in bristol["orgs"] and bristol["date"] == "2021-05-30"


def test_partly_broken_feed_warns_per_entry_and_imports_the_rest() -> None:
    store = Store.memory()
    report = import_file(store, DATA / "feed_partly_broken.rss", importer(), ImportOptions())
    assert report.records == 1
    reasons = sorted(str(r) for r in report.rejects)
    assert len(reasons) == 2
    assert "no title and no text" in reasons[0] or "no title and no text" in reasons[1]
    assert any("unrecognised date 'sometime last spring'" in r for r in reasons)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("feed_unparseable.xml", "not a readable RSS or Atom feed"),
        ("feed_bomb.xml", "refused: the feed declares XML entities"),
        ("feed_xxe.xml", "refused: the feed declares XML entities"),
    ],
)
def test_bad_feeds_are_refused_and_nothing_is_imported(name: str, message: str) -> None:
    store = Store.memory()
    started = time.monotonic()
    with pytest.raises(BadInput, match=message) as err:
        import_file(store, DATA / name, importer(), ImportOptions())
    assert time.monotonic() - started < 5  # refused, never expanded
    assert "\n" not in str(err.value)
    assert store.count() == 0


def test_bad_feed_is_one_line_on_the_command_line(kg) -> None:
    result = kg("import", str(DATA / "feed_bomb.xml"))
    assert result.exit_code == 1
    assert "refused" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


# -- store behaviour -------------------------------------------------------------------------


def test_reimport_is_idempotent(tmp_path: Path) -> None:
    store = Store.memory()
    first = import_file(store, DATA / "weekly_digest.txt", importer(), ImportOptions())
    before = {tuple(map(str, q)) for q in store.graph_quads(first.source)}
    again = import_file(store, DATA / "weekly_digest.txt", importer(), ImportOptions())
    assert again.unchanged
    forced = import_file(store, DATA / "weekly_digest.txt", importer(), ImportOptions(), force=True)
    after = {tuple(map(str, q)) for q in store.graph_quads(forced.source)}
    prov = ("startedAtTime", "endedAtTime")
    assert {q for q in before if not any(p in q[1] for p in prov)} == {
        q for q in after if not any(p in q[1] for p in prov)
    }


def test_review_lists_decides_and_survives_reimport(kg, tmp_path: Path) -> None:
    digest = tmp_path / "digest.txt"
    digest.write_text((DATA / "weekly_digest.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert kg("import", str(digest)).exit_code == 0
    listed = kg("news", "review", "--json")
    assert listed.exit_code == 0, listed.output
    pending = json.loads(listed.output)
    assert pending and all(r["status"] == "pending" for r in pending)
    target = next(r for r in pending if r["title"].startswith("Pension pool"))
    result = kg("news", "review", "--reject", target["id"][:8], "--note", "not a partnership")
    assert result.exit_code == 0 and "rejected" in result.output
    ids = {r["id"] for r in json.loads(kg("news", "review", "--json").output)}
    assert target["id"] not in ids
    digest.write_text(digest.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert kg("import", str(digest)).exit_code == 0  # changed file: re-imported
    everything = json.loads(kg("news", "review", "--all", "--json").output)
    assert {r["id"]: r["status"] for r in everything}[target["id"]] == "rejected"
    assert kg("news", "review", "--confirm", "nope").exit_code == 1


def test_events_of_an_organisation_show_sentence_and_digest_date(kg) -> None:
    assert kg("import", str(DATA / "weekly_digest.txt")).exit_code == 0
    result = kg("news", "events", "Swansea", "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["kind"] == "merger-talks" and row["digest_date"] == "2020-03-09"
    assert "voluntary merger" in row["sentence"]
    shown = kg("orgs", "show", "Swansea")
    assert shown.exit_code == 0 and "Neath Port Talbot and Swansea" in shown.output
    assert kg("news", "--help").exit_code == 0
    assert kg("news", "review", "--help").exit_code == 0
