"""The benchmark generators: the same seed gives the same bytes, and the importers take every
generated record (no rejects; register bodies resolved to the register).

A small population (200 organisations, 150 partnerships) keeps this fast; the benchmark
scales draw on the same code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import generate, generate_news, generate_survey
from kgraph.hookspecs import ImportOptions
from kgraph.ingest import import_file
from kgraph.plugins import registry
from kgraph.resolve import Resolver
from kgraph.store import Store
from kgraph.vocab import org_iri

ORGS, PARTNERSHIPS, COUNT = 200, 150, 50


@pytest.fixture(scope="module")
def population() -> generate.Population:
    return generate.population(ORGS, PARTNERSHIPS, seed=3)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _news(folder: Path, pop: generate.Population, seed: int) -> list[Path]:
    return generate_news.write_issues(
        folder, generate_news.issues(pop, COUNT, seed), "news-T", seed
    )


def _survey(folder: Path, pop: generate.Population, seed: int) -> Path:
    return generate_survey.write_responses(folder, generate_survey.responses(pop, COUNT, seed), "T")


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path, population) -> None:
    assert generate.rows(ORGS, PARTNERSHIPS, 3) == generate.rows(ORGS, PARTNERSHIPS, 3)
    assert generate.rows(ORGS, PARTNERSHIPS, 3) != generate.rows(ORGS, PARTNERSHIPS, 4)
    again = generate.population(ORGS, PARTNERSHIPS, seed=3)
    for name, write in (("news", _news), ("survey", _survey)):
        first, second, other = (tmp_path / f"{name}-{x}" for x in "abc")
        write(first, population, 0)
        write(second, again, 0)
        write(other, population, 1)
        assert _bytes(first) == _bytes(second), name
        assert _bytes(first) != _bytes(other), name


def test_compendium_rows_are_those_of_the_population(population) -> None:
    rows = generate.rows(ORGS, PARTNERSHIPS, 3)
    assert rows[0] == generate.HEADER
    assert [tuple(r) for r in rows[1:]] == [p.row for p in population.partnerships]
    for p in population.partnerships:
        assert p.row[1] == population.bodies[p.members[0]].name
        assert 2 <= len(p.members) <= 8


def test_news_importer_takes_every_item(tmp_path: Path, population) -> None:
    files = _news(tmp_path / "news", population, 0)
    issues = generate_news.issues(population, COUNT, 0)
    items = [i for issue in issues for i in issue.items]
    statements = [s for issue in issues for s in issue.statements if s[1]]
    assert len(items) == COUNT
    assert any(i.kind is None for i in items) and len({i.kind for i in items}) >= 4
    news = registry().get("news")
    store = Store.memory()
    store.ensure_ontology()
    records = 0
    for path in files:
        assert registry().choose(path) is news, path
        report = import_file(store, path, news, ImportOptions())
        assert report.rejects == [], report.rejects[:3]
        records += report.records
    # one event per item, and one per commentary sentence naming two bodies working together
    assert records == len(items) + len(statements)

    involved: dict[str, set[str]] = {}
    for row in store.select(
        "SELECT ?t ?o WHERE { ?e a kg:NewsItem ; dcterms:title ?t . "
        "OPTIONAL { ?e kg:involves ?o } }"
    ):
        involved.setdefault(str(row["t"]), set()).update([str(row["o"])] if "o" in row else [])
    assert len(involved) >= len({" ".join(i.headline.split()) for i in items})
    resolver = Resolver.default()
    checked = 0
    for item in items:
        got = involved[" ".join(item.headline.split())]
        for body in item.bodies:
            if body.in_register:
                assert str(org_iri(resolver.by_code(body.code).id)) in got, (item, got)
                checked += 1
        if not item.bodies:
            assert not got, item
    assert checked >= COUNT // 2


def test_survey_importer_takes_every_response(tmp_path: Path, population) -> None:
    path = _survey(tmp_path / "survey", population, 0)
    assert path.with_suffix(".toml").is_file()
    rows = generate_survey.responses(population, COUNT, 0)
    assert len(rows) == COUNT
    assert len({r.body for r in rows}) == COUNT  # one row per respondent
    answers = sum(1 for r in rows for cell in r.row[4:] if cell)
    survey = registry().get("survey")
    assert registry().choose(path) is survey
    store = Store.memory()
    store.ensure_ontology()
    report = import_file(store, path, survey, ImportOptions())
    assert report.rejects == [], report.rejects[:3]
    assert report.records == answers
    respondent = {
        str(r["id"]): str(r["o"])
        for r in store.select("SELECT ?id ?o WHERE { ?x kg:respondentId ?id ; kg:respondent ?o }")
    }
    resolver = Resolver.default()
    register = 0
    for r in rows:
        body = population.bodies[r.body]
        if body.in_register:
            assert respondent[r.row[0]] == str(org_iri(resolver.by_code(body.code).id)), body
            register += 1
        else:
            assert "/org/name/" in respondent[r.row[0]], (body, respondent[r.row[0]])
    assert 0 < register < COUNT


def test_news_finds_a_name_ending_in_an_apostrophe() -> None:
    from kgraph.news.orgs import OrgFinder

    found = OrgFinder().find(
        "Kent County Council and Guy's And St Thomas' NHS Foundation Trust agree merger talks"
    )
    assert {m.org.name for m in found} == {
        "Kent County Council",
        "Guy's And St Thomas' NHS Foundation Trust",
    }
