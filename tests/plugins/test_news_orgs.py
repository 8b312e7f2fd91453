"""The news organisation finder: how names are delimited in a sentence, and its caches.

Each delimiting test is one shape of sentence the benchmark generator showed going wrong,
written here with other bodies than the generator's.
"""

from __future__ import annotations

from collections import Counter

import pytest

from kgraph.news.extract import services_in
from kgraph.news.orgs import OrgFinder


@pytest.fixture(scope="module")
def finder() -> OrgFinder:
    return OrgFinder()


def found(finder: OrgFinder, sentence: str, regions: Counter | None = None) -> list[tuple]:
    return [(m.org.name, m.org.in_register) for m in finder.find(sentence, regions)]


def test_a_word_ending_in_an_apostrophe_does_not_cut_a_name(finder: OrgFinder) -> None:
    sentence = (
        "Cardiff Council is to share payroll staff with the School Teachers' Review Body "
        "and the Victims' Commissioner."
    )
    assert found(finder, sentence) == [
        ("City of Cardiff Council", True),
        ("School Teachers' Review Body", True),
        ("Victims' Commissioner", True),
    ]
    # a closing quote is still no part of a name
    names = found(finder, "Councils called the plan 'Better Services' and Wigan Council agreed.")
    assert ("Wigan Metropolitan Borough Council", True) in names


def test_people_of_a_body_opening_a_sentence_are_not_its_name(finder: OrgFinder) -> None:
    sentence = (
        "Members of Avon Fire and Rescue Service and Bristol City Council met to discuss a "
        "shared control room."
    )
    assert found(finder, sentence) == [
        ("Avon Fire and Rescue Service", True),
        ("Bristol City Council", True),
    ]
    # a body the register does not hold loses the people too
    sentence = "Trustees of Little Foxbury Housing Trust and Wigan Council signed an agreement."
    assert found(finder, sentence) == [
        ("Little Foxbury Housing Trust", False),
        ("Wigan Metropolitan Borough Council", True),
    ]
    # ... but a name of the form "X of Y" keeps its first words
    assert found(finder, "Vale of White Horse District Council shares staff.") == [
        ("Vale of White Horse District Council", True)
    ]


def test_a_capitalised_and_inside_a_register_name_joins_it(finder: OrgFinder) -> None:
    sentence = (
        "Directors of St Helens And Knowsley Teaching Hospitals NHS Trust and Wigan Council "
        "have agreed to share back-office services."
    )
    assert found(finder, sentence) == [
        ("St Helens And Knowsley Teaching Hospitals NHS Trust", True),
        ("Wigan Metropolitan Borough Council", True),
    ]


def test_what_a_body_works_on_is_not_part_of_its_name(finder: OrgFinder) -> None:
    sentence = (
        "Swansea Council will work with Barnet, Enfield And Haringey Mental Health NHS Trust "
        "on ICT and procurement."
    )
    assert found(finder, sentence) == [
        ("City and County of Swansea Council", True),
        ("Barnet, Enfield And Haringey Mental Health NHS Trust", True),
    ]
    sentence = "Neath Port Talbot Council is working with Little Foxbury Housing Trust on IT."
    assert found(finder, sentence)[-1] == ("Little Foxbury Housing Trust", False)
    # ... unless the register holds the longer name
    sentence = "Commission on Human Medicines and Council on Tribunals will share offices."
    assert found(finder, sentence) == [
        ("Commission on Human Medicines", True),
        ("Council on Tribunals", True),
    ]


def test_the_sentence_cache_keeps_regions_apart() -> None:
    """Kingston is Kingston upon Thames in London and Hull in Yorkshire: one sentence,
    read with each region in turn, must be settled by that region every time."""
    finder = OrgFinder()
    sentence = "Kingston and Merton councils will share a legal team."
    merton = ("London Borough of Merton", True)
    london, yorkshire = Counter({"London": 2}), Counter({"Yorkshire and The Humber": 2})
    expected = {
        None: [merton],
        "London": [("Royal Borough of Kingston upon Thames", True), merton],
        "Yorkshire and The Humber": [("Hull City Council", True), merton],
    }
    for regions in (None, london, yorkshire, None, yorkshire, london):
        key = next(iter(regions)) if regions else None
        assert found(finder, sentence, regions) == expected[key], key
    # a sentence no region can change is answered once for all
    other = "Wigan Council and Bristol City Council will share a legal team."
    assert found(finder, other, london) == found(finder, other, yorkshire) == found(finder, other)
    first = finder.find(sentence, london)
    first.clear()  # a caller's list is its own
    assert finder.find(sentence, london)


def test_service_labels_longest_first_in_order_of_appearance() -> None:
    assert services_in("A shared revenues and benefits service and a joint HR team") == [
        "revenues-and-benefits",
        "hr",
    ]
    assert services_in("Councils planning to merge their planning departments") == ["planning"]
    assert services_in("Councils planning to merge") == []
    assert services_in("") == []


def test_the_finder_leaves_near_misses_to_the_import() -> None:
    """The finder resolves candidates without the near-miss search, on caches of its own:
    the register's resolver still answers a misspelt name with its near miss afterwards."""
    from kgraph.resolve import Resolver

    finder = OrgFinder()
    sentence = "Swanseaa Council and Bristol City Council will share a legal team."
    assert found(finder, sentence) == [
        ("Swanseaa Council", False),
        ("Bristol City Council", True),
    ]
    res = Resolver.default().resolve("Swanseaa Council")
    assert res.near_miss is not None and res.near_miss.name == "City and County of Swansea Council"


def test_of_the_inside_a_name_keeps_the_name_whole(finder: OrgFinder) -> None:
    """ "University of the West of England" is a university, not the West of England
    Combined Authority its last words name; "Leader of the X" still names X."""
    assert found(finder, "Bath Council and the University of the West of England agreed.") == [
        ("Bath and North East Somerset Council", True),
        ("University of the West of England", False),
    ]
    assert found(finder, "The Council of the Isles of Scilly will share a chief executive.") == [
        ("Council of the Isles of Scilly", True)
    ]
    assert found(finder, "Leaders of the West Midlands Combined Authority met on Friday.") == [
        ("West Midlands Combined Authority", True)
    ]


def test_voluntary_bodies_are_found_by_their_form(finder: OrgFinder) -> None:
    """Digests name food banks, credit unions and hospices beside councils; the form alone
    ("Food Bank use rises") names no body."""
    assert found(finder, "Hull City Council and Goole Food Bank form a partnership.") == [
        ("Hull City Council", True),
        ("Goole Food Bank", False),
    ]
    assert found(finder, "Leeds City Council and Otley Credit Union agree to work together.") == [
        ("Leeds City Council", True),
        ("Otley Credit Union", False),
    ]
    assert found(finder, "Food Bank use rises as councils share costs.") == []
    kinds = {m.org.kind for m in finder.find("Wrenford Hospice and Ashby Carers Centre merge.")}
    assert kinds == {"third-sector"}
