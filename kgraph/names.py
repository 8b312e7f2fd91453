"""Name normalisation for organisation resolution: pure string functions, no data.

Sources spell one body many ways ("Rhondda Cynon Taf County Borough Council", "Rhondda
Cynon Taff", "RCT"), so matching never compares raw strings. Three levels are used:

* `clean` tidies what a person would call the same text (spaces, quotes, brackets): its slug
  is the IRI of a name the register does not know, so every source agrees on one IRI.
* `norm` folds accents, case, punctuation, "&"/"and", "St."/"St", a leading "the".
* `core` also drops the designators of a kind of body ("County Borough Council", "London
  Borough of", "Constabulary", "University Health Board" ...), leaving the place-like part.

The build script (scripts/build_register.py) imports these too, so the register is
deduplicated by exactly the rules the resolver matches by.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Kind families: which register kinds a query may match, chosen from words in the name.
FAMILIES: dict[str, tuple[str, ...]] = {
    "council": ("local-authority", "combined-authority"),
    "combined": ("combined-authority",),
    "police": ("police-force",),
    "fire": ("fire-and-rescue",),
    "health": ("health-board", "nhs-trust", "hsc-trust"),
    "gov": ("central-government",),
}
FAMILY_OF_KIND = {
    "local-authority": "council",
    "combined-authority": "council",
    "police-force": "police",
    "fire-and-rescue": "fire",
    "health-board": "health",
    "nhs-trust": "health",
    "hsc-trust": "health",
    "central-government": "gov",
}

_COUNCIL_PREFIXES = (
    "cyngor bwrdeistref sirol",  # Welsh: county borough council
    "cyngor dinas a sir",  # city and county council
    "cyngor sir",  # county council
    "cyngor dinas",  # city council
    "cyngor",  # council
    "metropolitan borough of",
    "london borough of",
    "royal borough of",
    "county borough of",
    "borough council of",
    "city and county of",
    "council of the",
    "borough of",
    "county of",
    "city of",
    "lb",
    "rb",
)
_COUNCIL_SUFFIXES = (
    "mayoral combined county authority",
    "mayoral combined authority",
    "combined county authority",
    "combined authority",
    "metropolitan borough council",
    "metropolitan district council",
    "county borough council",
    "city and district council",
    "county council",
    "borough council",
    "district council",
    "city council",
    "unitary authority",
    "council",
    "metropolitan bc",
    "metropolitan borough",
    "metropolitan district",
    "county borough",
    "london borough",
    "london boro",
    "corporation",
    "city of",
    "county of",
    "borough",
    "district",
    "county",
    "city",
    "mbc",
    "cbc",
    "mca",
    "cca",
    "cc",
    "dc",
    "bc",
    "ua",
    "ca",
)
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "council": _COUNCIL_SUFFIXES,
    # not "city": "Liverpool City Region" is not "Liverpool"
    "combined": _COUNCIL_SUFFIXES[:4] + ("mca", "cca", "ca"),
    "police": ("police service", "police force", "constabulary", "police"),
    "fire": (
        "fire and emergency planning authority",
        "fire and rescue authority",
        "fire and rescue service",
        "combined fire authority",
        "fire and rescue",
        "fire authority",
        "fire brigade",
        "fire service",
        "fire",
        "county",
        "frs",
        "fra",
    ),
    "health": (
        "national health service trust",
        "health and social care trust",
        "nhs foundation trust",
        "university health board",
        "teaching health board",
        "local health board",
        "health board",
        "nhs trust",
        "hsc trust",
        "uhb",
        "lhb",
    ),
    "gov": (),
}
_PREFIXES: dict[str, tuple[str, ...]] = {
    "council": _COUNCIL_PREFIXES,
    "combined": (),
    "police": ("police service of",),
    "fire": (),
    "health": ("nhs",),
    "gov": (),
}
# Cores too vague to stand for one body ("City of London" must not answer "London").
_STOP_CORES = frozenset({"london", "north", "south", "east", "west", "mid", "central"})

# Which subtypes a designator in the query points to (a tie-break, never a filter to zero).
_DESIGNATOR_SUBTYPES = (
    (
        r"\b(metropolitan borough council|metropolitan bc|mbc|metropolitan district council)$",
        ("Metropolitan district",),
    ),
    (r"\b(county borough council|cbc)$", ("Welsh unitary authority",)),
    (r"\b(county council|cc)$", ("County",)),
    (r"\b(district council|dc)$", ("Non-metropolitan district",)),
    (r"^(london borough of|lb|royal borough of|rb)\b", ("London borough",)),
)

_DESIGNATOR_SUBTYPE_RES = tuple((re.compile(p), subtypes) for p, subtypes in _DESIGNATOR_SUBTYPES)

COUNTY_ABBREVIATIONS = {
    "cambs": "cambridgeshire",
    "northants": "northamptonshire",
    "notts": "nottinghamshire",
    "leics": "leicestershire",
    "lincs": "lincolnshire",
    "herts": "hertfordshire",
    "beds": "bedfordshire",
    "bucks": "buckinghamshire",
    "glos": "gloucestershire",
    "gloucs": "gloucestershire",
    "hants": "hampshire",
    "oxon": "oxfordshire",
    "wilts": "wiltshire",
    "worcs": "worcestershire",
    "staffs": "staffordshire",
    "derbys": "derbyshire",
    "lancs": "lancashire",
    "berks": "berkshire",
    "warks": "warwickshire",
    "shrops": "shropshire",
    "yorks": "yorkshire",
}


def singular(word: str) -> str:
    """A lower-case word's singular, roughly ("authorities" -> "authority", "services" ->
    "service"; "business", "bus", "analysis" kept): enough to match headings and labels."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> frozenset[str]:
    """A set of words written as one string (readable word lists)."""
    return frozenset(text.split())


_QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb"
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}


def clean(name: str) -> str:
    """Trim, collapse whitespace, strip surrounding quotes/brackets and trailing punctuation."""
    text = " ".join(name.split())
    while True:
        before = text
        text = text.rstrip(",;:.").strip()
        if len(text) >= 2 and (
            _PAIRS.get(text[0]) == text[-1] or (text[0] in _QUOTES and text[-1] in _QUOTES)
        ):
            text = text[1:-1].strip()
        elif len(text) == 1 and text in _QUOTES:
            text = ""
        if text == before:
            return text


def fold(text: str) -> str:
    """Accents off (Môn -> Mon), typographic apostrophes and dashes made plain."""
    if text.isascii():  # nothing to fold
        return text
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    return text.replace("\u0131", "i")  # dotless i has no decomposition; its capital is I


_INVERTED = re.compile(r"^(.+?),\s*(city|county|borough|royal borough|london borough) of$")


@functools.lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """The comparison key: folded, lower case, "&" -> "and", punctuation -> spaces, no "the"."""
    text = fold(text).casefold().replace("&", " and ").replace("+", " and ")
    text = _INVERTED.sub(r"\2 of \1", text.strip())  # ONS "Bristol, City of"
    text = _APOSTROPHES.sub("", text)  # King's -> kings
    text = _NOT_WORD.sub(" ", text).strip()
    text = _SAINT.sub("st", text)
    text = _THE.sub("", text)
    return text


_APOSTROPHES = re.compile(r"['`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_SAINT = re.compile(r"\bsaint\b")
_THE = re.compile(r"^the\s+")


def _by_word(designators: dict[str, tuple[str, ...]], at: int) -> dict[str, dict]:
    """family -> first (at=0) or last (at=-1) word -> its designators, in their order."""
    out: dict[str, dict[str, list[str]]] = {}
    for family, items in designators.items():
        index = out.setdefault(family, {})
        for d in items:
            index.setdefault(d.split(" ")[at], []).append(d)
    return out


_PREFIXES_BY_WORD = _by_word(_PREFIXES, 0)
_SUFFIXES_BY_WORD = _by_word(_SUFFIXES, -1)


def strip_designators(n: str, family: str = "council") -> str:
    """Drop the designators of a family from both ends of a normalised name, repeatedly."""
    # only the designators sharing the name's first (last) word can start (end) it
    prefixes, suffixes = _PREFIXES_BY_WORD.get(family, {}), _SUFFIXES_BY_WORD.get(family, {})
    text = n
    changed = True
    while changed and text:
        changed = False
        for p in prefixes.get(text.split(" ", 1)[0], ()):
            if text.startswith(p + " ") and len(text) > len(p) + 1:
                text, changed = text[len(p) + 1 :], True
                break
        for s in suffixes.get(text.rsplit(" ", 1)[-1], ()):
            if text.endswith(" " + s) and len(text) > len(s) + 1:
                text, changed = text[: -len(s) - 1], True
                break
        if text.startswith("the "):
            text, changed = text[4:], True
    return text


@functools.lru_cache(maxsize=1 << 16)
def core(n: str, family: str = "council") -> str:
    """The place-like part of a normalised name, or "" when nothing specific is left."""
    text = strip_designators(n, family)
    return "" if family in ("council", "combined") and text in _STOP_CORES else text


def expand_abbreviations(n: str) -> str:
    """County short forms: "south cambs" -> "south cambridgeshire", "northants cc" -> ..."""
    return " ".join(COUNTY_ABBREVIATIONS.get(tok, tok) for tok in n.split())


def designated_subtypes(n: str) -> tuple[str, ...]:
    """Subtypes a designator in a normalised name points to ("essex cc" -> County)."""
    for pattern, subtypes in _DESIGNATOR_SUBTYPE_RES:
        if pattern.search(n):
            return subtypes
    return ()


def family_hint(n: str) -> str | None:
    """Which kind family a normalised name names, from its words; None for a plain name."""
    for pattern, family in _FAMILY_HINTS:
        if pattern.search(n):
            return family
    return None


_FAMILY_HINTS = tuple(
    (re.compile(pattern), family)
    for pattern, family in (
        (r"\b(and|fire and) crime commissioner\b|\bpcc$|\bopcc\b", "pcc"),
        (r"\b(police|constabulary)\b", "police"),
        (r"\bfire\b", "fire"),
        (
            r"\b(health board|nhs|health and social care trust|hsc trust|uhb|lhb"
            r"|health service trust)\b",
            "health",
        ),
        (r"\b(combined (county )?authority|m?ca|cca)$", "combined"),
    )
)


_GENERIC_WORDS = words(
    "the a an our their its local all both two three four five six seven several many some "
    "various other neighbouring neighboring nearby participating partner partners member "
    "members constituent relevant respective individual english welsh scottish uk british "
    "public sector of and or in for each every these those such council councils authority "
    "authorities unitary county counties district districts borough boroughs city cities "
    "town parish metropolitan police force forces constabulary constabularies fire rescue "
    "service services brigade nhs health board boards trust trusts hospital hospitals body "
    "bodies organisation organisations organization organizations agency agencies "
    "department departments government governments ministry ministries partnership "
    "partnerships region regions area areas committee committees forum forums group groups "
    "working steering joint scrutiny advisory"
)


def is_generic(name: str) -> bool:
    """True for a mention that names no one body: "local councils", "the council", "the police".

    News text says "the council" where a person knows which one from context; resolving such a
    phrase by words alone would tie unrelated facts to one body, so it is left unresolved.
    """
    tokens = norm(clean(name)).split()
    if len(tokens) > 1 and tokens[0] in _NATIONS and not any(t in _PLURALS for t in tokens):
        # "Scottish Fire and Rescue Service", "Welsh Government": one national body;
        # "Welsh councils", "Scottish police forces" stay generic
        return False
    return not tokens or all(tok in _GENERIC_WORDS for tok in tokens)


_NATIONS = words("english welsh scottish uk british")
_PLURALS = words(
    "councils authorities counties districts boroughs cities forces constabularies services "
    "boards trusts hospitals bodies organisations organizations agencies departments "
    "governments ministries partnerships regions areas partners members"
)


_CONTRACTORS = (
    "capita|serco|liberata|agilisys|bt|amey|veolia|kier|mitie|g4s|sopra steria|biffa|suez"
    "|fcc environment|interserve|carillion|atos|fujitsu|civica|northgate|arvato|balfour beatty"
    "|ringway|skanska|sodexo|babcock|mears|equans|engie|idox|steria|accenture|deloitte"
    "|kpmg|pwc|ernst and young|ey|bam|galliford try|wates|morgan sindall|virgin care|care uk"
)

# (regex on the normalised name, kind, subtype): the first match types an unknown name.
_PATTERNS: tuple[tuple[str, str, str], ...] = (
    (
        r"\b(and|fire and) crime commissioner\b|\bpcc$|\bopcc\b",
        "other-public-body",
        "police and crime commissioner",
    ),
    (r"\b(police|constabulary)\b", "police-force", ""),
    (r"\bfire and rescue\b|\bfire (authority|service|brigade)\b", "fire-and-rescue", ""),
    (r"\bhealth and social care trust\b|\bhsc trust\b", "hsc-trust", ""),
    (r"\bnhs (foundation )?trust\b|\bhealth service trust\b", "nhs-trust", ""),
    (
        r"\b(health board|clinical commissioning group|ccg|integrated care (board|system)"
        r"|icb|ics)\b",
        "health-board",
        "",
    ),
    (r"\bpension fund\b|\bpension(s)? (partnership|pool)\b", "pension-fund", ""),
    (r"\bcombined (county )?authority\b", "combined-authority", ""),
    (r"^university of\b|\buniversity$|\buniversity (college|of)\b", "university", ""),
    (r"\bcollege\b", "college", ""),
    (  # boards, groups and committees public bodies set up together, not firms
        r"\b(leadership|implementation|working|steering|advisory|programme|program|project"
        r"|partnership|partnerships|reference|strategy|liaison|scrutiny|oversight"
        r"|transformation|improvement|delivery) group$"
        r"|\b(partnership|programme|program|project|safeguarding|services|scrutiny|oversight"
        r"|transformation|improvement|delivery|leadership|advisory|strategic|joint) board$"
        r"|\b(committee|forum)$",
        "other-public-body",
        "",
    ),
    (
        r"\b(ltd|limited|plc|llp|and co|group|holdings|inc)$|\b(ltd|limited|plc|llp)\b",
        "company",
        "",
    ),
    (rf"^({_CONTRACTORS})\b", "company", ""),
    (
        r"\bcitizens advice\b|\bhousing association\b|\b(charity|charitable|cic|foundation)\b"
        r"|\bcommunity interest company\b|\bvoluntary\b|\btrust$|\btrust\b"
        r"|\bfood ?banks?$|\bcredit union$|\bhospice$|\bcarers (centre|center)$",
        "third-sector",
        "",
    ),
    (r"\b(town|parish|community) council$", "local-authority", "town or parish council"),
    (r"\bcouncil$|^council of\b|\b(borough|county|district|city) council\b", "local-authority", ""),
    (r"^(department (for|of)|ministry (of|for)|office (of|for))\b", "central-government", ""),
    (
        r"\b(agency|commission|commissioner|ombudsman|inspectorate|regulator|authority)$",
        "other-public-body",
        "",
    ),
)


_PATTERN_RES = tuple((re.compile(p), kind, subtype) for p, kind, subtype in _PATTERNS)


def pattern_kind(n: str) -> tuple[str, str]:
    """(kind, subtype) of an unknown normalised name by its form, or ("unknown", "")."""
    for pattern, kind, subtype in _PATTERN_RES:
        if pattern.search(n):
            return kind, subtype
    return "unknown", ""


# Words too vague to start a prefix match alone ("North" is a prefix of dozens of councils).
PREFIX_STOP = words(
    "north south east west mid central city county greater isle isles of the upon and new "
    "great st royal borough vale forest"
)


def region_fits(org_region: str, org_nation: str, region: str) -> bool:
    """A query region fits a body by region ("London") or by nation ("South East Wales")."""
    r = f" {norm(region)} "
    return norm(org_region) == r.strip() or bool(org_nation and f" {norm(org_nation)} " in r)
