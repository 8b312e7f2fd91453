"""Outcome summaries: the gains rule, yearly and one-off savings kept apart."""

from __future__ import annotations

from kgraph.analytics.facts import Concept, Facts, Membership, Org, OutcomeFact, Partnership
from kgraph.analytics.outcome_figures import FIGURES
from kgraph.analytics.outcomes import savings_of, summary
from kgraph.analytics.selection import Filters, select

S = "https://w3id.org/kgraph/scheme/"
WASTE = Concept(S + "service/waste", "waste", "Waste")
ICT = Concept(S + "service/ict", "ict", "ICT")
WALES = Concept(S + "region/wales", "wales", "Wales")
LONDON = Concept(S + "region/london", "london", "London")


def facts() -> Facts:
    parts = [
        Partnership(
            "p1", "Yearly gain", (WASTE,), WALES, (OutcomeFact("efficiency-gain", 100, "year"),)
        ),
        Partnership("p2", "One-off saving", (WASTE, ICT), WALES, (OutcomeFact("saving", 50),)),
        Partnership("p3", "Funding only", (ICT,), LONDON, (OutcomeFact("funding", 1000),)),
        Partnership("p4", "Gain, no money", (), None, (OutcomeFact("efficiency-gain"),)),
        Partnership("p5", "Monthly saving", (ICT,), LONDON, (OutcomeFact("saving", 10, "month"),)),
        Partnership("p6", "Nothing", (WASTE,), WALES),
    ]
    orgs = [Org("A", "A", region=WALES), Org("B", "B", region=WALES), Org("C", "C", region=LONDON)]
    members = [Membership(p.iri, o) for p in parts for o in ("A", "B")]
    members.append(Membership("p4", "C"))
    return Facts.build(orgs, parts, members)


def test_savings_rule() -> None:
    found = {p.iri: savings_of(p) for p in facts().partnerships.values()}
    assert (found["p1"].reports_gain, found["p1"].per_year, found["p1"].one_off) == (
        True,
        100,
        None,
    )
    assert (found["p2"].per_year, found["p2"].one_off) == (None, 50)
    assert (
        found["p3"].reports_gain is False and found["p3"].one_off is None
    )  # funding is not saving
    assert found["p4"].reports_gain is True and found["p4"].per_year is None
    assert found["p5"].per_year == 120  # 10 a month
    assert found["p6"].reports_gain is False


def test_summary_share_totals_medians_and_counts() -> None:
    rows = summary(select(facts(), Filters()))
    overall = rows[0]
    assert list(overall) == ["group", "name", *FIGURES]  # the columns `kgraph outcomes` shows
    assert overall["group"] == "all" and overall["partnerships"] == 6
    assert overall["reporting_gains"] == 4 and overall["gains_pct"] == 66.7
    assert (overall["yearly_total"], overall["yearly_median"], overall["yearly_n"]) == (220, 110, 2)
    assert (overall["one_off_total"], overall["one_off_median"], overall["one_off_n"]) == (
        50,
        50,
        1,
    )
    services = {r["name"]: r for r in rows if r["group"] == "service"}
    assert services["Waste"]["partnerships"] == 3  # p1, p2, p6
    assert services["ICT"]["yearly_total"] == 120 and services["ICT"]["one_off_total"] == 50
    assert services["(no service area)"]["reporting_gains"] == 1
    regions = {r["name"]: r for r in rows if r["group"] == "region"}
    assert regions["Wales"]["partnerships"] == 3
    assert regions["(several regions)"]["partnerships"] == 1  # p4: members in Wales and London
    top = [r["name"] for r in rows if r["group"] == "top"]
    assert top == ["Monthly saving", "Yearly gain", "One-off saving"]


def test_top_can_be_limited_and_selection_filters_apply() -> None:
    rows = summary(select(facts(), Filters(services=("waste",))), top=1)
    assert rows[0]["partnerships"] == 3
    assert [r["name"] for r in rows if r["group"] == "top"] == ["Yearly gain"]
