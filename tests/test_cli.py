"""What a user sees: help everywhere, one-line errors, listings as table, CSV and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import cli

COMMANDS = [
    ["import"],
    ["plugins"],
    ["sources"],
    ["remove"],
    ["orgs", "list"],
    ["orgs", "show"],
    ["validate"],
    ["demo"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(command: list[str]) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert f"kgraph {' '.join(command)}" in readme


def test_version() -> None:
    from kgraph import __version__

    assert CliRunner().invoke(cli, ["--version"]).output.strip() == f"kgraph, version {__version__}"


def test_missing_file_is_one_line_exit_1(kg, tmp_path: Path) -> None:
    result = kg("import", "--using", "compendium", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'nope.csv'}: no such file"


def test_a_missing_file_is_named_as_missing_without_using(kg, tmp_path: Path) -> None:
    result = kg("import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'nope.csv'}: no such file"


def test_a_batch_imports_what_it_can_and_names_the_rest(kg, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("Title,Lead,Partners\nShared legal,Merton,Sutton\n", encoding="utf-8")
    notes = tmp_path / "notes.md"
    notes.write_text("# what these files are\n", encoding="utf-8")
    result = kg("import", str(tmp_path / "nope.csv"), str(notes), str(good))
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'nope.csv'}: no such file" in result.stderr
    assert f"error: {notes}: no importer recognises this file" in result.stderr
    assert f"{good}: 1 records imported" in result.stdout
    assert "2 of 3 files failed; the others were imported" in result.output


def test_a_folder_stands_for_its_files(kg, tmp_path: Path) -> None:
    """`kgraph import data/`: the files an importer recognises, by name; the rest (a
    README, a survey's definition) skipped with a note; hidden files left alone."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("b.csv", "a.csv"):
        (folder / name).write_text(
            f"Title,Lead,Partners\n{name} legal,Merton,Sutton\n", encoding="utf-8"
        )
    (folder / "README.md").write_text("# about\n", encoding="utf-8")
    (folder / ".hidden.csv").write_text("Title,Lead,Partners\nX,Merton,Sutton\n")
    (folder / "old.csv.rejects.csv").write_text("Title,Lead,Partners\nY,Merton,Sutton\n")
    (folder / "inner").mkdir()
    result = kg("import", str(folder))
    assert result.exit_code == 0, result.output
    imported = [line.split(":")[0] for line in result.stdout.splitlines() if "imported" in line]
    assert imported == [str(folder / "a.csv"), str(folder / "b.csv")]
    assert "skipped 1 file(s) no importer recognises: README.md" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = kg("import", str(empty))
    assert result.exit_code == 1
    assert "a folder with no file an importer recognises" in result.output


def test_a_folder_that_cannot_be_listed_is_one_line(kg, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    listing = Path.iterdir

    def denied(self: Path):
        if self == folder:
            raise PermissionError(13, "Permission denied")  # as for a user without rights
        return listing(self)

    monkeypatch.setattr(Path, "iterdir", denied)
    result = kg("import", str(folder))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {folder}: cannot be read (Permission denied)"


def test_reading_commands_without_a_store_say_so(kg) -> None:
    result = kg("sources")
    assert result.exit_code == 1
    assert "no kgraph store at" in result.output
    assert "Traceback" not in result.output


def test_bad_map_option_is_a_usage_error(kg, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("Title,Lead,Partners\nX,Cardiff,Newport\n")
    result = kg("import", "--map", "title", str(f))
    assert result.exit_code == 2
    assert "--map expects FIELD=COLUMN, got 'title'" in result.output


def test_orgs_list_json_has_name_type_gss(kg, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("Title,Lead,Partners\nX,Cardiff Council,Newport City Council\n")
    assert kg("import", str(f)).exit_code == 0
    rows = json.loads(kg("orgs", "list", "--json").stdout)
    assert {r["name"] for r in rows} == {"City of Cardiff Council", "Newport City Council"}
    assert all({"name", "type", "gss"} <= set(r) for r in rows)
    csv_out = kg("orgs", "list", "--csv").stdout.splitlines()
    assert csv_out[0] == "name,type,gss,partnerships,sources,resolution"


def test_csv_listing_neutralises_formulas(kg, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text('Title,Lead,Partners\nX,"=HYPERLINK(""http://x"")",Newport City Council\n')
    assert kg("import", str(f)).exit_code == 0
    out = kg("orgs", "list", "--csv").stdout
    assert "'=HYPERLINK" in out


def test_debug_shows_the_traceback(kg, tmp_path: Path) -> None:
    result = kg("--debug", "sources")
    assert result.exit_code == 1
    assert result.exception is not None


def test_lazy_command_table_matches_the_commands() -> None:
    """`kgraph --help` lists the lazily imported commands from a table: it must name every
    command of the cli_*.py modules, with each command's own one-line help."""
    import importlib
    import pkgutil

    import kgraph
    from kgraph.cli import cli

    found = {}
    for info in pkgutil.iter_modules(kgraph.__path__):
        if info.name.startswith("cli_") and info.name != "cli_common":
            module = importlib.import_module(f"kgraph.{info.name}")
            for command in module.COMMANDS:
                found[command.name] = (module.__name__, command.get_short_help_str(1000))
    assert found == cli.lazy


def test_help_imports_no_command_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom kgraph.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='kgraph')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('kgraph.cli_')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "['kgraph.cli_common']"
