"""Imports are all or nothing, idempotent, and removable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgraph import store as store_module
from kgraph.errors import BadInput
from kgraph.hookspecs import ImportOptions
from kgraph.ingest import import_file
from kgraph.plugins import registry
from kgraph.store import Store

COMPENDIUM = """\
Project Title,Lead Body,Partner Bodies,Service Area,Start,End,Efficiency Gain (GBP per year)
Prosiect Gwyrdd,Cardiff Council,"Caerphilly; Monmouthshire; Newport; Vale of Glamorgan",\
Waste,2005,,1000000
Shared legal service,Merton,"Richmond upon Thames; Kingston upon Thames; Sutton",Legal,2011,,
Cwm Taf safety,RCT,Merthyr Tydfil,Community safety,2010,2019,
"""


@pytest.fixture
def compendium(tmp_path: Path) -> Path:
    path = tmp_path / "compendium.csv"
    path.write_text(COMPENDIUM, encoding="utf-8")
    return path


def counts(store_dir: Path) -> tuple[int, int]:
    with Store.open(store_dir) as store:
        orgs = store.select("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }")
        return len(store.ox), int(orgs[0]["n"])


def test_import_twice_changes_no_count(kg, store_dir: Path, compendium: Path) -> None:
    assert kg("import", str(compendium)).exit_code == 0
    first = counts(store_dir)
    again = kg("import", str(compendium))
    assert "unchanged since the last import" in again.stdout
    assert counts(store_dir) == first
    forced = kg("import", "--force", str(compendium))
    assert forced.exit_code == 0, forced.output
    assert counts(store_dir) == first


def test_same_bytes_under_another_path_replace_the_same_source(
    kg, store_dir: Path, compendium: Path, tmp_path: Path
) -> None:
    kg("import", str(compendium))
    first = counts(store_dir)
    copy = tmp_path / "copy.csv"
    copy.write_bytes(compendium.read_bytes())
    assert kg("import", "--force", str(copy)).exit_code == 0
    assert counts(store_dir) == first
    assert len(json.loads(kg("sources", "--json").stdout)) == 1


def test_edited_file_replaces_its_graph(kg, store_dir: Path, compendium: Path) -> None:
    kg("import", str(compendium))
    compendium.write_text(COMPENDIUM.replace("Cwm Taf safety", "Cwm Taf community safety"))
    assert kg("import", str(compendium)).exit_code == 0
    titles = json.loads(kg("orgs", "show", "RCT", "--json").stdout)[0]["partnerships"]
    assert [p["partnership"] for p in titles] == ["Cwm Taf community safety"]


def test_a_row_inserted_above_changes_line_numbers_only(
    kg, store_dir: Path, compendium: Path
) -> None:
    """Provenance nodes are named by the partnership they record, not by their row: a row
    inserted at the top moves the others' kg:line, and nothing else of theirs changes (a
    large compendium edited so is re-imported as a small difference)."""

    def quads() -> set[str]:
        with Store.open(store_dir) as store:
            return {
                f"{q.subject} {q.predicate} {q.object}"
                for q in store.ox
                if not any(w in str(q.predicate) for w in ("AtTime", "importedAt"))
            }

    kg("import", str(compendium))
    before = quads()
    header, rows = COMPENDIUM.split("\n", 1)
    compendium.write_text(f"{header}\nInserted first,Merton,Sutton,Legal,2019,,\n{rows}")
    assert kg("import", str(compendium)).exit_code == 0
    after = quads()
    gone = before - after
    moved = {q for q in gone if q.split()[1].endswith("/ns#line>")}
    assert len(moved) == 3  # each row's line, one down
    assert {q.split()[0] for q in gone - moved} == {
        q.split()[0] for q in gone if q.split()[1].endswith("/ns#sha256>")
    }  # the rest is the source's own description (checksum, counts)
    lines = sorted(int(q.split('"')[1]) for q in after if q.split()[1].endswith("/ns#line>"))
    assert lines == [2, 3, 4, 5]


def test_failure_mid_import_leaves_store_unchanged(
    store_dir: Path, compendium: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(COMPENDIUM)
    importer = registry().get("compendium")
    with Store.open(store_dir, write=True, create=True) as store:
        import_file(store, good, importer, ImportOptions())
    before = counts(store_dir)

    def exploding(path: Path, options: ImportOptions):
        records = list(importer.read(path, options))
        yield records[0]
        raise OSError("disk went away")

    import dataclasses

    broken = dataclasses.replace(importer, read=exploding)
    compendium.write_text(COMPENDIUM + "Another,Cardiff,Newport,Waste,2019,,\n")
    with Store.open(store_dir, write=True) as store, pytest.raises(BadInput):
        import_file(store, compendium, broken, ImportOptions())
    assert counts(store_dir) == before


def test_remove_restores_earlier_counts(kg, store_dir: Path, compendium: Path, tmp_path) -> None:
    other = tmp_path / "other.csv"
    other.write_text(
        "Title,Lead,Partners\n"
        "Tri-borough,Westminster,Kensington and Chelsea; Hammersmith and Fulham\n"
    )
    kg("import", str(other))
    before = counts(store_dir)
    kg("import", str(compendium))
    assert counts(store_dir) != before
    result = kg("remove", "compendium.csv")
    assert result.exit_code == 0, result.output
    assert counts(store_dir) == before


def test_strict_imports_nothing_when_a_row_is_bad(kg, store_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(COMPENDIUM + "Broken,Cardiff,Newport,Waste,31/02/2015,,\n")
    result = kg("import", "--strict", str(bad))
    assert result.exit_code == 1
    assert "--strict" in result.output and "nothing imported" in result.output
    assert not store_dir.exists(), "a failed first import leaves no store behind"


def test_bad_rows_are_reported_and_the_rest_imports(kg, store_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(COMPENDIUM + "Broken,Cardiff,Newport,Waste,31/02/2015,,\n")
    result = kg("import", str(bad))
    assert result.exit_code == 0, result.output
    assert "3 records imported" in result.stdout
    assert "bad.csv:5: start:" in result.stderr
    rejects = store_dir / "rejects" / "bad.csv.rejects.csv"
    assert rejects.exists() and "31/02/2015" in rejects.read_text()


def test_every_member_has_its_gss_code(kg, compendium: Path) -> None:
    kg("import", str(compendium))
    rows = json.loads(kg("orgs", "list", "--json").stdout)
    by_name = {r["name"]: r for r in rows}
    assert by_name["Rhondda Cynon Taf County Borough Council"]["gss"] == "W06000016"
    assert all(r["gss"] for r in rows), [r for r in rows if not r["gss"]]


def test_facts_say_where_they_came_from(kg, compendium: Path) -> None:
    kg("import", str(compendium))
    shown = json.loads(kg("orgs", "show", "Vale of Glamorgan", "--json").stdout)[0]
    assert shown["partnerships"][0]["source"] == "compendium.csv:2"


# -- a large new source is written while it is built (kgraph.ingest._stream) ----------------


def quads_of(store_dir: Path) -> set[str]:
    """Every quad but the import's own start and end times."""
    with Store.open(store_dir) as store:
        return {str(q) for q in store.ox if "AtTime" not in str(q.predicate)}


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stream from the first few triples on, in small chunks, so a small file takes the path."""
    from kgraph import ingest

    monkeypatch.setattr(ingest, "STREAM_AT", 20)
    monkeypatch.setattr(ingest, "STREAM_CHUNK", 7)
    monkeypatch.setattr(store_module, "FIRST_CHUNK", 5)
    monkeypatch.setattr(store_module, "PIPELINED", 30)


HOSTILE_ROWS = (
    "Title,Lead,Partners,Service Area,Start,Description\n"
    '"Quote "" and \\ back\\slash",Cardiff,Newport,Waste,2015,"two\nlines\ttab \x01 ctl"\n'
    '"<b>Ünïcödé</b> 🚀 partnership",Merton,Sutton,Legal,2016-02,"end with \\"\n'
    '"Carriage\rreturn",Swansea,"Neath Port Talbot; Bridgend",ICT,01/03/2017,"@x =1+1"\n'
)


def test_a_streamed_import_writes_what_a_whole_one_does(
    compendium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kgraph import ingest

    # text the N-Quads the streamed path writes must escape, as the whole path does
    compendium.write_text(HOSTILE_ROWS + "\n".join(COMPENDIUM.splitlines()[1:]) + "\n")
    importer = registry().get("compendium")
    whole, streamed = tmp_path / "whole", tmp_path / "streamed"
    with Store.open(whole, write=True, create=True) as store:
        first = import_file(store, compendium, importer, ImportOptions())
    monkeypatch.setattr(ingest, "STREAM_AT", 20)
    monkeypatch.setattr(ingest, "STREAM_CHUNK", 7)
    # N-Quads chunks of 5, 10, 20, then the rest through bulk_extend, as a large graph goes
    monkeypatch.setattr(store_module, "FIRST_CHUNK", 5)
    monkeypatch.setattr(store_module, "PIPELINED", 30)
    writes = []
    monkeypatch.setattr(Store, "stream_new_graph", _spy(Store.stream_new_graph, writes))
    with Store.open(streamed, write=True, create=True) as store:
        second = import_file(store, compendium, importer, ImportOptions())
        again = import_file(store, compendium, importer, ImportOptions(), force=True)
    assert writes, "the streamed path was not taken"
    assert quads_of(streamed) == quads_of(whole)
    assert (
        (second.triples, second.records)
        == (first.triples, first.records)
        == (
            again.triples,
            again.records,
        )
    )
    with Store.open(streamed) as store:
        assert store.unfinished == frozenset()


def _spy(method, calls: list):
    def wrapper(self, *args, **kwargs):
        calls.append(args)
        return method(self, *args, **kwargs)

    return wrapper


def test_a_failure_while_streaming_leaves_the_store_as_it_was(
    streamed: None, store_dir: Path, compendium: Path, tmp_path: Path
) -> None:
    import dataclasses

    importer = registry().get("compendium")
    other = tmp_path / "other.csv"
    other.write_text("Title,Lead,Partners\nTri-borough,Westminster,Kensington and Chelsea\n")
    with Store.open(store_dir, write=True, create=True) as store:
        import_file(store, other, importer, ImportOptions())
    before = quads_of(store_dir)

    def exploding(path: Path, options: ImportOptions):
        records = list(importer.read(path, options))
        yield from records[:2]
        raise OSError("disk went away")

    broken = dataclasses.replace(importer, read=exploding)
    with Store.open(store_dir, write=True) as store, pytest.raises(BadInput, match="disk went"):
        import_file(store, compendium, broken, ImportOptions())
    assert quads_of(store_dir) == before


def test_strict_after_streaming_imports_nothing(
    streamed: None, store_dir: Path, tmp_path: Path
) -> None:
    from kgraph.errors import StrictRejects

    bad = tmp_path / "bad.csv"
    bad.write_text(COMPENDIUM + "Broken,Cardiff,Newport,Waste,31/02/2015,,\n")
    with Store.open(store_dir, write=True, create=True) as store:
        with pytest.raises(StrictRejects):
            import_file(store, bad, registry().get("compendium"), ImportOptions(strict=True))
        assert len(store.ox) == 0
