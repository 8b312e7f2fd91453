"""The default register's indexes kept between processes: the same answers, faster, and
never a stale or broken file read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph import register_cache
from kgraph.resolve import Resolver, register_path


def _state_of(r: Resolver) -> dict:
    return {k: v for k, v in vars(r).items() if k != "_shared"}


def test_indexes_read_back_make_the_same_resolver() -> None:
    built = Resolver.from_csv(register_path())
    state = json.loads(json.dumps(built.index_state()))  # as the cache file holds it
    again = Resolver.from_index_state(state)
    assert _state_of(again) == _state_of(built)
    for name in ("RCT", "Cardif Council", "Kent and Medway councils", "Capita plc", "W06000015"):
        assert again.resolve(name) == built.resolve(name)


def _default_in_a_process(cache: Path) -> str:
    script = (
        "from kgraph.resolve import Resolver\n"
        "r = Resolver.default()\n"
        "print(r.resolve('Rhondda Cynon Taff').org.name, '|', r.resolve('Cardif Council').note)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


ANSWER = (
    "Rhondda Cynon Taf County Borough Council | "
    "near miss: did you mean City of Cardiff Council (W06000015)?"
)


def test_a_second_process_reads_what_the_first_saved(tmp_path: Path) -> None:
    assert _default_in_a_process(tmp_path) == ANSWER
    (saved,) = (tmp_path / "kgraph").glob("register-*.json")
    state = json.loads(saved.read_text(encoding="utf-8"))
    name = state["fields"].index("name")
    for row in state["orgs"]:  # marked, to see that the file is what is read
        if row[name] == "Rhondda Cynon Taf County Borough Council":
            row[name] = "Marked Council"
    saved.write_text(json.dumps(state), encoding="utf-8")
    assert _default_in_a_process(tmp_path).startswith("Marked Council | ")


@pytest.mark.parametrize("damage", ["{not json", '["a list"]', '{"orgs": 1}'])
def test_a_damaged_file_is_built_again(tmp_path: Path, damage: str) -> None:
    _default_in_a_process(tmp_path)
    (saved,) = (tmp_path / "kgraph").glob("register-*.json")
    saved.write_text(damage, encoding="utf-8")
    assert _default_in_a_process(tmp_path) == ANSWER
    assert json.loads(saved.read_text(encoding="utf-8"))["fields"][0] == "id"  # rewritten


def test_a_changed_register_is_not_read_from_an_older_file(tmp_path: Path) -> None:
    register = tmp_path / "organisations.csv"
    register.write_text("id,name,kind\nla/X,Old Name Council,local-authority\n", encoding="utf-8")
    inputs = [register]
    register_cache.save_state(inputs, {"fields": "old"})
    assert register_cache.load_state(inputs) == {"fields": "old"}
    register.write_text("id,name,kind\nla/X,New Name Council,local-authority\n", encoding="utf-8")
    assert register_cache.load_state(inputs) is None  # another size: another file


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path) -> None:
    (tmp_path / "kgraph").mkdir()
    (tmp_path / "kgraph").chmod(0o500)
    try:
        assert _default_in_a_process(tmp_path) == ANSWER
        assert not list((tmp_path / "kgraph").iterdir())
    finally:
        (tmp_path / "kgraph").chmod(0o700)


def test_a_cache_path_that_is_a_file_only_costs_time(tmp_path: Path) -> None:
    (tmp_path / "kgraph").write_text("in the way", encoding="utf-8")
    assert _default_in_a_process(tmp_path) == ANSWER


def test_no_cache_asked_for_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KGRAPH_NO_CACHE", "1")
    assert _default_in_a_process(tmp_path) == ANSWER
    assert not (tmp_path / "kgraph").exists()
