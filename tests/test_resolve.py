"""Acceptance tests of organisation name resolution, against the committed register only."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import pytest

from kgraph.names import clean, core, norm
from kgraph.resolve import Organisation, Resolution, Resolver, is_generic

ROOT = Path(__file__).resolve().parents[1]
REGISTER = ROOT / "data" / "register"


@pytest.fixture(scope="module")
def r() -> Resolver:
    return Resolver.default()


def rid(r: Resolver, name: str, **kw) -> str:
    return r.resolve(name, **kw).org.id


# --- the register file ---------------------------------------------------------------------


def test_register_columns_and_ids() -> None:
    with (REGISTER / "organisations.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == [
        "id", "kind", "subtype", "name", "short_name", "welsh_name", "aliases", "gss",
        "former_gss", "register_code", "start", "end", "replaced_by", "nation", "region",
    ]  # fmt: skip
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    kinds = {row["kind"] for row in rows}
    assert kinds == {
        "local-authority", "combined-authority", "police-force", "fire-and-rescue",
        "health-board", "nhs-trust", "hsc-trust", "central-government",
    }  # fmt: skip
    known = set(ids)
    for row in rows:
        assert all(s in known for s in row["replaced_by"].split("|") if s), row["id"]
        for col in ("start", "end"):
            if row[col]:
                dt.date.fromisoformat(row[col])
    with (REGISTER / "short_forms.csv").open(encoding="utf-8", newline="") as fh:
        assert all(sf["id"] in known for sf in csv.DictReader(fh))


def test_register_coverage(r: Resolver) -> None:
    by_kind: dict[str, int] = {}
    for org in r:
        by_kind[org.kind] = by_kind.get(org.kind, 0) + 1
    assert by_kind["local-authority"] + by_kind["combined-authority"] == 470  # mySociety rows
    assert by_kind["police-force"] == 44
    assert by_kind["hsc-trust"] == 5
    assert r.get("la/GLA").kind == "local-authority"
    assert r.get("la/GMCA").kind == "combined-authority"
    assert r.get("police/lincolnshire").gss == "E23000020"
    assert r.get("police/metropolitan").gss == "E23000001"
    assert r.get("police/dyfed-powys").gss == "W15000004"
    assert r.get("fire/W25000002").name == "Mid and West Wales Fire and Rescue Service"
    assert r.get("health/W11000023").name == "Betsi Cadwaladr University Health Board"
    assert r.get("health/NHSCT").name == "Northern Health and Social Care Trust"
    assert r.get("health/S08000029").former_gss == ("S08000018",)
    trust = r.get("health/R0B")
    assert trust.name == "South Tyneside And Sunderland NHS Foundation Trust"  # as published
    assert "South Tyneside and Sunderland NHS Foundation Trust" in trust.aliases
    assert r.get("gov/D10").name == "Department for Work and Pensions"
    assert r.get("la/BKM").end == "2020-03-31" and r.get("la/BKM").replaced_by == ("la/BUC",)
    assert r.get("la/CMA").replaced_by == ("la/CBD", "la/WAF")
    assert r.get("la/RIH").end == "2023-03-31"  # vesting day in the source: last day here


# --- names, Welsh names, designators -------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "RCT",
        "Rhondda Cynon Taff",
        "Rhondda Cynon Taf County Borough Council",
        "Rhondda Cynon Taf",
        "rhondda cynon taf cbc",
        "  RHONDDA   CYNON TAF  ",
        "“Rhondda Cynon Taf Council”",
        "(Rhondda Cynon Taff)",
        "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf",
    ],
)
def test_rct_variants(r: Resolver, name: str) -> None:
    res = r.resolve(name)
    assert res.org.id == "la/RCT" and res.org.gss == "W06000016"
    assert res.org.in_register and res.near_miss is None and not res.ambiguous


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Cyngor Sir Ynys Môn", "la/AGY"),
        ("Sir Ynys Môn", "la/AGY"),
        ("Sir Ynys Mon", "la/AGY"),
        ("Cyngor Caerdydd", "la/CRF"),
        ("Merthyr Tudful", "la/MTY"),
    ],
)
def test_welsh_names(r: Resolver, name: str, expected: str) -> None:
    assert rid(r, name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Brighton & Hove", "la/BNH"),
        ("brighton and hove city council", "la/BNH"),
        ("St. Helens", "la/SHN"),
        ("St Helens Council", "la/SHN"),
        ("Saint Helens", "la/SHN"),
        ("King's Lynn & West Norfolk", "la/KIN"),
        ("Stoke on Trent", "la/STE"),
        ("the London Borough of Hackney", "la/HCK"),
        ("LB Hackney", "la/HCK"),
        ("Royal Borough of Greenwich", "la/GRE"),
        ("City of Edinburgh", "la/EDH"),
        ("Bristol, City of", "la/BST"),
        ("Kingston upon Hull, City of", "la/KHL"),
        ("Herefordshire, County of", "la/HEF"),
        ("Essex CC", "la/ESS"),
        ("Devon CC", "la/DEV"),
        ("Dover DC", "la/DOV"),
        ("Walsall Metropolitan BC", "la/WLL"),
        ("Walsall MBC", "la/WLL"),
        ("Caerphilly CBC", "la/CAY"),
        ("Dudley Metropolitan Borough Council", "la/DUD"),
        ("Leeds City Council", "la/LDS"),
        ("Cardiff Council", "la/CRF"),
        ("Greater Manchester CA", "la/GMCA"),
    ],
)
def test_insensitive_and_designators(r: Resolver, name: str, expected: str) -> None:
    res = r.resolve(name)
    assert res.org.id == expected, res
    assert res.status in ("exact", "alias", "short-form")


def test_statuses(r: Resolver) -> None:
    assert r.resolve("Rhondda Cynon Taf County Borough Council").status == "exact"
    assert r.resolve("Rhondda Cynon Taff").status == "exact"  # the short name
    assert r.resolve("Essex CC").status == "alias"
    assert r.resolve("RCT").status == "short-form"


# --- short forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("South Cambs", "la/SCA"),
        ("Northants", "la/NTH"),
        ("Northants County Council", "la/NTH"),
        ("Herts CC", "la/HRT"),
        ("Leics", "la/LEC"),
        ("Notts Police", "police/nottinghamshire"),
        ("RCT", "la/RCT"),
        ("NPT", "la/NTL"),
        ("BCP", "la/BPC"),
        ("KCC", "la/KEN"),
        ("GMCA", "la/GMCA"),
        ("WMCA", "la/WMCA"),
        ("DWP", "gov/D10"),
        ("Merthyr", "la/MTY"),
        ("Richmond", "la/RIC"),
    ],
)
def test_short_forms(r: Resolver, name: str, expected: str) -> None:
    res = r.resolve(name)
    assert res.org.id == expected
    assert res.status == "short-form"


def test_south_bucks_is_its_own_council_not_an_expansion(r: Resolver) -> None:
    assert rid(r, "South Bucks") == "la/SBU"


def test_kingston_is_ambiguous_unless_region_narrows(r: Resolver) -> None:
    res = r.resolve("Kingston")
    assert res.status == "unknown" and not res.org.in_register
    assert {o.id for o in res.ambiguous} == {"la/KTT", "la/KHL"}
    assert "Kingston" in res.note
    assert rid(r, "Kingston", region="London") == "la/KTT"
    assert rid(r, "Kingston", region="Yorkshire and The Humber") == "la/KHL"


def test_prefix_needs_a_specific_word(r: Resolver) -> None:
    for name in ("North", "City", "Greater", "Isle of"):
        assert not r.resolve(name).org.in_register


# --- distinct bodies and dates -------------------------------------------------------------


def test_distinct_bodies_never_merged(r: Resolver) -> None:
    assert rid(r, "Richmond upon Thames") == "la/RIC"
    assert rid(r, "Richmondshire") == "la/RIH"
    assert rid(r, "Richmondshire District Council") == "la/RIH"
    assert rid(r, "Buckinghamshire County Council") == "la/BKM"
    assert rid(r, "Buckinghamshire Council") == "la/BUC"
    assert rid(r, "Buckinghamshire County Council", when=dt.date(2022, 1, 1)) == "la/BKM"
    assert rid(r, "Liverpool") == "la/LIV"
    assert rid(r, "Liverpool City Region") == "la/LCR"


def test_shared_name_picked_by_date(r: Resolver) -> None:
    assert rid(r, "Buckinghamshire", when=dt.date(2015, 6, 1)) == "la/BKM"
    assert rid(r, "Buckinghamshire", when=dt.date(2022, 6, 1)) == "la/BUC"
    res = r.resolve("Buckinghamshire")
    assert res.org.id == "la/BUC"
    assert [o.id for o in res.ambiguous] == ["la/BKM"] and res.note
    assert rid(r, "Somerset", when=dt.date(2020, 1, 1)) == "la/SOM"
    assert rid(r, "Somerset", when=dt.date(2024, 1, 1)) == "la/SMT"
    assert rid(r, "Dorset", when=dt.date(2018, 1, 1)) == "la/DOR"
    assert rid(r, "Dorset CC") == "la/DOR"  # the designator points at the county council
    assert rid(r, "North Yorkshire", when=dt.date(2023, 3, 31)) == "la/NYK"
    assert rid(r, "North Yorkshire", when=dt.date(2023, 4, 1)) == "la/NYE"


# --- kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Avon and Somerset Constabulary", "police/avon-and-somerset"),
        ("Avon & Somerset Police", "police/avon-and-somerset"),
        ("Lincolnshire Police", "police/lincolnshire"),
        ("Lincolnshire Constabulary", "police/lincolnshire"),
        ("Dyfed-Powys Police", "police/dyfed-powys"),
        ("Dyfed Powys Police", "police/dyfed-powys"),
        ("Metropolitan Police", "police/metropolitan"),
        ("Metropolitan Police Service", "police/metropolitan"),
        ("PSNI", "police/northern-ireland"),
        ("Police Service of Northern Ireland", "police/northern-ireland"),
        ("Devon & Somerset Fire and Rescue Service", "fire/E31000011"),
        ("Devon and Somerset Fire Authority", "fire/E31000011"),
        ("Kent Fire and Rescue", "fire/E31000022"),
        ("London Fire Brigade", "fire/E31000046"),
        ("North Wales Fire and Rescue Service", "fire/W25000001"),
        ("South Wales Fire Service", "fire/W25000003"),
        ("Betsi Cadwaladr University Health Board", "health/W11000023"),
        ("Betsi Cadwaladr UHB", "health/W11000023"),
        ("Powys Teaching Health Board", "health/W11000024"),
        ("Fife Health Board", "health/S08000029"),
        ("NHS Fife", "health/S08000029"),
        ("Northern Health and Social Care Trust", "health/NHSCT"),
        ("Northern HSC Trust", "health/NHSCT"),
        ("Manchester University NHS Foundation Trust", "health/R0A"),
        ("South Tyneside and Sunderland NHS Foundation Trust", "health/R0B"),
        ("West Midlands Combined Authority", "la/WMCA"),
        ("Liverpool City Region Combined Authority", "la/LCR"),
        ("Home Office", "gov/D16"),
        ("NHS England", "gov/PB481"),
        ("Welsh Government", "gov/DA1019"),
    ],
)
def test_kind_specific(r: Resolver, name: str, expected: str) -> None:
    assert rid(r, name) == expected


def test_bare_area_is_the_council_not_the_force(r: Resolver) -> None:
    assert rid(r, "Lincolnshire") == "la/LIN"
    assert rid(r, "Kent") == "la/KEN"
    assert r.resolve("Powys").org.kind == "local-authority"
    assert not r.resolve("Humberside").org.in_register  # only a police/fire area


def test_police_and_crime_commissioner_is_not_the_force(r: Resolver) -> None:
    res = r.resolve("Avon and Somerset Police and Crime Commissioner")
    assert not res.org.in_register and res.org.kind == "other-public-body"


# --- codes ---------------------------------------------------------------------------------


def test_codes(r: Resolver) -> None:
    for code in ("W06000016", "RCT", "rct"):
        res = r.resolve("whatever it says", code=code)
        assert res.org.id == "la/RCT" and res.status == "code"
    assert r.resolve("x", code="E07000097").org.id == "la/EHE"  # a former GSS code
    assert r.by_code("E07000242") is r.get("la/EHE")
    assert r.resolve("W06000016").status == "code"  # a GSS code written as the name
    assert r.resolve("Lincs Police", code="E23000020").org.id == "police/lincolnshire"
    res = r.resolve("Rhondda Cynon Taf", code="NOT-A-CODE")  # falls back to the name
    assert res.org.id == "la/RCT" and res.status != "code"
    assert r.by_code("") is None and r.get("la/nope") is None


# --- unknown names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Barsetshire Police", "police-force"),
        ("Barsetshire Constabulary", "police-force"),
        ("Barsetshire Fire and Rescue Service", "fire-and-rescue"),
        ("Barsetshire NHS Trust", "nhs-trust"),
        ("Barsetshire Health Board", "health-board"),
        ("NHS Barsetshire Clinical Commissioning Group", "health-board"),
        ("Barsetshire ICB", "health-board"),
        ("University of Barchester", "university"),
        ("Barchester University", "university"),
        ("Barchester College", "college"),
        ("Barsetshire Pension Fund", "pension-fund"),
        ("Barsetshire Combined Authority", "combined-authority"),
        ("Barsetshire Council", "local-authority"),
        ("Acme Widgets Ltd", "company"),
        ("Acme Widgets Limited", "company"),
        ("Acme plc", "company"),
        ("Acme LLP", "company"),
        ("Smith & Co", "company"),
        ("Wise Group", "company"),
        ("Barchester Holdings Group", "company"),
        ("Public Sector Leadership Group", "other-public-body"),
        ("Simpson Implementation Group", "other-public-body"),
        ("Barsetshire Waste Partnership Board", "other-public-body"),
        ("Barchester Public Services Board", "other-public-body"),
        ("Barsetshire Safeguarding Board", "other-public-body"),
        ("Glamorgan Joint Scrutiny Committee", "other-public-body"),
        ("Barsetshire Steering Group Ltd", "company"),
        ("Capita", "company"),
        ("Serco", "company"),
        ("Liberata UK", "company"),
        ("Agilisys", "company"),
        ("BT", "company"),
        ("Amey", "company"),
        ("Veolia", "company"),
        ("Kier", "company"),
        ("Mitie", "company"),
        ("G4S", "company"),
        ("Sopra Steria", "company"),
        ("Barchester Housing Trust", "third-sector"),
        ("Barchester Charity", "third-sector"),
        ("Barchester Foundation", "third-sector"),
        ("Barchester CIC", "third-sector"),
        ("Barchester Housing Association", "third-sector"),
        ("Citizens Advice Barchester", "third-sector"),
    ],
)
def test_unknown_typed_by_pattern(r: Resolver, name: str, kind: str) -> None:
    res = r.resolve(name)
    assert not res.org.in_register
    assert res.org.kind == kind and res.status == "pattern"
    assert res.org.id.startswith("name/") and res.org.name == clean(name)


def test_unknown_without_pattern(r: Resolver) -> None:
    res = r.resolve("Zebedee")
    assert res.status == "unknown" and res.org.kind == "unknown" and res.org.id == "name/zebedee"


def test_unknown_ids_agree_across_spellings(r: Resolver) -> None:
    ids = {rid(r, n) for n in ("Capita plc", "  capita   PLC ", '"Capita plc"', "CAPITA PLC.")}
    assert ids == {"name/capita-plc"}
    assert rid(r, "The Wise Group") == rid(r, "Wise Group")


@pytest.mark.parametrize(
    ("name", "near"),
    [
        ("Cardif Council", "la/CRF"),
        ("Swanseaa", "la/SWA"),
        ("Monmouthsire County Council", "la/MON"),
        ("Lincolnshre Police", "police/lincolnshire"),
    ],
)
def test_near_miss_flagged_never_merged(r: Resolver, name: str, near: str) -> None:
    res = r.resolve(name)
    assert not res.org.in_register and res.org.id.startswith("name/")
    assert res.near_miss is not None and res.near_miss.id == near
    assert res.note.startswith("near miss: did you mean ")
    assert res.near_miss.name in res.note and res.near_miss.gss in res.note


def test_near_miss_note_text(r: Resolver) -> None:
    note = r.resolve("Cardif Council").note
    assert note == "near miss: did you mean City of Cardiff Council (W06000015)?"


def test_near_misses_are_the_same_found_with_or_without_numpy(r: Resolver) -> None:
    """The first searches check difflib's bound key by key in Python, later ones with
    numpy: a name's near miss never depends on how many came before it."""
    import random

    from kgraph.resolve import _NearIndex

    rnd = random.Random(7)
    for keys in r._near.values():
        index = _NearIndex(keys)
        for key in rnd.sample(keys, min(40, len(keys))):
            typo = list(key)
            typo[rnd.randrange(len(typo))] = rnd.choice("aeiou ")
            for word in (key, "".join(typo), key[:-2], key + "s"):
                assert index._fits(word) == index._fits_numpy(word), word


def test_a_few_unknown_names_do_not_import_numpy() -> None:
    """Importing numpy takes ~0.09 s and starts OpenBLAS threads: a small import's near-miss
    searches are cheaper without it."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from kgraph.resolve import Resolver\n"
        "r = Resolver.default()\n"
        "assert r.resolve('Cardif Council').near_miss.id == 'la/CRF'\n"
        "for i in range(50):\n"
        "    r.resolve(f'Upper Beckworth {i} Borough Council')\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_no_near_miss_for_resolved_or_unrelated(r: Resolver) -> None:
    assert r.resolve("Cardiff Council").near_miss is None
    assert r.resolve("Capita").near_miss is None
    assert r.resolve("Cardiff University").near_miss is None


@pytest.mark.parametrize(
    "name",
    ["local councils", "the council", "councils", "the police", "Council", "the county council",
     "neighbouring authorities", "partner organisations", "the Government", "the Committee",
     "Working Group", "the Joint Committee", "Forum", "the steering group"],
)  # fmt: skip
def test_generic_mentions_do_not_resolve(r: Resolver, name: str) -> None:
    assert is_generic(name)
    res = r.resolve(name)
    assert res.status == "unknown" and not res.org.in_register and res.near_miss is None


def test_not_generic() -> None:
    for name in ("Kent County Council", "Welsh Government", "Metropolitan Police", "Powys"):
        assert not is_generic(name)


@pytest.mark.parametrize("name", ["", "   ", "\t\n", '""', "()"])
def test_empty_name_raises(r: Resolver, name: str) -> None:
    with pytest.raises(ValueError):
        r.resolve(name)


# --- API and speed -------------------------------------------------------------------------


def test_api_shapes(r: Resolver) -> None:
    res = r.resolve("Rhondda Cynon Taff")
    assert isinstance(res, Resolution) and isinstance(res.org, Organisation)
    assert res.query == "Rhondda Cynon Taff"
    assert Resolver.default() is r  # cached
    assert len(list(r)) == len(r) > 1500
    org = r.get("la/RCT")
    assert org.welsh_name == "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf"
    assert org.nation == "Wales" and org.region == "Wales" and org.register_code == "RCT"
    assert isinstance(org.aliases, tuple)


def test_from_csv_matches_default(r: Resolver) -> None:
    other = Resolver.from_csv(REGISTER / "organisations.csv")
    assert other.resolve("KCC").org == r.resolve("KCC").org


def test_speed() -> None:
    t0 = time.perf_counter()
    fresh = Resolver.from_csv(REGISTER / "organisations.csv")
    assert time.perf_counter() - t0 < 0.5
    names = [o.name for o in fresh][:800]
    t0 = time.perf_counter()
    for name in names:
        fresh.resolve(name)
    assert (time.perf_counter() - t0) / len(names) < 0.001
    t0 = time.perf_counter()
    for name in names:
        fresh.resolve(name)  # cached
    assert (time.perf_counter() - t0) / len(names) < 0.0001


def test_norm_and_core_helpers() -> None:
    assert norm("The Vale of Glamorgan") == "vale of glamorgan"
    assert norm("Ynys Môn") == "ynys mon"
    assert norm("King’s Lynn & West Norfolk") == "kings lynn and west norfolk"
    assert core(norm("London Borough of Richmond upon Thames")) == "richmond upon thames"
    assert core(norm("Rhondda Cynon Taf County Borough Council")) == "rhondda cynon taf"
    assert core(norm("City of London")) == ""  # never "London"


def test_a_national_body_is_not_a_generic_mention() -> None:
    from kgraph.names import is_generic

    assert not is_generic("Scottish Fire and Rescue Service")
    assert is_generic("Welsh councils") and is_generic("Scottish police forces")


@pytest.mark.parametrize(
    "name",
    ["Rhondda Cynon Taff", "Kingston", "Kent and Medway", "Capita", "the council", "", "Cardif"],
)
def test_resolve_registered_agrees_with_resolve(r: Resolver, name: str) -> None:
    """The cheap register-only answer is resolve's whenever resolve names a register body
    or leaves several open, and None whenever resolve would make a new organisation."""
    view = r.without_near_misses()
    got = view.resolve_registered(name)
    if not name:
        assert got is None
        return
    full = r.resolve(name)
    if full.org.in_register or full.ambiguous:
        assert got == full
    else:
        assert got is None


def test_resolve_registered_settles_by_region(r: Resolver) -> None:
    assert r.resolve_registered("Kingston").ambiguous
    assert r.resolve_registered("Kingston", region="London").org.name.startswith("Royal Borough")
