"""A fact a person rejected in `kgraph news review` no longer counts in the analyses."""

from __future__ import annotations

import json
from pathlib import Path

DIGEST = """Thursday 5 March 2015

News Summary of Collaboration and Shared Services from 5th March 2015

************
Planning

It is good to see that Norwich City Council and Broadland District Council are now sharing \
their waste collection teams, which other councils could learn from.

Three councils agree shared planning service

Cambridge City Council, South Cambridgeshire District Council and Huntingdonshire District \
Council have agreed to create one shared planning service from April. Read more >>>
"""


def central_names(kg) -> set[str]:
    result = kg("central", "--json")
    assert result.exit_code == 0, result.output
    return {row["organisation"] for row in json.loads(result.stdout)}


def test_rejected_news_event_leaves_the_network(kg, tmp_path: Path) -> None:
    digest = tmp_path / "digest.txt"
    digest.write_text(DIGEST, encoding="utf-8")
    assert kg("import", str(digest)).exit_code == 0
    assert "Broadland District Council" in central_names(kg)
    listed = json.loads(kg("news", "review", "--json").stdout)
    events = [f for f in listed if "Broadland" in f["organisations"]]
    assert events, listed  # read from commentary: kept, but marked for review
    for fact in events:
        assert kg("news", "review", "--reject", fact["id"]).exit_code == 0
    names = central_names(kg)
    assert "Broadland District Council" not in names
    assert "Huntingdonshire District Council" in names  # the confident item still counts
