"""Partner shifts between two periods, on hand-built memberships with known answers."""

from __future__ import annotations

import pytest

from kgraph.analytics.facts import Concept, Facts, Membership, Org, Partnership
from kgraph.analytics.selection import Filters, Period
from kgraph.analytics.shifts import describe_shift, shifts, summary

S = "https://w3id.org/kgraph/scheme/"
WASTE = Concept(S + "service/waste", "waste", "Waste")
ICT = Concept(S + "service/ict", "ict", "ICT")
LA = Concept(S + "orgtype/local-authority", "local-authority", "Local authority")
POLICE = Concept(S + "orgtype/police-force", "police-force", "Police force")
NHS = Concept(S + "orgtype/nhs-trust", "nhs-trust", "NHS trust")
COUNCIL = Concept(S + "sector/council", "council", "Councils")
POLICE_FIRE = Concept(S + "sector/police-fire", "police-fire", "Police and fire")
HEALTH = Concept(S + "sector/health", "health", "Health")

BEFORE, AFTER = Period(2010, 2012), Period(2016, 2018)


def facts() -> Facts:
    """O leaves "old" (2008-2013, with councils A and B) and joins "new" (2015-, with health
    body C and police D), both waste; "ict" (undated) ties O to council E throughout."""
    orgs = [
        Org("O", "Org O", LA, COUNCIL),
        Org("A", "Council A", LA, COUNCIL),
        Org("B", "Council B", LA, COUNCIL),
        Org("C", "Health C", NHS, HEALTH),
        Org("D", "Police D", POLICE, POLICE_FIRE),
        Org("E", "Council E", LA, COUNCIL),
    ]
    parts = [
        Partnership("old", "Old waste", (WASTE,)),
        Partnership("new", "New waste", (WASTE,)),
        Partnership("ict", "Shared ICT", (ICT,)),
    ]
    members = [
        Membership("old", "O", 2008, 2013),
        Membership("old", "A", 2008, 2013),
        Membership("old", "B", 2008, None),
        Membership("new", "O", 2015, None),
        Membership("new", "C", 2015, None),
        Membership("new", "D", 2014, None),
        Membership("ict", "O"),
        Membership("ict", "E"),
    ]
    return Facts.build(orgs, parts, members)


def row_of(rows: list[dict], name: str) -> dict:
    return next(r for r in rows if r["organisation"] == name)


def test_leaving_one_partnership_and_joining_another_shows_lost_and_gained() -> None:
    row = shifts(facts(), Filters(), BEFORE, AFTER, org="O")[0]
    assert row["lost"] == ["Council A", "Council B"]
    assert row["gained"] == ["Health C", "Police D"]
    assert row["kept"] == ["Council E"]
    assert (row["partners_from"], row["partners_to"]) == (3, 3)
    assert row["jaccard"] == pytest.approx(1 / 5, abs=1e-3)


def test_switch_is_a_partner_dropped_and_another_taken_on_in_one_service() -> None:
    row = shifts(facts(), Filters(), BEFORE, AFTER, org="O")[0]
    assert row["switches"] == ["Waste: Council A, Council B -> Health C, Police D"]


def test_partner_mix_by_sector_moves_from_councils() -> None:
    row = shifts(facts(), Filters(), BEFORE, AFTER, org="O")[0]
    assert row["mix_from"] == {"council": 1.0}
    assert row["mix_to"] == {"council": 0.333, "health": 0.333, "police-fire": 0.333}
    assert row["mix_shift"] == {"council": -66.7, "health": 33.3, "police-fire": 33.3}
    assert (
        describe_shift(row["mix_shift"]) == "council -66.7pp, health +33.3pp, police-fire +33.3pp"
    )


def test_every_organisation_gets_a_row_most_changed_first() -> None:
    rows = shifts(facts(), Filters(), BEFORE, AFTER)
    assert rows[0]["organisation"] == "Org O"  # 4 changes
    b = row_of(rows, "Council B")  # stays in "old" (no end) but O and A left it
    assert b["lost"] == ["Council A", "Org O"] and b["gained"] == [] and b["jaccard"] == 0.0
    assert b["mix_shift"] == {}  # no partners afterwards: no mix to compare
    e = row_of(rows, "Council E")
    assert e["kept"] == ["Org O"] and e["jaccard"] == 1.0 and e["switches"] == []
    d = row_of(rows, "Police D")
    assert d["partners_from"] == 0 and d["gained"] == ["Health C", "Org O"]
    assert d["jaccard"] == 0.0


def test_an_organisation_without_partners_in_either_period() -> None:
    row = shifts(facts(), Filters(), Period(1990, 1991), Period(1992, 1993), org="A")[0]
    assert row["kept"] == row["gained"] == row["lost"] == []
    assert row["jaccard"] is None


def test_filters_apply_to_both_periods() -> None:
    row = shifts(facts(), Filters(services=("ict",)), BEFORE, AFTER, org="O")[0]
    assert row["kept"] == ["Council E"] and row["lost"] == row["gained"] == []


def test_summary_adds_up_each_sectors_ties() -> None:
    rows = {r["sector"]: r for r in summary(facts(), Filters(), BEFORE, AFTER)}
    council = rows["council"]
    # before: O-A, O-B, O-E, A-B and back (8 council ends, all to councils)
    assert council["ties_from"] == 8 and council["mix_from"] == {"council": 1.0}
    # after: O-E, E-O and O-C, O-D (council ends); B has no partners left
    assert council["ties_to"] == 4
    assert council["mix_to"] == {"council": 0.5, "health": 0.25, "police-fire": 0.25}
    assert rows["health"]["ties_from"] == 0 and rows["health"]["ties_to"] == 2
