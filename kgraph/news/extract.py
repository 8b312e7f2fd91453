"""Facts from news blocks: collaboration events with kind, organisations, service, money.

Rules, in the order a block meets them:

* **items** (a headline and its summary) always become one record. The kind comes from the
  headline's wording, else the summary's; the organisations are those of the headline, the
  summary's first sentence and the sentence that names the kind; money is every sum in the
  headline and summary, its meaning read from the words around it ("save" -> saving, "deal"
  -> contract value, "received" -> funding).
* **commentary** sentences become events only when they state a collaboration between two
  or more named organisations (or a partner change): an opinion that mentions councils is
  not an event. They are marked for review (lower confidence).
* **bullet lists** under a heading that names a collaboration kind ("Delivering Differently
  Fund Winners") give one event per listed organisation.
* Outsourcing and in-sourcing tie a council to the provider named with it, not to other
  councils the sentence compares it with. A partner change ("chosen a new partner in X")
  ties the changer to the new partner, and ends the earlier partnership with the partner the
  story named before.

Confidence starts at 0.85 for items, 0.6 for commentary and lists; weak wording, a guessed
organisation match and hedges lower it; below 0.7 a fact is marked kg:needsReview.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from kgraph import concepts
from kgraph.news.digest import Block
from kgraph.news.orgs import Mention, OrgFinder
from kgraph.records import EventRecord, OrgRef, Origin, Outcome, PartialDate
from kgraph.values import find_money, outcome_kind

REVIEW_BELOW = 0.7

# (kind, strength, pattern): the wording news uses for each collaboration kind.
_KIND_CUES: tuple[tuple[str, float, str], ...] = (
    ("partnership-ended", 1.0,
     r"\bnew\s+partners?\b|\bchang\w*\s+(?:of\s+)?partners?\b|\bswitch\w*\s+partners?\b"
     r"|\b(?:pull\w*|walk\w*|bow\w*)\s+out\b|\bwithdr[ae]w\w*\b|\bquit\w*\b"
     r"|\bleav\w*\s+the\s+(?:partnership|shared|joint|arrangement|consortium|alliance)"
     r"|\bsplit\w*\s+(?:from|with|up)\b|\bbreak\w*[\s-]+up\b|\bbroke\w*[\s-]+up\b|\bdissol\w*"
     r"|\bend\w*\s+(?:the\s+|their\s+|its\s+)?(?:partnership|shared|joint|arrangement|"
     r"agreement|alliance)|\bterminat\w*|\bscrap\w*\s+(?:the\s+|their\s+|its\s+)?"
     r"(?:shared|joint|partnership)|\bcollapse[sd]?\b"),
    ("in-sourcing", 1.0,
     r"\bin-?sourc\w*|\b(?:back|brought|bring\w*|taken|tak\w*|return\w*)\s+(?:[\w-]+\s+){0,6}?"
     r"in-house\b|\bback\s+in-house|\bback\s+into\s+the\s+(?:town|county|city|council)\s+hall"
     r"|\bback\s+under\s+(?:council|direct|public)\s+control"),
    ("merger-talks", 1.0,
     r"\bmerger\s+(?:talks|discussions|proposals?|plans?|bid)\b|\btalks?\s+(?:on|about|over)\s+"
     r"(?:a\s+)?(?:possible\s+|potential\s+)?merg|\b(?:explor\w*|consider\w*|discuss\w*|"
     r"propos\w*)\s+(?:a\s+)?(?:possible\s+|potential\s+|voluntary\s+)?merg"
     r"|\bproposed\s+merger|\b(?:could|may|might|would)\s+merge\b|\bplans?\s+to\s+merge"),
    ("joint-procurement", 1.0,
     r"\bjoint(?:ly)?\s+(?:procure\w*|purchas\w*|commission\w*|buy\w*|tender\w*)"
     r"|\b(?:procurement|purchasing|buying)\s+(?:consortium|partnership|framework|hub)"
     r"|\bframework\s+agreement|\bcollaborative\s+procurement|\bjoint\s+(?:[\w-]+\s+){0,2}?"
     r"contracts?\b|\bshared\s+(?:[\w-]+\s+){0,2}?contracts?\b|\bprocure\w*\s+together"),
    ("joint-venture", 1.0,
     r"\bjoint\s+venture|\bjointly[\s-]owned|\btrading\s+compan\w*|\bteckal\b"
     r"|\bcommunity\s+interest\s+company|\bLATC\b|\bALMO\b|\bwholly[\s-]owned\s+company"
     r"|\barm'?s[\s-]length\s+(?:company|organisation|body)|\bspin[\s-]out|\bmutual\b"),
    ("outsourcing", 1.0,
     r"\boutsourc\w*|\bcontract\w*\s+out\b|\bexternalis\w*|\bexternaliz\w*"
     r"|\bprivate\s+(?:firm|company|sector\s+partner|provider|contractor)"),
    ("merger", 1.0,
     r"\bmerg(?:e|ed|er|ers|es|ing)\b|\bamalgamat\w*|\bunitary\b|\bsuper-?councils?\b"
     r"|\bsingle\s+(?:council|authority|force|fire\s+service)\b|\breorganis\w*|\breorganiz\w*"
     r"|\bshake-?up\b|\bcombine[sd]?\s+into\b"),
    ("shared-service", 1.0,
     r"\bshar(?:e|es|ed|ing)\s+(?:a\s+|an\s+|their\s+|its\s+|the\s+)?(?:[\w-]+\s+){0,3}?"
     r"(?:services?|teams?|staff|management|chief\s+executives?|directors?|officers?|"
     r"functions?|departments?|systems?|offices?|buildings?|headquarters|hq|payroll|"
     r"back[\s-]office|ict|it|legal|planning|waste|control\s+rooms?|managers?|heads?|"
     r"arrangements?)\b|\bshared[\s-]services?\b"
     r"|\b(?:one|single|joint|combined|merged)\s+(?:[\w-]+\s+){0,2}?(?:team|service|unit|"
     r"department|control\s+room)s?\s+(?:could|would|will|to|for|covering|across|serving|"
     r"oversee\w*)\b|\bto\s+share\b"),
    ("funding-award", 1.0,
     r"\b(?:awarded|won|wins?|secured?|receiv\w*|granted|allocated|handed)\b[^.;]{0,50}?"
     r"(?:\bfund\w*|\bgrants?\b|£)|\b(?:fund|grant)\s+(?:winners?|awards?|boost)"
     r"|\bchallenge\s+fund\w*|\btransformation\s+(?:challenge\s+)?award|\bwinners?\b"
     r"|\bdelivering\s+differently"),
    ("joint-working", 1.0,
     r"\bwork\w*\s+(?:collaboratively|together|jointly|in\s+partnership)\b|\bjoint[\s-]working"
     r"|\b(?:form|forg|enter|sign|agree|announc|launch)\w*\s+(?:a\s+|an\s+|into\s+a\s+)?"
     r"(?:new\s+)?(?:[\w-]+\s+)?(?:partnership|alliance|collaboration|memorandum)"
     r"|\bpartner\w*\s+with\b|\bteam(?:s|ed|ing)?\s+up\b|\bjoin\w*\s+forces\b"
     r"|\bmemorandum\s+of\s+understanding|\bworking\s+group"),
    ("joint-working", 0.7, r"\bcollaborat\w*|\bpartnerships?\b|\balliance\b|\bjointly\b"),
)  # fmt: skip
# The cues matched case-sensitively against lower-cased text, twice as fast as IGNORECASE:
# the cues hold no upper-case escape, so lowering them changes only letters.
_CUES_LOWER = [(kind, strength, re.compile(rx.lower())) for kind, strength, rx in _KIND_CUES]


@functools.cache
def _cues_ignorecase() -> list[tuple[str, float, re.Pattern[str]]]:
    """The cues as written, for the rare text lower() cannot stand in for (compiled on
    first need: compiling them cost every process ~10 ms)."""
    return [(kind, strength, re.compile(rx, re.IGNORECASE)) for kind, strength, rx in _KIND_CUES]


# Letters IGNORECASE matches to an ASCII letter that lower() leaves alone (dotless i, long s)
_FOLDS_APART = frozenset("\u0131\u017f")
# Kinds that win over the others in one sentence (a partner change mentions joint working).
_PRIORITY = ("partnership-ended", "in-sourcing", "merger-talks")
_STARTS = frozenset(
    [
        "shared-service",
        "joint-working",
        "joint-procurement",
        "merger-talks",
        "merger",
        "outsourcing",
        "joint-venture",
        "funding-award",
    ]
)
_PROVIDER_KINDS = frozenset({"company", "third-sector", "unknown"})
_JOINT = re.compile(r"\b(?:joint\w*|together|shar\w+|partnership|collaborat\w*)\b", re.I)
_HEDGE = re.compile(
    r"\b(?:could|may|might|would|consider\w*|propos\w*|plans?|explor\w*|possible|potential"
    r"|reportedly|rumou?r\w*|if)\b|\?",
    re.IGNORECASE,
)
_NEW_PARTNER = re.compile(r"\bnew\s+partners?\b|\bswitch\w*\b|\bjoin\w*\b|\bchos\w*\b", re.I)
_LEAVE = re.compile(r"\b(?:leav\w*|quit\w*|(?:pull\w*|walk\w*)\s+out\s+of|split\w*\s+from|"
                    r"withdr[ae]w\w*\s+from|drop\w*|ditch\w*|dump\w*)\b", re.I)  # fmt: skip
_PAST_DATE = re.compile(
    r"\b(?:in|since|from|during)\s+(?:(January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\s+)?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9£])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Cllr|St|No|Co|Ltd|Prof|Rev|Sr|Jr|e\.g|i\.e|etc|vs)\.$")
_FUNDED = re.compile(r"\b(?:receiv\w*|won|secured?|awarded|allocated|granted|inject\w*|"
                     r"given|handed)\b", re.I)  # fmt: skip
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}


def sentences(text: str) -> list[str]:
    parts: list[str] = []
    for piece in _SENTENCE.split(text):
        if parts and _ABBREV.search(parts[-1]):
            parts[-1] += " " + piece
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]


def kind_of(text: str) -> tuple[str | None, float, int]:
    """(kind notation, strength, position) of the collaboration a text names, or None."""
    lowered = text.lower()
    # a lower-cased letter that grew ("İ" -> "i̇") would move every position after it
    if len(lowered) == len(text) and _FOLDS_APART.isdisjoint(text):
        return _strongest_cue(lowered, _CUES_LOWER)
    return _strongest_cue(text, _cues_ignorecase())


def _strongest_cue(
    text: str, cues: list[tuple[str, float, re.Pattern[str]]]
) -> tuple[str | None, float, int]:
    hits: list[tuple[int, float, str]] = []
    for kind, strength, rx in cues:
        m = rx.search(text)
        if m:
            hits.append((m.start(), strength, kind))
    if not hits:
        return None, 0.0, -1
    for kind in _PRIORITY:
        for pos, strength, k in hits:
            if k == kind:
                return kind, strength, pos
    pos, strength, kind = min(hits, key=lambda h: (-h[1], h[0]))
    return kind, strength, pos


# -- service areas -----------------------------------------------------------------------------

# Single-word labels specific enough to name a service in running text.
_SERVICE_WORDS = frozenset(
    [
        "planning",
        "legal",
        "payroll",
        "pensions",
        "pension",
        "waste",
        "recycling",
        "refuse",
        "libraries",
        "library",
        "highways",
        "ict",
        "hr",
        "personnel",
        "procurement",
        "audit",
        "housing",
        "education",
        "schools",
        "policing",
        "licensing",
        "revenues",
        "pensions",
        "lawyers",
        "solicitors",
        "bins",
        "cctv",
        "archives",
        "museums",
        "parking",
        "fostering",
        "adoption",
        "homelessness",
        "leisure",
    ]
)


@dataclass(frozen=True)
class _Label:
    words: tuple[str, ...]
    notation: str


def _service_labels() -> list[_Label]:
    from rdflib.namespace import SKOS

    out = []
    for c in concepts.all_concepts("service"):
        texts = [c.label, *concepts.ontology_values(c.iri, SKOS.altLabel)]
        texts += concepts.ontology_values(c.iri, SKOS.hiddenLabel)
        for text in texts:
            words = tuple(_words(text))
            if len(words) > 1 or (words and words[0] in _SERVICE_KEYS):
                out.append(_Label(words, c.notation))
    out.sort(key=lambda lab: -len(lab.words))
    return out


def _words(text: str) -> list[str]:
    t = text.lower().replace("&", " and ").replace("’", "'")
    t = re.sub(r"'s\b", "s", t)
    return [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
            for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", t)]  # fmt: skip


_SERVICE_KEYS = frozenset(w for word in _SERVICE_WORDS for w in _words(word))
# first word -> (rank, label) for every label starting with it; rank is the label's place in
# the longest-first order, which decides between labels that overlap
_BY_FIRST: dict[str, list[tuple[int, _Label]]] | None = None


def _labels_by_first_word() -> dict[str, list[tuple[int, _Label]]]:
    global _BY_FIRST
    if _BY_FIRST is None:
        index: dict[str, list[tuple[int, _Label]]] = {}
        for rank, lab in enumerate(_service_labels()):
            index.setdefault(lab.words[0], []).append((rank, lab))
        _BY_FIRST = index
    return _BY_FIRST


def prepare() -> None:
    """Build the word tables and the finder a first item would (see Importer.prepare)."""
    _labels_by_first_word()
    OrgFinder.default()


def services_in(text: str) -> list[str]:
    """Service-area notations a text names, longest labels first, in order of appearance.

    Only the labels starting with a word of the text are tried (a dict keyed by first
    word), not every label at every position; the matches are then taken in label order,
    longest first, so an overlap is settled as a scan of label after label would.
    """
    index = _labels_by_first_word()
    words = _words(text)
    matches: list[tuple[int, int, _Label]] = []
    for i, word in enumerate(words):
        for rank, lab in index.get(word, ()):
            n = len(lab.words)
            if tuple(words[i : i + n]) == lab.words:
                matches.append((rank, i, lab))
    if not matches:
        return []
    taken = [False] * len(words)
    found: list[tuple[int, str]] = []
    for _, i, lab in sorted(matches, key=lambda m: (m[0], m[1])):
        n = len(lab.words)
        if any(taken[i : i + n]):
            continue
        if lab.words == ("planning",) and i + 1 < len(words) and words[i + 1] == "to":
            continue  # "planning to merge" is not the planning service
        for x in range(i, i + n):
            taken[x] = True
        found.append((i, lab.notation))
    return list(dict.fromkeys(n for _, n in sorted(found)))


# -- money -------------------------------------------------------------------------------------


# Every sum `find_money` reads has a figure or a scale word ("£3m", "half a million pounds"):
# half the sentences of a digest have neither, and are not scanned for amounts.
_FIGURE = re.compile(r"\d|£|million|billion|thousand|trillion|pound|gbp", re.IGNORECASE)


def outcomes_in(sentence: str, default_kind: str | None) -> list[Outcome]:
    """The sums a sentence states, each with what it is (saving, funding, contract value)."""
    if not _FIGURE.search(sentence):
        return []
    out = []
    for money in find_money(sentence):
        at = sentence.find(money.text)
        before = sentence[max(0, at - 70) : at] if at >= 0 else sentence
        after = sentence[at + len(money.text) : at + len(money.text) + 40] if at >= 0 else ""
        kind = None
        for size in (3, 6, 10):  # the nearest words decide ("in a bid to save £147m")
            words_before = " ".join(before.split()[-size:])
            kind = ("funding" if _FUNDED.search(words_before) else None) or outcome_kind(
                words_before
            )
            if kind:
                break
        kind = kind or outcome_kind(" ".join(after.split()[:5]))
        conf = 0.8 if kind else 0.5
        if kind is None:
            kind = {"funding-award": "funding", "outsourcing": "contract-value"}.get(
                default_kind or "", "efficiency-gain"
            )
        out.append(Outcome(kind, money, sentence, conf))
    return out


# -- events ------------------------------------------------------------------------------------


@dataclass
class _Event:
    """An event being built (records are frozen; a later partner change may end it)."""

    rec: EventRecord
    mentions: list[Mention]
    story: tuple[int, int]  # (digest key hash, story) scope for context
    former: list[Mention] = field(default_factory=list)


class Extractor:
    """Turns the blocks of one file into EventRecords."""

    def __init__(self, path: str, finder: OrgFinder | None = None) -> None:
        self.path = path
        self.finder = finder or OrgFinder.default()
        self.events: list[_Event] = []
        self.regions: dict[tuple[int, int], Counter] = {}
        self.intro: dict[tuple[int, int], str] = {}

    def run(self, blocks: list[Block]) -> Iterator[EventRecord]:
        for b in blocks:  # the regions a story's bodies are in settle ambiguous names
            regions = self.regions.setdefault(_scope(b), Counter())
            for text in (b.headline, b.text):
                if text:
                    self._find(text, regions)
        for b in blocks:
            scope = _scope(b)
            regions = self.regions.setdefault(scope, Counter())
            if b.kind == "item":
                self._item(b, scope, regions)
            elif b.kind == "commentary":
                self.intro.setdefault(scope, b.text)
                for s in sentences(b.text):
                    self._statement(b, s, scope, regions, is_item=False)
            elif b.kind == "bullet":
                self._bullet(b, scope, regions)
        for ev in self.events:
            yield ev.rec

    # -- helpers --------------------------------------------------------------------------
    def _find(self, text: str, regions: Counter) -> list[Mention]:
        found = self.finder.find(text, regions)
        for m in found:
            if m.org.region and m.org.in_register:
                regions[m.org.region] += 1
        return found

    def _ref(self, m: Mention) -> OrgRef:
        o = m.org
        return OrgRef(m.text, o.gss or o.register_code or None) if o.in_register else OrgRef(o.name)

    def _date(self, b: Block) -> PartialDate | None:
        return b.date or (b.digest.date if b.digest else None)

    # -- items ------------------------------------------------------------------------------
    def _item(self, b: Block, scope, regions: Counter) -> None:
        summary_sents = sentences(b.text) if b.text else []
        headline = b.headline or (summary_sents[0] if summary_sents else b.text)[:200]
        kind, strength, _ = kind_of(headline)
        cue_sentence = headline if kind else None
        for s in summary_sents:  # the summary settles a headline without strong wording
            if kind is None or strength < 1.0:
                k, st, _ = kind_of(s)
                if k and st > strength:
                    kind, strength, cue_sentence = k, st, s
        head_m = self._find(headline, regions) if b.headline else []
        lede = summary_sents[0] if summary_sents else ""
        lede_m = self._find(lede, regions) if lede else []
        cue_m = (
            self._find(cue_sentence, regions)
            if cue_sentence and cue_sentence not in (headline, lede)
            else []
        )
        mentions = _unique(head_m + lede_m + cue_m)
        sentence = cue_sentence if cue_sentence and cue_sentence != headline else (lede or headline)
        text_all = " ".join([headline, *summary_sents])
        mentions = self._tie(kind, mentions, text_all, strict=False)
        conf = 0.85 * (strength if kind else 0.45)
        notes = []
        if not kind:
            notes.append("no collaboration wording found")
        if mentions:
            conf *= min(m.confidence for m in mentions)
        else:
            conf *= 0.7
            notes.append("names no organisation")
        if _HEDGE.search(headline):
            conf -= 0.05
        outcomes = _dedupe_money(
            [o for s in [headline, *summary_sents] for o in outcomes_in(s, kind)]
        )
        services = services_in(headline) or services_in(b.text)
        date = self._date(b)
        rec = EventRecord(
            title=headline,
            origin=Origin(self.path, b.line, sentence),
            key=f"item|{date.iso() if date else ''}|{_norm(headline)}",
            date=date,
            description=b.text or None,
            kind=kind,
            organisations=tuple(self._ref(m) for m in mentions),
            service_areas=tuple(services[:3]),
            outcomes=tuple(outcomes),
            confidence=round(max(0.05, conf), 2),
            needs_review=conf < REVIEW_BELOW,
            digest=b.digest,
            url=b.url,
            is_item=True,
            partnership_start=date if kind in _STARTS else None,
            partnership_end=date if kind in ("in-sourcing", "partnership-ended") else None,
            notes=tuple(notes),
        )
        ev = _Event(rec, mentions, scope)
        self._partner_change(ev, sentence, mentions)
        self.events.append(ev)
        for text, line in b.body:  # an article's further paragraphs
            for s in sentences(text):
                self._statement(replace(b, line=line), s, scope, regions, is_item=False)

    # -- commentary -------------------------------------------------------------------------
    def _statement(self, b: Block, s: str, scope, regions: Counter, *, is_item: bool) -> None:
        kind, strength, _ = kind_of(s)
        if kind is None or s.rstrip().endswith("?"):
            return
        mentions = self._tie(kind, _unique(self._find(s, regions)), s, strict=True)
        change = kind == "partnership-ended" and mentions and _NEW_PARTNER.search(s)
        if len(mentions) < 2 and not (change and self._context_partners(scope, mentions[0])):
            return
        date = self._date(b)
        m = _PAST_DATE.search(s)
        if m and date and int(m.group(2)) < date.year:
            month = _MONTHS.get((m.group(1) or "").lower())
            date = PartialDate(int(m.group(2)), month)
        conf = 0.6 * strength * min(x.confidence for x in mentions)
        if _HEDGE.search(s):
            conf -= 0.05
        title = s if len(s) <= 160 else s[:157].rsplit(" ", 1)[0] + "…"
        rec = EventRecord(
            title=title,
            origin=Origin(self.path, b.line, s),
            key=f"text|{b.digest.key if b.digest else ''}|{_norm(s)}",
            date=date,
            description=None,
            kind=kind,
            organisations=tuple(self._ref(x) for x in mentions),
            service_areas=tuple(services_in(s)[:3]),
            outcomes=tuple(_dedupe_money(outcomes_in(s, kind))),
            confidence=round(max(0.05, conf), 2),
            needs_review=True,
            digest=b.digest,
            is_item=is_item,
            partnership_start=date if kind in _STARTS else None,
            partnership_end=date if kind in ("in-sourcing", "partnership-ended") else None,
            notes=("read from commentary, not a news item",),
        )
        ev = _Event(rec, mentions, scope)
        self._partner_change(ev, s, mentions)
        self.events.append(ev)

    def _bullet(self, b: Block, scope, regions: Counter) -> None:
        heading = " ".join(filter(None, [b.section, self.intro.get(scope)]))
        kind, strength, _ = kind_of(heading)
        if kind is None:
            return
        mentions = _unique(self._find(b.text, regions))
        if not mentions or mentions[0].start > 3:
            return
        paren = re.findall(r"\(([^)]{2,80})\)", b.text)
        services = [
            c.notation for p in paren for c in concepts.match_many("service", p) if c.known
        ] or services_in(b.text)
        date = self._date(b)
        rec = EventRecord(
            title=f"{b.section}: {b.text}" if b.section else b.text,
            origin=Origin(self.path, b.line, b.text),
            key=f"list|{b.digest.key if b.digest else ''}|{_norm(b.text)}",
            date=date,
            description=heading or None,
            kind=kind,
            organisations=(self._ref(mentions[0]),),
            service_areas=tuple(dict.fromkeys(services))[:3],
            confidence=round(0.65 * strength * mentions[0].confidence, 2),
            needs_review=True,
            digest=b.digest,
            is_item=False,
            notes=("read from a list under a heading",),
        )
        self.events.append(_Event(rec, mentions[:1], scope))

    # -- tying organisations together ---------------------------------------------------------
    def _tie(self, kind: str | None, mentions: list[Mention], text: str, *, strict: bool):
        """Outsourcing ties councils to their provider, not to councils they are compared with."""
        if kind not in ("outsourcing", "in-sourcing") or len(mentions) < 2:
            return mentions
        providers = [m for m in mentions if m.org.kind in _PROVIDER_KINDS]
        bodies = [m for m in mentions if m.org.kind not in _PROVIDER_KINDS]
        if providers or _JOINT.search(text):
            return mentions
        return bodies[:1] if not strict else []

    def _context_partners(self, scope, changer: Mention) -> list[_Event]:
        return [
            ev
            for ev in self.events
            if ev.story == scope
            and len(ev.mentions) >= 2
            and any(m.org.id == changer.org.id for m in ev.mentions)
        ]

    def _partner_change(self, ev: _Event, sentence: str, mentions: list[Mention]) -> None:
        """A partner change: the changer leaves the partner its story named before."""
        rec = ev.rec
        if rec.kind != "partnership-ended" or not mentions or not _NEW_PARTNER.search(sentence):
            return
        ev.rec = rec = replace(rec, partnership_start=rec.date, partnership_end=None)
        changer = mentions[0]
        new_ids = {m.org.id for m in mentions}
        leave = _LEAVE.search(sentence)
        former: list[Mention] = []
        if leave:  # "leaves Kingston for Wandsworth"
            former = [m for m in mentions[1:] if m.start > leave.start()][:1]
            new_ids -= {m.org.id for m in former}
        for earlier in self._context_partners(ev.story, changer):
            for m in earlier.mentions:
                if (
                    m.org.id not in new_ids
                    and m.org.id != changer.org.id
                    and len(earlier.mentions) == 2
                ):
                    former.append(m)
                    earlier.rec = replace(
                        earlier.rec,
                        partnership_start=None
                        if earlier.rec.partnership_start == rec.date
                        else earlier.rec.partnership_start,
                        partnership_end=rec.date,
                    )
        former = _unique(former)
        if not former:
            return
        tied = [m for m in mentions if m.org.id in new_ids]
        ev.mentions, ev.former = tied, former
        ev.rec = replace(
            rec,
            organisations=tuple(self._ref(m) for m in tied),
            former_partners=tuple(self._ref(m) for m in former),
            partnership_start=rec.date,
            partnership_end=None,
        )


def _scope(b: Block) -> tuple[int, int]:
    return (hash(b.digest.key) if b.digest else 0, b.story)


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for m in mentions:
        seen.setdefault(m.org.id, m)
    return list(seen.values())


def _dedupe_money(outcomes: list[Outcome]) -> list[Outcome]:
    seen: dict[tuple, Outcome] = {}
    for o in outcomes:
        key = (o.money.amount if o.money else None, o.money.per if o.money else None)
        if key not in seen or (seen[key].confidence or 0) < (o.confidence or 0):
            seen[key] = o
    return list(seen.values())


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9£]+", text.lower()))
