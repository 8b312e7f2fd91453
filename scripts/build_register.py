"""Build data/register/organisations.csv and its README from the reference data.

Usage: python scripts/build_register.py [REFERENCE_DIR]   (default: ../shared/reference)

The package reads only the committed CSV; this script is how it is made, so that every row
can be traced to a published file. Inputs (each folder's PROVENANCE.md says where from):
mySociety uk_local_authority_names_and_codes, GOV.UK Registers (local authorities, police,
fire, government organisations), ONS RGC extracts, and geographr lookups (ONS / NHS codes).
Output is deterministic: rows sorted by id, fixed columns, multi-values joined with "|".
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kgraph.names import core, norm  # noqa: E402

COLUMNS = [
    "id", "kind", "subtype", "name", "short_name", "welsh_name", "aliases", "gss", "former_gss",
    "register_code", "start", "end", "replaced_by", "nation", "region",
]  # fmt: skip
MYS = "mysociety_uk_local_authority_names_and_codes"
ORLA = "openregister_local_authority_data"
GEO = "humaniverse_geographr_lookups"
RGC = "openregister_statistical_geography_ons_rgc"
FP = "openregister_fire_police"
GOV = "openregister_government_organisation_data"
NATIONS = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
# Start dates mySociety gives for many councils in this window are the dates records were
# entered in an old register (the GOV.UK register has the same rows as 1905-..), not when the
# council came into being: dropped (or replaced by the GOV.UK register's when plausible).
ARTEFACT_START = ("2005-05-01", "2005-06-30")
# Facts not in the inputs, stated here so they are visible (see README "Curated").
FIRE_CURATED = {
    # Hampshire and Isle of Wight FRA replaced the two authorities on 2021-04-01.
    "E31000048": {"start": "2021-04-01"},
    "E31000017": {"end": "2021-03-31", "replaced_by": "fire/E31000048"},
    "E31000021": {"end": "2021-03-31", "replaced_by": "fire/E31000048"},
}
PROVENANCE_FIELDS = ("Source repo", "Repo", "Commit", "commit", "Licence")


def read(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=delimiter))
    # whitespace runs made one space: the reference writes "North Somerset  Council"
    return [{k.strip(): " ".join((v or "").split()) for k, v in r.items() if k} for r in rows]


def iso(value: str, last: bool = False) -> str:
    """A full ISO date from YYYY, YYYY-MM or YYYY-MM-DD (widened to the first/last day)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        y, m = map(int, value.split("-"))
        if not last:
            return f"{value}-01"
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31" if last else f"{value}-01-01"
    return ""


def day_before(value: str) -> str:
    return (dt.date.fromisoformat(value) - dt.timedelta(days=1)).isoformat()


class Register:
    """Rows being built, with alias bookkeeping shared by every source."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, str]] = {}
        self.alias_candidates: dict[str, list[str]] = defaultdict(list)
        self.display: dict[str, list[str]] = defaultdict(list)  # kept even if same key
        self.by_gss: dict[str, str] = {}
        self.warnings: list[str] = []

    def add(self, row: dict[str, str]) -> None:
        full = {c: "" for c in COLUMNS} | row
        assert full["id"] not in self.rows, full["id"]
        self.rows[full["id"]] = full
        for code in [full["gss"], *full["former_gss"].split("|")]:
            if code:
                self.by_gss.setdefault(code, full["id"])

    def alias(self, org_id: str, *names: str) -> None:
        for name in names:
            name = " ".join(name.split())
            if name and "\ufffd" not in name and "\u00ef\u00bf\u00bd" not in name:
                self.alias_candidates[org_id].append(name)

    def alias_by_gss(self, code: str, *names: str) -> None:
        org_id = self.by_gss.get(code.strip())
        if org_id:
            self.alias(org_id, *names)

    def finish(self) -> list[dict[str, str]]:
        """Deduplicate aliases by the resolver's key, prefer a cased spelling, sort."""
        out = []
        for org_id in sorted(self.rows):
            row = self.rows[org_id]
            own = {norm(row[k]) for k in ("name", "short_name", "welsh_name") if row[k]}
            best: dict[str, str] = {}
            for name in self.alias_candidates.get(org_id, []):
                key = norm(name)
                if not key or key in own:
                    continue
                if key not in best or (best[key].islower() and not name.islower()):
                    best[key] = name
            extra = [d for d in self.display[org_id] if d not in best.values() and d != row["name"]]
            row["aliases"] = "|".join(sorted({*best.values(), *extra}, key=lambda a: (norm(a), a)))
            out.append(row)
        return out


# --- councils (mySociety, GOV.UK local-authority registers, ONS names) -------------------


def split_alt_names(value: str, broken: set[str]) -> list[str]:
    """mySociety joins alt-names with "," although some names contain ", " themselves."""
    parts = [p.strip() for p in re.split(r",(?! )", value)]
    return [p for p in parts if p and p.lower() not in broken]


def councils(reg: Register, ref: Path) -> None:
    mys = read(ref / MYS / "uk_local_authorities.csv")
    by_code = {r["local-authority-code"]: r for r in mys}
    names_lookup = read(ref / MYS / "lookup_name_to_registry.csv")
    # Pieces of names written with commas and no spaces ("rhondda,cynon,taff") are not names.
    broken = {
        piece.strip().lower()
        for r in names_lookup
        if re.search(r",\S", r["la-name"])
        for piece in r["la-name"].split(",")
    }
    wales = {
        r["principal-local-authority"]: r
        for r in read(ref / ORLA / "principal-local-authority-wales.tsv", "\t")
    }
    older: dict[str, dict[str, str]] = {}
    for fname, key in [
        ("local-authority-eng.tsv", "local-authority-eng"),
        ("local-authority-sct.tsv", "local-authority-sct"),
        ("local-authority-nir.tsv", "local-authority-nir"),
    ]:
        for r in read(ref / ORLA / fname, "\t"):
            older[r[key]] = r
    former = defaultdict(set)
    for r in read(ref / MYS / "lookup_gss_to_registry.csv"):
        former[r["local-authority-code"]].add(r["gss-code"])

    for r in mys:
        code = r["local-authority-code"]
        start = r["start-date"]
        if ARTEFACT_START[0] <= start <= ARTEFACT_START[1]:
            alt = (older.get(code) or {}).get("start-date", "")
            start = alt if alt and alt[:4] not in ("1905",) and alt < "2005" else ""
            if not alt.startswith("1905"):
                reg.warnings.append(f"la/{code}: start {r['start-date']} -> {start or 'blank'}")
        end = r["end-date"]
        successors = [s.strip() for s in r["replaced-by"].split(",") if s.strip()]
        if end and successors:
            succ_starts = {by_code[s]["start-date"] for s in successors if s in by_code}
            if end in succ_starts:  # vesting day given as the end: make it the last day
                end = day_before(end)
        gss = r["gss-code"]
        former_gss = {c.strip() for c in r["former-gss-codes"].split(",") if c.strip()}
        former_gss |= former[code]
        former_gss.discard(gss)
        w = wales.get(code, {})
        reg.add(
            {
                "id": f"la/{code}",
                "kind": "combined-authority"
                if r["local-authority-type"] == "COMB"
                else "local-authority",
                "subtype": r["local-authority-type-name"],
                "name": r["official-name"],
                "short_name": r["nice-name"],
                "welsh_name": w.get("official-name-cy", ""),
                "gss": gss,
                "former_gss": "|".join(sorted(former_gss)),
                "register_code": code,
                "start": start,
                "end": end,
                "replaced_by": "|".join(f"la/{s}" for s in successors),
                "nation": r["nation"],
                "region": r["region"],
            }
        )
        reg.alias(f"la/{code}", *split_alt_names(r["alt-names"], broken))
        reg.alias(f"la/{code}", w.get("name", ""), w.get("name-cy", ""))
        old = older.get(code)
        if old and old.get("name") and "local-authority-nir" not in old:
            reg.alias(f"la/{code}", old["name"], old.get("official-name", ""))
    for r in names_lookup:
        reg.alias(f"la/{r['local-authority-code']}", r["la-name"])
    # name key -> council ids, from mySociety's own names, to place the GOV.UK name lists
    known: dict[str, set[str]] = defaultdict(set)
    for org_id, row in reg.rows.items():
        for n in [row["name"], row["short_name"], *reg.alias_candidates[org_id]]:
            known[norm(n)].add(org_id)
    # GOV.UK maps/name.tsv: its "local-authority-eng:" keys are NOT the keys of the GOV.UK
    # local-authority-eng register for about half of English districts (basildon ->
    # "BAS", the register's key for Bath and North East Somerset). So each key's group of
    # names is placed by the names themselves, and only when they point to one council.
    groups: dict[str, list[str]] = defaultdict(list)
    for r in read(ref / ORLA / "map-name-variants.tsv", "\t"):
        groups[r["local-authority"]].append(r["name"])
    for key, names in sorted(groups.items()):
        hits = set().union(*(known.get(norm(n), set()) for n in names))
        own_key = "la/" + key.split(":", 1)[-1]
        if len(hits) > 1 and own_key in hits:  # 2018 key of a since-merged county
            hits = {own_key}
        if len(hits) == 1:
            reg.alias(hits.pop(), *names)
        else:
            reg.warnings.append(f"map-name-variants {key} {names[0]!r}: matches {sorted(hits)}")
    # GOV.UK combined-authority register (2018): numeric keys, placed by name.
    for r in read(ref / ORLA / "combined-authorities.tsv", "\t"):
        hits = {
            h
            for h in known.get(norm(r["name"]), set())
            if reg.rows[h]["kind"] == "combined-authority"
        }
        if len(hits) == 1:
            reg.alias(hits.pop(), r["name"], r["official-name"])
        else:
            reg.warnings.append(f"combined-authorities.tsv: {r['name']!r} matches {hits}")
    ons_names(reg, ref)
    county_regions(reg, ref)


def county_regions(reg: Register, ref: Path) -> None:
    """A county's region is its districts' region (ONS): mySociety has at least one wrong."""
    regions = area_regions(ref)
    lad = ref / MYS / "Local_Authority_District_to_County_(April_2021)_Lookup_in_England.csv"
    districts: dict[str, set[str]] = defaultdict(set)
    for r in read(lad):
        districts[r["CTY21CD"]].add(r["LAD21CD"])
    for row in reg.rows.values():
        if row["subtype"] == "County" and row["gss"] in districts:
            ons = common_region(districts[row["gss"]], regions)
            if ons and ons != row["region"]:
                reg.warnings.append(f"{row['id']}: region {row['region']!r} -> {ons!r} (ONS)")
                row["region"] = ons


def ons_names(reg: Register, ref: Path) -> None:
    """ONS spellings ("Bristol, City of") of every council, found by GSS code."""
    for r in read(ref / ORLA / "map-gss.tsv", "\t"):
        reg.alias_by_gss(r["gss"], r["name"])
    pairs = [
        ("lookup_ltla_ltla.csv", [(f"ltla{y}_code", f"ltla{y}_name") for y in range(16, 25)]),
        (
            "lookup_ltla22_ltla23.csv",
            [("ltla22_code", "ltla22_name"), ("ltla23_code", "ltla23_name")],
        ),
        (
            "lookup_ltla23_utla23.csv",
            [("ltla23_code", "ltla23_name"), ("utla23_code", "utla23_name")],
        ),
        ("lookup_ltla24_region24.csv", [("ltla24_code", "ltla24_name")]),
        ("lookup_ltla24_csp24_pfa24.csv", [("ltla24_code", "ltla24_name")]),
        ("lookup_ltla24_fra24.csv", [("ltla24_code", "ltla24_name")]),
        ("lookup_ltla21_fra21.csv", [("ltla21_code", "ltla21_name")]),
        ("lookup_ltla21_lhb22.csv", [("ltla21_code", "ltla21_name")]),
        ("lookup_ltla21_hsct18.csv", [("ltla21_code", "ltla21_name")]),
        (
            "lookup_ltla23_cauth23.csv",
            [("ltla23_code", "ltla23_name"), ("cauth23_code", "cauth23_name")],
        ),
    ]
    for fname, cols in pairs:
        for r in read(ref / GEO / fname):
            for code_col, name_col in cols:
                reg.alias_by_gss(r[code_col], r[name_col])
    lad = ref / MYS / "Local_Authority_District_to_County_(April_2021)_Lookup_in_England.csv"
    for r in read(lad):
        reg.alias_by_gss(r["LAD21CD"], r["LAD21NM"])
        reg.alias_by_gss(r["CTY21CD"], r["CTY21NM"])
    for x in ("e06", "e07", "e08", "e09", "e10"):
        for r in read(ref / RGC / f"ons_rgc_{x}.csv"):
            reg.alias_by_gss(r["GEOGCD"], r["GEOGNM"], r.get("GEOGNMW", ""))
    for r in read(ref / RGC / "ons_rgc_n09.csv", "\t"):
        reg.alias_by_gss(r["GEOGCD"], r["GEOGNM"], r.get("GEOGNMW", ""))


# --- police and fire --------------------------------------------------------------------


def area_regions(ref: Path) -> dict[str, str]:
    """GSS code of an LA -> its region ("Wales" etc. outside England), for area bodies."""
    out = {
        r["ltla24_code"]: r["region24_name"] for r in read(ref / GEO / "lookup_ltla24_region24.csv")
    }
    for r in read(ref / MYS / "uk_local_authorities.csv"):
        if r["gss-code"] and r["region"]:
            out.setdefault(r["gss-code"], r["region"])
    return out


def common_region(codes: Iterable[str], regions: dict[str, str]) -> str:
    found = {regions.get(c.strip(), "") for c in codes}
    return found.pop() if len(found) == 1 else ""


def police(reg: Register, ref: Path) -> None:
    regions = area_regions(ref)
    pfa: dict[str, tuple[str, set[str]]] = {}
    for r in read(ref / GEO / "lookup_ltla24_csp24_pfa24.csv"):
        pfa.setdefault(r["pfa24_code"], (r["pfa24_name"], set()))[1].add(r["ltla24_code"])
    by_core = {}
    for code, (name, _) in pfa.items():
        inverted = re.sub(r"^(.*), (city of)$", r"\2 \1", name, flags=re.I)
        by_core[core(norm(inverted), "police")] = code
    for r in read(ref / FP / "police-force.tsv", "\t"):
        key = r["police-force"]
        code = by_core.pop(core(norm(r["name"]), "police"), "")
        short, members = pfa.get(code, ("", set()))
        nation = NATIONS.get(code[:1], "Northern Ireland" if key == "northern-ireland" else "")
        if not code and key != "northern-ireland":
            reg.warnings.append(f"police {key}: no police force area code")
        reg.add(
            {
                "id": f"police/{key}",
                "kind": "police-force",
                "subtype": "Territorial police force",
                "name": r["name"],
                "gss": code,
                "register_code": key,
                "nation": nation,
                "region": common_region(members, regions) if nation == "England" else nation,
            }
        )
        reg.alias(f"police/{key}", short, re.sub(r"^(.*), (City of)$", r"\2 \1", short))
    for code in by_core.values():
        reg.warnings.append(f"police force area {code} {pfa[code][0]!r}: no force in register")


def fire(reg: Register, ref: Path) -> None:
    regions = area_regions(ref)
    services = {r["fire-authority"]: r for r in read(ref / FP / "fire-authority-eng.tsv", "\t")}
    areas: dict[str, dict] = {}
    for fname, yy in [("lookup_ltla24_fra24.csv", "24"), ("lookup_ltla21_fra21.csv", "21")]:
        for r in read(ref / GEO / fname):
            code = r[f"fra{yy}_code"].strip()
            a = areas.setdefault(code, {"names": [], "members": set(), "key": "", "old": []})
            if r[f"fra{yy}_name"] not in a["names"]:
                a["names"].append(r[f"fra{yy}_name"])
            a["members"].add(r[f"ltla{yy}_code"])
    rgc_key: dict[str, str] = {}
    for r in read(ref / RGC / "statistical-geography-fire-and-rescue-authority-eng.tsv", "\t"):
        code = r["statistical-geography-fire-and-rescue-authority-eng"]
        a = areas.setdefault(code, {"names": [], "members": set(), "key": "", "old": []})
        if r["fire-authority-eng"]:
            rgc_key[code] = r["fire-authority-eng"]
            # 2016-08-01 rows only re-key existing areas to register keys: not a start
            if "2010" < r["start-date"] != "2016-08-01" and not a.get("start"):
                a["start"] = r["start-date"]
        elif r["name"]:
            a["old"].append(r["name"])
            if r["end-date"] < "2016-07-31":  # a real end, not the 2016 switch to register keys
                a["end"] = r["end-date"]

    def fcore(text: str) -> str:
        return core(norm(text), "fire")

    svc_core = {fcore(s["name"]): k for k, s in services.items()}
    labels: dict[str, str] = {}
    keys: dict[str, str] = {}
    for code, a in areas.items():
        rk = rgc_key.get(code, "")
        svc_label = re.sub(
            r" Fire (and Rescue Service|Brigade)$", "", services.get(rk, {}).get("name", "")
        )
        labels[code] = (a["names"] or a["old"] or [svc_label])[0]
        if fcore(labels[code]) in svc_core:  # 1. same name
            keys[code] = svc_core[fcore(labels[code])]
    for code in sorted(areas):  # 2. the ONS RGC key, when the names share a word
        rk = rgc_key.get(code, "")
        shared = set(fcore(labels[code]).split()) & set(
            fcore(services.get(rk, {"name": ""})["name"]).split()
        )
        if code not in keys and rk in services and rk not in keys.values() and shared:
            keys[code] = rk
    for code in sorted(areas):  # 3. the same first word, for areas in the current lookups
        if code in keys or not areas[code]["names"]:
            continue
        first = fcore(labels[code]).split()[:1]
        cands = [k for c, k in svc_core.items() if c.split()[:1] == first]
        cands = [k for k in cands if k not in keys.values()]
        if len(cands) == 1:
            keys[code] = cands[0]
    for code in sorted(areas):
        a, label, key = areas[code], labels[code], keys.get(code, "")
        rk = rgc_key.get(code, "")
        if rk and rk != key:
            reg.warnings.append(
                f"fire {code} {label!r}: ONS RGC register key {rk!r} "
                f"({services.get(rk, {}).get('name', 'no such service')}) ignored; "
                f"matched by name to {key or 'nothing'}"
            )
        svc = services.get(key)
        name = svc["name"] if svc else f"{label} Fire and Rescue Service"
        nation = NATIONS.get(code[:1], "")
        row = {
            "id": f"fire/{code}",
            "kind": "fire-and-rescue",
            "subtype": "Fire and rescue authority",
            "name": name,
            "gss": code,
            "register_code": key,
            "start": a.get("start", ""),
            "end": a.get("end", ""),
            "nation": nation,
            "region": common_region(a["members"], regions) if nation == "England" else nation,
        }
        row.update(FIRE_CURATED.get(code, {}))
        reg.add(row)
        reg.alias(f"fire/{code}", *a["names"], *a["old"])
        if "Fire" not in label:
            base = label.replace("&", "and")
            reg.alias(f"fire/{code}", f"{base} Fire and Rescue Authority")
            reg.alias(f"fire/{code}", f"{base} Fire and Rescue Service")
    for key in sorted(set(services) - set(keys.values())):
        reg.warnings.append(f"fire service {key} {services[key]['name']!r}: no FRA code")
    # Dorset (E31000012) and Wiltshire and Swindon (E31000038) combined in 2016 (ONS RGC).
    for old in ("fire/E31000012", "fire/E31000038"):
        if reg.rows.get(old, {}).get("end") and "fire/E31000047" in reg.rows:
            reg.rows[old]["replaced_by"] = "fire/E31000047"
    for row in reg.rows.values():  # areas that ended before the lookups: the successor's region
        if row["kind"] == "fire-and-rescue" and not row["region"] and row["replaced_by"]:
            row["region"] = reg.rows[row["replaced_by"].split("|")[0]]["region"]


# --- health ------------------------------------------------------------------------------

_SMALL_WORDS = {"And", "Of", "The", "For", "In", "On", "Upon", "At", "To"}


def fix_case(name: str) -> str:
    words = name.split(" ")
    return " ".join(w.lower() if i and w in _SMALL_WORDS else w for i, w in enumerate(words))


def health(reg: Register, ref: Path) -> None:
    lhb = {r["lhb22_code"]: r["lhb22_name"] for r in read(ref / GEO / "lookup_ltla21_lhb22.csv")}
    for code, name in sorted(lhb.items()):
        short = re.sub(r" University Health Board$", " UHB", name)
        short = re.sub(r" Teaching Health Board$", " THB", short)
        reg.add({
            "id": f"health/{code}", "kind": "health-board", "subtype": "Local health board",
            "name": name, "short_name": short, "gss": code, "register_code": code,
            "nation": "Wales", "region": "Wales",
        })  # fmt: skip
    boards: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in read(ref / GEO / "names_codes_hb19.csv"):
        boards[r["hb19_name"]].append(r)
    for name, rows in sorted(boards.items()):
        current = [r for r in rows if not r["date_archived"]]
        if len(current) != 1:
            reg.warnings.append(f"Scottish board {name!r}: {len(current)} current codes")
            current = sorted(rows, key=lambda r: r["date_enacted"])[-1:]
        code = current[0]["hb19_code"]
        olds = sorted(r["hb19_code"] for r in rows if r["hb19_code"] != code)
        reg.add({
            "id": f"health/{code}", "kind": "health-board", "subtype": "NHS board (Scotland)",
            "name": name, "gss": code,
            "former_gss": "|".join(olds), "register_code": code,
            "nation": "Scotland", "region": "Scotland",
        })  # fmt: skip
    trusts = {
        r["trust18_code"]: r["trust18_name"] for r in read(ref / GEO / "lookup_ltla21_hsct18.csv")
    }
    for code, short in sorted(trusts.items()):
        reg.add({
            "id": f"health/{code}", "kind": "hsc-trust", "subtype": "Health and social care trust",
            "name": f"{short} Health and Social Care Trust", "short_name": f"{short} HSC Trust",
            "register_code": code, "nation": "Northern Ireland", "region": "Northern Ireland",
        })  # fmt: skip
    nhs = read(ref / GEO / "lookup_nhs_trusts22_nhs_region21.csv")
    codes = {r["nhs_trust22_code"] for r in nhs}
    successors: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in read(ref / GEO / "lookup_trust_trust.csv"):
        if r["old_code"] in codes and r["new_code"] in codes:
            successors[r["old_code"]].append((r["date"], r["new_code"]))
    for r in sorted(nhs, key=lambda r: r["nhs_trust22_code"]):
        code, name = r["nhs_trust22_code"], r["nhs_trust22_name"]
        foundation = "Foundation Trust" in name
        row = {
            "id": f"health/{code}", "kind": "nhs-trust",
            "subtype": "NHS foundation trust" if foundation else "NHS trust",
            "name": name, "register_code": code, "nation": "England",
            "region": r["nhs_region21_name"],
        }  # fmt: skip
        if r["status"] == "closed":
            succ = sorted(successors.get(code, []))
            if succ:
                row["end"] = day_before(succ[0][0])
                row["replaced_by"] = "|".join(f"health/{c}" for d, c in succ if d == succ[0][0])
            else:
                reg.warnings.append(f"NHS trust {code} closed without successor in lookup")
        reg.add(row)
        reg.display[f"health/{code}"].append(fix_case(name))  # same key, better spelling
        reg.alias(f"health/{code}", name.replace("National Health Service Trust", "NHS Trust"))


# --- central government ------------------------------------------------------------------

GOV_PREFIX_TYPES = {
    "D": "Department", "EA": "Executive agency", "PB": "Non-departmental public body",
    "PC": "Public corporation", "DA": "Devolved administration", "EO": "Executive office",
    "IM": "Independent monitoring body", "CO": "Civil Service", "CS": "Civil Service",
    "OT": "Other",
}  # fmt: skip


def similar(name: str, other: str) -> bool:
    """Same body by spelling, or `other` is an acronym-like word made from `name`'s initials."""
    if SequenceMatcher(None, name, other).ratio() >= 0.6:
        return True
    initials = iter("".join(w[0] for w in name.split()))
    return " " not in other and len(other) > 2 and all(ch in initials for ch in other)


def government(reg: Register, ref: Path) -> None:
    register = read(ref / GOV / "government-organisation.tsv", "\t")
    govuk = read(ref / GOV / "govuk-organisations-with-type-and-dates.tsv", "\t")
    by_slug = {r["government-organisation"]: r for r in govuk}
    by_name = {norm(r["name"]): r for r in govuk}
    matched: set[str] = set()
    other_names: dict[str, str] = {}
    # The register is an append log: a later entry for a key supersedes the earlier one
    # (OT488 NHS Litigation Authority -> NHS Resolution); earlier names become aliases.
    latest: dict[str, dict[str, str]] = {}
    earlier: dict[str, list[str]] = defaultdict(list)
    for r in register:
        key = r["government-organisation"]
        if key in latest:
            earlier[key].append(latest[key]["name"])
        latest[key] = r
    for key, r in latest.items():
        slug = r["website"].rstrip("/").rsplit("/", 1)[-1]
        g = by_slug.get(slug) or by_name.get(norm(r["name"]))
        if g:
            matched.add(g["government-organisation"])
        prefix = re.match(r"[A-Z]+", key).group(0)
        end = iso(r["end-date"], last=True) or iso((g or {}).get("end date", ""), last=True)
        reg.add({
            "id": f"gov/{key}", "kind": "central-government",
            "subtype": (g or {}).get("type") or GOV_PREFIX_TYPES.get(prefix, "Other"),
            "name": r["name"], "register_code": key,
            "start": iso(r["start-date"]), "end": end,
        })  # fmt: skip
        reg.alias(f"gov/{key}", *earlier[key])
        if g and g["name"] != r["name"]:
            other_names[f"gov/{key}"] = g["name"]
    # The GOV.UK list's name is an alias only when it plausibly names the same body: the list
    # has copy errors (slug channel-4 is named "The Charity Commission").
    names = {norm(r["name"]) for r in latest.values()}
    for org_id, other in other_names.items():
        own = norm(reg.rows[org_id]["name"])
        if norm(other) in names or not similar(own, norm(other)):
            reg.warnings.append(
                f"{org_id} {reg.rows[org_id]['name']!r}: GOV.UK list name {other!r} not used"
            )
        else:
            reg.alias(org_id, other)
    for g in govuk:
        slug = g["government-organisation"]
        if slug in matched:
            continue
        reg.add({
            "id": f"gov/{slug}", "kind": "central-government", "subtype": g["type"] or "Other",
            "name": g["name"], "register_code": slug, "end": iso(g["end date"], last=True),
        })  # fmt: skip


# --- output ------------------------------------------------------------------------------


def check_short_forms(reg: Register, path: Path) -> None:
    if not path.exists():
        return
    for r in read(path):
        if r["id"] not in reg.rows:
            reg.warnings.append(f"short_forms.csv: {r['name']!r} -> unknown id {r['id']}")


def check_collisions(rows: list[dict[str, str]]) -> list[str]:
    """Names that key two current register bodies of one kind family (for review)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["end"]:
            continue
        for n in [row["name"], row["short_name"], *row["aliases"].split("|")]:
            if n:
                seen[(row["kind"].split("-")[0], norm(n))].add(row["id"])
    return [f"{k[1]!r}: {sorted(v)}" for k, v in sorted(seen.items()) if len(v) > 1]


# Where each input came from (copied from the folders' PROVENANCE.md; checked on each build).
COMMITS = {
    MYS: "67ef8b118938678401a452f4f19f669a7221cc73",
    ORLA: "68f499152ba799feae602e67c6e30ae0914f2230",
    FP: "bc2a35f926d63b95adc6e7e804bc2f0d95414a95 9852da5f2b653be56eff908c4b60e6cfd60e6918",
    GOV: "3e8ff47cce1291dae30b11aa0c332739d4c31a35",
    RGC: "f969bd74843be4a926890e25f86dec6219722e32 20f695ce744fc3922d62f1f1f310d0856f58c9a0",
    GEO: "c026be5cc76cb576358082b53f1f13d69ab577ae",
}


def check_provenance(reg: Register, ref: Path) -> None:
    for folder, commits in COMMITS.items():
        text = (ref / folder / "PROVENANCE.md").read_text(encoding="utf-8")
        for commit in commits.split():
            if commit not in text:
                reg.warnings.append(f"{folder}/PROVENANCE.md no longer names commit {commit}")


def write_readme(out: Path, counts: Counter) -> None:
    total = sum(counts.values())
    table = "\n".join(f"| {k} | {v} |" for k, v in sorted(counts.items()))
    text = README.format(table=table, total=total)
    (out / "README.md").write_text(text, encoding="utf-8")


README = """# The authority register

`organisations.csv` is the list of public bodies kgraph resolves names against
(`kgraph.resolve.Resolver`). It is generated; do not edit it by hand. Rebuild with

    python scripts/build_register.py ../shared/reference

(the argument is the folder of reference data; each sub-folder has a PROVENANCE.md). The
output is deterministic: rows sorted by `id`, fixed columns, UTF-8, multi-values joined
with `|`. `short_forms.csv` is the one hand-made file (see below).

## Counts

| kind | rows |
|---|---|
{table}
| total | {total} |

## Columns

`id` (stable, IRI-safe: `la/<mySociety code>`, `police/<data.police.uk slug>`,
`fire/<E31/W25 code>`, `health/<W11/S08 code, NI trust code or NHS ODS code>`,
`gov/<GOV.UK register key, or GOV.UK slug for bodies missing from the register>`), `kind`,
`subtype`, `name` (official), `short_name`, `welsh_name`, `aliases`, `gss`, `former_gss`,
`register_code`, `start`, `end` (ISO dates, the first and last day of existence, blank when
unknown), `replaced_by` (ids), `nation`, `region` (ONS region; for English NHS trusts the
NHS England region of 2021).

## Sources, attribution and licences

Each input is a file of a public repository at a fixed commit, copied unchanged into the
reference folder (whose PROVENANCE.md files say so):

- Councils and combined authorities: repository `mysociety/uk_local_authority_names_and_codes`,
  commit `67ef8b118938678401a452f4f19f669a7221cc73`: `data/uk_local_authorities.csv`,
  `data/lookup_name_to_registry.csv`, `data/lookup_gss_to_registry.csv`, and the ONS lookup
  `data/validation/Local_Authority_District_to_County_(April_2021)_Lookup_in_England.csv`.
  Licence CC BY 4.0 (the ONS lookup: OGL v3.0).
  Contains data from mySociety's uk_local_authority_names_and_codes.
- GOV.UK Registers, local authorities: `openregister/local-authority-data`, commit
  `68f499152ba799feae602e67c6e30ae0914f2230`: `data/local-authority-eng/local-authorities.tsv`,
  `data/local-authority-sct/local-authority-sct.tsv`,
  `data/local-authority-nir/local-authorities.tsv`,
  `data/principal-local-authority/principal-local-authority.tsv` (Welsh names),
  `data/combined-local-authorities/data.tsv`, `maps/name.tsv`, `maps/gss.tsv`. OGL v3.0.
- GOV.UK Registers, police: `openregister/police-data`, commit
  `9852da5f2b653be56eff908c4b60e6cfd60e6918`, `data/police-force/police-force.tsv`. OGL v3.0
  (derived from data.police.uk, Home Office).
- GOV.UK Registers, fire: `openregister/fire-data`, commit
  `bc2a35f926d63b95adc6e7e804bc2f0d95414a95`, `data/fire-authority.tsv` (a draft register; the
  repository states no licence: the names are those the services publish).
- GOV.UK Registers, government organisations: `openregister/government-organisation-data`,
  commit `3e8ff47cce1291dae30b11aa0c332739d4c31a35`:
  `data/government-organisation/government-organisation.tsv` and
  `lists/dates/government-organsiations.tsv` (types, closing dates). OGL v3.0.
- ONS Register of Geographic Codes, via `openregister/statistical-geography-data`, commit
  `f969bd74843be4a926890e25f86dec6219722e32` (`lists/ons/e06.csv` ... `e10.csv`, `n09.csv`: ONS
  spellings) and commit `20f695ce744fc3922d62f1f1f310d0856f58c9a0`
  (`data/statistical-geography-fire-and-rescue-authority-eng/...tsv`: fire authority codes and
  dates). Repository MIT, data ONS under OGL v3.0.
- geographr: `humaniverse/geographr`, commit `c026be5cc76cb576358082b53f1f13d69ab577ae`,
  `data/<name>.rda` converted to CSV unchanged: `lookup_ltla24_csp24_pfa24`, `lookup_ltla24_fra24`,
  `lookup_ltla21_fra21`, `lookup_ltla23_cauth23`, `lookup_ltla21_lhb22`, `lookup_ltla21_hsct18`,
  `names_codes_hb19`, `lookup_nhs_trusts22_nhs_region21`, `lookup_trust_trust`,
  `lookup_ltla_ltla`, `lookup_ltla22_ltla23`, `lookup_ltla23_utla23`, `lookup_ltla24_region24`.
  Package MIT (c) 2021 British Red Cross; the underlying ONS Open Geography, NHS Digital,
  Scottish Government and Open Data NI data are OGL v3.0.

Contains public sector information licensed under the Open Government Licence v3.0.

## What the build decides (so it can be checked)

- One row per council in mySociety's file, current and abolished (ids `la/<code>`); combined
  authorities are there as type COMB, so they get `la/` ids with kind `combined-authority`.
- mySociety `alt-names` is comma-joined although some names contain ", "; it is split on commas
  not followed by a space, and fragments of comma-joined spellings ("cynon") and mojibake
  ("Sir Ynys M\u00ef\u00bf\u00bdn" as published) are dropped. Aliases are deduplicated by
  the resolver's key (`kgraph.names.norm`), keeping a cased spelling.
- Start dates between 2005-05-01 and 2005-06-30 in mySociety (and the matching 1905 dates in
  the GOV.UK register) are record-keeping artefacts, not foundation dates: replaced by the
  GOV.UK register date when plausible (e.g. 1996-04-01 for Scottish councils), else blank.
- mySociety gives the end of councils abolished in 2021 and 2023 as the vesting day of the
  successor; the register stores the day before, so `end` is always the last day in existence.
- Police forces get their police force area code (E23/W15) by name from geographr's 2024
  lookup; fire services get their fire and rescue authority code (E31/W25) by name (four
  register keys in the ONS RGC fire file point to the wrong service and are ignored; the build
  prints them). Fire bodies without a register name are named "<area> Fire and Rescue Service";
  the area names of the lookups ("Devon & Somerset") are kept as aliases.
- GOV.UK `maps/name.tsv` labels names with old register keys that, for about half of English
  districts, are NOT the keys of the GOV.UK local-authority register (its "BAS" group is
  Basildon; the register's BAS is Bath and North East Somerset). Each key's group of names is
  therefore placed by the names themselves, and dropped when they point to no single council.
- A county's `region` is the ONS region of its districts when mySociety disagrees
  (mySociety has Lincolnshire and Derbyshire County Councils in the wrong region).
- The GOV.UK organisation list's name for a body is used as an alias only when it plausibly
  names the same body (its row `channel-4` is named "The Charity Commission"). A later register
  entry for a key supersedes an earlier one (OT488 NHS Litigation Authority -> NHS Resolution).
- Dates of dated bodies come from their sources; partial dates (2015-03) are widened to the
  first/last day of the period. NHS trusts closed in the lookup get `end` = the day before
  their successor record and `replaced_by` from `lookup_trust_trust.csv`.

## Curated

- Hampshire and Isle of Wight Fire and Rescue Authority (E31000048) began on 2021-04-01,
  replacing Hampshire (E31000017) and Isle of Wight (E31000021): not in the inputs.
- `short_forms.csv` (`name,id`): a small hand-made table of widely used acronyms and short names
  ("RCT", "KCC", "GMCA", "DWP" ...), only ones that name one body without doubt. Department
  renamings after the 2017 register (MHCLG, DLUHC -> the department registered as DCLG; DHSC ->
  Department of Health) point at the registered body, which continued under the new name.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", nargs="?", default=str(REPO.parent / "shared" / "reference"))
    ap.add_argument("--out", default=str(REPO / "data" / "register"))
    ap.add_argument("--verbose", "-v", action="store_true", help="print warnings in full")
    args = ap.parse_args(argv)
    ref, out = Path(args.reference), Path(args.out)
    if not (ref / MYS).is_dir():
        ap.error(f"{ref} does not hold {MYS}/")
    reg = Register()
    councils(reg, ref)
    police(reg, ref)
    fire(reg, ref)
    health(reg, ref)
    government(reg, ref)
    check_short_forms(reg, out / "short_forms.csv")
    check_provenance(reg, ref)
    rows = reg.finish()
    out.mkdir(parents=True, exist_ok=True)
    with (out / "organisations.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts = Counter(r["kind"] for r in rows)
    write_readme(out, counts)
    for kind, n in sorted(counts.items()):
        print(f"{kind:20} {n:5}")
    print(f"{'total':20} {sum(counts.values()):5}")
    notes = reg.warnings + [f"same name, two current bodies: {c}" for c in check_collisions(rows)]
    if notes:
        print(f"{len(notes)} notes for review" + ("" if args.verbose else " (-v to list)"))
        if args.verbose:
            print("\n".join(f"  {n}" for n in notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
