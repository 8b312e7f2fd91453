"""A third-party importer is found exactly like the built-ins: one module, one entry point."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kgraph import plugins

THIRD_PARTY = """
from kgraph.hookspecs import Importer, hookimpl
from kgraph.records import Origin, OrgRef, PartnershipRecord

def detect(path):
    return 90 if path.suffix == ".pairs" else 0

def read(path, options):
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        a, b, title = line.split("|")
        yield PartnershipRecord(title=title, origin=Origin(str(path), n),
                                partners=(OrgRef(a), OrgRef(b)))

@hookimpl
def kgraph_importers():
    return [Importer(name="pairs", description="a|b|title lines", detects="*.pairs",
                     detect=detect, read=read)]
"""


@pytest.fixture
def third_party(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install a throwaway distribution (module + dist-info with an entry point) on sys.path."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "pairs_importer.py").write_text(THIRD_PARTY)
    info = site / "pairs_importer-1.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pairs-importer\nVersion: 1.2.0\n")
    (info / "entry_points.txt").write_text("[kgraph]\npairs = pairs_importer\n")
    broken = site / "broken_importer-0.1.dist-info"
    broken.mkdir()
    (broken / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-importer\nVersion: 0.1\n")
    (broken / "entry_points.txt").write_text("[kgraph]\nbroken = no_such_module_here\n")
    monkeypatch.syspath_prepend(str(site))
    plugins.registry.cache_clear()
    yield site
    plugins.registry.cache_clear()
    sys.modules.pop("pairs_importer", None)


def test_third_party_importer_is_listed_beside_the_builtin(third_party: Path, kg) -> None:
    result = kg("plugins", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["pairs"]["version"] == "1.2.0"
    assert rows["pairs"]["detects"] == "*.pairs"
    assert "compendium" in rows


def test_a_broken_plugin_is_one_warning_and_the_rest_works(third_party: Path, kg) -> None:
    result = kg("plugins")
    assert result.exit_code == 0
    assert "warning: plugin 'broken' (no_such_module_here) failed to load" in result.stderr
    assert "pairs" in result.stdout


def test_third_party_importer_imports_a_file(third_party: Path, kg, tmp_path: Path) -> None:
    data = tmp_path / "deals.pairs"
    data.write_text("Cardiff Council|Newport City Council|Joint thing\n")
    result = kg("import", str(data))
    assert result.exit_code == 0, result.output
    assert "1 records imported with 'pairs'" in result.stdout
    listed = json.loads(kg("sources", "--json").stdout)
    assert [s["importer"] for s in listed] == ["pairs 1.2.0"]


def test_unknown_importer_name_is_a_usage_error(kg, tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    result = kg("import", "--using", "nope", str(f))
    assert result.exit_code == 2
    assert "no importer called 'nope'" in result.output
