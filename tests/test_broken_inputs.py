"""The broken-input corpus through the CLI: one line, no traceback, store unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kgraph.store import Store
from tests.conftest import ROOT, need_shared

BROKEN = ROOT / "tests" / "data" / "broken"
GOOD = (
    "Title,Lead,Partners\nTri-borough,Westminster,Kensington and Chelsea; Hammersmith and Fulham\n"
)
FAILING = ["empty.csv", "header_only.csv", "wrong_delimiter.csv", "binary.csv"]
PARTLY_BAD = ["too_many_cells.csv", "bad_date.csv", "absurd_amount.csv", "no_title.csv"]


def snapshot(store_dir: Path) -> set:
    with Store.open(store_dir) as store:
        return {str(q) for q in store.ox}


@pytest.fixture
def seeded(kg, tmp_path: Path, store_dir: Path) -> set:
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    assert kg("import", str(good)).exit_code == 0
    return snapshot(store_dir)


@pytest.mark.parametrize("name", FAILING)
def test_unusable_file_is_one_line_and_store_unchanged(kg, seeded, store_dir, name) -> None:
    result = kg("import", "--using", "compendium", str(BROKEN / name))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {BROKEN / name}: ")
    assert snapshot(store_dir) == seeded


@pytest.mark.parametrize("name", PARTLY_BAD)
def test_bad_rows_are_reported_good_rows_imported(kg, seeded, store_dir, name) -> None:
    result = kg("import", str(BROKEN / name))
    assert "Traceback" not in result.output
    # each bad record named as FILE:ROW: FIELD: REASON
    assert re.search(rf"{re.escape(str(BROKEN / name))}:\d+: \w+: \S", result.stderr)
    after = snapshot(store_dir)
    if result.exit_code == 0:
        assert after > seeded  # only additions: the good records
    else:
        assert after == seeded


def test_ten_megabyte_cell_is_rejected_not_a_crash(kg, seeded, store_dir, tmp_path) -> None:
    big = tmp_path / "big.csv"
    big.write_text(
        "Title,Lead,Partners,Description\n"
        f"Huge,Cardiff,Newport,{'x' * 10_485_760}\n"
        "Small,Cardiff,Newport,fine\n"
    )
    result = kg("import", str(big))
    assert result.exit_code == 0, result.output
    assert "big.csv:2: description: cell too long (10485760 characters)" in result.stderr


def test_strict_on_a_partly_bad_file_changes_nothing(kg, seeded, store_dir) -> None:
    result = kg("import", "--strict", str(BROKEN / "bad_date.csv"))
    assert result.exit_code == 1
    assert snapshot(store_dir) == seeded


def test_windows_1252_and_bom_files_import(kg, seeded) -> None:
    for name in ("cp1252_pounds.csv", "bom.csv"):
        result = kg("import", str(BROKEN / name))
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output


def test_reference_partnerships_import_with_gss_codes(kg, store_dir) -> None:
    """The real derived compendium imports without a mapping; every member has its code."""
    summary = need_shared() / "derived_partnership_memberships" / "partnerships_summary.csv"
    result = kg("import", str(summary))
    assert result.exit_code == 0, result.output
    assert "127 records imported" in result.stdout
    with Store.open(store_dir) as store:
        missing = store.select(
            "SELECT DISTINCT ?label WHERE { ?p a org:OrganizationalCollaboration ; "
            "org:hasMember ?o . ?o rdfs:label ?label FILTER NOT EXISTS { ?o kg:gssCode ?g } }"
        )
    assert missing == []
    rows = json.loads(kg("orgs", "list", "--json").stdout)
    assert all(r["gss"] for r in rows)


def test_reference_memberships_in_long_form_give_the_same_partnerships(kg, store_dir) -> None:
    """One row per partnership and member: grouped into the same 127 partnerships, with the
    same IRIs, as the one-row-per-partnership summary of the same data."""
    folder = need_shared() / "derived_partnership_memberships"
    result = kg("import", str(folder / "partnership_memberships.csv"))
    assert result.exit_code == 0, result.output
    assert "127 records imported" in result.stdout
    assert kg("import", str(folder / "partnerships_summary.csv")).exit_code == 0
    with Store.open(store_dir) as store:
        rows = store.select(
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a org:OrganizationalCollaboration }"
        )
    assert int(rows[0]["n"]) == 127
