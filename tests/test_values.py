"""Money, dates and text as sources write them (kgraph.values)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kgraph.records import Money, PartialDate
from kgraph.values import (
    clean_text,
    find_money,
    outcome_kind,
    parse_date,
    parse_money,
    to_partial_date,
)

# -- money ---------------------------------------------------------------------------------------

MONEY = [
    # text, amount, per, qualifier
    ("£1.1b", "1100000000", None, None),
    ("£1.1bn", "1100000000", None, None),
    ("£1.1 billion", "1100000000", None, None),
    ("£89.4m", "89400000", None, None),
    ("£89.4 million", "89400000", None, None),
    ("£500,000", "500000", None, None),
    ("£500k", "500000", None, None),
    ("1000000", "1000000", None, None),
    ("1,000,000.50", "1000000.50", None, None),
    ("1.5E+06", "1500000", None, None),
    ("GBP 250,000", "250000", None, None),
    ("£3.5m a year", "3500000", "year", None),
    ("£3.5m per annum", "3500000", "year", None),
    ("£3.5m p.a.", "3500000", "year", None),
    ("£3.5m pa", "3500000", "year", None),
    ("£3.5m annually", "3500000", "year", None),
    ("£10 million-a-year", "10000000", "year", None),
    ("£12 million a year", "12000000", "year", None),
    ("£33m a year", "33000000", "year", None),
    ("£40,000 a month", "40000", "month", None),
    ("over £200m", "200000000", None, "over"),
    ("more than £72 million", "72000000", None, "over"),
    ("around £5m", "5000000", None, "about"),
    ("about £5m", "5000000", None, "about"),
    ("approximately £5m", "5000000", None, "about"),
    ("~£5m", "5000000", None, "about"),
    ("up to £3m", "3000000", None, "up to"),
    ("at least £2m", "2000000", None, "at least"),
    ("half a million pounds", "500000", None, None),
    ("a quarter of a million", "250000", None, None),
    ("three quarters of a million pounds", "750000", None, None),
    ("£1m to £2m", "1000000", None, "between"),
    ("£1-2m", "1000000", None, "between"),
    ("between £1m and £2m", "1000000", None, "between"),
    ("£0", "0", None, None),
]


@pytest.mark.parametrize(("text", "amount", "per", "qualifier"), MONEY)
def test_parse_money(text: str, amount: str, per: str | None, qualifier: str | None) -> None:
    money = parse_money(text)
    assert money is not None
    assert money.amount == Decimal(amount)
    assert isinstance(money.amount, Decimal)
    assert (money.per, money.qualifier) == (per, qualifier)
    assert money.text == text


def test_whole_amounts_print_without_exponent_or_decimals() -> None:
    assert str(parse_money("£1.1bn").amount) == "1100000000"
    assert str(parse_money("1,000,000.50").amount) == "1000000.50"


@pytest.mark.parametrize("text", ["", "   ", "n/a", "unknown", "lots", None])
def test_no_amount_is_none(text: str | None) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("£1e308", "amount not a plausible sum: '£1e308'"),
        ("inf", "amount not a plausible sum: 'inf'"),
        ("NaN", "amount not a plausible sum: 'NaN'"),
        ("-£5m", "amount not a plausible sum: '-£5m'"),
        ("£-500", "amount not a plausible sum: '£-500'"),
        ("£20 trillion", "amount not a plausible sum: '£20 trillion'"),
        ("99999999999999", "amount not a plausible sum: '99999999999999'"),
        ("1.2.3", "not an amount: '1.2.3'"),
        ("12abc", "not an amount: '12abc'"),
        ("E06000022", "not an amount: 'E06000022'"),
    ],
)
def test_malformed_or_absurd_amounts_raise(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_money(text)
    assert str(err.value) == reason


def test_numbers_from_spreadsheets() -> None:
    assert parse_money(650000) == Money(Decimal("650000"), text="650000")
    assert parse_money(1250.5).amount == Decimal("1250.5")
    with pytest.raises(ValueError, match="plausible"):
        parse_money(float("inf"))


def test_marked_money_wins_over_bare_numbers() -> None:
    assert parse_money("Phase 2 saved £3m").amount == Decimal(3_000_000)


def test_find_money_in_a_sentence() -> None:
    found = find_money(
        "The 25-year contract is worth £1.1b; savings of £1m per annum for 5 councils"
    )
    assert [(m.amount, m.per, m.text) for m in found] == [
        (Decimal(1_100_000_000), None, "£1.1b"),
        (Decimal(1_000_000), "year", "£1m per annum"),
    ]


def test_find_money_keeps_qualifiers_and_separate_amounts() -> None:
    found = find_money("Savings of more than £72 million, then £1m and £2m in 2015")
    assert [(m.amount, m.qualifier) for m in found] == [
        (Decimal(72_000_000), "over"),
        (Decimal(1_000_000), None),
        (Decimal(2_000_000), None),
    ]


def test_find_money_reads_annual_before_the_amount() -> None:
    (money,) = find_money("an annual saving of £300,000 across three councils")
    assert money.per == "year"
    (payment,) = find_money("the annual payment was cut to £9 million")
    assert payment.per == "year"


def test_find_money_ignores_numbers_that_are_not_money() -> None:
    assert find_money("5 councils since 2015, 1 million residents") == []
    assert find_money("a sum of £1e308") == []


# -- outcome kinds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Savings of £1m", "saving"),
        ("cost savings", "saving"),
        ("Received £3m of government funding", "funding"),
        ("contract worth £1.1b", "contract-value"),
        ("set-up costs of £200k", "cost"),
        ("pooled budget", "assets-pooled"),
        ("Efficiency Gain (GBP per year)", "efficiency-gain"),
        ("better services for residents", None),
    ],
)
def test_outcome_kind(text: str, kind: str | None) -> None:
    assert outcome_kind(text) == kind


# -- dates ---------------------------------------------------------------------------------------

DATES = [
    ("2015", PartialDate(2015)),
    ("2015-03-31", PartialDate(2015, 3, 31)),
    ("2015-03-31T00:00:00", PartialDate(2015, 3, 31)),
    ("2015-03", PartialDate(2015, 3)),
    ("2001-06", PartialDate(2001, 6)),
    ("31/03/2015", PartialDate(2015, 3, 31)),
    ("31-03-2015", PartialDate(2015, 3, 31)),
    ("31.03.2015", PartialDate(2015, 3, 31)),
    ("1/4/15", PartialDate(2015, 4, 1)),
    ("1/4/85", PartialDate(1985, 4, 1)),
    ("01/04/69", PartialDate(2069, 4, 1)),
    ("01/04/70", PartialDate(1970, 4, 1)),
    ("March 2015", PartialDate(2015, 3)),
    ("Sept 2014", PartialDate(2014, 9)),
    ("Mar-15", PartialDate(2015, 3)),
    ("31 March 2015", PartialDate(2015, 3, 31)),
    ("31st March 2015", PartialDate(2015, 3, 31)),
    ("31-Mar-15", PartialDate(2015, 3, 31)),
    ("March 31, 2015", PartialDate(2015, 3, 31)),
    ("Thursday 29 January 2015", PartialDate(2015, 1, 29)),
    ("Thursday, 29 January 2015", PartialDate(2015, 1, 29)),
    ("31 Mawrth 2015", PartialDate(2015, 3, 31)),
    ("2015/16", PartialDate(2015, 4)),
    ("2015-16", PartialDate(2015, 4)),
    ("2015/2016", PartialDate(2015, 4)),
    ("1999-00", PartialDate(1999, 4)),
    ("c. 2015", PartialDate(2015)),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_parse_date(text: str, expected: PartialDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2015", "no such date: 31/02/2015"),
        ("2015-02-30", "no such date: 2015-02-30"),
        ("2015-13", "no such date: 2015-13"),
        ("03/31/2015", "no such date: 03/31/2015 (dates are read as day/month/year)"),
        ("soon", "unrecognised date: 'soon'"),
        ("42000", "unrecognised date: '42000'"),
        ("2015/17", "unrecognised date: '2015/17'"),
        ("1750", "year out of range (1800-2100): '1750'"),
        ("2150", "year out of range (1800-2100): '2150'"),
        ("", "empty date"),
    ],
)
def test_bad_dates_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_date(text)
    assert str(err.value) == reason


def test_to_partial_date_takes_spreadsheet_values() -> None:
    assert to_partial_date(dt.datetime(2015, 3, 31, 0, 0)) == PartialDate(2015, 3, 31)
    assert to_partial_date(dt.date(2015, 3, 31)) == PartialDate(2015, 3, 31)
    assert to_partial_date(2015) == PartialDate(2015)
    assert to_partial_date(2015.0) == PartialDate(2015)
    assert to_partial_date("March 2015") == PartialDate(2015, 3)
    assert to_partial_date(None) is None
    assert to_partial_date("  ") is None
    for bad in (42000, 2015.5, True, dt.date(1700, 1, 1)):
        with pytest.raises(ValueError):
            to_partial_date(bad)


# -- text ----------------------------------------------------------------------------------------


def test_clean_text() -> None:
    assert clean_text("  Cardiff \t  Council\r\n ") == "Cardiff Council"
    assert clean_text("Vale\x00 of\x07 Glamorgan\x7f") == "Vale of Glamorgan"
    assert clean_text("\ufeffTitle") == "Title"
    assert clean_text("Ynys\u00a0Môn") == "Ynys Môn"
    assert clean_text("Mo\u0302n") == "Môn"  # decomposed -> NFC
    assert clean_text(None) == ""
    assert clean_text(2015.0) == "2015"
    assert clean_text(42) == "42"


def test_clean_text_can_keep_line_breaks() -> None:
    text = " Blaenau  Gwent \r\n\r\n Newport\rTorfaen\n"
    assert clean_text(text, keep_newlines=True) == "Blaenau Gwent\nNewport\nTorfaen"
    assert clean_text(text) == "Blaenau Gwent Newport Torfaen"


def _scan_everywhere(text: str, *, sentence: bool) -> list:
    """The scan as it was: the full money pattern tried from every position."""
    from kgraph import values

    out, pos = [], 0
    while True:
        m = values._MONEY.search(text, pos)
        if m is None:
            return out
        if not (m.group("num") or m.group("words")):
            pos = m.end() if m.end() > pos else pos + 1
            continue
        marked = bool(m.group("cur") or m.group("pounds"))
        try:
            money, stop = values._from_match(text, m, sentence=sentence)
        except ValueError as exc:
            out.append((marked, str(exc)))
            pos = max(m.end(), pos + 1)
            continue
        if money is not None:
            out.append((marked, money))
        pos = max(stop, pos + 1)


def test_money_scan_from_the_nearest_figure_finds_what_a_full_scan_finds() -> None:
    from kgraph import values

    longest_words = "three-quarters of an "
    bound = max(map(len, values._QUALIFIERS)) + 1 + len("GBP ") + len(longest_words) + 1
    assert bound < values._LEAD, "a qualifier grew: raise values._LEAD"
    digit_bound = max(map(len, values._QUALIFIERS)) + 1 + len("GBP ") + 1
    assert digit_bound < values._LEAD_DIGIT, "a qualifier grew: raise values._LEAD_DIGIT"
    fills = ["", "The councils said ", "Savings of nearly 40% and ", "In 2019-20, "]
    figures = ("3.5m", "1,200,000 pounds", "half a million pounds", "5 - 10m")
    amounts = [
        f"{q} {c}{n}" for q in [*values._QUALIFIERS, ""] for c in ("£", "GBP ", "") for n in figures
    ]
    for fill in fills:
        for amount in amounts:
            text = values.clean_text(f"{fill}{amount} a year, from 2020 to 2024.")
            for sentence in (True, False):
                got = [(marked, x if isinstance(x, values.Money) else str(x))
                       for marked, x in values._scan(text, sentence=sentence)]  # fmt: skip
                assert got == _scan_everywhere(text, sentence=sentence), text
