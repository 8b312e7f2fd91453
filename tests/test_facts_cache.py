"""The facts analytics read are kept beside the store and never outlive a change to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph.analytics import facts_cache
from kgraph.analytics.facts import load, read_store
from kgraph.store import Store
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def imported(kg, store_dir: Path) -> Path:
    for name in ("compendium.csv", "statutory_partnerships.csv"):
        assert kg("import", str(SAMPLE / name)).exit_code == 0
    return store_dir


def test_cached_facts_equal_the_store_s(imported: Path) -> None:
    with Store.open(imported) as store:
        fresh = read_store(store, outcomes=True)
        first = load(store, outcomes=True)  # read and kept
        kept = load(store, outcomes=True)  # from the cache
    assert list((imported / "cache").glob("facts-*.json"))
    assert first == fresh and kept == fresh
    assert kept.memberships == fresh.memberships  # same order too


def test_any_change_to_the_store_is_seen(kg, imported: Path, tmp_path: Path) -> None:
    def partnerships() -> int:
        with Store.open(imported) as store:
            return len(load(store).partnerships)

    before = partnerships()
    extra = tmp_path / "extra.csv"
    extra.write_text("Title,Lead,Partners\nShared legal,Cardiff,Newport\n", encoding="utf-8")
    assert kg("import", str(extra)).exit_code == 0
    assert partnerships() == before + 1
    extra.write_text(
        "Title,Lead,Partners\nShared legal,Cardiff,Newport\nShared HR,Swansea,Powys\n",
        encoding="utf-8",
    )
    assert kg("import", str(extra)).exit_code == 0  # the same source, edited
    assert partnerships() == before + 2
    assert kg("remove", "extra.csv").exit_code == 0
    assert partnerships() == before


def test_a_damaged_cache_file_is_ignored(imported: Path) -> None:
    with Store.open(imported) as store:
        good = load(store)
    for path in (imported / "cache").glob("facts-*.json"):
        path.write_text('{"format": 1, "concepts": [[1]]}', encoding="utf-8")
    with Store.open(imported) as store:
        assert load(store) == good
    for path in (imported / "cache").glob("facts-*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # rewritten whole


def test_kgraph_no_cache_reads_the_store(imported: Path, monkeypatch) -> None:
    monkeypatch.setenv(facts_cache.ENV_NO_CACHE, "1")
    with Store.open(imported) as store:
        load(store)
    assert not (imported / "cache").exists()
