"""Deterministic news digests about the generated partnerships, as the news importer reads them.

    python -m benchmarks.generate --scale S --what news --out DIR   # 1,000 items in DIR/*.txt

The items tell of the partnerships `generate.population` makes for the same scale and seed
(the compendium CSV's partnerships): the same register councils, NHS bodies, police and fire
services and generated bodies, the same service areas, start and end years and efficiency
gains. They are written as weekly plain-text digests in the shape of the real ones
(../shared/seeds): a posting date line, a dated "News Summary of Collaboration and Shared
Services from ..." heading, headline + one-paragraph summary + "Read more >>>" items,
sections under "************" rules, commentary paragraphs and the subscription boilerplate.
Headlines vary: "X and Y to share ...", "X and Y councils ...", "X, Y and Z ...", merger
talks, joint contracts worth £k/£m, funding awards, a partner pulling out, items naming no
organisation. The news importer refuses files over 4 MB, so items go into files of
`PER_FILE` items (about 200 KB each). The same scale and seed always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks.generate import SCALES, Body, Partnership, Population, population

ITEMS = {"S": 1_000, "M": 10_000, "L": 100_000}
PER_FILE = 500
PER_ISSUE = 8  # on average
FIRST, LAST = dt.date(2005, 1, 6), dt.date(2025, 12, 18)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight"}
BOILERPLATE = [
    "Receive this Shared Service News Summary into your inbox every week. Just register on "
    "our website.",
    "No comments:",
    "Post a Comment",
]
# commentary that names no body: opinion, never an event
OPINIONS = [
    "It has been a quieter week than most, but the budget round will change that soon enough.",
    "I spoke to several chief executives this week and most say they are too busy to think "
    "about structures.",
    "Time to make a coffee and read the longer pieces below: there is a lot going on.",
    "The sums in some business cases look optimistic to me, and the auditors will have their "
    "say in due course.",
    "Members remain nervous about losing their say over local services, which is understandable.",
    "There is more to sharing than saving money: resilience matters as much as the budget line.",
]
NO_ORG_ITEMS = [
    (
        "Report finds back-office sharing saved councils {money} last year",
        "A study of shared back-office services says the average partnership saved {money}, "
        "though the cost of governance is rising.",
    ),
    (
        "Why {svc} could be the next frontier for collaboration",
        "Analysis: more authorities are looking at joint {svc} arrangements as budgets tighten "
        "and demand grows.",
    ),
    (
        "Survey: most finance directors expect more shared services by {year}",
        "Two thirds of the finance directors questioned expect to share at least one more "
        "service within three years.",
    ),
    (
        "Guidance on governance of joint committees published",
        "New guidance sets out how joint committees should report to each of their member "
        "authorities and how disputes are settled.",
    ),
]


@dataclass(frozen=True)
class Item:
    """One headline item: what was written, and what a reader should find in it."""

    headline: str
    summary: str
    kind: str | None  # the collaboration kind the wording states; None for no-organisation items
    bodies: tuple[Body, ...]  # the bodies it names, in order
    service: str
    partnership: int | None  # index into population.partnerships


@dataclass
class Issue:
    """One weekly issue: its posting date, its items in the order written (grouped by
    service into sections), and commentary sentences with the bodies they name."""

    date: dt.date
    items: list[Item] = field(default_factory=list)
    statements: list[tuple[str, tuple[Body, ...]]] = field(default_factory=list)


def _svc(service: str) -> str:
    """A service area as running text: "waste", "ICT", "HR and payroll"."""
    first = service.split()[0]
    return service if first.isupper() else service[0].lower() + service[1:]


def _money(amount: int, rnd: random.Random) -> str:
    """Pounds as news writes them: £250k, £250,000, £1.2m, £1.2 million."""
    if amount < 1_000_000:
        return f"£{amount // 1000}k" if rnd.random() < 0.6 else f"£{amount:,}"
    m = f"{amount / 1_000_000:.1f}".removesuffix(".0")
    return f"£{m}m" if rnd.random() < 0.7 else f"£{m} million"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _councils(bodies: list[Body]) -> list[Body]:
    """Councils a headline can name by short form ("Kent and Medway councils")."""
    return [
        b
        for b in bodies
        if b.kind == "local-authority" and b.short and not b.short.startswith("City of")
    ]


def _item(p: Partnership, index: int, pop: Population, rnd: random.Random) -> Item:
    """A headline item about partnership `index`, in one of several wordings."""
    bodies = [pop.bodies[m] for m in p.members]
    service = rnd.choice(p.services)
    svc = _svc(service)
    amount = p.gain or rnd.randrange(20_000, 5_000_000, 5_000)
    money = _money(amount, rnd)
    shown = bodies[: rnd.choice([2, 2, 3, 3, 4])]
    while len(shown) > 2 and len(", ".join(x.name for x in shown)) > 100:
        shown = shown[:-1]  # a headline is at most 220 characters, or it is read as text
    a, b = shown[0].name, shown[1].name
    names = _listed([x.name for x in shown])
    month = rnd.choice(MONTHS)
    councils = _councils(bodies)
    choices = ["shared", "contract", "talks", "working", "award"]
    if p.end is not None:
        choices += ["ended", "ended"]
    if len(councils) >= 2:
        choices += ["councils", "councils"]
    form = rnd.choice(choices)
    if form == "councils":
        x, y = councils[:2]
        shown = [x, y]
        headline = rnd.choice(
            [
                f"{x.short} and {y.short} councils to share {svc} service",
                f"{x.short} and {y.short} councils agree shared {svc} team",
            ]
        )
        summary = (
            f"{x.name} and {y.name} are to create a single {svc} team serving both "
            f"authorities from {month} {p.start}, saving {money} a year."
        )
        return Item(headline, summary, "shared-service", tuple(shown), service, index)
    if form == "shared":
        headline = rnd.choice(
            [
                f"{a} and {b} to share {svc} service",
                f"Shared {svc} service for {names}",
                f"{NUMBERS[len(shown)]} bodies to share {svc} services",
            ]
        )
        summary = rnd.choice(
            [
                f"{names} have agreed to run one {svc} service from {month} {p.start}, "
                f"expected to save {money} a year.",
                f"{a} will host the shared {svc} service for "
                f"{_listed([x.name for x in shown[1:]])}, with staff moving across in {month}.",
            ]
        )
        return Item(headline, summary, "shared-service", tuple(shown), service, index)
    if form == "contract":
        years = rnd.choice(["three", "five", "seven", "ten"])
        headline = rnd.choice(
            [
                f"Joint {svc} contract for {a} and {b} worth {money}",
                f"{names} sign joint {svc} contract",
            ]
        )
        summary = (
            f"{names} have jointly procured a {svc} contract worth {money} over {years} years, "
            "the largest of its kind in the region."
        )
        return Item(headline, summary, "joint-procurement", tuple(shown), service, index)
    if form == "talks":
        shown = shown[:2]
        headline = rnd.choice([f"{a} and {b} agree merger talks", f"{a} and {b} in merger talks"])
        summary = (
            f"Leaders of {a} and {b} have agreed to open formal talks on a merger of their "
            f"{svc} departments, with a decision due in {month}."
        )
        return Item(headline, summary, "merger-talks", tuple(shown), service, index)
    if form == "working":
        headline = rnd.choice(
            [f"{names} form {svc} partnership", f"New {svc} partnership for {a} and {b}"]
        )
        summary = (
            f"{names} have signed a memorandum of understanding to work together on {svc} "
            f"from {month} {p.start}."
        )
        return Item(headline, summary, "joint-working", tuple(shown), service, index)
    if form == "award":
        shown = shown[:2]
        headline = f"{a} wins {money} to work with {b} on {svc}"
        summary = (
            f"{a} and {b} have been awarded {money} from the transformation challenge fund for "
            f"their joint {svc} programme."
        )
        return Item(headline, summary, "funding-award", tuple(shown), service, index)
    # ended
    shown = shown[:2]
    headline = rnd.choice(
        [
            f"{a} pulls out of shared {svc} service with {b}",
            f"{a} and {b} to end shared {svc} arrangement",
        ]
    )
    summary = (
        f"{a} has withdrawn from the shared {svc} arrangement it ran with {b} since {p.start}, "
        f"ending the partnership in {p.end}."
    )
    return Item(headline, summary, "partnership-ended", tuple(shown), service, index)


def _no_org_item(rnd: random.Random, year: int) -> Item:
    from benchmarks.generate import SERVICES

    headline, summary = rnd.choice(NO_ORG_ITEMS)
    service = rnd.choice(SERVICES)
    values = {
        "money": _money(rnd.randrange(50_000, 900_000, 1_000), rnd),
        "svc": _svc(service),
        "year": year + 3,
    }
    return Item(headline.format(**values), summary.format(**values), None, (), service, None)


def issues(pop: Population, count: int, seed: int = 0) -> list[Issue]:
    """`count` items in weekly issues spread over 2005-2025: each item about a partnership
    sits in the issue nearest its start, one in ten names no organisation."""
    rnd = random.Random(f"news:{seed}")
    n_issues = max(1, round(count / PER_ISSUE))
    span = (LAST - FIRST).days
    dates = [FIRST + dt.timedelta(days=7 * round(i * span / 7 / n_issues)) for i in range(n_issues)]
    ordinals = [d.toordinal() for d in dates]
    out = [Issue(d) for d in dates]
    for _ in range(count):
        if rnd.random() < 0.1:
            at = rnd.randrange(n_issues)
            item = _no_org_item(rnd, dates[at].year)
        else:
            index = rnd.randrange(len(pop.partnerships))
            p = pop.partnerships[index]
            when = dt.date(p.start, 1, 1) + dt.timedelta(days=rnd.randrange(365))
            at = min(bisect_left(ordinals, when.toordinal()), n_issues - 1)
            item = _item(p, index, pop, rnd)
        issue = out[at]
        if any(i.headline == item.headline for i in issue.items):
            # the importer keys an item by its issue's date and headline: keep them apart
            item = replace(item, headline=f"{item.headline} (update)")
        issue.items.append(item)
    for issue in out:  # in the order written: items grouped in sections by service
        sections: dict[str, list[Item]] = {}
        for item in issue.items:
            sections.setdefault(item.service, []).append(item)
        issue.items = [item for items in sections.values() for item in items]
    for issue in out:  # commentary: mostly opinion, sometimes two bodies working together
        if issue.items and rnd.random() < 0.3:
            named = [i for i in issue.items if len(i.bodies) >= 2]
            if named and rnd.random() < 0.5:
                x, y = rnd.choice(named).bodies[:2]
                issue.statements.append(
                    (f"It is good to see {x.name} and {y.name} working together again.", (x, y))
                )
            else:
                issue.statements.append((rnd.choice(OPINIONS), ()))
    return [i for i in out if i.items]


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def digest_text(batch: list[Issue], rnd: random.Random) -> str:
    """The issues as one plain-text digest file."""
    lines: list[str] = []
    for issue in batch:
        posted = issue.date
        covered = posted - dt.timedelta(days=1)
        day = _ordinal(covered.day) if rnd.random() < 0.7 else str(covered.day)
        lines += [
            f"{WEEKDAYS[posted.weekday()]} {posted.day} {MONTHS[posted.month - 1]} {posted.year}",
            "",
            "News Summary of Collaboration and Shared Services from "
            f"{day} {MONTHS[covered.month - 1]} {covered.year}",
            "",
            "",
        ]
        sections: dict[str, list[Item]] = {}
        for item in issue.items:
            sections.setdefault(item.service, []).append(item)
        statements = list(issue.statements)
        for n, (service, items) in enumerate(sections.items()):
            if n:
                lines += ["************", service, ""]
            if statements and rnd.random() < 0.5:
                lines += [statements.pop()[0], ""]
            for item in items:
                lines += [item.headline, "", f"{item.summary} Read more >>>", ""]
        for text, _ in statements:
            lines += [text, ""]
        lines += [BOILERPLATE[0], "", BOILERPLATE[1], "", BOILERPLATE[2], "", ""]
    return "\n".join(lines)


def write_issues(folder: Path, batches: list[Issue], stem: str, seed: int = 0) -> list[Path]:
    """Issues into files of about PER_FILE items each (the importer takes at most 4 MB)."""
    rnd = random.Random(f"news-text:{seed}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[list[Issue]] = [[]]
    count = 0
    for issue in batches:
        if count >= PER_FILE:
            files.append([])
            count = 0
        files[-1].append(issue)
        count += len(issue.items)
    out = []
    for n, batch in enumerate(files, 1):
        path = folder / f"{stem}-{n:03d}.txt"
        path.write_text(digest_text(batch, rnd), encoding="utf-8")
        out.append(path)
    return out


def write(folder: Path, scale: str, seed: int = 0, items: int | None = None) -> list[Path]:
    """Write the digests of a scale (S, M or L) into `folder`: news-<scale>-NNN.txt."""
    orgs, partnerships = SCALES[scale]
    pop = population(orgs, partnerships, seed)
    return write_issues(folder, issues(pop, items or ITEMS[scale], seed), f"news-{scale}", seed)
