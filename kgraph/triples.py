"""Records (already resolved) -> RDF triples of one source graph, following docs/MODEL.md.

Every IRI is minted from stable inputs (no blank nodes), so importing the same source
twice yields the same triples, and two sources naming one body agree on its IRI.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from hashlib import sha256

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral
from rdflib import namespace as rdf_ns
from rdflib.namespace import XSD

from kgraph import concepts, vocab
from kgraph.records import (
    DigestRef,
    EventRecord,
    ObservationRecord,
    Origin,
    Outcome,
    PartialDate,
    PartnershipRecord,
    SurveyQuestion,
    SurveyRecord,
)
from kgraph.resolve import Organisation, Resolution
from kgraph.store import to_ox
from kgraph.vocab import ID, concept, digest, org_iri, slug


class OxTerms:
    """A namespace's terms as pyoxigraph nodes, each converted once: a large import names
    RDF.type and friends millions of times, and rdflib makes a new term on every access."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = ox.NamedNode(str(self._namespace[name]))  # the namespace still checks the name
        setattr(self, name, node)
        return node

    __getitem__ = __getattr__


DCTERMS, PROV, RDF, RDFS, SKOS, TIME = (
    OxTerms(ns)
    for ns in (rdf_ns.DCTERMS, rdf_ns.PROV, rdf_ns.RDF, rdf_ns.RDFS, rdf_ns.SKOS, rdf_ns.TIME)
)
KG, ORG, QB = OxTerms(vocab.KG), OxTerms(vocab.ORG), OxTerms(vocab.QB)
_LEXICAL_AS_GIVEN = {str(t) for t in (XSD.date, XSD.gYear, XSD.gYearMonth, XSD.string)}
_INTEGERS = {str(t) for t in (XSD.integer, XSD.positiveInteger, XSD.nonNegativeInteger)}
_DECIMAL = str(XSD.decimal)
_DATATYPES: dict[str, ox.NamedNode] = {}


def lit(value: object, datatype: URIRef | None = None) -> ox.Literal:
    """A literal as rdflib's Literal(value, datatype=...) would write it, made directly for
    the common cases (text; dates and years given as text; integers)."""
    if datatype is None:
        if type(value) is str:
            return ox.Literal(value)
    else:
        iri = str(datatype)  # a URIRef is never equal to a str, though it hashes like one
        if (type(value) is str and iri in _LEXICAL_AS_GIVEN) or (
            type(value) is int and iri in _INTEGERS
        ):
            return ox.Literal(str(value), datatype=_datatype(iri))
        if type(value) is Decimal and iri == _DECIMAL and value.is_finite():
            return ox.Literal(format(value, "f"), datatype=_datatype(iri))  # as rdflib writes it
    return to_ox(RdfLiteral(value, datatype=datatype))  # type: ignore[return-value]


def _datatype(iri: str) -> ox.NamedNode:
    node = _DATATYPES.get(iri)
    if node is None:
        node = _DATATYPES[iri] = ox.NamedNode(iri)
    return node


REGISTER = ID["register"]
SCHEME_OF = {
    "service": KG.ServiceAreas,
    "region": KG.Regions,
    "collaboration": KG.CollaborationKinds,
    "outcome": KG.OutcomeKinds,
    "orgtype": KG.OrganisationTypes,
    "role": KG.MemberRoles,
    "sector": KG.Sectors,
    "measure": KG.SurveyMeasures,
    "position": KG.ScalePositions,
}

Term = ox.NamedNode | ox.Literal
Triple = tuple[ox.NamedNode, ox.NamedNode, Term]


class SourceGraph:
    """Collects the triples of one source; a set, so repeats cost nothing."""

    def __init__(self, source: URIRef) -> None:
        self.source = source
        self.triples: set[Triple] = set()
        self._given: set[Triple] = set()  # what drain() has handed out (a streamed write)
        self._orgs_done: set[URIRef] = set()
        self._org_iris: dict[str, URIRef] = {}
        self._labels_done: set[tuple[URIRef, str]] = set()
        self._roles: dict[str, ox.NamedNode] = {}
        self._intervals: dict[str, ox.NamedNode] = {}
        self._concepts: dict[tuple[str, str, bool], object] = {}
        self._terms: dict[object, Term] = {}  # rdflib IRI -> its pyoxigraph node, converted once
        self._record_keys: dict[str, int] = {}  # record key -> records given that key so far
        self._digests: dict[DigestRef, URIRef] = {}

    def add(self, s: object, p: object, o: object) -> None:
        """Terms may be rdflib's or pyoxigraph's; the graph holds pyoxigraph's."""
        get = self._terms.get
        self.triples.add(
            (get(s) or self._term(s), get(p) or self._term(p), get(o) or self._term(o))
        )

    def node(self, term: object) -> Term:
        """The pyoxigraph term for an rdflib or pyoxigraph one."""
        return self._terms.get(term) or self._term(term)

    def _term(self, term: object) -> Term:
        if isinstance(term, BNode):
            term = term.skolemize()
        found = term if isinstance(term, ox.NamedNode | ox.Literal) else to_ox(term)  # type: ignore[arg-type]
        if not isinstance(term, RdfLiteral):  # rdflib literals hash slowly and rarely repeat
            self._terms[term] = found
        return found  # type: ignore[return-value]

    def __len__(self) -> int:
        if not self._given:
            return len(self.triples)
        return len(self._given) + len(self.triples - self._given)

    def drain(self) -> set[Triple]:
        """The triples added since the last drain that no drain gave before.

        A large new source streams to the store while it is still being built (the bulk
        loader indexes one batch while Python makes the next); `triples` then holds only
        what was added since the last drain, and `len()` still counts every triple.
        """
        fresh = self.triples - self._given if self._given else self.triples
        self._given |= fresh
        self.triples = set()
        return fresh

    # -- provenance ----------------------------------------------------------------------
    def record(self, origin: Origin, key: str | None = None) -> ox.NamedNode:
        """The node of the row/line/sentence a fact came from.

        `key` names the record by what it holds (a partnership: its own IRI) instead of its
        line, so that a row inserted above it changes its kg:line, not its node and every
        fact's link to it: re-importing a large compendium after such an edit then writes a
        triple a row instead of five or more. The n-th record of a file with the same key
        is the n-th node of that key, so each node keeps one line."""
        if key is not None:
            seen = self._record_keys.get(key, 0)
            self._record_keys[key] = seen + 1
            node = ox.NamedNode(f"{self.source}/record/{digest(key, str(seen))}")
        elif origin.line is not None:
            node = ox.NamedNode(f"{self.source}/row/{origin.line}")
        else:
            node = ox.NamedNode(f"{self.source}/record/{digest(origin.record_id, origin.sentence)}")
        self.add(node, RDF.type, KG.SourceRecord)
        self.add(node, DCTERMS.isPartOf, self.source)
        if origin.line is not None:
            self.add(node, KG.line, lit(origin.line, datatype=XSD.positiveInteger))
        if origin.record_id:
            self.add(node, DCTERMS.identifier, lit(origin.record_id))
        if origin.sentence:
            self.add(node, KG.sentence, lit(origin.sentence))
        return node

    def concept(self, scheme: str, text: str) -> URIRef:
        # memoised per graph: a source repeats a few service areas and regions on every row
        key = (scheme, text, False)
        if key not in self._concepts:
            c = concepts.match(scheme, text)
            self._declare(c)
            self._concepts[key] = c.iri
        return self._concepts[key]

    def concepts(self, scheme: str, text: str) -> list[URIRef]:
        key = (scheme, text, True)
        if key not in self._concepts:
            found = concepts.match_many(scheme, text)
            for c in found:
                self._declare(c)
            self._concepts[key] = [c.iri for c in found]
        return list(self._concepts[key])

    def _declare(self, c: concepts.Concept) -> None:
        if not c.known:  # a value no concept matched: described here, with this source
            self.add(c.iri, RDF.type, SKOS.Concept)
            self.add(c.iri, SKOS.prefLabel, lit(c.label))
            self.add(c.iri, SKOS.notation, lit(c.notation))
            self.add(c.iri, SKOS.inScheme, SCHEME_OF[c.scheme])

    # -- organisations -------------------------------------------------------------------
    def organisation(self, res: Resolution, as_written: str) -> URIRef:
        org = res.org
        # one IRI object per organisation: a large source names each many times, and an
        # equal-but-new URIRef costs a Python-level __eq__ at every set and dict it meets
        iri = self._org_iris.get(org.id)
        if iri is None:
            iri = self._org_iris[org.id] = org_iri(org.id)
        written = as_written.strip()
        if written and written != org.name and (iri, written) not in self._labels_done:
            self._labels_done.add((iri, written))
            self.add(iri, SKOS.altLabel, lit(written))
        if iri in self._orgs_done:
            return iri
        self._orgs_done.add(iri)
        self.add(iri, RDF.type, ORG.Organization)
        self.add(iri, RDFS.label, lit(org.name))
        self.add(iri, SKOS.prefLabel, lit(org.name))
        self.add(iri, KG.orgType, self.concept("orgtype", org.kind))
        self.add(iri, KG.resolution, lit(_resolution_kind(res)))
        if org.in_register:
            self._register_facts(iri, org)
        else:
            self.add(iri, KG.needsReview, lit(True))
            if res.near_miss is not None:
                self.add(iri, KG.nearMiss, org_iri(res.near_miss.id))
            for other in res.ambiguous:
                self.add(iri, KG.ambiguousWith, org_iri(other.id))
        return iri

    def _register_facts(self, iri: URIRef, org: Organisation) -> None:
        self.add(iri, PROV.wasDerivedFrom, REGISTER)
        for alias in (org.short_name, org.welsh_name):
            if alias and alias != org.name:
                self.add(iri, SKOS.altLabel, lit(alias))
        if org.gss:
            self.add(iri, KG.gssCode, lit(org.gss))
        for code in org.former_gss:
            self.add(iri, KG.formerGssCode, lit(code))
        if org.register_code:
            self.add(iri, KG.registerCode, lit(org.register_code))
        if org.nation:
            self.add(iri, KG.nation, lit(org.nation))
        if org.region:
            self.add(iri, KG.region, self.concept("region", org.region))
        if org.start:
            self.add(iri, KG.existedFrom, lit(org.start, datatype=XSD.date))
        if org.end:
            self.add(iri, KG.existedUntil, lit(org.end, datatype=XSD.date))
        for successor in org.replaced_by:
            self.add(iri, DCTERMS.isReplacedBy, org_iri(successor))

    # -- partnerships --------------------------------------------------------------------
    def partnership(self, rec: PartnershipRecord, members: list[tuple[URIRef, str]]) -> URIRef:
        """`members` holds (organisation IRI, role notation) pairs, lead first."""
        # same title and members but another kind or source id (a fire authority and a police
        # area covering the same councils) is another partnership
        key = digest(rec.kind or "", rec.identifier or "", *sorted({m for m, _ in members}))
        p = ID[f"partnership/{slug(rec.title, 50)}-{key}"]
        where = self.record(rec.origin, key=f"partnership\x1f{p}")
        self.add(p, RDF.type, ORG.OrganizationalCollaboration)
        self.add(p, RDFS.label, lit(rec.title))
        self.add(p, DCTERMS.title, lit(rec.title))
        self.add(p, PROV.wasDerivedFrom, where)
        if rec.identifier:
            self.add(p, DCTERMS.identifier, lit(rec.identifier))
        if rec.description:
            self.add(p, DCTERMS.description, lit(rec.description))
        if rec.status:
            self.add(p, KG.status, lit(rec.status))
        if rec.kind:
            self.add(p, KG.collaborationKind, self.concept("collaboration", rec.kind))
        if rec.region:
            self.add(p, KG.region, self.concept("region", rec.region))
        for area in rec.service_areas:
            for c in self.concepts("service", area):
                self.add(p, KG.serviceArea, c)
        interval = self.interval(rec.start, rec.end)
        # the hot loop of a large import (seven triples a member): terms converted once,
        # triples made directly
        put = self.triples.add
        pn, wn = self.node(p), self.node(where)
        dn = self.node(interval) if interval is not None else None
        # digest(p, org, role, start, end) with the parts that do not change hashed once
        head, tail = f"{p}\x1f", f"\x1f{rec.start}\x1f{rec.end}"
        has_member, has_membership, membership = ORG.hasMember, ORG.hasMembership, ORG.Membership
        for org, role in members:
            key = sha256(f"{head}{org}\x1f{role}{tail}".encode()).hexdigest()[:12]
            m = ox.NamedNode(f"{ID}membership/{key}")
            on = self.node(org)
            r = self._roles.get(role)
            if r is None:
                r = self._roles[role] = self.node(concept("role", role))
            put((pn, has_member, on))
            put((pn, has_membership, m))
            put((m, RDF.type, membership))
            put((m, ORG.member, on))
            put((m, ORG.organization, pn))
            put((m, ORG.role, r))
            put((m, PROV.wasDerivedFrom, wn))
            if dn is not None:
                put((m, ORG.memberDuring, dn))
        for outcome in rec.outcomes:
            self.outcome(p, outcome, where)
        return p

    def interval(self, start: PartialDate | None, end: PartialDate | None) -> ox.NamedNode | None:
        if start is None and end is None:
            return None
        key = f"{start.iso() if start else 'open'}--{end.iso() if end else 'open'}"
        node = self._intervals.get(key)  # a source has a few hundred spans over many rows
        if node is not None:
            return node
        node = self._intervals[key] = ox.NamedNode(f"{ID}interval/{key}")
        self.add(node, RDF.type, TIME.Interval)
        if start is not None:
            self.add(node, TIME.hasBeginning, self.instant(start))
        if end is not None:
            self.add(node, TIME.hasEnd, self.instant(end))
        return node

    def instant(self, when: PartialDate) -> ox.NamedNode:
        node = ox.NamedNode(f"{ID}instant/{when.iso()}")
        self.add(node, RDF.type, TIME.Instant)
        self.add(node, TIME.inXSDgYear, lit(f"{when.year:04d}", datatype=XSD.gYear))
        if when.day is not None:
            self.add(node, TIME.inXSDDate, lit(when.iso(), datatype=XSD.date))
        elif when.month is not None:
            self.add(node, TIME.inXSDgYearMonth, lit(when.iso(), datatype=XSD.gYearMonth))
        return node

    def outcome(self, partnership: URIRef, outcome: Outcome, where: URIRef) -> URIRef:
        money = outcome.money
        node = ID[
            "outcome/"
            + digest(
                partnership, outcome.kind, money and money.amount, money and money.per, outcome.text
            )
        ]
        self.add(partnership, KG.hasOutcome, node)
        self.add(node, RDF.type, KG.Outcome)
        self.add(node, KG.outcomeKind, self.concept("outcome", outcome.kind))
        self.add(node, PROV.wasDerivedFrom, where)
        if outcome.text:
            self.add(node, DCTERMS.description, lit(outcome.text))
        if outcome.confidence is not None:
            self.add(node, KG.confidence, _decimal(outcome.confidence))
        if money is not None:
            self.add(node, KG.amountGBP, lit(money.amount, datatype=XSD.decimal))
            if money.per:
                self.add(node, KG.amountPer, lit(money.per))
            if money.qualifier:
                self.add(node, KG.amountQualifier, lit(money.qualifier))
            if money.text:
                self.add(node, KG.amountText, lit(money.text))
        return node

    # -- news events (docs/MODEL.md "News events") -----------------------------------------
    def event(
        self,
        rec: EventRecord,
        involved: list[URIRef],
        former: list[URIRef] = (),  # type: ignore[assignment]
        partnerships: list[URIRef] = (),  # type: ignore[assignment]
        *,
        review_below: float = 0.7,
    ) -> URIRef:
        """One news item / collaboration event; its IRI comes from `rec.key`, never the path."""
        e = event_iri(rec.key)
        where = self.sentence_record(rec.origin, rec.key)
        if rec.is_item:
            self.add(e, RDF.type, KG.NewsItem)
        if rec.kind or involved or not rec.is_item:
            self.add(e, RDF.type, KG.CollaborationEvent)
        self.add(e, DCTERMS.title, lit(rec.title))
        self.add(e, RDFS.label, lit(rec.title))
        self.add(e, PROV.wasDerivedFrom, where)
        if rec.description:
            self.add(e, DCTERMS.description, lit(rec.description))
        if rec.date is not None:
            self.add(e, DCTERMS.date, date_literal(rec.date))
        if rec.kind:
            self.add(e, KG.collaborationKind, self.concept("collaboration", rec.kind))
        for org in involved:
            self.add(e, KG.involves, org)
        for org in former:
            self.add(e, KG.formerPartner, org)
        for area in rec.service_areas:
            self.add(e, KG.serviceArea, self.concept("service", area))
        for p in partnerships:
            self.add(e, KG.concerns, p)
        self.add(e, KG.confidence, _decimal(rec.confidence))
        if rec.needs_review or rec.confidence < review_below:
            self.add(e, KG.needsReview, lit(True))
        if rec.url and _URL.fullmatch(rec.url):
            self.add(e, DCTERMS.source, URIRef(rec.url))
        if rec.digest is not None:
            self.add(e, DCTERMS.isPartOf, self.digest(rec.digest))
        for outcome in rec.outcomes:
            origin = Origin(rec.origin.path, rec.origin.line, outcome.text or rec.origin.sentence)
            node = self.outcome(e, outcome, self.sentence_record(origin, rec.key))
            for p in partnerships[:1]:
                self.add(p, KG.hasOutcome, node)
            if outcome.confidence is not None and outcome.confidence < review_below:
                self.add(node, KG.needsReview, lit(True))
        return e

    def sentence_record(self, origin: Origin, key: str | None = None) -> ox.NamedNode:
        """A kg:SourceRecord for one sentence (several sentences can share a line)."""
        node = self.record(Origin(origin.path, None, origin.sentence, key or origin.record_id))
        if origin.line is not None:
            self.add(node, KG.line, lit(origin.line, datatype=XSD.positiveInteger))
        return node

    def digest(self, ref: DigestRef) -> URIRef:
        # memoised per graph: every item of an issue names it
        node = self._digests.get(ref)
        if node is not None:
            return node
        node = self._digests[ref] = ID[f"digest/{digest(ref.key)}"]
        self.add(node, RDF.type, KG.NewsDigest)
        self.add(node, DCTERMS.title, lit(ref.title))
        self.add(node, RDFS.label, lit(ref.title))
        self.add(node, PROV.wasDerivedFrom, self.source)
        if ref.date is not None:
            self.add(node, DCTERMS.date, date_literal(ref.date))
        if ref.issued is not None:
            self.add(node, DCTERMS.issued, date_literal(ref.issued))
        if ref.url and _URL.fullmatch(ref.url):
            self.add(node, DCTERMS.source, URIRef(ref.url))
        return node

    # -- surveys (docs/MODEL.md "Surveys"): RDF Data Cube ---------------------------------
    _survey_memo: _SurveyMemo | None = None  # what a survey's observations share

    def survey(self, rec: SurveyRecord) -> URIRef:
        """The survey's qb:DataSet, its data structure definition and its questions."""
        ds = survey_iri(rec.key)
        self.add(ds, RDF.type, QB.DataSet)
        self.add(ds, DCTERMS.identifier, lit(rec.key))
        self.add(ds, DCTERMS.title, lit(rec.title))
        self.add(ds, RDFS.label, lit(rec.title))
        self.add(ds, PROV.wasDerivedFrom, self.source)
        if rec.description:
            self.add(ds, DCTERMS.description, lit(rec.description))
        if rec.date is not None:
            self.add(ds, DCTERMS.date, date_literal(rec.date))
        dsd = URIRef(f"{ds}/structure")
        self.add(ds, QB.structure, dsd)
        self.add(dsd, RDF.type, QB.DataStructureDefinition)
        self.add(dsd, RDFS.label, lit(f"Structure of {rec.title}"))
        parts = [("dimension", KG.question)]
        optional = {
            "respondent": ("dimension", KG.respondent),
            "respondent_id": ("dimension", KG.respondentId),
            "period": ("dimension", KG.period),
        }
        parts += [optional[c] for c in optional if c in rec.components]
        parts.append(("measure", KG.answer))
        parts += [("attribute", p) for p in (KG.answerLabel, KG.answerValue, KG.scalePosition)]
        if "partnership" in rec.components:
            parts += [("attribute", KG.aboutPartnership), ("attribute", KG.partnershipName)]
        if "region" in rec.components:
            parts.append(("attribute", KG.respondentRegion))
        if "org_type" in rec.components:
            parts.append(("attribute", KG.respondentType))
        for order, (role, prop) in enumerate(parts, start=1):
            spec = URIRef(f"{dsd}/{prop.value.rsplit('#', 1)[-1]}")
            self.add(dsd, QB.component, spec)
            self.add(spec, RDF.type, QB.ComponentSpecification)
            self.add(spec, QB[role], prop)
            self.add(spec, QB.order, lit(order))
            if role == "attribute":
                self.add(spec, QB.componentRequired, lit(False))
        for q in rec.questions:
            self.question(rec.key, q)
        return ds

    def question(self, survey_key: str, q: SurveyQuestion) -> URIRef:
        node = question_iri(survey_key, q.id)
        self.add(node, RDF.type, KG.Question)
        self.add(node, DCTERMS.identifier, lit(q.id))
        self.add(node, DCTERMS.title, lit(q.text))
        self.add(node, RDFS.label, lit(q.text))
        self.add(node, DCTERMS.isPartOf, survey_iri(survey_key))
        self.add(node, KG.scaleKind, lit(q.scale))
        if q.measure:
            from kgraph.survey import measures  # the survey package loads with its first use

            c = measures.match(q.measure)
            self._declare(c)
            self.add(node, KG.measures, c.iri)
        return node

    def observation(
        self,
        rec: ObservationRecord,
        respondent: URIRef | None = None,
        partnerships: Iterable[URIRef] = (),
    ) -> ox.NamedNode:
        """One answer (a qb:Observation); `respondent` is the resolved organisation.

        The hot loop of a survey import (one call per answer): what answers share (the row,
        the question, the survey, an answer's value and position) is made once, and the
        triples go straight into the set, as in `partnership`."""
        memo = self._survey_memo or self._new_survey_memo()
        # a row's answers come one after another, sharing their Origin
        if rec.origin is not memo.origin and rec.origin != memo.origin:
            memo.where, memo.origin = self.record(rec.origin), rec.origin
        # a survey's own key names the answer wherever it is read from; a row number only
        # within its file
        local = rec.key.startswith("row ")
        obs = ox.NamedNode(
            f"{ID}observation/" + digest(*((self.source,) if local else ()), rec.survey, rec.key)
        )
        put, text = self.triples.add, ox.Literal  # the record's text: plain literals, as lit()
        put((obs, RDF.type, QB.Observation))
        put((obs, QB.dataSet, memo.dataset(rec.survey)))
        put((obs, KG.question, self._question_node(rec.survey, rec.question)))
        put((obs, KG.answer, text(rec.answer)))
        put((obs, PROV.wasDerivedFrom, memo.where))
        if rec.label is not None:
            put((obs, KG.answerLabel, text(rec.label)))
        if rec.value is not None:
            put((obs, KG.answerValue, memo.decimal(rec.value)))
        if rec.position is not None:
            put((obs, KG.scalePosition, memo.position(rec.position)))
        if respondent is not None:
            put((obs, KG.respondent, self.node(respondent)))
        if rec.respondent_id:
            put((obs, KG.respondentId, text(rec.respondent_id)))
        if rec.period is not None:
            put((obs, KG.period, memo.period(rec.period)))
        if rec.partnership:
            put((obs, KG.partnershipName, text(rec.partnership)))
        for p in partnerships:
            put((obs, KG.aboutPartnership, self.node(p)))
        if rec.region:
            put((obs, KG.respondentRegion, self.node(self.concept("region", rec.region))))
        if rec.org_type:
            put((obs, KG.respondentType, text(rec.org_type)))
        return obs

    def _new_survey_memo(self) -> _SurveyMemo:
        self._survey_memo = _SurveyMemo()
        return self._survey_memo

    def _question_node(self, survey_key: str, q: SurveyQuestion) -> Term:
        """A question's node, described the first time an answer to it is seen."""
        memo = self._survey_memo or self._new_survey_memo()
        node = memo.questions.get((survey_key, q))
        if node is None:
            node = memo.questions[(survey_key, q)] = self.node(self.question(survey_key, q))
        return node

    # -- the source itself -----------------------------------------------------------------
    def describe_source(
        self,
        *,
        file_name: str,
        file_path: str,
        sha256: str,
        importer: str,
        importer_version: str,
        records: int,
        rejects: int,
        started: dt.datetime,
        ended: dt.datetime,
        media_type: str | None = None,
    ) -> None:
        s = self.source
        activity = URIRef(f"{s}/import")
        agent = ID[f"agent/{slug(importer)}"]
        facts: Iterable[Triple] = [
            (s, RDF.type, KG.Source),
            (s, RDF.type, PROV.Entity),
            (s, DCTERMS.title, lit(file_name)),
            (s, KG.fileName, lit(file_name)),
            (s, KG.filePath, lit(file_path)),
            (s, KG.sha256, lit(sha256)),
            (s, KG.importer, lit(importer)),
            (s, KG.importerVersion, lit(importer_version)),
            (s, KG.recordCount, lit(records, datatype=XSD.nonNegativeInteger)),
            (s, KG.rejectCount, lit(rejects, datatype=XSD.nonNegativeInteger)),
            (s, PROV.wasGeneratedBy, activity),
            (activity, RDF.type, PROV.Activity),
            (activity, PROV.startedAtTime, lit(started, datatype=XSD.dateTime)),
            (activity, PROV.endedAtTime, lit(ended, datatype=XSD.dateTime)),
            (activity, PROV.wasAssociatedWith, agent),
            (activity, PROV.used, s),
            (agent, RDF.type, PROV.SoftwareAgent),
            (agent, RDFS.label, lit(f"kgraph importer '{importer}'")),
            (REGISTER, RDF.type, PROV.Entity),
            (REGISTER, RDFS.label, lit("kgraph authority register (data/register)")),
        ]
        if media_type:
            facts = [*facts, (s, DCTERMS["format"], lit(media_type))]
        for t in facts:
            self.add(*t)
        # the count includes the count triple itself
        self.add(s, KG.tripleCount, lit(len(self) + 1, datatype=XSD.nonNegativeInteger))


class _SurveyMemo:
    """The terms a survey's answers share, made once per source graph: the last row's
    source record, and nodes per survey, question, value, scale position and period."""

    def __init__(self) -> None:
        self.origin: Origin | None = None
        self.where: ox.NamedNode | None = None
        self.questions: dict[tuple[str, SurveyQuestion], Term] = {}
        self._datasets: dict[str, ox.NamedNode] = {}
        self._decimals: dict[tuple[type, str], ox.Literal] = {}
        self._positions: dict[str, ox.NamedNode] = {}
        self._periods: dict[PartialDate, ox.Literal] = {}

    def dataset(self, key: str) -> ox.NamedNode:
        node = self._datasets.get(key)
        if node is None:
            node = self._datasets[key] = ox.NamedNode(str(survey_iri(key)))
        return node

    def decimal(self, value: Decimal) -> ox.Literal:
        # by type and text: 4 and 4.0 are equal Decimals but different literals
        key = (type(value), str(value))
        node = self._decimals.get(key)
        if node is None:
            node = self._decimals[key] = lit(value, datatype=XSD.decimal)
        return node

    def position(self, notation: str) -> ox.NamedNode:
        node = self._positions.get(notation)
        if node is None:
            node = self._positions[notation] = ox.NamedNode(str(concept("position", notation)))
        return node

    def period(self, when: PartialDate) -> ox.Literal:
        node = self._periods.get(when)
        if node is None:
            node = self._periods[when] = date_literal(when)
        return node


def event_iri(key: str) -> URIRef:
    """Events are named by their key (date, headline, sentence), never by the file path."""
    return ID[f"event/{digest(key, length=16)}"]


def _key_part(key: str) -> str:
    """A survey or question id as an IRI segment: itself when already a slug."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", key):
        return key
    return f"{slug(key, 40)}-{digest(key, length=6)}"


def survey_iri(key: str) -> URIRef:
    """A survey's qb:DataSet, named by its id: the files of one survey share it."""
    return ID[f"survey/{_key_part(key)}"]


def question_iri(survey_key: str, question_id: str) -> URIRef:
    return URIRef(f"{survey_iri(survey_key)}/question/{_key_part(question_id)}")


_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def _decimal(value: float) -> ox.Literal:
    return lit(Decimal(str(round(float(value), 2))), datatype=XSD.decimal)


def date_literal(when: PartialDate) -> ox.Literal:
    """xsd:date, xsd:gYearMonth or xsd:gYear, as precise as the source was."""
    if when.day is not None:
        return lit(when.iso(), datatype=XSD.date)
    if when.month is not None:
        return lit(when.iso(), datatype=XSD.gYearMonth)
    return lit(when.iso(), datatype=XSD.gYear)


def _resolution_kind(res: Resolution) -> str:
    if res.org.in_register:
        return "register"
    return "pattern" if res.status == "pattern" else "unknown"
