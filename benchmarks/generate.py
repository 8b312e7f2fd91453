"""Deterministic partnership data at three scales, written as the importers' own inputs.

    python -m benchmarks.generate --scale S --out partnerships.csv   # 1k organisations, 2k rows
    python -m benchmarks.generate --scale M --out partnerships.csv   # 10k, 20k
    python -m benchmarks.generate --scale L --out partnerships.csv   # 100k, 200k
    python -m benchmarks.generate --scale S --what news --out news/      # digests (generate_news)
    python -m benchmarks.generate --scale S --what survey --out survey/  # responses + definition
    python -m benchmarks.generate --scale S --what all --out inputs/     # the three in a folder

Organisations are real register bodies (councils, NHS bodies, police, fire, combined
authorities: read through `Resolver.default()`) plus generated bodies unknown to the
register ("Northfield Housing Trust"), so that resolution meets both. Each partnership has
2-8 members; most members are picked by preferential attachment (an organisation already in
many partnerships is more likely to join another), the rest uniformly, mostly from the lead's
region, which makes hubs. Dates run 2005-2025 in a few written forms; a third of the rows
end; service areas, regions and about half of the rows have an efficiency gain in pounds.
The same scale and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

SCALES = {"S": (1_000, 2_000), "M": (10_000, 20_000), "L": (100_000, 200_000)}
HEADER = [
    "Title",
    "Lead",
    "Partners",
    "Service Area",
    "Region",
    "Start",
    "End",
    "Efficiency Gain (GBP per year)",
]
REGISTER_KINDS = {
    "local-authority",
    "nhs-trust",
    "fire-and-rescue",
    "police-force",
    "health-board",
    "combined-authority",
}
REGIONS = [
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
]
SERVICES = [
    "Waste",
    "Regulatory services",
    "Adoption",
    "Social care",
    "Highways",
    "Planning",
    "Revenues and benefits",
    "Legal services",
    "Procurement",
    "HR and payroll",
    "ICT",
    "Audit",
    "Emergency planning",
    "Libraries",
    "Archives",
    "Trading standards",
    "Education",
    "Public health",
    "Housing",
    "Transport",
]
KINDS = ["Partnership", "Shared Service", "Joint Committee", "Collaboration", "Consortium"]
# generated place names: start + end syllables, optionally with a compass word in front
STARTS = [
    "North",
    "South",
    "East",
    "West",
    "Ash",
    "Oak",
    "Elm",
    "Birch",
    "Hazel",
    "Thorn",
    "Brook",
    "Mill",
    "Stone",
    "Marsh",
    "Green",
    "High",
    "Low",
    "Broad",
    "Long",
    "Red",
    "White",
    "Black",
    "Fair",
    "Wood",
    "Moor",
    "Kings",
    "Queens",
    "Bright",
    "Cold",
    "Holly",
    "Fern",
    "Heath",
    "Lark",
    "Wren",
    "Swan",
    "Otter",
    "Beck",
    "Clay",
    "Flint",
    "Iron",
    "Salt",
    "Silver",
    "Golden",
    "Rowan",
    "Willow",
    "Alder",
    "Maple",
    "Cedar",
    "Pine",
    "Yew",
]
ENDS = [
    "field",
    "ford",
    "ton",
    "bury",
    "ham",
    "wick",
    "ley",
    "worth",
    "minster",
    "caster",
    "stead",
    "by",
    "thorpe",
    "dale",
    "mouth",
    "bridge",
    "gate",
    "wood",
    "port",
    "stow",
    "hurst",
    "combe",
    "cliff",
    "well",
    "haven",
]
COMPASS = ["", "", "", "Upper ", "Lower ", "Great ", "Little ", "New ", "Old "]
BODIES = [
    "Housing Trust",
    "Housing Association",
    "Community Trust",
    "Leisure Trust",
    "Academy Trust",
    "Town Council",
    "Parish Council",
    "Community Transport",
    "Credit Union",
    "Citizens Advice",
    "Food Bank",
    "Youth Trust",
    "Arts Centre",
    "Wildlife Trust",
    "Heritage Trust",
    "Carers Centre",
    "Enterprise Agency",
    "Rural Partnership",
    "Business Improvement District",
    "Sports Foundation",
]


@dataclass(frozen=True)
class Body:
    name: str
    region: str
    in_register: bool
    kind: str = ""  # the register's kind ("local-authority", ...); "" for generated bodies
    short: str = ""  # the register's short name ("Kent" for Kent County Council)
    code: str = ""  # GSS or register code, so tests can check what a name resolved to


@dataclass(frozen=True)
class Partnership:
    """One generated partnership: indexes into the bodies, and its row's values."""

    title: str
    members: tuple[int, ...]  # the lead first
    services: tuple[str, ...]
    region: str
    start: int
    end: int | None
    gain: int | None  # efficiency gain in pounds a year
    row: tuple[str, ...]  # the compendium CSV row


@dataclass(frozen=True)
class Population:
    """The organisations and partnerships of a scale and seed, shared by every generator."""

    bodies: list[Body]
    partnerships: list[Partnership]


def organisations(count: int, rnd: random.Random) -> list[Body]:
    """Up to half real register bodies (active ones of the kinds above), the rest generated."""
    from kgraph.resolve import Resolver

    real = [
        Body(
            o.name,
            o.region or rnd.choice(REGIONS),
            True,
            o.kind,
            o.short_name,
            o.gss or o.register_code,
        )
        for o in Resolver.default()
        if o.kind in REGISTER_KINDS and not o.end
    ]
    real = rnd.sample(real, min(len(real), count // 2))
    names = {b.name.casefold() for b in real}
    made: list[Body] = []
    while len(real) + len(made) < count:
        place = rnd.choice(COMPASS) + rnd.choice(STARTS) + rnd.choice(ENDS)
        name = f"{place} {rnd.choice(BODIES)}"
        if name.casefold() not in names:
            names.add(name.casefold())
            made.append(Body(name, rnd.choice(REGIONS), False))
    everyone = real + made
    rnd.shuffle(everyone)
    return everyone


def population(orgs: int, partnerships: int, seed: int = 0) -> Population:
    """The bodies and partnerships behind `rows`: the news and survey generators draw on the
    same ones, so every input of a scale and seed tells of one population."""
    rnd = random.Random(seed)
    bodies = organisations(orgs, rnd)
    by_region: dict[str, list[int]] = {}
    for i, b in enumerate(bodies):
        by_region.setdefault(b.region, []).append(i)
    urn = list(range(len(bodies)))  # every membership adds its member once more
    made: list[Partnership] = []
    for n in range(partnerships):
        size = rnd.choice([2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8])
        lead = rnd.choice(urn)
        region = bodies[lead].region
        members = [lead]
        while len(members) < size:
            # preferential attachment mostly, else anyone from the lead's region
            pick = rnd.choice(urn) if rnd.random() < 0.6 else rnd.choice(by_region[region])
            if pick not in members:
                members.append(pick)
        urn.extend(members)
        start = rnd.randint(2005, 2024)
        end = min(2025, start + rnd.randint(1, 10)) if rnd.random() < 0.33 else None
        services = rnd.sample(SERVICES, rnd.choice([1, 1, 1, 2]))
        gain = rnd.randrange(10_000, 2_000_000, 1_000) if rnd.random() < 0.5 else None
        title = f"{region} {services[0]} {rnd.choice(KINDS)} {n + 1}"
        row = (
            title,
            bodies[lead].name,
            "; ".join(bodies[m].name for m in members[1:]),
            "; ".join(services),
            region,
            _date(start, rnd),
            _date(end, rnd) if end else "",
            str(gain) if gain is not None else "",
        )
        made.append(
            Partnership(title, tuple(members), tuple(services), region, start, end, gain, row)
        )
    return Population(bodies, made)


def rows(orgs: int, partnerships: int, seed: int = 0) -> list[list[str]]:
    """The CSV rows (header first) of `partnerships` partnerships among `orgs` organisations."""
    return [HEADER, *(list(p.row) for p in population(orgs, partnerships, seed).partnerships)]


def _date(year: int, rnd: random.Random) -> str:
    form = rnd.random()
    if form < 0.5:
        return str(year)
    if form < 0.8:
        return f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{year}"
    return f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"


def write(path: Path, scale: str, seed: int = 0) -> Path:
    """Write the compendium CSV of a scale (S, M or L) to `path`."""
    orgs, partnerships = SCALES[scale]
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows(orgs, partnerships, seed))
    return Path(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, required=True, help="the CSV (compendium), else a folder"
    )
    parser.add_argument(
        "--what",
        choices=["compendium", "news", "survey", "all"],
        default="compendium",
        help="compendium CSV (default), news digests, survey responses, or all three",
    )
    args = parser.parse_args()
    orgs, partnerships = SCALES[args.scale]
    if args.what == "compendium":
        write(args.out, args.scale, args.seed)
        print(f"{args.out}: {partnerships:,} partnerships among {orgs:,} organisations")
        return
    if args.what == "all":
        args.out.mkdir(parents=True, exist_ok=True)
        path = write(args.out / f"partnerships-{args.scale}.csv", args.scale, args.seed)
        print(f"{path}: {partnerships:,} partnerships among {orgs:,} organisations")
    if args.what in ("news", "all"):
        from benchmarks import generate_news

        files = generate_news.write(args.out, args.scale, args.seed)
        print(
            f"{args.out}: {generate_news.ITEMS[args.scale]:,} news items in {len(files)} "
            f"digest files ({files[0].name} ... {files[-1].name})"
        )
    if args.what in ("survey", "all"):
        from benchmarks import generate_survey

        path = generate_survey.write(args.out, args.scale, args.seed)
        count = min(generate_survey.RESPONSES[args.scale], orgs)
        print(f"{path}: {count:,} survey responses, definition {path.with_suffix('.toml').name}")


if __name__ == "__main__":
    main()
