"""The compendium importer: formats, headings, organisation lists, and every way a file breaks.

The assertions compare the exact text a user sees (``str(reject)``, ``str(BadInput)``).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from kgraph_plugins import compendium
from kgraph_plugins.compendium import detect, guess, read, split_orgs

from kgraph.errors import BadInput
from kgraph.hookspecs import ImportOptions
from kgraph.records import Money, OrgRef, Outcome, PartialDate, PartnershipRecord, Reject

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "compendium"
BROKEN = ROOT / "tests" / "data" / "broken"
REFERENCE = ROOT.parent / "shared" / "reference"
SUMMARY = REFERENCE / "derived_partnership_memberships" / "partnerships_summary.csv"


def read_all(path: Path, **options) -> list[PartnershipRecord | Reject]:
    return list(read(path, ImportOptions(**options)))


def records(path: Path, **options) -> list[PartnershipRecord]:
    items = read_all(path, **options)
    assert all(isinstance(i, PartnershipRecord) for i in items), [str(i) for i in items]
    return items  # type: ignore[return-value]


def rejects(path: Path, **options) -> list[str]:
    return [str(i) for i in read_all(path, **options) if isinstance(i, Reject)]


def bad_input(path: Path, **options) -> str:
    with pytest.raises(BadInput) as err:
        read_all(path, **options)
    return str(err.value)


def names(rec: PartnershipRecord) -> list[str]:
    return [o.name for o in rec.members()]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the plugin ----------------------------------------------------------------------------------


def test_hook_offers_the_compendium_importer() -> None:
    from kgraph.plugins import plugin_manager

    pm = plugin_manager()
    pm.register(compendium)
    (offered,) = pm.hook.kgraph_importers()
    (imp,) = offered
    assert imp.name == "compendium"
    assert imp.fields == (
        "id", "title", "lead", "lead_code", "partners", "partner_codes", "service_area",
        "region", "kind", "start", "end", "status", "outcome", "amount", "description",
    )  # fmt: skip
    assert imp.read is read and imp.detect is detect


# -- formats -------------------------------------------------------------------------------------


def test_comma_csv_with_every_field() -> None:
    w1, w2, w3, w4, w5 = records(DATA / "welsh_collaborations.csv")
    assert w1.title == "Shared Regulatory Services"
    assert w1.identifier == "W1" and w1.origin.record_id == "W1"
    assert w1.origin.where() == f"{DATA / 'welsh_collaborations.csv'}:2"
    assert w1.lead == OrgRef("Vale of Glamorgan Council", role="lead")
    assert names(w1) == [
        "Vale of Glamorgan Council",
        "Bridgend County Borough Council",
        "Cardiff Council",
    ]
    assert w1.service_areas == ("Regulatory services",)
    assert (w1.region, w1.kind, w1.status) == ("Central South Wales", "Shared service", "Active")
    assert w1.start == PartialDate(2015, 5, 1) and w1.end is None
    assert w1.outcomes == (
        Outcome(
            "efficiency-gain",
            Money(Decimal(650000), "year", None, "650000"),
            "Environmental health, licensing and trading standards run as one service",
        ),
    )
    assert w1.description == "Staff of the three councils moved to one employer"
    # a comma list ending in "and"
    assert names(w2)[1:] == ["Conwy", "Denbighshire", "Gwynedd", "Isle of Anglesey"]
    # money in the outcome text when there is no amount: kind from the words around it
    assert w2.outcomes[0].kind == "contract-value"
    assert w2.outcomes[0].money == Money(Decimal(800_000_000), None, None, "£800m")
    # a cell with line breaks: quoted, one partner per line; row numbers count records
    assert names(w3)[1:] == [
        "Blaenau Gwent",
        "Monmouthshire",
        "Newport",
        "Torfaen",
        "Aneurin Bevan University Health Board",
    ]
    assert w3.origin.line == 4 and w4.origin.line == 5
    assert w3.service_areas == ("Social care", "health")
    assert w3.start == PartialDate(2011, 4)
    assert w3.description == (
        "Partners listed one per line,\nas a spreadsheet cell with line breaks"
    )
    # a financial year; a saving with qualifier and per from the text
    assert (w4.start, w4.end) == (PartialDate(2010, 4), PartialDate(2019, 3, 31))
    assert w4.outcomes[0].kind == "saving"
    assert w4.outcomes[0].money == Money(Decimal(1_200_000), "year", "about", "about £1.2m a year")
    # "Neath Port Talbot" is one name
    assert names(w5)[1:] == ["Ceredigion", "Neath Port Talbot", "Pembrokeshire", "Powys", "Swansea"]
    assert w5.outcomes == ()


def test_semicolon_csv_in_windows_1252() -> None:
    l1, l2, l3 = records(DATA / "london_cp1252.csv")
    assert names(l1) == ["London Borough of Sutton", "Croydon", "Kingston upon Thames", "Merton"]
    assert l1.outcomes == (Outcome("saving", Money(Decimal(1_500_000), "year", None, "£1.5m")),)
    assert l2.title == "Bi-borough children\u2019s services"
    assert l2.description == "Shared director \u2013 one management team"
    assert l2.start == PartialDate(2018, 4, 1)
    assert names(l3)[1:] == ["Newham", "Barking and Dagenham"]  # a register name stays whole
    assert l3.outcomes[0].money == Money(Decimal(2_000_000), "year", "between", "£2m \u2013 £3m")
    assert l3.start == PartialDate(2014, 9)


def test_utf8_bom_tab_file() -> None:
    tayside, northern = records(DATA / "scotland_bom.tsv")
    assert tayside.title == "Tayside Contracts"
    assert tayside.start == PartialDate(1996)
    assert tayside.outcomes == (
        Outcome("efficiency-gain", None, "One arms-length contractor for three councils"),
    )
    assert "Comhairle nan Eilean Siar" in names(northern)
    assert len(northern.members()) == 8


def test_numbered_partner_columns_and_their_codes() -> None:
    n1, n2, n3 = records(DATA / "numbered_partners.csv")
    assert n1.partners == (
        OrgRef("Bristol, City of", "E06000023", "partner"),
        OrgRef("Bath and North East Somerset Council", None, "partner"),
        OrgRef("North Somerset Council", None, "partner"),
    )
    assert names(n2)[1] == "Kingston upon Hull, City of"
    assert n2.outcomes[0].money == Money(Decimal(300_000), None, None, "£300k")
    assert names(n3) == ["Shropshire Council", "Telford & Wrekin Council"]


def test_other_publishers_headings() -> None:
    archives, adoption = records(DATA / "other_publisher.csv")
    assert archives.title == "Glamorgan Archives"
    assert archives.lead == OrgRef("Cardiff Council", role="lead")
    assert names(archives)[1:] == [
        "Bridgend",
        "Caerphilly",
        "Merthyr Tydfil",
        "Rhondda Cynon Taf",
        "Vale of Glamorgan",
    ]
    assert (archives.service_areas, archives.region, archives.kind) == (
        ("Archives",),
        "Central South Wales",
        "Joint committee",
    )
    assert archives.outcomes == (Outcome("saving", Money(Decimal(120000), "year", None, "120000")),)
    assert adoption.lead.name == "City and County of Swansea"
    assert "example.org" not in repr(adoption)  # the contact column is not a field


def test_json_object_with_a_list_of_partnerships() -> None:
    e1, e2, e3 = records(DATA / "shared_services.json")
    assert (e1.identifier, e1.title, e1.start) == (
        "E-1",
        "Greater Cambridge Shared Planning",
        PartialDate(2018, 10),
    )
    assert names(e1) == ["Cambridge City Council", "South Cambridgeshire District Council"]
    assert e1.origin.line == 1 and e3.origin.line == 3
    assert e2.lead is None
    assert e2.partners == (
        OrgRef("Adur District Council", "E07000223", "partner"),
        OrgRef("Worthing Borough Council", "E07000229", "partner"),
    )
    assert e2.kind == "Shared management"
    assert e2.outcomes[0] == Outcome(
        "saving", Money(Decimal(2_200_000), "year", None, "£2.2m a year")
    )
    assert (e3.start, e3.end) == (PartialDate(2010), PartialDate(2018))


def test_json_lines_and_a_record_that_is_not_an_object() -> None:
    items = read_all(DATA / "shared_services.jsonl")
    assert [i.title for i in items if isinstance(i, PartnershipRecord)] == ["Orbis", "LGSS"]
    assert [str(i) for i in items if isinstance(i, Reject)] == [
        f"{DATA / 'shared_services.jsonl'}:3: row: not an object (got a string)"
    ]


def test_json_array_and_bad_json(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.json",
        json.dumps([{"Title": "Shared ICT", "Lead": "Torfaen", "Partners": ["Monmouthshire"]}]),
    )
    (rec,) = records(path)
    assert names(rec) == ["Torfaen", "Monmouthshire"]
    bad = write(tmp_path, "bad.json", '[{"Title": "x",\n "Lead": }]')
    assert bad_input(bad) == f"{bad}:2: not valid JSON: Expecting value"
    empty = write(tmp_path, "empty.json", "[]")
    assert bad_input(empty) == f"{empty}: no records"
    odd = write(tmp_path, "odd.json", '{"a": 1, "b": 2}')
    assert bad_input(odd) == (
        f'{odd}: expected an array of objects, or an object with a list under "records"/"data"/'
        '"items"/"partnerships"'
    )


def test_xlsx_first_sheet_with_a_header_row(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "About"
    cover["A1"] = "Collaboration compendium, spring 2015"
    data = wb.create_sheet("Collaborations")
    data.append(["Regional collaboration in North Wales"])  # a title row above the header
    data.append([])
    data.append(["Ref", "Project name", "Lead council", "Partner 1", "Partner 2", "Start date",
                 "End date", "Savings (£000)", "Description"])  # fmt: skip
    data.append(["NW1", "North Wales Economic Ambition Board", "Gwynedd Council",
                 "Conwy County Borough Council", "Wrexham County Borough Council",
                 dt.datetime(2012, 6, 1), None, 150, "Six councils, one growth plan"])  # fmt: skip
    data.append([2, "Shared fleet", "Gwynedd Council", "Isle of Anglesey County Council", None,
                 2016, dt.datetime(2014, 1, 1), None, None])  # fmt: skip
    path = tmp_path / "compendium.xlsx"
    wb.save(path)

    assert detect(path) >= 60
    first, second = read_all(path)
    assert first.title == "North Wales Economic Ambition Board"
    assert first.origin.line == 4  # the spreadsheet's own row number
    assert first.start == PartialDate(2012, 6, 1)
    assert first.outcomes == (Outcome("saving", Money(Decimal(150_000), None, None, "150")),)
    assert names(first)[1:] == ["Conwy County Borough Council", "Wrexham County Borough Council"]
    assert str(second) == f"{path}:5: end: end 2014-01-01 is before start 2016"


def test_xlsx_damaged(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert bad_input(path).startswith(f"{path}: not a valid XLSX file")
    text = write(tmp_path, "text.xlsx", "Title,Lead\n")
    assert bad_input(text) == f"{text}: not a valid XLSX file (not a zip archive)"


# -- headings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Project Title", "title"),
        ("Name of collaboration", "title"),
        ("partnership_name", "title"),
        ("Scheme name", "title"),
        ("PROJECT_TITLE", "title"),
        ("projectTitle", "title"),
        ("Lead Body", "lead"),
        ("Host authority", "lead"),
        ("Lead partner", "lead"),
        ("Lead organisation name", "lead"),
        ("Lead GSS code", "lead_code"),
        ("Partner Bodies", "partners"),
        ("Participating authorities", "partners"),
        ("Councils involved", "partners"),
        ("Other partners", "partners"),
        ("Partner organisations (names)", "partners"),
        ("members", "partners"),
        ("member_gss_codes", "partner_codes"),
        ("Partner GSS codes", "partner_codes"),
        ("Service Area", "service_area"),
        ("Policy area", "service_area"),
        ("WLGA region", "region"),
        ("Collaboration type", "kind"),
        ("partnership_type", "kind"),
        ("Delivery model", "kind"),
        ("Year started", "start"),
        ("Project start date", "start"),
        ("Date ended", "end"),
        ("Current status", "status"),
        ("Efficiency gains", "outcome"),
        ("Benefits", "outcome"),
        ("Efficiency Gain (GBP per year)", "amount"),
        ("Savings (£)", "amount"),
        ("Annual saving (£)", "amount"),
        ("Contract value", "amount"),
        ("Total cost", "amount"),
        ("Project description", "description"),
        ("Notes", "description"),
        ("partnership_id", "id"),
        ("Ref", "id"),
    ],
)
def test_headings_are_recognised_by_meaning(heading: str, field: str) -> None:
    assert guess(heading).field == field


@pytest.mark.parametrize(
    "heading",
    [
        "n_members",
        "Number of partners",
        "as_of",
        "Contact email",
        "Lead officer",
        "Project manager",
        "Funding source",
        "Organisation type",
        "Evidence",
    ],
)
def test_headings_that_are_no_field(heading: str) -> None:
    assert guess(heading) is None


def test_a_lone_column_of_joined_headings_is_not_recognised() -> None:
    assert compendium.recognise(["Title:Lead:Partners"]).recognised() == 0
    assert compendium.recognise(["Partners: names", "Title"]).single == {"title": 1}


def test_numbered_partner_headings() -> None:
    assert [guess(h).number for h in ("Partner 1", "Partner 2", "Partner3", "Member 10")] == [
        1,
        2,
        3,
        10,
    ]
    assert guess("Partner 1 GSS code").field == "partner_codes"


def test_mapping_overrides_recognition(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "schemes.csv",
        "Scheme ref,What,Who leads,Who else\nS1,Shared HR,Torfaen,Monmouthshire; Newport\n",
    )
    assert bad_input(path) == (
        f"{path}: no title column found (columns: Scheme ref, What, Who leads, Who else); "
        "use --map title=COLUMN"
    )
    mapping = {"title": "What", "lead": "who leads", "partners": "Who else"}
    (rec,) = records(path, mapping=mapping)
    assert (rec.title, names(rec)) == ("Shared HR", ["Torfaen", "Monmouthshire", "Newport"])
    assert rec.identifier == "S1"  # "Scheme ref" is still recognised


def test_mapping_a_field_to_dash_ignores_its_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.csv", "Title,Lead,Partners,Funding\nX,Cardiff,Newport,Welsh Government\n"
    )
    assert rejects(path) == [f"{path}:2: amount: not an amount: 'Welsh Government'"]
    (rec,) = records(path, mapping={"amount": "-"})
    assert rec.outcomes == ()


def test_mapping_errors_name_the_valid_choices(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Title,Lead,Partners\nX,Cardiff,Newport\n")
    assert bad_input(path, mapping={"name": "Title"}) == (
        f"{path}: unknown field 'name' in the mapping (fields: id, title, lead, lead_code, "
        "partners, partner_codes, service_area, region, kind, start, end, status, outcome, "
        "amount, description)"
    )
    assert bad_input(path, mapping={"title": "Scheme"}) == (
        f"{path}: no column 'Scheme' (columns: Title, Lead, Partners)"
    )


def test_no_organisation_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Title,Region\nShared HR,Wales\n")
    assert bad_input(path) == (
        f"{path}: no lead or partner columns found (columns: Title, Region); "
        "use --map lead=COLUMN --map partners=COLUMN"
    )


def test_amount_heading_sets_kind_per_and_scale(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        "Title,Lead,Partners,Contract value (£m),Grant funding\n"
        "A,Cardiff,Newport,12,\n"
        "B,Cardiff,Newport,£3.5m a year,\n",
    )
    a, b = records(path)
    assert a.outcomes == (Outcome("contract-value", Money(Decimal(12_000_000), text="12")),)
    assert b.outcomes[0].money == Money(Decimal(3_500_000), "year", None, "£3.5m a year")


# -- organisation lists --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Cardiff; Newport; Caerphilly", ["Cardiff", "Newport", "Caerphilly"]),
        ("Cardiff\nNewport", ["Cardiff", "Newport"]),
        ("Cardiff, Newport and Caerphilly", ["Cardiff", "Newport", "Caerphilly"]),
        ("Cardiff, Newport, and Caerphilly", ["Cardiff", "Newport", "Caerphilly"]),
        ("Cardiff, Newport & Caerphilly", ["Cardiff", "Newport", "Caerphilly"]),
        ("Bristol, City of", ["Bristol, City of"]),
        ("Herefordshire, County of; Shropshire", ["Herefordshire, County of", "Shropshire"]),
        (
            "Kingston upon Hull, City of, East Riding of Yorkshire",
            ["Kingston upon Hull, City of", "East Riding of Yorkshire"],
        ),
        ("Neath Port Talbot", ["Neath Port Talbot"]),
        ("Barking and Dagenham", ["Barking and Dagenham"]),
        ("Telford & Wrekin", ["Telford & Wrekin"]),
        ("Cardiff, Barking and Dagenham", ["Cardiff", "Barking and Dagenham"]),
        ("Bournemouth, Christchurch and Poole", ["Bournemouth, Christchurch and Poole"]),
        ("Dorset, Bournemouth, Christchurch and Poole",
         ["Dorset", "Bournemouth, Christchurch and Poole"]),
        ("Capita, plc, Cardiff Council", ["Capita, plc", "Cardiff Council"]),
        (" ; Cardiff;; Newport ;", ["Cardiff", "Newport"]),
    ],
)  # fmt: skip
def test_split_orgs(cell: str, expected: list[str]) -> None:
    assert split_orgs(cell) == expected


def test_a_partnership_needs_two_organisations(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        "Title,Lead,Partners\nSolo,Cardiff Council,\nSame twice,Cardiff Council,cardiff council\n",
    )
    assert rejects(path) == [
        f"{path}:2: partners: fewer than two organisations (a partnership needs two)",
        f"{path}:3: partners: fewer than two organisations (a partnership needs two)",
    ]


def test_codes_must_be_parallel_to_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        "Title,Partners,Partner GSS codes\nX,Cardiff; Newport,W06000015\n"
        "Y,Cardiff; Newport,W06000015; W06000022\n",
    )
    items = read_all(path)
    assert str(items[0]) == (
        f"{path}:2: partner_codes: 1 codes for 2 partners (the two lists must be parallel)"
    )
    assert items[1].partners == (
        OrgRef("Cardiff", "W06000015", "partner"),
        OrgRef("Newport", "W06000022", "partner"),
    )


# -- the broken corpus ---------------------------------------------------------------------------


def test_empty_file() -> None:
    path = BROKEN / "empty.csv"
    assert bad_input(path) == f"{path}: empty file"


def test_blank_lines_only_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.csv", "\n\n  \n")
    assert bad_input(path) == f"{path}: empty file"


def test_header_only() -> None:
    path = BROKEN / "header_only.csv"
    assert bad_input(path) == f"{path}: no records (only a header row)"


def test_wrong_delimiter_names_the_single_column() -> None:
    path = BROKEN / "wrong_delimiter.csv"
    assert bad_input(path) == (
        f"{path}: no title column found (columns: Title:Lead:Partners:Start); use --map "
        "title=COLUMN (only one column: is the file delimited by comma, semicolon, tab or |?)"
    )


def test_a_delimiter_of_several_characters_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "two.csv", "Title,Lead,Partners\nX,Cardiff,Newport\n")
    message = bad_input(path, extra={"delimiter": ";;"})
    assert message == f"{path}: delimiter must be one character, not ';;'"
    assert records(path, extra={"delimiter": "comma"})[0].title == "X"


def test_windows_1252_pound_signs() -> None:
    revs, cafe = records(BROKEN / "cp1252_pounds.csv")
    assert revs.outcomes[0].money == Money(Decimal(400_000), None, None, "£400k")
    assert cafe.title == "Joint café contract"
    assert cafe.outcomes[0].money.amount == Decimal(45_000)


def test_encoding_option_is_strict(tmp_path: Path) -> None:
    path = BROKEN / "cp1252_pounds.csv"
    assert bad_input(path, encoding="utf-8") == (
        f"{path}: cannot be decoded as utf-8: invalid start byte"
    )
    assert bad_input(path, encoding="klingon") == f"{path}: unknown encoding 'klingon'"
    (latin, _) = records(path, encoding="cp1252")
    assert latin.outcomes[0].money.text == "£400k"


def test_a_pound_sign_pasted_into_a_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "Title,Lead,Partners,Savings\nCafé,Cardiff,Newport,£5m\n".encode()
        + "Caf\xe9 2,Cardiff,Newport,\xa33m\n".encode("cp1252")
    )
    first, second = records(path)
    assert (first.title, second.title) == ("Café", "Café 2")
    assert [r.outcomes[0].money.text for r in (first, second)] == ["£5m", "£3m"]


def test_utf16_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_text("Title\tLead\tPartners\nYnys Môn shared ICT\tGwynedd\tAnglesey\n", "utf-16")
    assert detect(path) >= 60
    (rec,) = records(path)
    assert rec.title == "Ynys Môn shared ICT"


def test_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        "Collaboration compendium 2014,,\nPublished for tests,,\n,,\n"
        "Project Title,Lead Body,Partner Bodies\nShared ICT,Torfaen,Monmouthshire\n",
    )
    (rec,) = records(path)
    assert (rec.title, rec.origin.line) == ("Shared ICT", 5)


def test_a_quote_never_closed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        'Title,Lead,Partners\nA,Cardiff,Newport\n"B,Cardiff,Newport\nC,Cardiff,Newport\n',
    )
    assert bad_input(path) == (
        f"{path}:3: a quoted cell is never closed: it runs to the end of the file"
    )


def test_an_xlsx_named_csv_is_read_as_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["Title", "Lead", "Partners"])
    wb.active.append(["Shared ICT", "Torfaen", "Monmouthshire"])
    path = tmp_path / "exported.csv"
    wb.save(path)
    (rec,) = records(path)
    assert rec.title == "Shared ICT"


def test_utf8_bom_is_not_part_of_the_first_heading() -> None:
    (rec,) = records(BROKEN / "bom.csv")
    assert rec.title == "Shared internal audit"


def test_too_many_cells() -> None:
    path = BROKEN / "too_many_cells.csv"
    items = read_all(path)
    assert [i.title for i in items if isinstance(i, PartnershipRecord)] == ["Shared fleet"]
    (reject,) = [i for i in items if isinstance(i, Reject)]
    assert str(reject) == f"{path}:3: row: row has 12 cells, the header has 10"
    assert reject.raw["Title"] == "Shared legal" and reject.raw["column 12"] == " note"


def test_trailing_empty_cells_are_not_extra_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Title,Lead,Partners\nX,Cardiff,Newport,,,\n")
    assert [r.title for r in records(path)] == ["X"]


def test_a_ten_megabyte_cell(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Title,Lead,Partners,Description\n")
        fh.write(f'Huge,Cardiff,Newport,"{"x" * 10_485_760}"\n')
        fh.write("Fine,Cardiff,Newport,short\n")
    items = read_all(path)
    assert str(items[0]) == f"{path}:2: description: cell too long (10485760 characters)"
    assert len(items[0].raw["Description"]) < 2000
    assert items[1].title == "Fine"


def test_binary_file_named_csv() -> None:
    path = BROKEN / "binary.csv"
    assert bad_input(path) == f"{path}: not a text file (binary content)"
    assert 0 <= detect(path) <= 20


def test_an_old_excel_file_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert bad_input(path) == (
        f"{path}: not a text file (binary content: an Excel 97-2003 workbook; save it as .xlsx)"
    )


def test_unparseable_date() -> None:
    path = BROKEN / "bad_date.csv"
    assert rejects(path) == [f"{path}:2: start: no such date: 31/02/2015"]


def test_absurd_amount() -> None:
    path = BROKEN / "absurd_amount.csv"
    assert rejects(path) == [f"{path}:2: amount: amount not a plausible sum: '£1e308'"]


def test_non_numeric_amount(tmp_path: Path) -> None:
    text = "Title,Lead,Partners,Savings (£)\nA,Cardiff,Newport,lots\nB,Cardiff,Newport,n/a\n"
    path = write(tmp_path, "a.csv", text)
    items = read_all(path)
    assert str(items[0]) == f"{path}:2: amount: not an amount: 'lots'"
    assert items[1].outcomes == ()


def test_row_without_title() -> None:
    path = BROKEN / "no_title.csv"
    items = read_all(path)
    assert [str(i) for i in items if isinstance(i, Reject)] == [f"{path}:3: title: empty"]
    assert items[-1].raw == {
        "Title": "",
        "Lead": "Newport City Council",
        "Partners": "Torfaen County Borough Council",
    }


def test_html_in_a_title_is_kept_as_text() -> None:
    (rec,) = records(BROKEN / "html_title.csv")
    assert rec.title == "<script>alert('x')</script> Shared HR <b>service</b>"


def test_end_before_start(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Title,Lead,Partners,Start,End\nX,Cardiff,Newport,2015,2014\n")
    assert rejects(path) == [f"{path}:2: end: end 2014 is before start 2015"]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "Title,Lead,Partners\n\n,,\nX,Cardiff,Newport\n")
    (rec,) = records(path)
    assert rec.origin.line == 4


def test_strict_does_not_change_what_is_yielded() -> None:
    path = BROKEN / "no_title.csv"
    assert [str(i) for i in read_all(path, strict=True)] == [str(i) for i in read_all(path)]


# -- detection -----------------------------------------------------------------------------------


def test_detect_scores(tmp_path: Path) -> None:
    for path in sorted(DATA.iterdir()):
        if path.suffix != ".md":
            assert detect(path) >= 60, path
    unknown = write(tmp_path, "numbers.csv", "a,b,c\n1,2,3\n")
    assert detect(unknown) == 20
    prose = write(tmp_path, "news.txt", "Councils in Gwent agreed to share a legal service.\n")
    assert detect(prose) == 0
    assert detect(tmp_path / "missing.csv") == 0
    assert detect(write(tmp_path, "a.pdf", "Title,Lead,Partners\n")) == 0
    assert detect(BROKEN / "empty.csv") == 20
    assert detect(tmp_path) == 0


# -- scale and real data -------------------------------------------------------------------------


@pytest.mark.slow
def test_two_hundred_thousand_rows_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Ref,Project Title,Lead Body,Partner Bodies,Service Area,Start,End,Savings (£)\n")
        for i in range(200_000):
            fh.write(
                f'R{i},Scheme {i},Cardiff Council,"Newport; Torfaen",Waste,{2000 + i % 20},,{i}\n'
            )
    started = time.perf_counter()
    count = sum(1 for _ in read(path, ImportOptions()))
    assert count == 200_000
    assert time.perf_counter() - started < 30


def test_partnerships_summary_imports_without_mapping() -> None:
    if not SUMMARY.is_file():
        pytest.skip(f"{SUMMARY} not found: the shared reference data is not on this machine")
    assert detect(SUMMARY) >= 60
    items = read_all(SUMMARY)
    recs = [i for i in items if isinstance(i, PartnershipRecord)]
    assert (len(recs), len(items) - len(recs)) == (127, 308)
    assert Counter(i.reason for i in items if isinstance(i, Reject)) == {
        "fewer than two organisations (a partnership needs two)": 308
    }
    first = recs[0]
    assert (first.identifier, first.title, first.kind) == (
        "CA2018:10",
        "West Yorkshire Combined Authority",
        "combined_authority_incl_non_constituent",
    )
    assert first.partners[0] == OrgRef(
        "City of Bradford Metropolitan District Council", "E08000032", "partner"
    )
    avon = next(r for r in recs if r.origin.line == 18)
    assert OrgRef("Bristol, City of", "E06000023", "partner") in avon.partners
    assert all(o.code for r in recs for o in r.partners)


def test_semicolons_inside_every_quoted_partner_cell_do_not_fool_the_sniffer(
    tmp_path: Path,
) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text(
        "Title,Lead,Partners\n"
        'Waste deal,Cardiff,"Newport; Caerphilly; Monmouthshire; Torfaen"\n'
        'Legal service,Merton,"Sutton; Kingston upon Thames; Richmond upon Thames"\n'
    )
    records = [
        r for r in compendium.read(path, ImportOptions()) if isinstance(r, PartnershipRecord)
    ]
    assert [len(r.partners) for r in records] == [4, 3]


LONG_FORM = """\
partnership_id,partnership_name,service_area,member_name,member_gss_code,start,end
FRA:1,Mid and West Wales Fire,fire and rescue,Carmarthenshire,W06000010,2010,
FRA:1,Mid and West Wales Fire,fire and rescue,Ceredigion,W06000008,2012,
FRA:1,Mid and West Wales Fire,fire and rescue,Pembrokeshire,W06000009,2011,
CSP:9,Cardiff Community Safety,community safety,Cardiff,W06000015,2008,2014
CSP:7,Cwm Taf,community safety,Merthyr Tydfil,W06000024,2009,2013
CSP:7,Cwm Taf,community safety,Rhondda Cynon Taf,W06000016,2009,2016
"""


def test_long_form_rows_per_member_are_grouped_into_partnerships(tmp_path: Path) -> None:
    """One row per partnership and member: rows sharing the partnership id make one record
    with every member, the earliest start and the latest end; a partnership with one member
    in the file is still refused, with its row."""
    items = read_all(write(tmp_path, "memberships.csv", LONG_FORM))
    recs = {r.identifier: r for r in items if isinstance(r, PartnershipRecord)}
    assert sorted(recs) == ["CSP:7", "FRA:1"]
    fire = recs["FRA:1"]
    assert names(fire) == ["Carmarthenshire", "Ceredigion", "Pembrokeshire"]
    assert [p.code for p in fire.partners] == ["W06000010", "W06000008", "W06000009"]
    assert fire.start == PartialDate(2010) and fire.end is None
    assert (recs["CSP:7"].start, recs["CSP:7"].end) == (PartialDate(2009), PartialDate(2016))
    refused = [r for r in items if isinstance(r, Reject)]
    assert [(r.origin.line, r.field) for r in refused] == [(5, "partners")]


def test_wide_file_rows_naming_one_organisation_are_not_merged(tmp_path: Path) -> None:
    """In a file of one partnership per row, two bad rows with the same title stay rejects."""
    text = (
        "Title,Lead,Partners\n"
        "Shared legal,Cardiff,Newport\n"
        "Shared HR,Swansea,Neath Port Talbot\n"
        "Shared payroll,Powys,Ceredigion\n"
        "Waste,Torfaen,\n"
        "Waste,Monmouthshire,\n"
    )
    items = read_all(write(tmp_path, "wide.csv", text))
    assert len([r for r in items if isinstance(r, PartnershipRecord)]) == 3
    assert sorted(r.origin.line for r in items if isinstance(r, Reject)) == [5, 6]


def test_reading_leaves_the_callers_csv_field_limit_as_it_was(tmp_path: Path) -> None:
    """A cell over csv's own limit is one row's reject (not a failed file), and the
    process's csv limit is as the caller left it."""
    import csv

    path = tmp_path / "long.csv"
    path.write_text(
        "Project Title,Lead Body,Partner Bodies,Description\n"
        f'Shared,Merton,Sutton,"{"x" * 300_000}"\nLegal,Merton,Kingston,short\n',
        encoding="utf-8",
    )
    before = csv.field_size_limit()
    got = list(read(path, ImportOptions()))
    assert "cell too long (300000 characters)" in str(got[0])
    assert [r.title for r in got[1:]] == ["Legal"]
    assert csv.field_size_limit() == before
