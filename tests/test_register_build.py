"""The register build: reproducible from the reference data, and the committed copy is current.

Needs ../shared/reference (the reference data beside the checkout); skipped without it.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
COMMITTED = ROOT / "data" / "register"


def _reference() -> Path:
    if not (REFERENCE / "mysociety_uk_local_authority_names_and_codes").is_dir():
        pytest.skip(f"../shared/reference not found: {REFERENCE} is not on this machine")
    return REFERENCE


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ref = _reference()
    spec = importlib.util.spec_from_file_location(
        "build_register", ROOT / "scripts" / "build_register.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("register")
    assert module.main([str(ref), "--out", str(out)]) == 0
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t" if path.suffix == ".tsv" else ","))


def test_committed_register_is_current(built: Path) -> None:
    """Rebuilding gives the committed bytes: deterministic, and nobody edited it by hand."""
    new = (built / "organisations.csv").read_bytes()
    assert new == (COMMITTED / "organisations.csv").read_bytes(), (
        "data/register/organisations.csv is stale: python scripts/build_register.py"
    )
    assert (built / "README.md").read_text(encoding="utf-8") == (COMMITTED / "README.md").read_text(
        encoding="utf-8"
    )
    new.decode("utf-8")


def test_every_mysociety_council_is_in(built: Path) -> None:
    ids = {r["id"] for r in _rows(built / "organisations.csv")}
    mys = _rows(
        REFERENCE / "mysociety_uk_local_authority_names_and_codes" / "uk_local_authorities.csv"
    )
    assert len(mys) >= 470
    assert {f"la/{r['local-authority-code']}" for r in mys} <= ids


def test_every_police_force_and_area_body_is_in(built: Path) -> None:
    rows = {r["id"]: r for r in _rows(built / "organisations.csv")}
    forces = _rows(REFERENCE / "openregister_fire_police" / "police-force.tsv")
    assert len(forces) == 44
    assert {f"police/{f['police-force']}" for f in forces} <= set(rows)
    gss = {r["gss"] for r in rows.values() if r["gss"]}
    geo = REFERENCE / "humaniverse_geographr_lookups"
    for fname, col in [
        ("lookup_ltla24_csp24_pfa24.csv", "pfa24_code"),
        ("lookup_ltla24_fra24.csv", "fra24_code"),
        ("lookup_ltla21_lhb22.csv", "lhb22_code"),
        ("names_codes_hb19.csv", "hb19_code"),
    ]:
        codes = {r[col].strip() for r in _rows(geo / fname)}
        former = {c for r in rows.values() for c in r["former_gss"].split("|") if c}
        assert codes <= gss | former, fname
    trusts = {r["nhs_trust22_code"] for r in _rows(geo / "lookup_nhs_trusts22_nhs_region21.csv")}
    assert {f"health/{c}" for c in trusts} <= set(rows)


def test_fire_services_matched_by_name_not_by_broken_keys(built: Path) -> None:
    rows = {r["id"]: r for r in _rows(built / "organisations.csv")}
    assert rows["fire/E31000030"]["name"] == "Nottinghamshire Fire and Rescue Service"
    assert rows["fire/E31000035"]["name"] == "Surrey Fire and Rescue Service"
    assert rows["fire/E31000047"]["start"] == "2016-04-01"
    assert rows["fire/E31000012"]["replaced_by"] == "fire/E31000047"


def test_aliases_are_clean(built: Path) -> None:
    rows = {r["id"]: r for r in _rows(built / "organisations.csv")}
    rct = rows["la/RCT"]["aliases"].split("|")
    assert "cynon" not in rct and "taff" not in rct  # fragments of "rhondda,cynon,taff"
    assert not any("\ufffd" in r["aliases"] or "ï¿½" in r["aliases"] for r in rows.values())
    assert "Kingston upon Hull, City of" in rows["la/KHL"]["aliases"].split("|")
    assert "Basildon" not in rows["la/BAS"]["aliases"]  # maps/name.tsv's misleading key
    assert rows["la/LIN"]["region"] == "East Midlands"


def test_readme_attribution(built: Path) -> None:
    text = (built / "README.md").read_text(encoding="utf-8")
    assert "Contains data from mySociety's uk_local_authority_names_and_codes" in text
    assert "Open Government Licence v3.0" in text and "CC BY 4.0" in text and "MIT" in text
    assert "67ef8b118938678401a452f4f19f669a7221cc73" in text
    assert "python scripts/build_register.py ../shared/reference" in text
